/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cases shared by the programs "failsea" (-cpu max,x-hdbss-fail-store=2,
 * x-hdbss-fail-mode=sea) and "failseadirty" (...,x-hdbss-fail-mode=sea-dirty):
 * a failed entry store takes a synchronous External abort on the walk
 * (DFSC/IFSC 0b0101LL) with ISS2.HDBSSF = 1 (R_STJMN, R_JHHQW), before the
 * descriptor update (sea) or after it, leaving a dirty page with no entry
 * (sea-dirty, R_QNJKV). The including file defines SEA_DIRTY (0 or 1).
 *
 * The injected failure (x-hdbss-fail-store=2) is one-shot: the first two
 * cases depend on each other and must run first, in order. The other cases
 * make the store fail for real (BADDR at an unassigned physical address).
 */
#include "tcommon.h"

/* State seen by the abort hook, before the access is retried. */
struct at_abort {
	int seen;
	u64 desc, slot, mem, s1desc;
};
static struct at_abort at_abort;
static u64 hook_desc_addr, hook_mem_addr, hook_slot;
static int hook_fix_baddr;

static int sea_hook(volatile struct guest_abort *a)
{
	if (ESR_DFSC(a->esr) != FSC_SEA_WALK(3) || !(a->esr & ESR_HDBSSF) || at_abort.seen)
		return ABT_EXIT;
	at_abort.seen = 1;
	dsb(ish);
	at_abort.desc = *(volatile u64 *)hook_desc_addr;
	at_abort.slot = hdbss_buf()[hook_slot];
	at_abort.mem = hook_mem_addr ? *(volatile u64 *)hook_mem_addr : 0;
	at_abort.s1desc = ((volatile u64 *)S1_L2T)[S1_TEST_IDX];
	if (hook_fix_baddr) {
		/* the store failed for real: give the buffer a valid address for the retry */
		wr_hdbssbr(HDBSS_BUF);
		isb();
	}
	return ABT_RETRY;	/* re-execute, PC not advanced */
}

static void hook_setup(u64 desc_addr, u64 mem_addr, u64 slot, int fix)
{
	at_abort = (struct at_abort){ 0 };
	hook_desc_addr = desc_addr;
	hook_mem_addr = mem_addr;
	hook_slot = slot;
	hook_fix_baddr = fix;
	abort_policy = ABT_HOOK;
	abort_hook = sea_hook;
}

/* Data Abort: SEA on the stage-2 walk at level 3, HDBSSF, for a write to addr. */
#define CHECK_SEA_DABT(a, addr) do { \
	dump_abort(a); \
	CHECK(ESR_EC((a)->esr) == EC_DABT_LOW, "EC %#lx, expected 0x24", ESR_EC((a)->esr)); \
	CHECK(ESR_DFSC((a)->esr) == FSC_SEA_WALK(3), "DFSC %#lx, expected %#x (SEA on walk, level 3)", \
	      ESR_DFSC((a)->esr), FSC_SEA_WALK(3)); \
	CHECK((a)->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1"); \
	CHECK((a)->esr & ESR_WNR, "WnR = 0, expected 1"); \
	CHECK(!((a)->esr & ESR_S1PTW), "S1PTW = 1, expected 0"); \
	CHECK(hpfar_ipa((a)->hpfar) == ((addr) & ~0xfffUL), "HPFAR_EL2 IPA %#lx, expected %#lx", \
	      hpfar_ipa((a)->hpfar), (u64)((addr) & ~0xfffUL)); \
	CHECK((a)->far == (addr), "FAR_EL2 %#lx, expected %#lx", (a)->far, (u64)(addr)); \
} while (0)

static const char *mode_name = SEA_DIRTY ? "sea-dirty" : "sea";

/* Case 1 stores its outcome for case 2. */
static u64 inj_r;
static int inj_aborts, inj_ran;
#define INJ_ADDR	(TEST_PAGE(2) + 0x20)

/*
 * Store 1 is logged; store 2 fails (injected): Data Abort, SEA on walk
 * level 3, HDBSSF; at the abort: descriptor clean (sea) / dirty
 * (sea-dirty), INDEX 1, FSC 0, slot 1 not written, store not performed.
 */
