/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the test programs (static: each program is one image). */
#ifndef CONF_TCOMMON_H
#define CONF_TCOMMON_H
#include "lib.h"

#define VT_ALL	(VTCR_HA | VTCR_HD | VTCR_HDBSS)

/* Read HDBSSPROD_EL2 after the required synchronisation. ~0 if UNDEFINED. */
static inline u64 prod(void)
{
	int before = el2_exc.count;
	u64 v;

	hdbss_sync();
	v = rd_hdbssprod();
	if (el2_exc.count != before)
		return ~0UL;
	return v;
}

static inline u64 entry4k(u64 ipa)
{
	return (ipa & GENMASK(55, 12)) | (3UL << 1) | HDBSS_ENTRY_VALID;
}

static inline u64 entry2m(u64 ipa)
{
	return (ipa & GENMASK(55, 21)) | (2UL << 1) | HDBSS_ENTRY_VALID;
}

/* PAR_EL1 after an AT instruction */
#define PAR_F		BIT(0)
#define PAR_FST(p)	(((p) >> 1) & 0x3f)
#define PAR_PTW		BIT(8)
#define PAR_S		BIT(9)
#define PAR_PA(p)	((p) & GENMASK(47, 12))

/* at_<op>(va): AT <op>, returns PAR_EL1; el1_at_<op>: the same as a run_el1() body */
#define AT_FN(op) \
static __attribute__((unused)) inline u64 at_##op(u64 va) \
{ \
	asm volatile("at " #op ", %0" :: "r"(va) : "memory"); \
	isb(); \
	return read_sysreg(par_el1); \
} \
static __attribute__((unused)) u64 el1_at_##op(u64 va) \
{ \
	return at_##op(va); \
}
AT_FN(s12e1w)
AT_FN(s1e1w)
AT_FN(s1e1r)

static inline u64 hpfar_ipa(u64 hpfar)
{
	return ((hpfar >> 4) & GENMASK(43, 0)) << 12;
}

/* Common precondition: the HDBSS registers must exist with -cpu max. */
#define REQUIRE_HDBSS() do { \
	if (!hdbss_regs_usable()) \
		CHECK(0, "HDBSS registers UNDEFINED (ID_AA64MMFR1_EL1.HAFDBS=%lu)", hafdbs()); \
} while (0)

/* Standard setup: all test pages writable-dirty, HA+HD+HDBSS, 4KB buffer. */
#define PREP(vt, sz) do { \
	REQUIRE_HDBSS(); \
	s2_reset_test_pages(); \
	hdbss_setup(sz); \
	vtcr_set(vt); \
} while (0)

static inline void dump_abort(volatile struct guest_abort *a)
{
	printf("# abort: ESR_EL2=%#lx FAR_EL2=%#lx HPFAR_EL2=%#lx (IPA %#lx) ELR=%#lx PROD=%#lx\n",
	       a->esr, a->far, a->hpfar, hpfar_ipa(a->hpfar), a->elr, a->prod_at_fault);
}

/*
 * Check a stage-2 permission fault on a write to addr at translation level
 * lvl, with the expected HDBSSF value.
 */
#define CHECK_PERM_FAULT(a, addr, lvl, hdbssf) do { \
	dump_abort(a); \
	CHECK(ESR_EC((a)->esr) == EC_DABT_LOW, "EC %#lx, expected 0x24", ESR_EC((a)->esr)); \
	CHECK(ESR_DFSC((a)->esr) == DFSC_PERM(lvl), "DFSC %#lx, expected %#x (permission, level %d)", \
	      ESR_DFSC((a)->esr), DFSC_PERM(lvl), lvl); \
	CHECK((a)->esr & ESR_WNR, "WnR = 0, expected 1"); \
	CHECK(!((a)->esr & ESR_S1PTW), "S1PTW = 1, expected 0"); \
	CHECK(!!((a)->esr & ESR_HDBSSF) == (hdbssf), "ISS2.HDBSSF = %d, expected %d", \
	      !!((a)->esr & ESR_HDBSSF), hdbssf); \
	CHECK(hpfar_ipa((a)->hpfar) == ((addr) & ~0xfffUL), "HPFAR_EL2 IPA %#lx, expected %#lx", \
	      hpfar_ipa((a)->hpfar), (u64)((addr) & ~0xfffUL)); \
	CHECK((a)->far == (addr), "FAR_EL2 %#lx, expected %#lx", (a)->far, (u64)(addr)); \
} while (0)

