// SPDX-License-Identifier: GPL-2.0
/* Framework: UART, printf, KTAP, exception handling, stage 2, EL2 MMU. */
#include <stdarg.h>
#include "lib.h"

#define UART_BASE 0x09000000UL
#define UART_DR   0x00
#define UART_FR   0x18

/* ------------------------------------------------------------------ */
void putc_uart(char c)
{
	volatile u32 *fr = (volatile u32 *)(UART_BASE + UART_FR);
	volatile u32 *dr = (volatile u32 *)(UART_BASE + UART_DR);

	while (*fr & (1 << 5))
		;
	*dr = (u32)(u8)c;
}

void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void put_num(u64 v, int base, int width, char pad, int neg)
{
	char buf[32];
	int i = 0;

	do {
		int d = v % base;
		buf[i++] = d < 10 ? '0' + d : 'a' + d - 10;
		v /= base;
	} while (v);
	if (neg)
		buf[i++] = '-';
	while (i < width)
		buf[i++] = pad;
	while (i)
		putc_uart(buf[--i]);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc_uart(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			puts_uart("0x");
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
			put_num(v < 0 ? -v : v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 10, width, pad, 0);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 16, width, pad, 0);
			break;
		case 's':
			puts_uart(va_arg(ap, const char *));
			break;
		case 'c':
			putc_uart(va_arg(ap, int));
			break;
		case '%':
			putc_uart('%');
			break;
		default:
			putc_uart('?');
		}
	}
	va_end(ap);
}

void *memset(void *d, int c, unsigned long n)
{
	u8 *p = d;

	while (n--)
		*p++ = c;
	return d;
}

int current_el;

void poweroff(void)
{
	if (current_el == 3) {
		/* Semihosting SYS_EXIT (ADP_Stopped_ApplicationExit); needs -semihosting. */
		static u64 blk[2] = { 0x20026, 0 };
		register u64 x0 asm("x0") = 0x18;
		register u64 x1 asm("x1") = (u64)blk;
		asm volatile("hlt #0xf000" :: "r"(x0), "r"(x1) : "memory");
	} else {
		/* PSCI SYSTEM_OFF; the conduit is SMC with virtualization=on */
		register u64 x0 asm("x0") = 0x84000008;
		asm volatile("smc #0" : "+r"(x0) :: "memory");
	}
	for (;;)
		asm volatile("wfi");
}

/* ------------------------------------------------------------------ */
const char *skip_reason;

void ktap_run(const struct tcase *cases, int n)
{
	int i;

	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		int r;

		skip_reason = "";
		el2_exc.count = 0;
		n_aborts = 0;
		abort_policy = ABT_EXIT;
		abort_hook = 0;
		r = cases[i].fn();
		if (r == RES_PASS && el2_exc.count) {
			printf("# unexpected EL2 exception(s): %d, last ESR_EL2=%#lx ELR=%#lx\n",
			       el2_exc.count, el2_exc.esr, el2_exc.elr);
			r = RES_FAIL;
		}
		if (r == RES_PASS)
			printf("ok %d %s\n", i + 1, cases[i].name);
		else if (r == RES_SKIP)
			printf("ok %d %s # SKIP %s\n", i + 1, cases[i].name, skip_reason);
		else
			printf("not ok %d %s\n", i + 1, cases[i].name);
	}
	printf("# done\n");
	poweroff();
}

void ktap_run_el3(const struct tcase *cases, int n, void *vectors, const char *need)
{
	int i;

	if (current_el == 3) {
		write_sysreg((u64)vectors, vbar_el3);
		isb();
		ktap_run(cases, n);
	}
	printf("KTAP version 1\n1..%d\n", n);
	printf("# started at EL%d, need EL3 (%s)\n", current_el, need);
	for (i = 0; i < n; i++)
		printf("not ok %d %s\n", i + 1, cases[i].name);
	poweroff();
}

/* ------------------------------------------------------------------ */
volatile struct el2_exc el2_exc;
volatile int n_aborts;
volatile struct guest_abort aborts[MAX_ABORTS];
int abort_policy;
int (*abort_hook)(volatile struct guest_abort *a);

