/* mapsvg: the SVG picture of mapplan (mapsvg.h): the boxes of a replay
 * (the map's descriptors, the hypervisor's virtual layout and the page
 * sizes mapping it), and their drawing. Rows grow with log2 of their size,
 * so a 4 KiB runtime page and 12 TiB of RAM are both readable; the address
 * jumps between rows are drawn as breaks with the size they skip. */
#include "mapsvg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "loader/memmap.h"
#include "mapplan.h"

#define MARGIN		24.0
#define COL_W		470.0
#define LINK_W		150.0
#define HEAD_H		112.0
#define BREAK_H		14.0
#define ROW_MIN		17.0
#define ROW_TWO_LINES	29.0	/* tall enough for the address line */
#define ROW_PER_LOG2	2.4	/* pixels per doubling past 4 KiB */
#define BAR_W		10.0	/* page-size bar at a box's right edge */

static const char *const fill[MAPSVG_KINDS] = {
	[MAPSVG_RAM] = "#cfe8cf", [MAPSVG_FIRMWARE] = "#e6e0c8", [MAPSVG_RUNTIME] = "#f4a460",
	[MAPSVG_RESERVED] = "#d0d0d0", [MAPSVG_MMIO] = "#b0c4de", [MAPSVG_HV] = "#9fb8f0",
	[MAPSVG_DIRECT] = "#bfe3d0", [MAPSVG_GUARD] = "#ffffff",
};
static const char *const kind_name[MAPSVG_KINDS] = {
	[MAPSVG_RAM] = "RAM", [MAPSVG_FIRMWARE] = "boot-time firmware", [MAPSVG_RUNTIME] = "runtime",
	[MAPSVG_RESERVED] = "reserved / NVS", [MAPSVG_MMIO] = "MMIO", [MAPSVG_HV] = "hypervisor",
	[MAPSVG_DIRECT] = "direct map", [MAPSVG_GUARD] = "guard (unmapped)",
};
/* Page sizes in the bar: 1 GiB darkest. */
static const char *const page_fill[3] = { "#1b3a6b", "#3d78c9", "#a9c8f0" };

static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc((unsigned char)*s < 0x20 ? '?' : *s, f); break;
		}
	}
}

/* "4 KiB", "1.5 GiB", "12 TiB". */
static void size_text(uint64_t bytes, char *buf, size_t cap)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024.0 && u < 6) {
		v /= 1024.0;
		u++;
	}
	if (v == floor(v))
		snprintf(buf, cap, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, cap, "%.*f %s", v < 10 ? 2 : 1, v, unit[u]);
}

/* Runtime regions always get the second line (their range and where
 * they land), however small. */
static double row_height(const struct mapsvg_box *b)
{
	double pages = (double)(b->len >> 12);
	double h = ROW_MIN + (pages > 1 ? ROW_PER_LOG2 * log2(pages) : 0);

	return b->kind == MAPSVG_RUNTIME && h < ROW_TWO_LINES ? ROW_TWO_LINES : h;
}

/* The y of each box's top; the column's height. */
static double layout(const struct mapsvg_column *c, double *y)
{
	double at = HEAD_H;

	for (size_t i = 0; i < c->n; i++) {
		if (i && c->box[i].start != c->box[i - 1].start + c->box[i - 1].len)
			at += BREAK_H;
		y[i] = at;
		at += row_height(&c->box[i]);
	}
	return at;
}

static void page_sizes(const struct mapsvg_box *b, char *buf, size_t cap)
{
	const uint64_t v[3] = { b->bytes_1g, b->bytes_2m, b->bytes_4k };
	static const char *const name[3] = { "1G", "2M", "4K" };
	uint64_t total = v[0] + v[1] + v[2];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3 && total; i++) {
		if (!v[i])
			continue;
		if (v[i] == total)
			n += (size_t)snprintf(buf + n, cap - n, "%s pages", name[i]);
		else if (100 * v[i] < total)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s <1%%", n ? " " : "", name[i]);
		else
			n += (size_t)snprintf(buf + n, cap - n, "%s%s %.0f%%", n ? " " : "", name[i],
					      100.0 * (double)v[i] / (double)total);
		if (n >= cap)
			break;
	}
}

