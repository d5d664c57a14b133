/* Host tests for rt/devpath.c: device path text and EFI_LOAD_OPTION. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rt/devpath.h"

#define CANARY 0xA5

/* ---- building device paths */

struct dp {
	uint8_t b[2048];
	size_t n;
};

static void le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void raw_node(struct dp *d, uint8_t type, uint8_t sub, uint16_t len,
		     const uint8_t *payload, size_t plen)
{
	d->b[d->n] = type;
	d->b[d->n + 1] = sub;
	le(d->b + d->n + 2, len, 2);
	if (plen)
		memcpy(d->b + d->n + 4, payload, plen);
	d->n += 4 + plen;
}

static void node(struct dp *d, uint8_t type, uint8_t sub, const uint8_t *payload, size_t plen)
{
	raw_node(d, type, sub, (uint16_t)(4 + plen), payload, plen);
}

static void end(struct dp *d)
{
	node(d, 0x7F, 0xFF, NULL, 0);
}

/* GUID text to its 16 bytes in EFI_GUID layout. */
static void guid_bytes(uint8_t out[16], const char *text)
{
	unsigned d1, d2, d3, b[8];
	assert_int_equal(sscanf(text, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d1, &d2, &d3,
				&b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7]),
			 11);
	le(out, d1, 4);
	le(out + 4, d2, 2);
	le(out + 6, d3, 2);
	for (int i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)b[i];
}

static void pciroot(struct dp *d, uint32_t uid)
{
	uint8_t p[8];
	le(p, 0x0A0341D0, 4); /* EISA PNP0A03 */
	le(p + 4, uid, 4);
	node(d, 2, 1, p, 8);
}

static void pci(struct dp *d, uint8_t dev, uint8_t fn)
{
	uint8_t p[2] = { fn, dev };
	node(d, 1, 1, p, 2);
}

static void sata(struct dp *d, uint16_t hba, uint16_t pm, uint16_t lun)
{
	uint8_t p[6];
	le(p, hba, 2);
	le(p + 2, pm, 2);
	le(p + 4, lun, 2);
	node(d, 3, 0x12, p, 6);
}

static void guid_node(struct dp *d, uint8_t type, uint8_t sub, const char *g)
{
	uint8_t p[16];
	guid_bytes(p, g);
	node(d, type, sub, p, 16);
}

static void memmapped(struct dp *d, uint32_t type, uint64_t start, uint64_t endaddr)
{
	uint8_t p[20];
	le(p, type, 4);
	le(p + 4, start, 8);
	le(p + 12, endaddr, 8);
	node(d, 1, 3, p, 20);
}

static void hd_gpt(struct dp *d, uint32_t part, uint64_t start, uint64_t size, const char *g)
{
	uint8_t p[38] = { 0 };
	le(p, part, 4);
	le(p + 4, start, 8);
	le(p + 12, size, 8);
	guid_bytes(p + 20, g);
	p[36] = 2; /* GPT */
	p[37] = 2; /* GUID signature */
	node(d, 4, 1, p, 38);
}

static void file(struct dp *d, const char *path)
{
	uint8_t p[512];
	size_t n = strlen(path);
	for (size_t i = 0; i <= n; i++)
		le(p + 2 * i, (uint8_t)path[i], 2);
	node(d, 4, 4, p, 2 * (n + 1));
}

/* A Boot#### body: attributes, path length, description, path, optional data. */
static size_t load_option(uint8_t *out, uint32_t attrs, const char *desc, const struct dp *path,
			  const uint8_t *opt, size_t opt_len)
{
	size_t n = 0, dl = strlen(desc);
	le(out, attrs, 4);
	le(out + 4, path->n, 2);
	n = 6;
	for (size_t i = 0; i <= dl; i++, n += 2)
		le(out + n, (uint8_t)desc[i], 2);
	memcpy(out + n, path->b, path->n);
	n += path->n;
	if (opt_len)
		memcpy(out + n, opt, opt_len);
	return n + opt_len;
}

static char text[1024];

static const char *to_text(const struct dp *d, const char **err)
{
	size_t needed = 0;
	*err = devpath_to_text(d->b, d->n, text, sizeof(text), &needed);
	assert_int_equal(needed, strlen(text));
	return text;
}

