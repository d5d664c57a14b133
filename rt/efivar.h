/* efivar.h — EFI variables as text, in the formats of Linux's efivar:
 * GUIDs, GUID-Name names, attribute lists, data literals and the hex dump.
 *
 * Pure and freestanding. Text goes into caller buffers (buf, cap): always
 * NUL-terminated when cap > 0, never written past cap, and the return value
 * is the length the whole text needed, without the NUL (as snprintf).
 * Parsers take (s, len) — the text need not be NUL-terminated — and return
 * NULL on success or a short reason for `error: <reason>` lines.
 */
#ifndef HVBOOT_RT_EFIVAR_H
#define HVBOOT_RT_EFIVAR_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* EFI_GUID (UEFI 2.10 Appendix A): d1..d3 are little-endian in memory,
 * d4 is a byte array. */
struct efi_guid {
	uint32_t d1;
	uint16_t d2;
	uint16_t d3;
	uint8_t d4[8];
};
_Static_assert(sizeof(struct efi_guid) == 16, "EFI_GUID is 16 bytes");

/* 8be4df61-93ca-11d2-aa0d-00e098032b8c (UEFI 2.10 §3.3). */
extern const struct efi_guid EFI_GLOBAL_VARIABLE_GUID;

/* UEFI 2.10 §8.2 attribute bits. The spelling matches gnu-efi's efiapi.h so
 * that both headers may be included in either order. */
#ifndef EFI_VARIABLE_NON_VOLATILE
#define EFI_VARIABLE_NON_VOLATILE                          0x00000001
#endif
#ifndef EFI_VARIABLE_BOOTSERVICE_ACCESS
#define EFI_VARIABLE_BOOTSERVICE_ACCESS                    0x00000002
#endif
#ifndef EFI_VARIABLE_RUNTIME_ACCESS
#define EFI_VARIABLE_RUNTIME_ACCESS                        0x00000004
#endif
#ifndef EFI_VARIABLE_HARDWARE_ERROR_RECORD
#define EFI_VARIABLE_HARDWARE_ERROR_RECORD                 0x00000008
#endif
#ifndef EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS
#define EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS            0x00000010
#endif
#ifndef EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS
#define EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS 0x00000020
#endif
#ifndef EFI_VARIABLE_APPEND_WRITE
#define EFI_VARIABLE_APPEND_WRITE                          0x00000040
#endif

/* Longest name accepted from a user, in characters, and the UTF-16 buffer
 * that always holds it (two units per character in the worst case, + NUL). */
#define EFIVAR_NAME_MAX 512
#define EFIVAR_NAME16_CAP (2 * EFIVAR_NAME_MAX + 1)

/* Text sizes including the NUL. */
#define EFIVAR_GUID_TEXT 37
#define EFIVAR_HEXDUMP_LINE 80

/* ---- GUIDs */

/* Lower-case registry form, 36 characters + NUL:
 * 8be4df61-93ca-11d2-aa0d-00e098032b8c. */
void efivar_guid_format(const struct efi_guid *g, char buf[EFIVAR_GUID_TEXT]);

/* Parses exactly len == 36 characters of registry form, either case.
 * Returns NULL or "malformed GUID". */
const char *efivar_guid_parse(const char *s, size_t len, struct efi_guid *g);

/* 16 bytes at p (any alignment) as a GUID, and back. */
void efivar_guid_load(const uint8_t *p, struct efi_guid *g);
void efivar_guid_store(const struct efi_guid *g, uint8_t *p);

bool efivar_guid_equal(const struct efi_guid *a, const struct efi_guid *b);

/* ---- Variable names */

