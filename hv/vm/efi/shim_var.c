/* The variable services of the guest's EFI (UEFI 2.10 §8.2), inside the
 * guest: each checks the caller's arguments as the spec lists them, copies
 * what the hypervisor needs into the shim's hypercall buffer, makes the
 * hypercall with that buffer's guest-physical address, and copies the
 * answer back, checked against what was asked (the buffer is guest memory;
 * a result that does not fit what was asked is EFI_DEVICE_ERROR, never a
 * copy past the caller's buffer). Limits: names of EFISHIM_NAME_MAX bytes
 * with the NUL, data of EFISHIM_DATA_MAX bytes (README: The Linux guest's
 * EFI). */
#include "shim.h"
#include "hv/lib.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Bytes of the caller's UTF-16 name with its NUL, looking at no more than
 * min(cap_bytes, EFISHIM_NAME_MAX) bytes of it; 0 when no NUL is there. */
static uint32_t name_bytes(const void *name, uint64_t cap_bytes)
{
	const uint8_t *p = name;
	uint64_t units = min_u64(cap_bytes, EFISHIM_NAME_MAX) / 2;

	for (uint64_t i = 0; i < units; i++)
		if (p[2 * i] == 0 && p[2 * i + 1] == 0)
			return (uint32_t)(2 * (i + 1));
	return 0;
}

static struct hvcall_var_req *var_req(struct efishim_data *d, const void *guid, uint32_t attributes,
				    uint32_t name_size, uint64_t data_size)
{
	struct hvcall_var_req *r = (struct hvcall_var_req *)d->call;

	memcpy(r->guid, guid, sizeof(r->guid));
	r->attributes = attributes;
	r->name_size = name_size;
	r->data_size = data_size;
	return r;
}

static uint64_t get_variable(const uint16_t *name, const void *guid, uint32_t *attributes,
			     uint64_t *data_size, void *data)
{
	struct efishim_data *d = shim_data();
	struct hvcall_var_req *r;
	uint64_t want, room, got, st;
	uint32_t nb, attrs;

	if (!(d->state.supported & EFI_RT_SUPPORTED_GET_VARIABLE))
		return EFI_UNSUPPORTED;
	if (!name || !guid || !data_size)
		return EFI_INVALID_PARAMETER;
	nb = name_bytes(name, EFISHIM_NAME_MAX);
	if (!nb)
		return EFI_INVALID_PARAMETER;
	if (nb == 2)
		return EFI_NOT_FOUND;	/* no variable has an empty name */
	want = *data_size;
	room = data ? min_u64(want, EFISHIM_DATA_MAX) : 0;
	r = var_req(d, guid, 0, nb, room);
	memcpy(d->call + SHIM_VAR_HDR, name, nb);

	st = efishim_hypercall(HVCALL_GET_VARIABLE, shim_call_gpa(), SHIM_VAR_HDR + nb + room);
	got = r->data_size;
	attrs = r->attributes;
	if (st == EFI_SUCCESS) {
		if (got > room)
			return EFI_DEVICE_ERROR;
		if (got)
			memcpy(data, d->call + SHIM_VAR_HDR + nb, got);
		*data_size = got;
		if (attributes)
			*attributes = attrs;
		return EFI_SUCCESS;
	}
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	if (got > want) {
		/* UEFI 2.10 §8.2.1: the size needed, and the attributes too. */
		*data_size = got;
		if (attributes)
			*attributes = attrs;
		return EFI_BUFFER_TOO_SMALL;
	}
	/* The caller's buffer is large enough: with no buffer that is the
	 * spec's EFI_INVALID_PARAMETER; else the variable is larger than the
	 * shim carries. */
	return data ? EFI_DEVICE_ERROR : EFI_INVALID_PARAMETER;
}

static uint64_t get_next_variable_name(uint64_t *name_size, uint16_t *name, void *guid)
{
	struct efishim_data *d = shim_data();
	struct hvcall_var_req *r;
	uint64_t cap, room, got, st;
	uint32_t nb;

	if (!(d->state.supported & EFI_RT_SUPPORTED_GET_NEXT_VARIABLE_NAME))
		return EFI_UNSUPPORTED;
	if (!name_size || !name || !guid)
		return EFI_INVALID_PARAMETER;
	cap = *name_size;
	/* UEFI 2.10 §8.2.2: the NUL must lie within VariableNameSize bytes. */
	nb = name_bytes(name, cap);
	if (!nb)
		return EFI_INVALID_PARAMETER;
	room = min_u64(cap & ~1ULL, EFISHIM_NAME_MAX);
	r = var_req(d, guid, 0, (uint32_t)room, 0);
	memcpy(d->call + SHIM_VAR_HDR, name, nb);

	st = efishim_hypercall(HVCALL_GET_NEXT_VARIABLE_NAME, shim_call_gpa(), SHIM_VAR_HDR + room);
	got = r->name_size;
	if (st == EFI_SUCCESS) {
		const uint8_t *out = d->call + SHIM_VAR_HDR;

		if (got < 2 || (got & 1) || got > room || out[got - 2] || out[got - 1])
			return EFI_DEVICE_ERROR;
		memcpy(name, out, got);
		memcpy(guid, r->guid, sizeof(r->guid));
		*name_size = got;
		return EFI_SUCCESS;
	}
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	if (got > cap) {
		*name_size = got;
		return EFI_BUFFER_TOO_SMALL;
	}
	return EFI_DEVICE_ERROR;	/* a name longer than the shim carries */
}

