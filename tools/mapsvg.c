/* mapsvg: the SVG picture of mapplan (mapsvg.h). Rows grow with log2 of
 * their size, so a 4 KiB runtime page and 12 TiB of RAM are both readable;
 * the address jumps between rows are drawn as breaks with the size they
 * skip. */
#include "mapsvg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
