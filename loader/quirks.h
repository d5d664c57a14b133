/* The firmware quirks hvboot knows and works around, in one table: which
 * firmware, what it does wrong, what hvboot does about it. Every site that
 * handles one is tagged `Quirk (FIRMWARE): symptom` and records it in the
 * boot info (enum hv_quirk); `rt` lists those that fired this boot, and
 * the README lists them all. Pure. */
#ifndef HVBOOT_QUIRKS_H
#define HVBOOT_QUIRKS_H

#include "bootinfo.h"

struct quirk {
	const char *name;	/* short, for `rt` */
	const char *firmware;	/* where it was seen */
	const char *symptom;
	const char *action;	/* what hvboot does */
};

/* The entry for q, or NULL for a value outside enum hv_quirk. */
const struct quirk *quirk_get(unsigned q);

#endif
