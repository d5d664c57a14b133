/* The runtime services as C functions (UEFI 2.10 §8): each copies its
 * arguments into the bounce area, calls through the gate and copies the
 * results back, trusting no size the firmware returns beyond the buffer it
 * was given. */
#include "rt_gate.h"

efi_status_t rt_get_time(struct efi_time *t, struct efi_time_cap *cap)
{
	efi_status_t st = rt_gate_call(RT_GET_TIME, rt_ptr(&rt_bounce.time), cap ? rt_ptr(&rt_bounce.cap) : 0, 0, 0, 0);

	if (st == EFI_SUCCESS) {
		*t = rt_bounce.time;
		if (cap)
			*cap = rt_bounce.cap;
	}
	return st;
}

efi_status_t rt_set_time(const struct efi_time *t)
{
	rt_bounce.time = *t;
	return rt_gate_call(RT_SET_TIME, rt_ptr(&rt_bounce.time), 0, 0, 0, 0);
}

efi_status_t rt_get_wakeup_time(bool *enabled, bool *pending, struct efi_time *t)
{
	efi_status_t st = rt_gate_call(RT_GET_WAKEUP_TIME, rt_ptr(&rt_bounce.b1), rt_ptr(&rt_bounce.b2),
			       rt_ptr(&rt_bounce.time), 0, 0);

	if (st == EFI_SUCCESS) {
		*enabled = rt_bounce.b1;
		*pending = rt_bounce.b2;
		*t = rt_bounce.time;
	}
	return st;
}

efi_status_t rt_set_wakeup_time(bool enable, const struct efi_time *t)
{
	if (t)
		rt_bounce.time = *t;
	return rt_gate_call(RT_SET_WAKEUP_TIME, enable, t ? rt_ptr(&rt_bounce.time) : 0, 0, 0, 0);
}

/* Copies a NUL-terminated UTF-16 name into the name bounce, in a buffer
 * of at least cap units that ends at the guard page; returns the buffer,
 * or NULL when the name does not fit the bounce. */
static uint16_t *bounce_name(const uint16_t *name, size_t cap)
{
	size_t n = 0;
	uint16_t *p;

	while (n < RT_NAME_MAX / 2 && name[n])
		n++;
	if (n == RT_NAME_MAX / 2)
		return NULL;
	if (cap < n + 1)
		cap = n + 1;
	if (cap > RT_NAME_MAX / 2)
		cap = RT_NAME_MAX / 2;
	p = rt_bounce_name(cap * 2);
	__builtin_memcpy(p, name, (n + 1) * 2);
	return p;
}

efi_status_t rt_get_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t *attrs, void *data, size_t *size)
{
	efi_status_t st;
	size_t passed;
	uint16_t *bname;
	uint8_t *bdata;

	if (!name || !guid || !size || (*size && !data))
		return EFI_INVALID_PARAMETER;
	bname = bounce_name(name, 0);
	if (!bname)
		return EFI_INVALID_PARAMETER;
	rt_bounce.guid = *guid;
	passed = *size < RT_DATA_MAX ? *size : RT_DATA_MAX;
	bdata = rt_bounce_data(passed);
	rt_bounce.size = passed;
	rt_bounce.attrs = 0;
	st = rt_gate_call(RT_GET_VARIABLE, rt_ptr(bname), rt_ptr(&rt_bounce.guid),
			  rt_ptr(&rt_bounce.attrs), rt_ptr(&rt_bounce.size), rt_ptr(bdata));
	if (st == EFI_SUCCESS || st == EFI_BUFFER_TOO_SMALL) {
		/* Against what the bounce was offered, not what the caller
		 * holds: the copy below reads the bounce. */
		if (st == EFI_SUCCESS && rt_bounce.size > passed)
			return EFI_DEVICE_ERROR;		/* firmware overstated its write */
		if (st == EFI_SUCCESS)	/* data may be the bounce itself */
			__builtin_memmove(data, bdata, rt_bounce.size);
		*size = rt_bounce.size;
		if (attrs)
			*attrs = rt_bounce.attrs;
	}
	return st;
}

