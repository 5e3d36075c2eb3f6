// SPDX-License-Identifier: GPL-2.0
/*
 * Program "hostile": run with
 *   -cpu max,x-s2-sticky-tlb=on,x-vtcr-latch=on,x-hdbss-delay=on
 * The test-only properties make QEMU behave as hardware may (brief section
 * 2, "What hardware may do that plain QEMU does not"):
 *
 * x-s2-sticky-tlb: a stage-2 translation granting write permission, once
 * walked, is used without a new walk (no new dirty update, no new entry)
 * until an invalidation that removes it has completed at a DSB; the copies
 * combined with stage 1 need a stage-1 EL1&0 invalidation completed after
 * the stage-2 one. HCR_EL2/VTTBR_EL2 writes and ERET remove nothing.
 * x-vtcr-latch: VTCR_EL2.{HA,HD,HDBSS,HAFT} are latched at the first walk
 * after the last completed VMALLS12E1* (or ALLE1*).
 * x-hdbss-delay: entry stores are visible at the writing PE's next DSB,
 * INDEX/FSC changes made by logging are seen by MRS after its next ISB.
 *
 * Every case is built so that it fails when its option is off: a step
 * shows the stale state first. Plain QEMU's own TLB also keeps a write
 * permission until something flushes it, so where a case needs the stale
 * state to come from the option, it does what a KVM world switch does
 * between the two writes (world_switch_regs(): HCR_EL2.VM and the VMID
 * change and come back); plain QEMU flushes its TLB on those changes, so
 * without the option the write walks again and is logged.
 *
 * A "re-clean" is what KVM does to a logged page for the next round: clear
 * S2AP[1] in the leaf (DBM stays set), DSB ISHST, and (in the cases that
 * say so) the TLB invalidation.
 */
#include "tcommon.h"
#include "smp.h"

/* Cases may chain helpers; report the caller's line when one fails. */
#define TRY(x) do { int __r = (x); if (__r != RES_PASS) { \
	printf("# ... in %s:%d\n", __func__, __LINE__); return __r; } } while (0)

#define ADDR(p)		(TEST_PAGE(p) + 0x40)
/* TLBI by IPA: TTL hint [47:44] = TG 0b01 (4KB) : level */
#define TTL_4K(l)	((4UL | (l)) << 44)
/* Range TLBI operand: TG [47:46], SCALE [45:44], NUM [43:39], TTL [38:37], BaseADDR [36:0] */
#define RANGE_OP(ipa, num, scale, ttl) ((1UL << 46) | ((u64)(scale) << 44) | ((u64)(num) << 39) | \
	((u64)(ttl) << 37) | (((ipa) >> 12) & GENMASK(36, 0)))

static inline void tlbi_ipas2e1is(u64 ipa, u64 ttl)
{
	asm volatile("tlbi ipas2e1is, %0" :: "r"((ipa >> 12) | ttl) : "memory");
}

static inline void tlbi_vmalle1is(void)
{
	asm volatile("tlbi vmalle1is" ::: "memory");
}

static inline void tlbi_vmalls12e1is(void)
{
	asm volatile("tlbi vmalls12e1is" ::: "memory");
}

static inline void tlbi_ripas2e1is(u64 op)
{
	asm volatile("sys #4, c8, c0, #2, %0" :: "r"(op) : "memory");	/* TLBI RIPAS2E1IS */
}

/* KVM's __kvm_tlb_flush_vmid_ipa(): IPAS2E1IS (TTL), DSB, VMALLE1IS, DSB, ISB */
static void kvm_flush_ipa(u64 ipa, u64 ttl)
{
	tlbi_ipas2e1is(ipa, ttl);
	dsb(ish);
	tlbi_vmalle1is();
	dsb(ish);
	isb();
}

/* Clear S2AP[1] of the leaf for TEST_PAGE(p) (DBM stays set), DSB ISHST. No TLBI. */
static void reclean(int p)
{
	s2_l3[p] &= ~S2AP_W;
	dsb(ishst);
}

/* A world switch that changes nothing: HCR_EL2 and VTTBR_EL2 rewritten with their values. */
static void same_regs(void)
{
	write_sysreg(read_sysreg(hcr_el2), hcr_el2);
	write_sysreg(read_sysreg(vttbr_el2), vttbr_el2);
	isb();
}

/*
 * What a KVM (nVHE) world switch does to the stage-2 controls: to the host
 * (HCR_EL2.VM = DC = 0, VTTBR_EL2 = 0, VMID 0) and back to the guest's
 * values, then ERET. No TLB invalidation.
 */
static void world_switch_regs(void)
{
	u64 hcr = read_sysreg(hcr_el2), vttbr = read_sysreg(vttbr_el2);

	same_regs();
	write_sysreg(hcr & ~(BIT(0) | BIT(12)), hcr_el2);
	write_sysreg(0, vttbr_el2);
	isb();
	write_sysreg(vttbr, vttbr_el2);
	write_sysreg(hcr, hcr_el2);
	isb();
}

