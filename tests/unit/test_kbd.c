/* hv/kbd.c: scan codes of set 1 and set 2 (codes from the IBM PC AT
 * keyboard tables, spelled out here) to the bytes a serial terminal sends. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/kbd.h"

/* Feeds codes, returns everything produced as a NUL-terminated string. */
static const char *feed(struct kbd *k, const uint8_t *codes, size_t n)
{
	static char out[256];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b[KBD_OUT_MAX];
		size_t m = kbd_feed(k, codes[i], b);

		assert_true(m <= KBD_OUT_MAX);
		memcpy(out + len, b, m);
		len += m;
	}
	out[len] = 0;
	return out;
}

#define FEED(k, ...) feed((k), (const uint8_t[]){ __VA_ARGS__ }, \
			  sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void test_kbd_set1_types_letters_digits_and_enter(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	/* h e l p, each pressed and released, then Enter. */
	assert_string_equal(FEED(&k, 0x23, 0xA3, 0x12, 0x92, 0x26, 0xA6, 0x19, 0x99,
				 0x39, 0xB9, 0x02, 0x82, 0x0B, 0x8B, 0x1C, 0x9C), "help 10\r");
}

static void test_kbd_set1_shift_gives_capitals_and_symbols_until_released(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	/* LShift down, a, 1, ', LShift up (0xAA), a; RShift, /, up. */
	assert_string_equal(FEED(&k, 0x2A, 0x1E, 0x02, 0x28, 0xAA, 0x1E, 0x36, 0x35, 0xB6, 0x35),
			    "A!\"a?/");
}

static void test_kbd_set1_ctrl_letters_are_control_bytes(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	/* LCtrl a, e, u, c, ]; release; RCtrl (E0 1D) c; release (E0 9D); c. */
	assert_string_equal(FEED(&k, 0x1D, 0x1E, 0x12, 0x16, 0x2E, 0x1B, 0x9D,
				 0xE0, 0x1D, 0x2E, 0xE0, 0x9D, 0x2E),
			    "\x01\x05\x15\x03\x1d\x03" "c");
}

static void test_kbd_set1_special_keys_are_ansi_sequences(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	assert_string_equal(FEED(&k, 0xE0, 0x48, 0xE0, 0xC8), "\x1b[A");
	assert_string_equal(FEED(&k, 0xE0, 0x50), "\x1b[B");
	assert_string_equal(FEED(&k, 0xE0, 0x4D), "\x1b[C");
	assert_string_equal(FEED(&k, 0xE0, 0x4B), "\x1b[D");
	assert_string_equal(FEED(&k, 0xE0, 0x47), "\x1b[H");
	assert_string_equal(FEED(&k, 0xE0, 0x4F), "\x1b[F");
	assert_string_equal(FEED(&k, 0xE0, 0x53), "\x1b[3~");
	assert_string_equal(FEED(&k, 0x0E, 0x8E, 0x0F, 0x01, 0xE0, 0x1C), "\x7f\t\x1b\r");
	/* Arrow wrapped in the fake shift E0 2A ... E0 AA: no shift stays on. */
	assert_string_equal(FEED(&k, 0xE0, 0x2A, 0xE0, 0x4B, 0xE0, 0xCB, 0xE0, 0xAA, 0x1E), "\x1b[Da");
}

static void test_kbd_caps_lock_toggles_once_per_press(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	/* Caps held (repeats), released; a, Shift+a, 1; Caps again; a. */
	assert_string_equal(FEED(&k, 0x3A, 0x3A, 0x3A, 0xBA, 0x1E, 0x2A, 0x1E, 0x02, 0xAA,
				 0x3A, 0xBA, 0x1E), "Aa!a");
}

static void test_kbd_set2_types_with_break_prefix_and_extended_keys(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET2);
	/* h e l p (F0 xx releases), Enter. */
	assert_string_equal(FEED(&k, 0x33, 0xF0, 0x33, 0x24, 0xF0, 0x24, 0x4B, 0xF0, 0x4B,
				 0x4D, 0xF0, 0x4D, 0x5A, 0xF0, 0x5A), "help\r");
	/* LShift (12) a (1C) release shift (F0 12) a; Backspace 66. */
	assert_string_equal(FEED(&k, 0x12, 0x1C, 0xF0, 0x12, 0x1C, 0x66), "Aa\x7f");
	/* Left E0 6B, release E0 F0 6B, Home E0 6C, End E0 69, Delete E0 71, Up, Down, Right. */
	assert_string_equal(FEED(&k, 0xE0, 0x6B, 0xE0, 0xF0, 0x6B, 0xE0, 0x6C, 0xE0, 0x69,
				 0xE0, 0x71, 0xE0, 0x75, 0xE0, 0x72, 0xE0, 0x74),
			    "\x1b[D\x1b[H\x1b[F\x1b[3~\x1b[A\x1b[B\x1b[C");
	/* LCtrl (14) + a, release (F0 14), a. */
	assert_string_equal(FEED(&k, 0x14, 0x1C, 0xF0, 0x14, 0x1C), "\x01" "a");
}

static void test_kbd_ignores_controller_replies_and_pause(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET2);
	/* ACK, BAT passed, Pause (E1 14 77 E1 F0 14 F0 77), then a. */
	assert_string_equal(FEED(&k, 0xFA, 0xAA, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77,
				 0x1C), "a");
	assert_false(k.lctrl);
	kbd_init(&k, KBD_SET1);
	assert_string_equal(FEED(&k, 0xFA, 0x00, 0xFF, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x1E),
			    "a");
	assert_false(k.lctrl);
}

static void test_kbd_ignores_key_releases_and_unmapped_keys(void **state)
{
	struct kbd k;

	(void)state;
	kbd_init(&k, KBD_SET1);
	/* F1 (3B), releases of keys never pressed, Alt (38). */
	assert_string_equal(FEED(&k, 0x3B, 0xBB, 0x9E, 0x38, 0xB8, 0x7F), "");
	kbd_init(&k, KBD_SET2);
	assert_string_equal(FEED(&k, 0x05, 0xF0, 0x05, 0x83, 0x90, 0xF0, 0x1C), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kbd_set1_types_letters_digits_and_enter),
		cmocka_unit_test(test_kbd_set1_shift_gives_capitals_and_symbols_until_released),
		cmocka_unit_test(test_kbd_set1_ctrl_letters_are_control_bytes),
		cmocka_unit_test(test_kbd_set1_special_keys_are_ansi_sequences),
		cmocka_unit_test(test_kbd_caps_lock_toggles_once_per_press),
		cmocka_unit_test(test_kbd_set2_types_with_break_prefix_and_extended_keys),
		cmocka_unit_test(test_kbd_ignores_controller_replies_and_pause),
		cmocka_unit_test(test_kbd_ignores_key_releases_and_unmapped_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