void el2_unexpected(struct frame *f)
{
	printf("# FATAL: unexpected exception vector at EL%d, ESR=%#lx ELR=%#lx FAR=%#lx\n",
	       current_el, current_el == 3 ? read_sysreg(esr_el3) : read_sysreg(esr_el2),
	       f->elr, current_el == 3 ? read_sysreg(far_el3) : read_sysreg(far_el2));
	printf("Bail out! unexpected exception\n");
	poweroff();
}

/*
 * Synchronous exception taken from EL2 to EL2: expected for UNDEFINED
 * register accesses. Record it and skip the instruction.
 */
void el2_sync_current(struct frame *f)
{
	el2_exc.esr = read_sysreg(esr_el2);
	el2_exc.far = read_sysreg(far_el2);
	el2_exc.elr = f->elr;
	el2_exc.count++;
	if (el2_exc.count > 1000) {
		printf("# FATAL: exception storm at EL2, ESR=%#lx ELR=%#lx\n", el2_exc.esr, f->elr);
		printf("Bail out! exception storm\n");
		poweroff();
	}
	f->elr += 4;
}

struct exit_req {
	u64 exit;
	u64 val;
};

/* Synchronous exception from the EL1 guest. */
struct exit_req el2_sync_lower(struct frame *f)
{
	u64 esr = read_sysreg(esr_el2);
	struct exit_req r = { 0, 0 };
	volatile struct guest_abort *a;
	int act;

	if (ESR_EC(esr) == EC_HVC64) {
		r.exit = 1;
		r.val = f->x[0];
		return r;
	}
	if ((ESR_EC(esr) != EC_DABT_LOW && ESR_EC(esr) != EC_IABT_LOW) || n_aborts >= MAX_ABORTS) {
		printf("# guest exception ESR=%#lx ELR=%#lx FAR=%#lx (n_aborts=%d): leaving guest\n",
		       esr, f->elr, read_sysreg(far_el2), n_aborts);
		r.exit = 1;
		r.val = ABORTED;
		return r;
	}
	a = &aborts[n_aborts++];
	a->esr = esr;
	a->far = read_sysreg(far_el2);
	a->hpfar = read_sysreg(hpfar_el2);
	a->elr = f->elr;
	/* R_CGCHP: DSB after the exception; I_XXFYP: ISB before reading PROD */
	hdbss_sync();
	{
		int before = el2_exc.count;
		a->prod_at_fault = rd_hdbssprod();
		if (el2_exc.count != before) {
			el2_exc.count = before;	/* register absent: not an error here */
			a->prod_at_fault = ~0UL;
		}
	}
	act = abort_policy;
	if (act == ABT_HOOK)
		act = abort_hook ? abort_hook(a) : ABT_EXIT;
	switch (act) {
	case ABT_SKIP:
		f->elr += 4;
		return r;
	case ABT_RETRY:
		return r;
	default:
		r.exit = 1;
		r.val = ABORTED;
		return r;
	}
}

/* ------------------------------------------------------------------ */
u64 guest_ops(u64 p)
{
	struct gop *op = (struct gop *)p;

	for (;; op++) {
		switch (op->kind) {
		case OP_W64:
			asm volatile("str %1, [%0]" :: "r"(op->addr), "r"(op->val) : "memory");
			break;
		case OP_W8:
			asm volatile("strb %w1, [%0]" :: "r"(op->addr), "r"(op->val) : "memory");
			break;
		case OP_STP:	/* 16 bytes, may straddle a page boundary */
			asm volatile("stp %1, %1, [%0]" :: "r"(op->addr), "r"(op->val) : "memory");
			break;
		case OP_DCZVA:
			asm volatile("dc zva, %0" :: "r"(op->addr) : "memory");
			break;
		case OP_LDADD: {
			u64 old;
			asm volatile(".arch_extension lse\n\tldadd %1, %0, [%2]"
				     : "=&r"(old) : "r"(op->val), "r"(op->addr) : "memory");
			break;
		}
		case OP_CAS: {	/* compare with the current value: succeeds */
			u64 cmp = *(volatile u64 *)op->addr;
			asm volatile(".arch_extension lse\n\tcas %0, %1, [%2]"
				     : "+&r"(cmp) : "r"(op->val), "r"(op->addr) : "memory");
			break;
		}
		case OP_R64: {
			u64 v;
			asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(op->addr) : "memory");
			op->val = v;
			break;
		}
		default:
			return 0;
		}
	}
}

