/* hvboot.cfg: `key = value` lines, `#` comments (README: The ESP and the config). Pure. */
#ifndef HVBOOT_CFG_H
#define HVBOOT_CFG_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "bootinfo.h"

#define CFG_PATH_MAX	128
#define CFG_CMDLINE_MAX	256	/* including the NUL, = HV_CMDLINE_MAX */

/* `module = NAME PATH`: a guest image (README: Guests), with what the
 * per-module keys `initrd`, `args` and `guest_mem = NAME SIZE` add. */
struct cfg_module {
	char name[HV_MODULE_NAME_MAX];	/* [A-Za-z0-9._-], 1..31 bytes */
	char path[CFG_PATH_MAX];	/* like `hypervisor` */
	char initrd[CFG_PATH_MAX];	/* empty: none */
	char args[HV_MODULE_ARGS_MAX];	/* NUL-terminated; empty: none */
	uint64_t guest_mem;		/* bytes; 0: the global guest_mem */
};

struct hv_config {
	char hypervisor[CFG_PATH_MAX];	/* ASCII path with backslashes */
	char cmdline[CFG_CMDLINE_MAX];
	enum hv_log_level log;
	bool runtime;
	uint64_t rt_window;
	enum hv_rt_layout rt_layout;
	uint32_t nmodules;
	struct cfg_module modules[HV_MODULE_MAX];
	uint64_t guest_mem;		/* bytes, whole 2 MiB */
	bool guest_mem_given;		/* the global `guest_mem = SIZE` was seen */
	enum hv_guest_vars guest_vars;
	uint8_t guest_vars_guid[16];	/* EFI_GUID bytes (write:GUID) */
	enum hv_rt_compat rt_compat;
	/* rt_watchdog: the read and write deadlines; both 0 when off. */
	uint32_t rt_deadline_read_ms;
	uint32_t rt_deadline_write_ms;
};

#define CFG_FILE_MAX	(64U * 1024)	/* larger files are refused */

void cfg_defaults(struct hv_config *cfg);

/* Where cfg_parse failed. Reasons are static strings, so a reason
 * that needs the offending key to make sense ("unknown key", "duplicate
 * key") points at it instead: text[key_off .. key_off + key_len), not
 * NUL-terminated, printable ASCII or tab (other bytes are refused before
 * keys are looked at). key_len is 0 for every other reason, whose text
 * already names the key ("log must be quiet, info or debug").
 * The loader prints, e.g.:
 *   hvboot: \hvboot\hvboot.cfg: line 3: unknown key 'lgo'
 */
struct cfg_where {
	unsigned line;		/* 1-based; 0 when about the whole file (too large) */
	size_t key_off;
	size_t key_len;
};

/* Parses a whole file (not NUL-terminated; any bytes). Sets *cfg to the
 * defaults, then applies each line. Returns NULL, or a reason with *where
 * filled in; *cfg is then partly applied and should not be used.
 * Lines end in LF, a CR before it is dropped, `#` starts a comment, spaces
 * and tabs around key and value are trimmed, a leading UTF-8 byte-order
 * mark is skipped; NUL, other control and non-ASCII bytes are refused. */
const char *cfg_parse(struct hv_config *cfg, const char *text, size_t len,
			    struct cfg_where *where);

#endif