/* Fresh buffer; page p writable-clean; the first write is logged at slot 0 (and the translation cached). */
static int first_logged(int p)
{
	PREP(VT_ALL, 0);
	s2_set_page(p, S2_CLEAN);
	CHECK_GUEST_OK(guest_write(ADDR(p), 1));
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(ADDR(p)));
	CHECK(s2_get_page(p) & S2AP_W, "descriptor not made dirty by the first write: %#lx", s2_get_page(p));
	return RES_PASS;
}

/*
 * EL1 writes page p (re-cleaned): the stale write permission is used, so no
 * new walk: no fault, no entry (INDEX stays idx), descriptor still clean.
 * No barrier between the caller's last instruction and the guest's store.
 */
static int expect_stale(int p, u64 v, u64 idx)
{
	u64 r = guest_write(ADDR(p), v);

	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK(!(s2_get_page(p) & S2AP_W), "descriptor made dirty again (%#lx): the write walked the tables, "
	      "the cached write permission was not used", s2_get_page(p));
	CHECK_PROD(idx, 0);
	CHECK_NO_ENTRY(idx);
	CHECK(mem64(ADDR(p)) == v, "store lost");
	return RES_PASS;
}

/* EL1 writes page p: walked again, logged in slot idx, descriptor dirty. */
static int expect_logged(int p, u64 v, u64 idx)
{
	u64 r = guest_write(ADDR(p), v);

	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK(s2_get_page(p) & S2AP_W, "descriptor still clean (%#lx): the write did not walk the tables "
	      "(stale write permission used after the invalidation)", s2_get_page(p));
	CHECK_PROD(idx + 1, 0);
	CHECK_ENTRY(idx, entry4k(ADDR(p)));
	CHECK_NO_ENTRY(idx + 1);
	CHECK(mem64(ADDR(p)) == v, "store lost");
	return RES_PASS;
}

/* EL1 writes page p: made dirty by HAFDBS, not logged (INDEX stays idx). */
static int expect_dirty_unlogged(int p, u64 v, u64 idx)
{
	u64 r = guest_write(ADDR(p), v);

	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK(s2_get_page(p) & S2AP_W, "descriptor not made dirty: %#lx", s2_get_page(p));
	CHECK_PROD(idx, 0);
	CHECK_NO_ENTRY(idx);
	return RES_PASS;
}

/* 1. World switches (HCR_EL2, VTTBR_EL2 writes, ERET) do not remove the cached write permission. */
static int t_sticky_write_survives_world_switch(void)
{
	TRY(first_logged(1));
	reclean(1);
	same_regs();
	printf("# HCR_EL2, VTTBR_EL2 rewritten with their values\n");
	TRY(expect_stale(1, 2, 1));
	world_switch_regs();
	printf("# to the host's HCR_EL2/VTTBR_EL2 and back\n");
	TRY(expect_stale(1, 3, 1));
	return RES_PASS;
}

/* 2. KVM's invalidation sequence after the re-clean: the next write is logged again. */
static int t_reclean_kvm_sequence_logs_again(void)
{
	TRY(first_logged(2));
	reclean(2);
	world_switch_regs();
	TRY(expect_stale(2, 2, 1));		/* without the invalidation: stale */
	kvm_flush_ipa(ADDR(2), TTL_4K(3));
	TRY(expect_logged(2, 3, 1));
	return RES_PASS;
}

/*
 * 3. A TLBI is complete only at the issuing PE's next DSB; and a stage 1
 * invalidation issued before the stage 2 one completed leaves the
 * combined copies (a walk may have refilled them from the old stage 2
 * entry in between: KVM's DSB between the two).
 */
static int t_tlbi_incomplete_without_dsb(void)
{
	TRY(first_logged(3));
	reclean(3);
	tlbi_ipas2e1is(ADDR(3), TTL_4K(3));
	tlbi_vmalle1is();
	/* no DSB: the path from here to the guest's store has none (ERET is not one) */
	TRY(expect_stale(3, 2, 1));
	dsb(ish);		/* expect_stale's checks did a DSB already; this one completes nothing new */
	isb();
	printf("# both TLBIs complete, VMALLE1IS issued before IPAS2E1IS completed\n");
	TRY(expect_stale(3, 3, 1));
	tlbi_vmalle1is();
	dsb(ish);
	isb();
	TRY(expect_logged(3, 4, 1));
	return RES_PASS;
}

/* 4. IPAS2E1IS with a TTL hint naming the wrong level (2 for a level-3 page) leaves the entry. */
static int t_ttl_wrong_level_keeps_entry(void)
{
	TRY(first_logged(4));
	reclean(4);
	kvm_flush_ipa(ADDR(4), TTL_4K(2));
	TRY(expect_stale(4, 2, 1));
	/* the right level removes it */
	kvm_flush_ipa(ADDR(4), TTL_4K(3));
	TRY(expect_logged(4, 3, 1));
	return RES_PASS;
}

