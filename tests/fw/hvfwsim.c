/* hvfwsim.efi: a UEFI runtime driver (PE subsystem 12) that makes the
 * firmware misbehave in the ways runtime firmware is known to, so the
 * hypervisor's fault containment is tested from outside the product.
 *
 * At load (boot services) it parses its load options, or else the file
 * \hvfwsim.txt on its volume, into a plan (fwsim_plan.c), re-points the planned entries of the runtime services
 * table at its wrappers, recomputes the table's CRC32 (UEFI 2.10 §4.2) and
 * registers for EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, as a real runtime
 * driver does (UEFI 2.10 §7.1.1, §8.4). The notification converts the
 * saved service pointers and arms the plan: every misbehaviour happens
 * only after SetVirtualAddressMap, in calls the hypervisor makes; before
 * that the wrappers pass through, so OVMF, the Shell and the loader work.
 *
 * What runs after SetVirtualAddressMap: the wrappers, misbehave() and
 * fwsim_plan_find(). They touch only this image's globals, through
 * RIP-relative addresses (-fpic, hidden visibility), never a stored
 * pointer the firmware did not convert: gnu-efi relocates the image itself
 * at load (crt0's _relocate) and leaves the PE relocation table empty, so
 * EDK2's runtime relocation cannot fix absolute pointers in data.
 *
 * EDK2 2022.11 gives a runtime driver loaded after EndOfDxe (from a
 * Driver#### option or the Shell) no image record, so the Memory
 * Attributes Table marks its code EFI_MEMORY_XP and an OS that honours the
 * table cannot run it. The firmware rebuilds that table at ReadyToBoot
 * (and on later runtime allocations), so the driver hooks the boot
 * services' InstallConfigurationTable and hands it a copy of each new table
 * with its own .text as EFI_MEMORY_RO (UEFI 2.10 §4.6.4), as an image
 * record would have. */
#include <efi.h>
#include <efilib.h>

#include "fwsim_plan.h"
#include "x86.h"

#define OPTIONS_MAX	256
#define CONFIG_FILE	L"\\hvfwsim.txt"
#define LAPIC_VERSION_PA 0xFEE00030ULL	/* SDM Vol. 3A §11.4.1: default APIC base */
#define OVERRUN_BYTE	0xA5
#define OVERSTATE_BYTES	16
#define EFI_MEMORY_RO	0x20000ULL	/* UEFI 2.10 §7.2.3; older gnu-efi lacks it */
#define NONCANONICAL	0x8000000000000000ULL	/* bits 63..47 not all equal */
/* An address no OS maps for runtime code: the first MiB of the upper half
 * (where hvboot keeps its direct map, which the runtime address space
 * leaves out). */
#define UNMAPPED_STACK	0xFFFF800000100000ULL

static struct fwsim_plan plan;
static EFI_RUNTIME_SERVICES *rts;	/* physical: used in boot services only */
static UINT64 real[FWSIM_SVC_COUNT];	/* converted at SetVirtualAddressMap */
static UINT64 phys[FWSIM_SVC_COUNT];	/* never converted: phys-ptr calls these */
static UINT64 bs_buf_pa;		/* EfiBootServicesData: bs-data touches it */
static UINT64 probe;			/* svam-newva reads it through its new VA */
static UINT64 tsc_per_ms;		/* slow: timed by the TSC, calibrated at load */
static UINT64 table_va;			/* the runtime services table, converted */
static BOOLEAN tampered[FWSIM_SVC_COUNT];	/* ptr-*: the entry was rewritten */
static volatile BOOLEAN armed;
static UINTN walk_names;		/* names returned since a walk began */
static BOOLEAN reported;
static EFI_EVENT va_event, rtb_event;

extern UINT8 _text[], _etext[];		/* elf_x86_64_efi.lds */

