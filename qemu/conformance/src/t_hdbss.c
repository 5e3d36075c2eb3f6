// SPDX-License-Identifier: GPL-2.0
/*
 * Program "hdbss": run with -M virt,virtualization=on -cpu max (hdbss=on).
 * FEAT_HDBSS entry conditions, format, INDEX, full buffer, FSC, VTCR rules,
 * FEAT_HAFT stage-2 table AF.
 */
#include "tcommon.h"

static int t_id_hafdbs(void)
{
	u64 v = hafdbs();

	printf("# ID_AA64MMFR1_EL1.HAFDBS = %#lx\n", v);
	CHECK(v == 4, "HAFDBS = %#lx, expected 0b0100 (FEAT_HDBSS)", v);
	return RES_PASS;
}

static int t_regs_rw(void)
{
	u64 br, p;

	REQUIRE_HDBSS();
	wr_hdbssbr(HDBSS_BUF | 3);
	wr_hdbssprod((0x10UL << HDBSSPROD_FSC_SHIFT) | 0x1234);
	isb();
	br = rd_hdbssbr();
	p = rd_hdbssprod();
	printf("# HDBSSBR_EL2=%#lx HDBSSPROD_EL2=%#lx\n", br, p);
	CHECK((br & GENMASK(55, 12)) == HDBSS_BUF && (br & 0xf) == 3, "BADDR/SZ read back wrong");
	CHECK(HDBSSPROD_INDEX(p) == 0x1234 && HDBSSPROD_FSC(p) == 0x10, "INDEX/FSC read back wrong");
	wr_hdbssprod(0);
	isb();
	CHECK(rd_hdbssprod() == 0, "HDBSSPROD_EL2 not cleared");
	return RES_PASS;
}

/* D8.5.2.3: first write to a writable-clean page logs one entry. */
static int t_first_write_logged(void)
{
	u64 a = TEST_PAGE(1) + 0x128, r;

	PREP(VT_ALL, 0);
	s2_set_page(1, S2_CLEAN);
	r = guest_write(a, 0x1111);
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(a));
	CHECK_NO_ENTRY(1);
	CHECK(s2_get_page(1) & S2AP_W, "descriptor not made writable-dirty: %#lx", s2_get_page(1));
	CHECK(mem64(a) == 0x1111, "store lost");
	return RES_PASS;
}

/* Entry format for a level-3 page: IPA[55:12], TTWL = 0b011, Valid, RES0. */
static int t_entry_4k_format(void)
{
	u64 a = TEST_PAGE(300) + 0xff8, e;

	PREP(VT_ALL, 0);
	s2_set_page(300, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(a, 1));
	CHECK_PROD(1, 0);
	e = hdbss_buf()[0];
	printf("# entry %#lx for IPA %#lx\n", e, a);
	CHECK(e & HDBSS_ENTRY_VALID, "Valid bit clear");
	CHECK(HDBSS_ENTRY_TTWL(e) == 3, "TTWL %lu, expected 3 (0b011)", HDBSS_ENTRY_TTWL(e));
	CHECK(HDBSS_ENTRY_IPA(e) == TEST_PAGE(300), "IPA %#lx, expected %#lx",
	      HDBSS_ENTRY_IPA(e), TEST_PAGE(300));
	CHECK((e & (GENMASK(63, 56) | GENMASK(11, 4))) == 0, "RES0/NSIPA bits set");
	return RES_PASS;
}

/* Entry format for a level-2 block: IPA aligned to 2MB, TTWL = 0b010. */
static int t_entry_2m_block(void)
{
	u64 a = TEST_BLOCK + 0x12340, e;

	PREP(VT_ALL, 0);
	s2_set_block(S2_CLEAN);
	CHECK_GUEST_OK(guest_write(a, 2));
	CHECK_PROD(1, 0);
	e = hdbss_buf()[0];
	printf("# entry %#lx for IPA %#lx\n", e, a);
	CHECK(e == entry2m(a), "entry %#lx, expected %#lx (TTWL 0b010, 2MB aligned)", e, entry2m(a));
	CHECK(s2_get_block() & S2AP_W, "block not made writable-dirty: %#lx", s2_get_block());
	/* The whole block is now dirty: another page in it is not logged again. */
	CHECK_GUEST_OK(guest_write(TEST_BLOCK + 0x1ff000, 3));
	CHECK_PROD(1, 0);
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/* The entry holds the IPA, not the PA: page IPA TEST_PAGE(200) -> PA TEST_PAGE(201). */
static int t_entry_ipa_not_pa(void)
{
	u64 ipa = TEST_PAGE(200) + 0x30;

	PREP(VT_ALL, 0);
	s2_l3[200] = TEST_PAGE(201) | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | S2_CLEAN;
	s2_sync();
	*(volatile u64 *)(TEST_PAGE(201) + 0x30) = 0;
	CHECK_GUEST_OK(guest_write(ipa, 0x201));
	CHECK(mem64(TEST_PAGE(201) + 0x30) == 0x201, "store did not reach the PA");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(ipa));
	return RES_PASS;
}

/* Level-1 1GB block: TTWL = 0b001, IPA aligned to 1GB (IPA 2GB -> PA 1GB alias). */
static int t_entry_1g_block(void)
{
	u64 ipa = 0x80000000UL + (TEST_BLOCK - 0x40000000UL) + 0x10;
	u64 exp = 0x80000000UL | (1UL << 1) | HDBSS_ENTRY_VALID;

	PREP(VT_ALL, 0);
	s2_l1[2] = 0x40000000UL | S2_BLOCK | S2_MEM_NORMAL | S2_SH_IS | S2_CLEAN;
	s2_sync();
	CHECK_GUEST_OK(guest_write(ipa, 0x1));
	dsb(ish);
	printf("# level-1 block descriptor after write %#lx\n", ((volatile u64 *)s2_l1)[2]);
	s2_l1[2] = 0;
	s2_sync();
	CHECK(mem64(TEST_BLOCK + 0x10) == 1, "store did not reach the PA");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, exp);
	return RES_PASS;
}

