/* The test guest (README: Guest ABI, Hypercall ABI): without ARGS it
 * prints, calls every hypercall a guest may use and shows what the
 * policy refuses; with `probe WHAT [ARG]` it tries one thing the
 * hypervisor must stop, refuse or keep apart (README: Guests, the
 * isolation rules). Output is one fact per line, for
 * tests/rt/test_guest.py. The C here is built without SSE or x87 code,
 * so the FPU, SSE and AVX registers hold only what the probes put there. */
#include <stdint.h>
#include <stddef.h>
#include "efi_status.h"
#include "hvguest.h"
#include "x86.h"
#include "loader/pt.h"

/* 8be4df61-93ca-11d2-aa0d-00e098032b8c, and the GUID the test config
 * lets guests write: 3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10. */
static const uint8_t global_guid[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
					 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
static const uint8_t test_guid[16] = { 0x7e, 0x4b, 0x1d, 0x3f, 0x5a, 0x2c, 0x8e, 0x4e,
				       0x9d, 0x41, 0x6a, 0x0b, 0x9c, 0x7e, 0x5f, 0x10 };

static void putc_(char c)
{
	while (!(inb(0x3FD) & 0x20))
		;
	outb(0x3F8, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(uint64_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void putdec(uint64_t v)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_(buf[--n]);
}

static void putstatus(uint64_t st)
{
#define STATUS(name)	{ name, #name }
	static const struct { uint64_t st; const char *name; } names[] = {
		STATUS(EFI_SUCCESS), STATUS(EFI_INVALID_PARAMETER), STATUS(EFI_UNSUPPORTED),
		STATUS(EFI_BUFFER_TOO_SMALL), STATUS(EFI_WRITE_PROTECTED), STATUS(EFI_NOT_FOUND),
		STATUS(EFI_ACCESS_DENIED), STATUS(EFI_ABORTED), STATUS(EFI_OUT_OF_RESOURCES),
	};
#undef STATUS

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].st == st) {
			puts_(names[i].name);
			return;
		}
	}
	puts_("0x");
	puthex(st, 16);
}

static uint64_t hypercall(uint64_t fn, uint64_t gpa, uint64_t size)
{
	uint64_t rax = fn;

	__asm__ volatile("vmmcall" : "+a"(rax) : "b"(gpa), "c"(size) : "memory");
	return rax;
}

static void mem_copy(void *d, const void *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)d)[i] = ((const uint8_t *)s)[i];
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The variable request with room for the name and the data after it. */
struct var_req {
	struct hvcall_var_req hdr;
	uint16_t name[512];
	uint8_t data[4096];
};
_Static_assert(__builtin_offsetof(struct var_req, name) == sizeof(struct hvcall_var_req),
	       "the name right after the request header");

static struct var_req req;

/* Sets name (ASCII) and puts data_size bytes of room right after it. */
static uint64_t var_setup(const uint8_t guid[16], const char *name, uint64_t data_size)
{
	uint32_t n = 0;

	mem_copy(req.hdr.guid, guid, 16);
	while (name[n]) {
		req.name[n] = (uint8_t)name[n];
		n++;
	}
	req.name[n++] = 0;
	req.hdr.name_size = 2 * n;
	req.hdr.data_size = data_size;
	return sizeof(req.hdr) + 2 * n + data_size;
}

static uint8_t *var_data(void)
{
	return (uint8_t *)req.name + req.hdr.name_size;
}

static void putguid(const uint8_t g[16])
{
	puthex((uint64_t)g[3] << 24 | g[2] << 16 | g[1] << 8 | g[0], 8);
	putc_('-');
	puthex((uint64_t)g[5] << 8 | g[4], 4);
	putc_('-');
	puthex((uint64_t)g[7] << 8 | g[6], 4);
	putc_('-');
	puthex((uint64_t)g[8] << 8 | g[9], 4);
	putc_('-');
	for (int i = 10; i < 16; i++)
		puthex(g[i], 2);
}

