// SPDX-License-Identifier: GPL-2.0
/*
 * Program "rme": run with -M virt,secure=on,virtualization=on
 * -cpu max,x-rme=on -semihosting.  Starts at EL3 (Root), sets up a
 * granule protection table and runs the cases at Non-secure EL2.
 *
 * A granule protection fault on the HDBSS entry store (BADDR in a granule
 * the Non-secure PA space may not access): the descriptor is left
 * unchanged, INDEX still points at the failed entry and FSC reads
 * 0b101000; with FSC != 0 the write takes the stage 2 Permission fault
 * with ISS2.HDBSSF (R_STJMN), which the emulator reports, as it may
 * (R_JHHQW), instead of a synchronous abort.
 */
#include "tcommon.h"
#include "el3.h"

#define GPTBR_EL3	S3_6_C2_C1_4
#define GPCCR_EL3	S3_6_C2_C1_6
#define GPCCR_GPC	BIT(16)
#define GPI_ROOT	0xaUL
#define GPI_ANY		0xfUL

/*
 * GPT: PPS 4 GB, 4 KB granules, level 0 entries of 1 GB; 0x40000000..
 * 0x7fffffff through a level-1 table (one 64-bit entry = 16 granules).
 * GPF_BUF's first granule is Root only; every other granule is "any".
 */
#define GPT_L0		0x41c00000UL
#define GPT_L1		0x41e00000UL	/* 128 KB, 128 KB aligned */
#define GPF_BUF		0x41700000UL	/* 64 KB aligned, not mapped at stage 2 */
#define HDBSS_FSC_GPF	0x28UL

static volatile int n_el3_traps;

struct exit_req el3_sync_lower(struct frame *f)
{
	u64 esr = read_sysreg(esr_el3);
	struct exit_req r = { 1, 0 };

	if (ESR_EC(esr) != EC_SMC64) {
		n_el3_traps++;
		printf("# unexpected exception to EL3 ESR_EL3=%#lx ELR_EL3=%#lx FAR_EL3=%#lx\n",
		       esr, f->elr, read_sysreg(far_el3));
	}
	return r;
}

static int gpt_on(void)
{
	volatile u64 *l0 = (volatile u64 *)GPT_L0, *l1 = (volatile u64 *)GPT_L1;
	u64 gpccr = read_sysreg(GPCCR_EL3);
	int i;

	if (((gpccr >> 20) & 0xf) != 0) {
		printf("# GPCCR_EL3.L0GPTSZ %lu, the tables here need 0 (1 GB)\n", (gpccr >> 20) & 0xf);
		return -1;
	}
	for (i = 0; i < 4; i++)
		l0[i] = (GPI_ANY << 4) | 1;		/* block descriptor */
	l0[1] = GPT_L1 | 3;				/* table descriptor */
	for (i = 0; i < 16384; i++)
		l1[i] = ~0UL;				/* 16 granules, GPI any */
	l1[(GPF_BUF - 0x40000000UL) >> 16] = (~0UL << 4) | GPI_ROOT;
	dsb(sy);
	write_sysreg(GPT_L0 >> 12, GPTBR_EL3);
	/* PPS 4 GB, IRGN/ORGN write-back, SH inner, PGS 4 KB, GPC on */
	write_sysreg((1UL << 8) | (1UL << 10) | (3UL << 12) | GPCCR_GPC, GPCCR_EL3);
	isb();
	asm volatile("sys #6, c8, c7, #4, xzr\n\tdsb sy\n\tisb" ::: "memory");	/* TLBI PAALL */
	return 0;
}

static void gpt_off(void)
{
	write_sysreg(read_sysreg(GPCCR_EL3) & ~GPCCR_GPC, GPCCR_EL3);
	isb();
	asm volatile("sys #6, c8, c7, #4, xzr\n\tdsb sy\n\tisb" ::: "memory");
}

static volatile u64 g_r, g_r2, g_prod, g_prod2, g_desc, g_desc2, g_e0;
static volatile int g_aborts;
static volatile struct guest_abort g_abt;

/* At Non-secure EL2: page 41 writable-clean, BADDR at the Root granule. */
static void el2_gpf_write(void)
{
	s2_init();
	s2_reset_test_pages();
	vtcr_set(VT_ALL);
	s2_set_page(41, S2_CLEAN);
	wr_hdbssbr(GPF_BUF);
	wr_hdbssprod(0);
	isb();
	n_aborts = 0;
	g_r = guest_write(TEST_PAGE(41) + 0x28, 0x4141);
	g_aborts = n_aborts;
	g_abt = aborts[0];
	g_prod = prod();
	g_desc = s2_get_page(41);
	/* Positive control: the same write, logged to an accessible buffer. */
	hdbss_setup(0);
	s2_set_page(42, S2_CLEAN);
	g_r2 = guest_write(TEST_PAGE(42), 0x4242);
	g_prod2 = prod();
	g_desc2 = s2_get_page(42);
	g_e0 = hdbss_buf()[0];
	vtcr_set(0);
}

static int t_gpf_entry_store(void)
{
	volatile u64 *gb = (volatile u64 *)GPF_BUF;

	if (!((read_sysreg(id_aa64pfr0_el1) >> 52) & 0xf))
		SKIP("FEAT_RME not implemented (ID_AA64PFR0_EL1.RME = 0)");
	gb[0] = SENTINEL;
	dsb(sy);
	if (gpt_on())
		SKIP("GPT layout not supported here");
	n_el3_traps = 0;
	el2_exc.count = 0;
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_gpf_write);
	gpt_off();
	printf("# GPF on the entry store: guest %#lx, %d aborts, PROD %#lx, descriptor %#lx, slot %#lx\n",
	       g_r, g_aborts, g_prod, g_desc, gb[0]);
	printf("# control (accessible buffer): guest %#lx, PROD %#lx, descriptor %#lx, entry %#lx\n",
	       g_r2, g_prod2, g_desc2, g_e0);
	CHECK(n_el3_traps == 0 && el2_exc.count == 0, "unexpected exceptions (EL3 %d, EL2 %d)",
	      n_el3_traps, el2_exc.count);
	CHECK(g_r2 != ABORTED && (g_desc2 & S2AP_W) && HDBSSPROD_INDEX(g_prod2) == 1 &&
	      g_e0 == entry4k(TEST_PAGE(42)), "control write not logged normally");
	CHECK(!(g_desc & S2AP_W), "descriptor made dirty although the entry store took a GPF");
	CHECK(HDBSSPROD_FSC(g_prod) == HDBSS_FSC_GPF && HDBSSPROD_INDEX(g_prod) == 0,
	      "HDBSSPROD_EL2 %#lx, expected FSC 0b101000, INDEX 0", g_prod);
	CHECK(gb[0] == SENTINEL, "the Root granule was written: %#lx", gb[0]);
	CHECK(g_r == ABORTED && g_aborts == 1, "the write completed (%d aborts)", g_aborts);
	CHECK_PERM_FAULT(&g_abt, TEST_PAGE(41) + 0x28, 3, 1);
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "rme_gpf_entry_store_descriptor_kept", t_gpf_entry_store },
};

int main(void)
{
	ktap_run_el3(cases, sizeof(cases) / sizeof(cases[0]), el3_vectors,
		     "-M virt,secure=on");
}