static int t_inject_abort(void)
{
	volatile struct guest_abort *a = &aborts[0];

	PREP(VT_ALL, 0);
	s2_set_page(1, S2_CLEAN);
	s2_set_page(2, S2_CLEAN);
	*(volatile u64 *)INJ_ADDR = 0xabcd;
	CHECK_GUEST_OK(guest_write(TEST_PAGE(1), 1));
	CHECK_PROD(1, 0);
	CHECK_ENTRY(0, entry4k(TEST_PAGE(1)));
	hook_setup((u64)&s2_l3[2], INJ_ADDR, 1, 0);
	inj_r = guest_write(INJ_ADDR, 0x2222);
	inj_aborts = n_aborts;
	inj_ran = 1;
	CHECK(n_aborts >= 1, "store 2 did not abort (x-hdbss-fail-mode=%s); HDBSSPROD_EL2 %#lx, "
	      "descriptor %#lx", mode_name, prod(), s2_get_page(2));
	CHECK_SEA_DABT(a, INJ_ADDR);
	printf("# at the abort: descriptor %#lx, slot 1 %#lx, memory %#lx\n",
	       at_abort.desc, at_abort.slot, at_abort.mem);
	if (SEA_DIRTY)
		CHECK(at_abort.desc & S2AP_W, "descriptor still clean at the abort, expected dirty (sea-dirty)");
	else
		CHECK(!(at_abort.desc & S2AP_W), "descriptor made dirty before the abort, expected clean (sea)");
	CHECK(HDBSSPROD_INDEX(a->prod_at_fault) == 1 && HDBSSPROD_FSC(a->prod_at_fault) == 0,
	      "HDBSSPROD_EL2 at the abort %#lx, expected INDEX 1, FSC 0", a->prod_at_fault);
	CHECK(at_abort.slot == SENTINEL || at_abort.slot == 0, "slot 1 written at the abort: %#lx", at_abort.slot);
	CHECK(at_abort.mem == 0xabcd, "store performed before the abort");
	return RES_PASS;
}

/*
 * The retry (PC not advanced): sea -> the write walks again and is logged
 * at slot 1; sea-dirty -> the page is already dirty: no fault, no entry.
 */
static int t_inject_retry(void)
{
	CHECK(inj_ran, "depends on the previous case");
	CHECK(inj_r != ABORTED, "guest left after %d aborts (the hook retries only the SEA+HDBSSF abort)",
	      inj_aborts);
	CHECK(inj_aborts == 1, "%d aborts, expected exactly one", inj_aborts);
	CHECK(s2_get_page(2) & S2AP_W, "descriptor not dirty after the retry");
	CHECK(mem64(INJ_ADDR) == 0x2222, "retried store not performed");
	if (SEA_DIRTY) {
		CHECK_PROD(1, 0);
		CHECK_NO_ENTRY(1);
	} else {
		CHECK_PROD(2, 0);
		CHECK_ENTRY(1, entry4k(INJ_ADDR));
	}
	return RES_PASS;
}

/*
 * A real store failure (BADDR unassigned) in the same mode: same abort,
 * descriptor clean (sea) or dirty (sea-dirty) at the abort, INDEX and FSC
 * unchanged; the hook gives the buffer a valid address and retries.
 */
static int t_real_store_error(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 addr = TEST_PAGE(3) + 0x30, r;

	PREP(VT_ALL, 0);
	s2_set_page(3, S2_CLEAN);
	*(volatile u64 *)addr = 0xabcd;
	wr_hdbssbr(UNASSIGNED_PA);
	wr_hdbssprod(0);
	isb();
	hook_setup((u64)&s2_l3[3], addr, 0, 1);
	r = guest_write(addr, 0x3333);
	wr_hdbssbr(HDBSS_BUF);
	isb();
	CHECK(n_aborts >= 1, "no abort (x-hdbss-fail-mode=%s); HDBSSPROD_EL2 %#lx, descriptor %#lx",
	      mode_name, prod(), s2_get_page(3));
	CHECK_SEA_DABT(a, addr);
	printf("# at the abort: descriptor %#lx, memory %#lx\n", at_abort.desc, at_abort.mem);
	CHECK(a->prod_at_fault == 0, "HDBSSPROD_EL2 at the abort %#lx, expected 0", a->prod_at_fault);
	CHECK(at_abort.mem == 0xabcd, "store performed before the abort");
	if (SEA_DIRTY)
		CHECK(at_abort.desc & S2AP_W, "descriptor still clean at the abort, expected dirty (sea-dirty)");
	else
		CHECK(!(at_abort.desc & S2AP_W), "descriptor made dirty before the abort, expected clean (sea: "
		      "the abort comes before the update)");
	CHECK_GUEST_OK(r);
	CHECK(n_aborts == 1, "%d aborts, expected one", n_aborts);
	CHECK(mem64(addr) == 0x3333, "retried store not performed");
	if (SEA_DIRTY) {
		CHECK_PROD(0, 0);
		CHECK_NO_ENTRY(0);
	} else {
		CHECK_PROD(1, 0);
		CHECK_ENTRY(0, entry4k(addr));
	}
	return RES_PASS;
}