static void list_variables(void)
{
	uint64_t st, count = 0;

	req.name[0] = 0;
	for (;;) {
		req.hdr.name_size = sizeof(req.name);
		st = hypercall(HVCALL_GET_NEXT_VARIABLE_NAME, (uint64_t)&req,
			       sizeof(req.hdr) + sizeof(req.name));
		if (st)
			break;
		puts_("var ");
		putguid(req.hdr.guid);
		putc_('-');
		for (uint32_t i = 0; req.name[i]; i++)
			putc_(req.name[i] < 0x80 ? (char)req.name[i] : '?');
		putc_('\n');
		count++;
	}
	puts_("listed ");
	putdec(count);
	puts_(" variables (");
	putstatus(st);
	puts_(")\n");
}

static void demo(void)
{
	static struct hvcall_time_req time;
	uint64_t st, size;

	puts_("hello from the test guest\n");
	puts_("version 0x");
	puthex(hypercall(HVCALL_VERSION, 0, 0), 8);
	putc_('\n');
	list_variables();

	size = var_setup(global_guid, "BootOrder", 64);
	st = hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size);
	puts_("get BootOrder: ");
	putstatus(st);
	if (st == 0) {
		for (uint64_t i = 0; i + 1 < req.hdr.data_size; i += 2) {
			putc_(' ');
			puthex(var_data()[i] | var_data()[i + 1] << 8, 4);
		}
	}
	putc_('\n');

	size = var_setup(test_guid, "HvGuestTest", 5);
	req.hdr.attributes = 7;		/* NV, BS, RT */
	mem_copy(var_data(), "guest", 5);
	puts_("set HvGuestTest: ");
	putstatus(hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size));
	size = var_setup(test_guid, "HvGuestTest", 16);
	st = hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size);
	puts_("\nget HvGuestTest: ");
	putstatus(st);
	if (st == 0) {
		puts_(" \"");
		for (uint64_t i = 0; i < req.hdr.data_size; i++)
			putc_((char)var_data()[i]);
		puts_("\" attributes ");
		putdec(req.hdr.attributes);
	}
	size = var_setup(test_guid, "HvGuestTest", 0);
	req.hdr.attributes = 7;
	puts_("\ndel HvGuestTest: ");
	putstatus(hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size));
	size = var_setup(test_guid, "HvGuestTest", 16);
	puts_("\nget HvGuestTest: ");
	putstatus(hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size));

	size = var_setup(global_guid, "BootOrder", 2);
	req.hdr.attributes = 7;
	var_data()[0] = 0;
	var_data()[1] = 0;
	puts_("\nset BootOrder: ");
	putstatus(hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size));

	st = hypercall(HVCALL_GET_TIME, (uint64_t)&time, sizeof(time));
	puts_("\ntime: ");
	putstatus(st);
	if (st == 0) {
		puts_(" ");
		putdec(time.year);
		putc_('-');
		putdec(time.month);
		putc_('-');
		putdec(time.day);
	}
	puts_("\n");
}

/* Maps physical pa (2 MiB page) at virtual pa in the guest's own tables,
 * which the hypervisor built inside guest memory, so that touching it
 * reaches the nested tables: they hold nothing there. */
static uint64_t pdpt_page[512] __attribute__((aligned(4096)));
static uint64_t pd_page[512] __attribute__((aligned(4096)));

static volatile uint64_t *map_phys(uint64_t pa)
{
	uint64_t cr3, *pml4, *pdpt, *pd;
	unsigned i4 = pt_index(pa, 0), i3 = pt_index(pa, 1), i2 = pt_index(pa, 2);

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xFFFULL);
	if (!(pml4[i4] & 1))
		pml4[i4] = (uint64_t)pdpt_page | 3;
	pdpt = (uint64_t *)(pml4[i4] & 0x000FFFFFFFFFF000ULL);
	if (!(pdpt[i3] & 1))
		pdpt[i3] = (uint64_t)pd_page | 3;
	pd = (uint64_t *)(pdpt[i3] & 0x000FFFFFFFFFF000ULL);
	pd[i2] = (pa & ~0x1FFFFFULL) | 0x83;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	return (volatile uint64_t *)pa;
}

