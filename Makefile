# hvboot — one entry point. The targets: README.md, "make targets".
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD    ?= build
PY       ?= /usr/bin/python3
OVMF_CODE ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS ?=
MEM      ?= 512M
SMP      ?= 1
# QEMU CPU for run: max is AMD with SVM + nested paging under TCG (guests)
CPU      ?= max
# run: ovmf, or uboot (Debian u-boot-qemu booting a copy of build/disk.img)
FIRMWARE ?= ovmf
# Empty: q35 on OVMF, pc on U-Boot (its own model).
MACHINE  ?=
# run: DISPLAY=1 shows the screen (gtk window or VNC). DISPLAY is also
# X11's variable, so only the value 1 counts, and the X display the
# environment had is handed to the runner apart ($(shell) still sees it).
RUN_DISPLAY := $(if $(filter 1,$(DISPLAY)),1)
X_DISPLAY := $(shell printenv DISPLAY)
FUZZ_SECONDS ?= 60

CC       := gcc
HOSTCC   := gcc
CLANG    := clang
NASM     := nasm
LD       := ld
OBJCOPY  := objcopy

WARN := -Wall -Wextra -Werror -std=c11
INCS := -I. -Iinclude

# ---------------------------------------------------------------- loader (gnu-efi)
EFI_INC  := -I/usr/include/efi -I/usr/include/efi/x86_64 -I/usr/include/efi/protocol
EFI_CFLAGS := $(WARN) -std=gnu11 -Os -mstringop-strategy=rep_8byte -ffunction-sections -fvisibility=hidden -fpic -fshort-wchar -mno-red-zone -ffreestanding \
	-fno-stack-protector -fno-stack-check -fno-strict-aliasing -maccumulate-outgoing-args \
	-mno-sse -mno-mmx -DGNU_EFI_USE_MS_ABI -DHVBOOT_FIRMWARE $(EFI_INC) $(INCS)
EFI_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc --gc-sections --no-undefined -e _start \
	-T /usr/lib/elf_x86_64_efi.lds
EFI_CRT  := /usr/lib/crt0-efi-x86_64.o
EFI_LIBS := -L/usr/lib -lefi -lgnuefi $(shell $(CC) -print-libgcc-file-name)

# Every object's header dependencies come from the compiler (.d files,
# included at the end); a phony target per header keeps a deleted header
# from breaking the build.
DEPFLAGS := -MMD -MP

# One recipe for every gnu-efi image, $(call efi_image,SUBSYSTEM): link
# the objects with crt0 and gnu-efi's script into a .so beside the target,
# then keep the PE sections (10 = EFI application, 12 = runtime driver).
define efi_image
	$(LD) $(EFI_LDFLAGS) $(EFI_CRT) $(filter %.o,$^) -o $(basename $@).so $(EFI_LIBS)
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=$(1) \
		$(basename $@).so $@
endef

# The pure library every layer shares (formatting, text writing): linked
# into the loader, the hypervisor, mapplan and every host test.
PURE_LIB := loader/fmt.c loader/txt.c

LOADER_PURE := loader/elf.c loader/cfg.c loader/pt.c loader/memmap.c loader/rtwin.c loader/hvmap.c \
	loader/rttable.c loader/crc32.c loader/cpustate.c loader/fwinfo.c loader/quirks.c loader/gop.c \
	loader/efistatus.c loader/sha256.c $(PURE_LIB)
LOADER_GLUE := $(wildcard loader/efi_*.c)
LOADER_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,$(LOADER_PURE) $(LOADER_GLUE)) \
	$(BUILD)/efi/loader/trampoline.o

# ---------------------------------------------------------------- hypervisor
HV_CFLAGS := $(WARN) -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-mmx -mno-80387 -fno-stack-protector -fno-builtin \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -DHVBOOT_HV $(INCS)
HV_PURE_FROM_LOADER := loader/elf.c loader/pt.c loader/memmap.c loader/ptaudit.c loader/efistatus.c \
	loader/fwinfo.c loader/quirks.c loader/rttable.c loader/crc32.c loader/rtwin.c $(PURE_LIB)
