/* The shell commands' shared scratch buffers (scratch.h). */
#include "scratch.h"

uint8_t hv_scratch_a[RT_DATA_MAX];
uint8_t hv_scratch_b[RT_DATA_MAX];