#define CHECK_PROD(idx, fsc) do { \
	u64 __p = prod(); \
	CHECK(__p != ~0UL, "HDBSSPROD_EL2 UNDEFINED"); \
	CHECK(HDBSSPROD_INDEX(__p) == (u64)(idx) && HDBSSPROD_FSC(__p) == (u64)(fsc), \
	      "HDBSSPROD_EL2 = %#lx (INDEX %lu FSC %#lx), expected INDEX %lu FSC %#lx", \
	      __p, HDBSSPROD_INDEX(__p), HDBSSPROD_FSC(__p), (u64)(idx), (u64)(fsc)); \
} while (0)

#define CHECK_ENTRY(i, exp) do { \
	u64 __e = hdbss_buf()[i]; \
	CHECK(__e == (exp), "entry[%d] = %#lx, expected %#lx", (int)(i), __e, (u64)(exp)); \
} while (0)

/*
 * Slot at or ahead of INDEX inside the buffer: not written with an entry.
 * R_HKCCN permits the PE to zero entries ahead of INDEX, so 0 is accepted.
 */
#define CHECK_NO_ENTRY(i) do { \
	u64 __e = hdbss_buf()[i]; \
	CHECK(__e == SENTINEL || __e == 0, "entry[%d] = %#lx written, expected untouched (or zero)", \
	      (int)(i), __e); \
} while (0)

/* Slot behind INDEX, or the guard slot after the buffer: must be untouched. */
#define CHECK_UNTOUCHED(i) do { \
	u64 __e = hdbss_buf()[i]; \
	CHECK(__e == SENTINEL, "slot %d (%#lx) = %#lx, expected untouched", (int)(i), \
	      HDBSS_BUF + 8UL * (i), __e); \
} while (0)

#define CHECK_GUEST_OK(r) CHECK((r) != ABORTED, "guest aborted (%d stage-2 aborts)", n_aborts)

static inline u64 mem64(u64 a)
{
	dsb(ish);
	return *(volatile u64 *)a;
}

/*
 * FEAT_HAFT: with VTCR_EL2.HAFT and HA, AF (bit 10) is set in stage-2 table
 * descriptors walked (R_CGKWB). haft = 1: HA+HAFT; 0: HA only; -1: HAFT
 * without HA (Effective HAFT is 0, R_SNVTX).
 */
static __attribute__((unused)) int haft_common(int haft)
{
	u64 l1, l2;

	s2_reset_test_pages();
	s2_l1[1] &= ~S2_AF;
	s2_l2[8] &= ~S2_AF;		/* TEST_PAGES table descriptor */
	s2_sync();
	vtcr_set((haft >= 0 ? VTCR_HA : 0) | (haft ? VTCR_HAFT : 0));
	CHECK_GUEST_OK(guest_read(TEST_PAGE(60)));
	dsb(ish);
	l1 = ((volatile u64 *)s2_l1)[1];
	l2 = ((volatile u64 *)s2_l2)[8];
	printf("# level-1 table descriptor %#lx, level-2 table descriptor %#lx\n", l1, l2);
	/* leave the tables as they were */
	s2_l1[1] |= S2_AF;
	s2_l2[8] |= S2_AF;
	s2_sync();
	if (haft > 0) {
		CHECK(l1 & S2_AF, "AF not set in the level-1 table descriptor");
		CHECK(l2 & S2_AF, "AF not set in the level-2 table descriptor");
	} else {
		CHECK(!(l1 & S2_AF) && !(l2 & S2_AF), "AF set in a table descriptor with effective HAFT = 0");
	}
	return RES_PASS;
}

/*
 * EL1 stage 1 for the s1_* cases: L1 at TEST_PAGE(100); L1[0] Device block;
 * L1[1] -> L2 at TEST_PAGE(102), identity 1..2GB (code, data), all AF = 1;
 * L1[2] -> L2 at TEST_PAGE(101): VA 2GB + x -> IPA 1GB + x, AF = 1 except
 * the entry for S1_TEST_VA (-> IPA TEST_BLOCK), AF = 0. Only accesses to
 * S1_TEST_VA walk TEST_PAGE(101), so that page can be made writable-clean
 * at stage 2 without code fetches touching it (R_JCXVS allows a stage-2
 * dirty update for any walk through a writable-clean table page when
 * stage-1 hardware updates are on).
 */