# hv/vm/: the guests (README: How the code is laid out), with a folder
# each for emulated devices, the Linux boot protocol and the guest's EFI.
# hv/vm/efi/shim_* runs inside the guest: built apart, below.
HV_DIRS := hv hv/vm hv/vm/dev hv/vm/linux hv/vm/efi
HV_SRCS := $(filter-out hv/vm/efi/shim_%,$(foreach d,$(HV_DIRS),$(wildcard $(d)/*.c))) \
	$(wildcard rt/*.c) $(HV_PURE_FROM_LOADER)
HV_ASMS := $(filter-out hv/vm/efi/shim_%,$(foreach d,$(HV_DIRS),$(wildcard $(d)/*.asm))) \
	$(wildcard rt/*.asm)
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(HV_SRCS)) $(patsubst %.asm,$(BUILD)/hv/%.o,$(HV_ASMS))

# ---------------------------------------------------------------- the guest's EFI shim
# Code that runs inside a Linux guest (README: The Linux guest's EFI): built
# freestanding and position independent, linked at 0 into one flat blob that
# needs no relocation (hv/vm/efi/shim.ld refuses any), embedded in hv.elf
# by hv/vm/efi/efishim_blob.asm.
SHIM_CFLAGS := $(WARN) -std=gnu11 -Os -ffreestanding -fpie -fvisibility=hidden -mno-red-zone \
	-mno-sse -mno-mmx -mno-80387 -fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables \
	-fno-jump-tables -fno-tree-loop-distribute-patterns -DHVBOOT_EFISHIM $(INCS)
SHIM_SRCS := hv/vm/efi/shim_var.c hv/vm/efi/shim_misc.c hv/vm/efi/shim_map.c \
	hv/vm/efi/efi_crc32.c loader/crc32.c hv/lib.c
SHIM_OBJS := $(BUILD)/shim/hv/vm/efi/shim_head.o $(patsubst %.c,$(BUILD)/shim/%.o,$(SHIM_SRCS))
EFISHIM_BIN := $(BUILD)/shim/efishim.bin

$(BUILD)/shim/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/shim/hv/vm/efi/shim_head.o: hv/vm/efi/shim_head.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -o $@ $<

$(BUILD)/shim/efishim.elf: $(SHIM_OBJS) hv/vm/efi/shim.ld
	$(LD) -pie --no-dynamic-linker -z norelro -z noexecstack --no-warn-rwx-segments -nostdlib -T hv/vm/efi/shim.ld \
		-o $@ $(SHIM_OBJS)

$(EFISHIM_BIN): $(BUILD)/shim/efishim.elf
	$(OBJCOPY) -O binary -j .shim $< $@

$(BUILD)/hv/hv/vm/efi/efishim_blob.o: hv/vm/efi/efishim_blob.asm $(EFISHIM_BIN)
	@mkdir -p $(@D)
	$(NASM) -f elf64 -DEFISHIM_BLOB='"$(EFISHIM_BIN)"' -o $@ $<

# ---------------------------------------------------------------- host tests
HOST_CFLAGS := $(WARN) -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -DHVBOOT_HOST $(INCS)
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DHVBOOT_HOST -DHVBOOT_FUZZ $(INCS)

.SECONDEXPANSION:
include tests/unit/deps.mk
include tests/fuzz/deps.mk
include tests/fw/fw.mk

UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(addprefix $(BUILD)/host/test_,$(UNIT_NAMES))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))

.PHONY: all loader hv esp disk run test unit fuzz-smoke fuzz rt-test bench install deps \
	mapplan clean sign stress

all: loader hv guest linux esp

deps:
	@tools/deps.sh

loader: $(BUILD)/BOOTX64.EFI
hv: $(BUILD)/hv.elf

$(BUILD)/gen/hv_hash.h: $(BUILD)/hv.elf tools/gen_hash.sh
	@mkdir -p $(@D)
	tools/gen_hash.sh $< > $@.tmp && mv $@.tmp $@

# The guest images the signed loader pins (README: Secure Boot): `make sign
# SIGN_MODULES="a.elf b.elf"`; by default the one the build puts on the ESP.
# The list is kept in a file so that a new list rebuilds the loader.
SIGN_MODULES ?= $(BUILD)/guest/testguest.elf
$(BUILD)/gen/module_pins.list: FORCE
	@mkdir -p $(@D)
	@echo '$(SIGN_MODULES)' | cmp -s - $@ 2>/dev/null || echo '$(SIGN_MODULES)' > $@

$(BUILD)/gen/module_hashes.h: $(BUILD)/gen/module_pins.list $(SIGN_MODULES) tools/gen_hash.sh
	tools/gen_hash.sh --modules $(SIGN_MODULES) > $@.tmp && mv $@.tmp $@

PIN_USERS := $(BUILD)/efi/loader/efi_module.o $(BUILD)/bench/efi/loader/efi_module.o
$(PIN_USERS): $(BUILD)/gen/module_hashes.h
$(PIN_USERS): EFI_CFLAGS += -include $(BUILD)/gen/module_hashes.h

.PHONY: FORCE
FORCE:

$(BUILD)/efi/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

# Only efi_main.c checks hv.elf against its pinned SHA-256, so only it
# depends on hv.elf (README: Secure Boot).
HASH_USERS := $(BUILD)/efi/loader/efi_main.o $(BUILD)/bench/efi/loader/efi_main.o
$(HASH_USERS): $(BUILD)/gen/hv_hash.h
$(HASH_USERS): EFI_CFLAGS += -include $(BUILD)/gen/hv_hash.h

$(BUILD)/efi/loader/trampoline.o: loader/trampoline.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -o $@ $<

$(BUILD)/BOOTX64.EFI: $(LOADER_OBJS)
	$(call efi_image,10)

$(BUILD)/hv/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(HV_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -o $@ $<

# The console font: a PSF from Debian's console-setup-linux (tools/deps.sh),
# unpacked here and embedded by hv/font.asm.
HV_FONT ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
$(BUILD)/gen/font.psf: $(HV_FONT)
	@mkdir -p $(@D)
	gunzip -c $< > $@.tmp && mv $@.tmp $@

$(BUILD)/hv/hv/font.o: hv/font.asm $(BUILD)/gen/font.psf
	@mkdir -p $(@D)
	$(NASM) -f elf64 -DHV_FONT_FILE='"$(BUILD)/gen/font.psf"' -o $@ $<

# test_psf and test_fbcon also read the font the hypervisor embeds.
$(BUILD)/host/test_psf $(BUILD)/host/test_fbcon: $(BUILD)/gen/font.psf
$(BUILD)/host/test_psf $(BUILD)/host/test_fbcon: HOST_CFLAGS += -DHV_FONT_FILE='"$(BUILD)/gen/font.psf"'

# The shim's host tests read the blob the hypervisor embeds.
EFISHIM_TESTS := $(BUILD)/host/test_efishim $(BUILD)/host/test_efiblob $(BUILD)/host/test_efitables
$(EFISHIM_TESTS): $(EFISHIM_BIN)
$(EFISHIM_TESTS): HOST_CFLAGS += -DEFISHIM_BLOB_FILE='"$(EFISHIM_BIN)"'

# hv.dbg keeps the symbols for gdb (README: debugging); the ESP gets hv.elf
# without debug sections, and that is the file whose SHA-256 is pinned.
$(BUILD)/hv.dbg: $(HV_OBJS) hv/hv.ld
	$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T hv/hv.ld \
		-o $@ $(HV_OBJS) $(shell $(CC) -print-libgcc-file-name)

$(BUILD)/hv.elf: $(BUILD)/hv.dbg
	$(OBJCOPY) --strip-debug $< $@

# ---------------------------------------------------------------- test guest
# A freestanding ELF guest (README: Guest ABI), placed on the ESP and named
# by tools/hvboot.cfg's module line. It includes the guest ABI
# (include/hvguest.h), the EFI statuses, x86.h and the pure loader/pt.h.
GUEST_CFLAGS := $(WARN) -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -mno-red-zone -mno-sse \
	-mno-mmx -mno-80387 -fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables \
	-I. -Iinclude
GUEST_OBJS := $(BUILD)/guest/entry.o $(BUILD)/guest/guest.o

.PHONY: guest
guest: $(BUILD)/guest/testguest.elf

$(BUILD)/guest/guest.o: tests/guest/guest.c Makefile
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/entry.o: tests/guest/entry.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -o $@ $<

$(BUILD)/guest/testguest.elf: $(GUEST_OBJS) tests/guest/guest.ld
	$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T tests/guest/guest.ld \
		-o $@ $(GUEST_OBJS)

# ---------------------------------------------------------------- Linux guest
# Debian's cloud kernel and a busybox initramfs (README: Guests, the Linux
# kind): tools/deps.sh fetches the packages with apt-get download and unpacks
# them under $(LINUX_DIR)/root, once; nothing is installed.
LINUX_DIR  := $(BUILD)/linux
LINUX_ROOT := $(LINUX_DIR)/root
LINUX_KERNEL := $(LINUX_DIR)/vmlinuz
LINUX_INITRD := $(LINUX_DIR)/initramfs.gz

.PHONY: linux
linux: $(LINUX_KERNEL) $(LINUX_INITRD)

$(LINUX_ROOT)/.packages: tools/deps.sh
	tools/deps.sh guest-linux $(LINUX_DIR)
	@touch $@

$(LINUX_KERNEL): $(LINUX_ROOT)/.packages
	cp $$(ls $(LINUX_ROOT)/boot/vmlinuz-* | head -1) $@.tmp && mv $@.tmp $@

# efivarfs.ko, Debian's efibootmgr and efivar, and e2fsprogs' chattr (efivarfs
# makes variable files immutable) ride along for the guest's own EFI variables;
# all are dynamically linked, so their libraries, libc and the dynamic loader
# (their PT_INTERP, /lib64/ld-linux-x86-64.so.2) go at their paths.
LINUX_EFI_FILES := bin/efibootmgr usr/bin/efivar usr/bin/chattr lib64/ld-linux-x86-64.so.2 \
	lib/x86_64-linux-gnu/libe2p.so.2 lib/x86_64-linux-gnu/libe2p.so.2.3 \
	lib/x86_64-linux-gnu/libcom_err.so.2 lib/x86_64-linux-gnu/libcom_err.so.2.1 \
	lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 lib/x86_64-linux-gnu/libc.so.6 \
	lib/x86_64-linux-gnu/libdl.so.2 \
	usr/lib/x86_64-linux-gnu/libefivar.so.1 usr/lib/x86_64-linux-gnu/libefivar.so.1.37 \
	usr/lib/x86_64-linux-gnu/libefiboot.so.1 usr/lib/x86_64-linux-gnu/libefiboot.so.1.37 \
	usr/lib/x86_64-linux-gnu/libpopt.so.0 usr/lib/x86_64-linux-gnu/libpopt.so.0.0.2
$(LINUX_INITRD): $(LINUX_ROOT)/.packages tests/guest/linux-init tools/mkinitramfs.py
	$(PY) tools/mkinitramfs.py --root $(LINUX_ROOT) --init tests/guest/linux-init \
		$$(cd $(LINUX_ROOT) && find lib/modules -name efivarfs.ko | sed 's/^/--module /') \
		$(addprefix --file ,$(LINUX_EFI_FILES)) $@

# ---------------------------------------------------------------- images
esp: $(BUILD)/BOOTX64.EFI $(BUILD)/hv.elf $(BUILD)/guest/testguest.elf $(LINUX_KERNEL) $(LINUX_INITRD)
	tools/mkesp.sh $(BUILD)

disk: esp
	tools/mkdisk.sh $(BUILD)

RUN_ESP ?= $(BUILD)/esp
run: deps all $(if $(filter uboot,$(FIRMWARE)),disk)
	tools/qemu-run.sh --firmware "$(FIRMWARE)" --esp $(RUN_ESP) --disk $(BUILD)/disk.img \
		--build $(BUILD) --code "$(OVMF_CODE)" --vars "$(OVMF_VARS)" \
		--mem $(MEM) --smp $(SMP) --machine "$(MACHINE)" --cpu "$(CPU)" \
		--display "$(RUN_DISPLAY)" --x-display "$(X_DISPLAY)"

install: all
	tools/install.sh "$(ESP)" $(BUILD)

# QEMU halted with its gdb stub, and the gdb line (README: Debugging).
GDB_PORT  ?= 1234
DEBUG_RUN ?=
.PHONY: debug
debug: deps all
	$(PY) tools/hvdebug.py --build $(BUILD) --esp $(RUN_ESP) --code "$(OVMF_CODE)" --mem $(MEM) \
		--smp $(SMP) --machine "$(MACHINE)" --port $(GDB_PORT) $(if $(filter 1,$(DEBUG_RUN)),--run)

# ---------------------------------------------------------------- tests
# Test binaries compile several sources in one command, where -MMD would
# keep only the last one's headers: -MM lists them all, for this target,
# in $(BUILD)/deps (not beside the binaries, which are run by name).
$(BUILD)/host/test_%: tests/unit/test_%.c $$(UT_DEPS_$$*) $(PURE_LIB) Makefile
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(UT_DEPS_$*) $(PURE_LIB) -lcmocka
	@mkdir -p $(BUILD)/deps && $(HOSTCC) $(INCS) -MM -MP -MT $@ $< $(UT_DEPS_$*) $(PURE_LIB) \
		> $(BUILD)/deps/$(@F).d

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FZ_DEPS_$$*) $(PURE_LIB) Makefile
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FZ_DEPS_$*) $(PURE_LIB)
	@mkdir -p $(BUILD)/deps && $(HOSTCC) $(INCS) -MM -MP -MT $@ $< $(FZ_DEPS_$*) $(PURE_LIB) \
		> $(BUILD)/deps/$(@F).d

unit: $(UNIT_BINS)
	@tools/run-unit.sh $(UNIT_BINS)

fuzz-smoke: $(FUZZ_BINS)
	@tools/run-fuzz.sh smoke $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@tools/run-fuzz.sh long $(FUZZ_SECONDS) $(FUZZ_BINS)

rt-test: all disk
	$(PY) -m pytest -q tests/rt $(PYTEST_ARGS)

test: deps
	@$(MAKE) --no-print-directory all disk sign fwsim $(UNIT_BINS) $(BUILD)/host/test_fwsim_plan \
		$(FUZZ_BINS)
	@tools/run-tests.sh

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------- Secure Boot
# Debian's snakeoil test key (OVMF_VARS_4M.snakeoil.fd trusts it). The
# signed loader pins hv.elf's SHA-256 (build/gen/hv_hash.h).
SB_KEY  ?= /usr/share/ovmf/PkKek-1-snakeoil.key
SB_CERT ?= /usr/share/ovmf/PkKek-1-snakeoil.pem
SB_PASS ?= snakeoil

.PHONY: sign
sign: $(BUILD)/signed/BOOTX64.EFI
	@rm -rf $(BUILD)/esp-signed && cp -r $(BUILD)/esp $(BUILD)/esp-signed
	@cp $< $(BUILD)/esp-signed/EFI/BOOT/BOOTX64.EFI
	@echo "signed: $< and $(BUILD)/esp-signed/"

$(BUILD)/signed/BOOTX64.EFI: $(BUILD)/BOOTX64.EFI esp
	@mkdir -p $(@D)
	@openssl rsa -in $(SB_KEY) -passin pass:$(SB_PASS) -out $(@D)/key.pem 2>/dev/null
	sbsign --key $(@D)/key.pem --cert $(SB_CERT) --output $@ $< 2>&1 | grep -v "^warning: data remaining" || true
	@rm -f $(@D)/key.pem
	@test -s $@

# ---------------------------------------------------------------- measurement
# mapplan: the loader's pure mapping code (rtwin, hvmap, pt, memmap) built
# for the host, with ptmin's independent count beside it (README: Memory maps as text).
MAPPLAN_SRCS := tools/mapplan.c tools/mapsvg.c tools/ptmin.c loader/memmap.c loader/rtwin.c \
	loader/hvmap.c loader/pt.c $(PURE_LIB)

mapplan: tools/mapplan

tools/mapplan: $(MAPPLAN_SRCS) Makefile
	$(HOSTCC) $(WARN) -O2 -g -DHVBOOT_HOST $(INCS) -o $@ $(MAPPLAN_SRCS) -lm
	@mkdir -p $(BUILD)/deps && $(HOSTCC) $(INCS) -MM -MP -MT $@ $(MAPPLAN_SRCS) \
		> $(BUILD)/deps/mapplan.d

.PHONY: mapplan-clean bench-loader nullapp
clean: mapplan-clean
mapplan-clean:
	rm -f tools/mapplan

# The bench loader: the same objects and flags as the loader, plus
# -DHVBOOT_BENCH (efi_bench.c times runtime calls before
# ExitBootServices), and its own ESP.
BENCH_DIR := $(BUILD)/bench
BENCH_OBJS := $(patsubst %.c,$(BENCH_DIR)/efi/%.o,$(LOADER_PURE) $(LOADER_GLUE)) \
	$(BUILD)/efi/loader/trampoline.o

$(BENCH_DIR)/efi/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -DHVBOOT_BENCH $(DEPFLAGS) -c $< -o $@

$(BENCH_DIR)/BOOTX64.EFI: $(BENCH_OBJS)
	$(call efi_image,10)

bench-loader: $(BENCH_DIR)/BOOTX64.EFI $(BUILD)/hv.elf $(BUILD)/guest/testguest.elf linux
	rm -rf $(BENCH_DIR)/esp
	mkdir -p $(BENCH_DIR)/esp/EFI/BOOT $(BENCH_DIR)/esp/hvboot/linux
	cp $(BENCH_DIR)/BOOTX64.EFI $(BENCH_DIR)/esp/EFI/BOOT/BOOTX64.EFI
	cp $(BUILD)/hv.elf $(BENCH_DIR)/esp/hvboot/hv.elf
	cp $(BUILD)/guest/testguest.elf $(BENCH_DIR)/esp/hvboot/testguest.elf
	cp tools/hvboot.cfg $(BENCH_DIR)/esp/hvboot/hvboot.cfg
	cp $(LINUX_KERNEL) $(LINUX_INITRD) $(BENCH_DIR)/esp/hvboot/linux/

# nullapp: an EFI app that only says so and exits QEMU, built with the
# loader's gnu-efi flags: what OVMF alone costs to reach a boot option.
$(BUILD)/nullapp/nullapp.o: tools/nullapp.c Makefile
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/nullapp/BOOTX64.EFI: $(BUILD)/nullapp/nullapp.o
	$(call efi_image,10)

nullapp: $(BUILD)/nullapp/BOOTX64.EFI
	rm -rf $(BUILD)/nullapp/esp
	mkdir -p $(BUILD)/nullapp/esp/EFI/BOOT
	cp $< $(BUILD)/nullapp/esp/EFI/BOOT/BOOTX64.EFI

# Figures, never pass/fail (README: make targets). BENCH_ARGS: see tools/bench.py --help.
bench: all mapplan bench-loader nullapp
	$(PY) tools/bench.py --build $(BUILD) $(BENCH_ARGS)

# ---------------------------------------------------------------- long runs
.PHONY: stress
stress: all
	HVBOOT_STRESS=1 $(PY) -m pytest -q -s -p no:cacheprovider tests/rt/test_stress.py

# The header dependencies the compiler wrote (DEPFLAGS, -MM).
-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
