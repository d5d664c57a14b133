/* mapplan: replays the loader's mapping plan on the host (README: Memory maps as text).
 *
 *   tools/mapplan FILE [--json] [--svg OUT.svg] [--window BASE]
 *                 [--layout offset|compact] [--no-1g] [--image-kib N]
 *
 * Reads a memory map in that text format (FILE "-" is stdin), plans the
 * runtime window with rtwin_plan, builds the hypervisor's page tables with
 * hvmap_build into a host arena exactly as the loader does after
 * ExitBootServices (a fake image of N KiB, both stacks, the trampoline),
 * and sets the pages it used against ptmin's independent count of the
 * fewest any builder could use for the same mappings. --svg also draws
 * the physical map and the virtual layout (mapsvg.c).
 *
 * Exit status: 0, 1 for a map that cannot be used (the message names the
 * line), 2 for a bad command line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_mem.h"
#include "loader/elf.h"
#include "loader/hvmap.h"
#include "layout.h"
#include "loader/memmap.h"
#include "loader/pt.h"
#include "loader/rtwin.h"
#include "mapplan.h"
#include "mapsvg.h"
#include "ptmin.h"

#define DEFAULT_IMAGE_KIB	212	/* hv.elf's span when mapplan was written */
#define ARENA_PA		0x000F000000000000ULL	/* fake pa of the table pool */

/* Stand-in physical addresses of the loader's own allocations. Their
 * mappings are 4 KiB-only at fixed virtual addresses, so where they lie
 * changes no table count; only the trampoline's (identity) does. */
#define FAKE_IMAGE_PA		0x01000000ULL
#define FAKE_STACK_PA		0x02000000ULL
#define FAKE_RTSTACK_PA		0x03000000ULL
#define FAKE_IST_PA		0x03800000ULL

static const char *prog = "mapplan";

static void __attribute__((noreturn)) usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: %s FILE [--json] [--svg OUT.svg] [--window BASE] [--layout offset|compact] "
		"[--no-1g] [--image-kib N]\n", prog);
	exit(2);
}

void map_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return *s && *s != '-' && !*end && errno == 0;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .window = HV_RT_WINDOW_DEFAULT, .layout = HV_RT_LAYOUT_OFFSET,
			    .allow_1g = true, .image_kib = DEFAULT_IMAGE_KIB };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--svg")) {
			if (!val || !val[0])
				usage_error("--svg needs a file name%s", "");
			o->svg = val;
			i++;
		} else if (!strcmp(a, "--no-1g")) {
			o->allow_1g = false;
		} else if (!strcmp(a, "--window")) {
			if (!val || !parse_u64(val, &o->window))
				usage_error("--window needs an address, e.g. 0x%s", "FFFFFF0000000000");
			i++;
		} else if (!strcmp(a, "--layout")) {
			if (val && !strcmp(val, "offset"))
				o->layout = HV_RT_LAYOUT_OFFSET;
			else if (val && !strcmp(val, "compact"))
				o->layout = HV_RT_LAYOUT_COMPACT;
			else
				usage_error("--layout is offset or compact, not '%s'", val ? val : "");
			i++;
		} else if (!strcmp(a, "--image-kib")) {
			if (!val || !parse_u64(val, &o->image_kib) || o->image_kib == 0 ||
			    o->image_kib > (ELF_IMAGE_MAX >> 10))
				usage_error("--image-kib needs 1..65536, not '%s'", val ? val : "");
			i++;
		} else if (!strcmp(a, "--fb")) {
			/* As bootinfo prints it: pa and KiB (page multiples). */
			const char *colon = val ? strchr(val, ':') : NULL;
			char pa[32];

			if (!colon || (size_t)(colon - val) >= sizeof(pa))
				usage_error("--fb needs PA:KIB, e.g. 0xC0000000:%s", "4000");
			memcpy(pa, val, (size_t)(colon - val));
			pa[colon - val] = 0;
			if (!parse_u64(pa, &o->fb_pa) || !parse_u64(colon + 1, &o->fb_kib) ||
			    (o->fb_pa & 0xFFF) || (o->fb_kib & 3) || (o->fb_kib << 10) > HV_FB_MAX_SIZE)
				usage_error("--fb needs a page-aligned PA and a size in whole pages, not '%s'",
					    val);
			i++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: %s FILE [--json] [--svg OUT.svg] [--window BASE] [--layout offset|compact] "
			       "[--no-1g] [--image-kib N] [--fb PA:KIB]\n", prog);
			exit(0);
		} else if (a[0] == '-' && a[1]) {
			usage_error("unknown option '%s'", a);
		} else if (o->path) {
			usage_error("one map at a time ('%s')", a);
		} else {
			o->path = a;
		}
	}
	if (!o->path)
		usage_error("%s", "no memory map given");
	if (o->window & (HV_PML4_SLOT_SIZE - 1) || !pt_canonical(o->window) ||
	    o->window < HV_HIGHER_HALF)
		usage_error("--window must be a higher-half, 512 GiB-aligned address (%s)",
			    "one PML4 slot");
}

