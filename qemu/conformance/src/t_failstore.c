// SPDX-License-Identifier: GPL-2.0
/*
 * Program "failstore": run with -cpu max,x-hdbss-fail-store=2.
 * The 2nd HDBSS entry store after reset fails as an external abort
 * (test-only QEMU property).  The cases depend on each other (one-shot
 * injection) and must run in this order.
 */
#include "tcommon.h"

/* Store 1 succeeds; store 2 fails: FSC = 0b010000, entry not written, INDEX kept. */
static int t_injected_fail_sets_fsc(void)
{
	u64 r;

	PREP(VT_ALL, 0);
	s2_set_page(1, S2_CLEAN);
	s2_set_page(2, S2_CLEAN);
	s2_set_page(3, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(1), 1));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(1)));
	r = guest_write(TEST_PAGE(2), 2);
	if (r == ABORTED)
		dump_abort(&aborts[0]);
	printf("# page 2 descriptor after the failed entry store: %#lx\n", s2_get_page(2));
	CHECK_GUEST_OK(r);	/* this implementation records FSC and carries on */
	CHECK_PROD(1, HDBSSPROD_FSC_EXTABT);
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/* With FSC != 0, a write to a writable-clean page takes the HDBSSF permission fault. */
static int t_fsc_then_hdbssf_fault(void)
{
	u64 a = TEST_PAGE(3) + 0x18;

	REQUIRE_HDBSS();
	CHECK(guest_write(a, 3) == ABORTED && n_aborts == 1, "no fault with FSC != 0");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 1);
	CHECK(!(s2_get_page(3) & S2AP_W), "descriptor made dirty");
	CHECK_PROD(1, HDBSSPROD_FSC_EXTABT);
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/* Software clears HDBSSPROD_EL2: the store is then logged, and later stores work (one-shot). */
static int t_recover_after_clear(void)
{
	REQUIRE_HDBSS();
	wr_hdbssprod(0);
	isb();
	CHECK_GUEST_OK(guest_write(TEST_PAGE(3), 4));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(3)));
	s2_set_page(4, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(4), 5));
	CHECK_PROD(2, 0);
	CHECK_ENTRY(1, entry4k(TEST_PAGE(4)));
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "inject_fail_sets_fsc", t_injected_fail_sets_fsc },
	{ "inject_fsc_then_hdbssf_fault", t_fsc_then_hdbssf_fault },
	{ "inject_recover_after_clear", t_recover_after_clear },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
