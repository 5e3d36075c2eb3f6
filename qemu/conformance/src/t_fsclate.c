// SPDX-License-Identifier: GPL-2.0
/*
 * Program "fsclate": run with -cpu max,x-hdbss-fail-store=2,
 * x-hdbss-fsc-late=2.  The 2nd entry store after reset fails; its FSC
 * becomes visible only after 2 more logged accesses or at the PE's next
 * DSB (I_LMSZL: FSC may become visible later than the failing store).
 * Until then logging goes on at the failed entry's INDEX.  A hypervisor
 * must therefore not assume that no entry follows a lost one, and must
 * synchronise (DSB) before it trusts FSC == 0.  The cases depend on each
 * other (one-shot injection) and run in this order.
 */
#include "tcommon.h"

static u64 run_writes(const int *pages, int n)
{
	static struct gop ops[8];
	int i;

	for (i = 0; i < n; i++) {
		ops[i].kind = OP_W64;
		ops[i].addr = TEST_PAGE(pages[i]) + 8;
		ops[i].val = pages[i];
	}
	ops[n].kind = OP_END;
	dsb(ish);
	return run_el1(guest_ops, (u64)ops);
}

/*
 * One guest run, no DSB in it, writes pages 1..5 (clean): store 1 logged,
 * store 2 fails (FSC pending), pages 3 and 4 logged at INDEX 1 and 2;
 * then FSC is visible, so the write of page 5 takes the HDBSSF fault
 * (which shows the two-access delay without a DSB: the abort handler's
 * own DSB comes after the fault).  Page 2 is dirty without an entry.
 */
static int t_fsclate_logging_goes_on(void)
{
	static const int pages[] = { 1, 2, 3, 4, 5 };
	u64 r;
	int i;

	PREP(VT_ALL, 0);
	for (i = 1; i <= 5; i++)
		s2_set_page(i, S2_CLEAN);
	r = run_writes(pages, 5);
	printf("# PROD %#lx, entries %#lx %#lx %#lx %#lx, page 2 descriptor %#lx, %d aborts\n", prod(),
	       hdbss_buf()[0], hdbss_buf()[1], hdbss_buf()[2], hdbss_buf()[3], s2_get_page(2), n_aborts);
	CHECK(r == ABORTED && n_aborts == 1, "page 5 written without a fault: FSC not visible after 2 more "
	      "logged accesses");
	CHECK_PERM_FAULT(&aborts[0], TEST_PAGE(5) + 8, 3, 1);
	CHECK(!(s2_get_page(5) & S2AP_W), "page 5 made dirty");
	CHECK(s2_get_page(2) & S2AP_W, "page 2 not made dirty");
	CHECK_ENTRY(0, entry4k(TEST_PAGE(1)));
	CHECK_ENTRY(1, entry4k(TEST_PAGE(3)));
	CHECK_ENTRY(2, entry4k(TEST_PAGE(4)));
	CHECK_NO_ENTRY(3);
	CHECK_PROD(3, HDBSSPROD_FSC_EXTABT);
	return RES_PASS;
}

/*
 * A real store error (BADDR at unassigned physical address space) with
 * FSC pending: after the guest run, MRS after an ISB alone still reads
 * FSC 0 (no DSB yet); after DSB + ISB it reads 0b010000.  A following
 * write to a clean page then takes the HDBSSF fault.
 */
static int t_fsclate_visible_at_dsb(void)
{
	static const int pages[] = { 6 };
	u64 r, p_isb, p_dsb;

	REQUIRE_HDBSS();
	s2_set_page(6, S2_CLEAN);
	s2_set_page(7, S2_CLEAN);
	wr_hdbssbr(UNASSIGNED_PA);
	wr_hdbssprod(5);
	isb();
	r = run_writes(pages, 1);
	isb();
	p_isb = rd_hdbssprod();
	dsb(ish);
	isb();
	p_dsb = rd_hdbssprod();
	printf("# PROD after ISB %#lx, after DSB + ISB %#lx\n", p_isb, p_dsb);
	CHECK_GUEST_OK(r);
	CHECK(p_isb == 5, "HDBSSPROD_EL2 %#lx before any DSB, expected INDEX 5 FSC 0 (FSC late)", p_isb);
	CHECK(p_dsb == (5 | (HDBSSPROD_FSC_EXTABT << HDBSSPROD_FSC_SHIFT)),
	      "HDBSSPROD_EL2 %#lx after DSB, expected INDEX 5 FSC 0b010000", p_dsb);
	CHECK(guest_write(TEST_PAGE(7), 7) == ABORTED && n_aborts == 1, "no HDBSSF fault with FSC != 0");
	CHECK_PERM_FAULT(&aborts[0], TEST_PAGE(7), 3, 1);
	wr_hdbssbr(HDBSS_BUF);
	wr_hdbssprod(0);
	isb();
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "fsclate_logging_goes_on", t_fsclate_logging_goes_on },
	{ "fsclate_visible_at_dsb", t_fsclate_visible_at_dsb },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