static void draw_column(FILE *f, const struct mapsvg_column *c, double x, const double *y)
{
	char sz[32], ps[64];

	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"title\">", x, HEAD_H - 10);
	put_text(f, c->title);
	fputs("</text>\n", f);
	for (size_t i = 0; i < c->n; i++) {
		const struct mapsvg_box *b = &c->box[i];
		double h = row_height(b);
		uint64_t total = b->bytes_1g + b->bytes_2m + b->bytes_4k;

		if (i && b->start != c->box[i - 1].start + c->box[i - 1].len) {
			uint64_t prev_end = c->box[i - 1].start + c->box[i - 1].len;

			size_text(b->start - prev_end, sz, sizeof(sz));
			fprintf(f, "<path d=\"M%.1f %.1f l8 -4 l8 8 l8 -4\" class=\"brk\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" class=\"gap\">%s %s</text>\n",
				x + 4, y[i] - BREAK_H / 2, x + 34, y[i] - 3, sz, c->gap);
		}
		fprintf(f, "<g><title>");
		put_text(f, b->label);
		fprintf(f, " 0x%016llX +0x%llX</title>", (unsigned long long)b->start,
			(unsigned long long)b->len);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
			"class=\"box%s\"/>", x, y[i], COL_W, h, fill[b->kind],
			b->kind == MAPSVG_GUARD ? " guard" : "");
		/* The page-size bar: the share of each page size, top down. */
		if (total) {
			const uint64_t v[3] = { b->bytes_1g, b->bytes_2m, b->bytes_4k };
			double at = y[i];

			for (int k = 0; k < 3; k++) {
				double part = h * (double)v[k] / (double)total;

				if (v[k])
					fprintf(f, "<rect x=\"%.1f\" y=\"%.2f\" width=\"%.1f\" "
						"height=\"%.2f\" fill=\"%s\"/>", x + COL_W - BAR_W, at,
						BAR_W, part, page_fill[k]);
				at += part;
			}
		}
		size_text(b->len, sz, sizeof(sz));
		page_sizes(b, ps, sizeof(ps));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lbl\">", x + 5, y[i] + 12.5);
		put_text(f, b->label);
		fprintf(f, "  <tspan class=\"sz\">%s</tspan></text>", sz);
		if (ps[0]) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ps\">",
				x + COL_W - BAR_W - 4, y[i] + 12.5);
			put_text(f, ps);
			fputs("</text>", f);
		}
		if (h >= ROW_TWO_LINES) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"addr\">0x%016llX-0x%016llX ",
				x + 5, y[i] + 25, (unsigned long long)b->start,
				(unsigned long long)(b->start + b->len - 1));
			put_text(f, b->note);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
}

void mapsvg_write(FILE *f, const char *title, const char *subtitle,
		  const struct mapsvg_column *phys, const struct mapsvg_column *virt)
{
	double *py = calloc(phys->n + 1, sizeof(double));
	double *vy = calloc(virt->n + 1, sizeof(double));
	double px = MARGIN, vx = MARGIN + COL_W + LINK_W;
	double height = fmax(layout(phys, py), layout(virt, vy)) + MARGIN;
	double width = vx + COL_W + MARGIN;

	if (!py || !vy) {
		fprintf(stderr, "mapplan: out of memory\n");
		exit(1);
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, monospace\">\n",
		width, height, width, height);
	fputs("<style>.title{font-size:15px;font-weight:bold}.sub{font-size:11px}"
	      ".lbl{font-size:11px}.sz{font-weight:bold}.addr{font-size:9.5px;fill:#333}"
	      ".ps{font-size:10px;text-anchor:end;fill:#1b3a6b}.gap{font-size:9px;fill:#777}"
	      ".box{stroke:#555;stroke-width:0.6}.guard{stroke-dasharray:3 2}"
	      ".brk{fill:none;stroke:#777}.link{fill:none;stroke:#c0504d;stroke-width:1.2;"
	      "stroke-opacity:0.8}.key{font-size:10px}</style>\n", f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f, "<text x=\"%.1f\" y=\"22\" class=\"title\">", MARGIN);
	put_text(f, title);
	fprintf(f, "</text>\n<text x=\"%.1f\" y=\"38\" class=\"sub\">", MARGIN);
	put_text(f, subtitle);
	fputs("</text>\n", f);
	/* The key: kinds, then page sizes. */
	for (int k = 0; k < MAPSVG_KINDS; k++) {
		double x = MARGIN + k * 136.0;

		fprintf(f, "<rect x=\"%.1f\" y=\"48\" width=\"12\" height=\"10\" fill=\"%s\" "
			"class=\"box\"/><text x=\"%.1f\" y=\"57\" class=\"key\">%s</text>\n", x,
			fill[k], x + 16, kind_name[k]);
	}
	for (int k = 0; k < 3; k++) {
		static const char *const name[3] = { "1 GiB pages", "2 MiB pages", "4 KiB pages" };
		double x = MARGIN + k * 136.0;

		fprintf(f, "<rect x=\"%.1f\" y=\"66\" width=\"12\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"75\" class=\"key\">%s</text>\n", x, page_fill[k], x + 16,
			name[k]);
	}
	draw_column(f, phys, px, py);
	draw_column(f, virt, vx, vy);
	for (size_t i = 0; i < virt->n; i++) {
		long l = virt->box[i].link;
		double y1, y2;

		if (l < 0 || (size_t)l >= phys->n)
			continue;
		y1 = py[l] + row_height(&phys->box[l]) / 2;
		y2 = vy[i] + row_height(&virt->box[i]) / 2;
		fprintf(f, "<path class=\"link\" d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f\"/>\n",
			px + COL_W, y1, px + COL_W + LINK_W / 2, y1, vx - LINK_W / 2, y2, vx, y2);
	}
	fputs("</svg>\n", f);
	free(py);
	free(vy);
}

