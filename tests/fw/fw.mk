# tests/fw: hvfwsim.efi, the simulated misbehaving firmware (README:
# Simulated misbehaving firmware): a gnu-efi runtime driver built with the
# loader's flags, PE subsystem 12 (EFI_RUNTIME_DRIVER), and a host test of
# its plan parser that make test runs with the unit tests.
FWSIM_DIR  := $(BUILD)/fw
FWSIM_OBJS := $(FWSIM_DIR)/hvfwsim.o $(FWSIM_DIR)/fwsim_plan.o

.PHONY: fwsim
fwsim: $(FWSIM_DIR)/hvfwsim.efi

$(FWSIM_DIR)/%.o: tests/fw/%.c Makefile tests/fw/fw.mk
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) $(DEPFLAGS) -c $< -o $@

# Without --gc-sections: it drops crt0's dummy .reloc (nothing refers to
# it), the PE then says "relocations stripped" and OVMF's LoadImage refuses
# the driver ("is not an image"). The loader keeps a .reloc of its own.
$(FWSIM_DIR)/hvfwsim.efi: EFI_LDFLAGS := $(filter-out --gc-sections,$(EFI_LDFLAGS))
$(FWSIM_DIR)/hvfwsim.efi: $(FWSIM_OBJS)
	$(call efi_image,12)

$(BUILD)/host/test_fwsim_plan: tests/fw/test_fwsim_plan.c tests/fw/fwsim_plan.c Makefile tests/fw/fw.mk
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/fw/test_fwsim_plan.c tests/fw/fwsim_plan.c -lcmocka
	@mkdir -p $(BUILD)/deps && $(HOSTCC) $(INCS) -MM -MP -MT $@ tests/fw/test_fwsim_plan.c \
		tests/fw/fwsim_plan.c > $(BUILD)/deps/$(@F).d
