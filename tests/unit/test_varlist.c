/* rt/varlist.c: the variable-list walker against scripted firmware, one
 * script per way a GetNextVariableName list can go wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rt/rt.h"
#include "rt/varlist.h"

#define CAP		64		/* name buffer, UTF-16 units */
#define MAX_NAMES	8

enum answer_kind { NAME, NAME_NO_NUL, NAME_OVERSIZE, NAME_ECHO, STATUS };

struct answer {
	enum answer_kind kind;
	const char *name;	/* NAME */
	uint64_t status;	/* STATUS */
	uint8_t guid_byte;	/* the GUID's d4[7], to tell GUIDs apart */
};

struct fake_fw {
	const struct answer *script;
	size_t n, calls;
	size_t last_cap;
	uint16_t given[CAP];	/* the name each call was handed */
};

/* GetNextVariableName per script; past its end, EFI_NOT_FOUND. */
static uint64_t fake_next(void *ctx, uint16_t *name, size_t cap, struct efi_guid *guid,
			  size_t *size_bytes)
{
	struct fake_fw *fw = ctx;
	const struct answer *a;
	size_t i;

	fw->last_cap = cap;
	memcpy(fw->given, name, sizeof(fw->given));
	if (fw->calls >= fw->n) {
		fw->calls++;
		return EFI_NOT_FOUND;
	}
	a = &fw->script[fw->calls++];
	switch (a->kind) {
	case STATUS:
		return a->status;
	case NAME_ECHO:			/* the name given, unchanged */
		for (i = 0; name[i]; i++)
			;
		*size_bytes = 2 * (i + 1);
		return 0;
	case NAME_NO_NUL:		/* the whole buffer, no NUL */
		for (i = 0; i < cap; i++)
			name[i] = 'X';
		*size_bytes = 2 * cap;
		return 0;
	case NAME_OVERSIZE:		/* claims twice the buffer */
		name[0] = 'Y';
		name[1] = 0;
		*size_bytes = 4 * cap;
		return 0;
	case NAME:
		break;
	}
	memset(guid, 0, sizeof(*guid));
	guid->d1 = 0x8be4df61;
	guid->d4[7] = a->guid_byte;
	for (i = 0; a->name[i]; i++)
		name[i] = (uint8_t)a->name[i];
	name[i] = 0;
	*size_bytes = 2 * (i + 1);
	return 0;
}

struct walk {
	struct fake_fw fw;
	struct varlist w;
	uint16_t name[CAP];
	uint64_t seen[VARLIST_SLOTS(MAX_NAMES)];
	char names[16][CAP];	/* ASCII of each name the walk gave */
	size_t count;
	char text[256];
};

static enum varlist_stop run(struct walk *k, const struct answer *script, size_t n)
{
	enum varlist_stop st;

	memset(k, 0, sizeof(*k));
	memset(k->seen, 0xAB, sizeof(k->seen));	/* start must clear it */
	k->fw.script = script;
	k->fw.n = n;
	varlist_start(&k->w, fake_next, &k->fw, k->name, CAP, k->seen, MAX_NAMES);
	while ((st = varlist_next(&k->w)) == VARLIST_MORE) {
		size_t i;

		for (i = 0; k->name[i]; i++)
			k->names[k->count][i] = (char)k->name[i];
		k->names[k->count][i] = 0;
		k->count++;
	}
	varlist_stop_text(&k->w, k->text, sizeof(k->text));
	return st;
}

#define N(s) (sizeof(s) / sizeof((s)[0]))

static void test_varlist_walks_a_good_list_to_not_found(void **state)
{
	static const struct answer s[] = { { NAME, "Boot0000", 0, 1 }, { NAME, "BootOrder", 0, 1 },
					   { NAME, "BootOrder", 0, 2 } };	/* other GUID */
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_END);
	assert_int_equal(k.count, 3);
	assert_int_equal(k.w.count, 3);
	assert_string_equal(k.names[0], "Boot0000");
	assert_string_equal(k.names[2], "BootOrder");
	assert_int_equal(k.fw.given[0], 'B');		/* the last name handed back */
	assert_int_equal(k.fw.last_cap, CAP);
	assert_string_equal(k.text, "");
	/* Once stopped, it stays stopped without calling the firmware. */
	assert_int_equal(varlist_next(&k.w), VARLIST_END);
	assert_int_equal(k.fw.calls, 4);
}

static void test_varlist_starts_with_an_empty_name(void **state)
{
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, NULL, 0), VARLIST_END);
	assert_int_equal(k.fw.given[0], 0);
	assert_int_equal(k.count, 0);
}

static void test_varlist_stops_when_the_list_starts_over(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { NAME, "B", 0, 1 },
					   { NAME, "C", 0, 1 }, { NAME, "A", 0, 1 },
					   { NAME, "B", 0, 1 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_RESTART);
	assert_int_equal(k.count, 3);
	assert_string_equal(k.text, "variable list starts over at "
			    "8be4df61-0000-0000-0000-000000000001-A after 3 names "
			    "(firmware GetNextVariableName)");
	assert_int_equal(k.fw.calls, 4);
}

static void test_varlist_stops_at_a_name_repeated_in_the_middle(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { NAME, "BootOrder", 0, 1 },
					   { NAME, "C", 0, 1 }, { NAME, "BootOrder", 0, 1 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_REPEAT);
	assert_int_equal(k.count, 3);
	assert_string_equal(k.text, "variable list repeats "
			    "8be4df61-0000-0000-0000-000000000001-BootOrder after 3 names "
			    "(firmware GetNextVariableName)");
}