/*
 * Instruction fetch: the stage-1 walk of a fetch sets AF (TCR_EL1.HA) in a
 * table page that is writable-clean at stage 2; the entry store for that
 * stage-2 update fails (BADDR unassigned): Instruction Abort (EC 0x20),
 * IFSC SEA on walk level 3, S1PTW = 1, HDBSSF = 1, HPFAR = the table page.
 * After the retry the code runs. Whether the table page was dirtied at the
 * abort is checked for sea-dirty; for sea the data-side case checks it
 * (here the retry is only required to log the page if it was still clean).
 */
static int t_fetch_abort(void)
{
	volatile struct guest_abort *a = &aborts[0];
	u64 r;

	PREP(VT_ALL, 0);
	s1_tables(1);
	s1_test_code();
	s2_set_page(101, S2_CLEAN);
	wr_hdbssbr(UNASSIGNED_PA);
	wr_hdbssprod(0);
	isb();
	hook_setup((u64)&s2_l3[101], 0, 0, 1);
	el1_mmu_on(S1_L1, TCR_EL1_HA);
	r = run_el1((u64 (*)(u64))S1_TEST_VA, 0);
	el1_mmu_off();
	wr_hdbssbr(HDBSS_BUF);
	isb();
	CHECK(n_aborts >= 1, "no abort (x-hdbss-fail-mode=%s); HDBSSPROD_EL2 %#lx, table page %#lx",
	      mode_name, prod(), s2_get_page(101));
	dump_abort(a);
	printf("# at the abort: table page descriptor %#lx, stage-1 descriptor %#lx\n",
	       at_abort.desc, at_abort.s1desc);
	CHECK(ESR_EC(a->esr) == EC_IABT_LOW, "EC %#lx, expected 0x20 (Instruction Abort)", ESR_EC(a->esr));
	CHECK(ESR_DFSC(a->esr) == FSC_SEA_WALK(3), "IFSC %#lx, expected %#x (SEA on walk, level 3)",
	      ESR_DFSC(a->esr), FSC_SEA_WALK(3));
	CHECK(a->esr & ESR_S1PTW, "S1PTW = 0, expected 1");
	CHECK(a->esr & ESR_HDBSSF, "ISS2.HDBSSF = 0, expected 1");
	CHECK(hpfar_ipa(a->hpfar) == S1_L2T, "HPFAR IPA %#lx, expected the table page %#lx",
	      hpfar_ipa(a->hpfar), S1_L2T);
	CHECK(a->far == S1_TEST_VA, "FAR_EL2 %#lx, expected %#lx", a->far, S1_TEST_VA);
	CHECK(a->prod_at_fault == 0, "HDBSSPROD_EL2 at the abort %#lx, expected 0", a->prod_at_fault);
	CHECK(!(at_abort.s1desc & BIT(10)), "stage-1 AF set although its stage-2 update aborted");
	if (SEA_DIRTY)
		CHECK(at_abort.desc & S2AP_W, "table page still clean at the abort, expected dirty (sea-dirty)");
	CHECK(r == S1_CODE_RET, "the fetched code did not run after the retry (returned %#lx)", r);
	CHECK(n_aborts == 1, "%d aborts, expected one", n_aborts);
	CHECK(s1_test_desc() & BIT(10), "stage-1 AF not set after the retry");
	CHECK(s2_get_page(101) & S2AP_W, "table page not dirty after the retry");
	if (at_abort.desc & S2AP_W) {
		CHECK_PROD(0, 0);		/* already dirty at the retry */
		CHECK_NO_ENTRY(0);
	} else {
		CHECK_PROD(1, 0);
		CHECK_ENTRY(0, entry4k(S1_L2T));
	}
	return RES_PASS;
}
