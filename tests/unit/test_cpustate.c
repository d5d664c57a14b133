/* loader/cpustate.c: the CPU state set at the switch, bit by bit against
 * the SDM (Vol. 3A §2.5 CR0/CR4, §2.2.1 EFER, Table 12-10 PAT types). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loader/cpustate.h"

static void test_cpustate_pat_keeps_wb_at_0_and_uc_at_3_and_adds_wc_at_1(void **state)
{
	(void)state;
	/* One byte per entry, entry 0 lowest. */
	assert_int_equal(HV_PAT_VALUE, 0x0007040600070106ULL);
	assert_int_equal(HV_PAT_VALUE & 0xFF, 0x06);		/* WB: plain leaves */
	assert_int_equal((HV_PAT_VALUE >> 8) & 0xFF, 0x01);	/* WC: PWT */
	assert_int_equal((HV_PAT_VALUE >> 24) & 0xFF, 0x00);	/* UC: PCD|PWT */
}

static void test_cpustate_sets_wp_and_caching_whatever_the_firmware_left(void **state)
{
	struct hv_cpu_state s;

	(void)state;
	cpustate_plan(0, ~0ULL, ~0ULL, &s);
	assert_int_equal(s.cr0, 0x80010033ULL);	/* PG WP NE ET MP PE */
	assert_true(s.cr0 & CR0_WP);
	assert_false(s.cr0 & (CR0_CD | CR0_NW | CR0_AM | CR0_TS | CR0_EM));
	assert_int_equal(s.pat, HV_PAT_VALUE);
}

static void test_cpustate_clears_pge_cet_smep_smap_and_pcide(void **state)
{
	struct hv_cpu_state s;

	(void)state;
	/* A firmware that turned on everything. */
	cpustate_plan(HV_CPU_MCE, ~0ULL & ~CR4_LA57, 0, &s);
	assert_false(s.cr4 & (CR4_PGE | CR4_CET | CR4_SMEP | CR4_SMAP | CR4_PCIDE | CR4_OSXSAVE));
	assert_int_equal(s.cr4, CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE | CR4_SMXE);
	/* And one that turned on nothing: VMXE/SMXE stay off. */
	cpustate_plan(0, 0, 0, &s);
	assert_int_equal(s.cr4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

static void test_cpustate_efer_has_nxe_only_where_the_cpu_has_nx(void **state)
{
	struct hv_cpu_state s;

	(void)state;
	cpustate_plan(HV_CPU_NX, 0, EFER_LME | EFER_LMA | EFER_SCE | EFER_SVME, &s);
	assert_int_equal(s.efer, EFER_LME | EFER_LMA | EFER_NXE);
	cpustate_plan(0, 0, EFER_LME | EFER_LMA | EFER_NXE, &s);
	assert_int_equal(s.efer, EFER_LME | EFER_LMA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpustate_pat_keeps_wb_at_0_and_uc_at_3_and_adds_wc_at_1),
		cmocka_unit_test(test_cpustate_sets_wp_and_caching_whatever_the_firmware_left),
		cmocka_unit_test(test_cpustate_clears_pge_cet_smep_smap_and_pcide),
		cmocka_unit_test(test_cpustate_efer_has_nxe_only_where_the_cpu_has_nx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
