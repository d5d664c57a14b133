/* boot: the boot manager's variables (UEFI 2.10 §3.3) as efibootmgr shows
 * them — BootCurrent, BootNext, Timeout, BootOrder — and every load
 * option: those BootOrder names first, in its order, then any other
 * Boot#### variable, by number. `boot next|order|active|inactive` edit
 * them as efibootmgr -n, -o, -a, -A do (README: The shell). */
#include "hv.h"
#include "scratch.h"

#include "rtcmd.h"
#include "rt/devpath.h"
#include "rt/efivar.h"
#include "loader/fmt.h"
#include "kprintf.h"
#include "lib.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "shell.h"
#include "rt/ucs2.h"

#define BOOT_OPTIONS	0x10000

static uint8_t seen[BOOT_OPTIONS / 8];		/* Boot#### that exist */
static uint8_t shown[BOOT_OPTIONS / 8];		/* printed already */
static char text[4096];
/* A Boot#### or BootOrder read goes to hv_scratch_a, the BootOrder shown or
 * written to hv_scratch_b, a parsed new order to hv_scratch_name2 and the
 * name walk to hv_scratch_name: the shell's shared scratch (hv/scratch.h). */

static bool bit_get(const uint8_t *set, unsigned n)
{
	return set[n / 8] & (1U << (n % 8));
}

static void bit_set(uint8_t *set, unsigned n)
{
	set[n / 8] |= (uint8_t)(1U << (n % 8));
}

/* Reads a global variable named by ASCII name into buf. */
static efi_status_t read_global(const char *name, uint8_t *buf, size_t cap, uint32_t *attrs,
				size_t *size)
{
	uint16_t name16[16];

	ucs2_from_ascii(name16, 16, name, strlen(name));
	return rt_var_read(name16, &EFI_GLOBAL_VARIABLE_GUID, attrs, buf, cap, size);
}

/* A UINT16 variable (BootCurrent, BootNext, Timeout): prints "Name: value"
 * or "Name: none"; returns the status for the caller to judge. */
static efi_status_t show_u16(const char *name, bool as_seconds)
{
	uint8_t v[8];
	size_t size = 0;
	efi_status_t st = read_global(name, v, sizeof(v), NULL, &size);

	if (st == EFI_NOT_FOUND) {
		kprintf("%s: none\n", name);
		return EFI_SUCCESS;
	}
	if (st != EFI_SUCCESS && st != EFI_BUFFER_TOO_SMALL)
		return st;
	if (st == EFI_BUFFER_TOO_SMALL || size != 2)
		kprintf("%s: malformed (%zu bytes, expected 2)\n", name, size);
	else if (as_seconds)
		kprintf("%s: %u seconds\n", name, (unsigned)(v[0] | v[1] << 8));
	else
		kprintf("%s: %04X\n", name, (unsigned)(v[0] | v[1] << 8));
	return EFI_SUCCESS;
}

/* Walks every variable and notes the Boot#### ones of the global GUID.
 * False after printing the one error line: a failed call, or a list the
 * walker refused (rt/varlist.h). */
static bool find_boot_options(void)
{
	struct varlist w;

	__builtin_memset(seen, 0, sizeof(seen));
	rt_varlist_start(&w, hv_scratch_name, RT_NAME_MAX / 2, hv_scratch_seen, VARLIST_MAX_NAMES);
	while (varlist_next(&w) == VARLIST_MORE) {
		long num = rtfmt_boot_number(hv_scratch_name, w.cap_chars);

		if (num >= 0 && efivar_guid_equal(&w.guid, &EFI_GLOBAL_VARIABLE_GUID))
			bit_set(seen, (unsigned)num);
	}
	if (w.stop == VARLIST_STATUS) {
		rtcmd_fail("cannot list variables", w.status);
		return false;
	}
	if (w.stop != VARLIST_END) {
		varlist_stop_text(&w, text, sizeof(text));
		shell_error("%s", text);
		return false;
	}
	return true;
}

static void show_flags(uint32_t attrs, bool in_order)
{
	uint32_t cat = attrs & LOAD_OPTION_CATEGORY;

	kprintf("  flags       %s", attrs & LOAD_OPTION_ACTIVE ? "active" : "inactive");
	if (attrs & LOAD_OPTION_HIDDEN)
		kprintf(", hidden");
	if (attrs & LOAD_OPTION_FORCE_RECONNECT)
		kprintf(", force-reconnect");
	if (cat == LOAD_OPTION_CATEGORY_APP)
		kprintf(", app");
	else if (cat != LOAD_OPTION_CATEGORY_BOOT)
		kprintf(", category 0x%x", cat >> 8);
	if (!in_order)
		kprintf(", not in BootOrder");
	kprintf(" (0x%08x)\n", attrs);
}

