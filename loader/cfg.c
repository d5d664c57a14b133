/* hvboot.cfg (README: The ESP and the config): one `key = value` a line, `#` comments.
 * Each line is checked for bytes first, then split, then the key looked
 * up and its value parsed; the first failure stops the parse and names
 * the line. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "layout.h"
#include "hexdigit.h"
#include "cfg.h"

#define CFG_DEFAULT_HYPERVISOR	"\\hvboot\\hv.elf"

/* PML4 slot 511: the hypervisor image and its stacks. */
#define CFG_IMAGE_SLOT_VA	(HV_IMAGE_BASE & ~(HV_PML4_SLOT_SIZE - 1))

/* A piece of the file: [p, p + n). */
struct span {
	const char *p;
	size_t n;
};

static bool span_is(struct span s, const char *word)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (word[i] != s.p[i])	/* also stops at word's NUL */
			return false;
	return word[i] == '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span span_trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_has(struct span s, char c)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == c)
			return true;
	return false;
}

/* ---------------------------------------------------------------- values */

static const char *cfg_set_hypervisor(struct hv_config *cfg, struct span v)
{
	/* A path on the loader's own volume; UEFI file paths use `\`
	 * (UEFI 2.10 §13.5), `/` is accepted for people used to GRUB. */
	bool rooted = v.n && (v.p[0] == '\\' || v.p[0] == '/');
	size_t len = v.n + (rooted ? 0 : 1), i, o = 0;

	if (v.n == 0)
		return "hypervisor must be a path";
	if (span_has(v, '\t'))
		return "hypervisor path must be printable ASCII";
	if (len >= CFG_PATH_MAX)
		return "hypervisor path too long (at most 127 bytes)";
	if (v.p[v.n - 1] == '\\' || v.p[v.n - 1] == '/')
		return "hypervisor path must name a file";

	if (!rooted)
		cfg->hypervisor[o++] = '\\';
	for (i = 0; i < v.n; i++)
		cfg->hypervisor[o++] = v.p[i] == '/' ? '\\' : v.p[i];
	cfg->hypervisor[o] = '\0';
	return NULL;
}

static const char *cfg_set_cmdline(struct hv_config *cfg, struct span v)
{
	size_t i;

	if (span_has(v, '\t'))
		return "cmdline must be printable ASCII";
	if (v.n >= CFG_CMDLINE_MAX)
		return "cmdline too long (at most 255 bytes)";
	for (i = 0; i < v.n; i++)
		cfg->cmdline[i] = v.p[i];
	cfg->cmdline[i] = '\0';
	return NULL;
}

static const char *cfg_set_log(struct hv_config *cfg, struct span v)
{
	if (span_is(v, "quiet"))
		cfg->log = HV_LOG_QUIET;
	else if (span_is(v, "info"))
		cfg->log = HV_LOG_INFO;
	else if (span_is(v, "debug"))
		cfg->log = HV_LOG_DEBUG;
	else
		return "log must be quiet, info or debug";
	return NULL;
}

static const char *cfg_set_runtime(struct hv_config *cfg, struct span v)
{
	if (span_is(v, "on"))
		cfg->runtime = true;
	else if (span_is(v, "off"))
		cfg->runtime = false;
	else
		return "runtime must be on or off";
	return NULL;
}

/* `0x` hex or decimal, the whole span, no sign. */
static const char *parse_u64(struct span v, uint64_t *out)
{
	static const char not_a_number[] = "rt_window must be a hex (0x...) or decimal number";
	static const char too_big[] = "rt_window does not fit in 64 bits";
	unsigned base = 10;
	uint64_t x = 0;
	size_t i = 0;

	if (v.n >= 2 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == v.n)
		return not_a_number;
	for (; i < v.n; i++) {
		int d = hex_digit(v.p[i]);

		if (d < 0 || (unsigned)d >= base)
			return not_a_number;
		if (x > (UINT64_MAX - (unsigned)d) / base)
			return too_big;
		x = x * base + (unsigned)d;
	}
	*out = x;
	return NULL;
}

static const char *cfg_set_rt_window(struct hv_config *cfg, struct span v)
{
	uint64_t va = 0;
	const char *why = parse_u64(v, &va);

	if (why)
		return why;
	/* SDM Vol. 1 §3.3.7.1: with 4-level paging bits 63:47 are all equal. */
	if (va >> 47 != 0 && va >> 47 != 0x1FFFF)
		return "rt_window is not a canonical address";
	if (va < HV_HIGHER_HALF)
		return "rt_window must be in the higher half";
	/* The window is one PML4 entry of its own (README: The ESP and the config). */
	if (va & (HV_PML4_SLOT_SIZE - 1))
		return "rt_window must be 512 GiB aligned";
	if (va == HV_DIRECT_MAP_BASE)
		return "rt_window must not be the direct-map slot (PML4 256)";
	if (va == CFG_IMAGE_SLOT_VA)
		return "rt_window must not be the image slot (PML4 511)";
	cfg->rt_window = va;
	return NULL;
}

