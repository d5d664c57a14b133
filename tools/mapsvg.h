/* mapsvg: mapplan's picture (README: Memory maps as text) — two columns of
 * address ranges, the physical map and the virtual layout, drawn as SVG. */
#ifndef TOOLS_MAPSVG_H
#define TOOLS_MAPSVG_H

#include <stdint.h>
#include <stdio.h>

enum mapsvg_kind {
	MAPSVG_RAM,		/* free RAM: conventional, and what the OS gets back */
	MAPSVG_FIRMWARE,	/* boot services, loader, ACPI reclaim */
	MAPSVG_RUNTIME,		/* runtime services code and data, runtime MMIO */
	MAPSVG_RESERVED,	/* reserved, ACPI NVS, unusable */
	MAPSVG_MMIO,		/* MMIO not for the runtime */
	MAPSVG_HV,		/* the hypervisor's own pages */
	MAPSVG_DIRECT,		/* the direct map */
	MAPSVG_GUARD,		/* an unmapped guard page */
	MAPSVG_KINDS
};

struct mapsvg_box {
	uint64_t start, len;		/* bytes */
	char label[48];
	char note[64];			/* second line after the range; may be empty */
	enum mapsvg_kind kind;
	uint64_t bytes_1g, bytes_2m, bytes_4k;	/* how it is mapped; all 0: not mapped */
	long link;			/* index of a box of the physical column, or -1 */
};

struct mapsvg_column {
	const char *title;
	const char *gap;		/* what a break is: "not in the map", "unmapped" */
	struct mapsvg_box *box;		/* sorted by start, not overlapping */
	size_t n;
};

/* Writes the picture: a row per box with a height that grows with the
 * logarithm of its size, a break (with the size skipped) wherever the
 * addresses jump, the page sizes of each mapped box as a bar and text, and
 * a line from every virtual box with a link to its physical box. */
void mapsvg_write(FILE *f, const char *title, const char *subtitle,
		  const struct mapsvg_column *phys, const struct mapsvg_column *virt);

struct opts;
struct map;
struct plan;
struct built;
struct direct_runs;

/* The picture of one mapplan replay into o->svg: every descriptor of the
 * map on the left, the hypervisor's virtual layout on the right (each box
 * with the page sizes the built tables map it with). */
void mapsvg_write_plan(const struct opts *o, const struct map *m, const struct plan *p,
		       const struct built *bt, const struct direct_runs *d);

#endif
