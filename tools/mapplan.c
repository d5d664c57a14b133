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

struct opts {
	const char *path;
	bool json;
	const char *svg;
	uint64_t window;
	enum hv_rt_layout layout;
	bool allow_1g;
	uint64_t image_kib;
	uint64_t fb_pa, fb_kib;		/* --fb PA:KIB, the GOP framebuffer; 0 KiB: none */
};

struct map {
	struct efi_mdesc *raw;		/* file order */
	unsigned *raw_line;
	size_t nraw;
	struct efi_mdesc *norm;		/* sorted, as memmap_normalize leaves it */
	unsigned *norm_line;
	size_t nnorm;
};

static const char *prog = "mapplan";

static void __attribute__((noreturn)) usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: %s FILE [--json] [--svg OUT.svg] [--window BASE] [--layout offset|compact] "
		"[--no-1g] [--image-kib N]\n", prog);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2))) map_error(const char *fmt, ...)
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

static void *xrealloc(void *p, size_t n)
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

struct plan {
	struct rtwin_plan rt;
	bool rt_planned;		/* rtwin_plan succeeded */
	bool rt_enabled;		/* ... and efi_rt_plan would keep runtime on */
	char rt_reason[128];
	struct elf_image img;
	uint64_t trampoline_pa;
	struct hvmap_input in;
};

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
		.stack_pa = FAKE_STACK_PA, .rt_stack_pa = FAKE_RTSTACK_PA,
		.trampoline_pa = p->trampoline_pa,
		.rt = p->rt_enabled ? &p->rt : NULL,
		.fb_pa = o->fb_pa, .fb_size = o->fb_kib << 10,
	};
}

/* ---- building, as build_tables in loader/efi_main.c --------------------- */

/* Pages come one at a time, up to the loader's pool size: a pool bound
 * that overflows (a map the loader could not boot) costs nothing here. */
struct arena {
	uint8_t **page;
	uint64_t limit, used, cap;
};

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

struct built {
	struct pt_builder b;
	struct arena arena;
	uint64_t pool_bound, pool_reserved;
};

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

struct direct_runs {
	struct ranges *rs;		/* ranges to add to, or NULL */
	uint64_t (*runs)[3];		/* pa, len, flags */
	size_t n, cap;
};

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

static uint64_t virt_of(const struct plan *p, uint64_t pa)
{
	const struct rt_region *r = p->rt_enabled ? rtwin_find_pa(&p->rt, pa) : NULL;

	return r ? r->va + (pa - r->pa) : 0;
}

static const char *type_text(uint32_t type, char buf[12])
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

/* ---- the picture (--svg) ------------------------------------------------ */

static enum mapsvg_kind kind_of(const struct efi_mdesc *d)
{
	if (memmap_is_runtime(d, NULL))
		return MAPSVG_RUNTIME;
	switch (d->type) {
	case EFI_MT_CONVENTIONAL:
	case EFI_MT_PERSISTENT:
		return MAPSVG_RAM;
	case EFI_MT_LOADER_CODE:
	case EFI_MT_LOADER_DATA:
	case EFI_MT_BS_CODE:
	case EFI_MT_BS_DATA:
	case EFI_MT_ACPI_RECLAIM:
		return MAPSVG_FIRMWARE;
	case EFI_MT_MMIO:
	case EFI_MT_MMIO_PORT:
		return MAPSVG_MMIO;
	default:
		return d->type >= 0x80000000U ? MAPSVG_HV : MAPSVG_RESERVED;
	}
}

/* The type without its "Efi" prefix, which every name shares; hvboot's
 * own types (include/layout.h) by what they hold. */