static int t_entry_64k_granule(void)
{
	u64 pg = TEST_PAGES + 0x5008, blk = 0x60000000UL + (TEST_BLOCK - 0x40000000UL) + 0x10;
	u64 r1, r2;

	PREP(VT_ALL, 0);
	g64_tables();
	g64_on(VT_ALL);
	r1 = guest_write(pg, 1);
	r2 = guest_write(blk, 2);
	g64_off(VT_ALL);
	CHECK_GUEST_OK(r1);
	CHECK_GUEST_OK(r2);
	CHECK(mem64(TEST_BLOCK + 0x10) == 2, "block store did not reach the PA");
	CHECK_PROD(2, 0);
	printf("# entries %#lx %#lx\n", hdbss_buf()[0], hdbss_buf()[1]);
	CHECK_ENTRY(0, TEST_PAGES | (3UL << 1) | 1);		/* 64KB page, TTWL 3 */
	CHECK_ENTRY(1, 0x60000000UL | (2UL << 1) | 1);		/* 512MB block, TTWL 2 */
	return RES_PASS;
}

/* Already writable-dirty (with or without DBM): never logged. */
static int t_no_entry_dirty(void)
{
	PREP(VT_ALL, 0);
	s2_set_page(2, S2_DIRTY_DBM);
	s2_set_page(3, S2_DIRTY);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(2), 4));
	CHECK_GUEST_OK(guest_write(TEST_PAGE(3), 5));
	CHECK(n_aborts == 0, "unexpected abort");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	return RES_PASS;
}

/* Only the first write of a page is logged (clean -> dirty transition). */
static int t_second_write_not_logged(void)
{
	static struct gop ops[] = {
		{ OP_W64, TEST_PAGE(4), 1 },
		{ OP_W64, TEST_PAGE(4) + 8, 2 },
		{ OP_W8, TEST_PAGE(4) + 0x800, 3 },
		{ OP_END, 0, 0 },
	};

	PREP(VT_ALL, 0);
	s2_set_page(4, S2_CLEAN);
	CHECK_GUEST_OK(run_el1(guest_ops, (u64)ops));
	CHECK_PROD(1, 0);
	/* and again after a TLB invalidation (re-walk sees the dirty descriptor) */
	s2_sync();
	CHECK_GUEST_OK(guest_write(TEST_PAGE(4) + 16, 4));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(4)));
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/* Reads do not dirty and do not log. */
static int t_read_not_logged(void)
{
	PREP(VT_ALL, 0);
	s2_set_page(5, S2_CLEAN);
	CHECK_GUEST_OK(guest_read(TEST_PAGE(5)));
	CHECK(n_aborts == 0, "unexpected abort");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	CHECK(!(s2_get_page(5) & S2AP_W), "read made the page dirty: %#lx", s2_get_page(5));
	return RES_PASS;
}

/* An update that only sets AF is not logged (read of clean page with AF=0,
 * write of dirty page with AF=0). */
static int t_af_update_not_logged(void)
{
	PREP(VT_ALL, 0);
	s2_set_page(6, S2AP_R | S2_DBM);		/* writable-clean, AF = 0 */
	s2_set_page(7, S2AP_R | S2AP_W | S2_DBM);	/* writable-dirty, AF = 0 */
	CHECK_GUEST_OK(guest_read(TEST_PAGE(6)));
	CHECK_GUEST_OK(guest_write(TEST_PAGE(7), 7));
	CHECK(n_aborts == 0, "unexpected abort (HA not effective?)");
	CHECK(s2_get_page(6) & S2_AF, "AF not set by hardware on page 6: %#lx", s2_get_page(6));
	CHECK(s2_get_page(7) & S2_AF, "AF not set by hardware on page 7: %#lx", s2_get_page(7));
	CHECK(!(s2_get_page(6) & S2AP_W), "read made page 6 dirty");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	return RES_PASS;
}

/* A write to a writable-clean page with AF = 0: AF and dirty set, logged once. */
static int t_write_clean_af0_logged(void)
{
	PREP(VT_ALL, 0);
	s2_set_page(8, S2AP_R | S2_DBM);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(8), 8));
	CHECK((s2_get_page(8) & (S2_AF | S2AP_W)) == (S2_AF | S2AP_W), "descriptor %#lx", s2_get_page(8));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(8)));
	return RES_PASS;
}

/* Other store paths: DC ZVA, LDADD, CAS (successful) on writable-clean pages are logged. */
static int t_other_stores_logged(void)
{
	static struct gop ops[] = {
		{ OP_DCZVA, TEST_PAGE(80) + 0x40, 0 },
		{ OP_LDADD, TEST_PAGE(81) + 0x8, 5 },
		{ OP_CAS, TEST_PAGE(82) + 0x10, 0x77 },
		{ OP_END, 0, 0 },
	};

	PREP(VT_ALL, 0);
	s2_set_page(80, S2_CLEAN);
	s2_set_page(81, S2_CLEAN);
	s2_set_page(82, S2_CLEAN);
	*(volatile u64 *)(TEST_PAGE(80) + 0x40) = 0x1234;
	CHECK_GUEST_OK(run_el1(guest_ops, (u64)ops));
	CHECK(n_aborts == 0, "abort");
	CHECK(mem64(TEST_PAGE(80) + 0x40) == 0, "DC ZVA did not zero");
	CHECK(mem64(TEST_PAGE(82) + 0x10) == 0x77, "CAS did not store");
	CHECK_PROD(3, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(80)));
	CHECK_ENTRY(1, entry4k(TEST_PAGE(81)));
	CHECK_ENTRY(2, entry4k(TEST_PAGE(82)));
	return RES_PASS;
}

/* A store straddling two writable-clean pages logs both (order not specified). */
static int t_straddle_two_pages(void)
{
	static struct gop ops[] = { { OP_STP, 0, 9 }, { OP_END, 0, 0 } };
	u64 e0, e1, a = entry4k(TEST_PAGE(70)), b = entry4k(TEST_PAGE(71));

	PREP(VT_ALL, 0);
	s2_set_page(70, S2_CLEAN);
	s2_set_page(71, S2_CLEAN);
	ops[0].addr = TEST_PAGE(71) - 8;
	CHECK_GUEST_OK(run_el1(guest_ops, (u64)ops));
	CHECK(n_aborts == 0, "abort");
	CHECK_PROD(2, 0);
	e0 = hdbss_buf()[0];
	e1 = hdbss_buf()[1];
	printf("# entries %#lx %#lx\n", e0, e1);
	CHECK((e0 == a && e1 == b) || (e0 == b && e1 == a), "entries are not the two pages");
	CHECK((s2_get_page(70) & S2AP_W) && (s2_get_page(71) & S2AP_W), "pages not dirty");
	return RES_PASS;
}