static uint64_t parse_hex(const char *s)
{
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x')
		s += 2;
	for (; *s && *s != ' '; s++)
		v = v << 4 | (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

static uint64_t parse_dec(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

/* The median of n TSC deltas of one hypercall (under QEMU -icount the
 * TSC counts instructions: make bench). */
static uint64_t time_calls(uint64_t fn, uint64_t n, uint64_t *samples)
{
	uint64_t size = var_setup(global_guid, "BootOrder", 64);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0, t1;

		req.hdr.data_size = 64;
		t0 = cpu_rdtsc();
		hypercall(fn, (uint64_t)&req, size);
		t1 = cpu_rdtsc();
		samples[i] = t1 - t0;
	}
	for (uint64_t i = 1; i < n; i++)	/* insertion sort: n is small */
		for (uint64_t j = i; j > 0 && samples[j - 1] > samples[j]; j--) {
			uint64_t t = samples[j];

			samples[j] = samples[j - 1];
			samples[j - 1] = t;
		}
	return samples[n / 2];
}

static void bench(uint64_t n)
{
	static uint64_t samples[101];

	if (n == 0 || n > 101)
		n = 11;
	puts_("bench GetVariable ");
	putdec(time_calls(HVCALL_GET_VARIABLE, n, samples));
	puts_("\nbench version ");
	putdec(time_calls(HVCALL_VERSION, n, samples));
	putc_('\n');
}

static void probe_status(const char *what, uint64_t st)
{
	puts_(what);
	puts_(": ");
	putstatus(st);
	putc_('\n');
}


/* ---------------------------------------------------------------- CPU state
 * README: Guests: a guest starts with fresh x87/SSE/AVX state and debug
 * registers, and keeps its own (XCR0 included) across every exit. */

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static void cr4_set(uint64_t bits)
{
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | bits));
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

#define READ_DR(n) ({ uint64_t v_; __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v_)); v_; })
#define WRITE_DR(n, v) __asm__ volatile("mov %0, %%dr" #n : : "r"((uint64_t)(v)))

static const char marker[] = "HOSTILE-SECRET";	/* + two digits: 16 bytes */

/* Fills XMM0-15, ST0-7, FCW, MXCSR and DR0-3 with markers and leaves
 * them there for whoever runs next. */
static int probe_hostile(void)
{
	static uint8_t xmm[16][16] __attribute__((aligned(16)));
	static const uint64_t st[8] = { 0x4048f5c28f5c28f6ULL, 0x4049000000000001ULL,
		0x404a000000000002ULL, 0x404b000000000003ULL, 0x404c000000000004ULL,
		0x404d000000000005ULL, 0x404e000000000006ULL, 0x404f000000000007ULL };
	static const uint16_t fcw = 0x0F7F;	/* round toward zero, 64-bit precision */
	static const uint32_t mxcsr = 0xFF80;	/* round toward zero, flush to zero */

	cr4_set(CR4_OSFXSR | CR4_OSXMMEXCPT);
	for (int i = 0; i < 16; i++) {
		mem_copy(xmm[i], marker, 14);
		xmm[i][14] = (uint8_t)('0' + i / 10);
		xmm[i][15] = (uint8_t)('0' + i % 10);
	}
	__asm__ volatile(
		"movdqa 0(%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1\n\tmovdqa 32(%0), %%xmm2\n\t"
		"movdqa 48(%0), %%xmm3\n\tmovdqa 64(%0), %%xmm4\n\tmovdqa 80(%0), %%xmm5\n\t"
		"movdqa 96(%0), %%xmm6\n\tmovdqa 112(%0), %%xmm7\n\tmovdqa 128(%0), %%xmm8\n\t"
		"movdqa 144(%0), %%xmm9\n\tmovdqa 160(%0), %%xmm10\n\tmovdqa 176(%0), %%xmm11\n\t"
		"movdqa 192(%0), %%xmm12\n\tmovdqa 208(%0), %%xmm13\n\tmovdqa 224(%0), %%xmm14\n\t"
		"movdqa 240(%0), %%xmm15"
		: : "r"(xmm) : "memory");
	__asm__ volatile("fninit");
	for (int i = 0; i < 8; i++)
		__asm__ volatile("fldl %0" : : "m"(st[i]));
	__asm__ volatile("fldcw %0\n\tldmxcsr %1" : : "m"(fcw), "m"(mxcsr));
	WRITE_DR(0, 0x4c49534f48000000ULL);
	WRITE_DR(1, 0x4c49534f48000001ULL);
	WRITE_DR(2, 0x4c49534f48000002ULL);
	WRITE_DR(3, 0x4c49534f48000003ULL);
	puts_("hostile: markers in xmm0-15, st0-7, fcw, mxcsr, dr0-3\n");
	return 0;
}

static void puthex_bytes(const uint8_t *p, int n)
{
	for (int i = n - 1; i >= 0; i--)
		puthex(p[i], 2);
}

/* Prints the registers it found at entry, before touching any: FCW, FSW,
 * the tag word, MXCSR, ST0-7, XMM0-15 (FXSAVE, SDM Vol. 1 §10.5.1), and
 * DR0-3, DR6, DR7; then any marker text seen in them. */
static int probe_regs(void)
{
	static uint8_t fx[512] __attribute__((aligned(16)));
	uint64_t dr[6];
	int found = 0;

	cr4_set(CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	dr[0] = READ_DR(0);
	dr[1] = READ_DR(1);
	dr[2] = READ_DR(2);
	dr[3] = READ_DR(3);
	dr[4] = READ_DR(6);
	dr[5] = READ_DR(7);
	puts_("fcw ");
	puthex(fx[0] | fx[1] << 8, 4);
	puts_(" fsw ");
	puthex(fx[2] | fx[3] << 8, 4);
	puts_(" ftw ");
	puthex(fx[4], 2);
	puts_(" mxcsr ");
	puthex((uint32_t)fx[24] | (uint32_t)fx[25] << 8 | (uint32_t)fx[26] << 16 |
	       (uint32_t)fx[27] << 24, 8);
	putc_('\n');
	for (int i = 0; i < 8; i++) {
		puts_("st");
		putdec((uint64_t)i);
		putc_(' ');
		puthex_bytes(fx + 32 + 16 * i, 10);
		putc_('\n');
	}
	for (int i = 0; i < 16; i++) {
		puts_("xmm");
		putdec((uint64_t)i);
		putc_(' ');
		puthex_bytes(fx + 160 + 16 * i, 16);
		putc_('\n');
	}
	for (int i = 0; i < 6; i++) {
		puts_("dr");
		putdec(i < 4 ? (uint64_t)i : (uint64_t)i + 2);
		putc_(' ');
		puthex(dr[i], 16);
		putc_('\n');
	}
	for (int i = 0; i + 14 <= 512; i++) {
		int k = 0;

		while (k < 14 && fx[i + k] == (uint8_t)marker[k])
			k++;
		found |= k == 14;
	}
	for (int i = 0; i < 4; i++)
		found |= (dr[i] >> 8) == 0x4c49534f48ULL;
	puts_(found ? "regs: a previous guest's markers are here\n" : "regs: no marker\n");
	return 0;
}

/* XCR0 = 7 and markers in YMM0-15, then n exits (CPUID; every 100th a
 * GetVariable hypercall, which reaches firmware): after each, XCR0 must
 * still be 7, and at the end every YMM register, upper halves included,
 * must hold its marker. */
static int probe_avx(uint64_t n)
{
	static uint8_t in[16][32] __attribute__((aligned(32)));
	static uint8_t out[16][32] __attribute__((aligned(32)));
	uint32_t r[4];
	uint64_t size = 0;

	cpuid(1, 0, r);
	if (!(r[2] & (1U << 26)) || !(r[2] & (1U << 28))) {
		puts_("avx: this CPU has no XSAVE/AVX\n");
		return 1;
	}
	cr4_set(CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	__asm__ volatile("xsetbv" : : "a"(7), "d"(0), "c"(0));
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 32; j++)
			in[i][j] = (uint8_t)(0xA0 + i + 7 * j);
	__asm__ volatile(
		"vmovdqa 0(%0), %%ymm0\n\tvmovdqa 32(%0), %%ymm1\n\tvmovdqa 64(%0), %%ymm2\n\t"
		"vmovdqa 96(%0), %%ymm3\n\tvmovdqa 128(%0), %%ymm4\n\tvmovdqa 160(%0), %%ymm5\n\t"
		"vmovdqa 192(%0), %%ymm6\n\tvmovdqa 224(%0), %%ymm7\n\tvmovdqa 256(%0), %%ymm8\n\t"
		"vmovdqa 288(%0), %%ymm9\n\tvmovdqa 320(%0), %%ymm10\n\tvmovdqa 352(%0), %%ymm11\n\t"
		"vmovdqa 384(%0), %%ymm12\n\tvmovdqa 416(%0), %%ymm13\n\tvmovdqa 448(%0), %%ymm14\n\t"
		"vmovdqa 480(%0), %%ymm15"
		: : "r"(in) : "memory");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x;

		if (i % 100 == 99) {
			size = var_setup(global_guid, "BootOrder", 64);
			hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size);
		} else {
			cpuid(0, 0, r);
		}
		x = xgetbv0();
		if (x != 7) {
			puts_("avx: after exit ");
			putdec(i + 1);
			puts_(" xcr0 is 0x");
			puthex(x, 1);
			putc_('\n');
			return 1;
		}
	}
	__asm__ volatile(
		"vmovdqa %%ymm0, 0(%0)\n\tvmovdqa %%ymm1, 32(%0)\n\tvmovdqa %%ymm2, 64(%0)\n\t"
		"vmovdqa %%ymm3, 96(%0)\n\tvmovdqa %%ymm4, 128(%0)\n\tvmovdqa %%ymm5, 160(%0)\n\t"
		"vmovdqa %%ymm6, 192(%0)\n\tvmovdqa %%ymm7, 224(%0)\n\tvmovdqa %%ymm8, 256(%0)\n\t"
		"vmovdqa %%ymm9, 288(%0)\n\tvmovdqa %%ymm10, 320(%0)\n\tvmovdqa %%ymm11, 352(%0)\n\t"
		"vmovdqa %%ymm12, 384(%0)\n\tvmovdqa %%ymm13, 416(%0)\n\tvmovdqa %%ymm14, 448(%0)\n\t"
		"vmovdqa %%ymm15, 480(%0)"
		: : "r"(out) : "memory");
	for (int i = 0; i < 16; i++) {
		for (int j = 0; j < 32; j++) {
			if (out[i][j] != in[i][j]) {
				puts_("avx: ymm");
				putdec((uint64_t)i);
				puts_(j < 16 ? " lower half changed: " : " upper half changed: ");
				puthex_bytes(out[i], 32);
				putc_('\n');
				return 1;
			}
		}
	}
	puts_("avx: ");
	putdec(n);
	puts_(" exits, xcr0 0x7, ymm0-15 intact\n");
	return 0;
}