/* ---- reading the map ---------------------------------------------------- */

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		map_error("out of memory");
	return p;
}

static void read_map(const char *path, struct map *m)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	unsigned lineno = 0;

	if (!f)
		map_error("%s: %s", path, strerror(errno));
	*m = (struct map){0};
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct efi_mdesc d;
		const char *why;
		bool empty;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (memchr(line, '\0', (size_t)len))
			map_error("%s:%u: NUL byte in line", path, lineno);
		why = memmap_parse_line(line, (size_t)len, &d, &empty);
		if (why)
			map_error("%s:%u: %s", path, lineno, why);
		if (empty)
			continue;
		if (m->nraw == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			m->raw = xrealloc(m->raw, alloc * sizeof(*m->raw));
			m->raw_line = xrealloc(m->raw_line, alloc * sizeof(*m->raw_line));
		}
		m->raw_line[m->nraw] = lineno;
		m->raw[m->nraw++] = d;
	}
	if (ferror(f))
		map_error("%s: %s", path, strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	if (m->nraw == 0)
		map_error("%s: no memory descriptors", path);
}

struct warn_ctx {
	const char *path;
	const struct map *m;
};

/* The loader logs each repair of an odd map; mapplan says it on stderr. */
static void warn_repair(void *ctx, const struct efi_mdesc *d, const char *what)
{
	const struct warn_ctx *w = ctx;

	fprintf(stderr, "%s: %s:%u: warning: %s\n", prog, w->path, w->m->raw_line[d->va], what);
}

/* memmap_normalize sorts; to name lines afterwards each descriptor carries
 * its file index in va (the text format has no VirtualStart) for the
 * duration of the call. Overlaps can split a descriptor: room for twice
 * the descriptors. */
static void normalize(const char *path, struct map *m)
{
	struct efi_mmap raw = { m->raw, m->nraw * sizeof(*m->raw), sizeof(*m->raw) };
	struct warn_ctx wc = { path, m };
	struct memmap_fixes fx = { .reach = HV_DIRECT_MAP_MAX, .warn = warn_repair, .ctx = &wc };
	uint64_t bad, n, cap = 2 * m->nraw;

	for (size_t i = 0; i < m->nraw; i++)
		m->raw[i].va = i;
	m->norm = xrealloc(NULL, cap * sizeof(*m->norm));
	m->norm_line = xrealloc(NULL, cap * sizeof(*m->norm_line));
	const char *why = memmap_normalize(&raw, m->norm, cap, &n, &bad, &fx);

	if (why && strcmp(why, "RAM descriptors overlap"))
		map_error("%s: %s", path, why);
	if (why) {
		const struct efi_mdesc *later = &m->norm[bad];
		unsigned later_line = m->raw_line[later->va];

		/* memmap_normalize stops sorted; the earlier one is the last one
		 * before `later` that reaches past its start. */
		for (uint64_t k = bad; k-- > 0;)
			if (m->norm[k].pa + (m->norm[k].npages << EFI_PAGE_SHIFT) > later->pa)
				map_error("%s:%u: RAM overlaps the RAM on line %u", path, later_line,
					  m->raw_line[m->norm[k].va]);
		map_error("%s:%u: region overlaps another", path, later_line);
	}
	m->nnorm = (size_t)n;
	for (size_t i = 0; i < m->nnorm; i++) {
		m->norm_line[i] = m->raw_line[m->norm[i].va];
		m->norm[i].va = 0;
	}
	for (size_t i = 0; i < m->nraw; i++)
		m->raw[i].va = 0;
}

