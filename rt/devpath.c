/* devpath.c — device path nodes to the text of UEFI 2.10 §10.6, and the
 * EFI_LOAD_OPTION of §3.1.3. Every node is bounds-checked against the
 * buffer before any field is read; see devpath.h for the output rules. */
#include "devpath.h"

#include "ucs2.h"

#include "loader/bytes.h"
#include "loader/txt.h"

/* "0x1F": hex numbers in device-path text are upper case (UEFI 2.10 §10.6). */
static void hex(struct txt *t, uint64_t v)
{
	txt_puts(t, "0x");
	txt_HEX(t, v, 1);
}

static void bytes_hex(struct txt *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		txt_HEX(t, p[i], 2);
}

/* 16 bytes of EFI_GUID as 8BE4DF61-93CA-11D2-AA0D-00E098032B8C. */
static void guid(struct txt *t, const uint8_t *p)
{
	txt_HEX(t, ld32(p), 8);
	txt_putc(t, '-');
	txt_HEX(t, ld16(p + 4), 4);
	txt_putc(t, '-');
	txt_HEX(t, ld16(p + 6), 4);
	txt_putc(t, '-');
	bytes_hex(t, p + 8, 2);
	txt_putc(t, '-');
	bytes_hex(t, p + 10, 6);
}

/* An ASCII string of at most n bytes, stopping at a NUL. */
static void ascii(struct txt *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && p[i]; i++)
		txt_putc(t, (p[i] >= 0x20 && p[i] <= 0x7E) ? (char)p[i] : '?');
}

/* A UTF-16LE string of at most nbytes, stopping at a NUL. */
static void ucs2(struct txt *t, const uint8_t *p, size_t nbytes)
{
	size_t n;

	if (t->len + 1 < t->cap)
		n = ucs2_bytes_to_ascii(p, nbytes, t->buf + t->len, t->cap - t->len);
	else
		n = ucs2_bytes_to_ascii(p, nbytes, NULL, 0);
	t->len += n;
}

/* ---- node types and subtypes (UEFI 2.10 §10.3) */

enum {
	DP_HW = 0x01,
	DP_ACPI = 0x02,
	DP_MSG = 0x03,
	DP_MEDIA = 0x04,
	DP_BBS = 0x05,
	DP_END = 0x7F,
};

#define DP_END_INSTANCE 0x01
#define DP_END_ENTIRE 0xFF

/* §10.3.3: _HID/_CID values in compressed EISA form, "PNP" in the low word. */
#define EISA_PNP_ID(id) ((uint32_t)(id) << 16 | 0x41D0)
#define EISA_IS_PNP(id) (((id) & 0xFFFF) == 0x41D0)

/* A node: its type, subtype, bytes (header included) and length >= 4. */
struct node {
	uint8_t type;
	uint8_t sub;
	const uint8_t *p;
	size_t len;
};

/* Each printer returns 0 when the node is too short for its fields. */
typedef int (*node_printer)(struct txt *t, const struct node *n);

static void eisa_id(struct txt *t, uint32_t id)
{
	if (EISA_IS_PNP(id)) {
		txt_puts(t, "PNP");
		txt_HEX(t, id >> 16, 4);
	} else {
		hex(t, id);
	}
}

/* ---- hardware (§10.3.2) */

/* VenHw/VenMsg/VenMedia(GUID[,data]) */
static int vendor(struct txt *t, const struct node *n, const char *name)
{
	if (n->len < 20)
		return 0;
	txt_puts(t, name);
	txt_putc(t, '(');
	guid(t, n->p + 4);
	if (n->len > 20) {
		txt_putc(t, ',');
		bytes_hex(t, n->p + 20, n->len - 20);
	}
	txt_putc(t, ')');
	return 1;
}

static int hw_vendor(struct txt *t, const struct node *n)
{
	return vendor(t, n, "VenHw");
}

/* ---- ACPI (§10.3.3) */