#define S1_L1		TEST_PAGE(100)
#define S1_L2T		TEST_PAGE(101)
#define S1_L2C		TEST_PAGE(102)
#define S1_TEST_VA	(0x80000000UL + (TEST_BLOCK - 0x40000000UL) + 0x100)
#define S1_TEST_IDX	((TEST_BLOCK >> 21) & 511)
static __attribute__((unused)) void s1_tables(int l1_table_af)
{
	volatile u64 *l1 = (volatile u64 *)S1_L1;
	volatile u64 *l2c = (volatile u64 *)S1_L2C, *l2t = (volatile u64 *)S1_L2T;
	int i;

	for (i = 0; i < 512; i++) {
		u64 blk = (0x40000000UL + ((u64)i << 21)) | 1 | (1 << 2) | (3UL << 8) | BIT(10);

		l1[i] = 0;
		l2c[i] = blk;	/* block, AttrIndx 1 (Normal WB), SH inner, AF */
		l2t[i] = blk;
	}
	l1[0] = 0 | 1 | (0 << 2) | BIT(10) | BIT(54);	/* Device-nGnRnE, AF */
	l1[1] = S1_L2C | 3 | BIT(10);
	l1[2] = S1_L2T | 3 | (l1_table_af ? BIT(10) : 0);
	l2t[S1_TEST_IDX] &= ~BIT(10);			/* AF = 0: hardware sets it */
	dsb(ish);
}

static inline u64 s1_test_desc(void)
{
	dsb(ish);
	return ((volatile u64 *)S1_L2T)[S1_TEST_IDX];
}

/*
 * 64KB granule: page IPA aligned to 64KB (TTWL 3), 512MB level-2 block
 * (TTWL 2). Stage 2: T0SZ 25, start level 2; L2[2] -> L3 identity map of
 * 1GB..1.5GB with 64KB pages (buffer/guard/tables left invalid); L2[3]:
 * IPA 1.5GB..2GB -> PA 1GB block, writable-clean.
 */
#define G64_L2	(PT_AREA + 0x40000)
#define G64_L3	(PT_AREA + 0x50000)
static __attribute__((unused)) void g64_tables(void)
{
	volatile u64 *l2 = (volatile u64 *)G64_L2, *l3 = (volatile u64 *)G64_L3;
	u64 i;

	for (i = 0; i < 8192; i++) {
		u64 pa = 0x40000000UL + (i << 16);

		l2[i] = 0;
		l3[i] = pa | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | S2_DIRTY;
		if (pa >= HDBSS_BUF && pa < PT_AREA + 0x200000UL)
			l3[i] = 0;
	}
	l2[2] = G64_L3 | S2_TABLE;
	l2[3] = 0x40000000UL | S2_BLOCK | S2_MEM_NORMAL | S2_SH_IS | S2_CLEAN;
	l3[(TEST_PAGES - 0x40000000UL) >> 16] =
		TEST_PAGES | S2_PAGE | S2_MEM_NORMAL | S2_SH_IS | S2_CLEAN;
	dsb(ish);
}

static __attribute__((unused)) void g64_on(u64 vt)
{
	/* T0SZ 25, SL0 = 01 (level 2 for 64KB), IRGN0/ORGN0 WBWA, SH0 inner, TG0 64KB, PS 40b */
	write_sysreg(25UL | (1UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 14) |
		     (2UL << 16) | BIT(31) | vt, vtcr_el2);
	write_sysreg((1UL << 48) | G64_L2, vttbr_el2);
	isb();
	s2_sync();
}

static __attribute__((unused)) void g64_off(u64 vt)
{
	write_sysreg((1UL << 48) | (u64)s2_l1, vttbr_el2);
	isb();
	vtcr_set(vt);
}

/*
 * Guest code for instruction fetches through S1_TEST_VA (s1_tables()):
 * two instructions at IPA TEST_BLOCK + 0x100, "mov x0, #S1_CODE_RET; ret".
 * Called with run_el1((u64 (*)(u64))S1_TEST_VA, 0): the fetch walks the
 * stage-1 entry with AF = 0, so with TCR_EL1.HA its walk makes a stage-1
 * hardware update in the table page S1_L2T.
 */
#define S1_CODE_RET	0x1234UL
static __attribute__((unused)) void s1_test_code(void)
{
	volatile u32 *c = (volatile u32 *)(TEST_BLOCK + 0x100);

	c[0] = 0xd2800000 | (S1_CODE_RET << 5);	/* movz x0, #S1_CODE_RET */
	c[1] = 0xd65f03c0;			/* ret */
	asm volatile("dc cvau, %0\n\tdsb ish\n\tic ialluis\n\tdsb ish\n\tisb"
		     :: "r"(c) : "memory");
}

/*
 * A physical address with nothing behind it in the virt machine's map
 * (between the virtio-mmio transports at 0x0a000000 and the platform bus
 * at 0x0c000000): a store there is a decode error, an External abort.
 */
#define UNASSIGNED_PA	0x0b000000UL

/* ESR_EL2 DFSC/IFSC: synchronous External abort on a translation table walk, level l */
#define FSC_SEA_WALK(l)	(0x14 | ((l) & 3))

static inline u64 id_aa64isar0(void)
{
	return read_sysreg(id_aa64isar0_el1);
}

#endif
