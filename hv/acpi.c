/* Finding the ACPI reset register (see acpi.h). Fields are read with byte
 * loads at the offsets the ACPI 6.5 tables give: the tables are firmware
 * memory, of any alignment. */
#include "acpi.h"

#include <stdbool.h>
#include <stddef.h>

#include "loader/bytes.h"

#define RSDP_V1_BYTES		20	/* ACPI 1.0 RSDP: what its checksum covers */
#define RSDP_V2_BYTES		36
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_XSDT		24
#define HEADER_BYTES		36	/* every system description table */
#define HEADER_LENGTH		4
#define FADT_FLAGS		112
#define FADT_RESET_REG		116	/* a 12-byte Generic Address Structure */
#define FADT_RESET_VALUE	128
#define FADT_RESET_REG_SUP	(1U << 10)	/* Table 5.10, RESET_REG_SUP */
#define GAS_SPACE_ID		0
#define GAS_ADDRESS		4

static bool same(const uint8_t *p, const char *sig, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

/* §5.2.5.3, §5.2.6: the bytes of a table sum to zero. */
static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* The table at pa with signature sig if it is readable whole and its
 * checksum adds up; its length through *len. */
static const uint8_t *table(acpi_read_fn read, void *ctx, uint64_t pa, const char *sig,
			    uint32_t *len)
{
	const uint8_t *h = read(ctx, pa, HEADER_BYTES);

	if (!h || !same(h, sig, 4))
		return NULL;
	*len = ld32(h + HEADER_LENGTH);
	if (*len < HEADER_BYTES)
		return NULL;
	h = read(ctx, pa, *len);
	return h && checksum_ok(h, *len) ? h : NULL;
}

static const uint8_t *find_fadt(acpi_read_fn read, void *ctx, uint64_t rsdp_pa,
				uint32_t *fadt_len)
{
	const uint8_t *rsdp = read(ctx, rsdp_pa, RSDP_V1_BYTES), *root;
	uint64_t root_pa;
	uint32_t root_len, entry_bytes;
	bool xsdt = false;

	if (!rsdp || !same(rsdp, "RSD PTR ", 8) || !checksum_ok(rsdp, RSDP_V1_BYTES))
		return NULL;
	root_pa = ld32(rsdp + RSDP_RSDT);
	/* ACPI 2.0+ (revision 2): prefer the XSDT when it is there. */
	if (rsdp[RSDP_REVISION] >= 2) {
		const uint8_t *v2 = read(ctx, rsdp_pa, RSDP_V2_BYTES);

		if (v2 && ld64(v2 + RSDP_XSDT)) {
			root_pa = ld64(v2 + RSDP_XSDT);
			xsdt = true;
		}
	}
	root = table(read, ctx, root_pa, xsdt ? "XSDT" : "RSDT", &root_len);
	if (!root)
		return NULL;
	entry_bytes = xsdt ? 8 : 4;
	for (uint32_t off = HEADER_BYTES; off + entry_bytes <= root_len; off += entry_bytes) {
		uint64_t pa = xsdt ? ld64(root + off) : ld32(root + off);
		const uint8_t *t = table(read, ctx, pa, "FACP", fadt_len);

		if (t)
			return t;
	}
	return NULL;
}

const char *acpi_find_reset_reg(acpi_read_fn read, void *ctx, uint64_t rsdp_pa,
				struct acpi_reset_reg *reg)
{
	const uint8_t *fadt;
	uint32_t len;

	if (!rsdp_pa)
		return "no ACPI RSDP";
	fadt = find_fadt(read, ctx, rsdp_pa, &len);
	if (!fadt)
		return "no valid FADT";
	if (len <= FADT_RESET_VALUE)
		return "FADT too short for a reset register";
	if (!(ld32(fadt + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return "FADT has no reset register";
	*reg = (struct acpi_reset_reg){
		.space_id = fadt[FADT_RESET_REG + GAS_SPACE_ID],
		.address = ld64(fadt + FADT_RESET_REG + GAS_ADDRESS),
		.value = fadt[FADT_RESET_VALUE],
	};
	switch (reg->space_id) {
	case ACPI_SPACE_IO:
		return reg->address > 0xFFFF ? "reset register port out of range" : NULL;
	case ACPI_SPACE_MEMORY:
	case ACPI_SPACE_PCI_CONFIG:
		return NULL;
	default:
		return "reset register in an unsupported address space";
	}
}