u64 guest_write(u64 addr, u64 val)
{
	static struct gop ops[2];

	ops[0] = (struct gop){ OP_W64, addr, val };
	ops[1] = (struct gop){ OP_END, 0, 0 };
	return run_el1(guest_ops, (u64)ops);
}

u64 guest_read(u64 addr)
{
	static struct gop ops[2];

	ops[0] = (struct gop){ OP_R64, addr, 0 };
	ops[1] = (struct gop){ OP_END, 0, 0 };
	return run_el1(guest_ops, (u64)ops);
}

/* ------------------------------------------------------------------
 * Translation tables. Stage 2: 4KB granule, T0SZ = 25 (39-bit IPA),
 * start level 1, identity map of [0, 2GB):
 *   L1[0]  0..1GB     block, Device (UART etc.), writable-dirty
 *   L1[1]  1..2GB     table -> L2
 *   L2[i]  2MB blocks, Normal WB, writable-dirty, except:
 *   L2[8]  TEST_PAGES table -> L3 (512 test pages)
 *   L2[9]  TEST_BLOCK block (attributes per test)
 *   L2[10] HDBSS_BUF  invalid (the buffer is never mapped into the guest)
 *   L2[11] GUARD_AREA invalid (guard after a 2MB buffer)
 *   L2[12] PT_AREA    invalid (tables are not guest-visible)
 * EL2 stage 1: identity, 1GB blocks, Device for 0..1GB, Normal WB above.
 */
u64 *s2_l1 = (u64 *)(PT_AREA + 0x0000);
u64 *s2_l2 = (u64 *)(PT_AREA + 0x1000);
u64 *s2_l3 = (u64 *)(PT_AREA + 0x2000);
static u64 *el2_l1 = (u64 *)(PT_AREA + 0x10000);

#define L2_IDX(a)	(((a) >> 21) & 511)

static u64 vtcr_b;

u64 vtcr_base(void)
{
	return vtcr_b;
}

static void el2_mmu_init(void)
{
	int i;

	for (i = 0; i < 512; i++)
		el2_l1[i] = 0;
	/* AttrIndx 0 = Device-nGnRnE, 1 = Normal WB; AF; SH inner for normal */
	el2_l1[0] = 0x00000000UL | 1 | (0 << 2) | BIT(10) | BIT(54);
	el2_l1[1] = 0x40000000UL | 1 | (1 << 2) | (3UL << 8) | BIT(10);
	dsb(sy);
	write_sysreg(0xff00UL, mair_el2);
	/* T0SZ 25, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS 40 bits, RES1 31, 23 */
	write_sysreg(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (2UL << 16) |
		     BIT(23) | BIT(31), tcr_el2);
	write_sysreg((u64)el2_l1, ttbr0_el2);
	isb();
	asm volatile("tlbi alle2; dsb sy; isb" ::: "memory");
	/* SCTLR_EL2: RES1 bits | M | C | I */
	write_sysreg(0x30c50830UL | BIT(0) | BIT(2) | BIT(12), sctlr_el2);
	isb();
}

void s2_sync(void)
{
	asm volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb" ::: "memory");
}

void vtcr_set(u64 extra)
{
	write_sysreg(vtcr_b | extra, vtcr_el2);
	isb();
	s2_sync();	/* VTCR fields may be cached in TLBs */
}

static u64 pagedesc(u64 pa, u64 attrs)
{
	return pa | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | attrs;
}

static u64 blockdesc(u64 pa, u64 attrs)
{
	return pa | S2_BLOCK | S2_MEM_NORMAL | S2_SH_IS | attrs;
}

void s2_set_page(int i, u64 attrs)
{
	s2_l3[i] = pagedesc(TEST_PAGE(i), attrs);
	s2_sync();
}

u64 s2_get_page(int i)
{
	dsb(ish);
	return ((volatile u64 *)s2_l3)[i];
}

void s2_set_block(u64 attrs)
{
	s2_l2[L2_IDX(TEST_BLOCK)] = blockdesc(TEST_BLOCK, attrs);
	s2_sync();
}

u64 s2_get_block(void)
{
	dsb(ish);
	return ((volatile u64 *)s2_l2)[L2_IDX(TEST_BLOCK)];
}