/* ---------------------------------------------------------------- ring 3
 * README: Hypercall ABI: only CPL 0 may call. A flat ring-3 code and data
 * segment (SDM Vol. 3A §3.4.5), U=1 on the identity map, IOPL 3 so that
 * ring 3 can still print and exit through ports. */

static uint64_t gdt3[5] __attribute__((aligned(16))) = {
	0, 0x00AF9A000000FFFFULL, 0x00CF92000000FFFFULL,	/* ring 0 code, data */
	0x00AFFA000000FFFFULL, 0x00CFF2000000FFFFULL,		/* ring 3 code, data */
};
static uint8_t user_stack[8192] __attribute__((aligned(16)));
static uint8_t user_buf[64] __attribute__((aligned(16)));

static int untouched(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != 0xAA)
			return 0;
	return 1;
}

static __attribute__((noreturn, used)) void ring3_main(void)
{
	uint16_t cs;
	uint64_t st, size;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int i = 0; i < 64; i++)
		user_buf[i] = 0xAA;
	st = hypercall(HVCALL_GET_TIME, (uint64_t)user_buf, 28);
	puts_("cpl ");
	putdec(cs & 3);
	puts_(": GetTime ");
	putstatus(st);
	puts_(untouched(user_buf, 64) ? ", buffer untouched\n" : ", buffer written\n");
	size = var_setup(test_guid, "Ring3", 4);
	req.hdr.attributes = 7;
	mem_copy(var_data(), "ring", 4);
	st = hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size);
	puts_("cpl ");
	putdec(cs & 3);
	puts_(": SetVariable ");
	putstatus(st);
	putc_('\n');
	outb(0xF4, 0);
	for (;;)
		;
}

