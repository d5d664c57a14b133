; hv_entry: where the loader's trampoline jumps (ELF entry). Contract: 64-bit
; mode, interrupts off, CR3 = the loader's tables, rsp = HV_STACK_TOP_VA,
; rdi = direct-map address of struct hv_bootinfo, .bss zeroed.

bits 64
default rel

section .text

global hv_entry
extern hv_main

hv_entry:
	cli
	cld
	and rsp, -16		; SysV ABI: 16-byte aligned before the call
	xor ebp, ebp		; ends frame-pointer backtraces here
	call hv_main		; rdi passes through: hv_main(bi)
.halt:
	cli
	hlt
	jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
