; The identity trampoline: copied into one page that both the firmware's
; tables and ours map at its physical address, so execution survives the
; CR3 switch. Position-independent (RIP-relative only).
;
; void trampoline(u64 cr3 [rdi], u64 stack_top [rsi], u64 entry [rdx],
;                 u64 bootinfo_va [rcx], u64 tsc_slot_va [r8],
;                 struct hv_cpu_state *cpu [r9, physical])         (SysV)
bits 64
section .text
global trampoline_start, trampoline_end

trampoline_start:
	cli
	mov r11, r9			; CPU state (identity-mapped by the firmware)
	mov r9, rdx			; entry
	mov r10, rcx			; boot info (high half)
	; Load our GDT while the firmware's stack is still mapped. The
	; descriptors come with their Accessed bits set: the page is mapped
	; read-only in our tables and the CPU would otherwise write them
	; (SDM Vol. 3A §3.4.5.1).
	lea rax, [rel gdt]
	sub rsp, 16
	mov word [rsp + 6], gdt_end - gdt - 1
	mov [rsp + 8], rax
	lgdt [rsp + 6]
	; The CPU state of loader/cpustate.c, set before our tables are
	; loaded: the PAT before any leaf relies on an index; EFER.NXE before
	; a table with bit 63 (SDM Vol. 3A §4.1.1); CR4 with PGE clear, which
	; flushes every global firmware entry (§4.10.4.1), and CET off; CR0
	; with WP on and caching on.
	mov ecx, 0x277			; IA32_PAT
	mov eax, [r11 + 24]
	mov edx, [r11 + 28]
	wrmsr
	mov ecx, 0xC0000080		; IA32_EFER
	mov eax, [r11 + 16]
	mov edx, [r11 + 20]
	wrmsr
	mov rax, [r11 + 8]
	mov cr4, rax
	mov rax, [r11]
	mov cr0, rax
	; The switch: from here on only this page and the high half exist.
	mov cr3, rdi
	mov rsp, rsi
	push qword 0x08
	lea rax, [rel .reload_cs]
	push rax
	retfq
.reload_cs:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [r8], rax			; bootinfo->tsc[HV_TS_TRAMPOLINE]
	mov rdi, r10
	xor ebp, ebp
	push qword 0			; fake return address: entry sees rsp % 16 == 8
	jmp r9

align 16
gdt:
	dq 0
	dq 0x00AF9B000000FFFF		; 0x08: 64-bit code, DPL 0, accessed
	dq 0x00CF93000000FFFF		; 0x10: data, DPL 0, accessed
gdt_end:
trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
