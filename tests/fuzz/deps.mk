# Each test links the sources named here plus PURE_LIB (Makefile).
FZ_DEPS_elf := loader/elf.c
FZ_DEPS_cfg := loader/cfg.c
FZ_DEPS_efivar := rt/efivar.c rt/ucs2.c
FZ_DEPS_shell := hv/shell.c hv/shell_edit.c
FZ_DEPS_devpath := rt/devpath.c rt/ucs2.c
FZ_DEPS_mapplan := loader/memmap.c loader/rtwin.c loader/hvmap.c loader/pt.c loader/ptaudit.c
FZ_DEPS_memmap_text := loader/memmap.c
FZ_DEPS_rtfmt := rt/rtfmt.c rt/efitime.c rt/efivar.c rt/ucs2.c
FZ_DEPS_efitime := rt/efitime.c rt/rtfmt.c rt/efivar.c rt/ucs2.c
FZ_DEPS_varlist := rt/varlist.c rt/efivar.c rt/ucs2.c
FZ_DEPS_acpi := hv/acpi.c
FZ_DEPS_hcall := hv/vm/hcall.c rt/efivar.c rt/ucs2.c
FZ_DEPS_guestimg := hv/vm/guestimg.c loader/elf.c loader/pt.c
FZ_DEPS_psf := hv/psf.c hv/fbcon.c
FZ_DEPS_kbd := hv/kbd.c
FZ_DEPS_rt_heal := rt/rt_heal.c
FZ_DEPS_efishim := hv/vm/efi/shim_var.c hv/vm/efi/shim_misc.c hv/vm/efi/shim_map.c hv/vm/efi/efi_crc32.c loader/crc32.c
FZ_DEPS_bzimage := hv/vm/linux/linuxboot.c hv/vm/linux/zeropage.c hv/vm/linux/bzimage.c loader/pt.c
FZ_DEPS_rttable := loader/rttable.c loader/crc32.c loader/rtwin.c loader/memmap.c
FZ_DEPS_gop := loader/gop.c
FZ_DEPS_platform := hv/vm/dev/platform.c hv/vm/dev/pic8259.c hv/vm/dev/pit8254.c \
	hv/vm/dev/uart16550.c hv/vm/dev/cmos_rtc.c hv/vm/dev/i8042.c hv/vm/dev/reset.c \
	hv/vm/dev/pci_none.c
FZ_DEPS_rt_code := rt/rt_code.c
FZ_DEPS_rttable_crc := loader/rttable.c loader/crc32.c loader/rtwin.c loader/memmap.c
