/* varlist.c — the bounded walker of GetNextVariableName (see varlist.h). */
#include "varlist.h"

#include "loader/fmt.h"
#include "rt.h"
/* GUID-Name in an error line: enough for every name the spec defines. */
#define NAME_TEXT_MAX		96

/* FNV-1a over the GUID's 16 bytes and the name's units up to its NUL;
 * never 0, which marks a free slot. */
static uint64_t name_hash(const struct efi_guid *g, const uint16_t *name)
{
	uint8_t gb[16];
	uint64_t h = 0xcbf29ce484222325ULL;

	efivar_guid_store(g, gb);
	for (size_t i = 0; i < sizeof(gb); i++)
		h = (h ^ gb[i]) * 0x100000001b3ULL;
	for (size_t i = 0; name[i]; i++) {
		h = (h ^ (name[i] & 0xFF)) * 0x100000001b3ULL;
		h = (h ^ (name[i] >> 8)) * 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* Adds h to the set; false when it was there already. Linear probing in a
 * table never more than half full, so a free slot always ends the probe. */
static bool seen_add(struct varlist *w, uint64_t h)
{
	size_t slots = VARLIST_SLOTS(w->max_names);
	size_t i = (size_t)(h % slots);

	while (w->seen[i]) {
		if (w->seen[i] == h)
			return false;
		i = (i + 1) % slots;
	}
	w->seen[i] = h;
	return true;
}

void varlist_start(struct varlist *w, varlist_next_fn next, void *ctx, uint16_t *name,
		   size_t cap_chars, uint64_t *seen, size_t max_names)
{
	*w = (struct varlist){
		.next = next, .ctx = ctx, .name = name, .cap_chars = cap_chars,
		.seen = seen, .max_names = max_names, .stop = VARLIST_MORE,
	};
	for (size_t i = 0; i < VARLIST_SLOTS(max_names); i++)
		seen[i] = 0;
	name[0] = 0;	/* UEFI 2.10 §8.2.2: an empty name starts the walk */
}

static enum varlist_stop stop(struct varlist *w, enum varlist_stop why)
{
	w->stop = why;
	return why;
}

enum varlist_stop varlist_next(struct varlist *w)
{
	size_t units;
	uint64_t h;

	if (w->stop != VARLIST_MORE)
		return w->stop;
	w->size_bytes = 0;
	w->status = w->next(w->ctx, w->name, w->cap_chars, &w->guid, &w->size_bytes);
	if (w->status == EFI_NOT_FOUND)
		return stop(w, VARLIST_END);
	if (w->status != 0)
		return stop(w, VARLIST_STATUS);
	/* §8.2.2: on success VariableNameSize is what was written, which
	 * cannot be more than the buffer, and the name ends in its NUL. */
	if (w->size_bytes > w->cap_chars * 2)
		return stop(w, VARLIST_OVERSIZE);
	units = w->size_bytes / 2;
	for (size_t i = 0;; i++) {
		if (i == units) {
			w->name[0] = 0;	/* nothing unterminated is left behind */
			return stop(w, VARLIST_NO_NUL);
		}
		if (w->name[i] == 0)
			break;
	}
	h = name_hash(&w->guid, w->name);
	if (w->count > 0 && h == w->prev_hash)
		return stop(w, VARLIST_SAME);
	if (w->count > 0 && h == w->first_hash)
		return stop(w, VARLIST_RESTART);
	if (w->count == w->max_names)
		return stop(w, VARLIST_TOO_MANY);
	if (!seen_add(w, h))
		return stop(w, VARLIST_REPEAT);
	if (w->count == 0)
		w->first_hash = h;
	w->prev_hash = h;
	w->count++;
	return VARLIST_MORE;
}

/* GUID-Name, cut to NAME_TEXT_MAX with "..." at the end. */
static void name_text(const struct varlist *w, char *buf)
{
	size_t n = efivar_name_format(&w->guid, w->name, w->cap_chars, buf, NAME_TEXT_MAX);

	if (n >= NAME_TEXT_MAX)
		for (int i = 0; i < 3; i++)
			buf[NAME_TEXT_MAX - 4 + i] = '.';
}

size_t varlist_stop_text(const struct varlist *w, char *buf, size_t cap)
{
	static const char tail[] = "(firmware GetNextVariableName)";
	const char *s = w->count == 1 ? "" : "s";
	char name[NAME_TEXT_MAX];

	switch (w->stop) {
	case VARLIST_OVERSIZE:
		return (size_t)fmt_snprintf(buf, cap,
			"variable name of %zu bytes claimed for a buffer of %zu bytes after %zu name%s %s",
			w->size_bytes, w->cap_chars * 2, w->count, s, tail);
	case VARLIST_NO_NUL:
		return (size_t)fmt_snprintf(buf, cap,
			"variable name without its NUL in the %zu bytes returned after %zu name%s %s",
			w->size_bytes, w->count, s, tail);
	case VARLIST_SAME:
		name_text(w, name);
		return (size_t)fmt_snprintf(buf, cap,
			"variable list returns the name it was given, %s, after %zu name%s %s",
			name, w->count, s, tail);
	case VARLIST_RESTART:
		name_text(w, name);
		return (size_t)fmt_snprintf(buf, cap,
			"variable list starts over at %s after %zu name%s %s", name, w->count, s,
			tail);
	case VARLIST_REPEAT:
		name_text(w, name);
		return (size_t)fmt_snprintf(buf, cap, "variable list repeats %s after %zu name%s %s",
					    name, w->count, s, tail);
	case VARLIST_TOO_MANY:
		return (size_t)fmt_snprintf(buf, cap,
			"variable list longer than %zu names: stopped there %s", w->max_names, tail);
	default:
		if (cap)
			buf[0] = 0;
		return 0;
	}
}