static void test_varlist_same_name_under_another_guid_is_not_a_repeat(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { NAME, "A", 0, 2 },
					   { NAME, "A", 0, 3 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_END);
	assert_int_equal(k.count, 3);
}

static void test_varlist_stops_when_given_its_own_name_back(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { NAME, "Lang", 0, 1 },
					   { NAME_ECHO, NULL, 0, 0 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_SAME);
	assert_int_equal(k.count, 2);
	assert_string_equal(k.text, "variable list returns the name it was given, "
			    "8be4df61-0000-0000-0000-000000000001-Lang, after 2 names "
			    "(firmware GetNextVariableName)");
}

static void test_varlist_stops_at_a_name_without_its_nul(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { NAME_NO_NUL, NULL, 0, 0 },
					   { NAME, "B", 0, 1 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_NO_NUL);
	assert_int_equal(k.count, 1);
	assert_int_equal(k.name[0], 0);		/* nothing unterminated left */
	assert_string_equal(k.text, "variable name without its NUL in the 128 bytes returned "
			    "after 1 name (firmware GetNextVariableName)");
	assert_int_equal(k.fw.calls, 2);
}

static void test_varlist_stops_at_a_size_larger_than_the_buffer(void **state)
{
	static const struct answer s[] = { { NAME_OVERSIZE, NULL, 0, 0 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_OVERSIZE);
	assert_int_equal(k.count, 0);
	assert_string_equal(k.text, "variable name of 256 bytes claimed for a buffer of 128 bytes "
			    "after 0 names (firmware GetNextVariableName)");
}

static void test_varlist_stops_at_its_cap_on_an_endless_list_of_new_names(void **state)
{
	static const struct answer s[] = {
		{ NAME, "V0", 0, 1 }, { NAME, "V1", 0, 1 }, { NAME, "V2", 0, 1 },
		{ NAME, "V3", 0, 1 }, { NAME, "V4", 0, 1 }, { NAME, "V5", 0, 1 },
		{ NAME, "V6", 0, 1 }, { NAME, "V7", 0, 1 }, { NAME, "V8", 0, 1 },
		{ NAME, "V9", 0, 1 },
	};
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_TOO_MANY);
	assert_int_equal(k.count, MAX_NAMES);
	assert_string_equal(k.names[7], "V7");
	assert_string_equal(k.text, "variable list longer than 8 names: stopped there "
			    "(firmware GetNextVariableName)");
	assert_int_equal(k.fw.calls, MAX_NAMES + 1);
}

static void test_varlist_a_list_exactly_at_the_cap_ends_normally(void **state)
{
	static const struct answer s[] = {
		{ NAME, "V0", 0, 1 }, { NAME, "V1", 0, 1 }, { NAME, "V2", 0, 1 },
		{ NAME, "V3", 0, 1 }, { NAME, "V4", 0, 1 }, { NAME, "V5", 0, 1 },
		{ NAME, "V6", 0, 1 }, { NAME, "V7", 0, 1 },
	};
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_END);
	assert_int_equal(k.count, MAX_NAMES);
}

static void test_varlist_passes_other_statuses_to_the_caller(void **state)
{
	static const struct answer s[] = { { NAME, "A", 0, 1 }, { STATUS, NULL, EFI_DEVICE_ERROR, 0 } };
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_STATUS);
	assert_int_equal(k.w.status, EFI_DEVICE_ERROR);
	assert_int_equal(k.count, 1);
	assert_string_equal(k.text, "");
}

/* 63 units and the NUL fill the buffer; GUID-Name is cut at 95 bytes. */
static void test_varlist_cuts_a_long_name_in_its_error_line(void **state)
{
	static const struct answer s[] = {
		{ NAME, "ANameOf63CharactersThatGoesOnAndOnFarBeyondAnErrorLineCarriesXZ", 0, 1 },
		{ NAME, "ANameOf63CharactersThatGoesOnAndOnFarBeyondAnErrorLineCarriesXZ", 0, 1 },
	};
	struct walk k;

	(void)state;
	assert_int_equal(run(&k, s, N(s)), VARLIST_SAME);
	assert_non_null(strstr(k.text, "-ANameOf63CharactersThatGoesOnAndOnFarBeyondAnErrorLineC..., after 1 "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varlist_walks_a_good_list_to_not_found),
		cmocka_unit_test(test_varlist_starts_with_an_empty_name),
		cmocka_unit_test(test_varlist_stops_when_the_list_starts_over),
		cmocka_unit_test(test_varlist_stops_at_a_name_repeated_in_the_middle),
		cmocka_unit_test(test_varlist_same_name_under_another_guid_is_not_a_repeat),
		cmocka_unit_test(test_varlist_stops_when_given_its_own_name_back),
		cmocka_unit_test(test_varlist_stops_at_a_name_without_its_nul),
		cmocka_unit_test(test_varlist_stops_at_a_size_larger_than_the_buffer),
		cmocka_unit_test(test_varlist_stops_at_its_cap_on_an_endless_list_of_new_names),
		cmocka_unit_test(test_varlist_a_list_exactly_at_the_cap_ends_normally),
		cmocka_unit_test(test_varlist_passes_other_statuses_to_the_caller),
		cmocka_unit_test(test_varlist_cuts_a_long_name_in_its_error_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
