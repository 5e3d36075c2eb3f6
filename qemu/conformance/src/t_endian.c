// SPDX-License-Identifier: GPL-2.0
/*
 * Program "endian": run with -M virt,virtualization=on -cpu max.
 * "Accesses to the HDBSS use the same memory attributes as stage 2
 * translation table walks, including the endianness configured by
 * SCTLR_EL2.EE" (D8.5.2.3). The guest runs with SCTLR_EL2.EE = 1 (EL2 MMU
 * off during that window, see start.S) on a byte-swapped copy of the
 * stage-2 tables; the entry must then be stored big-endian.
 */
#include "tcommon.h"

extern volatile u32 el2_ee_guest;

#define BE_L1	(PT_AREA + 0x20000)
#define BE_L2	(PT_AREA + 0x21000)
#define BE_L3	(PT_AREA + 0x22000)

static u64 bswap(u64 v) { return __builtin_bswap64(v); }

static void build_be_tables(void)
{
	volatile u64 *l1 = (volatile u64 *)BE_L1, *l2 = (volatile u64 *)BE_L2,
		     *l3 = (volatile u64 *)BE_L3;
	int i;

	for (i = 0; i < 512; i++) {
		u64 d1 = s2_l1[i], d2 = s2_l2[i], d3 = s2_l3[i];

		if (i == 1)
			d1 = BE_L2 | S2_TABLE;
		if (i == 8)
			d2 = BE_L3 | S2_TABLE;
		l1[i] = bswap(d1);
		l2[i] = bswap(d2);
		l3[i] = bswap(d3);
	}
	dsb(ish);
}

static int run_ee(u64 page, u64 *be_desc)
{
	u64 r;

	write_sysreg((1UL << 48) | BE_L1, vttbr_el2);
	isb();
	s2_sync();
	el2_ee_guest = 1;
	dsb(ish);
	r = guest_write(TEST_PAGE(page), 0x1122334455667788UL);
	el2_ee_guest = 0;
	write_sysreg((1UL << 48) | (u64)s2_l1, vttbr_el2);
	isb();
	s2_sync();
	dsb(ish);
	*be_desc = bswap(((volatile u64 *)BE_L3)[page]);
	return r != ABORTED;
}

/* Framework check: a guest run with EE = 1 and byte-swapped stage 2 works. */
static int t_ee_framework(void)
{
	u64 d;

	s2_reset_test_pages();
	vtcr_set(VTCR_HA | VTCR_HD);
	s2_set_page(4, S2_CLEAN);
	build_be_tables();
	CHECK(run_ee(4, &d), "guest aborted");
	CHECK(el2_exc.count == 0, "EL2 exception");
	printf("# big-endian stage-2 descriptor after the write %#lx\n", d);
	CHECK(d & S2AP_W, "big-endian descriptor not made dirty");
	CHECK(mem64(TEST_PAGE(4)) == 0x1122334455667788UL, "guest store lost");
	return RES_PASS;
}

static int t_entry_big_endian(void)
{
	u64 d, e;

	PREP(VT_ALL, 0);
	s2_set_page(5, S2_CLEAN);
	build_be_tables();
	CHECK(run_ee(5, &d), "guest aborted");
	e = hdbss_buf()[0];
	printf("# entry as read little-endian: %#lx (expected %#lx byte-swapped)\n",
	       e, entry4k(TEST_PAGE(5)));
	CHECK(d & S2AP_W, "descriptor not made dirty");
	CHECK_PROD(1, 0);
	CHECK(e == bswap(entry4k(TEST_PAGE(5))), "entry %#lx is not the big-endian image of %#lx",
	      e, entry4k(TEST_PAGE(5)));
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "selftest_ee_guest_run", t_ee_framework },
	{ "entry_endianness_sctlr_el2_ee", t_entry_big_endian },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