efi_status_t rt_var_read(const uint16_t *name, const struct efi_guid *guid,
			 uint32_t *attrs, void *data, size_t cap, size_t *size)
{
	size_t want = cap < 256 ? cap : 256;	/* efivar starts small, then asks */
	efi_status_t st;

	for (int tries = 0; tries < 4; tries++) {
		*size = want;
		st = rt_get_variable(name, guid, attrs, data, size);
		if (st != EFI_BUFFER_TOO_SMALL)
			return st;
		if (*size > cap || *size <= want)
			return EFI_BUFFER_TOO_SMALL;	/* *size says how much */
		want = *size;
	}
	return st;
}

efi_status_t rt_var_attributes(const uint16_t *name, const struct efi_guid *guid,
			       uint32_t *attrs)
{
	size_t size = 0;
	efi_status_t st = rt_get_variable(name, guid, attrs, NULL, &size);

	if (st == EFI_BUFFER_TOO_SMALL && *attrs)
		return EFI_SUCCESS;
	if (st != EFI_BUFFER_TOO_SMALL)
		return st == EFI_SUCCESS ? EFI_DEVICE_ERROR : st;	/* no variable is empty */
	/* Quirk (EDK2 before stable202005): GetVariable gives the attributes
	 * only with EFI_SUCCESS: read the whole variable. */
	size = RT_DATA_MAX;
	st = rt_get_variable(name, guid, attrs, rt_bounce.data, &size);
	return st;
}

efi_status_t rt_var_delete(const uint16_t *name, const struct efi_guid *guid)
{
	uint32_t attrs = 0;
	efi_status_t st = rt_var_attributes(name, guid, &attrs);

	if (st != EFI_SUCCESS)
		return st;
	/* Append-write with no data would append nothing (§8.2.3). */
	return rt_set_variable(name, guid, attrs & ~EFI_VARIABLE_APPEND_WRITE, NULL, 0);
}

size_t rt_name_cap(void)
{
	uint64_t max_storage, remaining, max_var;
	size_t bytes = RT_NAME_MAX;

	if (rt_gate.name_cap)
		return rt_gate.name_cap;
	if (rt_svc_usable(RT_QUERY_VARIABLE_INFO) &&
	    rt_query_variable_info(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				   EFI_VARIABLE_RUNTIME_ACCESS,
				   &max_storage, &remaining, &max_var) == EFI_SUCCESS)
		bytes = max_var < RT_NAME_DEFAULT ? RT_NAME_DEFAULT
			: max_var > RT_NAME_MAX ? RT_NAME_MAX : (size_t)max_var;
	rt_gate.name_cap = bytes / 2;
	return rt_gate.name_cap;
}

efi_status_t rt_get_next_variable_name_sized(uint16_t *name, size_t cap, struct efi_guid *guid,
					    size_t *size_bytes)
{
	efi_status_t st;
	size_t limit;
	uint16_t *bname;

	*size_bytes = 0;
	if (!name || !guid || cap == 0)
		return EFI_INVALID_PARAMETER;
	limit = rt_name_cap();
	if (cap < limit)
		limit = cap;
	bname = bounce_name(name, limit);
	if (!bname)
		return EFI_INVALID_PARAMETER;
	rt_bounce.guid = *guid;
	/* UEFI 2.10 §8.2.2: VariableNameSize is the buffer size in bytes; on
	 * EFI_BUFFER_TOO_SMALL it comes back as the size needed, and we retry. */
	rt_bounce.size = limit * 2;
	for (int tries = 0; tries < 2; tries++) {
		st = rt_gate_call(RT_GET_NEXT_VARIABLE_NAME, rt_ptr(&rt_bounce.size), rt_ptr(bname),
				  rt_ptr(&rt_bounce.guid), 0, 0);
		if (st != EFI_BUFFER_TOO_SMALL || rt_bounce.size > limit * 2)
			break;
	}
	*size_bytes = rt_bounce.size;
	if (st == EFI_SUCCESS) {
		/* Only what fits the buffer offered; whether it is a name is
		 * for the caller to judge (rt/varlist.h). */
		size_t bytes = rt_bounce.size < limit * 2 ? rt_bounce.size : limit * 2;

		__builtin_memcpy(name, bname, bytes);
		*guid = rt_bounce.guid;
	}
	return st;
}