/*
 * 5. The copies combined with stage 1 need a stage-1 invalidation completed
 * after the stage-2 one: IPAS2E1IS alone, or VMALLE1IS issued before
 * IPAS2E1IS (one DSB for both), leave the stale write permission.
 */
static int t_ipas2_alone_keeps_combined(void)
{
	TRY(first_logged(5));
	reclean(5);
	tlbi_ipas2e1is(ADDR(5), TTL_4K(3));
	dsb(ish);
	isb();
	world_switch_regs();
	printf("# IPAS2E1IS alone\n");
	TRY(expect_stale(5, 2, 1));

	TRY(first_logged(5));		/* fresh: PREP invalidates everything */
	reclean(5);
	tlbi_vmalle1is();
	tlbi_ipas2e1is(ADDR(5), TTL_4K(3));
	dsb(ish);
	isb();
	world_switch_regs();
	printf("# VMALLE1IS before IPAS2E1IS\n");
	TRY(expect_stale(5, 3, 1));
	/* in the right order it goes */
	kvm_flush_ipa(ADDR(5), TTL_4K(3));
	TRY(expect_logged(5, 4, 1));
	return RES_PASS;
}

/* 6. VMALLS12E1IS for the VMID removes stage-2 and combined entries. */
static int t_vmalls12_removes(void)
{
	TRY(first_logged(6));
	reclean(6);
	world_switch_regs();
	TRY(expect_stale(6, 2, 1));
	tlbi_vmalls12e1is();
	dsb(ish);
	TRY(expect_logged(6, 3, 1));
	return RES_PASS;
}

/*
 * 6b. A broadcast TLBI completed for this PE by a DSB NSH is not applied to
 * it again when its next DSB ISH completes it for the others: what the PE
 * cached in between stays (a TLB may keep it).  Re-clean, VMALLS12E1IS +
 * DSB NSH: the next write walks and is logged (and cached again); re-clean
 * without a TLBI, DSB ISH: the write after it is stale.
 */
static int t_nsh_broadcast_not_reapplied(void)
{
	TRY(first_logged(21));
	reclean(21);
	tlbi_vmalls12e1is();
	dsb(nsh);
	isb();
	TRY(expect_logged(21, 2, 1));
	reclean(21);
	dsb(ish);
	isb();
	TRY(expect_stale(21, 3, 2));
	return RES_PASS;
}

/* 7. RIPAS2E1IS covering the page (+ VMALLE1IS) removes it; a range or level that misses does not. */
static int t_ripas2_range_removes(void)
{
	u64 tlb = (id_aa64isar0() >> 56) & 0xf;

	if (tlb < 2)
		SKIP("FEAT_TLBIRANGE not implemented (ID_AA64ISAR0_EL1.TLB < 0b0010)");
	TRY(first_logged(7));
	reclean(7);
	/* pages 8 and 9 (NUM 0, SCALE 0: 2 pages), page 7 not covered */
	tlbi_ripas2e1is(RANGE_OP(TEST_PAGE(8), 0, 0, 0));
	dsb(ish);
	tlbi_vmalle1is();
	dsb(ish);
	isb();
	world_switch_regs();
	printf("# range [page 8, page 10) missing the page\n");
	TRY(expect_stale(7, 2, 1));
	/* pages 6 and 7 with range TTL = level 2: the level-3 page stays */
	tlbi_ripas2e1is(RANGE_OP(TEST_PAGE(6), 0, 0, 2));
	dsb(ish);
	tlbi_vmalle1is();
	dsb(ish);
	isb();
	world_switch_regs();
	printf("# range [page 6, page 8) with TTL level 2\n");
	TRY(expect_stale(7, 3, 1));
	/* pages 6 and 7, TTL level 3 */
	tlbi_ripas2e1is(RANGE_OP(TEST_PAGE(6), 0, 0, 3));
	dsb(ish);
	tlbi_vmalle1is();
	dsb(ish);
	isb();
	printf("# range [page 6, page 8) with TTL level 3\n");
	TRY(expect_logged(7, 4, 1));
	return RES_PASS;
}

/*
 * 8. VTCR_EL2.HDBSS is latched with the stage-2 TLB entries: a change is
 * effective only after VMALLS12E1IS + DSB. Off -> on too.
 */
