/* Guest memory at start (README: Guest ABI): everything the hypervisor
 * puts there lies below 1 MiB, the image above it, the stack at the top.
 * The identity tables come from loader/pt.c, built with callbacks that
 * hand out pages of guest memory, so the guest's CR3 names guest-physical
 * addresses only. */
#include "guestimg.h"
#include "layout.h"
#include "loader/pt.h"

const char *guestimg_validate(const void *file, uint64_t size_bytes, uint64_t mem_bytes,
			      struct elf_image *out, int *bad_seg)
{
	const struct elf_place place = {
		.use_paddr = true,
		.forbid_wx = false,	/* the guest's own identity map is RWX */
		.floor = GUEST_IMAGE_MIN_GPA,
		.below_floor = "segment below 1 MiB (the hypervisor's part of guest memory)",
		.lo = GUEST_IMAGE_MIN_GPA,
		.hi = mem_bytes,
		.outside = "segment outside guest memory",
	};

	return elf_validate_placed(file, size_bytes, &place, out, bad_seg);
}

struct guest_pt_ctx {
	uint8_t *mem;
	uint64_t next_gpa;
};

static void *guest_pt_alloc(void *ctx, uint64_t *pa)
{
	struct guest_pt_ctx *c = ctx;
	uint8_t *p;

	if (c->next_gpa >= GUEST_PT_END_GPA)
		return NULL;
	*pa = c->next_gpa;
	c->next_gpa += HV_PAGE_SIZE;
	p = c->mem + *pa;
	__builtin_memset(p, 0, HV_PAGE_SIZE);
	return p;
}

static void *guest_pt_ptr(void *ctx, uint64_t pa)
{
	return ((struct guest_pt_ctx *)ctx)->mem + pa;
}

const char *guestimg_prepare(uint8_t *mem, uint64_t mem_bytes, const void *file,
			     const struct elf_image *img, const char *args,
			     struct guest_entry *entry)
{
	struct guest_pt_ctx ctx = { .mem = mem, .next_gpa = GUEST_PT_GPA };
	struct pt_builder pt = {
		.alloc_page = guest_pt_alloc, .pa_to_ptr = guest_pt_ptr, .ctx = &ctx,
		.allow_1g = false, .allow_nx = false,
	};
	struct hvguest_bootinfo *bi;
	size_t i;

	if (mem_bytes < GUEST_MEM_MIN || mem_bytes > GUEST_MEM_MAX ||
	    (mem_bytes & (HV_LARGE_2M - 1)))
		return "guest memory must be 2 MiB..64 GiB in whole 2 MiB";
	__builtin_memset(mem, 0, mem_bytes);
	for (i = 0; i < img->nseg; i++) {
		const struct elf_seg *s = &img->seg[i];

		__builtin_memcpy(mem + s->va, (const uint8_t *)file + s->offset, s->filesz);
	}

	{
		/* SDM Vol. 3A §3.4.5: null; code L=1 P DPL0 type 0xA; data
		 * P DPL0 type 0x2, G, D/B. */
		static const uint64_t gdt[3] = { 0, 0x00AF9A000000FFFFULL, 0x00CF92000000FFFFULL };

		__builtin_memcpy(mem + GUEST_GDT_GPA, gdt, sizeof(gdt));
	}
	bi = (struct hvguest_bootinfo *)(mem + GUEST_BOOTINFO_GPA);
	__builtin_memcpy(bi->magic, HVGUEST_MAGIC, HVGUEST_MAGIC_BYTES);
	bi->mem_bytes = mem_bytes;
	for (i = 0; args && args[i] && i < HVGUEST_ARGS_MAX - 1; i++)
		bi->args[i] = args[i];
	bi->args[i] = '\0';

	if (pt_init(&pt) != PT_OK ||
	    pt_map_range(&pt, 0, 0, mem_bytes, PT_MAP_W | PT_MAP_X) != PT_OK)
		return "guest page tables do not fit below 512 KiB";

	entry->rip = img->entry_va;
	entry->rsp = mem_bytes;
	entry->rdi = GUEST_BOOTINFO_GPA;
	entry->cr3 = pt.root_pa;
	return NULL;
}

bool guestimg_pick_memory(const struct efi_mdesc *map, size_t count, uint64_t bytes,
			  uint64_t *pa)
{
	bool found = false;

	for (size_t i = 0; i < count; i++) {
		const struct efi_mdesc *d = &map[i];
		uint64_t start = d->pa, end, top;

		if (d->type != EFI_MT_CONVENTIONAL || d->npages > (UINT64_MAX - start) / HV_PAGE_SIZE)
			continue;
		end = start + d->npages * HV_PAGE_SIZE;
		if (end - start < bytes)
			continue;
		top = (end - bytes) & ~(HV_LARGE_2M - 1);
		if (top < start)
			continue;
		if (!found || top > *pa) {
			*pa = top;
			found = true;
		}
	}
	return found;
}
