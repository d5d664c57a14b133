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

/* A path on the loader's own volume, copied with backslashes; UEFI file
 * paths use `\` (UEFI 2.10 §13.5), `/` is accepted for people used to
 * GRUB. reasons[]: not a path, not printable, too long, names no file. */
static const char *cfg_path(struct span v, char out[CFG_PATH_MAX], const char *const reasons[4])
{
	bool rooted = v.n && (v.p[0] == '\\' || v.p[0] == '/');
	size_t len = v.n + (rooted ? 0 : 1), i, o = 0;

	if (v.n == 0)
		return reasons[0];
	if (span_has(v, '\t'))
		return reasons[1];
	if (len >= CFG_PATH_MAX)
		return reasons[2];
	if (v.p[v.n - 1] == '\\' || v.p[v.n - 1] == '/')
		return reasons[3];

	if (!rooted)
		out[o++] = '\\';
	for (i = 0; i < v.n; i++)
		out[o++] = v.p[i] == '/' ? '\\' : v.p[i];
	out[o] = '\0';
	return NULL;
}

static const char *cfg_set_hypervisor(struct hv_config *cfg, struct span v)
{
	static const char *const reasons[4] = {
		"hypervisor must be a path",
		"hypervisor path must be printable ASCII",
		"hypervisor path too long (at most 127 bytes)",
		"hypervisor path must name a file",
	};

	return cfg_path(v, cfg->hypervisor, reasons);
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

/* One deadline: decimal digits then `s` or `ms`, within
 * [HV_RT_DEADLINE_MS_MIN, HV_RT_DEADLINE_MS_MAX]. */
static bool parse_deadline(struct span v, uint32_t *ms)
{
	uint32_t scale, n = 0;

	if (v.n >= 2 && v.p[v.n - 2] == 'm' && v.p[v.n - 1] == 's') {
		scale = 1;
		v.n -= 2;
	} else if (v.n >= 1 && v.p[v.n - 1] == 's') {
		scale = 1000;
		v.n -= 1;
	} else {
		return false;
	}
	if (v.n == 0 || v.n > 6)
		return false;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
		n = n * 10 + (uint32_t)(v.p[i] - '0');	/* < 10^6: no overflow */
	}
	if (n > HV_RT_DEADLINE_MS_MAX / scale)
		return false;
	n *= scale;
	if (n < HV_RT_DEADLINE_MS_MIN)
		return false;
	*ms = n;
	return true;
}

/* `rt_watchdog = off` or `READ,WRITE` (README: Runtime-call deadlines). */
static const char *cfg_set_rt_watchdog(struct hv_config *cfg, struct span v)
{
	static const char bad[] = "rt_watchdog must be off or READ,WRITE deadlines like 10s,60s "
				  "(each 100ms..600s, in s or ms)";
	struct span read = v, write;
	uint32_t read_ms, write_ms;
	size_t comma;

	if (span_is(v, "off")) {
		cfg->rt_deadline_read_ms = 0;
		cfg->rt_deadline_write_ms = 0;
		return NULL;
	}
	for (comma = 0; comma < v.n && v.p[comma] != ','; comma++)
		;
	if (comma == v.n)
		return bad;
	read = span_trim((struct span){ v.p, comma });
	write = span_trim((struct span){ v.p + comma + 1, v.n - comma - 1 });
	if (!parse_deadline(read, &read_ms) || !parse_deadline(write, &write_ms))
		return bad;
	cfg->rt_deadline_read_ms = read_ms;
	cfg->rt_deadline_write_ms = write_ms;
	return NULL;
}