static void assert_text(const struct dp *d, const char *want)
{
	const char *err;
	assert_string_equal(to_text(d, &err), want);
	assert_null(err);
}

/* ---- OVMF boot options */

/* The 16 bytes OVMF appends to boot options it creates by itself. */
static const uint8_t ovmf_auto_created[16] = { 0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
					       0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2 };

static void test_devpath_decodes_ovmf_harddisk_boot_option(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t body[512];
	struct efi_load_option lo;
	size_t n;
	const char *err;
	(void)state;
	pciroot(&d, 0);
	pci(&d, 0x1F, 0x2);
	sata(&d, 0, 0xFFFF, 0);
	end(&d);
	n = load_option(body, LOAD_OPTION_ACTIVE, "UEFI QEMU HARDDISK", &d, ovmf_auto_created, 16);
	assert_null(devpath_load_option_parse(body, n, &lo));
	assert_int_equal(lo.attributes, LOAD_OPTION_ACTIVE);
	assert_string_equal(lo.description, "UEFI QEMU HARDDISK");
	assert_int_equal(lo.description_needed, 18);
	assert_int_equal(lo.desc_off, 6);
	assert_int_equal(lo.desc_len, 36);
	assert_int_equal(lo.path_off, 44);
	assert_int_equal(lo.path_len, d.n);
	assert_int_equal(lo.opt_off, 44 + d.n);
	assert_int_equal(lo.opt_len, 16);
	assert_memory_equal(body + lo.opt_off, ovmf_auto_created, 16);
	err = devpath_to_text(body + lo.path_off, lo.path_len, text, sizeof(text), NULL);
	assert_null(err);
	assert_string_equal(text, "PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)");
}

static void test_devpath_decodes_ovmf_uiapp_boot_option(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t body[512];
	struct efi_load_option lo;
	size_t n;
	(void)state;
	memmapped(&d, 0xB, 0x900000, 0x10FFFFF);
	guid_node(&d, 4, 6, "462CAA21-7614-4503-836E-8AB6F4662331");
	end(&d);
	n = load_option(body, 0x109, "UiApp", &d, NULL, 0);
	assert_null(devpath_load_option_parse(body, n, &lo));
	assert_int_equal(lo.attributes & LOAD_OPTION_CATEGORY, LOAD_OPTION_CATEGORY_APP);
	assert_true(lo.attributes & LOAD_OPTION_HIDDEN);
	assert_string_equal(lo.description, "UiApp");
	assert_int_equal(lo.opt_len, 0);
	assert_int_equal(lo.opt_off, n);
	assert_null(devpath_to_text(body + lo.path_off, lo.path_len, text, sizeof(text), NULL));
	assert_string_equal(text,
			    "MemoryMapped(0xB,0x900000,0x10FFFFF)/"
			    "FvFile(462CAA21-7614-4503-836E-8AB6F4662331)");
}

static void test_devpath_decodes_ovmf_shell_boot_option(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t body[512];
	struct efi_load_option lo;
	size_t n;
	(void)state;
	guid_node(&d, 4, 7, "7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1");
	guid_node(&d, 4, 6, "7C04A583-9E3E-4F1C-AD65-E05268D0B4D1");
	end(&d);
	n = load_option(body, LOAD_OPTION_ACTIVE, "EFI Internal Shell", &d, ovmf_auto_created, 16);
	assert_null(devpath_load_option_parse(body, n, &lo));
	assert_string_equal(lo.description, "EFI Internal Shell");
	assert_null(devpath_to_text(body + lo.path_off, lo.path_len, text, sizeof(text), NULL));
	assert_string_equal(text, "Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/"
				  "FvFile(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1)");
}

static void test_devpath_prints_gpt_partition_and_file(void **state)
{
	struct dp d = { .n = 0 };
	(void)state;
	hd_gpt(&d, 1, 0x800, 0x100000, "F36F1F6B-39B3-4B7B-A5C4-29F2D5EBA5E9");
	file(&d, "\\EFI\\BOOT\\BOOTX64.EFI");
	end(&d);
	assert_text(&d, "HD(1,GPT,F36F1F6B-39B3-4B7B-A5C4-29F2D5EBA5E9,0x800,0x100000)/"
			"File(\\EFI\\BOOT\\BOOTX64.EFI)");
}