static const char *short_type(uint32_t type, char buf[12])
{
	const char *t;

	switch (type) {
	case HV_MEM_IMAGE: return "hvboot: hypervisor image";
	case HV_MEM_STACK: return "hvboot: stacks";
	case HV_MEM_PAGETABLE: return "hvboot: page tables";
	case HV_MEM_BOOTINFO: return "hvboot: boot info";
	case HV_MEM_TRAMPOLINE: return "hvboot: trampoline";
	}
	t = type_text(type, buf);

	return strncmp(t, "Efi", 3) == 0 ? t + 3 : t;
}

struct boxes {
	struct mapsvg_box *b;
	size_t n, cap;
};

static struct mapsvg_box *add_box(struct boxes *bs, uint64_t start, uint64_t len,
				  enum mapsvg_kind kind, const char *label)
{
	struct mapsvg_box *b;

	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? 2 * bs->cap : 64;
		bs->b = xrealloc(bs->b, bs->cap * sizeof(*bs->b));
	}
	b = &bs->b[bs->n++];
	*b = (struct mapsvg_box){ .start = start, .len = len, .kind = kind, .link = -1 };
	snprintf(b->label, sizeof(b->label), "%s", label);
	return b;
}

/* How [va, va + len) is mapped: bytes in 1 GiB, 2 MiB and 4 KiB leaves. */
static void page_bytes(const struct pt_builder *b, uint64_t va, uint64_t len, struct mapsvg_box *x)
{
	uint64_t end = va + len;

	while (va < end) {
		struct pt_walk w;
		uint64_t next;

		if (pt_walk(b, va, &w) != PT_OK || !w.present) {
			next = (va & ~(HV_PAGE_SIZE - 1)) + HV_PAGE_SIZE;
		} else {
			next = (va & ~(w.page_size - 1)) + w.page_size;
			if (next > end)
				next = end;
			if (w.page_size == HV_LARGE_1G)
				x->bytes_1g += next - va;
			else if (w.page_size == HV_LARGE_2M)
				x->bytes_2m += next - va;
			else
				x->bytes_4k += next - va;
		}
		if (next <= va)
			break;
		va = next;
	}
}

