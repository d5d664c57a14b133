; The first bytes of the guest's EFI shim (README: The Linux guest's EFI):
; struct efishim_header (hv/vm/efi/efishim.h gives its layout and pins its
; offsets), then the two instructions the shim cannot write in C. Every
; address here is relative to its own field, so the blob runs wherever it
; is placed and needs no relocation.
	bits 64
	default rel

	extern shim_get_time, shim_set_time, shim_get_wakeup_time, shim_set_wakeup_time
	extern shim_set_virtual_address_map, shim_convert_pointer
	extern shim_get_variable, shim_get_next_variable_name, shim_set_variable
	extern shim_get_next_high_monotonic_count, shim_reset_system
	extern shim_update_capsule, shim_query_capsule_capabilities, shim_query_variable_info
	extern efishim_end			; shim.ld: the end of the blob

	section .shim.head progbits alloc exec write align=16
	global efishim_header:data hidden
efishim_header:
	db "HVEFISH1"
	dd 1					; version
	dd 120					; header_bytes
	dd efishim_end - $			; end_rel
	; entry_rel[], in the order of EFI_RUNTIME_SERVICES (UEFI 2.10 §4.5)
	dd shim_get_time - $
	dd shim_set_time - $
	dd shim_get_wakeup_time - $
	dd shim_set_wakeup_time - $
	dd shim_set_virtual_address_map - $
	dd shim_convert_pointer - $
	dd shim_get_variable - $
	dd shim_get_next_variable_name - $
	dd shim_set_variable - $
	dd shim_get_next_high_monotonic_count - $
	dd shim_reset_system - $
	dd shim_update_capsule - $
	dd shim_query_capsule_capabilities - $
	dd shim_query_variable_info - $
	dd 0					; pad
	dq 0, 0					; code_gpa, code_bytes: filled at placement
	dq 0, 0					; data_gpa, data_bytes
	dq 0					; data_va
header_end:
%if header_end - efishim_header != 120
%error "struct efishim_header is 120 bytes"
%endif

	section .text
; uint64_t efishim_hypercall(uint64_t fn, uint64_t gpa, uint64_t size): the
; hypercall (README: Hypercall ABI), RAX = fn, RBX = gpa, RCX = size; RAX
; comes back. RBX belongs to the caller (System V and Microsoft x64 alike).
	global efishim_hypercall:function hidden
efishim_hypercall:
	push rbx
	mov rax, rdi
	mov rbx, rsi
	mov rcx, rdx
	vmmcall
	pop rbx
	ret

; void efishim_halt(void): after a ResetSystem the hypervisor did not end.
	global efishim_halt:function hidden
efishim_halt:
	cli
.again:	hlt
	jmp .again

	section .note.GNU-stack noalloc noexec nowrite progbits
