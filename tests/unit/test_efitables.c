/* hv/vm/efi/efitables.c: what a Linux guest finds through efi_info, read
 * back with this file's own reader (byte loads at the UEFI 2.10 offsets, a
 * table-driven CRC-32 of its own): the system table (§4.3), the runtime
 * services table (§4.5), the EFI_RT_PROPERTIES_TABLE (§4.6.2) with the
 * bits the policy allows, and a memory map (§7.2) of 48-byte version-1
 * descriptors that covers guest RAM exactly, the EFI window as runtime
 * regions. Bad inputs get a reason and leave guest memory untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hv/vm/efi/efitables.h"
#include "efishim_blob_file.h"

#define MEM_BYTES	(8ULL << 20)
#define WINDOW		0x200000ULL

static uint8_t *mem;

static uint16_t rd16(uint64_t gpa) { return (uint16_t)(mem[gpa] | mem[gpa + 1] << 8); }
static uint32_t rd32(uint64_t gpa) { return rd16(gpa) | (uint32_t)rd16(gpa + 2) << 16; }
static uint64_t rd64(uint64_t gpa) { return rd32(gpa) | (uint64_t)rd32(gpa + 4) << 32; }

/* CRC-32/ISO-HDLC from a 256-entry table: a second implementation. */
static uint32_t crc32_table(const uint8_t *p, size_t n)
{
	static uint32_t t[256];
	uint32_t c = 0xFFFFFFFFu;

	if (!t[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xEDB88320u ^ (v >> 1) : v >> 1;
			t[i] = v;
		}
	for (size_t i = 0; i < n; i++)
		c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

/* CRC32 field of the table at gpa, recomputed over HeaderSize bytes. */
static bool table_crc_ok(uint64_t gpa)
{
	uint32_t size = rd32(gpa + 12);
	uint8_t copy[512];

	if (size > sizeof(copy))
		return false;
	memcpy(copy, mem + gpa, size);
	memset(copy + 16, 0, 4);
	return crc32_table(copy, size) == rd32(gpa + 16);
}

struct desc {
	uint32_t type;
	uint64_t pa, npages, attr;
};

static size_t read_map(const struct efitables_efi_info *info, struct desc *out, size_t cap)
{
	uint64_t base = info->efi_memmap | (uint64_t)info->efi_memmap_hi << 32;
	size_t n = info->efi_memmap_size / info->efi_memdesc_size;

	assert_int_equal(info->efi_memmap_size % info->efi_memdesc_size, 0);
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		uint64_t d = base + i * info->efi_memdesc_size;

		out[i] = (struct desc){ rd32(d), rd64(d + 8), rd64(d + 24), rd64(d + 32) };
		assert_int_equal(rd64(d + 16), 0);	/* VirtualStart */
		assert_int_equal(rd64(d + 40), 0);	/* the stride's padding */
	}
	return n;
}

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, MEM_BYTES);
	memset(mem, 0xCC, MEM_BYTES);
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static const char *build(const struct efitables_ram *ram, size_t n, uint64_t window,
			 uint32_t policy, struct efitables_efi_info *info,
			 struct efitables_layout *layout)
{
	struct efitables_in in = { ram, n, window, policy, blob_bytes_buf, blob_len };

	return efitables_build(mem, MEM_BYTES, &in, info, layout);
}

static void test_efi_info_names_the_system_table_and_the_map(void **state)
{
	struct efitables_ram ram = { 0x100000, MEM_BYTES - 0x100000 };
	struct efitables_efi_info info;
	struct efitables_layout lay;
	uint8_t raw[32];

	(void)state;
	assert_null(build(&ram, 1, WINDOW, HV_GUEST_VARS_READ, &info, &lay));
	memcpy(raw, &info, sizeof(raw));
	assert_memory_equal(raw, "EL64", 4);
	assert_int_equal(info.efi_systab | (uint64_t)info.efi_systab_hi << 32, lay.systab_gpa);
	assert_int_equal(info.efi_memdesc_size, 48);
	assert_int_equal(info.efi_memdesc_version, 1);
	assert_int_equal(info.efi_memmap | (uint64_t)info.efi_memmap_hi << 32, lay.memmap_gpa);
	assert_int_equal(info.efi_memmap_size, 4 * 48);
	/* boot_params.efi_info's field offsets (Linux x86 boot protocol). */
	assert_int_equal(offsetof(struct efitables_efi_info, efi_systab), 4);
	assert_int_equal(offsetof(struct efitables_efi_info, efi_memmap_size), 20);
	assert_int_equal(offsetof(struct efitables_efi_info, efi_systab_hi), 24);
	assert_int_equal(offsetof(struct efitables_efi_info, efi_memmap_hi), 28);
}

