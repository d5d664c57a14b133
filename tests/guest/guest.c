/* The test guest (README: Guest ABI, Hypercall ABI): without ARGS it
 * prints, calls every hypercall a guest may use and shows what the
 * policy refuses; with `probe WHAT [PA]` it tries one thing the
 * hypervisor must stop or refuse. Output is one fact per line, for
 * tests/rt/test_guest.py. */
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
		STATUS(EFI_ACCESS_DENIED), STATUS(EFI_ABORTED),
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
