/* EFI memory-map handling (UEFI 2.10 §7.2, GetMemoryMap). Pure. */
#include "memmap.h"
#include "hexdigit.h"
#include "txt.h"

static const char *const type_names[EFI_MT_COUNT] = {
	"EfiReservedMemoryType", "EfiLoaderCode", "EfiLoaderData",
	"EfiBootServicesCode", "EfiBootServicesData", "EfiRuntimeServicesCode",
	"EfiRuntimeServicesData", "EfiConventionalMemory", "EfiUnusableMemory",
	"EfiACPIReclaimMemory", "EfiACPIMemoryNVS", "EfiMemoryMappedIO",
	"EfiMemoryMappedIOPortSpace", "EfiPalCode", "EfiPersistentMemory",
	"EfiUnacceptedMemoryType",
};

const char *memmap_type_name(uint32_t type)
{
	return type < EFI_MT_COUNT ? type_names[type] : NULL;
}

static bool streq_n(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++)
		if (b[i] == '\0' || b[i] != a[i])
			return false;
	return b[i] == '\0';
}

/* "0x" followed by 1..16 hex digits. */
static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len < 3 || len > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (size_t i = 2; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool parse_dec(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool memmap_type_parse(const char *s, size_t len, uint32_t *type)
{
	uint64_t v;

	for (uint32_t t = 0; t < EFI_MT_COUNT; t++) {
		if (streq_n(s, len, type_names[t])) {
			*type = t;
			return true;
		}
	}
	if (parse_hex(s, len, &v) && v <= 0xFFFFFFFFULL) {
		*type = (uint32_t)v;
		return true;
	}
	return false;
}

bool memmap_is_ram(uint32_t type)
{
	switch (type) {
	case EFI_MT_RESERVED:
	case EFI_MT_UNUSABLE:
	case EFI_MT_MMIO:
	case EFI_MT_MMIO_PORT:
	case EFI_MT_PAL_CODE:
	case EFI_MT_UNACCEPTED:
		return false;
	default:
		/* The spec's own types 0..15 handled above; OEM (0x70000000..)
		 * and OS (0x80000000..) types are RAM the hypervisor may read.
		 * Unknown types in the reserved range 16..0x6FFFFFFF are not. */
		return type < EFI_MT_COUNT || type >= 0x70000000U;
	}
}

bool memmap_is_runtime(const struct efi_mdesc *d, bool *missing_bit)
{
	bool rt_type = d->type == EFI_MT_RT_CODE || d->type == EFI_MT_RT_DATA;

	if (missing_bit)
		*missing_bit = rt_type && !(d->attr & EFI_MEMORY_RUNTIME);
	return (d->attr & EFI_MEMORY_RUNTIME) || rt_type;
}

const char *memmap_check_version(uint32_t version)
{
	return version == MEMMAP_DESC_VERSION ? NULL
		: "memory map descriptor version is not 1 (UEFI 2.10 §7.2)";
}

const char *memmap_check(const struct efi_mmap *m, uint64_t *bad_index)
{
	uint64_t n;

	*bad_index = 0;
	if (m->desc_size < sizeof(struct efi_mdesc))
		return "descriptor size smaller than EFI_MEMORY_DESCRIPTOR";
	if (m->desc_size % 8)
		return "descriptor size not a multiple of 8";
	if (m->size_bytes % m->desc_size)
		return "map size not a multiple of the descriptor size";
	n = efi_mmap_count(m);
	for (uint64_t i = 0; i < n; i++) {
		const struct efi_mdesc *d = efi_mmap_at(m, i);

		*bad_index = i;
		if (d->npages > (UINT64_MAX >> EFI_PAGE_SHIFT))
			return "page count overflows";
		if (d->npages && d->pa + (d->npages << EFI_PAGE_SHIFT) - 1 < d->pa)
			return "region wraps past the top of the address space";
	}
	return NULL;
}

/* Inclusive last byte: a region reaching 2^64 does not wrap to 0. */
static uint64_t last_byte(const struct efi_mdesc *d)
{
	return d->pa + ((d->npages << EFI_PAGE_SHIFT) - 1);
}

static void set_span(struct efi_mdesc *d, uint64_t pa, uint64_t last)
{
	d->pa = pa;
	d->npages = ((last - pa) >> EFI_PAGE_SHIFT) + 1;
}

static void fix(struct memmap_fixes *fx, uint32_t *counter, const struct efi_mdesc *d,
		const char *what)
{
	(*counter)++;
	if (fx->warn)
		fx->warn(fx->ctx, d, what);
}

/* Who keeps an overlap: not-RAM over RAM, and runtime over the rest. */
static int overlap_rank(const struct efi_mdesc *d)
{
	if (memmap_is_ram(d->type))
		return 0;
	return memmap_is_runtime(d, NULL) ? 2 : 1;
}

/* Inserts d into dst[from..*n), kept sorted by pa, after equal starts. */
static bool insert_from(struct efi_mdesc *dst, uint64_t *n, uint64_t cap, uint64_t from,
			const struct efi_mdesc *d)
{
	uint64_t j;

	if (*n == cap)
		return false;
	for (j = *n; j > from && dst[j - 1].pa > d->pa; j--)
		dst[j] = dst[j - 1];
	dst[j] = *d;
	(*n)++;
	return true;
}

static void remove_at(struct efi_mdesc *dst, uint64_t *n, uint64_t i)
{
	for (uint64_t k = i + 1; k < *n; k++)
		dst[k - 1] = dst[k];
	(*n)--;
}

/* Rounding and reach, one descriptor; false: nothing of it is left. */
static bool trim(struct efi_mdesc *d, struct memmap_fixes *fx)
{
	const struct efi_mdesc orig = *d;
	bool ram = memmap_is_ram(d->type);
	uint64_t last = last_byte(d);

	if (d->pa & 0xFFF) {
		if (!ram) {
			set_span(d, d->pa & ~0xFFFULL, last | 0xFFF);
			fix(fx, &fx->rounded, &orig, "not 4 KiB aligned: rounded outward");
		} else if (d->npages == 1) {
			fix(fx, &fx->rounded, &orig, "not 4 KiB aligned: no whole page, left out");
			return false;
		} else {
			set_span(d, (d->pa | 0xFFF) + 1, (last & ~0xFFFULL) - 1);
			fix(fx, &fx->rounded, &orig, "not 4 KiB aligned: rounded inward");
		}
	}
	if (ram && fx->reach && last_byte(d) >= fx->reach) {
		if (d->pa >= fx->reach) {
			fix(fx, &fx->left_out, &orig, "RAM beyond the direct map's reach: left out");
			return false;
		}
		set_span(d, d->pa, fx->reach - 1);
		fix(fx, &fx->left_out, &orig, "RAM beyond the direct map's reach: cut there");
	}
	return true;
}

/* Insertion sort: maps hold ~100 descriptors and come nearly sorted.
 * Overlaps are then resolved in one sweep: dst[j] overlaps dst[i] when it
 * starts at or before dst[i]'s last byte. */
const char *memmap_normalize(const struct efi_mmap *m, struct efi_mdesc *dst, uint64_t cap,
			     uint64_t *count_out, uint64_t *bad_index, struct memmap_fixes *fx)
{
	struct memmap_fixes none = {0};
	uint64_t n = efi_mmap_count(m), count = 0;

	if (!fx)
		fx = &none;
	fx->rounded = fx->clipped = fx->left_out = 0;
	*bad_index = 0;
	*count_out = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct efi_mdesc d;

		__builtin_memcpy(&d, efi_mmap_at(m, i), sizeof(d));
		d.pad = 0;
		if (d.npages == 0 || !trim(&d, fx))
			continue;
		if (!insert_from(dst, &count, cap, 0, &d)) {
			*bad_index = i;
			return "more descriptors than the copy holds";
		}
	}
	/* RAM over RAM: which copy is right cannot be told; refused whatever
	 * else lies over it. */
	for (uint64_t i = 0, seen = 0, ram_last = 0; i < count; i++) {
		if (!memmap_is_ram(dst[i].type))
			continue;
		if (seen && dst[i].pa <= ram_last) {
			*bad_index = i;
			return "RAM descriptors overlap";
		}
		seen = 1;
		ram_last = last_byte(&dst[i]);
	}
	for (uint64_t i = 0; i < count; i++) {
		for (uint64_t j = i + 1; j < count && dst[j].pa <= last_byte(&dst[i]);) {
			struct efi_mdesc *a = &dst[i], *b = &dst[j];
			int ra = overlap_rank(a), rb = overlap_rank(b);
			uint64_t la = last_byte(a), lb = last_byte(b);

			if (ra >= rb) {		/* a keeps it: b loses its head */
				struct efi_mdesc orig = *b;

				fix(fx, &fx->clipped, &orig, rb == 0
				    ? "RAM overlaps memory that is not RAM: clipped"
				    : "overlaps another region that is not RAM: clipped");
				remove_at(dst, &count, j);
				if (lb > la) {
					set_span(&orig, la + 1, lb);
					insert_from(dst, &count, cap, j, &orig);	/* room: one was removed */
				}
				continue;
			}
			/* b keeps it: a keeps its head, its tail (if any) goes after b. */
			struct efi_mdesc orig = *a, tail = *a;

			fix(fx, &fx->clipped, &orig, ra == 0
			    ? "RAM overlaps memory that is not RAM: clipped"
			    : "overlaps a runtime region: clipped");
			if (la > lb) {
				set_span(&tail, lb + 1, la);
				if (!insert_from(dst, &count, cap, j + 1, &tail)) {
					*bad_index = count;
					return "more descriptors than the copy holds";
				}
			}
			if (a->pa == b->pa) {
				remove_at(dst, &count, i);
				i--;		/* look at what moved into slot i */
			} else {
				set_span(a, a->pa, b->pa - 1);
			}
			break;
		}
	}
	*count_out = count;
	return NULL;
}

size_t memmap_format_line(const struct efi_mdesc *d, char *buf, size_t cap)
{
	struct txt t = txt_init(buf, cap);
	const char *name = memmap_type_name(d->type);

	if (name)
		txt_puts(&t, name);
	else
		txt_printf(&t, "0x%X", d->type);
	txt_printf(&t, " 0x%llX %llu 0x%llX", (unsigned long long)d->pa,
		   (unsigned long long)d->npages, (unsigned long long)d->attr);
	return txt_end(&t);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

const char *memmap_parse_line(const char *s, size_t len, struct efi_mdesc *d, bool *empty)
{
	const char *tok[5];
	size_t tlen[5];
	int n = 0;
	size_t i = 0;
	uint64_t v;

	*d = (struct efi_mdesc){0};
	*empty = false;
	for (size_t k = 0; k < len; k++) {
		if (s[k] == '#') {
			len = k;
			break;
		}
		if ((unsigned char)s[k] < 0x20 && !is_space(s[k]))
			return "control character in line";
		if ((unsigned char)s[k] >= 0x7F)
			return "non-ASCII character in line";
	}
	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		if (i == len)
			break;
		if (n == 5)
			return "too many fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)";
		tok[n] = s + i;
		while (i < len && !is_space(s[i]))
			i++;
		tlen[n] = (size_t)(s + i - tok[n]);
		n++;
	}
	if (n == 0) {
		*empty = true;
		return NULL;
	}
	if (n != 4)
		return n > 4 ? "too many fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)"
			     : "too few fields (expected TYPE PHYS_START NUM_PAGES ATTRIBUTE)";
	if (!memmap_type_parse(tok[0], tlen[0], &d->type))
		return "unknown memory type";
	/* An unaligned start is kept: memmap_normalize rounds it, as it does
	 * a firmware's. */
	if (!parse_hex(tok[1], tlen[1], &d->pa))
		return "PHYS_START must be a 0x hex number";
	if (!parse_dec(tok[2], tlen[2], &v))
		return "NUM_PAGES must be a decimal number";
	if (v > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
	    (v && d->pa + (v << EFI_PAGE_SHIFT) - 1 < d->pa))
		return "region wraps past the top of the address space";
	d->npages = v;
	if (!parse_hex(tok[3], tlen[3], &d->attr))
		return "ATTRIBUTE must be a 0x hex number";
	return NULL;
}