static void test_devpath_prints_pxe_boot_path(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t mac[33] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t ip4[23] = { 0 };
	(void)state;
	mac[32] = 1;
	pciroot(&d, 0);
	pci(&d, 2, 0);
	node(&d, 3, 0x0B, mac, 33);
	node(&d, 3, 0x0C, ip4, 23);
	end(&d);
	assert_text(&d, "PciRoot(0x0)/Pci(0x2,0x0)/MAC(525400123456,0x1)/"
			"IPv4(0.0.0.0,0x0,DHCP,0.0.0.0,0.0.0.0,0.0.0.0)");
}

/* ---- the walk */

static void test_devpath_end_instance_prints_comma(void **state)
{
	struct dp d = { .n = 0 };
	(void)state;
	pciroot(&d, 0);
	pci(&d, 1, 0);
	node(&d, 0x7F, 0x01, NULL, 0);
	pciroot(&d, 1);
	pci(&d, 2, 3);
	end(&d);
	assert_text(&d, "PciRoot(0x0)/Pci(0x1,0x0),PciRoot(0x1)/Pci(0x2,0x3)");
}

static void test_devpath_stops_at_end_entire(void **state)
{
	struct dp d = { .n = 0 };
	(void)state;
	pci(&d, 1, 0);
	end(&d);
	pci(&d, 9, 9); /* after the end: not shown */
	assert_text(&d, "Pci(0x1,0x0)");
}

static void test_devpath_accepts_missing_end_node_and_empty_path(void **state)
{
	struct dp d = { .n = 0 };
	(void)state;
	assert_text(&d, "");
	pci(&d, 1, 0);
	assert_text(&d, "Pci(0x1,0x0)");
}

static void test_devpath_stops_at_short_node(void **state)
{
	struct dp d = { .n = 0 };
	const char *err;
	(void)state;
	pci(&d, 1, 0);
	raw_node(&d, 1, 1, 3, NULL, 0); /* length 3 */
	pci(&d, 2, 0);
	assert_string_equal(to_text(&d, &err), "Pci(0x1,0x0)");
	assert_string_equal(err, "device path node shorter than 4 bytes");
	d.n = 0;
	raw_node(&d, 1, 1, 0, NULL, 0); /* length 0 would loop forever */
	assert_string_equal(to_text(&d, &err), "");
	assert_string_equal(err, "device path node shorter than 4 bytes");
}

static void test_devpath_stops_at_node_past_buffer(void **state)
{
	struct dp d = { .n = 0 };
	const char *err;
	(void)state;
	pciroot(&d, 0);
	pci(&d, 1, 0);
	d.b[d.n - 6 + 2] = 7; /* Pci claims 7 bytes, 6 remain */
	assert_string_equal(to_text(&d, &err), "PciRoot(0x0)");
	assert_string_equal(err, "device path node runs past the end of the buffer");
}

static void test_devpath_stops_at_cut_off_header(void **state)
{
	struct dp d = { .n = 0 };
	const char *err;
	(void)state;
	pci(&d, 1, 0);
	d.b[d.n++] = 0x7F;
	d.b[d.n++] = 0xFF;
	d.b[d.n++] = 0x04; /* three bytes of a header */
	assert_string_equal(to_text(&d, &err), "Pci(0x1,0x0)");
	assert_string_equal(err, "device path node header cut off");
}

static void test_devpath_short_known_node_prints_generic(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t one = 0x1F;
	(void)state;
	node(&d, 1, 1, &one, 1); /* Pci needs 2 bytes of payload */
	node(&d, 4, 1, &one, 1); /* HD needs 38 */
	end(&d);
	assert_text(&d, "Path(1,1,1F)/Path(4,1,1F)");
}

