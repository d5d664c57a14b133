# Each test links the sources named here plus PURE_LIB (Makefile).
UT_DEPS_sha256 := loader/sha256.c
UT_DEPS_elf := loader/elf.c
UT_DEPS_cfg := loader/cfg.c
UT_DEPS_efistatus := loader/efistatus.c
UT_DEPS_ucs2 := rt/ucs2.c
UT_DEPS_efivar := rt/efivar.c rt/ucs2.c
UT_DEPS_fmt :=
UT_DEPS_devpath := rt/devpath.c rt/ucs2.c
UT_DEPS_shell := hv/shell.c
UT_DEPS_rtfmt := rt/rtfmt.c rt/efivar.c rt/ucs2.c
UT_DEPS_pt := loader/pt.c
UT_DEPS_memmap := loader/memmap.c
UT_DEPS_rtwin := loader/rtwin.c loader/memmap.c
UT_DEPS_hvmap := loader/hvmap.c loader/rtwin.c loader/memmap.c loader/pt.c
UT_DEPS_ptmin := tools/ptmin.c loader/pt.c
UT_DEPS_ptaudit := loader/ptaudit.c loader/pt.c loader/hvmap.c loader/rtwin.c loader/memmap.c
UT_DEPS_rt := rt/rt.c rt/rt_fault.c rt/rt_svc.c rt/rt_capsule.c rt/efivar.c rt/ucs2.c loader/efistatus.c