static void test_system_table_is_uefi_2_70_by_hvboot_with_valid_crc(void **state)
{
	struct efitables_ram ram = { 0x100000, MEM_BYTES - 0x100000 };
	struct efitables_efi_info info;
	struct efitables_layout lay;
	uint64_t st, vendor;
	const char *want = "hvboot";

	(void)state;
	assert_null(build(&ram, 1, WINDOW, HV_GUEST_VARS_READ, &info, &lay));
	st = lay.systab_gpa;
	assert_memory_equal(mem + st, "IBI SYST", 8);
	assert_int_equal(rd32(st + 8), 0x00020046);	/* 2.70 */
	assert_int_equal(rd32(st + 12), 120);
	assert_true(table_crc_ok(st));
	vendor = rd64(st + 24);
	for (int i = 0; i < 7; i++)
		assert_int_equal(rd16(vendor + 2 * i), i < 6 ? (uint8_t)want[i] : 0);
	for (uint64_t off = 40; off <= 80; off += 8)	/* console handles and protocols */
		assert_int_equal(rd64(st + off), 0);
	assert_int_equal(rd64(st + 88), lay.rt_gpa);
	assert_int_equal(rd64(st + 96), 0);		/* no boot services */
	assert_int_equal(rd64(st + 104), 1);

	/* A flipped byte is caught. */
	mem[st + 30] ^= 1;
	assert_false(table_crc_ok(st));
}

static void test_runtime_services_point_into_the_shim_code(void **state)
{
	struct efitables_ram ram = { 0x100000, MEM_BYTES - 0x100000 };
	struct efitables_efi_info info;
	struct efitables_layout lay;
	uint64_t rt;

	(void)state;
	assert_null(build(&ram, 1, WINDOW, HV_GUEST_VARS_READ, &info, &lay));
	rt = lay.rt_gpa;
	assert_memory_equal(mem + rt, "RUNTSERV", 8);
	assert_int_equal(rd32(rt + 8), 0x00020046);
	assert_int_equal(rd32(rt + 12), 136);
	assert_true(table_crc_ok(rt));
	for (int s = 0; s < 14; s++) {
		uint64_t fn = rd64(rt + 24 + 8 * s);

		assert_true(fn >= lay.code_gpa + 120 && fn < lay.code_gpa + blob_len);
		/* The entry is where the blob's header says, relative to it. */
		assert_int_equal(fn - lay.code_gpa,
				 20 + 4 * s + (int64_t)(int32_t)rd32(lay.code_gpa + 20 + 4 * s));
	}
	/* The blob is in place, its header completed. */
	assert_memory_equal(mem + lay.code_gpa + 120, blob_bytes_buf + 120, blob_len - 120);
	assert_int_equal(rd64(lay.code_gpa + 80), lay.code_gpa);
	assert_int_equal(rd64(lay.code_gpa + 96), lay.data_gpa);
	assert_int_equal(rd64(lay.code_gpa + 112), lay.data_gpa);	/* data_va: 1:1 */
}

static uint32_t rt_properties(uint32_t policy)
{
	static const uint8_t guid[16] = { 0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40,
					  0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 };
	struct efitables_ram ram = { 0x100000, MEM_BYTES - 0x100000 };
	struct efitables_efi_info info;
	struct efitables_layout lay;
	uint64_t cfg, tbl;

	assert_null(build(&ram, 1, WINDOW, policy, &info, &lay));
	cfg = rd64(lay.systab_gpa + 112);
	assert_memory_equal(mem + cfg, guid, 16);
	tbl = rd64(cfg + 16);
	assert_int_equal(rd16(tbl), 1);		/* Version */
	assert_int_equal(rd16(tbl + 2), 8);	/* Length */
	return rd32(tbl + 4);
}

