/* Hypercalls (README: Hypercall ABI). The order of the checks is the
 * order of the bytes: the range of the request against guest memory
 * before any byte of it is read, the header, then the name and the data
 * the header describes, then the policy, and only then a service. Every
 * field is read with byte loads (a request may sit at any address) and
 * read once: the guest is stopped while we look, and what we checked is
 * what we use. */
#include "hcall.h"
#include "loader/bytes.h"

/* d719b2cb-3d3a-4596-a3bc-dad00e67656f: db, dbx, dbt, dbr (UEFI 2.10 §32.6.1). */
static const struct efi_guid image_security_guid = {
	0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f }
};

static const char *const hcall_names[HCALL_COUNT] = {
	[HCALL_VERSION] = "version",
	[HCALL_GET_VARIABLE] = "GetVariable",
	[HCALL_GET_NEXT_VARIABLE_NAME] = "GetNextVariableName",
	[HCALL_SET_VARIABLE] = "SetVariable",
	[HCALL_QUERY_VARIABLE_INFO] = "QueryVariableInfo",
	[HCALL_GET_TIME] = "GetTime",
};

const char *hcall_name(uint64_t fn)
{
	return fn < HCALL_COUNT ? hcall_names[fn] : NULL;
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

	if (fn != HCALL_GET_VARIABLE && fn != HCALL_GET_NEXT_VARIABLE_NAME &&
	    fn != HCALL_SET_VARIABLE)
		return HCALL_INVALID_PARAMETER;
	if (!hcall_range_ok(mem_bytes, gpa, size) || size < HCALL_VAR_HDR)
		return HCALL_INVALID_PARAMETER;
	req = mem + gpa;
	efivar_guid_load(req, &out->guid);
	out->attributes = ld32(req + 16);
	out->name_size = ld32(req + 20);
	out->data_size = ld64(req + 24);
	out->name_gpa = gpa + HCALL_VAR_HDR;

	/* UTF-16: whole units, at least the NUL, no more than the bounce
	 * buffer carries. */
	if (out->name_size < 2 || (out->name_size & 1) || out->name_size > RT_NAME_MAX)
		return HCALL_INVALID_PARAMETER;
	after_name = HCALL_VAR_HDR + (uint64_t)out->name_size;
	if (after_name > size)
		return HCALL_INVALID_PARAMETER;
	name = req + HCALL_VAR_HDR;
	for (i = 0; i < out->name_size; i += 2) {
		if (ld16(name + i) == 0) {
			nul = true;
			break;
		}
	}
	if (!nul)
		return HCALL_INVALID_PARAMETER;

	out->data_gpa = gpa + after_name;
	if (fn == HCALL_GET_NEXT_VARIABLE_NAME)
		return 0;
	if (out->data_size > size - after_name)
		return HCALL_INVALID_PARAMETER;
	if (fn == HCALL_SET_VARIABLE && out->data_size > RT_DATA_MAX)
		return HCALL_INVALID_PARAMETER;
	return 0;
}

efi_status_t hcall_policy_check(const struct hcall_policy *p, uint64_t fn,
				const struct efi_guid *guid)
{
	if (p->mode == HV_GUEST_VARS_NONE)
		return HCALL_ACCESS_DENIED;
	if (fn != HCALL_SET_VARIABLE)
		return 0;
	if (p->mode != HV_GUEST_VARS_WRITE || !guid || !efivar_guid_equal(guid, &p->guid))
		return HCALL_WRITE_PROTECTED;
	/* BootOrder, Boot####, Driver####, PK, KEK, db, dbx, …: whatever the
	 * config says, a guest never steers boot or Secure Boot. */
	if (efivar_guid_equal(guid, &EFI_GLOBAL_VARIABLE_GUID) ||
	    efivar_guid_equal(guid, &image_security_guid))
		return HCALL_WRITE_PROTECTED;
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

static uint64_t hcall_var(const struct hcall_env *env, uint64_t fn, uint64_t gpa,
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

	if (fn == HCALL_GET_VARIABLE) {
		size_t n = r.data_size < RT_DATA_MAX ? r.data_size : RT_DATA_MAX;
		uint32_t attrs = 0;

		st = env->svc->get_variable(name, &r.guid, &attrs, env->mem + r.data_gpa, &n);
		if (st == RT_SUCCESS || st == HCALL_BUFFER_TOO_SMALL) {
			st32(req + 16, attrs);
			st64(req + 24, n);
		}
		return st;
	}
	if (fn == HCALL_SET_VARIABLE)
		return env->svc->set_variable(name, &r.guid, r.attributes, env->mem + r.data_gpa,
					      r.data_size);

	/* GetNextVariableName: ask with the largest buffer, then give the
	 * guest the name if it fits, else the size it needs (UEFI 2.10 §8.2.2). */
	st = env->svc->get_next_variable_name(name, RT_NAME_MAX / 2, &r.guid);
	if (st == RT_SUCCESS) {
		uint32_t n = 0;

		while (n < RT_NAME_MAX / 2 - 1 && name[n])
			n++;
		n = 2 * (n + 1);
		st32(req + 20, n);
		if (n > r.name_size)
			return HCALL_BUFFER_TOO_SMALL;
		efivar_guid_store(&r.guid, req);
		for (uint32_t i = 0; i < n / 2; i++) {
			req[HCALL_VAR_HDR + 2 * i] = (uint8_t)name[i];
			req[HCALL_VAR_HDR + 2 * i + 1] = (uint8_t)(name[i] >> 8);
		}
	}
	return st;
}

static uint64_t hcall_varinfo(const struct hcall_env *env, uint64_t gpa, uint64_t size)
{
	uint64_t max_storage, remaining, max_var;
	uint8_t *req;
	efi_status_t st;

	if (!hcall_range_ok(env->mem_bytes, gpa, size) || size < HCALL_VARINFO_SIZE)
		return HCALL_INVALID_PARAMETER;
	st = hcall_policy_check(&env->policy, HCALL_QUERY_VARIABLE_INFO, NULL);
	if (st)
		return st;
	req = env->mem + gpa;
	st = env->svc->query_variable_info(ld32(req), &max_storage, &remaining, &max_var);
	if (st == RT_SUCCESS) {
		st64(req + 8, max_storage);
		st64(req + 16, remaining);
		st64(req + 24, max_var);
	}
	return st;
}

static uint64_t hcall_time(const struct hcall_env *env, uint64_t gpa, uint64_t size)
{
	struct efi_time t;
	struct efi_time_cap cap;
	efi_status_t st;

	if (!hcall_range_ok(env->mem_bytes, gpa, size) || size < HCALL_TIME_SIZE)
		return HCALL_INVALID_PARAMETER;
	st = env->svc->get_time(&t, &cap);
	if (st == RT_SUCCESS) {
		__builtin_memcpy(env->mem + gpa, &t, sizeof(t));
		__builtin_memcpy(env->mem + gpa + sizeof(t), &cap, 12);
	}
	return st;
}

uint64_t hcall_dispatch(const struct hcall_env *env, uint64_t fn, uint64_t gpa, uint64_t size)
{
	switch (fn) {
	case HCALL_VERSION:
		return HCALL_ABI_VERSION;
	case HCALL_GET_VARIABLE:
	case HCALL_GET_NEXT_VARIABLE_NAME:
	case HCALL_SET_VARIABLE:
		return hcall_var(env, fn, gpa, size);
	case HCALL_QUERY_VARIABLE_INFO:
		return hcall_varinfo(env, gpa, size);
	case HCALL_GET_TIME:
		return hcall_time(env, gpa, size);
	default:
		return HCALL_UNSUPPORTED;
	}
}
