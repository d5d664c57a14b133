/* The simulator's plan (fwsim_plan.h). Grammar, checked in this order:
 *   words      separated by spaces, tabs, line ends or commas; "*.efi" words skipped
 *   NAME       one of kinds[] below
 *   :ARG       a service name (UEFI 2.10 §8 spelling), a decimal count, or
 *              both (SERVICE:N), as kinds[].arg says; optional where a
 *              default service exists
 *   count      at most FWSIM_MAX actions
 * The driver calls this at load, in boot services: the tables of strings
 * below hold absolute pointers that are never converted for runtime, so
 * nothing here may run after SetVirtualAddressMap except fwsim_plan_find. */
#include "fwsim_plan.h"

enum arg_kind { ARG_NONE, ARG_SVC_OPTIONAL, ARG_SVC, ARG_COUNT, ARG_SVC_COUNT };

static const struct {
	const char *name;
	enum arg_kind arg;
	int svc;		/* default (ARG_SVC_OPTIONAL) or fixed service */
} kinds[FWSIM_KIND_COUNT] = {
	[FWSIM_PHYS_PTR]	= { "phys-ptr", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_BS_DATA]		= { "bs-data", ARG_SVC_OPTIONAL, FWSIM_GET_TIME },
	[FWSIM_PAGE0]		= { "page0", ARG_SVC_OPTIONAL, FWSIM_GET_TIME },
	[FWSIM_MMIO]		= { "mmio", ARG_SVC_OPTIONAL, FWSIM_GET_TIME },
	[FWSIM_SVAM_NEWVA]	= { "svam-newva", ARG_NONE, FWSIM_SET_VIRTUAL_ADDRESS_MAP },
	[FWSIM_DF]		= { "df", ARG_SVC_OPTIONAL, FWSIM_GET_TIME },
	[FWSIM_UD]		= { "ud", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_GP]		= { "gp", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_OVERRUN_NAME]	= { "overrun-name", ARG_COUNT, FWSIM_GET_NEXT_VARIABLE_NAME },
	[FWSIM_OVERRUN_DATA]	= { "overrun-data", ARG_COUNT, FWSIM_GET_VARIABLE },
	[FWSIM_OVERSTATE_SIZE]	= { "overstate-size", ARG_NONE, FWSIM_GET_VARIABLE },
	[FWSIM_HANG]		= { "hang", ARG_SVC_OPTIONAL, FWSIM_GET_TIME },
	[FWSIM_BAD_STATUS]	= { "bad-status", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_MEMATTR]		= { "memattr", ARG_NONE, FWSIM_NO_SVC },
	[FWSIM_MEMATTR_REFUSE]	= { "memattr-refuse", ARG_NONE, FWSIM_NO_SVC },
	[FWSIM_LIST_RESTART]	= { "list-restart", ARG_NONE, FWSIM_GET_NEXT_VARIABLE_NAME },
	[FWSIM_LIST_SAME]	= { "list-same", ARG_NONE, FWSIM_GET_NEXT_VARIABLE_NAME },
	[FWSIM_LIST_NONUL]	= { "list-nonul", ARG_NONE, FWSIM_GET_NEXT_VARIABLE_NAME },
	[FWSIM_LIST_GROW]	= { "list-grow", ARG_NONE, FWSIM_GET_NEXT_VARIABLE_NAME },
	[FWSIM_TIME_INVALID]	= { "time-invalid", ARG_NONE, FWSIM_GET_TIME },
	[FWSIM_SLOW]		= { "slow", ARG_SVC_COUNT, FWSIM_NO_SVC },
	[FWSIM_BADSTACK]	= { "badstack", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_STACK_UNMAPPED]	= { "stack-unmapped", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_DOUBLE_FAULT]	= { "double-fault", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_PTR_NONCANON]	= { "ptr-noncanon", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_PTR_DATA]	= { "ptr-data", ARG_SVC, FWSIM_NO_SVC },
	[FWSIM_CRC_BAD]		= { "crc-bad", ARG_NONE, FWSIM_SET_VIRTUAL_ADDRESS_MAP },
};

static const char *const svc_names[FWSIM_SVC_COUNT] = {
	"GetTime", "SetTime", "GetWakeupTime", "SetWakeupTime",
	"SetVirtualAddressMap", "ConvertPointer", "GetVariable", "GetNextVariableName",
	"SetVariable", "GetNextHighMonotonicCount", "ResetSystem", "UpdateCapsule",
	"QueryCapsuleCapabilities", "QueryVariableInfo",
};