/*
 * Same with one free slot: one page is logged, the other access takes the
 * HDBSSF fault; after drain + retry the other page is logged. The pair of
 * logged entries is the two pages, and exactly one fault was taken.
 */
static u64 drained_entry;
static int drain1_hook(volatile struct guest_abort *a)
{
	if (!(a->esr & ESR_HDBSSF))
		return ABT_EXIT;
	dsb(ish);
	drained_entry = hdbss_buf()[511];
	wr_hdbssprod(0);
	isb();
	return ABT_RETRY;
}

static int t_straddle_full_retry(void)
{
	static struct gop ops[] = { { OP_STP, 0, 0x55 }, { OP_END, 0, 0 } };
	u64 a = entry4k(TEST_PAGE(72)), b = entry4k(TEST_PAGE(73)), e0;
	volatile struct guest_abort *ab = &aborts[0];

	PREP(VT_ALL, 0);
	wr_hdbssprod(511);
	isb();
	s2_set_page(72, S2_CLEAN);
	s2_set_page(73, S2_CLEAN);
	ops[0].addr = TEST_PAGE(73) - 8;
	drained_entry = 0;
	abort_policy = ABT_HOOK;
	abort_hook = drain1_hook;
	CHECK_GUEST_OK(run_el1(guest_ops, (u64)ops));
	CHECK(n_aborts == 1, "%d aborts, expected one HDBSSF fault", n_aborts);
	dump_abort(ab);
	CHECK(ESR_EC(ab->esr) == EC_DABT_LOW && (ab->esr & ESR_HDBSSF) && (ab->esr & ESR_WNR) &&
	      ESR_DFSC(ab->esr) == DFSC_PERM(3), "unexpected syndrome");
	e0 = hdbss_buf()[0];
	printf("# entry in the last slot %#lx, entry after the retry %#lx\n", drained_entry, e0);
	CHECK((drained_entry == a && e0 == b) || (drained_entry == b && e0 == a),
	      "logged entries are not the two pages");
	CHECK(hpfar_ipa(ab->hpfar) == HDBSS_ENTRY_IPA(e0), "HPFAR IPA %#lx is not the page logged after the retry",
	      hpfar_ipa(ab->hpfar));
	CHECK_PROD(1, 0);
	CHECK(mem64(TEST_PAGE(73) - 8) == 0x55 && mem64(TEST_PAGE(73)) == 0x55, "store not completed");
	return RES_PASS;
}

/* INDEX advances by one per entry; entries appear in order at BADDR + INDEX*8. */
static int t_index_advances(void)
{
	static const int order[] = { 20, 13, 17, 11, 19, 12, 18, 15 };
	unsigned int i;

	PREP(VT_ALL, 0);
	for (i = 0; i < 8; i++)
		s2_set_page(order[i], S2_CLEAN);
	for (i = 0; i < 8; i++) {
		CHECK_GUEST_OK(guest_write(TEST_PAGE(order[i]) + 8 * i, i));
		CHECK_PROD(i + 1, 0);
	}
	for (i = 0; i < 8; i++)
		CHECK_ENTRY(i, entry4k(TEST_PAGE(order[i])));
	CHECK_NO_ENTRY(8);
	return RES_PASS;
}

/* HDBSS does not honour a non-zero starting INDEX incorrectly: entry goes to BADDR + INDEX*8. */
static int t_index_nonzero_start(void)
{
	PREP(VT_ALL, 0);
	wr_hdbssprod(100);
	isb();
	s2_set_page(21, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(TEST_PAGE(21), 1));
	CHECK_PROD(101, 0);
	CHECK_ENTRY(100, entry4k(TEST_PAGE(21)));
	CHECK_UNTOUCHED(99);
	CHECK_NO_ENTRY(101);
	return RES_PASS;
}

/*
 * R_YHLRY/R_STJMN: buffer full (INDEX >= size/8) -> no entry, descriptor
 * stays clean, stage-2 Permission fault as if HD = 0 with ISS2.HDBSSF = 1.
 */
static int full_buffer_common(u64 sz)
{
	u64 entries = (0x1000UL << sz) / 8;
	u64 a = TEST_PAGE(31) + 0x40, r;
	volatile struct guest_abort *ab;

	PREP(VT_ALL, sz);
	wr_hdbssprod(entries - 1);
	isb();
	s2_set_page(30, S2_CLEAN);
	s2_set_page(31, S2_CLEAN);
	*(volatile u64 *)a = 0xabcd;
	/* last free slot */
	CHECK_GUEST_OK(guest_write(TEST_PAGE(30), 1));
	CHECK_PROD(entries, 0);
	CHECK_ENTRY(entries - 1, entry4k(TEST_PAGE(30)));
	/* now full */
	r = guest_write(a, 0x5555);
	CHECK(r == ABORTED && n_aborts == 1, "write to a clean page with a full buffer did not fault (n_aborts %d)",
	      n_aborts);
	ab = &aborts[0];
	CHECK_PERM_FAULT(ab, a, 3, 1);
	CHECK(!(s2_get_page(31) & S2AP_W), "descriptor made dirty although the buffer is full: %#lx",
	      s2_get_page(31));
	CHECK(mem64(a) == 0xabcd, "store performed although it faulted");
	CHECK_PROD(entries, 0);
	CHECK_UNTOUCHED(entries);	/* guard slot after the buffer */
	return RES_PASS;
}

static int t_full_buffer_fault_4k(void) { return full_buffer_common(0); }
static int t_full_buffer_fault_8k(void) { return full_buffer_common(1); }
static int t_full_buffer_fault_2m(void) { return full_buffer_common(9); }

/* Hook: drain the buffer and reset HDBSSPROD, then re-execute the access. */
static int drained;
static int drain_hook(volatile struct guest_abort *a)
{
	if (!(a->esr & ESR_HDBSSF))
		return ABT_EXIT;
	hdbss_sync();
	drained += HDBSSPROD_INDEX(rd_hdbssprod());
	wr_hdbssprod(0);
	isb();
	return ABT_RETRY;
}

