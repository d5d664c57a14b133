/* vars, get, set, del, varinfo: EFI variables through the runtime layer,
 * in the text of Linux's efivar (README: The shell). The buffers are static:
 * a value may be RT_DATA_MAX bytes and the hypervisor's stack is 64 KiB. */
#include "hv.h"
#include "scratch.h"

#include "rtcmd.h"
#include "rt/efivar.h"
#include "kprintf.h"
#include "lib.h"
#include "rt/rt.h"
#include "rt/rtfmt.h"
#include "shell.h"
#include "rt/ucs2.h"

/* The variable named on the command line; the data, a name walk and its
 * text use the shell's shared scratch (hv/scratch.h), named at each use. */
static uint16_t var_name[EFIVAR_NAME16_CAP];

/* Parses argv's VAR into var_name / *guid; false after printing why not. */
static bool parse_var(const char *arg, struct efi_guid *guid)
{
	const char *why = efivar_name_parse(arg, strlen(arg), guid, var_name, EFIVAR_NAME16_CAP);

	if (why)
		shell_error("%s: '%s'", why, arg);
	return !why;
}

/* The names before a bad one are printed, then one error line: the walk
 * is bounded (rt/varlist.h, README "Bad firmware lists and clocks"). */
static int cmd_vars(int argc, char **argv)
{
	struct varlist w;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: vars");
	if (!rtcmd_usable(RT_GET_NEXT_VARIABLE_NAME))
		return 1;
	rt_varlist_start(&w, hv_scratch_name, RT_NAME_MAX / 2, hv_scratch_seen, VARLIST_MAX_NAMES);
	while (varlist_next(&w) == VARLIST_MORE) {
		efivar_name_format(&w.guid, hv_scratch_name, w.cap_chars, hv_scratch_text,
				   sizeof(hv_scratch_text));
		kprintf("%s\n", hv_scratch_text);
	}
	if (w.stop == VARLIST_STATUS)
		return rtcmd_fail("cannot list variables", w.status);
	if (w.stop != VARLIST_END) {
		varlist_stop_text(&w, hv_scratch_text, sizeof(hv_scratch_text));
		return shell_error("%s", hv_scratch_text);
	}
	kprintf("%zu variables\n", w.count);
	return 0;
}

SHELL_CMD(vars, "vars", "", "list the EFI variables as GUID-Name (efivar -l)", cmd_vars);

/* Reads var_name into hv_scratch_a; false after printing why not. */
static bool read_var(const struct efi_guid *guid, uint32_t *attrs, size_t *size)
{
	efi_status_t st;

	if (!rtcmd_usable(RT_GET_VARIABLE))
		return false;
	st = rt_var_read(var_name, guid, attrs, hv_scratch_a, sizeof(hv_scratch_a), size);
	if (st == EFI_NOT_FOUND)
		rtcmd_fail("no such variable", st);
	else if (st == EFI_BUFFER_TOO_SMALL)
		shell_error("variable larger than %d bytes (%s)", RT_DATA_MAX, rtcmd_status_name(st));
	else if (st != EFI_SUCCESS)
		rtcmd_fail("cannot read variable", st);
	return st == EFI_SUCCESS;
}

static int cmd_get(int argc, char **argv)
{
	struct efi_guid guid;
	uint32_t attrs = 0;
	size_t size = 0;
	char g[EFIVAR_GUID_TEXT];

	if (argc != 2)
		return shell_error("usage: get VAR");
	if (!parse_var(argv[1], &guid) || !read_var(&guid, &attrs, &size))
		return 1;

	efivar_guid_format(&guid, g);
	ucs2_to_ascii(var_name, EFIVAR_NAME16_CAP, hv_scratch_text, sizeof(hv_scratch_text));
	kprintf("GUID: %s\n", g);
	kprintf("Name: \"%s\"\n", hv_scratch_text);
	kprintf("Attributes:\n");
	for (int b = 0; b < 32; b++) {
		uint32_t bit = 1U << b;
		const char *name = efivar_attr_name(bit);

		if (!(attrs & bit))
			continue;
		if (name)
			kprintf("\t%s\n", name);
		else
			kprintf("\t0x%08x\n", bit);
	}
	kprintf("Value:\n");
	for (size_t off = 0; off < size; off += 16) {
		efivar_hexdump_line(hv_scratch_a, size, off, hv_scratch_text, sizeof(hv_scratch_text));
		kprintf("%s\n", hv_scratch_text);
	}
	return 0;
}

