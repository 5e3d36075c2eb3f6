// SPDX-License-Identifier: GPL-2.0
/*
 * Program "hdbss_off": run with -cpu max,hdbss=off.
 * The feature is hidden: HAFDBS = 0b0011 (FEAT_HAFT kept), HDBSSBR_EL2 and
 * HDBSSPROD_EL2 UNDEFINED, VTCR_EL2.HDBSS RES0 (no effect).
 */
#include "tcommon.h"

static int t_id_hafdbs_haft(void)
{
	u64 v = hafdbs();

	printf("# ID_AA64MMFR1_EL1.HAFDBS = %#lx\n", v);
	CHECK(v == 3, "HAFDBS = %#lx, expected 0b0011 (FEAT_HAFT, no FEAT_HDBSS)", v);
	return RES_PASS;
}

#define CHECK_UNDEF(what) do { \
	CHECK(el2_exc.count == 1, "%s: %d exceptions, expected 1 (UNDEFINED)", what, el2_exc.count); \
	CHECK(ESR_EC(el2_exc.esr) == EC_UNKNOWN, "%s: ESR_EL2 %#lx, expected EC 0 (Unknown reason)", \
	      what, el2_exc.esr); \
	el2_exc.count = 0; \
} while (0)

static int t_hdbssbr_undef(void)
{
	el2_exc.count = 0;
	(void)rd_hdbssbr();
	CHECK_UNDEF("MRS HDBSSBR_EL2");
	wr_hdbssbr(HDBSS_BUF);
	CHECK_UNDEF("MSR HDBSSBR_EL2");
	return RES_PASS;
}

static int t_hdbssprod_undef(void)
{
	el2_exc.count = 0;
	(void)rd_hdbssprod();
	CHECK_UNDEF("MRS HDBSSPROD_EL2");
	wr_hdbssprod(0);
	CHECK_UNDEF("MSR HDBSSPROD_EL2");
	return RES_PASS;
}

/* VTCR_EL2.HDBSS is RES0: HA+HD+HDBSS behaves as plain HAFDBS dirty-state update. */
static int t_vtcr_hdbss_no_effect(void)
{
	volatile u64 *b = hdbss_buf();
	int i;

	for (i = 0; i < 1024; i++)
		b[i] = SENTINEL;
	s2_reset_test_pages();
	s2_set_page(1, S2_CLEAN);
	vtcr_set(VT_ALL);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(1), 1));
	CHECK(n_aborts == 0, "unexpected abort");
	CHECK(s2_get_page(1) & S2AP_W, "descriptor not made dirty");
	dsb(ish);
	for (i = 0; i < 1024; i++)
		CHECK(b[i] == SENTINEL, "something was written at %#lx", HDBSS_BUF + 8 * i);
	return RES_PASS;
}

static int t_haft_still_present(void) { return haft_common(1); }

static const struct tcase cases[] = {
	{ "off_id_hafdbs_is_haft", t_id_hafdbs_haft },
	{ "off_hdbssbr_undefined", t_hdbssbr_undef },
	{ "off_hdbssprod_undefined", t_hdbssprod_undef },
	{ "off_vtcr_hdbss_no_effect", t_vtcr_hdbss_no_effect },
	{ "off_haft_s2_table_af_set", t_haft_still_present },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
