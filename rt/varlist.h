/* varlist.h — the one walker of the firmware's variable list
 * (GetNextVariableName, UEFI 2.10 §8.2.2), used by every command that lists
 * variables (vars, boot, selftest, Tab completion; README "Bad firmware
 * lists and clocks").
 *
 * The firmware is not trusted to end its list. The walk stops, in this
 * order of checks on each name returned, at:
 *   a size claimed larger than the buffer offered     VARLIST_OVERSIZE
 *   a name without its NUL inside the size returned   VARLIST_NO_NUL
 *   the very name it was given                         VARLIST_SAME
 *   the first name of the walk again                   VARLIST_RESTART
 *   any other name already seen                        VARLIST_REPEAT
 *   more names than the seen-set can hold              VARLIST_TOO_MANY
 * and otherwise at EFI_NOT_FOUND (VARLIST_END) or any other status
 * (VARLIST_STATUS). Names are remembered as 64-bit hashes of GUID and name
 * in a fixed table the caller provides, so memory stays bounded whatever
 * the firmware returns; a hash collision would end a walk early as a
 * "repeat" (about n^2 / 2^65 for n names).
 *
 * Pure and freestanding: the firmware call comes in as a callback, so a
 * host test drives the walker with a scripted firmware. */
#ifndef HVBOOT_RT_VARLIST_H
#define HVBOOT_RT_VARLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "efivar.h"

/* GetNextVariableName as the walker needs it: name holds the previous name
 * (NUL-terminated) and has room for cap_chars units; on return name and
 * guid hold what the firmware wrote and *size_bytes the VariableNameSize
 * it returned (not clamped: the walker judges it). Returns the firmware's
 * status (0 = EFI_SUCCESS). */
typedef uint64_t (*varlist_next_fn)(void *ctx, uint16_t *name, size_t cap_chars,
				    struct efi_guid *guid, size_t *size_bytes);

enum varlist_stop {
	VARLIST_MORE,		/* a name is ready; keep walking */
	VARLIST_END,		/* EFI_NOT_FOUND: the list ended as §8.2.2 says */
	VARLIST_STATUS,		/* another error status (status) */
	VARLIST_OVERSIZE,	/* size_bytes > the buffer offered */
	VARLIST_NO_NUL,		/* no NUL inside size_bytes */
	VARLIST_SAME,		/* the name it was given */
	VARLIST_RESTART,	/* the first name again */
	VARLIST_REPEAT,		/* a name seen earlier */
	VARLIST_TOO_MANY,	/* more names than max_names */
};

/* The seen-set's table for max_names names: twice as many slots. */
#define VARLIST_SLOTS(max_names)	(2 * (max_names))
/* The bound every hypervisor walker uses (README). */
#define VARLIST_MAX_NAMES		4096

struct varlist {
	/* set by varlist_start */
	varlist_next_fn next;
	void *ctx;
	uint16_t *name;		/* the current name, NUL-terminated while MORE */
	size_t cap_chars;
	uint64_t *seen;		/* VARLIST_SLOTS(max_names) hashes, 0 = free */
	size_t max_names;
	/* the walk */
	struct efi_guid guid;	/* the current name's GUID */
	size_t count;		/* names returned so far (MORE answers) */
	enum varlist_stop stop;
	uint64_t status;	/* the last status (VARLIST_STATUS) */
	size_t size_bytes;	/* the last VariableNameSize returned */
	uint64_t first_hash, prev_hash;
};

/* Starts a walk: name[0] = 0, the seen-set emptied. seen must hold
 * VARLIST_SLOTS(max_names) entries; max_names >= 1. */
void varlist_start(struct varlist *w, varlist_next_fn next, void *ctx, uint16_t *name,
		   size_t cap_chars, uint64_t *seen, size_t max_names);

/* One step: VARLIST_MORE with the next name in w->name / w->guid, or why the
 * walk stopped (also kept in w->stop; later calls return it again without
 * calling the firmware). */
enum varlist_stop varlist_next(struct varlist *w);

/* For a stop that is the firmware's fault (OVERSIZE … TOO_MANY): one line,
 * without "error: ", naming what was seen, e.g.
 *   variable list repeats 8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder
 *   after 37 names (firmware GetNextVariableName)
 * (snprintf rules; the name is cut to keep the line short). For MORE, END
 * and STATUS: "" and 0 (the caller names a status its own way). */
size_t varlist_stop_text(const struct varlist *w, char *buf, size_t cap);

#endif