static void test_devpath_unknown_node_prints_path(void **state)
{
	struct dp d = { .n = 0 };
	static const uint8_t p[3] = { 0xAB, 0x00, 0x7F };
	(void)state;
	node(&d, 0x42, 0x99, p, 3);
	node(&d, 0x01, 0x80, NULL, 0);
	node(&d, 0x7F, 0x02, NULL, 0); /* an End subtype the spec does not define */
	end(&d);
	assert_text(&d, "Path(66,153,AB007F)/Path(1,128)/Path(127,2)");
}

/* One node with its payload and the text it must print. */
struct node_case {
	uint8_t type, sub;
	size_t plen;
	uint8_t payload[64];
	const char *want;
};

static void test_devpath_prints_each_node_form(void **state)
{
	static const struct node_case cases[] = {
		{ 1, 2, 1, { 0x3 }, "PcCard(0x3)" },
		{ 1, 5, 4, { 0x2 }, "Ctrl(0x2)" },
		{ 1, 6, 9, { 1, 0x00, 0x10, 0, 0, 0, 0, 0, 0 }, "BMC(0x1,0x1000)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x08, 0x0A, 0x01 }, "PcieRoot(0x1)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x01, 0x05, 0x00 }, "Serial(0x0)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x01, 0x03, 0x00 }, "Keyboard(0x0)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x04, 0x06, 0x01 }, "Floppy(0x1)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x01, 0x04, 0x00 }, "ParallelPort(0x0)" },
		{ 2, 1, 8, { 0xD0, 0x41, 0x03, 0x0B, 0x02 }, "Acpi(PNP0B03,0x2)" },
		{ 2, 1, 8, { 0x78, 0x56, 0x34, 0x12, 0x00 }, "Acpi(0x12345678,0x0)" },
		{ 2, 2, 15, { 0xD0, 0x41, 0x08, 0x0A, 0, 0, 0, 0, 0xD0, 0x41, 0x03, 0x0A, 0, 0, 0 },
		  "PcieRoot(0x0)" },
		{ 2, 2, 16, { 0xD0, 0x41, 0x01, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'U', '1', 0 },
		  "AcpiExp(PNP0501,0x0,U1)" },
		{ 2, 2, 19, { 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 'A', 'B', 0, 'C', 0, 'D', 0 },
		  "AcpiEx(0x0,0x0,0x7,AB,D,C)" },
		{ 2, 2, 14, { 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 'A', 'B' }, /* no NULs */
		  "AcpiEx(0x0,0x0,0x7,AB,,)" },
		{ 2, 3, 8, { 0x00, 0x01, 0x00, 0x80, 0x10 }, "AcpiAdr(0x80000100,0x10)" },
		{ 3, 1, 4, { 1, 0, 2, 0 }, "Ata(Secondary,Master,0x2)" },
		{ 3, 1, 4, { 0, 1, 0, 0 }, "Ata(Primary,Slave,0x0)" },
		{ 3, 2, 4, { 1, 0, 2, 0 }, "Scsi(0x1,0x2)" },
		{ 3, 3, 20, { 0, 0, 0, 0, 0xEF, 0xCD, 0xAB, 0, 0, 0, 0, 0, 5 },
		  "Fibre(0xABCDEF,0x5)" },
		{ 3, 4, 12, { 0, 0, 0, 0, 1 }, "I1394(0000000000000001)" },
		{ 3, 5, 2, { 3, 0 }, "USB(0x3,0x0)" },
		{ 3, 6, 4, { 9 }, "I2O(0x9)" },
		{ 3, 0x0F, 7, { 0x27, 0x06, 0x01, 0x00, 0x08, 0x06, 0x50 },
		  "UsbClass(0x627,0x1,0x8,0x6,0x50)" },
		{ 3, 0x10, 10, { 0, 0, 0x27, 0x06, 0x01, 0, 'S', 0, 'N', 0 },
		  "UsbWwid(0x627,0x1,0x0,\"SN\")" },
		{ 3, 0x11, 1, { 4 }, "Unit(0x4)" },
		{ 3, 0x14, 2, { 0x64, 0 }, "Vlan(100)" },
		{ 3, 0x17, 12, { 1, 0, 0, 0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 },
		  "NVMe(0x1,01-02-03-04-05-06-07-08)" },
		{ 3, 0x18, 21, "http://10.0.2.2/x.efi", "Uri(http://10.0.2.2/x.efi)" },
		{ 3, 0x18, 0, { 0 }, "Uri()" },
		{ 3, 0x19, 2, { 1, 2 }, "UFS(0x1,0x2)" },
		{ 3, 0x1A, 1, { 0 }, "SD(0x0)" },
		{ 3, 0x1D, 1, { 1 }, "eMMC(0x1)" },
		{ 3, 0x1B, 6, { 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, "Bluetooth(112233445566)" },
		{ 3, 0x1C, 32, "hvnet", "Wi-Fi(hvnet)" },
		{ 3, 0x0E, 15, { 0, 0, 0, 0, 0x00, 0xC2, 0x01, 0, 0, 0, 0, 0, 8, 1, 1 },
		  "Uart(115200,8,N,1)" },
		{ 3, 0x0E, 15, { 0 }, "Uart(D,D,D,D)" },
		{ 3, 0x0B, 33, { 0xAA, 0xBB, [32] = 0x06 },
		  "MAC(AABB000000000000000000000000000000000000000000000000000000000000,0x6)" },
		{ 3, 0x0C, 15, { 10, 0, 2, 15, 10, 0, 2, 2, 0, 0, 69, 0, 17, 0, 1 },
		  "IPv4(10.0.2.2,UDP,Static,10.0.2.15)" },
		{ 3, 0x0D, 56, { [15] = 1, [16] = 0xFE, [17] = 0x80, [31] = 2, [36] = 6,
				 [38] = 1, [39] = 64, [40] = 0x20, [41] = 0x01 },
		  "IPv6(fe80:0:0:0:0:0:0:2,TCP,StatelessAutoConfigure,0:0:0:0:0:0:0:1,0x40,"
		  "2001:0:0:0:0:0:0:0)" },
		{ 3, 0x0D, 39, { [38] = 7 },
		  "IPv6(0:0:0:0:0:0:0:0,0x0,0x7,0:0:0:0:0:0:0:0)" },
		{ 4, 1, 38, { 2, 0, 0, 0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
			      0x78, 0x56, 0x34, 0x12, [36] = 1, [37] = 1 },
		  "HD(2,MBR,0x12345678,0x3F,0x1000)" },
		{ 4, 1, 38, { 3, [37] = 0 }, "HD(3,0,0,0x0,0x0)" },
		{ 4, 2, 20, { 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x20 }, "CDROM(0x0,0x10,0x20)" },
		{ 4, 8, 20, { 0, 0, 0, 0, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0xFF, 0x03 },
		  "Offset(0x200,0x3FF)" },
		{ 5, 1, 8, { 2, 0, 0, 0, 'D', 'i', 's', 'k' }, "BBS(HD,Disk,0x0)" },
		{ 5, 1, 4, { 0x80, 0, 1, 0 }, "BBS(0x80,,0x1)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dp d = { .n = 0 };
		const char *err;
		node(&d, cases[i].type, cases[i].sub, cases[i].payload, cases[i].plen);
		end(&d);
		to_text(&d, &err);
		if (strcmp(text, cases[i].want) != 0)
			print_error("case %zu (%u,%u)\n", i, cases[i].type, cases[i].sub);
		assert_string_equal(text, cases[i].want);
		assert_null(err);
	}
}

static void test_devpath_header_only_known_nodes_print_generic(void **state)
{
	/* every (type, subtype) devpath.c has a form for; Uri and File need no field */
	static const uint8_t known[][2] = {
		{ 1, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 }, { 1, 5 }, { 1, 6 }, { 2, 1 },
		{ 2, 2 }, { 2, 3 }, { 3, 1 }, { 3, 2 }, { 3, 3 }, { 3, 4 }, { 3, 5 },
		{ 3, 6 }, { 3, 0x0A }, { 3, 0x0B }, { 3, 0x0C }, { 3, 0x0D }, { 3, 0x0E },
		{ 3, 0x0F }, { 3, 0x10 }, { 3, 0x11 }, { 3, 0x12 }, { 3, 0x14 }, { 3, 0x17 },
		{ 3, 0x19 }, { 3, 0x1A }, { 3, 0x1B }, { 3, 0x1C }, { 3, 0x1D }, { 4, 1 },
		{ 4, 2 }, { 4, 3 }, { 4, 5 }, { 4, 6 }, { 4, 7 }, { 4, 8 }, { 4, 9 }, { 5, 1 },
	};
	char want[32];
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct dp d = { .n = 0 };
		node(&d, known[i][0], known[i][1], NULL, 0);
		end(&d);
		snprintf(want, sizeof(want), "Path(%u,%u)", known[i][0], known[i][1]);
		assert_text(&d, want);
	}
}

