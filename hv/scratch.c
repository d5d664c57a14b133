/* The shell commands' shared scratch buffers (scratch.h). */
#include "scratch.h"

uint8_t hv_scratch_a[RT_DATA_MAX];
uint8_t hv_scratch_b[RT_DATA_MAX];
uint16_t hv_scratch_name[RT_NAME_MAX / 2];
uint16_t hv_scratch_name2[RT_NAME_MAX / 2];
char hv_scratch_text[HV_SCRATCH_TEXT_MAX];
uint64_t hv_scratch_seen[VARLIST_SLOTS(VARLIST_MAX_NAMES)];