/*
 * R_CGCHP / I_XXFYP: an entry written at EL1 before an exception to EL2 is
 * visible after a DSB, and INDEX after an ISB (as done in the handler).
 */
static u64 seen_entry, seen_prod;
static int observe_hook(volatile struct guest_abort *a)
{
	dsb(ish);
	seen_entry = hdbss_buf()[511];
	isb();
	seen_prod = rd_hdbssprod();
	return ABT_EXIT;
}

static int t_ordering_visible_at_exception(void)
{
	static struct gop ops[] = {
		{ OP_W64, TEST_PAGE(34), 1 },	/* logged at 511, no exit */
		{ OP_W64, TEST_PAGE(35), 2 },	/* full: HDBSSF fault to EL2 */
		{ OP_END, 0, 0 },
	};

	PREP(VT_ALL, 0);
	wr_hdbssprod(511);
	isb();
	s2_set_page(34, S2_CLEAN);
	s2_set_page(35, S2_CLEAN);
	seen_entry = seen_prod = 0;
	abort_policy = ABT_HOOK;
	abort_hook = observe_hook;
	CHECK(run_el1(guest_ops, (u64)ops) == ABORTED && n_aborts == 1, "no fault");
	CHECK_PERM_FAULT(&aborts[0], TEST_PAGE(35), 3, 1);
	CHECK(seen_entry == entry4k(TEST_PAGE(34)), "entry seen in the handler %#lx", seen_entry);
	CHECK(seen_prod == 512, "HDBSSPROD_EL2 seen in the handler %#lx", seen_prod);
	return RES_PASS;
}

/* After draining and writing HDBSSPROD_EL2 = 0, the retried store is logged. */
static int t_full_buffer_retry_logged(void)
{
	u64 a = TEST_PAGE(33) + 0x10, r;

	PREP(VT_ALL, 0);
	wr_hdbssprod(512);		/* full */
	isb();
	s2_set_page(33, S2_CLEAN);
	drained = 0;
	abort_policy = ABT_HOOK;
	abort_hook = drain_hook;
	r = guest_write(a, 0x7777);
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 1, "%d aborts, expected exactly one HDBSSF fault", n_aborts);
	CHECK_PERM_FAULT(&aborts[0], a, 3, 1);
	CHECK(aborts[0].prod_at_fault == 512, "HDBSSPROD at fault %#lx, expected 512", aborts[0].prod_at_fault);
	CHECK(drained == 512, "drained %d", drained);
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(a));
	CHECK(s2_get_page(33) & S2AP_W, "descriptor not dirty after the retry");
	CHECK(mem64(a) == 0x7777, "retried store lost");
	return RES_PASS;
}

/* Full buffer on a level-2 block: Permission fault reported at level 2, then logged with TTWL 2. */
static int t_full_buffer_block_level2(void)
{
	u64 a = TEST_BLOCK + 0x3008, r;

	PREP(VT_ALL, 0);
	wr_hdbssprod(512);
	isb();
	s2_set_block(S2_CLEAN);
	drained = 0;
	abort_policy = ABT_HOOK;
	abort_hook = drain_hook;
	r = guest_write(a, 0x99);
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 1, "%d aborts, expected one", n_aborts);
	CHECK_PERM_FAULT(&aborts[0], a, 2, 1);
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry2m(a));
	return RES_PASS;
}

/* FSC != 0 (set by software here) -> no entry, HDBSSF permission fault. */
static int t_fsc_nonzero_faults(void)
{
	u64 a = TEST_PAGE(40), r;

	PREP(VT_ALL, 0);
	wr_hdbssprod((HDBSSPROD_FSC_EXTABT << HDBSSPROD_FSC_SHIFT) | 3);
	isb();
	s2_set_page(40, S2_CLEAN);
	r = guest_write(a, 1);
	CHECK(r == ABORTED && n_aborts == 1, "no fault with FSC != 0");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 1);
	CHECK(!(s2_get_page(40) & S2AP_W), "descriptor made dirty");
	CHECK_PROD(3, HDBSSPROD_FSC_EXTABT);
	CHECK_NO_ENTRY(3);
	/* software recovers: clear FSC/INDEX, the store is then logged */
	wr_hdbssprod(0);
	isb();
	CHECK_GUEST_OK(guest_write(a, 2));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(a));
	return RES_PASS;
}

/* VTCR effective value: HA = 0 -> HD and HDBSS not effective; normal permission fault. */
static int t_ha0_no_hdbss(void)
{
	u64 a = TEST_PAGE(50);

	PREP(VTCR_HD | VTCR_HDBSS, 0);
	s2_set_page(50, S2_CLEAN);
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "write to clean page did not fault with HA = 0");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	CHECK(!(s2_get_page(50) & S2AP_W), "descriptor made dirty");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	return RES_PASS;
}

/* HD = 0 -> HDBSS not effective; normal permission fault, HDBSSF = 0. */
static int t_hd0_no_hdbss(void)
{
	u64 a = TEST_PAGE(51);

	PREP(VTCR_HA | VTCR_HDBSS, 0);
	s2_set_page(51, S2_CLEAN);
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "write to clean page did not fault with HD = 0");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	CHECK(!(s2_get_page(51) & S2AP_W), "descriptor made dirty");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	/* a full buffer must not change this (fault is not HDBSS-generated) */
	wr_hdbssprod(512);
	isb();
	n_aborts = 0;
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "no fault");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	return RES_PASS;
}

/* HDBSS = 0 with HA = HD = 1: plain FEAT_HAFDBS dirty update, nothing logged. */
static int t_hdbss0_no_log(void)
{
	u64 a = TEST_PAGE(52);

	PREP(VTCR_HA | VTCR_HD, 0);
	s2_set_page(52, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(a, 1));
	CHECK(n_aborts == 0, "unexpected abort");
	CHECK(s2_get_page(52) & S2AP_W, "descriptor not made dirty");
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	return RES_PASS;
}