static int t_vtcr_latched_until_vmalls12(void)
{
	int p;

	PREP(VT_ALL, 0);
	for (p = 10; p <= 15; p++)
		s2_set_page(p, S2_CLEAN);
	TRY(expect_logged(10, 1, 0));		/* walks latch HA|HD|HDBSS */
	write_sysreg(vtcr_base() | VTCR_HA | VTCR_HD, vtcr_el2);
	isb();
	printf("# VTCR_EL2.HDBSS cleared, no TLBI\n");
	TRY(expect_logged(11, 2, 1));		/* still logged */
	tlbi_vmalls12e1is();
	dsb(ish);
	isb();
	printf("# after VMALLS12E1IS + DSB\n");
	TRY(expect_dirty_unlogged(12, 3, 2));

	vtcr_set(VTCR_HA | VTCR_HD);		/* with its TLBI */
	TRY(expect_dirty_unlogged(13, 4, 2));	/* latch HA|HD */
	write_sysreg(vtcr_base() | VT_ALL, vtcr_el2);
	isb();
	printf("# VTCR_EL2.HDBSS set, no TLBI\n");
	TRY(expect_dirty_unlogged(14, 5, 2));	/* not effective yet */
	tlbi_vmalls12e1is();
	dsb(ish);
	isb();
	printf("# after VMALLS12E1IS + DSB\n");
	TRY(expect_logged(15, 6, 2));
	return RES_PASS;
}

/*
 * 9. R_CGCHP / I_XXFYP: the entry is in memory only after a DSB, and the
 * INDEX change is seen by MRS only after an ISB. The guest exits with HVC;
 * the HVC path of the EL2 vector (start.S v_low_sync, el2_sync_lower,
 * guest_exit) has no DSB or ISB.
 */
static int t_delay_entry_invisible_until_dsb(void)
{
	volatile u64 *slot = &hdbss_buf()[0];
	u64 a = ADDR(16), r, s0, p0, s1, p1, p2;

	PREP(VT_ALL, 0);
	s2_set_page(16, S2_CLEAN);
	r = guest_write(a, 0x99);
	asm volatile("ldr	%0, [%5]\n\t"
		     "mrs	%1, S3_4_C2_C3_3\n\t"
		     "dsb	ish\n\t"
		     "ldr	%2, [%5]\n\t"
		     "mrs	%3, S3_4_C2_C3_3\n\t"
		     "isb\n\t"
		     "mrs	%4, S3_4_C2_C3_3"
		     : "=&r"(s0), "=&r"(p0), "=&r"(s1), "=&r"(p1), "=&r"(p2)
		     : "r"(slot) : "memory");
	printf("# no barrier: slot %#lx PROD %#lx; after DSB: slot %#lx PROD %#lx; after ISB: PROD %#lx\n",
	       s0, p0, s1, p1, p2);
	CHECK_GUEST_OK(r);
	CHECK(s2_get_page(16) & S2AP_W, "descriptor not made dirty");
	CHECK(s0 == SENTINEL, "entry visible before the DSB (slot %#lx)", s0);
	CHECK(HDBSSPROD_INDEX(p0) == 0, "INDEX %lu visible before the DSB and ISB", HDBSSPROD_INDEX(p0));
	CHECK(s1 == entry4k(a), "after the DSB the slot holds %#lx, expected the entry %#lx", s1, entry4k(a));
	CHECK(HDBSSPROD_INDEX(p1) == 0, "INDEX %lu visible before the ISB", HDBSSPROD_INDEX(p1));
	CHECK(p2 == 1, "after the ISB HDBSSPROD_EL2 = %#lx, expected INDEX 1, FSC 0", p2);
	return RES_PASS;
}

/*
 * 9d. SSBB and PSSBB (DSB encodings with CRm 0b0000 and 0b0100) are not
 * data synchronization barriers: they complete no entry store. Only the
 * DSB ISH after them makes the entry visible.
 */
static int t_delay_ssbb_pssbb_complete_nothing(void)
{
	volatile u64 *slot = &hdbss_buf()[0];
	u64 a = ADDR(24), r, s_ssbb, s_pssbb, s_dsb;

	PREP(VT_ALL, 0);
	s2_set_page(24, S2_CLEAN);
	r = guest_write(a, 0x24);
	asm volatile(".inst	0xd503309f\n\t"	/* SSBB */
		     "ldr	%0, [%3]\n\t"
		     ".inst	0xd503349f\n\t"	/* PSSBB */
		     "ldr	%1, [%3]\n\t"
		     "dsb	ish\n\t"
		     "ldr	%2, [%3]"
		     : "=&r"(s_ssbb), "=&r"(s_pssbb), "=&r"(s_dsb)
		     : "r"(slot) : "memory");
	printf("# slot after SSBB %#lx, after PSSBB %#lx, after DSB ISH %#lx\n", s_ssbb, s_pssbb, s_dsb);
	CHECK_GUEST_OK(r);
	CHECK(s2_get_page(24) & S2AP_W, "descriptor not made dirty");
	CHECK(s_ssbb == SENTINEL, "SSBB made the entry visible (slot %#lx): it is not a DSB", s_ssbb);
	CHECK(s_pssbb == SENTINEL, "PSSBB made the entry visible (slot %#lx): it is not a DSB", s_pssbb);
	CHECK(s_dsb == entry4k(a), "after the DSB the slot holds %#lx, expected the entry %#lx", s_dsb, entry4k(a));
	return RES_PASS;
}