static void test_devpath_acpiex_pci_root_by_cid_and_odd_fields(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t p[24] = { 0 };
	(void)state;
	le(p, 0x12345678, 4);     /* a vendor _HID */
	le(p + 4, 2, 4);          /* _UID */
	le(p + 8, 0x0A0341D0, 4); /* _CID PNP0A03 */
	node(&d, 2, 2, p, 15);    /* three empty strings */
	memset(p, 0, sizeof(p));
	p[0] = 2, p[1] = 3, p[2] = 0;
	node(&d, 3, 1, p, 4); /* Ata with a controller number past Secondary */
	memset(p, 0, sizeof(p));
	p[12] = 7, p[13] = 9, p[14] = 9;
	node(&d, 3, 0x0E, p, 15); /* Uart with unknown parity and stop bits */
	end(&d);
	assert_text(&d, "PciRoot(0x2)/Ata(0x2,0x3,0x0)/Uart(D,7,0x9,0x9)");
}

static void test_devpath_uart_flow_control_names(void **state)
{
	static const char *const want[] = { "UartFlowCtrl(None)", "UartFlowCtrl(Hardware)",
					    "UartFlowCtrl(XonXoff)", "UartFlowCtrl(0x3)" };
	(void)state;
	for (uint32_t flow = 0; flow < 4; flow++) {
		struct dp d = { .n = 0 };
		uint8_t p[20];
		guid_bytes(p, "37499A9D-542F-4C89-A026-35DA142094E4");
		le(p + 16, flow, 4);
		node(&d, 3, 0x0A, p, 20);
		end(&d);
		assert_text(&d, want[flow]);
	}
}