void s2_reset_test_pages(void)
{
	int i;

	for (i = 0; i < 512; i++)
		s2_l3[i] = pagedesc(TEST_PAGE(i), S2_DIRTY);
	s2_l1[1] = (u64)s2_l2 | S2_TABLE;
	s2_l2[L2_IDX(TEST_PAGES)] = (u64)s2_l3 | S2_TABLE;
	s2_l2[L2_IDX(TEST_BLOCK)] = blockdesc(TEST_BLOCK, S2_DIRTY);
	s2_sync();
}

void s2_init(void)
{
	int i;

	for (i = 0; i < 512; i++) {
		s2_l1[i] = 0;
		s2_l2[i] = blockdesc(0x40000000UL + ((u64)i << 21), S2_DIRTY);
	}
	s2_l1[0] = 0 | S2_BLOCK | S2_MEM_DEVICE | S2_DIRTY | S2_XN;
	s2_l2[L2_IDX(HDBSS_BUF)] = 0;
	s2_l2[L2_IDX(GUARD_AREA)] = 0;
	s2_l2[L2_IDX(PT_AREA)] = 0;
	s2_reset_test_pages();

	/* T0SZ 25, SL0 = 1 (level 1), IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS 40b, RES1 31 */
	vtcr_b = 25UL | (1UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) |
		 (2UL << 16) | BIT(31);
	write_sysreg((1UL << 48) | (u64)s2_l1, vttbr_el2);	/* VMID 1 */
	/* HCR_EL2: RW (EL1 AArch64), VM, DC (EL1 stage-1-off accesses are Normal WB) */
	write_sysreg(BIT(31) | BIT(12) | BIT(0), hcr_el2);
	write_sysreg(0x30d00800UL, sctlr_el1);	/* EL1 MMU off */
	vtcr_set(0);
}

/*
 * EL1 stage 1 (for the cases about stage-1 walks through stage 2):
 * identity map, 4KB granule, T0SZ 25, start level 1, L1 at l1 (an IPA).
 */
void el1_mmu_on(u64 l1, u64 tcr_extra)
{
	write_sysreg(0xff00UL, mair_el1);
	/* T0SZ 25, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, EPD1, IPS 40 bits */
	write_sysreg(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | BIT(23) |
		     (2UL << 32) | tcr_extra, tcr_el1);
	write_sysreg(l1, ttbr0_el1);
	write_sysreg(BIT(31) | BIT(0), hcr_el2);	/* RW, VM; DC = 0 */
	write_sysreg(0x30d00800UL | BIT(0) | BIT(2) | BIT(12), sctlr_el1);
	isb();
	s2_sync();
}

void el1_mmu_off(void)
{
	write_sysreg(BIT(31) | BIT(12) | BIT(0), hcr_el2);
	write_sysreg(0x30d00800UL, sctlr_el1);
	isb();
	s2_sync();
}

/* ------------------------------------------------------------------ */
void hdbss_sync(void)
{
	dsb(ish);	/* R_CGCHP: entries written before the exception are visible */
	isb();		/* I_XXFYP: INDEX (indirect write) visible to MRS HDBSSPROD_EL2 */
}

u64 hafdbs(void)
{
	return (read_sysreg(id_aa64mmfr1_el1) >> 0) & 0xf;
}

/* Returns 1 when HDBSSBR_EL2/HDBSSPROD_EL2 can be accessed without an exception. */
int hdbss_regs_usable(void)
{
	int before = el2_exc.count;

	(void)rd_hdbssbr();
	(void)rd_hdbssprod();
	if (el2_exc.count != before) {
		printf("# HDBSS registers are UNDEFINED here (ESR_EL2=%#lx)\n", el2_exc.esr);
		el2_exc.count = before;
		return 0;
	}
	return 1;
}

void hdbss_setup(u64 sz)
{
	volatile u64 *b = hdbss_buf();
	u64 i;

	/* buffer + one 4KB guard page after it */
	for (i = 0; i < ((0x1000UL << sz) + 0x1000UL) / 8; i++)
		b[i] = SENTINEL;
	dsb(ish);
	wr_hdbssbr(HDBSS_BUF | sz);
	wr_hdbssprod(0);
	isb();
}

/* Framework bring-up; the program provides main(). */
int main(void);
void c_entry(u64 el)
{
	current_el = el;
	if (el == 2) {
		el2_mmu_init();
		s2_init();
	}
	main();
	poweroff();
}