/*
 * 10. I_LMSZL: an entry store that fails (BADDR at an unassigned physical
 * address) records FSC when it is made, at the DSB; INDEX keeps pointing
 * at the failed entry (R_STJMN).
 */
static int t_delay_store_error_fsc_late(void)
{
	u64 a = ADDR(17), r, p0, p1, p2;

	PREP(VT_ALL, 0);
	s2_set_page(17, S2_CLEAN);
	wr_hdbssbr(UNASSIGNED_PA);
	wr_hdbssprod(0);
	isb();
	r = guest_write(a, 0x17);
	asm volatile("mrs	%0, S3_4_C2_C3_3\n\t"
		     "isb\n\t"
		     "mrs	%1, S3_4_C2_C3_3\n\t"
		     "dsb	ish\n\t"
		     "isb\n\t"
		     "mrs	%2, S3_4_C2_C3_3"
		     : "=&r"(p0), "=&r"(p1), "=&r"(p2) :: "memory");
	wr_hdbssbr(HDBSS_BUF);
	wr_hdbssprod(0);
	isb();
	printf("# HDBSSPROD_EL2: no barrier %#lx, after ISB %#lx, after DSB+ISB %#lx\n", p0, p1, p2);
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 0, "unexpected stage-2 abort");
	CHECK(s2_get_page(17) & S2AP_W, "descriptor not made dirty");
	CHECK(mem64(a) == 0x17, "store lost");
	CHECK(HDBSSPROD_FSC(p0) == 0, "FSC %#lx before any barrier: the failure was recorded at the access",
	      HDBSSPROD_FSC(p0));
	CHECK(HDBSSPROD_FSC(p1) == 0, "FSC %#lx after an ISB but before the DSB that makes the store",
	      HDBSSPROD_FSC(p1));
	CHECK(HDBSSPROD_FSC(p2) == HDBSSPROD_FSC_EXTABT, "FSC %#lx after DSB+ISB, expected 0b010000",
	      HDBSSPROD_FSC(p2));
	CHECK(HDBSSPROD_INDEX(p2) == 0, "INDEX %lu after the failed store, expected 0 (INDEX points at the "
	      "failed entry)", HDBSSPROD_INDEX(p2));
	return RES_PASS;
}

/*
 * 11. The Outer Shareable forms remove the entry too: TLBI IPAS2E1OS and
 * RIPAS2E1OS (FEAT_TLBIOS, FEAT_TLBIRANGE) followed by VMALLE1OS.
 */
static int t_os_forms_remove(void)
{
	u64 tlb = (id_aa64isar0() >> 56) & 0xf;

	if (tlb < 2)
		SKIP("FEAT_TLBIOS/FEAT_TLBIRANGE not implemented (ID_AA64ISAR0_EL1.TLB < 0b0010)");
	TRY(first_logged(18));
	reclean(18);
	world_switch_regs();
	TRY(expect_stale(18, 2, 1));
	asm volatile("tlbi ipas2e1os, %0" :: "r"((ADDR(18) >> 12) | TTL_4K(3)) : "memory");
	dsb(ish);
	asm volatile("tlbi vmalle1os" ::: "memory");
	dsb(ish);
	isb();
	printf("# IPAS2E1OS, VMALLE1OS\n");
	TRY(expect_logged(18, 3, 1));

	TRY(first_logged(19));
	reclean(19);
	world_switch_regs();
	TRY(expect_stale(19, 2, 1));
	asm volatile("sys #4, c8, c4, #3, %0" :: "r"(RANGE_OP(TEST_PAGE(18), 0, 0, 0)) : "memory");
	dsb(ish);		/* TLBI RIPAS2E1OS, pages 18 and 19 */
	asm volatile("tlbi vmalle1os" ::: "memory");
	dsb(ish);
	isb();
	printf("# RIPAS2E1OS, VMALLE1OS\n");
	TRY(expect_logged(19, 3, 1));
	return RES_PASS;
}

/*
 * 12. VTCR_EL2 is latched by the first stage-2 *walk* after the
 * invalidation, not by a TLB invalidation instruction: a RIPAS2E1IS issued
 * (no walk) while VTCR_EL2.HDBSS = 0, then HDBSS set: the next walk uses
 * HDBSS = 1 and latches it (a later clear without TLBI is not effective).
 */
static int t_vtcr_latch_taken_at_walk(void)
{
	PREP(VT_ALL, 0);
	s2_set_page(20, S2_CLEAN);
	s2_set_page(21, S2_CLEAN);
	vtcr_set(VTCR_HA | VTCR_HD);		/* VMALLS12E1IS + DSB: nothing latched */
	tlbi_ripas2e1is(RANGE_OP(TEST_PAGE(300), 0, 0, 0));
	dsb(ish);
	write_sysreg(vtcr_base() | VT_ALL, vtcr_el2);
	isb();
	printf("# RIPAS2E1IS with HDBSS = 0, then HDBSS = 1, no walk in between\n");
	TRY(expect_logged(20, 1, 0));
	write_sysreg(vtcr_base() | VTCR_HA | VTCR_HD, vtcr_el2);
	isb();
	printf("# HDBSS cleared, no TLBI\n");
	TRY(expect_logged(21, 2, 1));
	return RES_PASS;
}