/* The line of the descriptor holding pa, or 0. */
static unsigned line_of_pa(const struct map *m, uint64_t pa)
{
	for (size_t i = 0; i < m->nnorm; i++)
		if (pa >= m->norm[i].pa && pa - m->norm[i].pa < (m->norm[i].npages << EFI_PAGE_SHIFT))
			return m->norm_line[i];
	return 0;
}

/* ---- what the loader would do ------------------------------------------- */

/* The loader's AllocatePages(AllocateMaxAddress, 0xFFFFF000) for the
 * trampoline gets, in EDK2, the top page of the highest free region below
 * 4 GiB. */
static uint64_t pick_trampoline(const struct map *m)
{
	uint64_t pa = 0x1000;

	for (size_t i = 0; i < m->nnorm; i++) {
		const struct efi_mdesc *d = &m->norm[i];
		uint64_t end = d->pa + (d->npages << EFI_PAGE_SHIFT);

		if (d->type == EFI_MT_CONVENTIONAL && end <= 0x100000000ULL)
			pa = end - HV_PAGE_SIZE;
	}
	return pa;
}

static void plan_runtime(const struct opts *o, const struct map *m, struct plan *p)
{
	struct efi_mmap raw = { m->raw, m->nraw * sizeof(*m->raw), sizeof(*m->raw) };
	const char *why = rtwin_plan(&raw, o->window, o->layout, &p->rt);
	uint64_t ram_top = 0;

	p->rt_enabled = false;
	p->rt_planned = !why;
	if (why) {
		snprintf(p->rt_reason, sizeof(p->rt_reason), "%s", why);
		return;
	}
	/* As efi_rt_plan: the window must not land in the direct map's slots. */
	for (size_t i = 0; i < m->nnorm; i++)
		if (memmap_is_ram(m->norm[i].type))
			ram_top = m->norm[i].pa + (m->norm[i].npages << EFI_PAGE_SHIFT);
	why = rtwin_check_window(o->window, ram_top);
	if (why) {
		snprintf(p->rt_reason, sizeof(p->rt_reason), "%s 0x%llX", why,
			 (unsigned long long)ram_top);
		return;
	}
	p->rt_enabled = true;
}

static void make_input(const struct opts *o, const struct map *m, struct plan *p)
{
	uint64_t span = ((o->image_kib << 10) + 0xFFF) & ~0xFFFULL;

	p->img = (struct elf_image){
		.entry_va = HV_IMAGE_BASE, .va_lo = HV_IMAGE_BASE, .va_hi = HV_IMAGE_BASE + span,
		.nseg = 1,
		.seg[0] = { .va = HV_IMAGE_BASE, .memsz = span, .flags = ELF_PF_R | ELF_PF_X },
	};
	p->trampoline_pa = pick_trampoline(m);
	p->in = (struct hvmap_input){
		.map = m->norm, .count = m->nnorm,
		.img = &p->img, .image_pa = FAKE_IMAGE_PA,
		.stack_pa = FAKE_STACK_PA, .rt_stack_pa = FAKE_RTSTACK_PA, .ist_pa = FAKE_IST_PA,
		.trampoline_pa = p->trampoline_pa,
		.rt = p->rt_enabled ? &p->rt : NULL,
		.fb_pa = o->fb_pa, .fb_size = o->fb_kib << 10,
	};
}

/* ---- building, as build_tables in loader/efi_main.c --------------------- */

static void *arena_alloc(void *ctx, uint64_t *pa)
{
	struct arena *a = ctx;

	if (a->used == a->limit)
		return NULL;
	if (a->used == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->page = xrealloc(a->page, a->cap * sizeof(*a->page));
	}
	a->page[a->used] = calloc(1, HV_PAGE_SIZE);
	if (!a->page[a->used])
		map_error("out of memory");
	*pa = ARENA_PA + a->used * HV_PAGE_SIZE;
	return a->page[a->used++];
}

static void *arena_ptr(void *ctx, uint64_t pa)
{
	struct arena *a = ctx;

	return a->page[(pa - ARENA_PA) / HV_PAGE_SIZE];
}