/* UEFI 2.10 §4.6.4 and §7.1 (EFI_EVENT_GROUP_READY_TO_BOOT). */
static EFI_GUID mat_guid = { 0xdcfa911d, 0x26eb, 0x469f,
			     { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };
static EFI_GUID ready_to_boot_guid = { 0x7ce88fb3, 0x4bd7, 0x4679,
				       { 0x87, 0xa8, 0xa8, 0xd8, 0xde, 0xe5, 0x0d, 0x2b } };

struct mat_header {
	UINT32 version, count, desc_size, reserved;
};

/* --- misbehaviours ------------------------------------------------------ */

/* Faults that end the call: the asm never falls through on a platform that
 * maps what UEFI 2.10 §8.4 says runtime code may touch and no more. */
static void fault_df(void)
{
	/* DF, IF, AC (EFLAGS bit 18) set, then #UD: whoever contains the
	 * fault must not keep them (UEFI 2.10 §2.3.4.2 says DF is clear on
	 * return from a service; SDM Vol. 1 §3.4.3 for the bits). */
	__asm__ volatile("std\n\t"
			 "sti\n\t"
			 "pushfq\n\t"
			 "orq $0x40000, (%%rsp)\n\t"
			 "popfq\n\t"
			 "ud2" ::: "memory", "cc");
	__builtin_unreachable();
}

static void fault_ud(void)
{
	__asm__ volatile("ud2" ::: "memory");
	__builtin_unreachable();
}

static void fault_gp(void)
{
	/* A non-canonical address raises #GP, not #PF (SDM Vol. 3A §6.15). */
	__asm__ volatile("movabs $0x8000000000000000, %%rax\n\t"
			 "movb (%%rax), %%al" ::: "rax", "memory");
}

/* A broken stack. SDM Vol. 3A §6.15 (Interrupt 12): a stack reference at
 * a non-canonical address raises #SS(0) (QEMU's TCG raises #GP(0) for it);
 * one at an unmapped page a #PF. Whoever takes the exception must not
 * push its frame on this stack. */
static void bad_stack(void)
{
	__asm__ volatile("movabs %0, %%rax\n\t"
			 "mov %%rax, %%rsp\n\t"
			 "push %%rax" : : "i"(NONCANONICAL) : "rax", "memory");
	__builtin_unreachable();
}

static void stack_unmapped(void)
{
	__asm__ volatile("movabs %0, %%rax\n\t"
			 "mov %%rax, %%rsp\n\t"
			 "push %%rax" : : "i"(UNMAPPED_STACK) : "rax", "memory");
	__builtin_unreachable();
}

/* A double fault (SDM Vol. 3A §6.15, Interrupt 8, Table 6-5): a divide
 * error (contributory) whose delivery then faults on the non-canonical
 * stack (contributory again). */
static void double_fault(void)
{
	__asm__ volatile("movabs %0, %%rax\n\t"
			 "mov %%rax, %%rsp\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "xor %%edx, %%edx\n\t"
			 "div %%ecx" : : "i"(NONCANONICAL) : "rax", "rcx", "rdx", "memory");
	__builtin_unreachable();
}

/* ptr-noncanon, ptr-data: rewrites svc's entry in the runtime services
 * table, once, as a driver that re-hooks a service at runtime would, and
 * leaves the CRC32 as it was. The call under way goes on; the next one
 * finds the entry changed. */
static void tamper(int svc, enum fwsim_kind k)
{
	UINT64 *fn = (UINT64 *)(UINTN)(table_va + sizeof(EFI_TABLE_HEADER));

	if (!table_va || tampered[svc])
		return;
	tampered[svc] = TRUE;
	fn[svc] = k == FWSIM_PTR_DATA ? table_va : fn[svc] ^ NONCANONICAL;
}

static void hang(void)
{
	__asm__ volatile("sti\n\t"
			 "1: jmp 1b" ::: "memory");
	__builtin_unreachable();
}

/* A healthy but slow service, as a variable store's reclaim erasing flash
 * blocks: busy for ms, interrupts left as the caller entered it. */
static void slow(UINT64 ms)
{
	UINT64 t0 = cpu_rdtsc();

	while (cpu_rdtsc() - t0 < ms * tsc_per_ms)
		__asm__ volatile("pause");
}

static void touch_page0(void)
{
	/* In asm: a C null dereference is undefined and may become ud2. */
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "mov (%%rax), %%rdx\n\t"
			 "mov %%rdx, (%%rax)" ::: "rax", "rdx", "memory");
}

static void touch_mmio(void)
{
	__asm__ volatile("mov %0, %%rax\n\t"
			 "movl (%%rax), %%edx"
			 : : "i"(LAPIC_VERSION_PA) : "rax", "rdx", "memory");
}

static void touch_bs_data(void)
{
	volatile UINT32 *p = (volatile UINT32 *)(UINTN)bs_buf_pa;

	p[0] = p[0] + 1;
}

static void fill(void *dst, UINT64 n)
{
	volatile UINT8 *p = dst;

	for (UINT64 i = 0; i < n; i++)
		p[i] = OVERRUN_BYTE;
}

