; The console font (README: The framebuffer console), embedded as bytes:
; the Makefile unpacks a PSF font from Debian's console-setup-linux and
; passes its path as HV_FONT_FILE. hv/psf.c parses it at boot.
	section .rodata
	global hv_font_psf, hv_font_psf_end
hv_font_psf:
	incbin HV_FONT_FILE
hv_font_psf_end:
	section .note.GNU-stack noalloc noexec nowrite progbits