static void test_devpath_prints_vendor_nodes(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t p[24];
	(void)state;
	guid_bytes(p, "AD15A0D6-8BEC-4ACF-A073-D01DE77E2D88");
	node(&d, 3, 0x0A, p, 16);
	guid_bytes(p, "DFA66065-B419-11D3-9A2D-0090273FC14D");
	node(&d, 3, 0x0A, p, 16);
	guid_bytes(p, "37499A9D-542F-4C89-A026-35DA142094E4");
	le(p + 16, 1, 4);
	node(&d, 3, 0x0A, p, 20);
	guid_bytes(p, "EBA4E8D2-3858-41EC-A281-2647BA9660D0");
	node(&d, 3, 0x0A, p, 16);
	guid_bytes(p, "5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8");
	p[16] = 0xDE, p[17] = 0xAD;
	node(&d, 1, 4, p, 18);
	node(&d, 3, 0x0A, p, 16);
	node(&d, 4, 3, p, 17);
	guid_node(&d, 4, 5, "5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8");
	end(&d);
	assert_text(&d, "VenUtf8()/VenVt100()/UartFlowCtrl(Hardware)/DebugPort()/"
			"VenHw(5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8,DEAD)/"
			"VenMsg(5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8)/"
			"VenMedia(5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8,DE)/"
			"Media(5E9A40F4-5E8D-4A31-9C7F-A4D7C0F1F2A8)");
}

static void test_devpath_prints_ramdisk(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t p[34] = { 0 };
	(void)state;
	le(p, 0x1000, 8);
	le(p + 8, 0x1FFF, 8);
	guid_bytes(p + 16, "77AB535A-45FC-624B-5560-F7B281D1F96E");
	le(p + 32, 3, 2);
	node(&d, 4, 9, p, 34);
	end(&d);
	assert_text(&d, "RamDisk(0x1000,0x1FFF,3,77AB535A-45FC-624B-5560-F7B281D1F96E)");
}