/* The short forms §10.6.1.3 gives well-known PNP ids; NULL if none. */
static const char *acpi_short_name(uint32_t hid)
{
	switch (hid) {
	case EISA_PNP_ID(0x0A03): return "PciRoot";
	case EISA_PNP_ID(0x0A08): return "PcieRoot";
	case EISA_PNP_ID(0x0604): return "Floppy";
	case EISA_PNP_ID(0x0301): return "Keyboard";
	case EISA_PNP_ID(0x0501): return "Serial";
	case EISA_PNP_ID(0x0401): return "ParallelPort";
	default: return NULL;
	}
}

static int acpi_acpi(struct txt *t, const struct node *n)
{
	uint32_t hid, uid;
	const char *name;

	if (n->len < 12)
		return 0;
	hid = ld32(n->p + 4);
	uid = ld32(n->p + 8);
	name = acpi_short_name(hid);
	if (name) {
		txt_puts(t, name);
		txt_putc(t, '(');
	} else {
		txt_puts(t, "Acpi(");
		eisa_id(t, hid);
		txt_putc(t, ',');
	}
	hex(t, uid);
	txt_putc(t, ')');
	return 1;
}

/* The next NUL-terminated string of an AcpiEx node, bounded by its end. */
static const uint8_t *acpiex_str(const struct node *n, size_t *pos, size_t *slen)
{
	const uint8_t *s = n->p + *pos;
	size_t k = 0;

	while (*pos + k < n->len && s[k])
		k++;
	*slen = k;
	*pos += k + (*pos + k < n->len); /* skip the NUL if there is one */
	return s;
}

static int acpi_expanded(struct txt *t, const struct node *n)
{
	uint32_t hid, uid, cid;
	size_t pos = 16, hl, ul, cl;
	const uint8_t *hs, *us, *cs;

	if (n->len < 16)
		return 0;
	hid = ld32(n->p + 4);
	uid = ld32(n->p + 8);
	cid = ld32(n->p + 12);
	hs = acpiex_str(n, &pos, &hl);
	us = acpiex_str(n, &pos, &ul);
	cs = acpiex_str(n, &pos, &cl);
	if (hl == 0 && ul == 0 && cl == 0) {
		/* §10.6.1.3: PCI roots given by _HID or _CID print short. */
		const char *name = NULL;
		if (hid == EISA_PNP_ID(0x0A08) || cid == EISA_PNP_ID(0x0A08))
			name = "PcieRoot";
		else if (hid == EISA_PNP_ID(0x0A03) || cid == EISA_PNP_ID(0x0A03))
			name = "PciRoot";
		if (name) {
			txt_puts(t, name);
			txt_putc(t, '(');
			hex(t, uid);
			txt_putc(t, ')');
			return 1;
		}
	}
	if (hl == 0 && cl == 0 && ul != 0) {
		txt_puts(t, "AcpiExp(");
		eisa_id(t, hid);
		txt_putc(t, ',');
		eisa_id(t, cid);
		txt_putc(t, ',');
		ascii(t, us, ul);
		txt_putc(t, ')');
		return 1;
	}
	txt_puts(t, "AcpiEx(");
	eisa_id(t, hid);
	txt_putc(t, ',');
	eisa_id(t, cid);
	txt_putc(t, ',');
	hex(t, uid);
	txt_putc(t, ',');
	ascii(t, hs, hl);
	txt_putc(t, ',');
	ascii(t, cs, cl);
	txt_putc(t, ',');
	ascii(t, us, ul);
	txt_putc(t, ')');
	return 1;
}

static int acpi_adr(struct txt *t, const struct node *n)
{
	if (n->len < 8)
		return 0;
	txt_puts(t, "AcpiAdr(");
	for (size_t off = 4; off + 4 <= n->len; off += 4) {
		if (off > 4)
			txt_putc(t, ',');
		hex(t, ld32(n->p + off));
	}
	txt_putc(t, ')');
	return 1;
}

/* ---- messaging (§10.3.4) */

