; The guest's EFI shim, built from hv/vm/efi/shim_*.c and shim_head.asm
; into one flat position-independent blob (README: The Linux guest's EFI)
; and embedded here; the table builder copies it into guest memory. The
; Makefile passes the blob's path as EFISHIM_BLOB.
	section .rodata
	global efishim_blob, efishim_blob_end
	align 16
efishim_blob:
	incbin EFISHIM_BLOB
efishim_blob_end:
	section .note.GNU-stack noalloc noexec nowrite progbits
