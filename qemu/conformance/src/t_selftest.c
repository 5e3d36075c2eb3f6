// SPDX-License-Identifier: GPL-2.0
/*
 * Program "selftest": framework checks that do not need FEAT_HDBSS
 * (FEAT_HAFDBS stage-2 behaviour of any Armv8.1+ QEMU).  These pass on
 * unpatched QEMU too; if they fail, the other verdicts are not meaningful.
 */
#include "tcommon.h"

static int t_guest_runs(void)
{
	u64 r;

	s2_reset_test_pages();
	vtcr_set(0);
	r = guest_write(TEST_PAGE(0), 0x1234);
	CHECK_GUEST_OK(r);
	CHECK(mem64(TEST_PAGE(0)) == 0x1234, "guest store not visible");
	*(volatile u64 *)TEST_PAGE(1) = 0x4321;
	{
		static struct gop ops[] = { { OP_R64, TEST_PAGE(1), 0 }, { OP_END, 0, 0 } };
		CHECK_GUEST_OK(run_el1(guest_ops, (u64)ops));
		CHECK(ops[0].val == 0x4321, "guest load returned %#lx", ops[0].val);
	}
	return RES_PASS;
}

static int t_hafdbs_dirty_update(void)
{
	s2_reset_test_pages();
	s2_set_page(2, S2_CLEAN);
	vtcr_set(VTCR_HA | VTCR_HD);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(2), 1));
	CHECK(n_aborts == 0, "abort");
	CHECK(s2_get_page(2) & S2AP_W, "not made dirty: %#lx", s2_get_page(2));
	return RES_PASS;
}

static int t_perm_fault_syndrome(void)
{
	u64 a = TEST_PAGE(3) + 0x10;

	s2_reset_test_pages();
	s2_set_page(3, S2_CLEAN);
	vtcr_set(VTCR_HA);
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "no fault");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	s2_set_block(S2_RO);
	n_aborts = 0;
	CHECK(guest_write(TEST_BLOCK + 0x5000, 1) == ABORTED && n_aborts == 1, "no block fault");
	CHECK_PERM_FAULT(&aborts[0], TEST_BLOCK + 0x5000, 2, 0);
	return RES_PASS;
}

static int fix_hook(volatile struct guest_abort *a)
{
	s2_set_page(4, S2_DIRTY);
	return ABT_RETRY;
}

static int t_fault_retry(void)
{
	s2_reset_test_pages();
	s2_set_page(4, S2_RO);
	vtcr_set(VTCR_HA);
	abort_policy = ABT_HOOK;
	abort_hook = fix_hook;
	CHECK_GUEST_OK(guest_write(TEST_PAGE(4), 0x77));
	CHECK(n_aborts == 1, "%d aborts", n_aborts);
	CHECK(mem64(TEST_PAGE(4)) == 0x77, "retried store lost");
	return RES_PASS;
}

static int t_af_hw_update(void)
{
	s2_reset_test_pages();
	s2_set_page(5, S2AP_R);
	vtcr_set(VTCR_HA);
	CHECK_GUEST_OK(guest_read(TEST_PAGE(5)));
	CHECK(s2_get_page(5) & S2_AF, "AF not set");
	return RES_PASS;
}

/* Stage-1 walk with HA through stage 2 (same tables as the HDBSS s1_* cases). */
static int t_s1_walk(void)
{
	u64 r;

	s2_reset_test_pages();
	s2_set_page(101, S2_CLEAN);
	vtcr_set(VTCR_HA | VTCR_HD);
	s1_tables(1);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	CHECK_GUEST_OK(r);
	CHECK(s1_test_desc() & BIT(10), "stage-1 AF not set");
	CHECK(s2_get_page(101) & S2AP_W, "stage-1 table page not dirtied at stage 2");
	/* HD = 0: the stage-1 update takes a stage-2 permission fault on the walk */
	s2_set_page(101, S2_CLEAN);
	vtcr_set(VTCR_HA);
	s1_tables(1);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	CHECK(r == ABORTED && n_aborts == 1, "no fault");
	dump_abort(&aborts[0]);
	CHECK(ESR_EC(aborts[0].esr) == EC_DABT_LOW && (aborts[0].esr & ESR_S1PTW) &&
	      ESR_DFSC(aborts[0].esr) == DFSC_PERM(3) && hpfar_ipa(aborts[0].hpfar) == S1_L2T && aborts[0].far == S1_TEST_VA,
	      "unexpected syndrome");
	return RES_PASS;
}

static int t_g64(void)
{
	u64 blk = 0x60000000UL + (TEST_BLOCK - 0x40000000UL) + 0x10, r1, r2, d1, d2;

	s2_reset_test_pages();
	g64_tables();
	g64_on(VTCR_HA | VTCR_HD);
	r1 = guest_write(TEST_PAGES + 0x5008, 1);
	r2 = guest_write(blk, 2);
	g64_off(0);
	CHECK_GUEST_OK(r1);
	CHECK_GUEST_OK(r2);
	dsb(ish);
	d1 = ((volatile u64 *)G64_L3)[(TEST_PAGES - 0x40000000UL) >> 16];
	d2 = ((volatile u64 *)G64_L2)[3];
	CHECK((d1 & S2AP_W) && (d2 & S2AP_W), "64KB-granule descriptors not dirtied: %#lx %#lx", d1, d2);
	CHECK(mem64(TEST_BLOCK + 0x10) == 2 && mem64(TEST_PAGES + 0x5008) == 1, "stores lost");
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "selftest_guest_runs", t_guest_runs },
	{ "selftest_hafdbs_dirty_update", t_hafdbs_dirty_update },
	{ "selftest_perm_fault_syndrome", t_perm_fault_syndrome },
	{ "selftest_fault_retry", t_fault_retry },
	{ "selftest_af_hw_update", t_af_hw_update },
	{ "selftest_s1_walk_through_s2", t_s1_walk },
	{ "selftest_64k_granule", t_g64 },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
