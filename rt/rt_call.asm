; rt_call: one firmware runtime call on the dedicated stack (MS x64 ABI,
; UEFI 2.10 §2.3.4.2). A fault inside firmware resumes at rt_call_abort
; (set by the trap hook) with RAX = EFI_ABORTED and the hypervisor's
; callee-saved registers restored from its own stack.
;
; u64 rt_call(u64 fn [rdi], u64 stack_top [rsi], u64 a1 [rdx], u64 a2 [rcx],
;             u64 a3 [r8], u64 a4 [r9], u64 a5 [rsp+8])            (SysV)
; Lives in .text.rtshared, mapped in both address spaces: it switches
; CR3 to the runtime tables (hv/rt_space.c) around the call.
bits 64
section .text.rtshared progbits alloc exec nowrite align=16
global rt_call, rt_call_abort, rt_saved_rsp, rt_call_hv_cr3, rt_call_rt_cr3

rt_call:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	sub rsp, 8			; rsp % 16 == 0
	mov [rel rt_saved_rsp], rsp
	mov r10, rdi			; fn
	mov rax, [rbp + 16]		; a5
	mov r11, rsi
	and r11, -16
	sub r11, 48			; 32 bytes home space + a5 + pad
	mov [r11 + 32], rax
	mov rsp, r11
	mov rax, [rel rt_call_rt_cr3]	; 0: one address space (not set up)
	test rax, rax
	jz .args
	mov cr3, rax
.args:
	mov rax, rcx			; MS: rcx, rdx, r8, r9 = a1..a4
	mov rcx, rdx
	mov rdx, rax
	; x87 and SSE control at their ABI defaults (§2.3.4.2): FCW 0x37F,
	; MXCSR 0x1F80; direction flag clear.
	fninit
	ldmxcsr [rel mxcsr_default]
	cld
	call r10
rt_call_abort:
	mov rcx, [rel rt_call_hv_cr3]	; RAX holds the status: keep it
	test rcx, rcx
	jz .back
	mov cr3, rcx
.back:
	mov rsp, [rel rt_saved_rsp]
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

align 4
mxcsr_default: dd 0x1F80		; here: .rodata is not mapped for firmware

section .bss.rtshared nobits alloc write align=8
rt_saved_rsp: resq 1
rt_call_hv_cr3: resq 1			; CR3 values incl. PCID bits, 0 = unused
rt_call_rt_cr3: resq 1

section .note.GNU-stack noalloc noexec nowrite progbits
