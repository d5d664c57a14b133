/* guest list | run NAME [ARGS] | info NAME (README: Guests). */
#include "hv.h"

#include "kprintf.h"
#include "lib.h"
#include "shell.h"
#include "hv/vm/guest.h"
#include "hv/vm/guest_linux.h"

/* The module named name, or -1 after one error line. */
static int find_module(const char *name)
{
	for (uint32_t i = 0; i < hv_bi->module_count && i < HV_MODULE_MAX; i++)
		if (!strcmp(hv_bi->modules[i].name, name))
			return (int)i;
	if (hv_bi->module_count == 0)
		shell_error("no guest named '%s' (hvboot.cfg has no module lines)", name);
	else
		shell_error("no guest named '%s' (guest list shows them)", name);
	return -1;
}

static void print_state(const struct guest_record *r)
{
	if (r->state == GUEST_NOT_RUN)
		kprintf("not run");
	else if (r->state == GUEST_EXITED)
		kprintf("exited with code %u", r->exit_code);
	else
		kprintf("stopped: %s", r->reason);
}

static int guest_list(void)
{
	if (hv_bi->module_count == 0) {
		kprintf("no guests (add module = NAME PATH lines to hvboot.cfg)\n");
		return 0;
	}
	for (uint32_t i = 0; i < hv_bi->module_count && i < HV_MODULE_MAX; i++) {
		kprintf("%-16.*s %10lu bytes  ", HV_MODULE_NAME_MAX, hv_bi->modules[i].name,
			hv_bi->modules[i].size_bytes);
		print_state(guest_record(i));
		kprintf("\n");
	}
	return 0;
}

/* The EFI shim's tally kinds (struct efishim_tally), as `guest info`
 * names them: the service, and GetVariable's size queries apart. */
static const char *const efi_tally_name[EFISHIM_TALLIES] = {
	[EFISHIM_TALLY_GET_VARIABLE] = "GetVariable",
	[EFISHIM_TALLY_GET_VARIABLE_SIZE] = "GetVariable(size)",
	[EFISHIM_TALLY_GET_NEXT_VARIABLE_NAME] = "GetNextVariableName",
	[EFISHIM_TALLY_SET_VARIABLE] = "SetVariable",
	[EFISHIM_TALLY_QUERY_VARIABLE_INFO] = "QueryVariableInfo",
	[EFISHIM_TALLY_GET_TIME] = "GetTime",
};

/* `N x MEAN` for each of count[] that happened: the mean of cycles[]. */
static void print_means(const char *label, const uint64_t *count, const uint64_t *cycles,
			unsigned n, const char *(*name)(unsigned))
{
	bool any = false;

	kprintf("%s", label);
	for (unsigned i = 0; i < n; i++) {
		if (count[i]) {
			kprintf(" %s %lu", name(i), cycles[i] / count[i]);
			any = true;
		}
	}
	kprintf("%s\n", any ? "" : " none");
}

static const char *exit_kind_name(unsigned k)
{
	return guest_exit_kind_name((enum guest_exit_kind)k);
}

static const char *hcall_fn_name(unsigned f)
{
	return f < HVCALL_COUNT ? hcall_name(f) : "unknown";
}

/* The shim's tally: `NAME CALLS x MEAN` per kind it counted. */
static void print_efi_tally(const struct efishim_tally *t)
{
	bool any = false;

	kprintf("efi calls (the shim's count, mean cycles):");
	for (unsigned k = 0; k < EFISHIM_TALLIES; k++) {
		if (t[k].calls) {
			kprintf(" %s %lu x %lu", efi_tally_name[k], t[k].calls,
				t[k].cycles / t[k].calls);
			any = true;
		}
	}
	kprintf("%s\n", any ? "" : " none");
}