static int msg_ata(struct txt *t, const struct node *n)
{
	if (n->len < 8)
		return 0;
	txt_puts(t, "Ata(");
	if (n->p[4] <= 1)
		txt_puts(t, n->p[4] ? "Secondary" : "Primary");
	else
		hex(t, n->p[4]);
	txt_putc(t, ',');
	if (n->p[5] <= 1)
		txt_puts(t, n->p[5] ? "Slave" : "Master");
	else
		hex(t, n->p[5]);
	txt_putc(t, ',');
	hex(t, ld16(n->p + 6));
	txt_putc(t, ')');
	return 1;
}

static int msg_usb_wwid(struct txt *t, const struct node *n)
{
	if (n->len < 10)
		return 0;
	txt_puts(t, "UsbWwid(");
	hex(t, ld16(n->p + 6)); /* vendor */
	txt_putc(t, ',');
	hex(t, ld16(n->p + 8)); /* product */
	txt_putc(t, ',');
	hex(t, ld16(n->p + 4)); /* interface */
	txt_puts(t, ",\"");
	ucs2(t, n->p + 10, n->len - 10);
	txt_puts(t, "\")");
	return 1;
}

static int msg_mac(struct txt *t, const struct node *n)
{
	uint8_t iftype;

	if (n->len < 37)
		return 0;
	iftype = n->p[36];
	txt_puts(t, "MAC(");
	/* RFC 3232 ifType 0 or 1 (Ethernet): a 6-byte address in a 32-byte field. */
	bytes_hex(t, n->p + 4, iftype <= 1 ? 6 : 32);
	txt_putc(t, ',');
	hex(t, iftype);
	txt_putc(t, ')');
	return 1;
}

static void ipv4(struct txt *t, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			txt_putc(t, '.');
		txt_dec(t, a[i]);
	}
}

/* All eight groups without "::" shortening, lower case as RFC 5952 §4.3
 * writes them (the one exception to upper-case hex here). */
static void ipv6(struct txt *t, const uint8_t *a)
{
	static const char lc[] = "0123456789abcdef";

	for (int i = 0; i < 16; i += 2) {
		unsigned group = (unsigned)(a[i] << 8 | a[i + 1]);
		int started = 0;

		if (i)
			txt_putc(t, ':');
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (group >> shift) & 0xF;
			if (d || started || shift == 0) {
				txt_putc(t, lc[d]);
				started = 1;
			}
		}
	}
}

static void ip_protocol(struct txt *t, uint16_t proto)
{
	if (proto == 6)
		txt_puts(t, "TCP");
	else if (proto == 17)
		txt_puts(t, "UDP");
	else
		hex(t, proto);
}

/* IPv4(RemoteIp,Protocol,Type,LocalIp[,GatewayIp,SubnetMask]) */
static int msg_ipv4(struct txt *t, const struct node *n)
{
	if (n->len < 19)
		return 0;
	txt_puts(t, "IPv4(");
	ipv4(t, n->p + 8);
	txt_putc(t, ',');
	ip_protocol(t, ld16(n->p + 16));
	txt_puts(t, n->p[18] ? ",Static," : ",DHCP,");
	ipv4(t, n->p + 4);
	if (n->len >= 27) { /* UEFI 2.3+ added gateway and subnet mask */
		txt_putc(t, ',');
		ipv4(t, n->p + 19);
		txt_putc(t, ',');
		ipv4(t, n->p + 23);
	}
	txt_putc(t, ')');
	return 1;
}

/* IPv6(RemoteIp,Protocol,IpAddressOrigin,LocalIp[,PrefixLength,GatewayIp]) */
static int msg_ipv6(struct txt *t, const struct node *n)
{
	static const char *const origin[] = { "Static", "StatelessAutoConfigure",
					      "StatefulAutoConfigure" };

	if (n->len < 43)
		return 0;
	txt_puts(t, "IPv6(");
	ipv6(t, n->p + 20);
	txt_putc(t, ',');
	ip_protocol(t, ld16(n->p + 40));
	txt_putc(t, ',');
	if (n->p[42] < 3)
		txt_puts(t, origin[n->p[42]]);
	else
		hex(t, n->p[42]);
	txt_putc(t, ',');
	ipv6(t, n->p + 4);
	if (n->len >= 60) {
		txt_putc(t, ',');
		hex(t, n->p[43]);
		txt_putc(t, ',');
		ipv6(t, n->p + 44);
	}
	txt_putc(t, ')');
	return 1;
}

