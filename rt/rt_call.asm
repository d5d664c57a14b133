; rt_call: one firmware runtime call on the dedicated stack (MS x64 ABI,
; UEFI 2.10 §2.3.4.2). A fault inside firmware resumes at rt_call_abort
; (set by the trap hook) with RAX = EFI_ABORTED and RDX = the RFLAGS the
; firmware faulted with; the hypervisor's callee-saved registers come back
; from its own stack.
;
; u64 rt_call(u64 fn [rdi], u64 stack_top [rsi], u64 a1 [rdx], u64 a2 [rcx],
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
;
; The watchdog (rt.h: rt_call_timer_*): where the platform lends a LAPIC
; timer, it runs periodic while firmware runs, which is entered with IF
; set so the tick reaches it. Whatever the timer was doing before (masked,
; or a guest's time slice counting down) is saved first and put back after
; the call, the slice's remaining count included, so a call made in the
; middle of a slice does not restart it (SDM Vol. 3A §11.5.4: LVT timer
; register at +0x320, initial count at +0x380, current count at +0x390;
; writing the initial count starts a new count). Armed here, not in C
; around the call, so a call costs a few instructions more, not a few
; dozen.
bits 64
section .text.rtshared progbits alloc exec nowrite align=16
global rt_call, rt_call_abort, rt_saved_rsp, rt_call_hv_cr3, rt_call_rt_cr3
global rt_call_entry_rflags, rt_call_fw_rflags, rt_call_fw_fcw, rt_call_fw_mxcsr
global rt_call_cr0_flips, rt_call_cr4_flips
global rt_call_timer_va, rt_call_timer_lvt, rt_call_timer_count

; SDM Vol. 1 §3.4.3: RFLAGS bits.
RFLAGS_TF	equ 1 << 8
RFLAGS_IF	equ 1 << 9
RFLAGS_DF	equ 1 << 10
RFLAGS_AC	equ 1 << 18
LAPIC_LVT_TIMER	equ 0x320
LAPIC_TIMER_INIT equ 0x380
LAPIC_TIMER_CUR	equ 0x390

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
	pushfq
	pop qword [rel saved_rflags]
	mov rax, cr0
	mov [rel saved_cr0], rax
	mov rax, cr4
	mov [rel saved_cr4], rax
	fnstcw [rel saved_fcw]
	stmxcsr [rel saved_mxcsr]
	; Firmware starts with DF clear (UEFI 2.10 §2.3.4.2), AC and TF clear,
	; and IF set only while the watchdog's timer runs.
	mov rax, [rel saved_rflags]
	and rax, ~(RFLAGS_DF | RFLAGS_AC | RFLAGS_TF | RFLAGS_IF)
	mov r10, [rel rt_call_timer_va]
	test r10, r10
	jz .entry_flags
	or rax, RFLAGS_IF
	mov r11d, [r10 + LAPIC_LVT_TIMER]	; the holder's, put back after
	mov [rel saved_timer_lvt], r11d
	mov r11d, [r10 + LAPIC_TIMER_CUR]
	mov [rel saved_timer_count], r11d
	mov r11d, [rel rt_call_timer_lvt]
	mov [r10 + LAPIC_LVT_TIMER], r11d
	mov r11d, [rel rt_call_timer_count]
	mov [r10 + LAPIC_TIMER_INIT], r11d
.entry_flags:
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
	mov rsi, [rel rt_call_timer_va]	; the watchdog off, the holder back
	test rsi, rsi
	jz .timer_off
	mov dword [rsi + LAPIC_TIMER_INIT], 0
	mov ecx, [rel saved_timer_lvt]
	mov [rsi + LAPIC_LVT_TIMER], ecx
	mov ecx, [rel saved_timer_count]
	mov [rsi + LAPIC_TIMER_INIT], ecx	; 0: stays stopped
.timer_off:
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
rt_call_timer_va: resq 1		; the LAPIC's registers, 0: no watchdog
rt_call_timer_lvt: resd 1		; LVT timer value while a call runs
rt_call_timer_count: resd 1		; its initial count (one tick)
saved_timer_lvt: resd 1			; the holder's LVT timer value
saved_timer_count: resd 1		; and what was left of its count
saved_mxcsr: resd 1
rt_call_fw_mxcsr: resd 1
saved_fcw: resw 1
rt_call_fw_fcw: resw 1

section .note.GNU-stack noalloc noexec nowrite progbits
