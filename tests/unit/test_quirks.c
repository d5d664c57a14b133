/* loader/quirks.c: every quirk the boot info can record has its table
 * entry, complete, under a name of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "loader/quirks.h"

static void test_quirks_every_id_has_a_complete_entry(void **state)
{
	(void)state;
	for (unsigned q = 0; q < HV_QUIRK_COUNT; q++) {
		const struct quirk *e = quirk_get(q);

		assert_non_null(e);
		assert_true(e->name && *e->name && e->firmware && *e->firmware);
		assert_true(e->symptom && *e->symptom && e->action && *e->action);
		for (unsigned r = 0; r < q; r++)
			assert_string_not_equal(quirk_get(r)->name, e->name);
	}
}

static void test_quirks_outside_the_enum_is_null(void **state)
{
	(void)state;
	assert_null(quirk_get(HV_QUIRK_COUNT));
	assert_null(quirk_get(~0U));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quirks_every_id_has_a_complete_entry),
		cmocka_unit_test(test_quirks_outside_the_enum_is_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