/* Uart(BaudRate,DataBits,Parity,StopBits); 0 in any field means default. */
static int msg_uart(struct txt *t, const struct node *n)
{
	static const char parity[] = "DNEOMS";
	static const char *const stop[] = { "D", "1", "1.5", "2" };

	if (n->len < 19)
		return 0;
	txt_puts(t, "Uart(");
	if (ld64(n->p + 8))
		txt_dec(t, ld64(n->p + 8));
	else
		txt_putc(t, 'D');
	txt_putc(t, ',');
	if (n->p[16])
		txt_dec(t, n->p[16]);
	else
		txt_putc(t, 'D');
	txt_putc(t, ',');
	if (n->p[17] < 6)
		txt_putc(t, parity[n->p[17]]);
	else
		hex(t, n->p[17]);
	txt_putc(t, ',');
	if (n->p[18] < 4)
		txt_puts(t, stop[n->p[18]]);
	else
		hex(t, n->p[18]);
	txt_putc(t, ')');
	return 1;
}

static int guid_is(const uint8_t *p, uint32_t d1, uint16_t d2, uint16_t d3,
		   const uint8_t d4[8])
{
	if (ld32(p) != d1 || ld16(p + 4) != d2 || ld16(p + 6) != d3)
		return 0;
	for (int i = 0; i < 8; i++)
		if (p[8 + i] != d4[i])
			return 0;
	return 1;
}

/* §10.3.4.9: messaging vendor nodes that have their own text. */
static int msg_vendor(struct txt *t, const struct node *n)
{
	static const struct {
		uint32_t d1;
		uint16_t d2, d3;
		uint8_t d4[8];
		const char *name;
	} known[] = {
		{ 0xe0c14753, 0xf9be, 0x11d2, { 0x9a, 0x0c, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d },
		  "VenPcAnsi" },
		{ 0xdfa66065, 0xb419, 0x11d3, { 0x9a, 0x2d, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d },
		  "VenVt100" },
		{ 0x7baec70b, 0x57e0, 0x4c76, { 0x8e, 0x87, 0x2f, 0x9e, 0x28, 0x08, 0x83, 0x43 },
		  "VenVt100Plus" },
		{ 0xad15a0d6, 0x8bec, 0x4acf, { 0xa0, 0x73, 0xd0, 0x1d, 0xe7, 0x7e, 0x2d, 0x88 },
		  "VenUtf8" },
		{ 0xeba4e8d2, 0x3858, 0x41ec, { 0xa2, 0x81, 0x26, 0x47, 0xba, 0x96, 0x60, 0xd0 },
		  "DebugPort" },
	};
	static const uint8_t flow_d4[8] = { 0xa0, 0x26, 0x35, 0xda, 0x14, 0x20, 0x94, 0xe4 };

	if (n->len < 20)
		return 0;
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		if (guid_is(n->p + 4, known[k].d1, known[k].d2, known[k].d3, known[k].d4)) {
			txt_puts(t, known[k].name);
			txt_puts(t, "()");
			return 1;
		}
	}
	if (n->len >= 24 && guid_is(n->p + 4, 0x37499a9d, 0x542f, 0x4c89, flow_d4)) {
		uint32_t flow = ld32(n->p + 20);
		txt_puts(t, "UartFlowCtrl(");
		if (flow == 0)
			txt_puts(t, "None");
		else if (flow == 1)
			txt_puts(t, "Hardware");
		else if (flow == 2)
			txt_puts(t, "XonXoff");
		else
			hex(t, flow);
		txt_putc(t, ')');
		return 1;
	}
	return vendor(t, n, "VenMsg");
}

/* NVMe(NSID,EUI-64): the EUI-64 is a little-endian UINT64 in the node, shown
 * most significant byte first, as EDK2 does. */
