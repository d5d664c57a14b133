; The test guest's first instruction (README: Guest ABI): 64-bit mode,
; paging on, RSP at the top of guest memory, RDI the boot-info page.
; guest_main returns the exit code, which goes out through port 0xF4;
; hlt (exit code 0) only if that port were ever ignored.
bits 64
section .text.entry progbits alloc exec nowrite align=16
extern guest_main
global _start
_start:
	and rsp, -16
	call guest_main
	out 0xF4, al
	hlt
	jmp $

section .note.GNU-stack noalloc noexec nowrite progbits
