/* devpath.h — UEFI device paths as text (UEFI 2.10 §10.3, §10.6) and the
 * EFI_LOAD_OPTION of Boot#### variables (§3.1.3).
 *
 * Pure and freestanding; every input is an untrusted byte buffer read with
 * byte loads, at any alignment, never past its length.
 */
#ifndef HVBOOT_RT_DEVPATH_H
#define HVBOOT_RT_DEVPATH_H

#include <stddef.h>
#include <stdint.h>

/* UEFI 2.10 §3.1.3 load option attributes; spelt as gnu-efi's efilib.h
 * spells the one it has, so both headers can be included. */
#ifndef LOAD_OPTION_ACTIVE
#define LOAD_OPTION_ACTIVE          0x00000001
#endif
#ifndef LOAD_OPTION_FORCE_RECONNECT
#define LOAD_OPTION_FORCE_RECONNECT 0x00000002
#endif
#ifndef LOAD_OPTION_HIDDEN
#define LOAD_OPTION_HIDDEN          0x00000008
#endif
#ifndef LOAD_OPTION_CATEGORY
#define LOAD_OPTION_CATEGORY        0x00001F00
#endif
#ifndef LOAD_OPTION_CATEGORY_BOOT
#define LOAD_OPTION_CATEGORY_BOOT   0x00000000
#endif
#ifndef LOAD_OPTION_CATEGORY_APP
#define LOAD_OPTION_CATEGORY_APP    0x00000100
#endif

/* Writes the text form of the device path in dp[0..len) into buf, following
 * snprintf (NUL-terminated when cap > 0, never past cap); *needed, if not
 * NULL, gets the length the whole text needed without the NUL.
 *
 * Nodes are joined by '/', an End This Instance node (0x7F/0x01) prints ','
 * and End Entire (0x7F/0xFF) stops the walk; a path that runs out without
 * an End node is accepted. Numbers are "0x" + upper-case hex (partition
 * numbers and a few counts decimal, as §10.6 shows them; IPv4 dotted
 * decimal, IPv6 eight lower-case groups), GUIDs upper case
 * as in §10.6 (unlike the lower-case GUIDs of variable names), strings from
 * the path (File, Uri, ...) printable ASCII with other characters as '?'.
 * Known nodes too short for their fields, and unknown nodes, print as
 * Path(type,subtype,hexdata) with type and subtype in decimal.
 *
 * Returns NULL, or a reason when the walk had to stop at a node whose
 * header is cut off or whose length is below 4 or past the end of the
 * buffer; buf then holds the text of the nodes before it. */
const char *devpath_to_text(const uint8_t *dp, size_t len, char *buf, size_t cap,
			    size_t *needed);

/* Room for a description; longer ones are cut at a whole UTF-8 sequence. */
#define DEVPATH_DESC_MAX 256

/* A decoded EFI_LOAD_OPTION. Offsets and lengths are in bytes into the
 * buffer that was parsed. */
struct efi_load_option {
	uint32_t attributes;       /* LOAD_OPTION_* */
	size_t desc_off;           /* Description (UTF-16LE) */
	size_t desc_len;           /*   without its NUL */
	size_t path_off;           /* FilePathList */
	size_t path_len;           /*   = FilePathListLength */
	size_t opt_off;            /* OptionalData: the rest */
	size_t opt_len;
	char description[DEVPATH_DESC_MAX]; /* UTF-8, NUL-terminated, faithful:
					     * print through ucs2_bytes_to_ascii
					     * on a console that wants ASCII */
	size_t description_needed; /* UTF-8 length of the whole description */
};

/* Decodes an EFI_LOAD_OPTION: UINT32 Attributes, UINT16 FilePathListLength,
 * CHAR16 Description[] with its NUL, FilePathList[FilePathListLength],
 * OptionalData (the rest). The device paths themselves are not checked:
 * hand path_off/path_len to devpath_to_text.
 * Reasons: "load option shorter than its header", "description not
 * NUL-terminated", "file path list runs past the end of the load option". */
const char *devpath_load_option_parse(const uint8_t *data, size_t len,
				      struct efi_load_option *out);

#endif