/* DBM = 0 and S2AP[1] = 0: ordinary permission fault, HDBSSF = 0, no entry (also when full). */
static int t_dbm0_perm_fault(void)
{
	u64 a = TEST_PAGE(53) + 0x20;

	PREP(VT_ALL, 0);
	s2_set_page(53, S2_RO);
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "write to read-only page did not fault");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	CHECK(s2_get_page(53) == (TEST_PAGE(53) | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | S2_RO),
	      "descriptor changed: %#lx", s2_get_page(53));
	CHECK_PROD(0, 0);
	CHECK_NO_ENTRY(0);
	wr_hdbssprod(512);
	isb();
	n_aborts = 0;
	CHECK(guest_write(a, 1) == ABORTED && n_aborts == 1, "no fault with full buffer");
	CHECK_PERM_FAULT(&aborts[0], a, 3, 0);
	CHECK_PROD(512, 0);
	return RES_PASS;
}

static int t_haft_s2_table_af(void) { return haft_common(1); }
static int t_haft_off_table_untouched(void) { return haft_common(0); }
static int t_haft_needs_ha(void) { return haft_common(-1); }

/*
 * Stage-1 hardware updates go through stage 2: a stage-1 AF update in a
 * stage-1 table page that is writable-clean at stage 2 dirties that page
 * and is logged (D8.5.2.3; R_BDJJL). Tables: see s1_tables().
 */
static int t_s1_walk_update_logged(void)
{
	u64 r;

	PREP(VT_ALL, 0);
	s1_tables(1);
	s2_set_page(101, S2_CLEAN);		/* stage-1 L2 table page: writable-clean */
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	CHECK_GUEST_OK(r);
	printf("# stage-1 descriptor %#lx, stage-2 descriptor of its table page %#lx\n",
	       s1_test_desc(), s2_get_page(101));
	CHECK(s1_test_desc() & BIT(10), "stage-1 AF not set by hardware");
	CHECK(s2_get_page(101) & S2AP_W, "stage-1 table page not made dirty at stage 2");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(S1_L2T));
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/* ... and with a full buffer, the stage-1 walk update takes the HDBSSF fault (S1PTW = 1). */
static int t_s1_walk_update_full_fault(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 va = S1_TEST_VA, r;

	PREP(VT_ALL, 0);
	wr_hdbssprod(512);
	isb();
	s1_tables(1);
	s2_set_page(101, S2_CLEAN);
	drained = 0;
	abort_policy = ABT_HOOK;
	abort_hook = drain_hook;
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(va);
	el1_mmu_off();
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 1, "%d aborts, expected one HDBSSF fault", n_aborts);
	dump_abort(a);
	CHECK(ESR_EC(a->esr) == EC_DABT_LOW, "EC %#lx, expected 0x24", ESR_EC(a->esr));
	CHECK(a->esr & ESR_S1PTW, "S1PTW = 0, expected 1 (fault on the stage-1 walk)");
	/* ESR_EL2.WnR: "caused by a write instruction or a read instruction": LDR */
	CHECK(!(a->esr & ESR_WNR), "WnR = 1, expected 0 (the faulting instruction is a load)");
	CHECK(a->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1");
	CHECK(ESR_DFSC(a->esr) == DFSC_PERM(3), "DFSC %#lx, expected permission level 3", ESR_DFSC(a->esr));
	CHECK(hpfar_ipa(a->hpfar) == S1_L2T, "HPFAR IPA %#lx, expected the table page %#lx",
	      hpfar_ipa(a->hpfar), S1_L2T);
	CHECK(a->far == va, "FAR_EL2 %#lx, expected %#lx", a->far, va);
	CHECK(drained == 512, "drained %d", drained);
	CHECK(s1_test_desc() & BIT(10), "stage-1 AF not set after the retry");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(S1_L2T));
	return RES_PASS;
}

/*
 * A real External abort on the entry store (BADDR at an unassigned
 * physical address; not the x-hdbss-fail-store injection): with the
 * "record FSC and carry on" choice (R_STJMN), the access completes, the
 * descriptor is dirty, FSC = 0b010000 and INDEX still points at the
 * failed entry.
 */
static int t_real_store_error_sets_fsc(void)
{
	u64 a = TEST_PAGE(41) + 0x28, r;

	PREP(VT_ALL, 0);
	s2_set_page(41, S2_CLEAN);
	wr_hdbssbr(UNASSIGNED_PA);
	wr_hdbssprod(7);
	isb();
	r = guest_write(a, 0x4141);
	if (r == ABORTED)
		dump_abort(&aborts[0]);
	printf("# descriptor after the failed entry store %#lx\n", s2_get_page(41));
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK(s2_get_page(41) & S2AP_W, "descriptor not made dirty");
	CHECK(mem64(a) == 0x4141, "store lost");
	CHECK_PROD(7, HDBSSPROD_FSC_EXTABT);
	/* FSC != 0: the next write to a clean page takes the HDBSSF fault */
	s2_set_page(42, S2_CLEAN);
	CHECK(guest_write(TEST_PAGE(42), 1) == ABORTED && n_aborts == 1, "no HDBSSF fault with FSC != 0");
	CHECK_PERM_FAULT(&aborts[0], TEST_PAGE(42), 3, 1);
	wr_hdbssbr(HDBSS_BUF);
	wr_hdbssprod(0);
	isb();
	return RES_PASS;
}

/*
 * R_STJMN is not restricted to data accesses: an instruction fetch whose
 * stage-1 walk sets AF (TCR_EL1.HA) in a table page that is writable-clean
 * at stage 2, with a full buffer, takes an Instruction Abort (EC 0x20) with
 * S1PTW = 1 and ISS2.HDBSSF = 1; after drain and retry the fetch completes
 * and the table page is logged.
 */