/* The plan's actions for svc that come before (or instead of) the real
 * call. True: return *st without calling the firmware. */
static BOOLEAN misbehave(int svc, EFI_STATUS *st)
{
	if (!armed)
		return FALSE;
	for (unsigned i = 0; i < plan.count; i++) {
		if (plan.a[i].svc != svc)
			continue;
		switch (plan.a[i].kind) {
		case FWSIM_BS_DATA:	touch_bs_data(); break;
		case FWSIM_PAGE0:	touch_page0(); break;
		case FWSIM_MMIO:	touch_mmio(); break;
		case FWSIM_DF:		fault_df(); break;
		case FWSIM_UD:		fault_ud(); break;
		case FWSIM_GP:		fault_gp(); break;
		case FWSIM_HANG:	hang(); break;
		case FWSIM_SLOW:	slow(plan.a[i].n); break;
		case FWSIM_BADSTACK:	bad_stack(); break;
		case FWSIM_STACK_UNMAPPED: stack_unmapped(); break;
		case FWSIM_DOUBLE_FAULT: double_fault(); break;
		case FWSIM_PTR_NONCANON:
		case FWSIM_PTR_DATA:	tamper(svc, plan.a[i].kind); break;
		case FWSIM_BAD_STATUS:
			*st = FWSIM_BAD_STATUS_VALUE;
			return TRUE;
		default:
			break;
		}
	}
	return FALSE;
}

/* The entry to call: the converted pointer, or for phys-ptr the one kept
 * physical (the phys-pointer quirk of README: Firmware quirks: firmware
 * that misses a ConvertPointer, e.g. a GetTime that still reaches the RTC
 * code at its physical address). */
static UINT64 target(int svc)
{
	if (armed && fwsim_plan_find(&plan, FWSIM_PHYS_PTR, svc))
		return phys[svc];
	return real[svc];
}

/* --- wrappers (MS x64 ABI, UEFI 2.10 §2.3.4.2) -------------------------- */

#define CALL(svc, type, ...)						\
	do {								\
		EFI_STATUS st_;						\
		if (misbehave(svc, &st_))				\
			return st_;					\
		return ((type)(UINTN)target(svc))(__VA_ARGS__);		\
	} while (0)

/* time-invalid: a clock driver that does not check what it read (UEFI
 * 2.10 §8.3.1's ranges); the real time is fetched so the call still takes
 * the firmware's path. */
static EFI_STATUS EFIAPI w_get_time(EFI_TIME *t, EFI_TIME_CAPABILITIES *c)
{
	EFI_STATUS st;

	if (misbehave(FWSIM_GET_TIME, &st))
		return st;
	st = ((EFI_GET_TIME)(UINTN)target(FWSIM_GET_TIME))(t, c);
	if (st == EFI_SUCCESS && armed && fwsim_plan_find(&plan, FWSIM_TIME_INVALID, FWSIM_GET_TIME)) {
		t->Month = 13;
		t->Day = 0;
		t->Hour = 25;
	}
	return st;
}

static EFI_STATUS EFIAPI w_set_time(EFI_TIME *t)
{
	CALL(FWSIM_SET_TIME, EFI_SET_TIME, t);
}

static EFI_STATUS EFIAPI w_get_wakeup_time(BOOLEAN *e, BOOLEAN *p, EFI_TIME *t)
{
	CALL(FWSIM_GET_WAKEUP_TIME, EFI_GET_WAKEUP_TIME, e, p, t);
}

static EFI_STATUS EFIAPI w_set_wakeup_time(BOOLEAN e, EFI_TIME *t)
{
	CALL(FWSIM_SET_WAKEUP_TIME, EFI_SET_WAKEUP_TIME, e, t);
}

/* UEFI 2.10 §8.2.1: on success DataSize is what was written, at most the
 * caller's buffer. overrun-data writes past that buffer; overstate-size
 * reports more than it holds. */
static EFI_STATUS EFIAPI w_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attrs,
					UINTN *size, VOID *data)
{
	const struct fwsim_action *a;
	UINTN cap = size ? *size : 0;
	EFI_STATUS st;

	if (misbehave(FWSIM_GET_VARIABLE, &st))
		return st;
	st = ((EFI_GET_VARIABLE)(UINTN)target(FWSIM_GET_VARIABLE))(name, guid, attrs, size, data);
	if (st != EFI_SUCCESS || !armed)
		return st;
	a = fwsim_plan_find(&plan, FWSIM_OVERRUN_DATA, FWSIM_GET_VARIABLE);
	if (a)
		fill((UINT8 *)data + cap, a->n);
	if (fwsim_plan_find(&plan, FWSIM_OVERSTATE_SIZE, FWSIM_GET_VARIABLE))
		*size = cap + OVERSTATE_BYTES;
	return st;
}