/* Parses a variable name as a user types it:
 *   GUID-Name   efivar -l form, e.g. 8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder
 *   Name-GUID   efivarfs file name form, e.g. BootOrder-8be4df61-...-00e098032b8c
 *   Name        the EFI global variable GUID
 * Text that starts with eight hex digits and a '-' is taken as GUID-Name and
 * must be one. The name is UTF-8 of 1..EFIVAR_NAME_MAX printable characters
 * (no control characters); it is stored in name16 as UTF-16 with a NUL.
 * Reasons: "malformed GUID", "empty variable name", "variable name too long",
 * "non-printable character in variable name", "invalid UTF-8 in variable name",
 * "name buffer too small" (name16_cap too small; EFIVAR_NAME16_CAP always fits). */
const char *efivar_name_parse(const char *s, size_t len, struct efi_guid *guid,
			      uint16_t *name16, size_t name16_cap);

/* GUID-Name as efivar -l prints it. The name (at most name16_max units,
 * stopping at a NUL) is shown as printable ASCII, other characters as '?'. */
size_t efivar_name_format(const struct efi_guid *guid, const uint16_t *name16,
			  size_t name16_max, char *buf, size_t cap);

/* ---- Attributes */

/* Parses a comma list of attribute names, case-insensitive:
 *   nv bs rt hr at tat ap
 *   non-volatile bootservice-access runtime-access hardware-error-record
 *   authenticated-write-access time-based-authenticated-write-access
 *   append-write
 * ('_' may stand for '-', and the spec names EFI_VARIABLE_NON_VOLATILE etc.
 * are accepted too) and numbers (0x hex or decimal, up to 0xFFFFFFFF); the
 * result is their OR. Reasons: "empty attribute list", "empty attribute in
 * list", "unknown attribute", "attribute value out of range". */
const char *efivar_attrs_parse(const char *s, size_t len, uint32_t *out);

/* The efivar -p name of one attribute bit ("Non-Volatile", "Boot Service
 * Access", ..., "Append Write"), NULL if bit is not exactly one known bit. */
const char *efivar_attr_name(uint32_t bit);

/* Short list as efivar_attrs_parse reads it: "nv,bs,rt"; bits without a
 * name are added as one hex number ("nv,0x80"); 0 is "0x0". */
size_t efivar_attrs_format(uint32_t attrs, char *buf, size_t cap);

/* ---- Data */

/* Parses a data literal of the shell's `set`:
 *   0a0b0c / 0x0a0b0c   hex bytes, either case, an even number of digits
 *   "text"              the bytes of the text, no NUL
 *   u"text"             UTF-16LE of the text followed by a NUL unit; code
 *                       points above U+FFFF become surrogate pairs
 * Escapes inside quotes: \" \\ \n \r \t \0 \xNN (in "text" the byte NN, in
 * u"text" the unit U+00NN) and \uNNNN (a non-surrogate BMP code point:
 * UTF-8 in "text", one unit in u"text"). Bytes of "text" are copied as they
 * are; u"text" must be valid UTF-8. Stores at most cap bytes in out and
 * their number in *out_len. Reasons: "no data", "invalid hex digit",
 * "odd number of hex digits", "unterminated string", "text after closing
 * quote", "invalid escape sequence", "invalid UTF-8 in string",
 * "data too large". */
const char *efivar_data_parse(const char *s, size_t len, uint8_t *out, size_t cap,
			      size_t *out_len);

/* ---- Hex dump */

/* One line of the dump that efivar -p and hexdump -C print, for the 16
 * bytes of data[0..len) that start at off (a multiple of 16):
 *   00000000  01 00 00 00 02 00 03 00  04 00 05 00 06 00 07 00  |................|
 * the offset in (at least) 8 lower-case hex digits, two spaces, sixteen
 * "xx " cells with one more space after the eighth, one space, then the
 * bytes as ASCII between bars (0x20..0x7E as they are, others '.'). A short
 * last line is padded with spaces so its bar lines up; the ASCII column
 * then holds only the bytes present, and no line ends in a space. Needs at
 * most EFIVAR_HEXDUMP_LINE bytes (for off < 2^32). off >= len gives "". */
size_t efivar_hexdump_line(const uint8_t *data, size_t len, size_t off, char *buf,
			   size_t cap);

#endif
