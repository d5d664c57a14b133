/* hv/vm/linux/cpuview.c: the CPUID a Linux guest sees (bits from the AMD
 * APM Vol. 3 Appendix E and SDM Vol. 2A), the MSR permission map's bit
 * positions (APM Vol. 2 §15.11), and the emulated MSRs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hv/vm/linux/cpuview.h"

static const struct cpuid_regs ones = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF };

static struct cpuid_regs view(uint32_t leaf, uint32_t sub, struct cpuid_regs host)
{
	struct cpuid_regs out;

	cpuview_cpuid(leaf, sub, &host, &out);
	return out;
}

static void test_cpuview_caps_the_leaf_ranges(void **state)
{
	(void)state;
	assert_int_equal(view(0, 0, (struct cpuid_regs){ 0xD, 0x68747541, 0x444D4163, 0x69746E65 }).eax, 7);
	assert_int_equal(view(0, 0, (struct cpuid_regs){ 0xD, 0x68747541, 0x444D4163, 0x69746E65 }).ebx,
			 0x68747541);	/* "Auth" kept */
	assert_int_equal(view(0, 0, (struct cpuid_regs){ 5, 0, 0, 0 }).eax, 5);
	assert_int_equal(view(0x80000000, 0, (struct cpuid_regs){ 0x8000001F, 0, 0, 0 }).eax,
			 0x80000008);
}

static void test_cpuview_leaf_1_is_one_cpu_without_apic_monitor_or_xsave(void **state)
{
	struct cpuid_regs r = view(1, 0, ones);

	(void)state;
	assert_int_equal(r.ebx >> 24, 0);		/* initial APIC ID */
	assert_int_equal((r.ebx >> 16) & 0xFF, 1);	/* logical processors */
	assert_int_equal(r.ebx & 0xFFFF, 0xFFFF);	/* brand index, CLFLUSH size kept */
	assert_false(r.ecx & (1U << 3));	/* MONITOR */
	assert_false(r.ecx & (1U << 5));	/* VMX */
	assert_false(r.ecx & (1U << 21));	/* x2APIC */
	assert_false(r.ecx & (1U << 24));	/* TSC-deadline */
	assert_false(r.ecx & (1U << 26));	/* XSAVE */
	assert_false(r.ecx & (1U << 27));	/* OSXSAVE */
	assert_false(r.ecx & (1U << 28));	/* AVX */
	assert_true(r.ecx & (1U << 31));	/* hypervisor */
	assert_true(r.ecx & (1U << 0));		/* SSE3 kept */
	assert_false(r.edx & (1U << 9));	/* APIC */
	assert_false(r.edx & (1U << 28));	/* HTT */
	assert_true(r.edx & (1U << 25));	/* SSE kept */
	assert_true(r.edx & (1U << 12));	/* MTRR kept */
	assert_int_equal(view(1, 0, (struct cpuid_regs){ 0 }).ecx, 1U << 31);
}

static void test_cpuview_extended_leaves_hide_svm_apic_and_rdtscp(void **state)
{
	struct cpuid_regs r = view(0x80000001, 0, ones);

	(void)state;
	assert_false(r.ecx & (1U << 2));	/* SVM */
	assert_false(r.ecx & (1U << 3));	/* ExtApicSpace */
	assert_false(r.ecx & (1U << 29));	/* MONITORX */
	assert_false(r.edx & (1U << 27));	/* RDTSCP */
	assert_false(r.edx & (1U << 9));	/* APIC */
	assert_true(r.edx & (1U << 29));	/* long mode kept */
	assert_true(r.edx & (1U << 20));	/* NX kept */
	assert_true(r.edx & (1U << 11));	/* SYSCALL kept */
	r = view(0x8000000A, 0, ones);
	assert_true(r.eax == 0 && r.ebx == 0 && r.ecx == 0 && r.edx == 0);
	r = view(0x80000008, 0, (struct cpuid_regs){ 0x3030, 0x1000, 0x7003, 0 });
	assert_int_equal(r.eax, 0x3030);	/* address sizes kept */
	assert_int_equal(r.ecx, 0);		/* NC = 0: one core */
}

static void test_cpuview_leaf_7_keeps_only_listed_features(void **state)
{
	struct cpuid_regs r = view(7, 0, ones);

	(void)state;
	assert_int_equal(r.eax, 0);
	assert_true(r.ebx & (1U << 0));		/* FSGSBASE */
	assert_true(r.ebx & (1U << 7));		/* SMEP */
	assert_true(r.ebx & (1U << 20));	/* SMAP */
	assert_false(r.ebx & (1U << 5));	/* AVX2 */
	assert_false(r.ebx & (1U << 16));	/* AVX512F */
	assert_int_equal(r.ecx, 0);		/* PKU, OSPKE, … */
	assert_int_equal(r.edx, 0);
	r = view(7, 1, ones);
	assert_true(r.eax == 0 && r.ebx == 0 && r.ecx == 0 && r.edx == 0);
}

static void test_cpuview_hides_xsave_hypervisor_and_topology_leaves(void **state)
{
	static const uint32_t zero[] = { 5, 6, 0xB, 0xD, 0x1F, 0x40000000, 0x40000001, 0x8000001E };

	(void)state;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		struct cpuid_regs r = view(zero[i], 0, ones);

		if (r.eax || r.ebx || r.ecx || r.edx)
			fail_msg("leaf 0x%x is not zero", zero[i]);
	}
}