static int t_s1_fetch_walk_full_hdbssf(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 r;

	PREP(VT_ALL, 0);
	wr_hdbssprod(512);
	isb();
	s1_tables(1);
	s1_test_code();
	s2_set_page(101, S2_CLEAN);
	drained = 0;
	abort_policy = ABT_HOOK;
	abort_hook = drain_hook;
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = run_el1((u64 (*)(u64))S1_TEST_VA, 0);
	el1_mmu_off();
	CHECK(n_aborts >= 1, "no abort: the fetch's stage-1 AF update was made with a full buffer "
	      "(stage-1 descriptor %#lx, table page %#lx)", s1_test_desc(), s2_get_page(101));
	dump_abort(a);
	CHECK(ESR_EC(a->esr) == EC_IABT_LOW, "EC %#lx, expected 0x20 (Instruction Abort)", ESR_EC(a->esr));
	CHECK(a->esr & ESR_S1PTW, "S1PTW = 0, expected 1 (fault on the stage-1 walk)");
	CHECK(a->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1");
	CHECK(ESR_DFSC(a->esr) == DFSC_PERM(3), "IFSC %#lx, expected permission level 3", ESR_DFSC(a->esr));
	CHECK(hpfar_ipa(a->hpfar) == S1_L2T, "HPFAR IPA %#lx, expected the table page %#lx",
	      hpfar_ipa(a->hpfar), S1_L2T);
	CHECK(a->far == S1_TEST_VA, "FAR_EL2 %#lx, expected %#lx", a->far, S1_TEST_VA);
	CHECK(a->prod_at_fault == 512, "HDBSSPROD at the fault %#lx, expected 512", a->prod_at_fault);
	CHECK(n_aborts == 1, "%d aborts, expected one", n_aborts);
	CHECK(r == S1_CODE_RET, "the fetched code did not run after the retry (returned %#lx)", r);
	CHECK(drained == 512, "drained %d", drained);
	CHECK(s1_test_desc() & BIT(10), "stage-1 AF not set after the retry");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(S1_L2T));
	CHECK_NO_ENTRY(1);
	return RES_PASS;
}

/*
 * The entry is stored only once the descriptor update has succeeded, so a
 * lost compare-and-swap leaves no Valid entry at INDEX. With one PE the
 * only deterministic way to change the descriptor between the walk's read
 * and its CAS is the entry store itself: the buffer is placed over the
 * level-3 table, with the slot at INDEX being the page's own descriptor.
 * This overlap is forbidden to software (R_STDKM/R_MWNLK: the result is
 * UNPREDICTABLE), so this is a check of the emulator's order of operations,
 * not an architectural rule: an implementation that stores the entry first
 * overwrites the descriptor, loses its own CAS, re-walks the entry as a
 * descriptor (no access: Permission fault) and leaves INDEX at a slot
 * holding a Valid entry. Storing after the update, the descriptor is made
 * dirty, then overwritten by the entry, INDEX advances, the store completes.
 */
static int t_lost_cas_no_valid_entry_at_index(void)
{
	volatile u64 *buf = (volatile u64 *)s2_l3, *next = (volatile u64 *)((u64)s2_l3 + 0x1000);
	u64 a = TEST_PAGE(511) + 0x18, exp = entry4k(TEST_PAGE(511)), r, p, idx, at, s511;
	int i;

	PREP(VT_ALL, 0);
	s2_set_page(511, S2_CLEAN);
	for (i = 0; i < 512; i++)	/* the page after the level-3 table: slots 512..1023 */
		next[i] = SENTINEL;
	dsb(ish);
	wr_hdbssbr((u64)s2_l3 | 1);	/* 8KB buffer (8KB aligned) starting at the level-3 table */
	wr_hdbssprod(511);		/* slot 511 = the descriptor of TEST_PAGE(511) */
	isb();
	r = guest_write(a, 0x511);
	p = prod();
	idx = HDBSSPROD_INDEX(p);
	at = idx < 1024 ? buf[idx] : 0;
	s511 = buf[511];
	wr_hdbssbr(HDBSS_BUF);
	wr_hdbssprod(0);
	isb();
	s2_reset_test_pages();		/* restore the overwritten descriptor */
	printf("# guest %s, HDBSSPROD_EL2 %#lx, slot at INDEX %#lx, slot 511 %#lx\n",
	       r == ABORTED ? "aborted" : "completed", p, at, s511);
	if (r == ABORTED)
		dump_abort(&aborts[0]);
	CHECK(at != exp, "slot at INDEX %lu holds the Valid entry %#lx: stored before the update, which "
	      "then lost its compare-and-swap", idx, at);
	CHECK(p == 512, "HDBSSPROD_EL2 %#lx, expected INDEX 512, FSC 0", p);
	CHECK(at == SENTINEL, "slot 512 = %#lx, expected untouched", at);
	CHECK(s511 == exp, "slot 511 = %#lx, expected the entry %#lx", s511, exp);
	CHECK_GUEST_OK(r);
	CHECK(mem64(a) == 0x511, "store lost");
	return RES_PASS;
}

/*
 * AT instructions never make a descriptor dirty: the walk of AT S1E*W /
 * S12E*W may update the Access flag, but a writable-clean descriptor (DBM
 * set) is reported as writable (PAR_EL1.F = 0) and left clean, so nothing
 * is logged and a full buffer makes no difference (patch 0014).
 */
#define S1_AP2		BIT(7)		/* stage 1 AP[2]: read-only (writable-clean with DBM) */
#define S1_DBM		BIT(51)

static void dump_par(const char *what, u64 par)
{
	if (par & PAR_F)
		printf("# %s: PAR_EL1 %#lx: F = 1, FST %#lx, S %lu\n", what, par, PAR_FST(par),
		       (par & PAR_S) >> 9);
	else
		printf("# %s: PAR_EL1 %#lx: F = 0, PA %#lx, ATTR %#lx\n", what, par, PAR_PA(par), par >> 56);
}

#define CHECK_PAR_OK(par, pa) do { \
	CHECK(!((par) & PAR_F), "PAR_EL1.F = 1 (FST %#lx, S %lu): the writable-clean descriptor " \
	      "was not reported as writable", PAR_FST(par), ((par) & PAR_S) >> 9); \
	CHECK(PAR_PA(par) == (u64)(pa), "PAR_EL1.PA %#lx, expected %#lx", PAR_PA(par), (u64)(pa)); \
} while (0)

/*
 * From EL2, EL1 stage 1 off (HCR_EL2.DC = 1: IPA = VA): AT S12E1W on a
 * writable-clean stage-2 page. full: INDEX = 512 (buffer full).
 */
