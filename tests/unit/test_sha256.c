/* loader/sha256.c against the FIPS 180-2 / NIST example vectors and the
 * padding boundaries at 55, 56 and 64 bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/sha256.h"

static void hex_digest(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void assert_sha256(const void *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[65];

	sha256(msg, len, d);
	hex_digest(d, hex);
	assert_string_equal(hex, want);
}

static void test_sha256_of_empty_message(void **state)
{
	(void)state;
	assert_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_of_abc(void **state)
{
	(void)state;
	assert_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_of_448_bit_message(void **state)
{
	static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_int_equal(strlen(m) * 8, 448);
	assert_sha256(m, strlen(m),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_of_896_bit_message(void **state)
{
	static const char m[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	(void)state;
	assert_int_equal(strlen(m) * 8, 896);
	assert_sha256(m, strlen(m),
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_of_a_million_a(void **state)
{
	char *m = malloc(1000000);

	(void)state;
	assert_non_null(m);
	memset(m, 'a', 1000000);
	assert_sha256(m, 1000000,
		      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

static void test_sha256_pads_at_block_boundaries(void **state)
{
	char m[64];

	(void)state;
	memset(m, 'a', sizeof(m));
	/* 55: length fits in the same block; 56: needs a second block;
	 * 64: the padding block is all padding. */
	assert_sha256(m, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	assert_sha256(m, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	assert_sha256(m, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void test_sha256_incremental_equals_one_shot(void **state)
{
	static const size_t splits[] = { 0, 1, 3, 55, 56, 63, 64, 65, 127, 129, 200, 511 };
	uint8_t msg[1031];
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha256(msg, sizeof(msg), want);

	/* Two pieces at each odd split point. */
	for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
		struct sha256_ctx ctx;

		sha256_init(&ctx);
		sha256_update(&ctx, msg, splits[s]);
		sha256_update(&ctx, msg + splits[s], sizeof(msg) - splits[s]);
		sha256_final(&ctx, got);
		assert_memory_equal(got, want, sizeof(want));
	}

	/* Many pieces of growing odd sizes, including empty updates, from an
	 * unaligned start. */
	{
		struct sha256_ctx ctx;
		size_t off = 0, step = 0;

		sha256_init(&ctx);
		while (off < sizeof(msg)) {
			size_t n = step < sizeof(msg) - off ? step : sizeof(msg) - off;

			sha256_update(&ctx, msg + off, n);
			off += n;
			step = step * 2 + 1;
		}
		sha256_final(&ctx, got);
		assert_memory_equal(got, want, sizeof(want));
	}
}

static void test_sha256_one_byte_updates_equal_one_shot(void **state)
{
	static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	(void)state;
	sha256(m, strlen(m), want);
	sha256_init(&ctx);
	for (size_t i = 0; i < strlen(m); i++)
		sha256_update(&ctx, m + i, 1);
	sha256_final(&ctx, got);
	assert_memory_equal(got, want, sizeof(want));
}

static void test_sha256_pinned_matches_only_a_listed_digest(void **state)
{
	uint8_t pins[3][SHA256_DIGEST_SIZE], d[SHA256_DIGEST_SIZE];

	(void)state;
	sha256("a", 1, pins[0]);
	sha256("b", 1, pins[1]);
	sha256("c", 1, pins[2]);
	sha256("c", 1, d);
	assert_int_equal(sha256_pinned(d, (const uint8_t (*)[32])pins, 3), 1);
	assert_int_equal(sha256_pinned(d, (const uint8_t (*)[32])pins, 2), 0);
	assert_int_equal(sha256_pinned(d, (const uint8_t (*)[32])pins, 0), 0);
	d[31] ^= 1;
	assert_int_equal(sha256_pinned(d, (const uint8_t (*)[32])pins, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_of_empty_message),
		cmocka_unit_test(test_sha256_of_abc),
		cmocka_unit_test(test_sha256_of_448_bit_message),
		cmocka_unit_test(test_sha256_of_896_bit_message),
		cmocka_unit_test(test_sha256_of_a_million_a),
		cmocka_unit_test(test_sha256_pads_at_block_boundaries),
		cmocka_unit_test(test_sha256_incremental_equals_one_shot),
		cmocka_unit_test(test_sha256_one_byte_updates_equal_one_shot),
		cmocka_unit_test(test_sha256_pinned_matches_only_a_listed_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