static void test_cpuview_msrpm_clears_both_bits_of_each_range(void **state)
{
	static uint8_t pm[0x2000];

	(void)state;
	memset(pm, 0xFF, sizeof(pm));
	assert_true(cpuview_msrpm_pass(pm, MSR_SYSENTER_CS));	/* 0x174: bits 0x2E8, 0x2E9 */
	assert_int_equal(pm[0x5D], 0xFC);
	assert_true(cpuview_msrpm_pass(pm, MSR_LSTAR));		/* 0x800 + 0x82 * 2 / 8 */
	assert_int_equal(pm[0x820], 0xCF);
	assert_true(cpuview_msrpm_pass(pm, MSR_KERNEL_GS_BASE));	/* 0x102: 0x840 bits 4,5 */
	assert_int_equal(pm[0x840], 0xCF);
	assert_true(cpuview_msrpm_pass(pm, 0xC0011FFF));		/* last of range 3 */
	assert_int_equal(pm[0x17FF], 0x3F);
	assert_false(cpuview_msrpm_pass(pm, 0x2000));
	assert_false(cpuview_msrpm_pass(pm, 0xC0012000));
	assert_false(cpuview_msrpm_pass(pm, 0x40000000));
	for (size_t i = 0; i < sizeof(pm); i++)
		if (i != 0x5D && i != 0x820 && i != 0x840 && i != 0x17FF && pm[i] != 0xFF)
			fail_msg("byte 0x%zx changed", i);
}

static void test_cpuview_passes_through_the_syscall_and_segment_base_msrs(void **state)
{
	(void)state;
	assert_int_equal(cpuview_msr_passthrough_count, 10);
	for (size_t i = 0; i < cpuview_msr_passthrough_count; i++) {
		uint32_t m = cpuview_msr_passthrough[i];

		assert_true(m != MSR_EFER && m != MSR_IA32_PAT && m != MSR_TSC_AUX && m != MSR_TSC);
	}
}

static void test_cpuview_emulates_efer_pat_tsc_aux_and_mtrrs(void **state)
{
	struct cpuview_msrs m;

	(void)state;
	cpuview_msrs_init(&m, (1ULL << 8) | (1ULL << 10) | (1ULL << 12));	/* LME LMA SVME */
	assert_true(cpuview_msr_read(&m, MSR_EFER, 0) == ((1ULL << 8) | (1ULL << 10)));
	cpuview_msr_write(&m, MSR_EFER, ~0ULL);
	assert_true(m.efer == CPUVIEW_EFER_GUEST);
	assert_true(cpuview_msr_read(&m, MSR_IA32_PAT, 0) == CPUVIEW_PAT_POWER_ON);
	cpuview_msr_write(&m, MSR_IA32_PAT, 0x0407050600070106ULL);
	assert_true(cpuview_msr_read(&m, MSR_IA32_PAT, 0) == 0x0407050600070106ULL);
	cpuview_msr_write(&m, MSR_TSC_AUX, 0x1234567800000005ULL);
	assert_true(cpuview_msr_read(&m, MSR_TSC_AUX, 0) == 5);
	assert_true(cpuview_msr_read(&m, MSR_TSC, 0xABCDEF) == 0xABCDEF);
	assert_true(cpuview_msr_read(&m, MSR_MTRRCAP, 0) == 0);
	assert_true(cpuview_msr_read(&m, MSR_MTRR_DEF_TYPE, 0) == 0x806);
	cpuview_msr_write(&m, MSR_MTRR_DEF_TYPE, 0);
	assert_true(cpuview_msr_read(&m, MSR_MTRR_DEF_TYPE, 0) == 0x806);
	assert_int_equal(m.unknown_reads + m.unknown_writes, 0);
}

static void test_cpuview_unknown_msrs_read_zero_and_are_counted(void **state)
{
	struct cpuview_msrs m;

	(void)state;
	cpuview_msrs_init(&m, 0);
	assert_true(cpuview_msr_read(&m, 0xC0011029, 99) == 0);
	cpuview_msr_write(&m, 0xC0010015, 1);
	cpuview_msr_write(&m, 0x48, 1);
	assert_int_equal(m.unknown_reads, 1);
	assert_int_equal(m.unknown_writes, 2);
	assert_int_equal(m.last_unknown, 0x48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuview_caps_the_leaf_ranges),
		cmocka_unit_test(test_cpuview_leaf_1_is_one_cpu_without_apic_monitor_or_xsave),
		cmocka_unit_test(test_cpuview_extended_leaves_hide_svm_apic_and_rdtscp),
		cmocka_unit_test(test_cpuview_leaf_7_keeps_only_listed_features),
		cmocka_unit_test(test_cpuview_hides_xsave_hypervisor_and_topology_leaves),
		cmocka_unit_test(test_cpuview_msrpm_clears_both_bits_of_each_range),
		cmocka_unit_test(test_cpuview_passes_through_the_syscall_and_segment_base_msrs),
		cmocka_unit_test(test_cpuview_emulates_efer_pat_tsc_aux_and_mtrrs),
		cmocka_unit_test(test_cpuview_unknown_msrs_read_zero_and_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