static const char *cfg_set_rt_layout(struct hv_config *cfg, struct span v)
{
	if (span_is(v, "offset"))
		cfg->rt_layout = HV_RT_LAYOUT_OFFSET;
	else if (span_is(v, "compact"))
		cfg->rt_layout = HV_RT_LAYOUT_COMPACT;
	else
		return "rt_layout must be offset or compact";
	return NULL;
}

static const char *cfg_set_rt_compat(struct hv_config *cfg, struct span v)
{
	for (unsigned i = 0; i < HV_RT_COMPAT_COUNT; i++) {
		if (span_is(v, hv_rt_compat_name(i))) {
			cfg->rt_compat = (enum hv_rt_compat)i;
			return NULL;
		}
	}
	return "rt_compat must be none, heal, alias or identity";
}

static const struct cfg_key {
	const char *name;
	const char *(*set)(struct hv_config *cfg, struct span v);
} cfg_keys[] = {
	{ "hypervisor", cfg_set_hypervisor },
	{ "cmdline", cfg_set_cmdline },
	{ "log", cfg_set_log },
	{ "runtime", cfg_set_runtime },
	{ "rt_window", cfg_set_rt_window },
	{ "rt_layout", cfg_set_rt_layout },
	{ "rt_compat", cfg_set_rt_compat },
};
#define CFG_NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* ---------------------------------------------------------------- lines */

/* Bytes every line may hold: printable ASCII and tab. */
static const char *cfg_check_bytes(struct span line)
{
	for (size_t i = 0; i < line.n; i++) {
		unsigned char c = (unsigned char)line.p[i];

		if (c == 0)
			return "NUL byte";
		if (c >= 0x80)
			return "non-ASCII byte";
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return "control character";
	}
	return NULL;
}

/* One line without its LF (and CR). seen: a bit per cfg_keys entry. */
static const char *cfg_parse_line(struct hv_config *cfg, const char *text, struct span line,
				  uint32_t *seen, struct cfg_where *where)
{
	struct span key, value;
	const char *why;
	size_t i, eq;

	why = cfg_check_bytes(line);
	if (why)
		return why;
	for (i = 0; i < line.n; i++) {
		if (line.p[i] == '#') {
			line.n = i;	/* values cannot hold `#` */
			break;
		}
	}
	line = span_trim(line);
	if (line.n == 0)
		return NULL;

	for (eq = 0; eq < line.n && line.p[eq] != '='; eq++)
		;
	if (eq == line.n)
		return "expected key = value";
	key = span_trim((struct span){ line.p, eq });
	value = span_trim((struct span){ line.p + eq + 1, line.n - eq - 1 });
	if (key.n == 0)
		return "expected key = value";

	for (i = 0; i < CFG_NKEYS; i++)
		if (span_is(key, cfg_keys[i].name))
			break;
	if (i == CFG_NKEYS || *seen & (1U << i)) {
		where->key_off = (size_t)(key.p - text);
		where->key_len = key.n;
		return i == CFG_NKEYS ? "unknown key" : "duplicate key";
	}
	*seen |= 1U << i;
	return cfg_keys[i].set(cfg, value);
}

void cfg_defaults(struct hv_config *cfg)
{
	static const char hv[] = CFG_DEFAULT_HYPERVISOR;

	__builtin_memset(cfg, 0, sizeof(*cfg));
	__builtin_memcpy(cfg->hypervisor, hv, sizeof(hv));
	cfg->cmdline[0] = '\0';
	cfg->log = HV_LOG_INFO;
	cfg->runtime = true;
	cfg->rt_window = HV_RT_WINDOW_DEFAULT;
	cfg->rt_layout = HV_RT_LAYOUT_OFFSET;
	cfg->rt_compat = HV_RT_COMPAT_HEAL;
}

const char *cfg_parse(struct hv_config *cfg, const char *text, size_t len,
			    struct cfg_where *where)
{
	uint32_t seen = 0;
	size_t pos = 0;
	unsigned line_no = 0;

	cfg_defaults(cfg);
	where->line = 0;
	where->key_off = 0;
	where->key_len = 0;
	if (len > CFG_FILE_MAX)
		return "file larger than 64 KiB";

	/* Windows editors may start the file with a UTF-8 byte-order mark. */
	if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		pos = 3;

	while (pos < len) {
		struct span line = { text + pos, 0 };
		const char *why;

		while (pos + line.n < len && line.p[line.n] != '\n')
			line.n++;
		pos += line.n + 1;	/* past the LF, or one past the end */
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		line_no++;

		why = cfg_parse_line(cfg, text, line, &seen, where);
		if (why) {
			where->line = line_no;
			return why;
		}
	}
	return NULL;
}