static int at_s12e1w_common(int full)
{
	int pg = full ? 92 : 91;
	u64 a = TEST_PAGE(pg) + 0x238, clean, par;
	int i;

	PREP(VT_ALL, 0);
	if (full) {
		wr_hdbssprod(512);
		isb();
	}
	s2_set_page(pg, S2_CLEAN);
	clean = s2_get_page(pg);
	*(volatile u64 *)a = 0xabcd;
	par = at_s12e1w(a);
	dump_par("AT S12E1W", par);
	printf("# stage-2 descriptor before %#lx, after %#lx; HDBSSPROD_EL2 %#lx, slot 0 %#lx\n",
	       clean, s2_get_page(pg), prod(), mem64(HDBSS_BUF));
	CHECK(el2_exc.count == 0 && n_aborts == 0, "AT S12E1W took an exception (ESR_EL2 %#lx)", el2_exc.esr);
	CHECK_PAR_OK(par, TEST_PAGE(pg));
	CHECK(s2_get_page(pg) == clean, "AT S12E1W changed the descriptor %#lx -> %#lx (made it dirty)",
	      clean, s2_get_page(pg));
	CHECK(mem64(a) == 0xabcd, "memory changed by AT");
	CHECK_PROD(full ? 512 : 0, 0);
	dsb(ish);
	for (i = 0; i < 1024; i++) {	/* buffer and guard: nothing stored (R_HKCCN: 0 ahead of INDEX) */
		u64 e = hdbss_buf()[i];

		CHECK(e == SENTINEL || (!full && i < 512 && e == 0), "slot %d = %#lx written by AT", i, e);
	}
	/* control: a real guest write is logged once (or, full, takes the HDBSSF fault) */
	if (!full) {
		CHECK_GUEST_OK(guest_write(a, 0x91));
		CHECK(n_aborts == 0, "unexpected stage-2 abort");
		CHECK_PROD(1, 0);
		CHECK_ENTRY(0, entry4k(a));
		CHECK_NO_ENTRY(1);
		CHECK(s2_get_page(pg) & S2AP_W, "descriptor not dirty after the guest write");
		CHECK(mem64(a) == 0x91, "store lost");
	} else {
		CHECK(guest_write(a, 0x92) == ABORTED && n_aborts == 1,
		      "guest write with a full buffer did not fault (n_aborts %d)", n_aborts);
		CHECK_PERM_FAULT(&aborts[0], a, 3, 1);
		CHECK(s2_get_page(pg) == clean, "descriptor changed by the faulting write");
		CHECK_PROD(512, 0);
	}
	return RES_PASS;
}

static int t_at_s12e1w_no_dirty(void) { return at_s12e1w_common(0); }
static int t_at_s12e1w_full_no_fault(void) { return at_s12e1w_common(1); }

/*
 * EL1 identity stage 1 with TCR_EL1.HA|HD, stage-1 leaf for S1_TEST_VA
 * writable-clean (DBM = 1, AP[2] = 1, AF = 0): AT S1E1W issued at EL1, and
 * again from EL2 (EL1&0 regime, HCR_EL2.E2H = 0), reports it writable and
 * leaves AP[2] = 1 (AF may be set). Control: a real EL1 write clears AP[2].
 */
static int t_at_s1e1w_stage1_clean(void)
{
	volatile u64 *l2t = (volatile u64 *)S1_L2T;
	u64 clean, par1, par2, d1, d2, d3, r;

	PREP(VT_ALL, 0);
	s1_tables(1);
	l2t[S1_TEST_IDX] |= S1_AP2 | S1_DBM;
	dsb(ish);
	clean = s1_test_desc();
	el1_mmu_on(S1_L1, TCR_EL1_HA | TCR_EL1_HD);
	par1 = run_el1(el1_at_s1e1w, S1_TEST_VA);
	d1 = s1_test_desc();
	l2t[S1_TEST_IDX] = clean;
	s2_sync();
	par2 = at_s1e1w(S1_TEST_VA);
	d2 = s1_test_desc();
	l2t[S1_TEST_IDX] = clean;
	s2_sync();
	r = guest_write(S1_TEST_VA, 0x5151);
	d3 = s1_test_desc();
	el1_mmu_off();
	printf("# stage-1 descriptor before %#lx, after AT at EL1 %#lx, after AT at EL2 %#lx, "
	       "after a write %#lx\n", clean, d1, d2, d3);
	CHECK(par1 != ABORTED, "AT S1E1W at EL1 aborted to EL2 (%d aborts)", n_aborts);
	dump_par("AT S1E1W at EL1", par1);
	dump_par("AT S1E1W at EL2", par2);
	CHECK(el2_exc.count == 0 && n_aborts == 0, "unexpected exception (ESR_EL2 %#lx)", el2_exc.esr);
	CHECK_PAR_OK(par1, TEST_BLOCK);
	CHECK(d1 & S1_AP2, "AT S1E1W at EL1 made the stage-1 descriptor dirty (AP[2] cleared): %#lx", d1);
	CHECK((d1 & ~BIT(10)) == (clean & ~BIT(10)), "AT S1E1W at EL1 changed more than AF: %#lx", d1);
	CHECK_PAR_OK(par2, TEST_BLOCK);
	CHECK(d2 & S1_AP2, "AT S1E1W at EL2 made the stage-1 descriptor dirty (AP[2] cleared): %#lx", d2);
	CHECK((d2 & ~BIT(10)) == (clean & ~BIT(10)), "AT S1E1W at EL2 changed more than AF: %#lx", d2);
	CHECK_GUEST_OK(r);
	CHECK(!(d3 & S1_AP2), "control: the EL1 write did not clear AP[2] (TCR_EL1.HD not effective?)");
	CHECK(mem64(TEST_BLOCK + 0x100) == 0x5151, "store lost");
	CHECK_PROD(0, 0);
	return RES_PASS;
}

/* FEAT_HAFT at stage 1 (TCR2_EL1.HAFT) needs FEAT_TCR2. */
static int t_haft_s1_table_af(void)
{
	volatile u64 *l1 = (volatile u64 *)S1_L1;
	u64 mmfr3 = read_sysreg(S3_0_C0_C7_3), r, d;

	if (hafdbs() < 3)
		SKIP("FEAT_HAFT not implemented (ID_AA64MMFR1_EL1.HAFDBS < 0b0011)");
	/* HAFT is advertised: stage 1 must be controllable through TCR2_EL1.HAFT */
	CHECK((mmfr3 & 0xf) != 0, "HAFDBS = %#lx advertises FEAT_HAFT but ID_AA64MMFR3_EL1.TCRX = 0 "
	      "(no TCR2_EL1 to enable it at stage 1)", hafdbs());
	s2_reset_test_pages();
	vtcr_set(VTCR_HA);
	s1_tables(0);
	write_sysreg(HCRX_TCR2EN, S3_4_C1_C2_2);
	write_sysreg(TCR2_HAFT, S3_0_C2_C0_3);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = guest_read(S1_TEST_VA);
	el1_mmu_off();
	write_sysreg(0, S3_0_C2_C0_3);
	CHECK_GUEST_OK(r);
	dsb(ish);
	d = l1[2];
	printf("# stage-1 level-1 table descriptor %#lx\n", d);
	CHECK(d & BIT(10), "AF not set in the stage-1 table descriptor");
	return RES_PASS;
}