/* Prints one Boot#### option. Returns a status only for a failed call. */
static efi_status_t show_option(unsigned num, bool in_order)
{
	char name[16];
	uint16_t name16[16];
	struct efi_load_option opt;
	size_t size = 0, needed = 0;
	const char *why;
	efi_status_t st;

	bit_set(shown, num);
	fmt_snprintf(name, sizeof(name), "Boot%04X", num);
	ucs2_from_ascii(name16, 16, name, strlen(name));
	st = rt_var_read(name16, &EFI_GLOBAL_VARIABLE_GUID, NULL, hv_scratch_a, sizeof(hv_scratch_a),
			 &size);
	if (st == EFI_NOT_FOUND) {
		kprintf("%s  (listed in BootOrder, no such variable)\n", name);
		return EFI_SUCCESS;
	}
	if (st != EFI_SUCCESS)
		return st;
	why = devpath_load_option_parse(hv_scratch_a, size, &opt);
	if (why) {
		kprintf("%s  (malformed load option: %s; %zu bytes)\n", name, why, size);
		return EFI_SUCCESS;
	}
	ucs2_bytes_to_ascii(hv_scratch_a + opt.desc_off, opt.desc_len, text, sizeof(text));
	kprintf("%s%s %s\n", name, opt.attributes & LOAD_OPTION_ACTIVE ? "*" : " ", text);
	show_flags(opt.attributes, in_order);
	why = devpath_to_text(hv_scratch_a + opt.path_off, opt.path_len, text, sizeof(text), &needed);
	kprintf("  path        %s%s", text, needed >= sizeof(text) ? "..." : "");
	if (why)
		kprintf(" (stopped: %s)", why);
	kprintf("\n");
	if (opt.opt_len)
		kprintf("  data        %zu bytes\n", opt.opt_len);
	return EFI_SUCCESS;
}

/* ---- edits */

/* What a variable the boot manager reads gets when it is created: UEFI
 * 2.10 §3.3 lists BootOrder, BootNext and Boot#### as NV, BS, RT. */
#define BOOT_VAR_ATTRS	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
			 EFI_VARIABLE_RUNTIME_ACCESS)
#define BOOT_ORDER_MAX	(sizeof(hv_scratch_b) / 2)

_Static_assert(BOOT_ORDER_MAX <= sizeof(hv_scratch_name2) / 2, "a BootOrder fits the scratch");

static efi_status_t write_global(const char *name, uint32_t attrs, const void *buf, size_t size)
{
	uint16_t name16[16];

	ucs2_from_ascii(name16, 16, name, strlen(name));
	return rt_set_variable(name16, &EFI_GLOBAL_VARIABLE_GUID, attrs, buf, size);
}

/* The attributes a global variable has now, or BOOT_VAR_ATTRS when it
 * does not exist; false after printing why not. */
static bool current_attrs(const char *name, uint32_t *attrs)
{
	size_t size = 0;
	efi_status_t st = read_global(name, hv_scratch_a, sizeof(hv_scratch_a), attrs, &size);

	if (st == EFI_NOT_FOUND) {
		*attrs = BOOT_VAR_ATTRS;
		return true;
	}
	if (st != EFI_SUCCESS) {
		fmt_snprintf(text, sizeof(text), "cannot read %s", name);
		rtcmd_fail(text, st);
		return false;
	}
	return true;
}

/* Is there a Boot#### for num? False after printing the one error line. */
static bool option_exists(unsigned num)
{
	char name[16];
	size_t size = 0;
	efi_status_t st;

	fmt_snprintf(name, sizeof(name), "Boot%04X", num);
	st = read_global(name, hv_scratch_a, sizeof(hv_scratch_a), NULL, &size);
	if (st == EFI_SUCCESS)
		return true;
	if (st == EFI_NOT_FOUND)
		shell_error("no such boot option %s (EFI_NOT_FOUND)", name);
	else
		rtcmd_fail("cannot read a boot option", st);
	return false;
}

static int boot_write(const char *name, uint32_t attrs, const void *buf, size_t size)
{
	efi_status_t st = write_global(name, attrs, buf, size);

	if (st != EFI_SUCCESS) {
		fmt_snprintf(text, sizeof(text), "cannot set %s", name);
		return rtcmd_fail(text, st);
	}
	kprintf("ok\n");
	return 0;
}

/* boot next XXXX: BootNext, tried once at the next boot (efibootmgr -n). */
static int boot_next(const char *arg)
{
	uint16_t num;
	uint8_t v[2];
	uint32_t attrs;
	const char *why = rtfmt_boot_number_parse(arg, &num);

	if (why)
		return shell_error("%s: '%s'", why, arg);
	if (!option_exists(num) || !current_attrs("BootNext", &attrs))
		return 1;
	v[0] = (uint8_t)(num & 0xFF);
	v[1] = (uint8_t)(num >> 8);
	return boot_write("BootNext", attrs, v, sizeof(v));
}

/* boot order XXXX,YYYY,...: the whole BootOrder (efibootmgr -o); every
 * number must name a Boot####, once. */