/* The list-* answers that replace the real call once FWSIM_LIST_GOOD names
 * of a walk were returned; FALSE: call the firmware. */
static BOOLEAN list_misbehave(UINTN *size, CHAR16 *name, UINTN cap, EFI_STATUS *st)
{
	UINTN n = 0;

	if (walk_names < FWSIM_LIST_GOOD)
		return FALSE;
	*st = EFI_SUCCESS;
	if (fwsim_plan_find(&plan, FWSIM_LIST_SAME, FWSIM_GET_NEXT_VARIABLE_NAME)) {
		while (2 * (n + 1) < cap && name[n])
			n++;
		*size = 2 * (n + 1);		/* the name it was given */
		return TRUE;
	}
	if (fwsim_plan_find(&plan, FWSIM_LIST_NONUL, FWSIM_GET_NEXT_VARIABLE_NAME)) {
		for (n = 0; n < cap / 2; n++)
			name[n] = L'N';
		*size = cap;			/* all of it, no NUL */
		return TRUE;
	}
	if (fwsim_plan_find(&plan, FWSIM_LIST_GROW, FWSIM_GET_NEXT_VARIABLE_NAME)) {
		name[0] = L'G';
		name[1] = 0;
		*size = cap + OVERSTATE_BYTES;	/* more than it was given */
		return TRUE;
	}
	return FALSE;
}

/* UEFI 2.10 §8.2.2: VariableNameSize is the size of the caller's buffer;
 * an empty name starts the walk, EFI_NOT_FOUND ends it. */
static EFI_STATUS EFIAPI w_get_next_variable_name(UINTN *size, CHAR16 *name, EFI_GUID *guid)
{
	EFI_GET_NEXT_VARIABLE_NAME real_fn =
		(EFI_GET_NEXT_VARIABLE_NAME)(UINTN)target(FWSIM_GET_NEXT_VARIABLE_NAME);
	const struct fwsim_action *a;
	UINTN cap = size ? *size : 0;
	EFI_STATUS st;

	if (misbehave(FWSIM_GET_NEXT_VARIABLE_NAME, &st))
		return st;
	if (!armed || !size || !name || cap < 4)
		return real_fn(size, name, guid);
	if (name[0] == 0)
		walk_names = 0;
	if (list_misbehave(size, name, cap, &st))
		return st;
	st = real_fn(size, name, guid);
	if (st == EFI_NOT_FOUND &&
	    fwsim_plan_find(&plan, FWSIM_LIST_RESTART, FWSIM_GET_NEXT_VARIABLE_NAME)) {
		/* Quirk (field): a variable driver whose list wraps around
		 * instead of ending, so a walk never sees EFI_NOT_FOUND. */
		name[0] = 0;
		*size = cap;
		st = real_fn(size, name, guid);
	}
	if (st == EFI_SUCCESS)
		walk_names++;
	a = fwsim_plan_find(&plan, FWSIM_OVERRUN_NAME, FWSIM_GET_NEXT_VARIABLE_NAME);
	if (st == EFI_SUCCESS && a)
		fill((UINT8 *)name + cap, a->n);
	return st;
}

static EFI_STATUS EFIAPI w_set_variable(CHAR16 *name, EFI_GUID *guid, UINT32 attrs, UINTN size,
					VOID *data)
{
	CALL(FWSIM_SET_VARIABLE, EFI_SET_VARIABLE, name, guid, attrs, size, data);
}

static EFI_STATUS EFIAPI w_get_next_high_monotonic_count(UINT32 *high)
{
	CALL(FWSIM_GET_NEXT_HIGH_MONOTONIC_COUNT, EFI_GET_NEXT_HIGH_MONO_COUNT, high);
}

static EFI_STATUS EFIAPI w_reset_system(EFI_RESET_TYPE type, EFI_STATUS status, UINTN size,
				       CHAR16 *data)
{
	CALL(FWSIM_RESET_SYSTEM, EFI_RESET_SYSTEM, type, status, size, data);
}

static EFI_STATUS EFIAPI w_update_capsule(EFI_CAPSULE_HEADER **caps, UINTN count,
					  EFI_PHYSICAL_ADDRESS sg)
{
	CALL(FWSIM_UPDATE_CAPSULE, EFI_UPDATE_CAPSULE, caps, count, sg);
}