const char *fwsim_svc_name(int svc)
{
	return svc >= 0 && svc < FWSIM_SVC_COUNT ? svc_names[svc] : "none";
}

const char *fwsim_kind_name(enum fwsim_kind k)
{
	return (unsigned)k < FWSIM_KIND_COUNT ? kinds[k].name : "?";
}

static bool same(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] != s[i])
			return false;
	return word[i] == '\0';
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '\0';
}

/* ".efi" in any case at the end of the word. */
static bool is_program(const char *s, size_t len)
{
	static const char ext[] = ".efi";

	if (len < 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		if ((s[len - 4 + i] | 0x20) != ext[i])
			return false;
	return true;
}

static const char *parse_count(const char *s, size_t len, uint64_t *n)
{
	*n = 0;
	if (len == 0 || len > 9)
		return "count must be 1 to 9 decimal digits";
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "count must be decimal";
		*n = *n * 10 + (uint64_t)(s[i] - '0');
	}
	return *n ? NULL : "count must not be 0";
}

/* A service the hypervisor can call, by its UEFI name. */
static bool parse_svc(const char *s, size_t len, int *svc)
{
	for (int v = 0; v < FWSIM_SVC_COUNT; v++) {
		/* UEFI 2.10 §8.4: both run only in physical mode, before the
		 * hypervisor could call them. */
		if (v == FWSIM_SET_VIRTUAL_ADDRESS_MAP || v == FWSIM_CONVERT_POINTER)
			continue;
		if (same(s, len, svc_names[v])) {
			*svc = v;
			return true;
		}
	}
	return false;
}

static const char *parse_word(const char *s, size_t len, struct fwsim_action *a)
{
	size_t colon = 0;
	const char *arg;
	size_t arg_len;
	int k;

	while (colon < len && s[colon] != ':')
		colon++;
	for (k = 0; k < FWSIM_KIND_COUNT; k++)
		if (same(s, colon, kinds[k].name))
			break;
	if (k == FWSIM_KIND_COUNT)
		return "unknown misbehaviour";
	*a = (struct fwsim_action){ .kind = (enum fwsim_kind)k, .svc = kinds[k].svc };
	if (colon == len) {
		if (kinds[k].arg == ARG_SVC)
			return "needs :SERVICE";
		if (kinds[k].arg == ARG_COUNT)
			return "needs :N (bytes)";
		if (kinds[k].arg == ARG_SVC_COUNT)
			return "needs :SERVICE:N (ms)";
		return NULL;
	}
	arg = s + colon + 1;
	arg_len = len - colon - 1;
	switch (kinds[k].arg) {
	case ARG_NONE:
		return "takes no argument";
	case ARG_COUNT:
		return parse_count(arg, arg_len, &a->n);
	case ARG_SVC_COUNT: {
		size_t c = 0;

		while (c < arg_len && arg[c] != ':')
			c++;
		if (c == arg_len)
			return "needs :SERVICE:N (ms)";
		if (!parse_svc(arg, c, &a->svc))
			return "unknown service (UEFI spelling, e.g. GetTime)";
		return parse_count(arg + c + 1, arg_len - c - 1, &a->n);
	}
	default:
		if (!parse_svc(arg, arg_len, &a->svc))
			return "unknown service (UEFI spelling, e.g. GetTime)";
		return NULL;
	}
}

const char *fwsim_plan_parse(const char *text, size_t len, struct fwsim_plan *plan)
{
	size_t i = 0;

	plan->count = 0;
	plan->bad_at = plan->bad_len = 0;
	while (i < len) {
		size_t start, wlen;
		const char *why;

		while (i < len && is_sep(text[i]))
			i++;
		start = i;
		while (i < len && !is_sep(text[i]))
			i++;
		wlen = i - start;
		if (wlen == 0 || is_program(text + start, wlen))
			continue;
		plan->bad_at = start;
		plan->bad_len = wlen;
		if (plan->count == FWSIM_MAX)
			return "too many misbehaviours";
		why = parse_word(text + start, wlen, &plan->a[plan->count]);
		if (why)
			return why;
		plan->count++;
	}
	return NULL;
}

const struct fwsim_action *fwsim_plan_find(const struct fwsim_plan *plan, enum fwsim_kind k,
					   int svc)
{
	for (unsigned i = 0; i < plan->count; i++)
		if (plan->a[i].kind == k && (svc == FWSIM_NO_SVC || plan->a[i].svc == svc))
			return &plan->a[i];
	return NULL;
}