static void test_rt_properties_follow_the_guest_vars_policy(void **state)
{
	(void)state;
	/* GetTime 0x1, GetVariable 0x10, GetNextVariableName 0x20, SetVariable
	 * 0x40, SetVirtualAddressMap 0x80, ConvertPointer 0x100,
	 * GetNextHighMonotonicCount 0x200, ResetSystem 0x400,
	 * QueryVariableInfo 0x2000 (UEFI 2.10 §4.6.2). */
	assert_int_equal(rt_properties(HV_GUEST_VARS_NONE), 0x0781);
	assert_int_equal(rt_properties(HV_GUEST_VARS_READ), 0x27B1);
	assert_int_equal(rt_properties(HV_GUEST_VARS_WRITE), 0x27F1);
}

static void test_memory_map_covers_ram_with_the_window_as_runtime_regions(void **state)
{
	struct efitables_ram ram[2] = { { 0x1000, 0x9F000 }, { 0x100000, MEM_BYTES - 0x100000 } };
	struct efitables_efi_info info;
	struct efitables_layout lay;
	struct desc d[8];
	size_t n;

	(void)state;
	assert_null(build(ram, 2, WINDOW, HV_GUEST_VARS_READ, &info, &lay));
	n = read_map(&info, d, 8);
	assert_int_equal(n, 5);
	assert_int_equal(d[0].type, 7);
	assert_int_equal(d[0].pa, 0x1000);
	assert_int_equal(d[0].npages, 0x9F);
	assert_int_equal(d[1].type, 7);
	assert_int_equal(d[1].pa, 0x100000);
	assert_int_equal(d[1].npages, (WINDOW - 0x100000) / 4096);
	assert_int_equal(d[2].type, 5);			/* EfiRuntimeServicesCode */
	assert_int_equal(d[2].pa, WINDOW);
	assert_int_equal(d[2].npages * 4096, lay.code_bytes);
	assert_int_equal(d[2].attr, 0x8000000000000008ULL);	/* RUNTIME | WB */
	assert_int_equal(d[3].type, 6);			/* EfiRuntimeServicesData */
	assert_int_equal(d[3].pa, lay.data_gpa);
	assert_int_equal(d[3].npages * 4096, lay.data_bytes);
	assert_int_equal(d[3].attr, 0x8000000000000008ULL);
	assert_true(lay.memmap_gpa >= d[3].pa && lay.memmap_gpa + info.efi_memmap_size <=
		    d[3].pa + d[3].npages * 4096);
	assert_int_equal(d[4].type, 7);
	assert_int_equal(d[4].pa, WINDOW + efitables_window_bytes(blob_len, 2));
	assert_int_equal(d[4].pa + d[4].npages * 4096, MEM_BYTES);
	assert_int_equal(d[0].attr, 0xF);
}

static void test_window_outside_ram_and_at_a_span_start(void **state)
{
	struct efitables_ram ram[2] = { { 0x100000, 0x100000 }, { 0x400000, 0x100000 } };
	struct efitables_efi_info info;
	struct desc d[8];

	(void)state;
	/* Between the spans: RAM untouched, the regions between. */
	assert_null(build(ram, 2, 0x200000, HV_GUEST_VARS_READ, &info, NULL));
	assert_int_equal(read_map(&info, d, 8), 4);
	assert_int_equal(d[0].type, 7);
	assert_int_equal(d[1].type, 5);
	assert_int_equal(d[1].pa, 0x200000);
	assert_int_equal(d[2].type, 6);
	assert_int_equal(d[3].pa, 0x400000);
	assert_int_equal(d[3].npages, 0x100);
	/* At the start of the second span: no empty piece before it. */
	assert_null(build(ram, 2, 0x400000, HV_GUEST_VARS_READ, &info, NULL));
	assert_int_equal(read_map(&info, d, 8), 4);
	assert_int_equal(d[1].pa, 0x400000);
	assert_int_equal(d[3].type, 7);
	assert_int_equal(d[3].pa, 0x400000 + efitables_window_bytes(blob_len, 2));
	/* After every span. */
	assert_null(build(ram, 2, 0x600000, HV_GUEST_VARS_READ, &info, NULL));
	assert_int_equal(read_map(&info, d, 8), 4);
	assert_int_equal(d[2].type, 5);
	assert_int_equal(d[2].pa, 0x600000);
}

