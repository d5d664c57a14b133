/* The runtime services table after SetVirtualAddressMap (UEFI 2.10 §4.5,
 * §8.4): checked before the hypervisor is told runtime services work.
 * Pure: reads the table from a buffer, so it is host-tested. */
#ifndef HVBOOT_RTTABLE_H
#define HVBOOT_RTTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "rtwin.h"

/* EFI_RUNTIME_SERVICES: a 24-byte EFI_TABLE_HEADER, then 14 pointers in
 * the order of rt/rt.h's enum rt_svc. */
#define RTTABLE_SIGNATURE	0x56524553544E5552ULL	/* "RUNTSERV" */
#define RTTABLE_HEADER_BYTES	24
#define RTTABLE_SERVICES	14
#define RTTABLE_BYTES		(RTTABLE_HEADER_BYTES + 8 * RTTABLE_SERVICES)

/* True for the services (by index in the table) a firmware may leave
 * physical: boot-time only, so neither rttable_check nor selftest holds
 * them to the window; their staying physical is a quirk the loader
 * records (HV_QUIRK_SVAM_POINTERS_PHYSICAL). */
bool rttable_boot_time_only(unsigned svc);

/* table: the RTTABLE_BYTES at physical address table_pa, as the firmware
 * left them after SetVirtualAddressMap. NULL with *table_va = the table's
 * new virtual address, or a reason with *detail = the value that was
 * wrong: a bad signature, a table outside every runtime region of plan,
 * or a service pointer outside the runtime code the plan mapped. Sets
 * HV_QUIRK_SVAM_POINTERS_PHYSICAL in *quirks when SetVirtualAddressMap or
 * ConvertPointer was left unconverted. */
const char *rttable_check(const uint8_t *table, uint64_t table_pa, const struct rtwin_plan *plan,
			  uint64_t *table_va, uint64_t *detail, uint32_t *quirks);

/* UEFI 2.10 §4.2: the header's CRC32 covers HeaderSize bytes, computed
 * with the CRC32 field zero. table: the table as SetVirtualAddressMap left
 * it, table_len bytes of it readable. NULL when the CRC32 matches, else
 * why, with *detail = the CRC32 the header holds: a mismatch, or a
 * HeaderSize shorter than the header or longer than what is readable. */
const char *rttable_crc_check(const uint8_t *table, size_t table_len, uint64_t *detail);

#endif