static int boot_order(const char *arg)
{
	size_t n = 0, bad = 0;
	uint32_t attrs;
	const char *why = rtfmt_boot_order_parse(arg, hv_scratch_name2, BOOT_ORDER_MAX, &n, &bad);

	if (why) {
		/* Name the entry at fault: the bad-th comma-separated field. */
		const char *p = arg;
		size_t len = 0;

		for (size_t i = 0; i < bad && *p; p++)
			if (*p == ',')
				i++;
		while (p[len] && p[len] != ',')
			len++;
		return shell_error("%s: '%.*s' (entry %zu)", why, (int)len, p, bad + 1);
	}
	if (!find_boot_options())
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!bit_get(seen, hv_scratch_name2[i]))
			return shell_error("no such boot option Boot%04X (EFI_NOT_FOUND)",
					   (unsigned)hv_scratch_name2[i]);
	if (!current_attrs("BootOrder", &attrs))
		return 1;
	return boot_write("BootOrder", attrs, hv_scratch_b,
			  rtfmt_boot_order_store(hv_scratch_name2, n, hv_scratch_b));
}

/* boot active|inactive XXXX: LOAD_OPTION_ACTIVE of Boot#### (efibootmgr
 * -a / -A); every other byte of the option and its attributes kept. */
static int boot_set_active(const char *arg, bool active)
{
	char name[16];
	uint16_t num;
	uint32_t attrs = 0;
	size_t size = 0;
	struct efi_load_option opt;
	bool changed;
	efi_status_t st;
	const char *why = rtfmt_boot_number_parse(arg, &num);

	if (why)
		return shell_error("%s: '%s'", why, arg);
	fmt_snprintf(name, sizeof(name), "Boot%04X", (unsigned)num);
	st = read_global(name, hv_scratch_a, sizeof(hv_scratch_a), &attrs, &size);
	if (st == EFI_NOT_FOUND)
		return shell_error("no such boot option %s (EFI_NOT_FOUND)", name);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot read a boot option", st);
	why = devpath_load_option_parse(hv_scratch_a, size, &opt);
	if (!why)
		why = rtfmt_load_option_set_active(hv_scratch_a, size, active, &changed);
	if (why)
		return shell_error("%s is not a valid load option: %s", name, why);
	if (!changed) {
		kprintf("ok\n");
		return 0;
	}
	return boot_write(name, attrs, hv_scratch_a, size);
}

static int boot_edit(int argc, char **argv)
{
	const char *sub = argv[1];

	if (argc != 3)
		return shell_error("usage: boot [next XXXX | order XXXX,YYYY,... | active XXXX | "
				   "inactive XXXX]");
	if (!rtcmd_usable(RT_GET_VARIABLE) || !rtcmd_usable(RT_SET_VARIABLE))
		return 1;
	if (strcmp(sub, "next") == 0)
		return boot_next(argv[2]);
	if (strcmp(sub, "order") == 0) {
		if (!rtcmd_usable(RT_GET_NEXT_VARIABLE_NAME))
			return 1;
		return boot_order(argv[2]);
	}
	if (strcmp(sub, "active") == 0)
		return boot_set_active(argv[2], true);
	if (strcmp(sub, "inactive") == 0)
		return boot_set_active(argv[2], false);
	return shell_error("unknown boot edit '%s' (next, order, active, inactive)", sub);
}

static int cmd_boot(int argc, char **argv)
{
	size_t order_size = 0;
	efi_status_t st;

	if (argc > 1)
		return boot_edit(argc, argv);
	if (!rtcmd_usable(RT_GET_VARIABLE) || !rtcmd_usable(RT_GET_NEXT_VARIABLE_NAME))
		return 1;
	__builtin_memset(shown, 0, sizeof(shown));

	st = show_u16("BootCurrent", false);
	if (st == EFI_SUCCESS)
		st = show_u16("BootNext", false);
	if (st == EFI_SUCCESS)
		st = show_u16("Timeout", true);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot read the boot variables", st);

	st = read_global("BootOrder", hv_scratch_b, sizeof(hv_scratch_b), NULL, &order_size);
	if (st == EFI_NOT_FOUND) {
		order_size = 0;
		kprintf("BootOrder: none\n");
	} else if (st != EFI_SUCCESS) {
		return rtcmd_fail("cannot read BootOrder", st);
	} else {
		rtfmt_boot_order_format(hv_scratch_b, order_size, text, sizeof(text));
		kprintf("BootOrder: %s%s\n", text, order_size % 2 ? " (odd length)" : "");
	}

	if (!find_boot_options())
		return 1;
	for (size_t i = 0; i + 1 < order_size; i += 2) {
		unsigned num = (unsigned)hv_scratch_b[i] | (unsigned)hv_scratch_b[i + 1] << 8;

		if (bit_get(shown, num))
			continue;	/* listed twice: shown once */
		st = show_option(num, true);
		if (st != EFI_SUCCESS)
			return rtcmd_fail("cannot read a boot option", st);
	}
	for (unsigned num = 0; num < BOOT_OPTIONS; num++) {
		if (!bit_get(seen, num) || bit_get(shown, num))
			continue;
		st = show_option(num, false);
		if (st != EFI_SUCCESS)
			return rtcmd_fail("cannot read a boot option", st);
	}
	return 0;
}

SHELL_CMD(boot, "boot", "[next|order|active|inactive X]",
	  "BootCurrent, BootOrder and every Boot#### load option; edit them", cmd_boot);
