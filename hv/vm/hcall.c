/* Hypercalls (README: Hypercall ABI). The order of the checks is the
 * order of the bytes: the range of the request against guest memory
 * before any byte of it is read, the header, then the name and the data
 * the header describes, then the policy, and only then a service. Every
 * field is read with byte loads (a request may sit at any address) and
 * read once: the guest is stopped while we look, and what we checked is
 * what we use. */
#include "hcall.h"
#include "loader/bytes.h"

/* Where a field of a request struct (hvguest.h) lies in guest memory. */
#define VAR(field)	offsetof(struct hvcall_var_req, field)
#define VARINFO(field)	offsetof(struct hvcall_varinfo_req, field)
#define TIME(field)	offsetof(struct hvcall_time_req, field)

/* The boot chain's vendor GUIDs (README: Policy): what their variables
 * steer is why no guest may write them. */
static const struct efi_guid boot_chain_guids[] = {
	/* 8be4df61-…: EFI global: Boot####, BootOrder, BootNext, PK, KEK,
	 * SecureBoot, … (UEFI 2.10 §3.3). */
	{ 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } },
	/* d719b2cb-…: image security database: db, dbx, dbt, dbr (§32.6.1). */
	{ 0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } },
	/* 605dab50-…: shim's MOK variables (MokList, MokSBState, SbatLevel, …):
	 * the keys and policy shim trusts beside db. */
	{ 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } },
	/* 4a67b082-…: systemd-boot's loader interface (LoaderEntryOneShot,
	 * LoaderEntryDefault, LoaderConfigTimeout, …): the next boot's entry. */
	{ 0x4a67b082, 0x0a4c, 0x41cf, { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } },
	/* e20939be-…: MemoryOverwriteRequestControl (TCG Platform Reset Attack
	 * Mitigation): whether RAM is wiped at the next boot. */
	{ 0xe20939be, 0x32d4, 0x41be, { 0xa1, 0x50, 0x89, 0x7f, 0x85, 0xd4, 0x98, 0x29 } },
	/* bb983ccf-…: MemoryOverwriteRequestControlLock, its lock. */
	{ 0xbb983ccf, 0x151d, 0x40e1, { 0xa0, 0x7b, 0x4a, 0x17, 0xbe, 0x16, 0x82, 0x92 } },
	/* aeb9c5c1-…: Tcg2PhysicalPresence (TCG PC Client Physical Presence
	 * Interface): TPM operations, a TPM clear among them, run at the next
	 * boot. */
	{ 0xaeb9c5c1, 0x94f1, 0x4d02, { 0xbf, 0xd9, 0x46, 0x02, 0xdb, 0x2d, 0x3c, 0x54 } },
	/* 711c703f-…: EDK2's capsule vendor GUID (CapsuleUpdateData): a
	 * firmware update processed at the next reset. */
	{ 0x711c703f, 0xc285, 0x4b10, { 0xa3, 0xb0, 0x36, 0xec, 0xbd, 0x3c, 0x8b, 0xe2 } },
};

static const char *const hcall_names[HVCALL_COUNT] = {
	[HVCALL_VERSION] = "version",
	[HVCALL_GET_VARIABLE] = "GetVariable",
	[HVCALL_GET_NEXT_VARIABLE_NAME] = "GetNextVariableName",
	[HVCALL_SET_VARIABLE] = "SetVariable",
	[HVCALL_QUERY_VARIABLE_INFO] = "QueryVariableInfo",
	[HVCALL_GET_TIME] = "GetTime",
	[HVCALL_RESET_SYSTEM] = "ResetSystem",
};

const char *hcall_name(uint64_t fn)
{
	return fn < HVCALL_COUNT ? hcall_names[fn] : NULL;
}

bool hcall_range_ok(uint64_t mem_bytes, uint64_t gpa, uint64_t size)
{
	return gpa < mem_bytes && size <= mem_bytes - gpa;
}