/* VTTBR_EL2 with another VMID, same tables (VTCR_EL2.VS = 0: 8-bit VMID). */
static void set_vmid(u64 vmid)
{
	write_sysreg((vmid << 48) | (read_sysreg(vttbr_el2) & GENMASK(47, 0)), vttbr_el2);
	isb();
}

static int vmalls12_other_vmid(void)
{
	PREP(VT_ALL, 0);			/* VMID 1 */
	s2_set_page(22, S2_CLEAN);
	set_vmid(2);
	tlbi_vmalls12e1is();			/* nothing cached for VMID 2 */
	dsb(ish);
	isb();
	printf("# VMID 2: first write\n");
	TRY(expect_logged(22, 1, 0));		/* cached under VMID 2 */
	reclean(22);
	set_vmid(1);
	tlbi_vmalls12e1is();
	dsb(ish);
	isb();
	set_vmid(2);
	printf("# VMALLS12E1IS + DSB under VMID 1, back to VMID 2\n");
	TRY(expect_stale(22, 2, 1));
	tlbi_vmalls12e1is();
	dsb(ish);
	isb();
	printf("# VMALLS12E1IS + DSB under VMID 2\n");
	TRY(expect_logged(22, 3, 1));
	return RES_PASS;
}

/*
 * 13. VMALLS12E1IS removes the entries of the VMID in VTTBR_EL2 when it is
 * issued, not those of other VMIDs: a write permission cached under VMID 2
 * survives a VMALLS12E1IS issued under VMID 1 (same stage-2 tables), and
 * goes with one issued under VMID 2. Plain QEMU flushes its TLB when the
 * VMID changes, so without x-s2-sticky-tlb the write under VMID 2 is
 * logged again.
 */
static int t_vmalls12_other_vmid_kept(void)
{
	int r = vmalls12_other_vmid();

	set_vmid(1);
	return r;
}

/*
 * R_CGCHP across PEs: CPU 1 writes a writable-clean page at EL1 and comes
 * back to EL2 without a DSB.  Its entry, in its own buffer, stays
 * invisible to CPU 0 until CPU 1 itself executes a DSB: CPU 0's own DSB
 * does not complete another PE's entry stores.  (A hypervisor that drains
 * or frees a buffer on another CPU than the one that ran the vCPU must
 * have the running CPU issue a DSB of a shareability domain covering the
 * other CPU first; series issue, barrier scope.)
 */
#define XBUF	(HDBSS_BUF + 0x2000UL)
static volatile int x_step;
static volatile u64 x_r;

static u64 el1_write(u64 addr)
{
	*(volatile u64 *)addr = 0x18;
	return 0;
}

static void pe1_write_then_dsb(void)
{
	wr_hdbssbr(XBUF);
	wr_hdbssprod(0);
	isb();
	x_r = sec_guest(el1_write, ADDR(18));
	x_step = 1;		/* no DSB before this: see smp.S */
	while (x_step != 2)
		;
	dsb(ish);
	x_step = 3;
}

/* Test page @pg clean, @slot the sentinel, then CPU 1 runs @fn. */
static int two_pe_start(int pg, volatile u64 *slot, void (*fn)(void))
{
	PREP(VT_ALL, 0);
	s2_set_page(pg, S2_CLEAN);
	*slot = SENTINEL;
	dsb(ish);
	if (smp_start())
		CHECK(0, "no second PE (run with -smp 2)");
	x_step = 0;
	sec_aborts = 0;
	smp_call(fn);
	return RES_PASS;
}

static int t_delay_other_pe_sees_after_writer_dsb(void)
{
	volatile u64 *slot = (volatile u64 *)XBUF;
	u64 s_before, s_own_dsb, s_writer_dsb;
	int r = two_pe_start(18, slot, pe1_write_then_dsb);

	if (r != RES_PASS)
		return r;
	while (x_step != 1)
		;
	s_before = slot[0];
	dsb(ish);
	s_own_dsb = slot[0];
	x_step = 2;
	while (x_step != 3)
		;
	s_writer_dsb = slot[0];
	CHECK(smp_wait() == 0, "CPU 1 hung");
	smp_stop();	/* it would spin on a host core through the next cases */
	printf("# CPU 1 wrote page 18: CPU 0 reads its slot %#lx, after its own DSB %#lx, "
	       "after CPU 1's DSB %#lx\n", s_before, s_own_dsb, s_writer_dsb);
	CHECK(sec_aborts == 0 && x_r != ABORTED, "CPU 1's guest write aborted (ESR_EL2 %#lx)", sec_abort_esr);
	CHECK(s2_get_page(18) & S2AP_W, "descriptor not made dirty");
	CHECK(s_before == SENTINEL, "entry visible to CPU 0 before any DSB (%#lx)", s_before);
	CHECK(s_own_dsb == SENTINEL, "entry made visible by CPU 0's own DSB (%#lx): only the writer's DSB may",
	      s_own_dsb);
	CHECK(s_writer_dsb == entry4k(ADDR(18)), "after CPU 1's DSB the slot holds %#lx, expected %#lx",
	      s_writer_dsb, entry4k(ADDR(18)));
	return RES_PASS;
}

