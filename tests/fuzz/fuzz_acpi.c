/* libFuzzer harness for hv/acpi.c: any bytes are physical memory at BASE,
 * the RSDP at its start. Every read the walk asks for is handed out as a
 * fresh heap copy of exactly the bytes asked for, so reading one byte past
 * what it asked for is an ASan report. An accepted reset register obeys
 * the rules acpi.h states. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hv/acpi.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define BASE	0x7F000000ULL
#define MAX_READS 4096

static const uint8_t *mem;
static size_t mem_len;
static void *reads[MAX_READS];
static size_t nreads;

static const void *read_copy(void *ctx, uint64_t pa, uint64_t len)
{
	void *p;

	(void)ctx;
	CHECK(nreads < MAX_READS);	/* the walk is bounded */
	if (pa < BASE || len > mem_len || pa - BASE > mem_len - len || len == 0)
		return NULL;
	p = malloc(len);
	memcpy(p, mem + (pa - BASE), len);
	reads[nreads++] = p;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_reset_reg reg = { .space_id = 0xEE };
	const char *why;

	mem = data;
	mem_len = size;
	nreads = 0;
	why = acpi_find_reset_reg(read_copy, NULL, BASE, &reg);
	if (!why) {
		CHECK(reg.space_id == ACPI_SPACE_IO || reg.space_id == ACPI_SPACE_MEMORY ||
		      reg.space_id == ACPI_SPACE_PCI_CONFIG);
		CHECK(reg.space_id != ACPI_SPACE_IO || reg.address <= 0xFFFF);
		CHECK(size >= 20 && !memcmp(data, "RSD PTR ", 8));
	} else {
		CHECK(why[0] != '\0');
	}
	for (size_t i = 0; i < nreads; i++)
		free(reads[i]);
	return 0;
}