efi_status_t hcall_check_var(const uint8_t *mem, uint64_t mem_bytes, uint64_t fn,
			     uint64_t gpa, uint64_t size, struct hcall_var_req *out)
{
	const uint8_t *req, *name;
	uint64_t after_name, i;
	bool nul = false;

	if (fn != HVCALL_GET_VARIABLE && fn != HVCALL_GET_NEXT_VARIABLE_NAME &&
	    fn != HVCALL_SET_VARIABLE)
		return EFI_INVALID_PARAMETER;
	if (!hcall_range_ok(mem_bytes, gpa, size) || size < sizeof(struct hvcall_var_req))
		return EFI_INVALID_PARAMETER;
	req = mem + gpa;
	efivar_guid_load(req + VAR(guid), &out->guid);
	out->attributes = ld32(req + VAR(attributes));
	out->name_size = ld32(req + VAR(name_size));
	out->data_size = ld64(req + VAR(data_size));
	out->name_gpa = gpa + sizeof(struct hvcall_var_req);

	/* UTF-16: whole units, at least the NUL, no more than the bounce
	 * buffer carries. */
	if (out->name_size < 2 || (out->name_size & 1) || out->name_size > HCALL_NAME_MAX)
		return EFI_INVALID_PARAMETER;
	after_name = sizeof(struct hvcall_var_req) + (uint64_t)out->name_size;
	if (after_name > size)
		return EFI_INVALID_PARAMETER;
	name = req + sizeof(struct hvcall_var_req);
	for (i = 0; i < out->name_size; i += 2) {
		if (ld16(name + i) == 0) {
			nul = true;
			break;
		}
	}
	if (!nul)
		return EFI_INVALID_PARAMETER;

	out->data_gpa = gpa + after_name;
	if (fn == HVCALL_GET_NEXT_VARIABLE_NAME)
		return 0;
	if (out->data_size > size - after_name)
		return EFI_INVALID_PARAMETER;
	if (fn == HVCALL_SET_VARIABLE && out->data_size > RT_DATA_MAX)
		return EFI_INVALID_PARAMETER;
	return 0;
}

efi_status_t hcall_policy_check(const struct hcall_policy *p, uint64_t fn,
				const struct efi_guid *guid)
{
	if (p->mode == HV_GUEST_VARS_NONE)
		return EFI_ACCESS_DENIED;
	if (fn != HVCALL_SET_VARIABLE)
		return 0;
	if (p->mode != HV_GUEST_VARS_WRITE || !guid || !efivar_guid_equal(guid, &p->guid))
		return EFI_WRITE_PROTECTED;
	/* Whatever the config says, a guest never steers boot or Secure Boot. */
	if (hcall_guid_boot_chain(guid))
		return EFI_WRITE_PROTECTED;
	return 0;
}

bool hcall_guid_boot_chain(const struct efi_guid *guid)
{
	for (size_t i = 0; i < sizeof(boot_chain_guids) / sizeof(boot_chain_guids[0]); i++)
		if (efivar_guid_equal(guid, &boot_chain_guids[i]))
			return true;
	return false;
}

uint32_t hcall_policy_mode(uint32_t cfg_mode, uint32_t secure_boot, bool pinned,
			   const char **why)
{
	*why = NULL;
	/* The config is unsigned: under Secure Boot only the signed loader's
	 * pin may let a module write (the same fail-closed rule as hv.elf's
	 * pin: anything but a known "off" enforces it). */
	if (cfg_mode == HV_GUEST_VARS_WRITE && secure_boot != HV_SECURE_BOOT_OFF && !pinned) {
		*why = secure_boot == HV_SECURE_BOOT_ON ?
		       "write needs a module the signed loader pins (Secure Boot is on)" :
		       "write needs a module the signed loader pins (Secure Boot is not known to be off)";
		return HV_GUEST_VARS_READ;
	}
	return cfg_mode;
}

efi_status_t hcall_store_check(const struct hcall_env *env, uint32_t attrs,
			       uint64_t charge_bytes)
{
	uint64_t max_storage, remaining, max_var;
	efi_status_t st;

	if (!(attrs & EFI_VARIABLE_NON_VOLATILE) || charge_bytes == 0)
		return 0;
	if (charge_bytes > HCALL_NV_BUDGET_BYTES - env->nv_written_bytes)
		return EFI_OUT_OF_RESOURCES;
	st = env->svc->query_variable_info(attrs, &max_storage, &remaining, &max_var);
	if (st)
		return st;
	/* Linux's efivars refuses when remaining - size < EFI_MIN_RESERVE;
	 * here the entry's overhead counts too, and the test is written
	 * without a subtraction that could wrap. */
	if (remaining < HCALL_NV_RESERVE_BYTES ||
	    charge_bytes + HCALL_NV_ENTRY_OVERHEAD > remaining - HCALL_NV_RESERVE_BYTES)
		return EFI_OUT_OF_RESOURCES;
	return 0;
}

/* The name, copied out of guest memory into an aligned buffer (checked:
 * NUL-terminated within name_size <= RT_NAME_MAX). */
static void copy_name(const struct hcall_env *env, const struct hcall_var_req *r,
		      uint16_t name[RT_NAME_MAX / 2])
{
	const uint8_t *p = env->mem + r->name_gpa;

	for (uint32_t i = 0; i < r->name_size / 2; i++)
		name[i] = ld16(p + 2 * i);
}

