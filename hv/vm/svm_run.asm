; One VMRUN round trip (AMD APM Vol. 2 §15.5, §15.6): VMRUN saves and
; restores only part of the host's state (RAX, RSP, RIP, RFLAGS, CRs,
; EFER, GDTR/IDTR and segment selectors); FS, GS, TR and LDTR's hidden
; parts and the syscall MSRs are swapped with VMSAVE/VMLOAD around it, so
; nothing the guest loads into them survives the exit. GIF stays clear
; from before the first VMSAVE to after the last VMLOAD. RFLAGS.IF is set
; across VMRUN so that a physical interrupt (the time slice of hv/timer.c)
; ends the guest's run with #VMEXIT(INTR); it is then taken at STGI,
; through the common entry stubs (isr.asm) to timer_interrupt, which sends
; the EOI, and IF is cleared again.
;
; void svm_run(uint64_t vmcb_pa, struct svm_gprs *g, uint64_t host_vmcb_pa)
;   rdi = guest VMCB (physical), rsi = g, rdx = host save VMCB (physical)
; struct svm_gprs (svm.h): rbx rcx rdx rsi rdi rbp r8 .. r15, 8 bytes each.

bits 64
default rel
section .text

%define G_RBX 0
%define G_RCX 8
%define G_RDX 16
%define G_RSI 24
%define G_RDI 32
%define G_RBP 40
%define G_R8  48
%define G_R9  56
%define G_R10 64
%define G_R11 72
%define G_R12 80
%define G_R13 88
%define G_R14 96
%define G_R15 104

global svm_run
svm_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rsi			; [rsp+16] g
	push rdx			; [rsp+8]  host save VMCB
	push rdi			; [rsp]    guest VMCB

	clgi
	sti				; no interrupt while GIF = 0
	mov rax, rdx
	vmsave
	mov rax, rdi
	vmload

	mov rbx, [rsi + G_RBX]
	mov rcx, [rsi + G_RCX]
	mov rdx, [rsi + G_RDX]
	mov rdi, [rsi + G_RDI]
	mov rbp, [rsi + G_RBP]
	mov r8,  [rsi + G_R8]
	mov r9,  [rsi + G_R9]
	mov r10, [rsi + G_R10]
	mov r11, [rsi + G_R11]
	mov r12, [rsi + G_R12]
	mov r13, [rsi + G_R13]
	mov r14, [rsi + G_R14]
	mov r15, [rsi + G_R15]
	mov rsi, [rsi + G_RSI]

	vmrun			; rax = guest VMCB; back here at #VMEXIT

	vmsave				; rax is the host's again: the guest VMCB
	mov rax, [rsp + 16]		; g
	mov [rax + G_RBX], rbx
	mov [rax + G_RCX], rcx
	mov [rax + G_RDX], rdx
	mov [rax + G_RSI], rsi
	mov [rax + G_RDI], rdi
	mov [rax + G_RBP], rbp
	mov [rax + G_R8],  r8
	mov [rax + G_R9],  r9
	mov [rax + G_R10], r10
	mov [rax + G_R11], r11
	mov [rax + G_R12], r12
	mov [rax + G_R13], r13
	mov [rax + G_R14], r14
	mov [rax + G_R15], r15
	mov rax, [rsp + 8]
	vmload
	stgi				; a pending interrupt is taken here
	cli

	add rsp, 24
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