static void test_devpath_file_and_strings_are_printable_ascii(void **state)
{
	struct dp d = { .n = 0 };
	static const uint8_t f[] = { '\\', 0, 0xE9, 0, '\n', 0, 0x3D, 0xD8, 0x00, 0xDE, 'x', 0 };
	static const uint8_t uri[] = { 'a', 0x01, 0xFF, 'b', 0, 'c' };
	(void)state;
	node(&d, 4, 4, f, sizeof(f)); /* no NUL: bounded by the node */
	node(&d, 3, 0x18, uri, sizeof(uri));
	end(&d);
	assert_text(&d, "File(\\???x)/Uri(a??b)");
}

static void test_devpath_reads_unaligned_input(void **state)
{
	struct dp d = { .n = 0 };
	static uint8_t shifted[sizeof(d.b) + 1];
	(void)state;
	pciroot(&d, 0);
	pci(&d, 0x1F, 0x2);
	sata(&d, 0, 0xFFFF, 0);
	end(&d);
	memcpy(shifted + 1, d.b, d.n);
	assert_null(devpath_to_text(shifted + 1, d.n, text, sizeof(text), NULL));
	assert_string_equal(text, "PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)");
}

static void test_devpath_truncates_safely(void **state)
{
	struct dp d = { .n = 0 };
	static const char full[] = "PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)";
	static const uint8_t f[] = { 'A', 0, 'B', 0, 0, 0 };
	char buf[64];
	size_t needed;
	(void)state;
	pciroot(&d, 0);
	pci(&d, 0x1F, 0x2);
	sata(&d, 0, 0xFFFF, 0);
	end(&d);
	for (size_t cap = 0; cap <= sizeof(full) + 1; cap++) {
		memset(buf, CANARY, sizeof(buf));
		needed = 0;
		assert_null(devpath_to_text(d.b, d.n, buf, cap, &needed));
		assert_int_equal(needed, sizeof(full) - 1);
		for (size_t k = cap; k < sizeof(buf); k++)
			assert_int_equal((uint8_t)buf[k], CANARY);
		if (cap) {
			size_t n = cap - 1 < sizeof(full) - 1 ? cap - 1 : sizeof(full) - 1;
			assert_int_equal(strlen(buf), n);
			assert_memory_equal(buf, full, n);
		}
	}
	/* a UTF-16 file name cut inside the buffer */
	d.n = 0;
	node(&d, 4, 4, f, sizeof(f));
	end(&d);
	for (size_t cap = 0; cap <= 10; cap++) {
		memset(buf, CANARY, sizeof(buf));
		assert_null(devpath_to_text(d.b, d.n, buf, cap, &needed));
		assert_int_equal(needed, 8);
		for (size_t k = cap; k < sizeof(buf); k++)
			assert_int_equal((uint8_t)buf[k], CANARY);
		if (cap)
			assert_memory_equal(buf, "File(AB)", strlen(buf));
	}
}

/* ---- load options */

static void test_devpath_load_option_rejects_short_header(void **state)
{
	static const uint8_t body[5] = { 1, 0, 0, 0, 4 };
	struct efi_load_option lo;
	(void)state;
	assert_string_equal(devpath_load_option_parse(body, 5, &lo),
			    "load option shorter than its header");
	assert_string_equal(devpath_load_option_parse(NULL, 0, &lo),
			    "load option shorter than its header");
}

static void test_devpath_load_option_rejects_unterminated_description(void **state)
{
	static const uint8_t body[] = { 1, 0, 0, 0, 0, 0, 'A', 0, 'B', 0, 0 };
	struct efi_load_option lo;
	(void)state;
	assert_string_equal(devpath_load_option_parse(body, sizeof(body), &lo),
			    "description not NUL-terminated");
	assert_string_equal(devpath_load_option_parse(body, 6, &lo),
			    "description not NUL-terminated");
}

