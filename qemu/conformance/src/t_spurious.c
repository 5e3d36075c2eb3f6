// SPDX-License-Identifier: GPL-2.0
/*
 * Program "spurious": run with -cpu max,x-hdbss-spurious=on.
 *
 * R_JCXVS: with stage 1 hardware updates on (TCR_EL1.HA), a stage 1 walk
 * may make the stage 2 descriptor of a writable-clean table page it reads
 * writable-dirty, and so log it, although it updates nothing in the
 * table; walks made for AT instructions included, which is what KVM
 * issues at EL2 to translate a guest fault address.  With a full buffer
 * such a walk faults: an EL1 access takes the stage 2 Permission fault
 * on the walk (S1PTW, ISS2.HDBSSF); an AT S1E1R at EL2 reports it in
 * PAR_EL1 (F, S, PTW).
 *
 * Stage 1 (s1_tables()): every descriptor has AF = 1, so no walk needs
 * to update anything; only the table page S1_L2T, which only walks for
 * S1_TEST_VA read, is writable-clean at stage 2.
 */
#include "tcommon.h"

/* Stage 1 with nothing to update; S1_L2T writable-clean at stage 2. */
static int setup(u64 index)
{
	volatile u64 *l2t = (volatile u64 *)S1_L2T;

	PREP(VT_ALL, 0);
	s1_tables(1);
	l2t[S1_TEST_IDX] |= BIT(10);
	dsb(ish);
	s2_set_page(101, S2_CLEAN);
	wr_hdbssprod(index);
	isb();
	return RES_PASS;
}

static int walk_case(u64 tcr)
{
	volatile u64 *l2t = (volatile u64 *)S1_L2T;
	u64 d1 = l2t[S1_TEST_IDX], r;

	el1_mmu_on(S1_L1, tcr);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	printf("# TCR_EL1.HA %d: read %#lx, table page %#lx, PROD %#lx, entry %#lx, stage-1 desc %#lx -> %#lx\n",
	       !!(tcr & TCR_EL1_HA), r, s2_get_page(101), prod(), hdbss_buf()[0], d1, l2t[S1_TEST_IDX]);
	CHECK_GUEST_OK(r);
	CHECK(l2t[S1_TEST_IDX] == d1, "the walk changed the stage-1 descriptor");
	if (!(tcr & TCR_EL1_HA)) {
		CHECK(!(s2_get_page(101) & S2AP_W), "table page made dirty without TCR_EL1.HA");
		CHECK_PROD(0, 0);
		CHECK_NO_ENTRY(0);
		return RES_PASS;
	}
	CHECK(s2_get_page(101) & S2AP_W, "table page not made dirty by the walk");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(S1_L2T));
	return RES_PASS;
}

/* A read whose walk updates nothing still dirties and logs the table page. */
static int t_spurious_walk_logs_table_page(void)
{
	if (setup(0))
		return RES_FAIL;
	return walk_case(TCR_EL1_HA);
}

/* Control: without TCR_EL1.HA there are no hardware updates, spurious or not. */
static int t_spurious_needs_ha(void)
{
	if (setup(0))
		return RES_FAIL;
	return walk_case(0);
}

/*
 * Full buffer: the EL1 read takes the stage 2 Permission fault on the
 * walk of the table page, S1PTW = 1, ISS2.HDBSSF = 1; nothing logged.
 */
static int t_spurious_walk_full_hdbssf(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 r;

	if (setup(512))
		return RES_FAIL;
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	CHECK(r == ABORTED && n_aborts == 1, "no abort: the walk made the table page dirty with a full buffer "
	      "(table page %#lx)", s2_get_page(101));
	dump_abort(a);
	CHECK(ESR_EC(a->esr) == EC_DABT_LOW, "EC %#lx, expected 0x24", ESR_EC(a->esr));
	CHECK(a->esr & ESR_S1PTW, "S1PTW = 0, expected 1");
	CHECK(a->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1");
	CHECK(ESR_DFSC(a->esr) == DFSC_PERM(3), "DFSC %#lx, expected permission level 3", ESR_DFSC(a->esr));
	CHECK(hpfar_ipa(a->hpfar) == S1_L2T, "HPFAR IPA %#lx, expected the table page %#lx",
	      hpfar_ipa(a->hpfar), S1_L2T);
	CHECK(!(s2_get_page(101) & S2AP_W), "table page made dirty with a full buffer");
	CHECK_PROD(512, 0);
	return RES_PASS;
}

/*
 * The translation KVM makes at EL2 for a guest fault (AT S1E1R, EL1&0
 * regime, HCR_EL2.VM = 1): with a full buffer its walk's spurious
 * update fails and PAR_EL1 reports a stage 2 fault on the walk (F = 1,
 * S = 1, PTW = 1, FST permission level 3); after a drain the same AT
 * succeeds and logs the table page.
 */
static int t_spurious_at_full_buffer_par(void)
{
	u64 par1, par2, p;

	if (setup(512))
		return RES_FAIL;
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	par1 = at_s1e1r(S1_TEST_VA);
	wr_hdbssprod(0);
	isb();
	par2 = at_s1e1r(S1_TEST_VA);
	el1_mmu_off();
	p = prod();
	printf("# AT S1E1R at EL2: full buffer PAR_EL1 %#lx; after the drain PAR_EL1 %#lx, PROD %#lx, entry %#lx\n",
	       par1, par2, p, hdbss_buf()[0]);
	CHECK(el2_exc.count == 0 && n_aborts == 0, "unexpected exception (ESR_EL2 %#lx)", el2_exc.esr);
	CHECK(par1 & PAR_F, "PAR_EL1.F = 0 with a full buffer: the walk's update was made (table page %#lx)",
	      s2_get_page(101));
	CHECK((par1 & PAR_S) && (par1 & PAR_PTW) && PAR_FST(par1) == DFSC_PERM(3),
	      "PAR_EL1 %#lx, expected S = 1, PTW = 1, FST permission level 3", par1);
	CHECK(!(par2 & PAR_F), "AT after the drain failed: PAR_EL1 %#lx", par2);
	CHECK(s2_get_page(101) & S2AP_W, "table page not made dirty by the AT walk after the drain");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(S1_L2T));
	return RES_PASS;
}

/*
 * A table page that is read-only at stage 2 (no DBM) cannot be made
 * dirty: the walk leaves it as it is and the read completes, no fault,
 * no entry (a spurious update is only ever made where a real one could
 * be).
 */
static int t_spurious_readonly_table_kept(void)
{
	u64 r;

	if (setup(0))
		return RES_FAIL;
	s2_set_page(101, S2_RO);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	printf("# read-only table page: read %#lx, %d aborts, table page %#lx, PROD %#lx\n",
	       r, n_aborts, s2_get_page(101), prod());
	CHECK_GUEST_OK(r);
	CHECK(s2_get_page(101) == ((S1_L2T & GENMASK(47, 12)) | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | S2_RO),
	      "read-only table page changed: %#lx", s2_get_page(101));
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "spurious_walk_logs_table_page", t_spurious_walk_logs_table_page },
	{ "spurious_needs_ha", t_spurious_needs_ha },
	{ "spurious_walk_full_hdbssf", t_spurious_walk_full_hdbssf },
	{ "spurious_at_full_buffer_par", t_spurious_at_full_buffer_par },
	{ "spurious_readonly_table_kept", t_spurious_readonly_table_kept },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
