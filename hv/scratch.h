/* Two variable-sized scratch buffers shared by the shell commands. Commands
 * run one at a time, so one pair serves all of them; separate 64 KiB statics
 * per command made .bss (which the loader must zero) four times larger. */
#ifndef HV_SCRATCH_H
#define HV_SCRATCH_H

#include <stdint.h>
#include "rt/rt.h"

extern uint8_t hv_scratch_a[RT_DATA_MAX];	/* variable data */
extern uint8_t hv_scratch_b[RT_DATA_MAX];	/* a second buffer (BootOrder) */

/* Variable names as long as the firmware allows (RT_NAME_MAX bytes: the
 * name walks of vars, boot, selftest and Tab completion), a second one,
 * and a name's text (GUID-Name). Tab completion runs between commands,
 * never inside one, so it shares them too. */
#define HV_SCRATCH_TEXT_MAX	(RT_NAME_MAX + 64)
extern uint16_t hv_scratch_name[RT_NAME_MAX / 2];
extern uint16_t hv_scratch_name2[RT_NAME_MAX / 2];
extern char hv_scratch_text[HV_SCRATCH_TEXT_MAX];

/* The names a variable-list walk has seen (rt/varlist.h): every walker
 * runs inside one command or between commands (Tab), one at a time. */
extern uint64_t hv_scratch_seen[VARLIST_SLOTS(VARLIST_MAX_NAMES)];

#endif
