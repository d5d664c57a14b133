/* Host test of the simulator's plan parser (tests/fw/fwsim_plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fwsim_plan.h"

static const char *parse(const char *text, struct fwsim_plan *p)
{
	return fwsim_plan_parse(text, strlen(text), p);
}

static void test_fwsim_plan_skips_the_program_and_reads_services(void **state)
{
	struct fwsim_plan p;

	(void)state;
	assert_null(parse("FS0:\\hvfwsim.EFI ud:QueryVariableInfo,gp:GetTime", &p));
	assert_int_equal(p.count, 2);
	assert_int_equal(p.a[0].kind, FWSIM_UD);
	assert_int_equal(p.a[0].svc, FWSIM_QUERY_VARIABLE_INFO);
	assert_int_equal(p.a[1].kind, FWSIM_GP);
	assert_int_equal(p.a[1].svc, FWSIM_GET_TIME);
}

static void test_fwsim_plan_defaults_and_fixed_services(void **state)
{
	struct fwsim_plan p;

	(void)state;
	assert_null(parse("df page0:SetTime overrun-name:16 overstate-size\n", &p));
	assert_int_equal(p.count, 4);
	assert_int_equal(p.a[0].svc, FWSIM_GET_TIME);
	assert_int_equal(p.a[1].svc, FWSIM_SET_TIME);
	assert_int_equal(p.a[2].svc, FWSIM_GET_NEXT_VARIABLE_NAME);
	assert_int_equal(p.a[2].n, 16);
	assert_int_equal(p.a[3].svc, FWSIM_GET_VARIABLE);
	assert_non_null(fwsim_plan_find(&p, FWSIM_PAGE0, FWSIM_SET_TIME));
	assert_null(fwsim_plan_find(&p, FWSIM_PAGE0, FWSIM_GET_TIME));
}

static void test_fwsim_plan_list_and_time_modes_name_their_service(void **state)
{
	struct fwsim_plan p;

	(void)state;
	assert_null(parse("list-restart list-same list-nonul list-grow time-invalid", &p));
	assert_int_equal(p.count, 5);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(p.a[i].svc, FWSIM_GET_NEXT_VARIABLE_NAME);
	assert_int_equal(p.a[3].kind, FWSIM_LIST_GROW);
	assert_int_equal(p.a[4].kind, FWSIM_TIME_INVALID);
	assert_int_equal(p.a[4].svc, FWSIM_GET_TIME);
	assert_string_equal(fwsim_kind_name(FWSIM_LIST_NONUL), "list-nonul");
	assert_string_equal(parse("time-invalid:SetTime", &p), "takes no argument");
}

static void test_fwsim_plan_reads_the_stack_and_table_misbehaviours(void **state)
{
	struct fwsim_plan p;

	(void)state;
	assert_null(parse("badstack:GetTime stack-unmapped:SetVariable double-fault:GetTime "
			  "ptr-noncanon:GetTime ptr-data:QueryVariableInfo crc-bad", &p));
	assert_int_equal(p.count, 6);
	assert_non_null(fwsim_plan_find(&p, FWSIM_BADSTACK, FWSIM_GET_TIME));
	assert_non_null(fwsim_plan_find(&p, FWSIM_STACK_UNMAPPED, FWSIM_SET_VARIABLE));
	assert_non_null(fwsim_plan_find(&p, FWSIM_DOUBLE_FAULT, FWSIM_GET_TIME));
	assert_non_null(fwsim_plan_find(&p, FWSIM_PTR_NONCANON, FWSIM_GET_TIME));
	assert_non_null(fwsim_plan_find(&p, FWSIM_PTR_DATA, FWSIM_QUERY_VARIABLE_INFO));
	assert_int_equal(p.a[5].svc, FWSIM_SET_VIRTUAL_ADDRESS_MAP);
	assert_string_equal(parse("badstack", &p), "needs :SERVICE");
	assert_string_equal(parse("ptr-data", &p), "needs :SERVICE");
	assert_string_equal(parse("crc-bad:GetTime", &p), "takes no argument");
}

static void test_fwsim_plan_refuses_with_the_word(void **state)
{
	struct fwsim_plan p;
	const char *text = "df ud:SetVirtualAddressMap";

	(void)state;
	assert_string_equal(parse(text, &p), "unknown service (UEFI spelling, e.g. GetTime)");
	assert_int_equal(p.bad_at, 3);
	assert_int_equal(p.bad_len, strlen("ud:SetVirtualAddressMap"));
	assert_string_equal(parse("phys-ptr", &p), "needs :SERVICE");
	assert_string_equal(parse("overrun-data:0", &p), "count must not be 0");
	assert_string_equal(parse("svam-newva:GetTime", &p), "takes no argument");
	assert_string_equal(parse("frobnicate", &p), "unknown misbehaviour");
	assert_string_equal(parse("df df df df df df df df df", &p), "too many misbehaviours");
}

static void test_fwsim_plan_slow_takes_a_service_and_milliseconds(void **state)
{
	struct fwsim_plan p;

	(void)state;
	assert_null(parse("slow:SetVariable:5000 hang", &p));
	assert_int_equal(p.count, 2);
	assert_int_equal(p.a[0].kind, FWSIM_SLOW);
	assert_int_equal(p.a[0].svc, FWSIM_SET_VARIABLE);
	assert_int_equal(p.a[0].n, 5000);
	assert_non_null(fwsim_plan_find(&p, FWSIM_SLOW, FWSIM_SET_VARIABLE));
	assert_string_equal(parse("slow", &p), "needs :SERVICE:N (ms)");
	assert_string_equal(parse("slow:SetVariable", &p), "needs :SERVICE:N (ms)");
	assert_string_equal(parse("slow:SetVariable:", &p), "count must be 1 to 9 decimal digits");
	assert_string_equal(parse("slow:SetVariable:0", &p), "count must not be 0");
	assert_string_equal(parse("slow:SetVarable:10", &p),
			    "unknown service (UEFI spelling, e.g. GetTime)");
	assert_string_equal(parse("slow:ConvertPointer:10", &p),
			    "unknown service (UEFI spelling, e.g. GetTime)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fwsim_plan_skips_the_program_and_reads_services),
		cmocka_unit_test(test_fwsim_plan_defaults_and_fixed_services),
		cmocka_unit_test(test_fwsim_plan_list_and_time_modes_name_their_service),
		cmocka_unit_test(test_fwsim_plan_reads_the_stack_and_table_misbehaviours),
		cmocka_unit_test(test_fwsim_plan_refuses_with_the_word),
		cmocka_unit_test(test_fwsim_plan_slow_takes_a_service_and_milliseconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