/* ---- the boxes of a replay ---------------------------------------------- */

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

/* Physical: every descriptor. Neighbours of one type merge into one row,
 * and so do neighbouring boot-time firmware descriptors of any type (OVMF
 * interleaves dozens); runtime regions never merge. */
static void phys_boxes(const struct map *m, const struct plan *p, struct boxes *ph)
{
	unsigned merged = 1;
	char tb[12];

	for (size_t i = 0; i < m->nnorm; i++) {
		const struct efi_mdesc *e = &m->norm[i];
		uint64_t len = e->npages << EFI_PAGE_SHIFT;
		enum mapsvg_kind k = kind_of(e);
		struct mapsvg_box *last = ph->n ? &ph->b[ph->n - 1] : NULL, *b;

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
		b = add_box(ph, e->pa, len, k, short_type(e->type, tb));
		if (k == MAPSVG_RUNTIME)
			snprintf(b->note, sizeof(b->note), "-> 0x%016llX",
				 (unsigned long long)virt_of(p, e->pa));
	}
}

/* Virtual: the trampoline, the direct map (neighbouring runs merged), the
 * runtime window, the image and the stacks, sorted by address. */
static void virt_boxes(const struct opts *o, const struct plan *p, const struct built *bt,
		       const struct direct_runs *d, const struct boxes *ph, struct boxes *vi)
{
	struct mapsvg_box *b;
	char tb[12];

	b = add_box(vi, p->in.trampoline_pa, HV_PAGE_SIZE, MAPSVG_HV, "trampoline (identity)");
	b->link = phys_box(ph, p->in.trampoline_pa);
	page_bytes(&bt->b, p->in.trampoline_pa, HV_PAGE_SIZE, b);
	for (size_t i = 0; i < d->n; i++) {
		uint64_t va = HV_DIRECT_MAP_BASE + d->runs[i][0], len = d->runs[i][1];
		struct mapsvg_box *last = &vi->b[vi->n - 1];

		if (last->kind == MAPSVG_DIRECT && last->start + last->len == va) {
			last->len += len;
		} else {
			last = add_box(vi, va, len, MAPSVG_DIRECT, "direct map");
			snprintf(last->note, sizeof(last->note), "= pa 0x%llX",
				 (unsigned long long)d->runs[i][0]);
		}
		page_bytes(&bt->b, va, len, last);
	}
	if (p->rt_enabled)
		for (uint32_t i = 0; i < p->rt.count; i++) {
			const struct rt_region *r = &p->rt.r[i];

			b = add_box(vi, r->va, r->npages << EFI_PAGE_SHIFT, MAPSVG_RUNTIME,
				    short_type(r->type, tb));
			snprintf(b->note, sizeof(b->note), "<- pa 0x%llX", (unsigned long long)r->pa);
			b->link = phys_box(ph, r->pa);
			page_bytes(&bt->b, r->va, b->len, b);
		}
	b = add_box(vi, HV_IMAGE_BASE, o->image_kib << 10, MAPSVG_HV, "hv.elf image");
	page_bytes(&bt->b, HV_IMAGE_BASE, b->len, b);
	add_box(vi, HV_STACK_GUARD_VA, HV_PAGE_SIZE, MAPSVG_GUARD, "stack guard");
	b = add_box(vi, HV_STACK_BOTTOM_VA, HV_STACK_SIZE, MAPSVG_HV, "hypervisor stack");
	page_bytes(&bt->b, b->start, b->len, b);
	add_box(vi, HV_RTSTACK_GUARD_VA, HV_PAGE_SIZE, MAPSVG_GUARD, "runtime stack guard");
	b = add_box(vi, HV_RTSTACK_BOTTOM_VA, HV_RTSTACK_SIZE, MAPSVG_HV, "runtime-call stack");
	page_bytes(&bt->b, b->start, b->len, b);
	for (uint64_t n = 1; n <= HV_IST_COUNT; n++) {
		add_box(vi, HV_IST_BOTTOM_VA(n) - HV_PAGE_SIZE, HV_PAGE_SIZE, MAPSVG_GUARD,
			"exception stack guard");
		b = add_box(vi, HV_IST_BOTTOM_VA(n), HV_IST_STACK_SIZE, MAPSVG_HV, "exception stack");
		page_bytes(&bt->b, b->start, b->len, b);
	}
	qsort(vi->b, vi->n, sizeof(*vi->b), box_cmp);
}

void mapsvg_write_plan(const struct opts *o, const struct map *m, const struct plan *p,
		       const struct built *bt, const struct direct_runs *d)
{
	struct boxes ph = {0}, vi = {0};
	char title[512], sub[256];
	FILE *f;

	phys_boxes(m, p, &ph);
	virt_boxes(o, p, bt, d, &ph, &vi);
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