static void test_bad_inputs_get_a_reason_and_write_nothing(void **state)
{
	struct efitables_ram ram = { 0x100000, 0x400000 };
	struct efitables_ram edge = { 0x100000, 0x101000 };
	struct efitables_ram two[2] = { { 0x300000, 0x1000 }, { 0x100000, 0x1000 } };
	struct efitables_efi_info info;
	struct efitables_in in = { &ram, 1, WINDOW, HV_GUEST_VARS_READ, blob_bytes_buf, 0 };
	uint8_t bad_blob[4096];

	(void)state;
	in.blob_bytes = blob_len - 16;
	assert_string_equal(build(&ram, 1, WINDOW + 8, 1, &info, NULL), "EFI window not page aligned");
	assert_string_equal(build(&ram, 1, MEM_BYTES - 0x1000, 1, &info, NULL),
			    "EFI window outside guest memory");
	assert_string_equal(build(&edge, 1, WINDOW, 1, &info, NULL),
			    "EFI window straddles the edge of a RAM span");
	assert_string_equal(build(two, 2, 0x600000, 1, &info, NULL),
			    "RAM spans not sorted or overlapping");
	assert_string_equal(build(&ram, 1, WINDOW, 3, &info, NULL), "unknown guest_vars policy");
	assert_string_equal(build(&ram, 0, WINDOW, 1, &info, NULL), "no RAM spans (or more than 128)");
	assert_string_equal(efitables_build(mem, MEM_BYTES, &in, &info, NULL),
			    "shim blob size disagrees with its header");
	memcpy(bad_blob, blob_bytes_buf, sizeof(bad_blob));
	bad_blob[0] = 'X';
	in.blob = bad_blob;
	in.blob_bytes = blob_len;
	assert_string_equal(efitables_build(mem, MEM_BYTES, &in, &info, NULL),
			    "shim blob has no EFI shim header");
	memcpy(bad_blob, blob_bytes_buf, sizeof(bad_blob));
	bad_blob[20] = 0x00, bad_blob[21] = 0x00, bad_blob[22] = 0x01, bad_blob[23] = 0x00;
	assert_string_equal(efitables_build(mem, MEM_BYTES, &in, &info, NULL),
			    "shim blob entry point outside the blob");
	for (uint64_t i = 0; i < MEM_BYTES; i++)
		if (mem[i] != 0xCC)
			fail_msg("byte 0x%llx written", (unsigned long long)i);
}

static void test_window_size_counts_the_blob_tables_buffer_and_map(void **state)
{
	(void)state;
	/* One page of code, one of tables, 64 KiB + 2 KiB + 32 of buffer
	 * (17 pages), a page of map. */
	assert_int_equal(efitables_window_bytes(3000, 1), (1 + 1 + 17 + 1) * 4096);
	assert_int_equal(efitables_window_bytes(4097, 100), (2 + 1 + 17 + 2) * 4096);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_efi_info_names_the_system_table_and_the_map),
		T(test_system_table_is_uefi_2_70_by_hvboot_with_valid_crc),
		T(test_runtime_services_point_into_the_shim_code),
		T(test_rt_properties_follow_the_guest_vars_policy),
		T(test_memory_map_covers_ram_with_the_window_as_runtime_regions),
		T(test_window_outside_ram_and_at_a_span_start),
		T(test_bad_inputs_get_a_reason_and_write_nothing),
		T(test_window_size_counts_the_blob_tables_buffer_and_map),
	};

	blob_read();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