/*
 * 9c. A DSB NSH completes the writer's entry stores for the writer only
 * (x-hdbss-delay): CPU 1 reads its entry after its DSB NSH; CPU 0 then
 * writes the slot (a buffer freed and reused by another CPU), and the
 * entry reaches CPU 0 at CPU 1's next DSB ISH, after that write.  (A
 * hypervisor that frees or reuses a buffer on another CPU must have the
 * writing CPU issue a DSB of a domain that covers that CPU; series issue,
 * barrier scope.)
 */
#define YBUF	(HDBSS_BUF + 0x3000UL)
#define REUSED	0x1111222233334444UL
static volatile u64 y_local;

static void pe1_write_then_dsb_nsh(void)
{
	wr_hdbssbr(YBUF);
	wr_hdbssprod(0);
	isb();
	x_r = sec_guest(el1_write, ADDR(19));
	dsb(nsh);
	y_local = *(volatile u64 *)YBUF;
	x_step = 1;
	while (x_step != 2)
		;
	dsb(ish);
	x_step = 3;
}

static int t_delay_nsh_completes_for_writer_only(void)
{
	volatile u64 *slot = (volatile u64 *)YBUF;
	u64 s_reused, s_writer_ish;
	int r = two_pe_start(19, slot, pe1_write_then_dsb_nsh);

	if (r != RES_PASS)
		return r;
	while (x_step != 1)
		;
	slot[0] = REUSED;
	dsb(ish);
	s_reused = slot[0];
	x_step = 2;
	while (x_step != 3)
		;
	s_writer_ish = slot[0];
	CHECK(smp_wait() == 0, "CPU 1 hung");
	smp_stop();
	printf("# CPU 1 wrote page 19: it reads its slot %#lx after its DSB NSH; CPU 0 writes %#lx there "
	       "and reads %#lx, then %#lx after CPU 1's DSB ISH\n", y_local, REUSED, s_reused, s_writer_ish);
	CHECK(sec_aborts == 0 && x_r != ABORTED, "CPU 1's guest write aborted (ESR_EL2 %#lx)", sec_abort_esr);
	CHECK(s2_get_page(19) & S2AP_W, "descriptor not made dirty");
	CHECK(y_local == entry4k(ADDR(19)), "CPU 1 reads %#lx after its DSB NSH, expected its entry %#lx",
	      y_local, entry4k(ADDR(19)));
	CHECK(s_reused == REUSED, "CPU 0 reads %#lx after its own write and DSB", s_reused);
	CHECK(s_writer_ish == entry4k(ADDR(19)),
	      "after CPU 1's DSB ISH the slot holds %#lx: the entry, completed for CPU 1 only by its DSB NSH, "
	      "never reached CPU 0 (expected %#lx)", s_writer_ish, entry4k(ADDR(19)));
	return RES_PASS;
}

/*
 * 9e. A broadcast TLBI followed by a DSB NSH is complete for the issuing PE
 * only (x-s2-sticky-tlb): CPU 1 keeps its cached write permission for a
 * page that CPU 0 re-cleaned and invalidated with IPAS2E1IS and VMALLE1IS,
 * each completed by a DSB NSH, so CPU 1's next write neither walks nor
 * logs.  CPU 0's DSB ISH then completes both for CPU 1 at once: its
 * combined copy stays (the VMALLE1IS was issued before the IPAS2E1IS
 * completed there); a VMALLE1IS + DSB ISH removes it.  (A hypervisor that
 * re-cleans a page some other CPU may have cached must complete its
 * invalidation with a DSB of a domain covering that CPU.)
 */
#define ZBUF	(HDBSS_BUF + 0x4000UL)
static volatile u64 z_r[4], z_prod[4];

static void pe1_write_stale_until_ish(void)
{
	wr_hdbssbr(ZBUF);
	wr_hdbssprod(0);
	isb();
	for (int i = 0; i < 4; i++) {
		z_r[i] = sec_guest(el1_write, ADDR(20));
		dsb(ish);	/* completes CPU 1's entry stores, not CPU 0's TLBIs */
		isb();
		z_prod[i] = rd_hdbssprod();
		x_step = 2 * i + 1;
		while (x_step != 2 * i + 2)
			;
	}
}