static void build(const char *path, const struct opts *o, const struct map *m,
		  const struct plan *p, struct built *out)
{
	struct hvmap_input bound_in = p->in;
	struct hvmap_error err;
	const char *st;

	/* efi_reserve sizes the pool before the final map, for the worst MAT
	 * split, and adds a quarter plus 64 pages of margin. */
	bound_in.rt = p->rt_planned ? &p->rt : NULL;
	bound_in.mat_count = 1;
	out->pool_bound = hvmap_pool_bound(&bound_in, o->allow_1g);
	out->pool_reserved = out->pool_bound + out->pool_bound / 4 + 64;
	out->arena = (struct arena){ .limit = out->pool_reserved };
	if (out->pool_reserved < out->pool_bound)	/* the sum overflowed */
		out->arena.limit = UINT64_MAX;
	out->b = (struct pt_builder){
		.alloc_page = arena_alloc, .pa_to_ptr = arena_ptr, .ctx = &out->arena,
		.allow_1g = o->allow_1g, .allow_nx = true,
	};
	if (pt_init(&out->b) != PT_OK)
		map_error("%s: page-table pool empty", path);
	st = hvmap_build(&out->b, &p->in, &err);
	if (st != PT_OK) {
		unsigned line = line_of_pa(m, err.pa);

		if (line)
			map_error("%s:%u: cannot map %s at pa 0x%llX (va 0x%llX): %s", path, line,
				  err.what, (unsigned long long)err.pa, (unsigned long long)err.va,
				  st);
		map_error("%s: cannot map %s at pa 0x%llX (va 0x%llX): %s", path, err.what,
			  (unsigned long long)err.pa, (unsigned long long)err.va, st);
	}
}

/* ---- the same mappings, as ranges for ptmin ----------------------------- */

struct ranges {
	struct ptmin_range *r;
	size_t n, cap;
};

static void add_range(struct ranges *rs, uint64_t va, uint64_t pa, uint64_t len, bool only_4k,
		      uint32_t attr)
{
	if (!len)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 256;
		rs->r = xrealloc(rs->r, rs->cap * sizeof(*rs->r));
	}
	rs->r[rs->n++] = (struct ptmin_range){ va, pa, len, only_4k, attr };
}

static const char *collect_run(void *ctx, uint64_t pa, uint64_t len, unsigned flags)
{
	struct direct_runs *d = ctx;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		d->runs = xrealloc(d->runs, d->cap * sizeof(*d->runs));
	}
	d->runs[d->n][0] = pa;
	d->runs[d->n][1] = len;
	d->runs[d->n][2] = flags;
	d->n++;
	return PT_OK;
}

/* The mappings hvmap_build makes, from the same input but not through its
 * run logic: segments rounded to pages, stacks, one range per RAM
 * descriptor of the map, one per runtime region (no MAT here, so no
 * splits), the trampoline page. attr tells apart the entry bits for
 * ptmin_merge; a RAM descriptor's is its cacheability (WB in its
 * attributes or not), plus its EFI type when by_type asks for the stricter
 * floor of a builder that never lets a large page span a type boundary. */
static void collect_ranges(const struct plan *p, const struct map *m, bool by_type,
			   struct ranges *rs)
{
	const struct hvmap_input *in = &p->in;

	for (uint32_t i = 0; i < in->img->nseg; i++) {
		const struct elf_seg *s = &in->img->seg[i];
		uint64_t va = s->va & ~0xFFFULL;
		uint64_t end = (s->va + s->memsz + 0xFFF) & ~0xFFFULL;

		add_range(rs, va, in->image_pa + (va - in->img->va_lo), end - va, true, 0x100 | s->flags);
	}
	add_range(rs, HV_STACK_BOTTOM_VA, in->stack_pa, HV_STACK_SIZE, true, 0x200);
	add_range(rs, HV_RTSTACK_BOTTOM_VA, in->rt_stack_pa, HV_RTSTACK_SIZE, true, 0x200);
	for (uint64_t n = 1; n <= HV_IST_COUNT; n++)
		add_range(rs, HV_IST_BOTTOM_VA(n), in->ist_pa + (n - 1) * HV_IST_STACK_SIZE,
			  HV_IST_STACK_SIZE, true, 0x200);
	for (size_t i = 0; i < m->nnorm; i++) {
		const struct efi_mdesc *d = &m->norm[i];
		uint32_t attr = 0x1000 | ((d->attr & EFI_MEMORY_WB) ? 0 : 1);

		if (!memmap_is_ram(d->type))
			continue;
		if (by_type)
			attr |= 0x2000 | (d->type & 0xFF) << 16 | (d->type >> 24) << 24;
		add_range(rs, HV_DIRECT_MAP_BASE + d->pa, d->pa, d->npages << EFI_PAGE_SHIFT, false,
			  attr);
	}
	if (in->rt)
		for (uint32_t i = 0; i < in->rt->count; i++) {
			const struct rt_region *r = &in->rt->r[i];

			add_range(rs, r->va, r->pa, r->npages << EFI_PAGE_SHIFT, false,
				  0x400 | r->type | (hvmap_cache_flags(r->type, r->attr) << 16));
		}
	add_range(rs, in->trampoline_pa, in->trampoline_pa, HV_PAGE_SIZE, true, 0x800);
	if (in->fb_size)
		add_range(rs, HV_FB_VA, in->fb_pa, in->fb_size, false, 0x4000 | hvmap_fb_flags(in));
}

