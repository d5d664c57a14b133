/* Two variable-sized scratch buffers shared by the shell commands. Commands
 * run one at a time, so one pair serves all of them; separate 64 KiB statics
 * per command made .bss (which the loader must zero) four times larger. */
#ifndef HV_SCRATCH_H
#define HV_SCRATCH_H

#include <stdint.h>
#include "rt/rt.h"

extern uint8_t hv_scratch_a[RT_DATA_MAX];	/* variable data */
extern uint8_t hv_scratch_b[RT_DATA_MAX];	/* a second buffer (BootOrder) */

#endif