static int t_tlbi_is_nsh_completes_for_issuer_only(void)
{
	volatile u64 *slot = (volatile u64 *)ZBUF;
	u64 d_nsh, d_ish, d_s1;
	int r;

	slot[1] = SENTINEL;
	r = two_pe_start(20, slot, pe1_write_stale_until_ish);
	if (r != RES_PASS)
		return r;
	while (x_step != 1)
		;
	reclean(20);
	tlbi_ipas2e1is(ADDR(20), TTL_4K(3));
	dsb(nsh);
	tlbi_vmalle1is();
	dsb(nsh);
	isb();
	x_step = 2;
	while (x_step != 3)
		;
	d_nsh = s2_get_page(20);
	dsb(ish);
	isb();
	x_step = 4;
	while (x_step != 5)
		;
	d_ish = s2_get_page(20);
	tlbi_vmalle1is();
	dsb(ish);
	isb();
	x_step = 6;
	while (x_step != 7)
		;
	d_s1 = s2_get_page(20);
	x_step = 8;
	CHECK(smp_wait() == 0, "CPU 1 hung");
	smp_stop();
	printf("# CPU 1's HDBSSPROD_EL2 after its four writes: %#lx, %#lx, %#lx, %#lx; descriptor after the "
	       "second %#lx, the third %#lx, the fourth %#lx\n", z_prod[0], z_prod[1], z_prod[2], z_prod[3],
	       d_nsh, d_ish, d_s1);
	CHECK(sec_aborts == 0 && z_r[0] != ABORTED && z_r[1] != ABORTED && z_r[2] != ABORTED &&
	      z_r[3] != ABORTED, "CPU 1's guest write aborted (ESR_EL2 %#lx)", sec_abort_esr);
	CHECK(HDBSSPROD_INDEX(z_prod[0]) == 1, "first write not logged (HDBSSPROD_EL2 %#lx)", z_prod[0]);
	CHECK(HDBSSPROD_INDEX(z_prod[1]) == 1 && !(d_nsh & S2AP_W),
	      "CPU 1's write after CPU 0's TLBIs and DSB NSHs walked the tables (INDEX %lu, descriptor "
	      "%#lx): a DSB NSH completed a broadcast invalidation for another PE",
	      HDBSSPROD_INDEX(z_prod[1]), d_nsh);
	CHECK(HDBSSPROD_INDEX(z_prod[2]) == 1 && !(d_ish & S2AP_W),
	      "CPU 1's write after CPU 0's DSB ISH walked the tables (INDEX %lu, descriptor %#lx): "
	      "the VMALLE1IS issued before the IPAS2E1IS completed on CPU 1 removed its combined copy",
	      HDBSSPROD_INDEX(z_prod[2]), d_ish);
	CHECK(HDBSSPROD_INDEX(z_prod[3]) == 2 && (d_s1 & S2AP_W),
	      "CPU 1's write after CPU 0's VMALLE1IS + DSB ISH used the stale permission (INDEX %lu, "
	      "descriptor %#lx)", HDBSSPROD_INDEX(z_prod[3]), d_s1);
	CHECK(slot[1] == entry4k(ADDR(20)), "slot 1 holds %#lx, expected %#lx", slot[1], entry4k(ADDR(20)));
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "sticky_write_survives_world_switch", t_sticky_write_survives_world_switch },
	{ "reclean_kvm_sequence_logs_again", t_reclean_kvm_sequence_logs_again },
	{ "tlbi_incomplete_without_dsb", t_tlbi_incomplete_without_dsb },
	{ "ttl_wrong_level_keeps_entry", t_ttl_wrong_level_keeps_entry },
	{ "ipas2_alone_keeps_combined", t_ipas2_alone_keeps_combined },
	{ "vmalls12_removes", t_vmalls12_removes },
	{ "nsh_broadcast_not_reapplied", t_nsh_broadcast_not_reapplied },
	{ "ripas2_range_removes", t_ripas2_range_removes },
	{ "vtcr_latched_until_vmalls12", t_vtcr_latched_until_vmalls12 },
	{ "delay_entry_invisible_until_dsb", t_delay_entry_invisible_until_dsb },
	{ "delay_other_pe_sees_after_writer_dsb", t_delay_other_pe_sees_after_writer_dsb },
	{ "delay_nsh_completes_for_writer_only", t_delay_nsh_completes_for_writer_only },
	{ "delay_ssbb_pssbb_complete_nothing", t_delay_ssbb_pssbb_complete_nothing },
	{ "delay_store_error_fsc_late", t_delay_store_error_fsc_late },
	{ "os_forms_remove", t_os_forms_remove },
	{ "vtcr_latch_taken_at_walk", t_vtcr_latch_taken_at_walk },
	{ "vmalls12_other_vmid_kept", t_vmalls12_other_vmid_kept },
	{ "tlbi_is_nsh_completes_for_issuer_only", t_tlbi_is_nsh_completes_for_issuer_only },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