/* Bytes of the direct map the built tables map with 2 MiB / 1 GiB pages. */
static uint64_t direct_large_bytes(const struct pt_builder *b, const struct direct_runs *d)
{
	uint64_t large = 0;

	for (size_t i = 0; i < d->n; i++) {
		uint64_t va = HV_DIRECT_MAP_BASE + d->runs[i][0], end = va + d->runs[i][1];

		while (va < end) {
			struct pt_walk w;
			uint64_t next;

			if (pt_walk(b, va, &w) != PT_OK || !w.present)
				map_error("internal: direct map at va 0x%llX not mapped",
					  (unsigned long long)va);
			next = (va & ~(w.page_size - 1)) + w.page_size;
			if (next > end)
				next = end;
			if (w.page_size > HV_PAGE_SIZE)
				large += next - va;
			va = next;
		}
	}
	return large;
}

/* ---- output ------------------------------------------------------------- */

/* Every runtime descriptor of the map, in address order, whether or not
 * the loader could give it a VirtualStart (0 when runtime is disabled). */
static bool next_runtime(const struct map *m, size_t *i)
{
	for (; *i < m->nnorm; (*i)++)
		if (memmap_is_runtime(&m->norm[*i], NULL))
			return true;
	return false;
}

uint64_t virt_of(const struct plan *p, uint64_t pa)
{
	const struct rt_region *r = p->rt_enabled ? rtwin_find_pa(&p->rt, pa) : NULL;

	return r ? r->va + (pa - r->pa) : 0;
}

const char *type_text(uint32_t type, char buf[12])
{
	const char *name = memmap_type_name(type);

	if (name)
		return name;
	snprintf(buf, 12, "0x%08X", type);
	return buf;
}

struct figures {
	struct ptmin_result min, min_split, min_direct;
	uint64_t direct_bytes, direct_large;
	size_t nranges;
};

static double share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