efi_status_t rt_get_next_variable_name(uint16_t *name, size_t cap, struct efi_guid *guid)
{
	size_t limit = cap < rt_name_cap() ? cap : rt_name_cap(), bytes;
	efi_status_t st = rt_get_next_variable_name_sized(name, cap, guid, &bytes);

	if (st == EFI_SUCCESS) {
		size_t n = bytes / 2;

		if (n > limit)
			return EFI_DEVICE_ERROR;
		name[n < limit ? n : limit - 1] = 0;
		name[limit - 1] = 0;
	}
	return st;
}

static uint64_t varlist_fw_next(void *ctx, uint16_t *name, size_t cap_chars,
				struct efi_guid *guid, size_t *size_bytes)
{
	(void)ctx;
	return rt_get_next_variable_name_sized(name, cap_chars, guid, size_bytes);
}

void rt_varlist_start(struct varlist *w, uint16_t *name, size_t cap_chars, uint64_t *seen,
		      size_t max_names)
{
	/* The buffer offered is the one the walker judges sizes against. */
	if (cap_chars > rt_name_cap())
		cap_chars = rt_name_cap();
	varlist_start(w, varlist_fw_next, NULL, name, cap_chars, seen, max_names);
}

efi_status_t rt_set_variable(const uint16_t *name, const struct efi_guid *guid,
			     uint32_t attrs, const void *data, size_t size)
{
	uint16_t *bname;
	uint8_t *bdata = rt_bounce_data(size);

	if (!name || !guid || size > RT_DATA_MAX || (size && !data))
		return EFI_INVALID_PARAMETER;
	bname = bounce_name(name, 0);
	if (!bname)
		return EFI_INVALID_PARAMETER;
	rt_bounce.guid = *guid;
	if (size)
		__builtin_memcpy(bdata, data, size);
	return rt_gate_call(RT_SET_VARIABLE, rt_ptr(bname), rt_ptr(&rt_bounce.guid), attrs, size,
			    size ? rt_ptr(bdata) : 0);	/* a delete passes no data, as Linux does */
}

efi_status_t rt_query_variable_info(uint32_t attrs, uint64_t *max_storage,
				    uint64_t *remaining, uint64_t *max_var)
{
	efi_status_t st = rt_gate_call(RT_QUERY_VARIABLE_INFO, attrs, rt_ptr(&rt_bounce.q[0]), rt_ptr(&rt_bounce.q[1]),
			       rt_ptr(&rt_bounce.q[2]), 0);

	if (st == EFI_SUCCESS) {
		*max_storage = rt_bounce.q[0];
		*remaining = rt_bounce.q[1];
		*max_var = rt_bounce.q[2];
	}
	return st;
}

efi_status_t rt_get_next_high_monotonic_count(uint32_t *high)
{
	efi_status_t st = rt_gate_call(RT_GET_NEXT_HIGH_MONOTONIC_COUNT, rt_ptr(&rt_bounce.high), 0, 0, 0, 0);

	if (st == EFI_SUCCESS)
		*high = rt_bounce.high;
	return st;
}

efi_status_t rt_reset_system(int type, efi_status_t status)
{
	return rt_gate_call(RT_RESET_SYSTEM, (uint64_t)type, status, 0, 0, 0);
}