static int box_cmp(const void *a, const void *b)
{
	const struct mapsvg_box *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The physical box holding pa, or -1. */
static long phys_box(const struct boxes *ph, uint64_t pa)
{
	for (size_t i = 0; i < ph->n; i++)
		if (pa >= ph->b[i].start && pa - ph->b[i].start < ph->b[i].len)
			return (long)i;
	return -1;
}

static void write_svg(const struct opts *o, const struct map *m, const struct plan *p,
		      const struct built *bt, const struct direct_runs *d)
{
	struct boxes ph = {0}, vi = {0};
	struct mapsvg_box *b;
	char tb[12], title[512], sub[256];
	FILE *f;

	/* Physical: every descriptor. Neighbours of one type merge into one
	 * row, and so do neighbouring boot-time firmware descriptors of any
	 * type (OVMF interleaves dozens); runtime regions never merge. */
	unsigned merged = 1;

	for (size_t i = 0; i < m->nnorm; i++) {
		const struct efi_mdesc *e = &m->norm[i];
		uint64_t len = e->npages << EFI_PAGE_SHIFT;
		enum mapsvg_kind k = kind_of(e);
		struct mapsvg_box *last = ph.n ? &ph.b[ph.n - 1] : NULL;

		if (last && k != MAPSVG_RUNTIME && last->kind == k && last->start + last->len == e->pa &&
		    (k == MAPSVG_FIRMWARE || !strcmp(last->label, short_type(e->type, tb)))) {
			last->len += len;
			merged++;
			if (k == MAPSVG_FIRMWARE)
				snprintf(last->label, sizeof(last->label),
					 "BootServices/Loader/ACPIReclaim");
			snprintf(last->note, sizeof(last->note), "(%u descriptors)", merged);
			continue;
		}
		merged = 1;
		b = add_box(&ph, e->pa, len, k, short_type(e->type, tb));
		if (k == MAPSVG_RUNTIME)
			snprintf(b->note, sizeof(b->note), "-> 0x%016llX",
				 (unsigned long long)virt_of(p, e->pa));
	}

	/* Virtual: the trampoline, the direct map (neighbouring runs merged),
	 * the runtime window, the image and the stacks. */
	b = add_box(&vi, p->in.trampoline_pa, HV_PAGE_SIZE, MAPSVG_HV, "trampoline (identity)");
	b->link = phys_box(&ph, p->in.trampoline_pa);
	page_bytes(&bt->b, p->in.trampoline_pa, HV_PAGE_SIZE, b);
	for (size_t i = 0; i < d->n; i++) {
		uint64_t va = HV_DIRECT_MAP_BASE + d->runs[i][0], len = d->runs[i][1];
		struct mapsvg_box *last = &vi.b[vi.n - 1];

		if (last->kind == MAPSVG_DIRECT && last->start + last->len == va) {
			last->len += len;
		} else {
			last = add_box(&vi, va, len, MAPSVG_DIRECT, "direct map");
			snprintf(last->note, sizeof(last->note), "= pa 0x%llX",
				 (unsigned long long)d->runs[i][0]);
		}
		page_bytes(&bt->b, va, len, last);
	}
	if (p->rt_enabled)
		for (uint32_t i = 0; i < p->rt.count; i++) {
			const struct rt_region *r = &p->rt.r[i];

			b = add_box(&vi, r->va, r->npages << EFI_PAGE_SHIFT, MAPSVG_RUNTIME,
				    short_type(r->type, tb));
			snprintf(b->note, sizeof(b->note), "<- pa 0x%llX", (unsigned long long)r->pa);
			b->link = phys_box(&ph, r->pa);
			page_bytes(&bt->b, r->va, b->len, b);
		}
	b = add_box(&vi, HV_IMAGE_BASE, o->image_kib << 10, MAPSVG_HV, "hv.elf image");
	page_bytes(&bt->b, HV_IMAGE_BASE, b->len, b);
	add_box(&vi, HV_STACK_GUARD_VA, HV_PAGE_SIZE, MAPSVG_GUARD, "stack guard");
	b = add_box(&vi, HV_STACK_BOTTOM_VA, HV_STACK_SIZE, MAPSVG_HV, "hypervisor stack");
	page_bytes(&bt->b, b->start, b->len, b);
	add_box(&vi, HV_RTSTACK_GUARD_VA, HV_PAGE_SIZE, MAPSVG_GUARD, "runtime stack guard");
	b = add_box(&vi, HV_RTSTACK_BOTTOM_VA, HV_RTSTACK_SIZE, MAPSVG_HV, "runtime-call stack");
	page_bytes(&bt->b, b->start, b->len, b);
	qsort(vi.b, vi.n, sizeof(*vi.b), box_cmp);

	snprintf(title, sizeof(title), "%s", o->path);
	snprintf(sub, sizeof(sub), "%zu descriptors; window 0x%016llX, layout %s; runtime %s%s%s; "
		 "1 GiB pages %s", m->nnorm, (unsigned long long)o->window,
		 p->rt.layout == HV_RT_LAYOUT_COMPACT ? "compact" : "offset",
		 p->rt_enabled ? "enabled" : "disabled (", p->rt_enabled ? "" : p->rt_reason,
		 p->rt_enabled ? "" : ")", o->allow_1g ? "allowed" : "off");
	f = fopen(o->svg, "w");
	if (!f)
		map_error("%s: %s", o->svg, strerror(errno));
	mapsvg_write(f, title, sub,
		     &(struct mapsvg_column){ "physical (EFI memory map)", "not in the map", ph.b, ph.n },
		     &(struct mapsvg_column){ "virtual (the hypervisor's page tables)", "unmapped",
					      vi.b, vi.n });
	if (fclose(f) != 0)
		map_error("%s: %s", o->svg, strerror(errno));
	free(ph.b);
	free(vi.b);
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
		write_svg(&o, &m, &p, &bt, &d);
	return 0;
}
