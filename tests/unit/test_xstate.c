/* hv/vm/xstate.c: a guest's first XRSTOR/FXRSTOR gives a fresh FPU, and
 * an XCR0 is checked by the SDM's rules (Vol. 1 §13.3). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hv/vm/xstate.h"

static uint8_t area[XSTATE_AREA_BYTES] __attribute__((aligned(64)));

static void test_xstate_clean_area_is_fninit_and_mxcsr_1f80_and_nothing_else(void **s)
{
	uint8_t zero[XSTATE_AREA_BYTES] = { 0 };

	(void)s;
	memset(area, 0xA5, sizeof(area));
	xstate_area_init(area);
	assert_int_equal(area[0] | area[1] << 8, 0x037F);		/* FCW */
	assert_int_equal(area[24] | area[25] << 8, 0x1F80);		/* MXCSR */
	assert_int_equal(area[4], 0);					/* every tag empty */
	assert_memory_equal(area + 2, zero, 22);			/* FSW .. FDP */
	assert_memory_equal(area + 28, zero, XSTATE_AREA_BYTES - 28);	/* ST, XMM, header */
}

static void test_xstate_xcr0_rules_follow_the_sdm(void **s)
{
	uint64_t all = 0x2E7;	/* x87 SSE AVX AVX-512 PKRU */

	(void)s;
	assert_null(xstate_xcr0_check(0x1, all));
	assert_null(xstate_xcr0_check(0x3, all));
	assert_null(xstate_xcr0_check(0x7, all));
	assert_null(xstate_xcr0_check(0xE7, all));
	assert_string_equal(xstate_xcr0_check(0x6, all), "x87 state (bit 0) must stay enabled");
	assert_string_equal(xstate_xcr0_check(0x5, all), "AVX (bit 2) needs SSE (bit 1)");
	assert_string_equal(xstate_xcr0_check(0x27, all), "the AVX-512 bits (5-7) go together");
	assert_string_equal(xstate_xcr0_check(0xE3, all), "AVX-512 (bits 5-7) needs AVX (bit 2)");
	assert_string_equal(xstate_xcr0_check(0x7, 0x3),
			    "a component this CPU or hypervisor does not offer");
	assert_non_null(xstate_xcr0_check(0x8000000000000003ULL, all));
}

static void test_xstate_allowed_drops_what_does_not_fit_the_area(void **s)
{
	(void)s;
	assert_int_equal(xstate_xcr0_allowed(0x7, 832), 0x7);
	assert_int_equal(xstate_xcr0_allowed(0x2E7, 2696), 0x2E7);
	assert_int_equal(xstate_xcr0_allowed(0x602E7, 11008), 0x7);	/* AMX tiles: too big */
	assert_int_equal(xstate_xcr0_allowed(0x1F, 1088), 0x7);		/* MPX: never offered */
}

static void test_xstate_keep_clears_only_the_dropped_components(void **s)
{
	(void)s;
	xstate_area_init(area);
	area[512] = 0x07;
	area[513] = 0x02;
	xstate_keep(area, 0x203);
	assert_int_equal(area[512], 0x03);
	assert_int_equal(area[513], 0x02);
	assert_int_equal(area[0] | area[1] << 8, 0x037F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xstate_clean_area_is_fninit_and_mxcsr_1f80_and_nothing_else),
		cmocka_unit_test(test_xstate_xcr0_rules_follow_the_sdm),
		cmocka_unit_test(test_xstate_allowed_drops_what_does_not_fit_the_area),
		cmocka_unit_test(test_xstate_keep_clears_only_the_dropped_components),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