static void print_json(const struct opts *o, const struct map *m, const struct plan *p,
		       const struct built *bt, const struct direct_runs *d, const struct figures *f)
{
	const struct pt_stats *s = &bt->b.stats;
	uint64_t pt_pages = bt->arena.used;
	size_t nrt = 0;
	char tb[12];

	printf("{\n  \"file\": \"");
	for (const char *c = o->path; *c; c++) {
		if (*c == '"' || *c == '\\')
			putchar('\\');
		putchar((unsigned char)*c < 0x20 ? '?' : *c);
	}
	printf("\",\n  \"descriptors\": %zu,\n", m->nnorm);
	printf("  \"window\": %llu,\n  \"layout\": \"%s\",\n  \"layout_fell_back\": %s,\n",
	       (unsigned long long)o->window,
	       p->rt.layout == HV_RT_LAYOUT_COMPACT ? "compact" : "offset",
	       p->rt.fell_back ? "true" : "false");
	printf("  \"runtime\": \"%s%s%s\",\n", p->rt_enabled ? "enabled" : "disabled (",
	       p->rt_enabled ? "" : p->rt_reason, p->rt_enabled ? "" : ")");
	printf("  \"allow_1g\": %s,\n  \"image_kib\": %llu,\n", o->allow_1g ? "true" : "false",
	       (unsigned long long)o->image_kib);
	printf("  \"regions\": [");
	for (size_t i = 0, k = 0; next_runtime(m, &i); i++, k++) {
		const struct efi_mdesc *d = &m->norm[i];

		printf("%s\n    {\"type\": \"%s\", \"phys\": %llu, \"pages\": %llu, \"virt\": %llu, "
		       "\"attr\": %llu, \"line\": %u}", k ? "," : "", type_text(d->type, tb),
		       (unsigned long long)d->pa, (unsigned long long)d->npages,
		       (unsigned long long)virt_of(p, d->pa), (unsigned long long)d->attr,
		       m->norm_line[i]);
		nrt++;
	}
	printf("%s],\n  \"direct\": [", nrt ? "\n  " : "");
	for (size_t i = 0; i < d->n; i++)
		printf("%s\n    {\"phys\": %llu, \"pages\": %llu, \"uncached\": %s}", i ? "," : "",
		       (unsigned long long)d->runs[i][0],
		       (unsigned long long)(d->runs[i][1] >> EFI_PAGE_SHIFT),
		       d->runs[i][2] & PT_MAP_UC ? "true" : "false");
	printf("%s],\n", d->n ? "\n  " : "");
	printf("  \"pt_pages\": %llu,\n  \"pt_min_pages\": %llu,\n  \"pt_ratio\": %.4f,\n",
	       (unsigned long long)pt_pages, (unsigned long long)f->min.total,
	       share(pt_pages, f->min.total));
	printf("  \"pt_tables\": {\"pml4\": %llu, \"pdpt\": %llu, \"pd\": %llu, \"pt\": %llu},\n",
	       (unsigned long long)s->tables[0], (unsigned long long)s->tables[1],
	       (unsigned long long)s->tables[2], (unsigned long long)s->tables[3]);
	printf("  \"pt_min_tables\": {\"pml4\": %llu, \"pdpt\": %llu, \"pd\": %llu, \"pt\": %llu},\n",
	       (unsigned long long)f->min.tables[0], (unsigned long long)f->min.tables[1],
	       (unsigned long long)f->min.tables[2], (unsigned long long)f->min.tables[3]);
	/* pt_min_pages_types_merged: the same floor, under its earlier name. */
	printf("  \"pt_min_pages_types_merged\": %llu,\n", (unsigned long long)f->min.total);
	printf("  \"pt_min_pages_types_split\": %llu,\n", (unsigned long long)f->min_split.total);
	printf("  \"leaves\": {\"1g\": %llu, \"2m\": %llu, \"4k\": %llu},\n",
	       (unsigned long long)s->leaves_1g, (unsigned long long)s->leaves_2m,
	       (unsigned long long)s->leaves_4k);
	printf("  \"pool_bound_pages\": %llu,\n  \"pool_reserved_pages\": %llu,\n",
	       (unsigned long long)bt->pool_bound, (unsigned long long)bt->pool_reserved);
	printf("  \"direct_bytes\": %llu,\n  \"large_page_share\": %.6f,\n",
	       (unsigned long long)f->direct_bytes, share(f->direct_large, f->direct_bytes));
	printf("  \"large_page_share_min\": %.6f\n}\n",
	       share(f->min_direct.bytes_1g + f->min_direct.bytes_2m, f->direct_bytes));
}

