// SPDX-License-Identifier: GPL-2.0
/*
 * Program "el3_trap": run with -M virt,secure=on,virtualization=on -cpu max
 * -semihosting.  Starts at EL3.  SCR_EL3.HDBSSEn (bit 60) = 0 makes EL2
 * accesses to HDBSSBR_EL2/HDBSSPROD_EL2 trap to EL3 (EC 0x18); = 1 allows them.
 * Also FEAT_HAFT in the EL3 regime (TCR_EL3.HAFT).
 */
#include "tcommon.h"
#include "el3.h"

static volatile int n_el3_traps;
static volatile u64 el3_esr[4];

struct exit_req el3_sync_lower(struct frame *f)
{
	u64 esr = read_sysreg(esr_el3);
	struct exit_req r = { 0, 0 };

	if (ESR_EC(esr) == EC_SMC64) {
		r.exit = 1;
		return r;
	}
	if (n_el3_traps < 4)
		el3_esr[n_el3_traps] = esr;
	n_el3_traps++;
	if (ESR_EC(esr) == EC_SYS64 && n_el3_traps < 100) {
		f->elr += 4;	/* skip the trapped access */
		return r;
	}
	printf("# unexpected exception to EL3 ESR_EL3=%#lx ELR_EL3=%#lx\n", esr, f->elr);
	r.exit = 1;
	return r;
}

static volatile u64 el2_val;

static void el2_access(void)
{
	wr_hdbssbr(HDBSS_BUF | 2);
	el2_val = rd_hdbssbr();
	wr_hdbssprod(7);
	(void)rd_hdbssprod();
}

/* Expected ISS for MSR/MRS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1], Dir [0] */
static u64 sys_iss(u64 op2, int read)
{
	return (3UL << 20) | (op2 << 17) | (4UL << 14) | (2UL << 10) | (3UL << 1) | (read ? 1 : 0);
}

#define ISS_NO_RT(iss) ((iss) & ~(0x1fUL << 5))

static int t_hdbssen0_traps(void)
{
	static const u64 exp_op2[4] = { 2, 2, 3, 3 };
	static const int exp_rd[4] = { 0, 1, 0, 1 };
	int i;

	n_el3_traps = 0;
	el2_exc.count = 0;
	setup_scr(0);
	run_el2(el2_access);
	printf("# %d traps to EL3, %d exceptions at EL2 (last ESR_EL2 %#lx)\n",
	       n_el3_traps, el2_exc.count, el2_exc.esr);
	CHECK(el2_exc.count == 0, "access UNDEFINED at EL2 instead of trapping to EL3");
	el2_exc.count = 0;
	CHECK(n_el3_traps == 4, "%d traps to EL3, expected 4 (MSR/MRS x 2 registers)", n_el3_traps);
	for (i = 0; i < 4; i++) {
		u64 e = el3_esr[i];

		printf("# ESR_EL3[%d] = %#lx\n", i, e);
		CHECK(ESR_EC(e) == EC_SYS64, "EC %#lx, expected 0x18", ESR_EC(e));
		CHECK(ISS_NO_RT(ESR_ISS(e)) == sys_iss(exp_op2[i], exp_rd[i]),
		      "ISS %#lx, expected %#lx (Rt ignored)", ESR_ISS(e), sys_iss(exp_op2[i], exp_rd[i]));
	}
	return RES_PASS;
}

static int t_hdbssen1_no_trap(void)
{
	n_el3_traps = 0;
	el2_exc.count = 0;
	el2_val = 0;
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_access);
	printf("# %d traps to EL3, %d exceptions at EL2, HDBSSBR_EL2 read %#lx\n",
	       n_el3_traps, el2_exc.count, el2_val);
	CHECK(n_el3_traps == 0, "trapped to EL3 with HDBSSEn = 1");
	CHECK(el2_exc.count == 0, "access UNDEFINED at EL2 (ESR_EL2 %#lx)", el2_exc.esr);
	CHECK(el2_val == (HDBSS_BUF | 2), "HDBSSBR_EL2 read back %#lx", el2_val);
	return RES_PASS;
}

/*
 * VTCR_EL2.HDBSS "behaves as 0 for all purposes other than a direct read"
 * when SCR_EL3.HDBSSEn is 0 (VTCR_EL2 register description).
 */
static volatile u64 g_r1, g_r2, g_prod, g_d1, g_d2, g_e0, g_e1;

static void el2_setup(void)
{
	s2_init();
	hdbss_setup(0);
	s2_set_page(1, S2_CLEAN);
	s2_set_page(2, S2_CLEAN);
	vtcr_set(VT_ALL);
}