static EFI_STATUS EFIAPI w_query_capsule_capabilities(EFI_CAPSULE_HEADER **caps, UINTN count,
						      UINT64 *max, EFI_RESET_TYPE *reset)
{
	CALL(FWSIM_QUERY_CAPSULE_CAPABILITIES, EFI_QUERY_CAPSULE_CAPABILITIES, caps, count, max,
	     reset);
}

static EFI_STATUS EFIAPI w_query_variable_info(UINT32 attrs, UINT64 *max, UINT64 *remaining,
					       UINT64 *max_var)
{
	CALL(FWSIM_QUERY_VARIABLE_INFO, EFI_QUERY_VARIABLE_INFO, attrs, max, remaining, max_var);
}

/* --- SetVirtualAddressMap ----------------------------------------------- */

/* crc-bad: after the firmware's own SetVirtualAddressMap has converted the
 * table and recomputed its CRC32 (UEFI 2.10 §4.2, §8.4), the header's
 * CRC32 is made wrong, as by a driver that patches the table and does not
 * recompute it. Still in physical mode: rts is the table's physical
 * address. */
static EFI_STATUS EFIAPI w_set_virtual_address_map(UINTN size, UINTN desc_size, UINT32 version,
						   EFI_MEMORY_DESCRIPTOR *map)
{
	EFI_STATUS st = ((EFI_SET_VIRTUAL_ADDRESS_MAP)(UINTN)phys[FWSIM_SET_VIRTUAL_ADDRESS_MAP])(
		size, desc_size, version, map);

	if (!EFI_ERROR(st) && fwsim_plan_find(&plan, FWSIM_CRC_BAD, FWSIM_NO_SVC))
		rts->Hdr.CRC32 ^= 0xFFFFFFFFU;
	return st;
}

/* UEFI 2.10 §8.4: runs inside SetVirtualAddressMap, still in physical
 * mode; ConvertPointer turns each saved pointer into its new VA. */
static VOID EFIAPI on_virtual_address_change(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	for (int s = 0; s < FWSIM_SVC_COUNT; s++)
		if (real[s])
			rts->ConvertPointer(0, (VOID **)&real[s]);
	table_va = (UINT64)(UINTN)rts;
	if (EFI_ERROR(rts->ConvertPointer(0, (VOID **)&table_va)))
		table_va = 0;
	if (fwsim_plan_find(&plan, FWSIM_SVAM_NEWVA, FWSIM_NO_SVC)) {
		/* The svam-new-va quirk (README: Firmware quirks): firmware
		 * that uses its new addresses before SetVirtualAddressMap
		 * returns, while the caller's page tables hold only the old ones. */
		volatile UINT64 *p = &probe;

		rts->ConvertPointer(0, (VOID **)&p);
		probe = *p;
	}
	armed = TRUE;
}

/* --- load --------------------------------------------------------------- */

static UINT64 wrapper(int svc)
{
	switch (svc) {
	case FWSIM_GET_TIME:			return (UINT64)(UINTN)w_get_time;
	case FWSIM_SET_TIME:			return (UINT64)(UINTN)w_set_time;
	case FWSIM_GET_WAKEUP_TIME:		return (UINT64)(UINTN)w_get_wakeup_time;
	case FWSIM_SET_WAKEUP_TIME:		return (UINT64)(UINTN)w_set_wakeup_time;
	case FWSIM_SET_VIRTUAL_ADDRESS_MAP:	return (UINT64)(UINTN)w_set_virtual_address_map;
	case FWSIM_GET_VARIABLE:		return (UINT64)(UINTN)w_get_variable;
	case FWSIM_GET_NEXT_VARIABLE_NAME:	return (UINT64)(UINTN)w_get_next_variable_name;
	case FWSIM_SET_VARIABLE:		return (UINT64)(UINTN)w_set_variable;
	case FWSIM_GET_NEXT_HIGH_MONOTONIC_COUNT:
		return (UINT64)(UINTN)w_get_next_high_monotonic_count;
	case FWSIM_RESET_SYSTEM:		return (UINT64)(UINTN)w_reset_system;
	case FWSIM_UPDATE_CAPSULE:		return (UINT64)(UINTN)w_update_capsule;
	case FWSIM_QUERY_CAPSULE_CAPABILITIES:	return (UINT64)(UINTN)w_query_capsule_capabilities;
	case FWSIM_QUERY_VARIABLE_INFO:		return (UINT64)(UINTN)w_query_variable_info;
	default:				return 0;
	}
}

