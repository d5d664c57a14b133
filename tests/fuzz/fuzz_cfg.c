/* libFuzzer harness for loader/cfg.c: any bytes into cfg_parse. An
 * error must name a line that exists and a key inside the file; a success
 * must leave only values the loader can use as they are. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "layout.h"
#include "loader/cfg.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static size_t printable_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		CHECK(s[n] >= 0x20 && s[n] < 0x7F);
		n++;
	}
	CHECK(n < max);		/* NUL-terminated inside the field */
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct hv_config cfg;
	struct cfg_where where;
	size_t lines = 1;
	const char *why = cfg_parse(&cfg, text, size, &where);

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	if (why) {
		CHECK(why[0] != '\0');
		CHECK(where.line <= lines);
		CHECK(where.line >= 1 || size > CFG_FILE_MAX);
		if (where.key_len) {
			CHECK(where.key_off < size && where.key_len <= size - where.key_off);
			CHECK(memchr(text + where.key_off, '=', where.key_len) == NULL);
			CHECK(memchr(text + where.key_off, '\n', where.key_len) == NULL);
		}
		return 0;
	}
	CHECK(size <= CFG_FILE_MAX && where.line == 0);

	{
		size_t n = printable_len(cfg.hypervisor, CFG_PATH_MAX);

		CHECK(n >= 2 && cfg.hypervisor[0] == '\\' && cfg.hypervisor[n - 1] != '\\');
		CHECK(memchr(cfg.hypervisor, '/', n) == NULL);
	}
	printable_len(cfg.cmdline, CFG_CMDLINE_MAX);
	CHECK(cfg.log == HV_LOG_QUIET || cfg.log == HV_LOG_INFO || cfg.log == HV_LOG_DEBUG);
	CHECK(cfg.rt_layout == HV_RT_LAYOUT_OFFSET || cfg.rt_layout == HV_RT_LAYOUT_COMPACT);
	CHECK(cfg.rt_compat < HV_RT_COMPAT_COUNT);
	CHECK(cfg.rt_window >= HV_HIGHER_HALF && cfg.rt_window % HV_PML4_SLOT_SIZE == 0);
	CHECK(cfg.rt_window != HV_DIRECT_MAP_BASE && cfg.rt_window != 0xFFFFFF8000000000ULL);
	return 0;
}