static void el2_write1(void) { g_r1 = guest_write(TEST_PAGE(1), 1); }
static void el2_write2(void) { g_r2 = guest_write(TEST_PAGE(2), 2); }

static void el2_collect(void)
{
	hdbss_sync();
	g_prod = rd_hdbssprod();
	g_d1 = s2_get_page(1);
	g_d2 = s2_get_page(2);
	g_e0 = hdbss_buf()[0];
	g_e1 = hdbss_buf()[1];
}

static int t_hdbssen0_vtcr_hdbss_ineffective(void)
{
	n_el3_traps = 0;
	el2_exc.count = 0;
	g_prod = ~0UL;
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_setup);
	setup_scr(0);			/* HDBSS off from EL3: VTCR_EL2.HDBSS behaves as 0 */
	run_el2(el2_write1);
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_write2);		/* positive control: logged */
	run_el2(el2_collect);
	printf("# traps %d, EL2 exceptions %d, guest %#lx/%#lx, PROD %#lx, desc1 %#lx desc2 %#lx, entries %#lx %#lx\n",
	       n_el3_traps, el2_exc.count, g_r1, g_r2, g_prod, g_d1, g_d2, g_e0, g_e1);
	CHECK(el2_exc.count == 0 && n_el3_traps == 0, "unexpected exceptions");
	CHECK(g_r1 != ABORTED && g_r2 != ABORTED, "guest write aborted");
	CHECK(g_d1 & S2AP_W, "page 1 not made dirty (HAFDBS) while HDBSSEn = 0");
	CHECK(g_prod == 1, "HDBSSPROD_EL2 %#lx, expected INDEX 1 (only page 2 logged)", g_prod);
	CHECK(g_e0 == entry4k(TEST_PAGE(2)), "entry[0] %#lx, expected page 2", g_e0);
	CHECK(g_e1 == SENTINEL || g_e1 == 0, "entry[1] %#lx written", g_e1);
	return RES_PASS;
}

/*
 * FEAT_HAFT at EL3.  There is no TCR2_EL3: the EL3 stage 1 takes HAFT
 * from TCR_EL3.HAFT (bit 42), effective only with TCR_EL3.HA (R_SNVTX as
 * for the other regimes).  With it the walk sets AF in the table
 * descriptors it uses (R_CGKWB); without it, bit 10 of a table descriptor
 * is ignored and left as it is.  EL3 stage 1: L1[0] a Device block
 * (the UART), L1[1] -> L2, identity map of 1..2 GB (code, data, stack) in
 * Normal 2 MB blocks; L1[1] starts with AF = 0.
 */
#define TCR_EL3_HA	BIT(21)
#define TCR_EL3_HAFT	BIT(42)
#define EL3_L1		(PT_AREA + 0x100000UL)
#define EL3_L2		(PT_AREA + 0x101000UL)

static u64 el3_table_af_after_walk(u64 tcr_extra)
{
	volatile u64 *l1 = (volatile u64 *)EL3_L1, *l2 = (volatile u64 *)EL3_L2;
	u64 sctlr = read_sysreg(sctlr_el3), tcr = read_sysreg(tcr_el3), d;
	int i;

	for (i = 0; i < 512; i++) {
		l1[i] = 0;
		/* block, AttrIndx 1 (Normal WB), SH inner, AF */
		l2[i] = (0x40000000UL + ((u64)i << 21)) | 1 | (1 << 2) | (3UL << 8) | BIT(10);
	}
	l1[0] = 0 | 1 | BIT(10);		/* Device-nGnRnE block, AF */
	l1[1] = EL3_L2 | 3;			/* table, AF = 0 */
	dsb(sy);
	write_sysreg(0xff00UL, mair_el3);
	/* T0SZ 25, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS 40 bits, RES1 23 and 31 */
	write_sysreg(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (2UL << 16) |
		     BIT(23) | BIT(31) | tcr_extra, tcr_el3);
	write_sysreg(EL3_L1, ttbr0_el3);
	asm volatile("tlbi alle3\n\tdsb sy\n\tisb" ::: "memory");
	write_sysreg(sctlr | BIT(0) | BIT(2) | BIT(12), sctlr_el3);	/* M, C, I */
	isb();
	(void)*(volatile u64 *)TEST_PAGE(5);	/* a load through L1[1] */
	write_sysreg(sctlr, sctlr_el3);
	isb();
	asm volatile("tlbi alle3\n\tdsb sy\n\tisb" ::: "memory");
	asm volatile("dc civac, %0\n\tdsb sy" :: "r"(&l1[1]) : "memory");
	d = l1[1];
	write_sysreg(tcr, tcr_el3);
	isb();
	return d;
}