static void user_pages(void)
{
	uint64_t cr3, *pml4, *pdpt, *pd;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xFFFULL);
	pml4[0] |= 4;
	pdpt = (uint64_t *)(pml4[0] & 0x000FFFFFFFFFF000ULL);
	for (int i = 0; i < 4; i++) {
		if (!(pdpt[i] & 1))
			continue;
		pdpt[i] |= 4;
		pd = (uint64_t *)(pdpt[i] & 0x000FFFFFFFFFF000ULL);
		for (int j = 0; j < 512; j++)
			if (pd[j] & 1)
				pd[j] |= 4;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

static int probe_ring3(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr = {
		sizeof(gdt3) - 1, (uint64_t)gdt3
	};
	uint64_t st;

	for (int i = 0; i < 64; i++)
		user_buf[i] = 0xAA;
	st = hypercall(HVCALL_GET_TIME, (uint64_t)user_buf, 28);
	puts_("cpl 0: GetTime ");
	putstatus(st);
	puts_(untouched(user_buf, 64) ? ", buffer untouched\n" : ", buffer written\n");
	user_pages();
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile(
		"pushq $0x23\n\t"		/* SS: ring 3 data */
		"pushq %0\n\t"			/* RSP */
		"pushq $0x3002\n\t"		/* RFLAGS: IOPL 3, IF 0 */
		"pushq $0x1B\n\t"		/* CS: ring 3 code */
		"pushq %1\n\t"			/* RIP */
		"iretq"
		: : "r"(user_stack + sizeof(user_stack)), "r"(ring3_main) : "memory");
	return 96;
}

/* ---------------------------------------------------------------- store */

/* Writes 4,000-byte variables FillTAG0, FillTAG1, … of the writable GUID
 * until a write is refused; says how many, the bytes charged (data +
 * name) and the status, then what QueryVariableInfo says remains. */
static int probe_fill(const char *tag)
{
	static uint8_t q[32];
	char name[24] = "Fill";
	uint64_t n = 0, bytes = 0, st, size;
	int t = 4;

	while (*tag && *tag != ' ' && t < 12)
		name[t++] = *tag++;
	for (;;) {
		uint64_t k = n;
		int d = t, e;

		do {
			name[d++] = (char)('0' + k % 10);
			k /= 10;
		} while (k);
		name[d] = 0;
		for (e = t, d--; e < d; e++, d--) {
			char c = name[e];

			name[e] = name[d];
			name[d] = c;
		}
		size = var_setup(test_guid, name, 4000);
		req.hdr.attributes = 7;
		for (int i = 0; i < 4000; i++)
			var_data()[i] = (uint8_t)(n + i);
		st = hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size);
		if (st)
			break;
		bytes += 4000 + req.hdr.name_size;
		n++;
	}
	puts_("fill: ");
	putdec(n);
	puts_(" variables, ");
	putdec(bytes);
	puts_(" bytes, then ");
	putstatus(st);
	q[0] = 7;
	st = hypercall(HVCALL_QUERY_VARIABLE_INFO, (uint64_t)q, 32);
	puts_("\nfill: remaining ");
	putdec((uint64_t)q[16] | (uint64_t)q[17] << 8 | (uint64_t)q[18] << 16 |
	       (uint64_t)q[19] << 24);
	puts_(" (");
	putstatus(st);
	puts_(")\n");
	return 0;
}

