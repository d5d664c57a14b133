# Each test links the sources named here plus PURE_LIB (Makefile).
UT_DEPS_sha256 := loader/sha256.c
UT_DEPS_elf := loader/elf.c
UT_DEPS_cfg := loader/cfg.c
UT_DEPS_efistatus := loader/efistatus.c
UT_DEPS_ucs2 := rt/ucs2.c
UT_DEPS_efivar := rt/efivar.c rt/ucs2.c
UT_DEPS_fmt :=
UT_DEPS_txt :=
UT_DEPS_devpath := rt/devpath.c rt/ucs2.c
UT_DEPS_shell := hv/shell.c hv/shell_edit.c
UT_DEPS_rtfmt := rt/rtfmt.c rt/efitime.c rt/efivar.c rt/ucs2.c
UT_DEPS_efitime := rt/efitime.c
UT_DEPS_varlist := rt/varlist.c rt/efivar.c rt/ucs2.c
UT_DEPS_pt := loader/pt.c
UT_DEPS_memmap := loader/memmap.c
UT_DEPS_rtwin := loader/rtwin.c loader/memmap.c
UT_DEPS_hvmap := loader/hvmap.c loader/rtwin.c loader/memmap.c loader/pt.c tools/ptmin.c
# test_hvmap replays the sample maps of tools/maps/ (make runs it from the top).
$(BUILD)/host/test_hvmap: HOST_CFLAGS += -DHV_MAPS_DIR='"tools/maps"'
UT_DEPS_ptmin := tools/ptmin.c loader/pt.c
UT_DEPS_ptaudit := loader/ptaudit.c loader/pt.c loader/hvmap.c loader/rtwin.c loader/memmap.c
UT_DEPS_rt_heal := rt/rt_heal.c
UT_DEPS_rt_deadline := rt/rt_deadline.c
UT_DEPS_rt := rt/varlist.c rt/excname.c rt/rt_code.c rt/rt.c rt/rt_deadline.c rt/rt_group.c rt/rt_heal.c rt/rt_fault.c rt/rt_svc.c rt/rt_capsule.c rt/efivar.c rt/ucs2.c loader/efistatus.c
UT_DEPS_acpi := hv/acpi.c
UT_DEPS_rttable := loader/rttable.c loader/crc32.c loader/rtwin.c loader/memmap.c
UT_DEPS_bootinfo := hv/bootinfo.c loader/memmap.c
UT_DEPS_cpustate := loader/cpustate.c
UT_DEPS_fwinfo := loader/fwinfo.c
UT_DEPS_quirks := loader/quirks.c
UT_DEPS_guestimg := hv/vm/guestimg.c loader/elf.c loader/pt.c
UT_DEPS_hcall := hv/vm/hcall.c rt/efivar.c rt/ucs2.c
UT_DEPS_xstate := hv/vm/xstate.c
UT_DEPS_gop := loader/gop.c
UT_DEPS_psf := hv/psf.c
UT_DEPS_fbcon := hv/fbcon.c hv/psf.c
UT_DEPS_kbd := hv/kbd.c
UT_DEPS_efishim := hv/vm/efi/shim_var.c hv/vm/efi/shim_misc.c hv/vm/efi/shim_map.c \
	hv/vm/efi/efi_crc32.c loader/crc32.c hv/vm/efi/efitables.c hv/vm/hcall.c rt/efivar.c rt/ucs2.c
UT_DEPS_efiblob := hv/vm/efi/efitables.c hv/vm/efi/efi_crc32.c loader/crc32.c hv/vm/hcall.c rt/efivar.c rt/ucs2.c
UT_DEPS_efitables := hv/vm/efi/efitables.c hv/vm/efi/efi_crc32.c loader/crc32.c
UT_DEPS_bzimage := hv/vm/linux/bzimage.c
UT_DEPS_linuxboot := hv/vm/linux/linuxboot.c hv/vm/linux/zeropage.c hv/vm/linux/bzimage.c loader/pt.c
UT_DEPS_cpuview := hv/vm/linux/cpuview.c
UT_DEPS_uart16550 := hv/vm/dev/uart16550.c
UT_DEPS_pic8259 := hv/vm/dev/pic8259.c
UT_DEPS_pit8254 := hv/vm/dev/pit8254.c
UT_DEPS_cmos_rtc := hv/vm/dev/cmos_rtc.c
UT_DEPS_i8042 := hv/vm/dev/i8042.c
UT_DEPS_reset := hv/vm/dev/reset.c
UT_DEPS_pci_none := hv/vm/dev/pci_none.c
UT_DEPS_platform := hv/vm/dev/platform.c hv/vm/dev/pic8259.c hv/vm/dev/pit8254.c \
	hv/vm/dev/uart16550.c hv/vm/dev/cmos_rtc.c hv/vm/dev/i8042.c hv/vm/dev/reset.c \
	hv/vm/dev/pci_none.c
UT_DEPS_excname := rt/excname.c
UT_DEPS_rt_code := rt/rt_code.c
UT_DEPS_crc32 := loader/crc32.c
UT_DEPS_zeropage := hv/vm/linux/zeropage.c hv/vm/linux/bzimage.c