static int t_el3_haft_table_af(void)
{
	u64 d;

	if (hafdbs() < 3)
		SKIP("FEAT_HAFT not implemented (ID_AA64MMFR1_EL1.HAFDBS < 0b0011)");
	d = el3_table_af_after_walk(TCR_EL3_HA | TCR_EL3_HAFT);
	printf("# TCR_EL3.HA = HAFT = 1: EL3 level-1 table descriptor %#lx\n", d);
	CHECK(d & BIT(10), "AF not set in the EL3 stage-1 table descriptor");
	return RES_PASS;
}

static int t_el3_haft_off_table_af_kept(void)
{
	u64 d1, d2;

	if (hafdbs() < 3)
		SKIP("FEAT_HAFT not implemented (ID_AA64MMFR1_EL1.HAFDBS < 0b0011)");
	d1 = el3_table_af_after_walk(TCR_EL3_HA);
	d2 = el3_table_af_after_walk(TCR_EL3_HAFT);
	printf("# HA only: %#lx; HAFT without HA: %#lx\n", d1, d2);
	CHECK(!(d1 & BIT(10)), "AF set in a table descriptor with TCR_EL3.HAFT = 0");
	CHECK(!(d2 & BIT(10)), "AF set in a table descriptor with TCR_EL3.HA = 0 (effective HAFT 0)");
	return RES_PASS;
}

/*
 * Secure stage 2 (FEAT_SEL2): VSTCR_EL2 holds only the fields of the
 * Secure IPA space's own walk (T0SZ, SL0, TG0, SW, SA, ...); the others,
 * HA, HD, HAFT and HDBSS among them, come from VTCR_EL2 (VSTCR_EL2 bit 45
 * is RES0).  Secure EL2 sets up the same stage-2 tables for the Secure IPA
 * space (VSTTBR_EL2, Secure walk and output), VTCR_EL2.{HA, HD, HDBSS};
 * a Secure EL1 write (stage 1 off: Secure IPA space) to a writable-clean
 * page must make it dirty and log it, with NSIPA (entry bit 11) clear.
 */
#define SEL1_L1		TEST_PAGE(110)

static volatile u64 s_r, s_prod, s_desc, s_e0, s_vtcr, s_vstcr;
static volatile int s_page, s_ns_ipa;

/*
 * At Secure EL2: stage 2 for both IPA spaces on the same tables, page
 * s_page writable-clean, VTCR_EL2.{HA, HD, HDBSS}; a Secure EL1 write
 * to it, with EL1 stage 1 off (Secure IPA space) or, for s_ns_ipa, on
 * with every block Non-secure (descriptor bit 5: Non-secure IPA space).
 */
static void sel2_write(void)
{
	volatile u64 *l1 = (volatile u64 *)SEL1_L1;
	int i;

	s2_init();
	hdbss_setup(0);
	s2_set_page(s_page, S2_CLEAN);
	/* VSTCR_EL2: T0SZ 25, SL0 = 1 (level 1), TG0 4K, SW = SA = 0 (Secure) */
	write_sysreg(25UL | (1UL << 6) | s_vstcr, S3_4_C2_C6_2);
	write_sysreg((u64)s2_l1, S3_4_C2_C6_0);		/* VSTTBR_EL2 */
	vtcr_set(s_vtcr);
	if (s_ns_ipa) {
		for (i = 0; i < 512; i++)
			l1[i] = 0;
		/* 1 GB blocks, NS: Device-nGnRnE (attr 0) at 0, Normal WB (attr 1) at 1 GB */
		l1[0] = 0 | 1 | BIT(5) | BIT(10);
		l1[1] = 0x40000000UL | 1 | (1 << 2) | BIT(5) | (3UL << 8) | BIT(10);
		dsb(ish);
		el1_mmu_on(SEL1_L1, 0);
	}
	s_r = guest_write(TEST_PAGE(s_page), s_page);
	if (s_ns_ipa)
		el1_mmu_off();
	hdbss_sync();
	s_prod = rd_hdbssprod();
	s_desc = s2_get_page(s_page);
	s_e0 = hdbss_buf()[0];
	vtcr_set(0);
}

/*
 * Run sel2_write() at Secure EL2 (SCR_EL3.NS = 0, EEL2 = 1) with VTCR_EL2
 * HA, HD and @vtcr_hdbss, and VSTCR_EL2 bit 45 (RES0, where VTCR_EL2 has
 * HDBSS) if @vstcr_bit45; check the log: one entry if @vtcr_hdbss, none
 * otherwise.
 */