/* S2PIE: only if the CPU has it (QEMU 10.0 does not implement FEAT_S2PIE). */
static int t_s2pie(void)
{
	u64 mmfr3 = read_sysreg(S3_0_C0_C7_3);

	printf("# ID_AA64MMFR3_EL1 = %#lx\n", mmfr3);
	if (((mmfr3 >> 12) & 0xf) == 0)
		SKIP("FEAT_S2PIE not implemented (ID_AA64MMFR3_EL1.S2PIE = 0)");
	SKIP("FEAT_S2PIE present but the S2PIE case is not implemented in this suite");
}

/*
 * An AT at EL1 whose stage-1 walk needs a stage-2 update that HDBSS
 * cannot log (stage-1 AF update in a table page that is writable-clean at
 * stage 2, full buffer) takes the stage-2 fault to EL2 as a Data Abort
 * (S1PTW = 1, CM = 1, permission level 3, HPFAR = the table page) with
 * ISS2.HDBSSF set, as any other access would (R_STJMN): without it the
 * hypervisor sees an ordinary Permission fault and has no reason to
 * drain the buffer.  (Patch 0022: the AT path dropped HDBSSF.)
 */
static int t_at_el1_walk_full_hdbssf(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 r;

	PREP(VT_ALL, 0);
	wr_hdbssprod(512);
	isb();
	s1_tables(1);
	s2_set_page(101, S2_CLEAN);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = run_el1(el1_at_s1e1r, S1_TEST_VA);
	el1_mmu_off();
	CHECK(r == ABORTED && n_aborts == 1, "no exception to EL2: PAR_EL1 %#lx (table page %#lx)",
	      r, s2_get_page(101));
	dump_abort(a);
	CHECK(ESR_EC(a->esr) == EC_DABT_LOW, "EC %#lx, expected 0x24", ESR_EC(a->esr));
	CHECK(a->esr & ESR_S1PTW, "S1PTW = 0, expected 1");
	CHECK(a->esr & BIT(8), "CM = 0, expected 1 (a fault of an AT instruction's walk)");
	CHECK(ESR_DFSC(a->esr) == DFSC_PERM(3), "DFSC %#lx, expected permission level 3", ESR_DFSC(a->esr));
	CHECK(hpfar_ipa(a->hpfar) == S1_L2T, "HPFAR IPA %#lx, expected the table page %#lx",
	      hpfar_ipa(a->hpfar), S1_L2T);
	CHECK(a->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1");
	CHECK(!(s2_get_page(101) & S2AP_W), "table page made dirty with a full buffer");
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "id_hafdbs_is_hdbss", t_id_hafdbs },
	{ "regs_read_write", t_regs_rw },
	{ "first_write_logged", t_first_write_logged },
	{ "entry_format_4k_page", t_entry_4k_format },
	{ "entry_format_2m_block", t_entry_2m_block },
	{ "entry_ipa_not_pa", t_entry_ipa_not_pa },
	{ "entry_format_1g_block", t_entry_1g_block },
	{ "entry_format_64k_granule", t_entry_64k_granule },
	{ "no_entry_already_dirty", t_no_entry_dirty },
	{ "no_entry_second_write", t_second_write_not_logged },
	{ "no_entry_read", t_read_not_logged },
	{ "no_entry_af_only_update", t_af_update_not_logged },
	{ "write_clean_af0_logged_once", t_write_clean_af0_logged },
	{ "other_store_types_logged", t_other_stores_logged },
	{ "straddling_store_logs_both_pages", t_straddle_two_pages },
	{ "straddling_store_full_then_retry", t_straddle_full_retry },
	{ "index_advances_in_order", t_index_advances },
	{ "index_nonzero_start", t_index_nonzero_start },
	{ "full_buffer_fault_4k", t_full_buffer_fault_4k },
	{ "full_buffer_fault_8k", t_full_buffer_fault_8k },
	{ "full_buffer_fault_2m", t_full_buffer_fault_2m },
	{ "ordering_entry_visible_at_exception", t_ordering_visible_at_exception },
	{ "full_buffer_drain_retry_logged", t_full_buffer_retry_logged },
	{ "full_buffer_block_level2", t_full_buffer_block_level2 },
	{ "fsc_nonzero_faults", t_fsc_nonzero_faults },
	{ "vtcr_ha0_hdbss_ineffective", t_ha0_no_hdbss },
	{ "vtcr_hd0_hdbss_ineffective", t_hd0_no_hdbss },
	{ "vtcr_hdbss0_no_log", t_hdbss0_no_log },
	{ "dbm0_permission_fault", t_dbm0_perm_fault },
	{ "haft_s2_table_af_set", t_haft_s2_table_af },
	{ "haft_off_table_af_untouched", t_haft_off_table_untouched },
	{ "haft_without_ha_ineffective", t_haft_needs_ha },
	{ "s1_walk_update_logged", t_s1_walk_update_logged },
	{ "s1_walk_update_full_fault", t_s1_walk_update_full_fault },
	{ "s1_fetch_walk_full_hdbssf", t_s1_fetch_walk_full_hdbssf },
	{ "real_store_error_sets_fsc", t_real_store_error_sets_fsc },
	{ "lost_cas_no_valid_entry_at_index", t_lost_cas_no_valid_entry_at_index },
	{ "at_s12e1w_no_dirty_no_entry", t_at_s12e1w_no_dirty },
	{ "at_s12e1w_full_buffer_no_fault", t_at_s12e1w_full_no_fault },
	{ "at_s1e1w_stage1_clean_kept", t_at_s1e1w_stage1_clean },
	{ "at_el1_walk_full_hdbssf", t_at_el1_walk_full_hdbssf },
	{ "haft_s1_table_af_set", t_haft_s1_table_af },
	{ "s2pie_dirty_bit", t_s2pie },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