/* README: Hypercall ABI: name_size 2,048 is served, 2,050 is not. */
static int probe_name_edge(void)
{
	uint8_t *r = (uint8_t *)(16ULL << 20);

	for (uint32_t bytes = 2048; bytes <= 2050; bytes += 2) {
		for (int i = 0; i < 32 + 2050; i++)
			r[i] = 0;
		mem_copy(r, test_guid, 16);
		r[20] = (uint8_t)bytes;
		r[21] = (uint8_t)(bytes >> 8);
		for (uint32_t i = 0; i + 2 < bytes; i += 2)
			r[32 + i] = 'N';
		puts_("name_size ");
		putdec(bytes);
		puts_(": ");
		putstatus(hypercall(HVCALL_GET_VARIABLE, (uint64_t)r, 32 + bytes));
		putc_('\n');
	}
	return 0;
}

/* systemd-boot's LoaderEntryOneShot: steers the next boot. */
static int probe_oneshot(void)
{
	static const uint8_t loader_guid[16] = { 0x82, 0xb0, 0x67, 0x4a, 0x4c, 0x0a, 0xcf, 0x41,
						 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f };
	uint64_t size = var_setup(loader_guid, "LoaderEntryOneShot", 12);

	req.hdr.attributes = 7;
	mem_copy(var_data(), "e\0v\0i\0l\0\0\0\0\0", 12);
	probe_status("set LoaderEntryOneShot", hypercall(HVCALL_SET_VARIABLE, (uint64_t)&req, size));
	return 0;
}