static int msg_nvme(struct txt *t, const struct node *n)
{
	if (n->len < 16)
		return 0;
	txt_puts(t, "NVMe(");
	hex(t, ld32(n->p + 4));
	txt_putc(t, ',');
	for (int i = 7; i >= 0; i--) {
		txt_HEX(t, n->p[8 + i], 2);
		if (i)
			txt_putc(t, '-');
	}
	txt_putc(t, ')');
	return 1;
}

static int msg_uri(struct txt *t, const struct node *n)
{
	txt_puts(t, "Uri(");
	ascii(t, n->p + 4, n->len - 4);
	txt_putc(t, ')');
	return 1;
}

static int msg_wifi(struct txt *t, const struct node *n)
{
	if (n->len < 36)
		return 0;
	txt_puts(t, "Wi-Fi(");
	ascii(t, n->p + 4, 32);
	txt_putc(t, ')');
	return 1;
}

static int msg_bluetooth(struct txt *t, const struct node *n)
{
	if (n->len < 10)
		return 0;
	txt_puts(t, "Bluetooth(");
	for (int i = 5; i >= 0; i--)
		txt_HEX(t, n->p[4 + i], 2);
	txt_putc(t, ')');
	return 1;
}

/* ---- media (§10.3.5) */

static int media_hd(struct txt *t, const struct node *n)
{
	const uint8_t *sig;

	if (n->len < 42)
		return 0;
	sig = n->p + 24;
	txt_puts(t, "HD(");
	txt_dec(t, ld32(n->p + 4));
	/* The signature type, not the MBR type byte, says what sig holds. */
	switch (n->p[41]) {
	case 1:
		txt_puts(t, ",MBR,0x");
		txt_HEX(t, ld32(sig), 8);
		break;
	case 2:
		txt_puts(t, ",GPT,");
		guid(t, sig);
		break;
	default:
		txt_putc(t, ',');
		txt_dec(t, n->p[41]);
		txt_puts(t, ",0");
		break;
	}
	txt_putc(t, ',');
	hex(t, ld64(n->p + 8));
	txt_putc(t, ',');
	hex(t, ld64(n->p + 16));
	txt_putc(t, ')');
	return 1;
}

static int media_vendor(struct txt *t, const struct node *n)
{
	return vendor(t, n, "VenMedia");
}

static int media_file(struct txt *t, const struct node *n)
{
	txt_puts(t, "File(");
	ucs2(t, n->p + 4, n->len - 4);
	txt_putc(t, ')');
	return 1;
}

/* ---- BIOS boot specification (§10.3.6) */

static int bbs_bbs(struct txt *t, const struct node *n)
{
	static const char *const types[] = { NULL, "Floppy", "HD", "CDROM", "PCMCIA",
					     "USB", "Network" };
	uint16_t type;

	if (n->len < 8)
		return 0;
	type = ld16(n->p + 4);
	txt_puts(t, "BBS(");
	if (type >= 1 && type <= 6)
		txt_puts(t, types[type]);
	else
		hex(t, type);
	txt_putc(t, ',');
	ascii(t, n->p + 8, n->len - 8);
	txt_putc(t, ',');
	hex(t, ld16(n->p + 6));
	txt_putc(t, ')');
	return 1;
}

/* ---- the walk */

static const struct {
	uint8_t type;
	uint8_t sub;
	node_printer print;
} printers[] = {
	{ DP_HW, 0x04, hw_vendor },
	{ DP_ACPI, 0x01, acpi_acpi },
	{ DP_ACPI, 0x02, acpi_expanded },
	{ DP_ACPI, 0x03, acpi_adr },
	{ DP_MSG, 0x01, msg_ata },
	{ DP_MSG, 0x0A, msg_vendor },
	{ DP_MSG, 0x0B, msg_mac },
	{ DP_MSG, 0x0C, msg_ipv4 },
	{ DP_MSG, 0x0D, msg_ipv6 },
	{ DP_MSG, 0x0E, msg_uart },
	{ DP_MSG, 0x10, msg_usb_wwid },
	{ DP_MSG, 0x17, msg_nvme },
	{ DP_MSG, 0x18, msg_uri },
	{ DP_MSG, 0x1B, msg_bluetooth },
	{ DP_MSG, 0x1C, msg_wifi },
	{ DP_MEDIA, 0x01, media_hd },
	{ DP_MEDIA, 0x03, media_vendor },
	{ DP_MEDIA, 0x04, media_file },
	{ DP_BBS, 0x01, bbs_bbs },
};

