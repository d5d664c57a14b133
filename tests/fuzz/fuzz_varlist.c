/* libFuzzer: rt/varlist.c against firmware whose every GetNextVariableName
 * answer comes from the input. Checks: at most max_names + 1 calls; every
 * name handed out is NUL-terminated inside the buffer and differs from
 * every earlier one (GUID and name); a stop the firmware caused has one
 * line of text, the others none. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"
#include "rt/varlist.h"

#define CAP		16	/* UTF-16 units */
#define MAX_NAMES	12

struct input {
	const uint8_t *p;
	size_t left, calls;
};

static int take(struct input *in)
{
	if (!in->left)
		return -1;
	in->left--;
	return *in->p++;
}

/* Per call: an op byte (0: EFI_NOT_FOUND, 1: an error status, 2: the name
 * given back, else a name), then for a name a GUID byte, a size byte and
 * as many name bytes as fit the buffer. The input running out ends the
 * list. */
static uint64_t fuzz_next(void *ctx, uint16_t *name, size_t cap, struct efi_guid *guid,
			  size_t *size_bytes)
{
	struct input *in = ctx;
	int op = take(in), g, size;

	in->calls++;
	if (op < 0 || op % 4 == 0)
		return EFI_NOT_FOUND;
	if (op % 4 == 1)
		return EFI_DEVICE_ERROR;
	if (op % 4 == 2) {
		size_t n = 0;

		while (n < cap && name[n])
			n++;
		*size_bytes = 2 * (n + 1);
		return 0;
	}
	g = take(in);
	size = take(in);
	if (g < 0 || size < 0)
		return EFI_NOT_FOUND;
	memset(guid, 0, sizeof(*guid));
	guid->d4[0] = (uint8_t)g;
	*size_bytes = (size_t)size;
	for (size_t i = 0; i < (size_t)size && i < cap * 2; i++) {
		int b = take(in);

		if (b < 0)
			break;
		((uint8_t *)name)[i] = (uint8_t)b;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint16_t name[CAP];
	static uint64_t seen[VARLIST_SLOTS(MAX_NAMES)];
	static uint16_t names[MAX_NAMES][CAP];
	static struct efi_guid guids[MAX_NAMES];
	struct input in = { data, size, 0 };
	struct varlist w;
	size_t count = 0;
	char text[200];

	varlist_start(&w, fuzz_next, &in, name, CAP, seen, MAX_NAMES);
	while (varlist_next(&w) == VARLIST_MORE) {
		size_t n = 0;

		while (n < CAP && name[n])
			n++;
		if (n == CAP || count >= MAX_NAMES)
			abort();
		for (size_t i = 0; i < count; i++)
			if (memcmp(&guids[i], &w.guid, sizeof(w.guid)) == 0 &&
			    memcmp(names[i], name, (n + 1) * 2) == 0)
				abort();	/* a name handed out twice */
		memset(names[count], 0, sizeof(names[count]));
		memcpy(names[count], name, (n + 1) * 2);
		guids[count++] = w.guid;
	}
	if (in.calls > MAX_NAMES + 1 || count != w.count)
		abort();
	if (varlist_stop_text(&w, text, sizeof(text)) >= sizeof(text))
		abort();
	if ((w.stop == VARLIST_END || w.stop == VARLIST_STATUS) != (text[0] == 0))
		abort();
	if (varlist_next(&w) != w.stop || in.calls > MAX_NAMES + 1)
		abort();	/* a stopped walk calls no more */
	return 0;
}