static uint64_t hcall_var(struct hcall_env *env, uint64_t fn, uint64_t gpa,
			  uint64_t size)
{
	static uint16_t name[RT_NAME_MAX / 2];
	struct hcall_var_req r;
	uint8_t *req;
	efi_status_t st;

	st = hcall_check_var(env->mem, env->mem_bytes, fn, gpa, size, &r);
	if (st)
		return st;
	req = env->mem + gpa;
	st = hcall_policy_check(&env->policy, fn, &r.guid);
	if (st)
		return st;
	copy_name(env, &r, name);

	if (fn == HVCALL_GET_VARIABLE) {
		size_t n = r.data_size < RT_DATA_MAX ? r.data_size : RT_DATA_MAX;
		uint32_t attrs = 0;

		st = env->svc->get_variable(name, &r.guid, &attrs, env->mem + r.data_gpa, &n);
		if (st == EFI_SUCCESS || st == EFI_BUFFER_TOO_SMALL) {
			st32(req + VAR(attributes), attrs);
			st64(req + VAR(data_size), n);
		}
		return st;
	}
	if (fn == HVCALL_SET_VARIABLE) {
		uint64_t charge = r.data_size ? r.data_size + r.name_size : 0;

		st = hcall_store_check(env, r.attributes, charge);
		if (st)
			return st;
		st = env->svc->set_variable(name, &r.guid, r.attributes, env->mem + r.data_gpa,
					    r.data_size);
		if (st == EFI_SUCCESS && (r.attributes & EFI_VARIABLE_NON_VOLATILE))
			env->nv_written_bytes += charge;
		return st;
	}

	/* GetNextVariableName: ask with the largest buffer, then give the
	 * guest the name if it fits, else the size it needs (UEFI 2.10 §8.2.2). */
	st = env->svc->get_next_variable_name(name, RT_NAME_MAX / 2, &r.guid);
	if (st == EFI_SUCCESS) {
		uint32_t n = 0;

		while (n < RT_NAME_MAX / 2 - 1 && name[n])
			n++;
		n = 2 * (n + 1);
		st32(req + VAR(name_size), n);
		if (n > r.name_size)
			return EFI_BUFFER_TOO_SMALL;
		efivar_guid_store(&r.guid, req + VAR(guid));
		for (uint32_t i = 0; i < n / 2; i++)
			st16(req + sizeof(struct hvcall_var_req) + 2 * i, name[i]);
	}
	return st;
}

static uint64_t hcall_varinfo(const struct hcall_env *env, uint64_t gpa, uint64_t size)
{
	uint64_t max_storage, remaining, max_var;
	uint8_t *req;
	efi_status_t st;

	if (!hcall_range_ok(env->mem_bytes, gpa, size) || size < sizeof(struct hvcall_varinfo_req))
		return EFI_INVALID_PARAMETER;
	st = hcall_policy_check(&env->policy, HVCALL_QUERY_VARIABLE_INFO, NULL);
	if (st)
		return st;
	req = env->mem + gpa;
	st = env->svc->query_variable_info(ld32(req + VARINFO(attributes)), &max_storage,
					   &remaining, &max_var);
	if (st == EFI_SUCCESS) {
		st64(req + VARINFO(max_storage), max_storage);
		st64(req + VARINFO(remaining), remaining);
		st64(req + VARINFO(max_variable), max_var);
	}
	return st;
}

static uint64_t hcall_time(const struct hcall_env *env, uint64_t gpa, uint64_t size)
{
	struct efi_time t;
	struct efi_time_cap cap;
	efi_status_t st;

	if (!hcall_range_ok(env->mem_bytes, gpa, size) || size < sizeof(struct hvcall_time_req))
		return EFI_INVALID_PARAMETER;
	st = env->svc->get_time(&t, &cap);
	if (st == EFI_SUCCESS) {
		_Static_assert(sizeof(t) == TIME(resolution), "EFI_TIME, then the capabilities");
		_Static_assert(sizeof(cap) == sizeof(struct hvcall_time_req) - TIME(resolution),
			       "EFI_TIME_CAPABILITIES");
		__builtin_memcpy(env->mem + gpa, &t, sizeof(t));
		__builtin_memcpy(env->mem + gpa + TIME(resolution), &cap, sizeof(cap));
	}
	return st;
}

uint64_t hcall_dispatch(struct hcall_env *env, uint64_t fn, uint64_t gpa, uint64_t size)
{
	switch (fn) {
	case HVCALL_VERSION:
		return HVCALL_ABI_VERSION;
	case HVCALL_GET_VARIABLE:
	case HVCALL_GET_NEXT_VARIABLE_NAME:
	case HVCALL_SET_VARIABLE:
		return hcall_var(env, fn, gpa, size);
	case HVCALL_QUERY_VARIABLE_INFO:
		return hcall_varinfo(env, gpa, size);
	case HVCALL_GET_TIME:
		return hcall_time(env, gpa, size);
	default:
		return EFI_UNSUPPORTED;
	}
}