/* Nodes whose text is Name(field,...) straight from fixed little-endian
 * fields (§10.6.1.2-10.6.1.6); the node must hold every field. */
enum shown { HEX, DEC, HEX64, GUID };	/* HEX: 0x1F; HEX64: 16 digits, no 0x */

struct field {
	uint8_t off, size, shown;	/* size 0 ends the list */
};

static const struct {
	uint8_t type;
	uint8_t sub;
	const char *name;
	struct field f[5];
} fixed_forms[] = {
	{ DP_HW, 0x01, "Pci", { { 5, 1, HEX }, { 4, 1, HEX } } },	/* device, function */
	{ DP_HW, 0x02, "PcCard", { { 4, 1, HEX } } },
	{ DP_HW, 0x03, "MemoryMapped", { { 4, 4, HEX }, { 8, 8, HEX }, { 16, 8, HEX } } },
	{ DP_HW, 0x05, "Ctrl", { { 4, 4, HEX } } },
	{ DP_HW, 0x06, "BMC", { { 4, 1, HEX }, { 5, 8, HEX } } },
	{ DP_MSG, 0x02, "Scsi", { { 4, 2, HEX }, { 6, 2, HEX } } },
	{ DP_MSG, 0x03, "Fibre", { { 8, 8, HEX }, { 16, 8, HEX } } },
	{ DP_MSG, 0x04, "I1394", { { 8, 8, HEX64 } } },
	{ DP_MSG, 0x05, "USB", { { 4, 1, HEX }, { 5, 1, HEX } } },
	{ DP_MSG, 0x06, "I2O", { { 4, 4, HEX } } },
	{ DP_MSG, 0x0F, "UsbClass",
	  { { 4, 2, HEX }, { 6, 2, HEX }, { 8, 1, HEX }, { 9, 1, HEX }, { 10, 1, HEX } } },
	{ DP_MSG, 0x11, "Unit", { { 4, 1, HEX } } },
	/* HBA port, port multiplier port (0xFFFF: none), LUN */
	{ DP_MSG, 0x12, "Sata", { { 4, 2, HEX }, { 6, 2, HEX }, { 8, 2, HEX } } },
	{ DP_MSG, 0x14, "Vlan", { { 4, 2, DEC } } },
	{ DP_MSG, 0x19, "UFS", { { 4, 1, HEX }, { 5, 1, HEX } } },
	{ DP_MSG, 0x1A, "SD", { { 4, 1, HEX } } },
	{ DP_MSG, 0x1D, "eMMC", { { 4, 1, HEX } } },
	{ DP_MEDIA, 0x02, "CDROM", { { 4, 4, HEX }, { 8, 8, HEX }, { 16, 8, HEX } } },
	{ DP_MEDIA, 0x05, "Media", { { 4, 16, GUID } } },
	{ DP_MEDIA, 0x06, "FvFile", { { 4, 16, GUID } } },
	{ DP_MEDIA, 0x07, "Fv", { { 4, 16, GUID } } },
	{ DP_MEDIA, 0x08, "Offset", { { 8, 8, HEX }, { 16, 8, HEX } } },
	/* start, end, instance, type GUID */
	{ DP_MEDIA, 0x09, "RamDisk", { { 4, 8, HEX }, { 12, 8, HEX }, { 36, 2, DEC }, { 20, 16, GUID } } },
};

#define NFIELDS (sizeof(fixed_forms[0].f) / sizeof(fixed_forms[0].f[0]))