static int sel2_case(int page, int ns_ipa, int vtcr_hdbss, int vstcr_bit45)
{
	u64 want = entry4k(TEST_PAGE(page)) | (ns_ipa ? BIT(11) : 0);

	if (!((read_sysreg(id_aa64pfr0_el1) >> 36) & 0xf))
		SKIP("FEAT_SEL2 not implemented (ID_AA64PFR0_EL1.SEL2 = 0)");
	n_el3_traps = 0;
	el2_exc.count = 0;
	s_prod = ~0UL;
	s_page = page;
	s_ns_ipa = ns_ipa;
	s_vtcr = VTCR_HA | VTCR_HD | (vtcr_hdbss ? VTCR_HDBSS : 0);
	s_vstcr = vstcr_bit45 ? BIT(45) : 0;
	write_sysreg(SCR_RES1 | SCR_HCE | SCR_RW | SCR_EEL2 | SCR_HDBSSEN, scr_el3);
	isb();
	run_el2(sel2_write);
	setup_scr(SCR_HDBSSEN);
	printf("# Secure EL2, %s IPA space: traps %d, EL2 exceptions %d, guest %#lx, PROD %#lx, desc %#lx, entry %#lx\n",
	       ns_ipa ? "Non-secure" : "Secure", n_el3_traps, el2_exc.count, s_r, s_prod, s_desc, s_e0);
	CHECK(el2_exc.count == 0 && n_el3_traps == 0, "unexpected exceptions");
	CHECK(s_r != ABORTED, "Secure EL1 write aborted");
	CHECK(s_desc & S2AP_W, "page %d not made dirty", page);
	if (!vtcr_hdbss) {
		CHECK(s_prod == 0 && s_e0 == SENTINEL,
		      "logged with VTCR_EL2.HDBSS = 0 and VSTCR_EL2 bit 45 set: PROD %#lx, entry %#lx",
		      s_prod, s_e0);
		return RES_PASS;
	}
	CHECK(s_prod == 1, "HDBSSPROD_EL2 %#lx, expected INDEX 1%s", s_prod,
	      ns_ipa ? "" : ": VTCR_EL2.HDBSS not applied to the Secure stage 2");
	CHECK(s_e0 == want, "entry[0] %#lx, expected %#lx (NSIPA %d)", s_e0, want, ns_ipa);
	return RES_PASS;
}

/*
 * Secure stage 2 (FEAT_SEL2): VSTCR_EL2 holds only the fields of the
 * Secure IPA space's own walk (T0SZ, SL0, TG0, SW, SA, ...); the others,
 * HA, HD, HAFT and HDBSS among them, come from VTCR_EL2 (VSTCR_EL2 bit 45
 * is RES0).  A Secure EL1 write to a writable-clean page of the Secure
 * IPA space is made dirty and logged, NSIPA (entry bit 11) clear.
 */
static int t_sel2_hdbss_from_vtcr(void)
{
	return sel2_case(3, 0, 1, 0);
}

/* The converse: VSTCR_EL2 bit 45 set, VTCR_EL2.HDBSS clear: no entry. */
static int t_sel2_vstcr_bit45_ignored(void)
{
	return sel2_case(5, 0, 0, 1);
}

/*
 * The converse, NSIPA = 1: the write goes to the Non-secure IPA space,
 * translated by the Non-secure stage 2 (VTTBR_EL2), and is logged with
 * NSIPA set.
 */
static int t_sel2_nsipa(void)
{
	return sel2_case(4, 1, 1, 0);
}

static const struct tcase cases[] = {
	{ "el3_hdbssen0_traps_to_el3", t_hdbssen0_traps },
	{ "el3_hdbssen1_no_trap", t_hdbssen1_no_trap },
	{ "el3_hdbssen0_vtcr_hdbss_ineffective", t_hdbssen0_vtcr_hdbss_ineffective },
	{ "el3_haft_table_af_set", t_el3_haft_table_af },
	{ "el3_haft_off_table_af_kept", t_el3_haft_off_table_af_kept },
	{ "sel2_hdbss_from_vtcr", t_sel2_hdbss_from_vtcr },
	{ "sel2_vstcr_bit45_ignored", t_sel2_vstcr_bit45_ignored },
	{ "sel2_nsipa_set_for_ns_ipa", t_sel2_nsipa },
};

int main(void)
{
	ktap_run_el3(cases, sizeof(cases) / sizeof(cases[0]), el3_vectors,
		     "-M virt,secure=on");
}