/* Leaves a marker and a variable's data in guest memory at 32 MiB, for
 * the test to look for after the guest stopped. */
static int probe_mark(void)
{
	uint8_t *at = (uint8_t *)(32ULL << 20);
	uint64_t size = var_setup(global_guid, "BootOrder", 64), st;

	mem_copy(at, "GUEST-MARK-32MiB", 16);
	st = hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size);
	mem_copy(at + 64, var_data(), 64);
	probe_status("mark at 0x2000000, BootOrder copied", st);
	return 0;
}

/* README: Guest ABI: the console shows a guest's bytes, never obeys them. */
static int probe_forge(void)
{
	puts_("line one\rhv> fake prompt\n");
	puts_("\rhv> \n");
	puts_("tab\there, escape \x1b[2K and bell \a\n");
	puts_("unterminated\rhv> ");
	return 0;
}

static int probe(const char *what, const char *arg, uint64_t mem_bytes)
{
	uint64_t size;

	if (str_eq(what, "read") || str_eq(what, "write")) {
		uint64_t pa = parse_hex(arg);
		volatile uint64_t *p = map_phys(pa);

		puts_("touching pa 0x");
		puthex(pa, 16);
		putc_('\n');
		if (str_eq(what, "read"))
			puthex(*p, 16);		/* must never print */
		else
			*p = 0x6b6f6f6c20746f6eULL;
		puts_("\nthe access went through\n");
		return 99;
	}
	if (str_eq(what, "past-end")) {
		/* 1 MiB below the top (the stack is at the top), 64 bytes
		 * longer than what is left. */
		uint8_t *at = (uint8_t *)(mem_bytes - (1ULL << 20));

		mem_copy(at, global_guid, 16);
		probe_status(what, hypercall(HVCALL_GET_VARIABLE, (uint64_t)at, (1ULL << 20) + 64));
		return 0;
	}
	if (str_eq(what, "wrap")) {
		size = var_setup(global_guid, "BootOrder", 16);
		probe_status(what, hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, 0 - (uint64_t)&req + 0x40));
		(void)size;
		return 0;
	}
	if (str_eq(what, "no-nul")) {
		size = var_setup(global_guid, "BootOrder", 0);
		req.hdr.name_size -= 2;		/* 9 characters, no NUL */
		probe_status(what, hypercall(HVCALL_GET_VARIABLE, (uint64_t)&req, size));
		return 0;
	}
	if (str_eq(what, "big-data")) {
		/* 1 MiB of data at 16 MiB of guest memory. */
		struct hvcall_var_req *big = (struct hvcall_var_req *)(16ULL << 20);

		mem_copy(big->guid, test_guid, 16);
		big->attributes = 7;
		big->name_size = 10;
		big->data_size = 1ULL << 20;
		mem_copy(big + 1, "B\0i\0g\0!\0\0\0", 10);
		probe_status(what, hypercall(HVCALL_SET_VARIABLE, (uint64_t)big,
					     sizeof(*big) + 10 + (1ULL << 20)));
		return 0;
	}
	if (str_eq(what, "bench")) {
		bench(parse_dec(arg));
		return 0;
	}
	if (str_eq(what, "hostile"))
		return probe_hostile();
	if (str_eq(what, "regs"))
		return probe_regs();
	if (str_eq(what, "avx"))
		return probe_avx(parse_dec(arg) ? parse_dec(arg) : 1000);
	if (str_eq(what, "ring3"))
		return probe_ring3();
	if (str_eq(what, "fill"))
		return probe_fill(arg);
	if (str_eq(what, "name-edge"))
		return probe_name_edge();
	if (str_eq(what, "oneshot"))
		return probe_oneshot();
	if (str_eq(what, "mark"))
		return probe_mark();
	if (str_eq(what, "forge"))
		return probe_forge();
	if (str_eq(what, "invlpga")) {
		puts_("invlpga\n");
		__asm__ volatile("invlpga" : : "a"(0x200000ULL), "c"(1));
		puts_("invlpga went through\n");
		return 99;
	}
	if (str_eq(what, "echo")) {
		/* N bytes typed at the shell's consoles, read from COM1. */
		uint64_t n = parse_dec(arg);

		puts_("reading\n");
		puts_("echo: ");
		for (uint64_t i = 0; i < n; i++) {
			while (!(inb(0x3FD) & 0x01))
				;
			putc_((char)inb(0x3F8));
		}
		putc_('\n');
		return 0;
	}
	if (str_eq(what, "spin")) {
		puts_("spinning\n");
		for (;;)
			__asm__ volatile("pause");
	}
	puts_("unknown probe\n");
	return 98;
}

int guest_main(const struct hvguest_bootinfo *bi)
{
	const char *a = bi->args;

	for (int i = 0; i < HVGUEST_MAGIC_BYTES; i++) {
		if (bi->magic[i] != HVGUEST_MAGIC[i]) {
			puts_("bad boot info\n");
			return 97;
		}
	}
	if (a[0] == 'p' && a[1] == 'r' && a[2] == 'o' && a[3] == 'b' && a[4] == 'e' && a[5] == ' ') {
		char what[16];
		int n = 0;

		a += 6;
		while (*a && *a != ' ' && n < 15)
			what[n++] = *a++;
		what[n] = 0;
		while (*a == ' ')
			a++;
		return probe(what, a, bi->mem_bytes);
	}
	demo();
	return 0;
}