static int print_fixed(struct txt *t, const struct node *n, const char *name,
		       const struct field *f)
{
	size_t k, need = 4;

	for (k = 0; k < NFIELDS && f[k].size; k++)
		if ((size_t)f[k].off + f[k].size > need)
			need = (size_t)f[k].off + f[k].size;
	if (n->len < need)
		return 0;
	txt_puts(t, name);
	txt_putc(t, '(');
	for (k = 0; k < NFIELDS && f[k].size; k++) {
		const uint8_t *p = n->p + f[k].off;
		uint64_t v = 0;

		if (k)
			txt_putc(t, ',');
		if (f[k].shown == GUID) {
			guid(t, p);
			continue;
		}
		for (size_t i = f[k].size; i-- > 0;)
			v = v << 8 | p[i];
		if (f[k].shown == DEC)
			txt_dec(t, v);
		else if (f[k].shown == HEX64)
			txt_HEX(t, v, 16);
		else
			hex(t, v);
	}
	txt_putc(t, ')');
	return 1;
}

/* §10.6.1.1: Path(type,subtype,data) for a node no other form fits. */
static void generic_node(struct txt *t, const struct node *n)
{
	txt_puts(t, "Path(");
	txt_dec(t, n->type);
	txt_putc(t, ',');
	txt_dec(t, n->sub);
	if (n->len > 4) {
		txt_putc(t, ',');
		bytes_hex(t, n->p + 4, n->len - 4);
	}
	txt_putc(t, ')');
}

static void print_node(struct txt *t, const struct node *n)
{
	for (size_t k = 0; k < sizeof(printers) / sizeof(printers[0]); k++) {
		if (printers[k].type == n->type && printers[k].sub == n->sub) {
			/* A printer that finds the node short has written nothing. */
			if (printers[k].print(t, n))
				return;
			break;
		}
	}
	for (size_t k = 0; k < sizeof(fixed_forms) / sizeof(fixed_forms[0]); k++) {
		if (fixed_forms[k].type == n->type && fixed_forms[k].sub == n->sub) {
			if (print_fixed(t, n, fixed_forms[k].name, fixed_forms[k].f))
				return;
			break;
		}
	}
	generic_node(t, n);
}

const char *devpath_to_text(const uint8_t *dp, size_t len, char *buf, size_t cap,
			    size_t *needed)
{
	struct txt t = txt_init(buf, cap);
	const char *err = NULL;
	size_t off = 0;
	int sep = 0;

	while (off < len) {
		struct node n;

		if (len - off < 4) {
			err = "device path node header cut off";
			break;
		}
		n.type = dp[off];
		n.sub = dp[off + 1];
		n.p = dp + off;
		n.len = ld16(dp + off + 2);
		if (n.len < 4) {
			err = "device path node shorter than 4 bytes";
			break;
		}
		if (n.len > len - off) {
			err = "device path node runs past the end of the buffer";
			break;
		}
		off += n.len;
		if (n.type == DP_END && n.sub == DP_END_ENTIRE)
			break;
		if (n.type == DP_END && n.sub == DP_END_INSTANCE) {
			txt_putc(&t, ',');
			sep = 0;
			continue;
		}
		if (sep)
			txt_putc(&t, '/');
		print_node(&t, &n);
		sep = 1;
	}
	if (cap > 0)
		buf[t.len < cap ? t.len : cap - 1] = '\0';
	if (needed)
		*needed = t.len;
	return err;
}

/* ---- EFI_LOAD_OPTION (§3.1.3) */

const char *devpath_load_option_parse(const uint8_t *data, size_t len,
				      struct efi_load_option *out)
{
	size_t units, path_off;
	uint16_t path_len;

	if (len < 6)
		return "load option shorter than its header";
	units = ucs2_len_bytes(data + 6, len - 6);
	if (6 + 2 * units + 2 > len)
		return "description not NUL-terminated";
	path_off = 6 + 2 * units + 2;
	path_len = ld16(data + 4);
	if (path_len > len - path_off)
		return "file path list runs past the end of the load option";

	out->attributes = ld32(data);
	out->desc_off = 6;
	out->desc_len = 2 * units;
	out->path_off = path_off;
	out->path_len = path_len;
	out->opt_off = path_off + path_len;
	out->opt_len = len - out->opt_off;
	out->description_needed = ucs2_bytes_to_utf8(data + 6, 2 * units, out->description,
						     sizeof(out->description));
	return NULL;
}