static void print_text(const struct opts *o, const struct map *m, const struct plan *p,
		       const struct built *bt, const struct direct_runs *d, const struct figures *f)
{
	const struct pt_stats *s = &bt->b.stats;
	uint64_t pt_pages = bt->arena.used;
	char tb[12];

	size_t nrt = 0;

	for (size_t i = 0; next_runtime(m, &i); i++)
		nrt++;
	printf("%s: %zu descriptors, %llu MiB in %zu direct-map runs, %zu runtime regions\n",
	       o->path, m->nnorm, (unsigned long long)(f->direct_bytes >> 20), d->n, nrt);
	printf("window 0x%016llX, layout %s%s, 1 GiB pages %s, image %llu KiB\n",
	       (unsigned long long)o->window, p->rt.layout == HV_RT_LAYOUT_COMPACT ? "compact" : "offset",
	       p->rt.fell_back ? " (offset fell back: a region lies above 512 GiB)" : "",
	       o->allow_1g ? "allowed" : "off", (unsigned long long)o->image_kib);
	if (!p->rt_enabled)
		printf("runtime: disabled (%s)\n", p->rt_reason);

	printf("\nruntime regions\n  %5s  %-24s %-18s %9s  %s\n", "line", "type", "physical", "pages",
	       "virtual");
	for (size_t i = 0; next_runtime(m, &i); i++) {
		const struct efi_mdesc *d = &m->norm[i];

		printf("  %5u  %-24s 0x%016llX %9llu  0x%016llX\n", m->norm_line[i],
		       type_text(d->type, tb), (unsigned long long)d->pa,
		       (unsigned long long)d->npages, (unsigned long long)virt_of(p, d->pa));
	}
	printf("\npage tables             %5s %5s %5s %5s %6s\n", "PML4", "PDPT", "PD", "PT", "total");
	printf("  loader (hvmap_build)  %5llu %5llu %5llu %5llu %6llu   pool bound %llu, reserved %llu\n",
	       (unsigned long long)s->tables[0], (unsigned long long)s->tables[1],
	       (unsigned long long)s->tables[2], (unsigned long long)s->tables[3],
	       (unsigned long long)pt_pages, (unsigned long long)bt->pool_bound,
	       (unsigned long long)bt->pool_reserved);
	printf("  minimum (ptmin)       %5llu %5llu %5llu %5llu %6llu   ratio %.3f\n",
	       (unsigned long long)f->min.tables[0], (unsigned long long)f->min.tables[1],
	       (unsigned long long)f->min.tables[2], (unsigned long long)f->min.tables[3],
	       (unsigned long long)f->min.total, share(pt_pages, f->min.total));
	printf("  minimum, types split  %5llu %5llu %5llu %5llu %6llu   (no large page across an "
	       "EFI type boundary)\n",
	       (unsigned long long)f->min_split.tables[0], (unsigned long long)f->min_split.tables[1],
	       (unsigned long long)f->min_split.tables[2], (unsigned long long)f->min_split.tables[3],
	       (unsigned long long)f->min_split.total);
	printf("leaves (loader): 1 GiB %llu, 2 MiB %llu, 4 KiB %llu\n",
	       (unsigned long long)s->leaves_1g, (unsigned long long)s->leaves_2m,
	       (unsigned long long)s->leaves_4k);
	printf("direct map: %.2f%% in large pages (minimum cover: %.2f%%)\n",
	       100.0 * share(f->direct_large, f->direct_bytes),
	       100.0 * share(f->min_direct.bytes_1g + f->min_direct.bytes_2m, f->direct_bytes));
}

int main(int argc, char **argv)
{
	struct opts o;
	struct map m;
	static struct plan p;		/* the runtime plan is ~12 KiB */
	struct built bt;
	struct direct_runs d = {0};
	struct ranges rs = {0};
	struct figures f = {0};
	const char *why;
	size_t bad;

	parse_opts(argc, argv, &o);
	read_map(o.path, &m);
	normalize(o.path, &m);
	plan_runtime(&o, &m, &p);
	make_input(&o, &m, &p);
	build(o.path, &o, &m, &p, &bt);

	hvmap_for_each_direct_run(m.norm, m.nnorm, collect_run, &d);
	for (size_t i = 0; i < d.n; i++)
		f.direct_bytes += d.runs[i][1];
	f.direct_large = direct_large_bytes(&bt.b, &d);

	/* The floor: RAM of one cacheability merged across EFI types, as the
	 * loader maps it (README: What happens at boot). */
	collect_ranges(&p, &m, false, &rs);
	why = ptmin_count(rs.r, rs.n, o.allow_1g, &f.min, &bad);	/* sorts by va */
	if (!why) {
		rs.n = ptmin_merge(rs.r, rs.n);
		why = ptmin_count(rs.r, rs.n, o.allow_1g, &f.min, &bad);
	}
	if (why)	/* hvmap_build took these very ranges: a mapplan bug */
		map_error("internal: ptmin: range at va 0x%llX: %s", (unsigned long long)rs.r[bad].va,
			  why);
	/* For comparison: large pages never across an EFI type boundary. */
	rs.n = 0;
	collect_ranges(&p, &m, true, &rs);
	why = ptmin_count(rs.r, rs.n, o.allow_1g, &f.min_split, &bad);
	if (why)
		map_error("internal: ptmin (types split): %s", why);

	rs.n = 0;
	for (size_t i = 0; i < d.n; i++)
		add_range(&rs, HV_DIRECT_MAP_BASE + d.runs[i][0], d.runs[i][0], d.runs[i][1], false, 0);
	if (ptmin_count(rs.r, rs.n, o.allow_1g, &f.min_direct, &bad))
		map_error("internal: ptmin (direct map)");

	if (o.json)
		print_json(&o, &m, &p, &bt, &d, &f);
	else
		print_text(&o, &m, &p, &bt, &d, &f);
	if (o.svg)
		mapsvg_write_plan(&o, &m, &p, &bt, &d);
	return 0;
}