/* The load options as ASCII (a Driver#### option's optional data). */
static UINTN options_text(EFI_LOADED_IMAGE *li, char *buf, UINTN cap)
{
	const CHAR16 *s = li->LoadOptions;
	UINTN n = 0, len = s ? li->LoadOptionsSize / sizeof(CHAR16) : 0;

	for (UINTN i = 0; i < len && s[i] && n + 1 < cap; i++)
		buf[n++] = s[i] < 0x80 ? (char)s[i] : '?';
	buf[n] = '\0';
	return n;
}

/* CONFIG_FILE from the root of the volume the driver was loaded from. The
 * Shell's `load` passes no arguments, and running a driver as a command is
 * refused ("The image is not an application."), so this is how a test
 * picks the misbehaviour. A missing file is an empty plan. */
static UINTN file_text(EFI_LOADED_IMAGE *li, char *buf, UINTN cap)
{
	EFI_FILE_HANDLE root = LibOpenRoot(li->DeviceHandle), f;
	UINTN n = cap - 1;

	buf[0] = '\0';
	if (!root)
		return 0;
	if (EFI_ERROR(root->Open(root, &f, CONFIG_FILE, EFI_FILE_MODE_READ, 0))) {
		root->Close(root);
		return 0;
	}
	if (EFI_ERROR(f->Read(f, &n, buf)))
		n = 0;
	buf[n] = '\0';
	f->Close(f);
	root->Close(root);
	return n;
}

/* Points the planned entries of the table at the wrappers. UEFI 2.10 §4.2:
 * the header CRC32 covers HeaderSize bytes, computed with CRC32 zero. */
static EFI_STATUS wrap_services(void)
{
	UINT64 *fn = (UINT64 *)((UINT8 *)rts + sizeof(EFI_TABLE_HEADER));
	EFI_TPL old = BS->RaiseTPL(TPL_HIGH_LEVEL);
	EFI_STATUS st;
	UINT32 crc = 0;

	for (unsigned i = 0; i < plan.count; i++) {
		int s = plan.a[i].svc;

		if (s < 0 || real[s] || !wrapper(s))
			continue;
		real[s] = phys[s] = fn[s];
		fn[s] = wrapper(s);
	}
	rts->Hdr.CRC32 = 0;
	st = BS->CalculateCrc32(rts, rts->Hdr.HeaderSize, &crc);
	rts->Hdr.CRC32 = crc;
	BS->RestoreTPL(old);
	return st;
}

/* A copy of the MAT with the entry that holds [code, code_end) split in up
 * to three, the middle one RO and executable; *out NULL when nothing needs
 * to change (no such entry, or it is already split). */
static EFI_STATUS mat_split(const struct mat_header *old, struct mat_header **out)
{
	UINT64 code = (UINT64)(UINTN)_text & ~(UINT64)EFI_PAGE_MASK;
	UINT64 code_end = ((UINT64)(UINTN)_etext + EFI_PAGE_MASK) & ~(UINT64)EFI_PAGE_MASK;
	struct mat_header *mat;
	const UINT8 *src;
	UINT8 *dst;
	EFI_STATUS st;

	*out = NULL;
	st = BS->AllocatePool(EfiBootServicesData,
			      sizeof(*old) + (old->count + 2) * (UINTN)old->desc_size, (VOID **)&mat);
	if (EFI_ERROR(st))
		return st;
	*mat = *old;
	mat->count = 0;
	src = (UINT8 *)(old + 1);
	dst = (UINT8 *)(mat + 1);
	for (UINT32 i = 0; i < old->count; i++, src += old->desc_size) {
		EFI_MEMORY_DESCRIPTOR d = *(EFI_MEMORY_DESCRIPTOR *)src;
		UINT64 end = d.PhysicalStart + (d.NumberOfPages << EFI_PAGE_SHIFT);
		EFI_MEMORY_DESCRIPTOR piece[3];
		UINT32 n = 0;

		if (code < d.PhysicalStart || code_end > end ||
		    (d.PhysicalStart == code && end == code_end)) {
			piece[n++] = d;
		} else {
			piece[0] = piece[1] = piece[2] = d;
			if (code > d.PhysicalStart) {
				piece[n].NumberOfPages = (code - d.PhysicalStart) >> EFI_PAGE_SHIFT;
				n++;
			}
			piece[n].PhysicalStart = code;
			piece[n].NumberOfPages = (code_end - code) >> EFI_PAGE_SHIFT;
			piece[n].Attribute = (d.Attribute & ~EFI_MEMORY_XP) | EFI_MEMORY_RO;
			n++;
			if (end > code_end) {
				piece[n].PhysicalStart = code_end;
				piece[n].NumberOfPages = (end - code_end) >> EFI_PAGE_SHIFT;
				n++;
			}
		}
		for (UINT32 k = 0; k < n; k++, dst += old->desc_size) {
			CopyMem(dst, src, old->desc_size);
			CopyMem(dst, &piece[k], sizeof(piece[k]));
			mat->count++;
		}
	}
	if (mat->count == old->count)
		BS->FreePool(mat);
	else
		*out = mat;
	return EFI_SUCCESS;
}