/* `module = NAME PATH`: the name up to the first blank, the path after. */
static const char *cfg_add_module(struct hv_config *cfg, struct span v)
{
	static const char *const reasons[4] = {
		"module must be NAME PATH",
		"module path must be printable ASCII",
		"module path too long (at most 127 bytes)",
		"module path must name a file",
	};
	struct cfg_module *m;
	struct span name = v, path;
	size_t i;

	for (name.n = 0; name.n < v.n && !is_blank(v.p[name.n]); name.n++)
		;
	path = span_trim((struct span){ v.p + name.n, v.n - name.n });
	if (name.n == 0 || path.n == 0)
		return "module must be NAME PATH";
	if (name.n >= HV_MODULE_NAME_MAX)
		return "module name too long (at most 31 bytes)";
	for (i = 0; i < name.n; i++) {
		char c = name.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return "module name must be letters, digits, '.', '-' or '_'";
	}
	for (i = 0; i < cfg->nmodules; i++)
		if (span_is(name, cfg->modules[i].name))
			return "module name used twice";
	if (cfg->nmodules == HV_MODULE_MAX)
		return "too many modules (at most 8)";
	m = &cfg->modules[cfg->nmodules];
	for (i = 0; i < name.n; i++)
		m->name[i] = name.p[i];
	m->name[i] = '\0';
	{
		const char *why = cfg_path(path, m->path, reasons);

		if (why)
			return why;
	}
	cfg->nmodules++;
	return NULL;
}

/* The leading word of a per-module key's value (`KEY = NAME REST`) and
 * the module it names, which an earlier `module` line must have defined.
 * *rest is the trimmed remainder. NULL: no word, or no such module. */
static struct cfg_module *cfg_module_word(struct hv_config *cfg, struct span v, struct span *rest)
{
	struct span name = v;

	for (name.n = 0; name.n < v.n && !is_blank(v.p[name.n]); name.n++)
		;
	*rest = span_trim((struct span){ v.p + name.n, v.n - name.n });
	for (uint32_t i = 0; i < cfg->nmodules; i++)
		if (name.n && span_is(name, cfg->modules[i].name))
			return &cfg->modules[i];
	return NULL;
}

/* A size with an optional K, M or G (binary units), in whole 2 MiB (the
 * nested tables map guest memory with 2 MiB pages). */
static bool parse_guest_mem(struct span v, uint64_t *out)
{
	unsigned shift = 0;
	uint64_t n = 0;

	if (v.n && (v.p[v.n - 1] == 'K' || v.p[v.n - 1] == 'k'))
		shift = 10;
	else if (v.n && (v.p[v.n - 1] == 'M' || v.p[v.n - 1] == 'm'))
		shift = 20;
	else if (v.n && (v.p[v.n - 1] == 'G' || v.p[v.n - 1] == 'g'))
		shift = 30;
	if (shift)
		v.n--;
	if (v.n == 0 || v.n > 12)
		return false;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v.p[i] - '0');	/* < 10^12: no overflow */
	}
	if (n > (HV_GUEST_MEM_MAX >> shift))
		return false;
	n <<= shift;
	if (n < (2ULL << 20) || (n & ((2ULL << 20) - 1)))
		return false;
	*out = n;
	return true;
}

/* `guest_mem = SIZE` (every guest, once) or `guest_mem = NAME SIZE` (one
 * module, defined above, once each). */
static const char *cfg_set_guest_mem(struct hv_config *cfg, struct span v)
{
	static const char bad[] = "guest_mem must be a size like 64M (2M..64G, whole 2 MiB)";
	struct cfg_module *m;
	struct span rest;

	if (v.n && v.p[0] >= '0' && v.p[0] <= '9') {
		if (cfg->guest_mem_given)
			return "guest_mem for every guest given twice";
		if (!parse_guest_mem(v, &cfg->guest_mem))
			return bad;
		cfg->guest_mem_given = true;
		return NULL;
	}
	m = cfg_module_word(cfg, v, &rest);
	if (!m)
		return rest.n ? "guest_mem = NAME SIZE names no module defined above" : bad;
	if (m->guest_mem)
		return "guest_mem for this module given twice";
	if (!parse_guest_mem(rest, &m->guest_mem))
		return bad;
	return NULL;
}

/* `initrd = NAME PATH`: the initramfs of module NAME (defined above). */
static const char *cfg_set_initrd(struct hv_config *cfg, struct span v)
{
	static const char *const reasons[4] = {
		"initrd must be NAME PATH",
		"initrd path must be printable ASCII",
		"initrd path too long (at most 127 bytes)",
		"initrd path must name a file",
	};
	struct span rest;
	struct cfg_module *m = cfg_module_word(cfg, v, &rest);

	if (v.n == 0 || rest.n == 0)
		return "initrd must be NAME PATH";
	if (!m)
		return "initrd names no module defined above";
	if (m->initrd[0])
		return "initrd for this module given twice";
	return cfg_path(rest, m->initrd, reasons);
}

