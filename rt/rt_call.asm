; rt_call_stub: one firmware runtime call on the dedicated stack (MS x64 ABI,
; UEFI 2.10 §2.3.4.2). A fault inside firmware resumes at rt_call_abort
; (set by the trap hook) with RAX = EFI_ABORTED and RDX = the RFLAGS the
; firmware faulted with; the hypervisor's callee-saved registers come back
; from its own stack.
;
; u64 rt_call_stub(u64 fn [rdi], u64 stack_top [rsi], u64 a1 [rdx], u64 a2 [rcx],
;             u64 a3 [r8], u64 a4 [r9], u64 a5 [rsp+8])            (SysV)
; Lives in .text.rtshared, mapped in both address spaces: it switches
; CR3 to the runtime tables (hv/rt_space.c) around the call.
;
; State restored after every call, returned or aborted: RFLAGS (DF, IF,
; AC, TF as the hypervisor had them), CR0 and CR4 (any bit the firmware
; flipped is put back and reported in rt_call_cr0_flips/_cr4_flips), x87
; control word and MXCSR (what firmware left is reported first). The saved
; values live in the hypervisor's own .bss, which the runtime address space
; does not map: they are read only after the switch back.
bits 64
section .text.rtshared progbits alloc exec nowrite align=16
global rt_call_stub, rt_call_abort, rt_saved_rsp, rt_call_hv_cr3, rt_call_rt_cr3
global rt_call_entry_rflags, rt_call_fw_rflags, rt_call_fw_fcw, rt_call_fw_mxcsr
global rt_call_cr0_flips, rt_call_cr4_flips, rt_call_entry_if

; SDM Vol. 1 §3.4.3: RFLAGS bits.
RFLAGS_TF	equ 1 << 8
RFLAGS_IF	equ 1 << 9
RFLAGS_DF	equ 1 << 10
RFLAGS_AC	equ 1 << 18

rt_call_stub:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	sub rsp, 8			; rsp % 16 == 0
	mov [rel rt_saved_rsp], rsp
	pushfq
	pop qword [rel saved_rflags]
	mov rax, cr0
	mov [rel saved_cr0], rax
	mov rax, cr4
	mov [rel saved_cr4], rax
	fnstcw [rel saved_fcw]
	stmxcsr [rel saved_mxcsr]
	; Firmware starts with DF clear (UEFI 2.10 §2.3.4.2), AC and TF clear,
	; and IF as rt_call_entry_if says (set while the watchdog is armed).
	mov rax, [rel saved_rflags]
	and rax, ~(RFLAGS_DF | RFLAGS_AC | RFLAGS_TF | RFLAGS_IF)
	or rax, [rel rt_call_entry_if]
	mov [rel rt_call_entry_rflags], rax
	mov r10, rdi			; fn
	mov r11, rsi
	and r11, -16
	sub r11, 48			; 32 bytes home space + a5 + pad
	mov rsi, [rbp + 16]		; a5
	mov [r11 + 32], rsi
	mov rsp, r11
	push rax			; the entry RFLAGS, popped right before the call
	mov rax, [rel rt_call_rt_cr3]	; 0: one address space (not set up)
	test rax, rax
	jz .args
	mov cr3, rax
.args:
	mov rax, rcx			; MS: rcx, rdx, r8, r9 = a1..a4
	mov rcx, rdx
	mov rdx, rax
	; x87 and SSE control at their ABI defaults (§2.3.4.2): FCW 0x37F,
	; MXCSR 0x1F80.
	fninit
	ldmxcsr [rel mxcsr_default]
	popfq
	call r10
	pushfq
	cli				; firmware may have left IF set
	pop rdx
rt_call_abort:				; RAX = status, RDX = firmware's RFLAGS
	mov rcx, [rel rt_call_hv_cr3]
	test rcx, rcx
	jz .back
	mov cr3, rcx
.back:
	mov rsp, [rel rt_saved_rsp]
	mov [rel rt_call_fw_rflags], rdx
	; Control registers first: a firmware that set CR0.TS or cleared
	; CR4.OSFXSR would make the FPU instructions below fault.
	mov rcx, cr0
	mov rsi, [rel saved_cr0]
	xor rcx, rsi
	mov [rel rt_call_cr0_flips], rcx
	jz .cr0_ok
	mov cr0, rsi
.cr0_ok:
	mov rcx, cr4
	mov rsi, [rel saved_cr4]
	xor rcx, rsi
	mov [rel rt_call_cr4_flips], rcx
	jz .cr4_ok
	mov cr4, rsi
.cr4_ok:
	fnstcw [rel rt_call_fw_fcw]
	stmxcsr [rel rt_call_fw_mxcsr]
	fnclex				; no pending x87 exception survives the call
	fldcw [rel saved_fcw]
	ldmxcsr [rel saved_mxcsr]
	push qword [rel saved_rflags]
	popfq				; DF, IF, AC, TF: the hypervisor's
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
rt_call_hv_cr3: resq 1			; CR3 values incl. PCID bits, 0 = unused
rt_call_rt_cr3: resq 1

; The hypervisor's own .bss: not mapped while firmware runs.
section .bss nobits alloc write align=8
rt_saved_rsp: resq 1
saved_rflags: resq 1
saved_cr0: resq 1
saved_cr4: resq 1
rt_call_entry_rflags: resq 1		; what firmware was entered with
rt_call_fw_rflags: resq 1		; what it returned or faulted with
rt_call_cr0_flips: resq 1		; bits it changed (then put back)
rt_call_cr4_flips: resq 1
rt_call_entry_if: resq 1		; 0 or RFLAGS_IF
saved_mxcsr: resd 1
rt_call_fw_mxcsr: resd 1
saved_fcw: resw 1
rt_call_fw_fcw: resw 1

section .note.GNU-stack noalloc noexec nowrite progbits
