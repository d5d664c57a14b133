/* A bzImage like Debian's cloud kernel, built in memory for the tests of
 * hv/vm/linux/ (Linux x86 boot protocol, 2.15 header at 0x1F1): 39 setup
 * sectors, a 64 KiB payload, relocatable, XLF_KERNEL_64, an init_size of
 * 32 MiB from a preferred 16 MiB; for the tests of hv/vm/linux/, which
 * include cmocka and hv/vm/linux/linuxboot.h first. build() is their setup:
 * the image parsed into k, and 64 MiB of guest memory at mem filled with
 * 0xCC. */
#ifndef HVBOOT_TESTS_FAKE_BZIMAGE_H
#define HVBOOT_TESTS_FAKE_BZIMAGE_H

#include <stdint.h>
#include <string.h>
#include "loader/bytes.h"

#define SETUP_BYTES	(40 * 512)
#define KERNEL_BYTES	(64 * 1024)
#define FILE_BYTES	(SETUP_BYTES + KERNEL_BYTES)

static uint8_t img[FILE_BYTES];

static void put16(uint32_t off, uint16_t v) { st16(img + off, v); }
static void put32(uint32_t off, uint32_t v) { st32(img + off, v); }
static void put64(uint32_t off, uint64_t v) { st64(img + off, v); }

static void fake_bzimage_fill(void)
{
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7 + 3);
	img[0x1F1] = 39;
	put32(0x1F4, KERNEL_BYTES / 16);
	put16(0x1FE, 0xAA55);
	img[0x200] = 0xEB;
	img[0x201] = 0x6A;		/* header ends at 0x26C */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020F);
	img[0x210] = 0;
	img[0x211] = 0x01;
	put32(0x218, 0);
	put32(0x21C, 0);
	put32(0x228, 0);
	put32(0x22C, 0x7FFFFFFF);
	put32(0x230, 0x200000);
	img[0x234] = 1;
	put16(0x236, 0x7F);
	put32(0x238, 2047);
	put32(0x248, 716);
	put32(0x24C, 1000);
	put64(0x250, 0);		/* setup_data */
	put64(0x258, 0x1000000);
	put32(0x260, 0x2000000);	/* 32 MiB from 16 MiB */
}

#define MEM		(64ULL << 20)

static uint8_t *mem;
static struct bzimage k;

static int build(void **state)
{
	(void)state;
	fake_bzimage_fill();
	assert_null(bzimage_parse(img, sizeof(img), &k));
	if (!mem)
		mem = malloc(MEM);
	assert_non_null(mem);
	memset(mem, 0xCC, MEM);
	return 0;
}

#endif