static int guest_info(int index)
{
	const struct hv_module *m = &hv_bi->modules[index];
	const struct guest_record *r = guest_record((uint32_t)index);
	const char *why;
	uint32_t vars = guest_vars_mode((uint32_t)index, &why);
	bool any = false;

	kprintf("guest %s: image %lu bytes at pa 0x%lx\n", m->name, m->size_bytes, m->pa);
	kprintf("memory: %lu MiB", (hv_bi->module_ext[index].guest_mem_bytes
				   ? hv_bi->module_ext[index].guest_mem_bytes : hv_bi->guest_mem_bytes) >> 20);
	if (r->mem_pa)
		kprintf(" at pa 0x%lx", r->mem_pa);
	kprintf(", variables by hypercall: %s", hv_guest_vars_name(vars));
	if (why)
		kprintf(" (%s)", why);
	kprintf("\n");
	kprintf("exits:");
	for (unsigned k = 0; k < GX_COUNT; k++) {
		if (r->exits[k]) {
			kprintf(" %s %lu", guest_exit_kind_name(k), r->exits[k]);
			any = true;
		}
	}
	kprintf("%s\nhypercalls:", any ? "" : " none");
	any = false;
	for (unsigned f = 0; f <= HVCALL_COUNT; f++) {
		if (r->hcalls[f]) {
			kprintf(" %s %lu", f < HVCALL_COUNT ? hcall_name(f) : "unknown", r->hcalls[f]);
			any = true;
		}
	}
	kprintf("%s\n", any ? "" : " none");
	if (guest_linux_stats()->valid && guest_linux_stats()->index == (uint32_t)index) {
		const struct guest_linux_stats *x = guest_linux_stats();

		/* README: Guests, the Linux kind: what the platform and the CPU
		 * view do not model, counted. */
		kprintf("platform: %lu interrupts injected; ports no device claims: %lu reads, "
			"%lu writes", x->irqs_injected, x->unknown_port_reads, x->unknown_port_writes);
		if (x->unknown_port_reads + x->unknown_port_writes)
			kprintf(" (last 0x%x)", x->last_unknown_port);
		kprintf("; unknown MSRs: %lu reads, %lu writes", x->unknown_msr_reads,
			x->unknown_msr_writes);
		if (x->unknown_msr_reads + x->unknown_msr_writes)
			kprintf(" (last 0x%x)", x->last_unknown_msr);
		kprintf("\n");
		print_efi_tally(x->efi);
	}
	kprintf("last stop: ");
	print_state(r);
	kprintf("\n");
	/* README: Guests: what serving them cost, from each #VMEXIT to the
	 * next VMRUN in host TSC cycles (a hypercall's firmware call
	 * included). */
	print_means("cycles per exit:", r->exits, r->exit_cycles, GX_COUNT, exit_kind_name);
	print_means("cycles per hypercall:", r->hcalls, r->hcall_cycles, HVCALL_COUNT + 1,
		    hcall_fn_name);
	return 0;
}

static int cmd_guest(int argc, char **argv)
{
	static char args[SHELL_LINE_MAX + 1];
	const char *why;
	size_t n = 0;
	int index;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return guest_list();
	if (argc < 3 || (strcmp(argv[1], "run") && strcmp(argv[1], "info")) ||
	    (!strcmp(argv[1], "info") && argc != 3))
		return shell_error("usage: guest list | guest run NAME [ARGS] | guest info NAME");
	index = find_module(argv[2]);
	if (index < 0)
		return 1;
	if (!strcmp(argv[1], "info"))
		return guest_info(index);
	/* ARGS as typed, one space between words. */
	for (int i = 3; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (n && n < SHELL_LINE_MAX)
			args[n++] = ' ';
		if (len > SHELL_LINE_MAX - n)
			len = SHELL_LINE_MAX - n;
		memcpy(args + n, argv[i], len);
		n += len;
	}
	args[n] = '\0';
	/* No ARGS: the module's `args` line (README: The ESP and the config). */
	if (argc == 3)
		memcpy(args, hv_bi->module_ext[index].args, HV_MODULE_ARGS_MAX);
	why = guest_run((uint32_t)index, args);
	if (why)
		return shell_error("%s", why);
	kprintf("guest %s: ", hv_bi->modules[index].name);
	print_state(guest_record((uint32_t)index));
	kprintf("\n");
	return 0;
}

SHELL_CMD(guest, "guest", "list | run NAME [ARGS] | info NAME",
	  "run the modules as guests (SVM + nested paging)", cmd_guest);
