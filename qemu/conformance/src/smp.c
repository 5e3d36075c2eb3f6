// SPDX-License-Identifier: GPL-2.0
/*
 * A second PE for the cases about two PEs (-smp 2; PSCI through SMC, as
 * QEMU's virt machine provides with virtualization=on).  The second PE
 * starts at EL2 with the primary's EL2 translation and stage 2
 * registers, then runs functions the primary posts (smp_call()); they
 * may run an EL1 guest with sec_guest().  Its guest aborts are recorded
 * in sec_aborts and leave the guest (ABORTED).
 */
#include "lib.h"
#include "smp.h"

#define CPU_ON_64	0xc4000003UL
#define CPU_OFF		0x84000002UL
#define PSCI_ALREADY_ON	(-4L)
#define PSCI_ON_PENDING	(-5L)

/* Orders the mailbox accesses (a DMB: the hostile DSB helper is not called). */
#define dmb_ish()	asm volatile("dmb ish" ::: "memory")

/*
 * CPU 1 runs with its EL2 MMU off until sec_main() turns it on: fine
 * under QEMU, which does not model caches (real hardware would need the
 * data it reads first cleaned to the point of coherency).
 */
static u8 sec_stack[16384] __attribute__((aligned(16)));
static u8 sec_guest_stack[16384] __attribute__((aligned(16)));

/* The primary's registers, applied by the second PE before each call. */
static volatile struct {
	u64 mair, tcr, ttbr0, sctlr;			/* EL2 */
	u64 hcr, vttbr, vtcr;				/* stage 2 */
	u64 sctlr1, tcr1, ttbr01, mair1;		/* EL1 */
} regs;

static volatile struct {
	int started;
	int seq, done;
	void (*fn)(void);
} mb;

volatile int sec_aborts;
volatile u64 sec_abort_esr, sec_exc;

void sec_entry(void);
u64 sec_run_el1(u64 (*fn)(u64), u64 arg, u64 stack_top);

static void snapshot(void)
{
	regs.mair = read_sysreg(mair_el2);
	regs.tcr = read_sysreg(tcr_el2);
	regs.ttbr0 = read_sysreg(ttbr0_el2);
	regs.sctlr = read_sysreg(sctlr_el2);
	regs.hcr = read_sysreg(hcr_el2);
	regs.vttbr = read_sysreg(vttbr_el2);
	regs.vtcr = read_sysreg(vtcr_el2);
	regs.sctlr1 = read_sysreg(sctlr_el1);
	regs.tcr1 = read_sysreg(tcr_el1);
	regs.ttbr01 = read_sysreg(ttbr0_el1);
	regs.mair1 = read_sysreg(mair_el1);
}

static void apply(void)
{
	write_sysreg(regs.hcr, hcr_el2);
	write_sysreg(regs.vttbr, vttbr_el2);
	write_sysreg(regs.vtcr, vtcr_el2);
	write_sysreg(regs.sctlr1, sctlr_el1);
	write_sysreg(regs.tcr1, tcr_el1);
	write_sysreg(regs.ttbr01, ttbr0_el1);
	write_sysreg(regs.mair1, mair_el1);
	isb();
}

void sec_main(void)
{
	int seen = 0;

	write_sysreg(regs.mair, mair_el2);
	write_sysreg(regs.tcr, tcr_el2);
	write_sysreg(regs.ttbr0, ttbr0_el2);
	isb();
	asm volatile("tlbi alle2; dsb nsh; isb" ::: "memory");
	write_sysreg(regs.sctlr, sctlr_el2);
	isb();
	dmb_ish();
	mb.started = 1;
	for (;;) {
		while (mb.seq == seen)
			;
		dmb_ish();	/* the call's data after its sequence number */
		seen = mb.seq;
		apply();
		mb.fn();
		dmb_ish();	/* the call's results before "done" */
		mb.done = seen;
	}
}

/* On CPU 1: power off (smp_stop()); CPU_ON starts it again at sec_entry. */
static void sec_off(void)
{
	dmb_ish();
	mb.started = 0;
	{
		register u64 x0 asm("x0") = CPU_OFF;

		asm volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
	}
	for (;;)
		;
}

int smp_start(void)
{
	long i, ret;

	if (mb.started)
		return 0;
	snapshot();
	mb.seq = mb.done = 0;
	dsb(sy);
	for (i = 0; i < 1000; i++) {
		/* no call between these and the SMC: x0-x3 would not survive it */
		register u64 x0 asm("x0") = CPU_ON_64;
		register u64 x1 asm("x1") = 1;		/* MPIDR of CPU 1 */
		register u64 x2 asm("x2") = (u64)sec_entry;
		register u64 x3 asm("x3") = (u64)(sec_stack + sizeof(sec_stack));

		/* SMCCC: x0-x17 may change */
		asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) ::
			     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			     "x13", "x14", "x15", "x16", "x17", "memory");
		ret = (long)x0;
		/* after smp_stop(), CPU 1 may still be on its way off */
		if (ret != PSCI_ALREADY_ON && ret != PSCI_ON_PENDING)
			break;
	}
	if (ret) {
		printf("# PSCI CPU_ON of CPU 1 returned %ld\n", ret);
		return -1;
	}
	for (i = 0; i < 2000000000L && !mb.started; i++)
		;
	if (!mb.started) {
		printf("# CPU 1 did not start\n");
		return -1;
	}
	dmb_ish();
	return 0;
}

void smp_stop(void)
{
	long i;

	if (!mb.started)
		return;
	smp_call(sec_off);
	for (i = 0; i < 2000000000L && mb.started; i++)
		;
}

void smp_call(void (*fn)(void))
{
	snapshot();
	mb.fn = fn;
	dmb_ish();	/* the call's data before its sequence number */
	mb.seq++;
}

int smp_wait(void)
{
	long i;

	for (i = 0; i < 4000000000L; i++)
		if (mb.done == mb.seq) {
			dmb_ish();	/* the call's results after "done" */
			return 0;
		}
	printf("# CPU 1 did not finish its call\n");
	return -1;
}

u64 sec_guest(u64 (*fn)(u64), u64 arg)
{
	return sec_run_el1(fn, arg, (u64)(sec_guest_stack + sizeof(sec_guest_stack)));
}

void sec_unexpected(struct frame *f)
{
	printf("# FATAL: CPU 1: unexpected exception, ESR=%#lx ELR=%#lx FAR=%#lx\n",
	       read_sysreg(esr_el2), f->elr, read_sysreg(far_el2));
	printf("Bail out! unexpected exception on CPU 1\n");
	poweroff();
}

/* An EL2 exception on the second PE (an UNDEFINED register): skip it. */
void sec_sync_current(struct frame *f)
{
	sec_exc = read_sysreg(esr_el2);
	f->elr += 4;
}

struct sec_exit {
	u64 exit;
	u64 val;
};

/* No DSB here: see smp.S. */
struct sec_exit sec_sync_lower(struct frame *f)
{
	u64 esr = read_sysreg(esr_el2);
	struct sec_exit r = { 1, ABORTED };

	if (ESR_EC(esr) == EC_HVC64) {
		r.val = f->x[0];
		return r;
	}
	sec_aborts++;
	sec_abort_esr = esr;
	return r;
}
