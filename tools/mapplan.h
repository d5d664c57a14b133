/* mapplan's model of one replay (README: Memory maps as text): the map as
 * read and normalised, the loader's plan for it, the tables built, shared
 * by mapplan.c (the replay and its figures) and mapsvg.c (the picture). */
#ifndef TOOLS_MAPPLAN_H
#define TOOLS_MAPPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "efi_mem.h"
#include "loader/elf.h"
#include "loader/hvmap.h"
#include "loader/pt.h"
#include "loader/rtwin.h"

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

struct plan {
	struct rtwin_plan rt;
	bool rt_planned;		/* rtwin_plan succeeded */
	bool rt_enabled;		/* ... and efi_rt_plan would keep runtime on */
	char rt_reason[128];
	struct elf_image img;
	uint64_t trampoline_pa;
	struct hvmap_input in;
};

/* Pages come one at a time, up to the loader's pool size: a pool bound
 * that overflows (a map the loader could not boot) costs nothing here. */
struct arena {
	uint8_t **page;
	uint64_t limit, used, cap;
};

struct built {
	struct pt_builder b;
	struct arena arena;
	uint64_t pool_bound, pool_reserved;
};

struct direct_runs {
	struct ranges *rs;		/* ranges to add to, or NULL */
	uint64_t (*runs)[3];		/* pa, len, flags */
	size_t n, cap;
};

/* Exits with status 1 after one `mapplan: …` line on stderr. */
void __attribute__((noreturn, format(printf, 1, 2))) map_error(const char *fmt, ...);
/* realloc that never returns NULL (map_error instead). */
void *xrealloc(void *p, size_t n);
/* The VirtualStart the plan gave the runtime region holding pa, or 0. */
uint64_t virt_of(const struct plan *p, uint64_t pa);
/* The UEFI name of a memory type, or its number in hex (buf). */
const char *type_text(uint32_t type, char buf[12]);

#endif
