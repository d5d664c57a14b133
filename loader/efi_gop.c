/* The framebuffer the firmware's Graphics Output Protocol has set up
 * (UEFI 2.10 §12.9), read before ExitBootServices: after it the protocol
 * is gone but the framebuffer stays where the mode says. loader/gop.c
 * decides whether the hypervisor can draw on it. */
#include "efi_boot.h"
#include "gop.h"

static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

void efi_gop_query(struct boot *b)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	struct gop_mode m;
	const char *why;
	EFI_STATUS st;

	b->fb = (struct hv_framebuffer){0};
	st = FW(uefi_call_wrapper(BS->LocateProtocol, 3, &gop_guid, NULL, (void **)&gop));
	if (EFI_ERROR(st) || !gop || !gop->Mode || !gop->Mode->Info) {
		boot_log(b, HV_LOG_INFO, "hvboot: framebuffer none (no Graphics Output Protocol)\n");
		return;
	}
	info = gop->Mode->Info;
	m = (struct gop_mode){
		.fb_pa = gop->Mode->FrameBufferBase, .fb_size = gop->Mode->FrameBufferSize,
		.width = info->HorizontalResolution, .height = info->VerticalResolution,
		.stride_pixels = info->PixelsPerScanLine, .pixel_format = info->PixelFormat,
		.mask_red = info->PixelInformation.RedMask,
		.mask_green = info->PixelInformation.GreenMask,
		.mask_blue = info->PixelInformation.BlueMask,
		.mask_reserved = info->PixelInformation.ReservedMask,
	};
	why = gop_describe(&m, &b->fb);
	if (why) {
		boot_log(b, HV_LOG_INFO, "hvboot: framebuffer none (%s)\n", why);
		return;
	}
	boot_log(b, HV_LOG_INFO, "hvboot: framebuffer %ux%u %s, stride %u, at 0x%lx (%lu KiB), "
		 "mapped at 0x%lx\n", b->fb.width, b->fb.height,
		 hv_fb_format_name(b->fb.format), b->fb.stride_pixels, b->fb.pa,
		 b->fb.size_bytes >> 10, b->fb.va);
}