static uint64_t set_variable(const uint16_t *name, const void *guid, uint32_t attributes,
			     uint64_t data_size, const void *data)
{
	struct efishim_data *d = shim_data();
	uint32_t nb;

	if (!(d->state.supported & EFI_RT_SUPPORTED_SET_VARIABLE))
		return EFI_UNSUPPORTED;
	if (!name || !guid)
		return EFI_INVALID_PARAMETER;
	/* An empty name, a name longer than the shim carries, data without a
	 * buffer, more data than it carries (UEFI 2.10 §8.2.3: "DataSize
	 * exceeds the maximum allowed"). */
	nb = name_bytes(name, EFISHIM_NAME_MAX);
	if (nb < 4 || (data_size && !data) || data_size > EFISHIM_DATA_MAX)
		return EFI_INVALID_PARAMETER;
	var_req(d, guid, attributes, nb, data_size);
	memcpy(d->call + SHIM_VAR_HDR, name, nb);
	if (data_size)
		memcpy(d->call + SHIM_VAR_HDR + nb, data, data_size);
	return efishim_hypercall(HVCALL_SET_VARIABLE, shim_call_gpa(), SHIM_VAR_HDR + nb + data_size);
}

static uint64_t query_variable_info(uint32_t attributes, uint64_t *max_storage,
				    uint64_t *remaining, uint64_t *max_variable)
{
	struct efishim_data *d = shim_data();
	struct hvcall_varinfo_req *r = (struct hvcall_varinfo_req *)d->call;
	uint64_t st;

	if (!(d->state.supported & EFI_RT_SUPPORTED_QUERY_VARIABLE_INFO))
		return EFI_UNSUPPORTED;
	if (!max_storage || !remaining || !max_variable)
		return EFI_INVALID_PARAMETER;
	memset(r, 0, sizeof(*r));
	r->attributes = attributes;
	st = efishim_hypercall(HVCALL_QUERY_VARIABLE_INFO, shim_call_gpa(), sizeof(*r));
	if (st == EFI_SUCCESS) {
		*max_storage = r->max_storage;
		*remaining = r->remaining;
		*max_variable = r->max_variable;
	}
	return st;
}

/* The entry points: each call counted with its cycles (struct
 * efishim_tally). */
uint64_t SHIM_API shim_get_variable(const uint16_t *name, const void *guid, uint32_t *attributes,
				    uint64_t *data_size, void *data)
{
	uint64_t t0 = cpu_rdtsc(), st = get_variable(name, guid, attributes, data_size, data);

	shim_tally(data ? EFISHIM_TALLY_GET_VARIABLE : EFISHIM_TALLY_GET_VARIABLE_SIZE, t0);
	return st;
}

uint64_t SHIM_API shim_get_next_variable_name(uint64_t *name_size, uint16_t *name, void *guid)
{
	uint64_t t0 = cpu_rdtsc(), st = get_next_variable_name(name_size, name, guid);

	shim_tally(EFISHIM_TALLY_GET_NEXT_VARIABLE_NAME, t0);
	return st;
}

uint64_t SHIM_API shim_set_variable(const uint16_t *name, const void *guid, uint32_t attributes,
				    uint64_t data_size, const void *data)
{
	uint64_t t0 = cpu_rdtsc(), st = set_variable(name, guid, attributes, data_size, data);

	shim_tally(EFISHIM_TALLY_SET_VARIABLE, t0);
	return st;
}

uint64_t SHIM_API shim_query_variable_info(uint32_t attributes, uint64_t *max_storage,
					   uint64_t *remaining, uint64_t *max_variable)
{
	uint64_t t0 = cpu_rdtsc(), st = query_variable_info(attributes, max_storage, remaining,
							    max_variable);

	shim_tally(EFISHIM_TALLY_QUERY_VARIABLE_INFO, t0);
	return st;
}
