; Entry stubs for every vector: exceptions 0..31 and interrupts 32..255 (the
; runtime-call watchdog's LAPIC timer among them). Each stub makes the stack
; look the same whether or not the CPU pushed an error code (SDM Vol. 3A
; Table 6-1), then isr_common saves every general register and calls
; hv_trap_dispatch(struct hv_trap_frame *). The layout is struct
; hv_trap_frame in trap.h, which _Static_asserts the offsets: rax is pushed
; first (offset 112), r15 last (offset 0). If the C side returns, the frame
; (possibly rewritten by hv_rt_trap) is reloaded, the address space the
; trap came from is put back, and iretq resumes it.

bits 64
default rel

; In .text.rtshared: mapped in the runtime address space too, so an
; exception inside firmware reaches these stubs; isr_common then switches
; back to the hypervisor's tables before any C code runs.
section .text.rtshared progbits alloc exec nowrite align=16

extern hv_trap_dispatch
extern rt_call_hv_cr3
global trap_cr3

; Vectors with an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14,
; #AC 17, #CP 21, #VC 29, #SX 30. Interrupts never push one.
%macro ISR 1
isr_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
	push qword %1			; error code already on the stack
%else
	push qword 0			; no error code: keep the frame shape
	push qword %1
%endif
	jmp isr_common
%endmacro

%assign v 0
%rep 256
ISR v
%assign v v + 1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rax, cr3
	mov r12, rax			; kept across the call (SysV callee-saved)
	mov rbx, [rel rt_call_hv_cr3]
	test rbx, rbx
	jz .tables_ok
	mov rcx, 0x000FFFFFFFFFF000
	and rax, rcx
	and rcx, rbx
	cmp rax, rcx
	je .tables_ok
	mov cr3, rbx			; from the runtime tables: back to ours
.tables_ok:
	mov [rel trap_cr3], r12		; the address space the trap came from
					; (hypervisor-only memory: stored here)
	mov rdi, rsp			; struct hv_trap_frame *
	push qword 2			; DF clear (SysV ABI), AC clear whatever
	popfq				; the interrupted code had (IF is already)
	call hv_trap_dispatch
	mov rax, cr3			; back to the space the trap came from: a
	cmp rax, r12			; timer tick inside firmware resumes it on
	je .space_ok			; its own tables (rt_call_abort switches
	mov cr3, r12			; to ours itself)
.space_ok:
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16			; vector and error code
	iretq

section .rodata
align 8
global isr_stubs
isr_stubs:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep

section .bss nobits alloc write align=8
trap_cr3: resq 1

section .note.GNU-stack noalloc noexec nowrite progbits