static void test_devpath_load_option_rejects_path_past_end(void **state)
{
	struct dp d = { .n = 0 };
	uint8_t body[128];
	struct efi_load_option lo;
	size_t n;
	(void)state;
	pci(&d, 1, 0);
	end(&d);
	n = load_option(body, 1, "X", &d, NULL, 0);
	assert_null(devpath_load_option_parse(body, n, &lo));
	assert_int_equal(lo.path_len, 10);
	assert_string_equal(devpath_load_option_parse(body, n - 1, &lo),
			    "file path list runs past the end of the load option");
}

static void test_devpath_load_option_keeps_empty_description_and_path(void **state)
{
	static const uint8_t body[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0xAB };
	struct efi_load_option lo;
	(void)state;
	assert_null(devpath_load_option_parse(body, sizeof(body), &lo));
	assert_string_equal(lo.description, "");
	assert_int_equal(lo.desc_len, 0);
	assert_int_equal(lo.path_off, 8);
	assert_int_equal(lo.path_len, 0);
	assert_int_equal(lo.opt_off, 8);
	assert_int_equal(lo.opt_len, 1);
}

static void test_devpath_load_option_description_is_utf8_and_bounded(void **state)
{
	static uint8_t body[6 + 2 * 400 + 2 + 4 + 1];
	struct efi_load_option lo;
	uint8_t *b = body + 1; /* unaligned */
	size_t n = 6;
	(void)state;
	memset(body, 0, sizeof(body));
	le(b + 4, 4, 2);
	le(b + n, 0x00E9, 2), n += 2; /* é: two bytes of UTF-8 */
	for (int i = 0; i < 399; i++, n += 2)
		le(b + n, 'x', 2);
	n += 2; /* NUL */
	b[n] = 0x7F, b[n + 1] = 0xFF, b[n + 2] = 4, n += 4;
	assert_null(devpath_load_option_parse(b, n, &lo));
	assert_int_equal(lo.description_needed, 401);
	assert_int_equal(strlen(lo.description), DEVPATH_DESC_MAX - 1);
	assert_memory_equal(lo.description, "\xC3\xA9xxx", 5);
	assert_int_equal(lo.desc_len, 800);
	assert_int_equal(lo.path_len, 4);
	assert_int_equal(lo.opt_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devpath_decodes_ovmf_harddisk_boot_option),
		cmocka_unit_test(test_devpath_decodes_ovmf_uiapp_boot_option),
		cmocka_unit_test(test_devpath_decodes_ovmf_shell_boot_option),
		cmocka_unit_test(test_devpath_prints_gpt_partition_and_file),
		cmocka_unit_test(test_devpath_prints_pxe_boot_path),
		cmocka_unit_test(test_devpath_end_instance_prints_comma),
		cmocka_unit_test(test_devpath_stops_at_end_entire),
		cmocka_unit_test(test_devpath_accepts_missing_end_node_and_empty_path),
		cmocka_unit_test(test_devpath_stops_at_short_node),
		cmocka_unit_test(test_devpath_stops_at_node_past_buffer),
		cmocka_unit_test(test_devpath_stops_at_cut_off_header),
		cmocka_unit_test(test_devpath_short_known_node_prints_generic),
		cmocka_unit_test(test_devpath_unknown_node_prints_path),
		cmocka_unit_test(test_devpath_prints_each_node_form),
		cmocka_unit_test(test_devpath_header_only_known_nodes_print_generic),
		cmocka_unit_test(test_devpath_acpiex_pci_root_by_cid_and_odd_fields),
		cmocka_unit_test(test_devpath_uart_flow_control_names),
		cmocka_unit_test(test_devpath_prints_vendor_nodes),
		cmocka_unit_test(test_devpath_prints_ramdisk),
		cmocka_unit_test(test_devpath_file_and_strings_are_printable_ascii),
		cmocka_unit_test(test_devpath_reads_unaligned_input),
		cmocka_unit_test(test_devpath_truncates_safely),
		cmocka_unit_test(test_devpath_load_option_rejects_short_header),
		cmocka_unit_test(test_devpath_load_option_rejects_unterminated_description),
		cmocka_unit_test(test_devpath_load_option_rejects_path_past_end),
		cmocka_unit_test(test_devpath_load_option_keeps_empty_description_and_path),
		cmocka_unit_test(test_devpath_load_option_description_is_utf8_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