/* `args = NAME TEXT`: module NAME's command line when `guest run` gives
 * none. */
static const char *cfg_set_args(struct hv_config *cfg, struct span v)
{
	struct span rest;
	struct cfg_module *m = cfg_module_word(cfg, v, &rest);
	size_t i;

	if (v.n == 0 || rest.n == 0)
		return "args must be NAME TEXT";
	if (!m)
		return "args names no module defined above";
	if (m->args[0])
		return "args for this module given twice";
	if (span_has(rest, '\t'))
		return "args must be printable ASCII";
	if (rest.n >= HV_MODULE_ARGS_MAX)
		return "args too long (at most 255 bytes)";
	for (i = 0; i < rest.n; i++)
		m->args[i] = rest.p[i];
	m->args[i] = '\0';
	return NULL;
}

/* 8-4-4-4-12 hex digits into EFI_GUID bytes (UEFI 2.10 Appendix A: the
 * first three groups little-endian, the last two as bytes). */
static bool cfg_guid(struct span v, uint8_t out[16])
{
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t bytes[16];
	size_t i, o = 0;

	if (v.n != 36)
		return false;
	for (i = 0; i < 36;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v.p[i++] != '-')
				return false;
			continue;
		}
		hi = hex_digit(v.p[i]);
		lo = hex_digit(v.p[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		bytes[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	for (i = 0; i < 16; i++)
		out[order[i]] = bytes[i];
	return true;
}

static const char *cfg_set_guest_vars(struct hv_config *cfg, struct span v)
{
	static const char bad[] = "guest_vars must be none, read or write:GUID";

	if (span_is(v, "none")) {
		cfg->guest_vars = HV_GUEST_VARS_NONE;
	} else if (span_is(v, "read")) {
		cfg->guest_vars = HV_GUEST_VARS_READ;
	} else if (v.n > 6 && span_is((struct span){ v.p, 6 }, "write:")) {
		if (!cfg_guid((struct span){ v.p + 6, v.n - 6 }, cfg->guest_vars_guid))
			return "guest_vars write:GUID needs a GUID like 3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10";
		cfg->guest_vars = HV_GUEST_VARS_WRITE;
	} else {
		return bad;
	}
	return NULL;
}

static const struct cfg_key {
	const char *name;
	const char *(*set)(struct hv_config *cfg, struct span v);
	bool repeatable;
} cfg_keys[] = {
	{ "hypervisor", cfg_set_hypervisor, false },
	{ "cmdline", cfg_set_cmdline, false },
	{ "log", cfg_set_log, false },
	{ "runtime", cfg_set_runtime, false },
	{ "rt_window", cfg_set_rt_window, false },
	{ "rt_layout", cfg_set_rt_layout, false },
	{ "module", cfg_add_module, true },
	{ "guest_mem", cfg_set_guest_mem, true },
	{ "initrd", cfg_set_initrd, true },
	{ "args", cfg_set_args, true },
	{ "guest_vars", cfg_set_guest_vars, false },
	{ "rt_compat", cfg_set_rt_compat, false },
	{ "rt_watchdog", cfg_set_rt_watchdog, false },
};
#define CFG_NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* ---------------------------------------------------------------- lines */

/* Bytes every line may hold: printable ASCII and tab. */
static const char *cfg_check_bytes(struct span line)
{
	for (size_t i = 0; i < line.n; i++) {
		unsigned char c = (unsigned char)line.p[i];

		/* Printable ASCII, nearly every byte: one compare (the config
		 * is parsed on the loader's boot path, README: Figures). */
		if ((unsigned char)(c - 0x20) < 0x5F)
			continue;
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
	if (i == CFG_NKEYS || (*seen & (1U << i) && !cfg_keys[i].repeatable)) {
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
	cfg->nmodules = 0;
	cfg->guest_mem = HV_GUEST_MEM_DEFAULT;
	cfg->guest_vars = HV_GUEST_VARS_READ;
	cfg->rt_compat = HV_RT_COMPAT_HEAL;
	cfg->rt_deadline_read_ms = HV_RT_DEADLINE_READ_MS_DEFAULT;
	cfg->rt_deadline_write_ms = HV_RT_DEADLINE_WRITE_MS_DEFAULT;
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