SHELL_CMD(get, "get", "VAR", "print a variable as efivar -p does", cmd_get);

#define RUNTIME_WRITABLE (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_RUNTIME_ACCESS)

static int cmd_set(int argc, char **argv)
{
	struct efi_guid guid;
	uint32_t attrs;
	size_t size;
	const char *why;
	efi_status_t st;

	if (argc != 4)
		return shell_error("usage: set VAR ATTRS DATA");
	if (!parse_var(argv[1], &guid))
		return 1;
	why = efivar_attrs_parse(argv[2], strlen(argv[2]), &attrs);
	if (why)
		return shell_error("%s: '%s'", why, argv[2]);
	why = rtfmt_data_parse(argv[3], strlen(argv[3]), hv_scratch_a, sizeof(hv_scratch_a), &size);
	if (why)
		return shell_error("%s: '%s'", why, argv[3]);
	if (!rtcmd_usable(RT_SET_VARIABLE))
		return 1;
	st = rt_set_variable(var_name, &guid, attrs, hv_scratch_a, size);
	/* UEFI 2.10 §8.2: after ExitBootServices only variables with both NV
	 * and RT can be written; say so rather than leave a bare status. */
	if (st == EFI_INVALID_PARAMETER && size &&
	    (attrs & RUNTIME_WRITABLE) != RUNTIME_WRITABLE)
		return shell_error("cannot set variable (EFI_INVALID_PARAMETER): after "
				   "ExitBootServices only nv,rt variables can be written");
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot set variable", st);
	kprintf("ok\n");
	return 0;
}

SHELL_CMD(set, "set", "VAR ATTRS DATA",
	  "write a variable (ATTRS nv,bs,rt[,ap]; DATA hex, \"text\", u\"text\", LITERAL*N)", cmd_set);

static int cmd_del(int argc, char **argv)
{
	struct efi_guid guid;
	efi_status_t st;

	if (argc != 2)
		return shell_error("usage: del VAR");
	if (!parse_var(argv[1], &guid) || !rtcmd_usable(RT_GET_VARIABLE) ||
	    !rtcmd_usable(RT_SET_VARIABLE))
		return 1;
	/* The variable's own attributes, whatever its size, then a write of
	 * size 0 (rt_var_delete; EFI_NOT_FOUND for a missing variable). */
	st = rt_var_delete(var_name, &guid);
	if (st == EFI_NOT_FOUND)
		return rtcmd_fail("no such variable", st);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot delete variable", st);
	kprintf("ok\n");
	return 0;
}

SHELL_CMD(del, "del", "VAR", "delete a variable", cmd_del);

static int cmd_varinfo(int argc, char **argv)
{
	uint32_t attrs = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
			 EFI_VARIABLE_RUNTIME_ACCESS;
	uint64_t max_storage, remaining, max_var;
	efi_status_t st;
	char a[64];

	if (argc > 2)
		return shell_error("usage: varinfo [ATTRS]");
	if (argc == 2) {
		const char *why = efivar_attrs_parse(argv[1], strlen(argv[1]), &attrs);

		if (why)
			return shell_error("%s: '%s'", why, argv[1]);
	}
	if (!rtcmd_usable(RT_QUERY_VARIABLE_INFO))
		return 1;
	st = rt_query_variable_info(attrs, &max_storage, &remaining, &max_var);
	if (st != EFI_SUCCESS)
		return rtcmd_fail("cannot query variable storage", st);
	efivar_attrs_format(attrs, a, sizeof(a));
	kprintf("attributes         %s\n", a);
	kprintf("max storage        %lu bytes (0x%lx)\n", max_storage, max_storage);
	kprintf("remaining          %lu bytes (0x%lx)\n", remaining, remaining);
	kprintf("max variable size  %lu bytes (0x%lx)\n", max_var, max_var);
	return 0;
}

SHELL_CMD(varinfo, "varinfo", "[ATTRS]",
	  "variable storage: QueryVariableInfo (default ATTRS nv,bs,rt)", cmd_varinfo);
