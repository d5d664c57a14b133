/* The shim blob the hypervisor embeds (build/shim/efishim.bin; the Makefile
 * passes its path as EFISHIM_BLOB_FILE), read for the host tests. */
#ifndef HVBOOT_TEST_EFISHIM_BLOB_FILE_H
#define HVBOOT_TEST_EFISHIM_BLOB_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint8_t blob_bytes_buf[1 << 16];
static uint64_t blob_len;

static void blob_read(void)
{
	FILE *fp = fopen(EFISHIM_BLOB_FILE, "rb");

	if (!fp)
		abort();
	blob_len = fread(blob_bytes_buf, 1, sizeof(blob_bytes_buf), fp);
	fclose(fp);
	if (!blob_len || blob_len == sizeof(blob_bytes_buf))
		abort();
}

#endif