static EFI_INSTALL_CONFIGURATION_TABLE real_install_config;

/* EDK2 first installs MAX_ADDRESS to reserve the slot, then the table. */
static EFI_STATUS EFIAPI hook_install_config(EFI_GUID *guid, VOID *table)
{
	struct mat_header *mat = NULL;

	if (table && (UINTN)table != ~(UINTN)0 && CompareGuid(guid, &mat_guid) == 0 &&
	    !EFI_ERROR(mat_split(table, &mat)) && mat)
		table = mat;
	return real_install_config(guid, table);
}

/* Splits the MAT installed now, if any, and every one installed later.
 * UEFI 2.10 §4.2: the boot services table's CRC32 covers its header. */
static EFI_STATUS mat_hook(void)
{
	struct mat_header *mat = NULL;
	EFI_STATUS st = EFI_SUCCESS;
	UINT32 crc = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &mat_guid) == 0)
			st = mat_split(ST->ConfigurationTable[i].VendorTable, &mat);
	if (!EFI_ERROR(st) && mat)
		st = BS->InstallConfigurationTable(&mat_guid, mat);
	if (EFI_ERROR(st))
		return st;
	real_install_config = BS->InstallConfigurationTable;
	BS->InstallConfigurationTable = hook_install_config;
	BS->Hdr.CRC32 = 0;
	st = BS->CalculateCrc32(BS, BS->Hdr.HeaderSize, &crc);
	BS->Hdr.CRC32 = crc;
	return st;
}

static void report(void)
{
	if (plan.count == 0)
		Print(L"hvfwsim: no misbehaviour: every service passes through\n");
	for (unsigned i = 0; i < plan.count; i++) {
		const struct fwsim_action *a = &plan.a[i];

		Print(L"hvfwsim: %a in %a", fwsim_kind_name(a->kind), fwsim_svc_name(a->svc));
		if (a->kind == FWSIM_PHYS_PTR)
			Print(L", kept at pa 0x%lx", phys[a->svc]);
		if (a->kind == FWSIM_BS_DATA)
			Print(L", buffer at pa 0x%lx", bs_buf_pa);
		if (a->kind == FWSIM_OVERRUN_NAME || a->kind == FWSIM_OVERRUN_DATA)
			Print(L", %ld bytes", a->n);
		if (a->kind == FWSIM_SLOW)
			Print(L", %ld ms (TSC %ld kHz)", a->n, tsc_per_ms);
		Print(L"\n");
	}
}

/* memattr, memattr-refuse: an EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10,
 * "EFI Memory Attribute Protocol") as firmware with strict memory
 * protection offers it, recording every call on the console so a test can
 * check what the loader asked for. It changes no mapping (OVMF 2022.11
 * maps LoaderCode executable anyway); the refusing one answers
 * EFI_ACCESS_DENIED to ClearMemoryAttributes, as a firmware that will not
 * make a page executable would. Called only before ExitBootServices. */
struct memattr_protocol {
	EFI_STATUS (EFIAPI *get)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 length, UINT64 *attributes);
	EFI_STATUS (EFIAPI *set)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 length, UINT64 attributes);
	EFI_STATUS (EFIAPI *clear)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				   UINT64 length, UINT64 attributes);
};

static EFI_GUID memattr_guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
				 { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };

static EFI_STATUS EFIAPI ma_get(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				UINT64 length, UINT64 *attributes)
{
	(void)self;
	Print(L"hvfwsim: memattr get 0x%lx +0x%lx\n", base, length);
	*attributes = 0x4000;	/* EFI_MEMORY_XP: fresh pages are NX */
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI ma_set(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				UINT64 length, UINT64 attributes)
{
	(void)self;
	Print(L"hvfwsim: memattr set 0x%lx +0x%lx 0x%lx\n", base, length, attributes);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI ma_clear(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				  UINT64 length, UINT64 attributes)
{
	(void)self;
	Print(L"hvfwsim: memattr clear 0x%lx +0x%lx 0x%lx\n", base, length, attributes);
	return fwsim_plan_find(&plan, FWSIM_MEMATTR_REFUSE, FWSIM_NO_SVC) ? EFI_ACCESS_DENIED
									   : EFI_SUCCESS;
}

static struct memattr_protocol memattr = { ma_get, ma_set, ma_clear };

static EFI_STATUS offer_memattr(void)
{
	EFI_HANDLE h = NULL;

	if (!fwsim_plan_find(&plan, FWSIM_MEMATTR, FWSIM_NO_SVC) &&
	    !fwsim_plan_find(&plan, FWSIM_MEMATTR_REFUSE, FWSIM_NO_SVC))
		return EFI_SUCCESS;
	return BS->InstallProtocolInterface(&h, &memattr_guid, EFI_NATIVE_INTERFACE, &memattr);
}

/* ReadyToBoot (UEFI 2.10 §7.1): consoles are connected by now; a
 * Driver#### option runs before they are. */
static VOID EFIAPI on_ready_to_boot(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	if (!reported)
		report();
	reported = TRUE;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	char text[OPTIONS_MAX];
	const char *why;
	UINTN len;
	EFI_STATUS st;

	InitializeLib(image, systab);
	rts = systab->RuntimeServices;
	st = BS->HandleProtocol(image, &LoadedImageProtocol, (VOID **)&li);
	if (EFI_ERROR(st))
		return st;
	/* The runtime-driver subsystem puts the whole image in runtime
	 * memory (UEFI 2.10 §7.4.1 LoadImage); anything else would vanish
	 * from the hypervisor's map. */
	if (li->ImageCodeType != EfiRuntimeServicesCode) {
		Print(L"hvfwsim: not loaded as a runtime driver (code type %d)\n", li->ImageCodeType);
		return EFI_LOAD_ERROR;
	}
	len = options_text(li, text, sizeof(text));
	why = fwsim_plan_parse(text, len, &plan);
	if (!why && plan.count == 0) {
		len = file_text(li, text, sizeof(text));
		why = fwsim_plan_parse(text, len, &plan);
	}
	if (why) {
		text[plan.bad_at + plan.bad_len] = '\0';
		Print(L"hvfwsim: '%a': %a\n", text + plan.bad_at, why);
		return EFI_INVALID_PARAMETER;
	}
	if (fwsim_plan_find(&plan, FWSIM_BS_DATA, FWSIM_NO_SVC)) {
		VOID *buf;

		st = BS->AllocatePool(EfiBootServicesData, EFI_PAGE_SIZE, &buf);
		if (EFI_ERROR(st))
			return st;
		bs_buf_pa = (UINT64)(UINTN)buf;
	}
	if (fwsim_plan_find(&plan, FWSIM_SLOW, FWSIM_NO_SVC)) {
		/* The TSC against the firmware's Stall (UEFI 2.10 §7.5), 50 ms. */
		UINT64 t0 = cpu_rdtsc();

		BS->Stall(50000);
		tsc_per_ms = (cpu_rdtsc() - t0) / 50;
	}
	st = BS->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_ready_to_boot, NULL,
			       &ready_to_boot_guid, &rtb_event);
	if (EFI_ERROR(st))
		goto fail;
	st = BS->CreateEvent(EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, TPL_NOTIFY,
			     on_virtual_address_change, NULL, &va_event);
	if (EFI_ERROR(st))
		goto fail_rtb;
	st = wrap_services();
	if (!EFI_ERROR(st))
		st = offer_memattr();
	if (EFI_ERROR(st))
		goto fail_va;
	/* Last: from here on the image must stay loaded. */
	st = mat_hook();
	if (EFI_ERROR(st))
		Print(L"hvfwsim: cannot update the Memory Attributes Table: %r\n", st);
	return EFI_SUCCESS;

	/* Nothing of this image may stay registered once it is unloaded. */
fail_va:
	BS->CloseEvent(va_event);
fail_rtb:
	BS->CloseEvent(rtb_event);
fail:
	Print(L"hvfwsim: cannot install: %r\n", st);
	return st;
}
