# tests/fw: hvfwsim.efi, the simulated misbehaving firmware (README.md,
# "Simulated misbehaving firmware"): a gnu-efi runtime driver built with the
# loader's flags (less the pinned-hash include), PE subsystem 12
# (EFI_RUNTIME_DRIVER), and a host test of its plan parser.
FWSIM_DIR    := $(BUILD)/fw
FWSIM_CFLAGS := $(filter-out -include $(BUILD)/gen/hv_hash.h,$(EFI_CFLAGS)) -Itests/fw
FWSIM_OBJS   := $(FWSIM_DIR)/hvfwsim.o $(FWSIM_DIR)/fwsim_plan.o
# Without --gc-sections: it drops crt0's dummy .reloc (nothing refers to
# it), the PE then says "relocations stripped" and OVMF's LoadImage refuses
# the driver ("is not an image").
FWSIM_LDFLAGS := $(filter-out --gc-sections,$(EFI_LDFLAGS))

.PHONY: fwsim fwsim-test
fwsim: $(FWSIM_DIR)/hvfwsim.efi

$(FWSIM_DIR)/%.o: tests/fw/%.c tests/fw/fwsim_plan.h tests/fw/fw.mk
	@mkdir -p $(@D)
	$(CC) $(FWSIM_CFLAGS) -c $< -o $@

$(FWSIM_DIR)/hvfwsim.so: $(FWSIM_OBJS)
	$(LD) $(FWSIM_LDFLAGS) $(EFI_CRT) $^ -o $@ $(EFI_LIBS)

$(FWSIM_DIR)/hvfwsim.efi: $(FWSIM_DIR)/hvfwsim.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=12 $< $@

# Host test of the parser (cmocka, ASan + UBSan). Not under $(BUILD)/host:
# make test runs every binary there as a unit test of the product.
$(FWSIM_DIR)/test_fwsim_plan: tests/fw/test_fwsim_plan.c tests/fw/fwsim_plan.c tests/fw/fwsim_plan.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -Itests/fw -o $@ tests/fw/test_fwsim_plan.c tests/fw/fwsim_plan.c -lcmocka

fwsim-test: $(FWSIM_DIR)/test_fwsim_plan
	$<
