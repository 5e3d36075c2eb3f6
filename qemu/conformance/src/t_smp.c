// SPDX-License-Identifier: GPL-2.0
/*
 * Program "smp": run with -smp 2 -accel tcg,thread=multi -cpu max.
 * Two PEs, each with its own HDBSS buffer, write the same writable-clean
 * pages at the same time: each page's descriptor goes from writable-clean
 * to writable-dirty once, so exactly one of the two PEs logs it.  The PE
 * whose compare-and-swap of the descriptor loses finds it dirty on its
 * retry and logs nothing: no page is logged twice or not at all, no
 * entry lands outside a buffer or past its PE's INDEX, and the two
 * buffers (adjacent 4 KB buffers with a guard page each, in one region)
 * do not disturb each other.
 */
#include "tcommon.h"
#include "smp.h"

#define NPAGES		256
#define FIRST		200		/* TEST_PAGE(200 .. 455) */
#define ROUNDS		16
#define BUF0		HDBSS_BUF			/* PE 0, guard at +0x1000 */
#define BUF1		(HDBSS_BUF + 0x2000UL)		/* PE 1, guard at +0x3000 */

static volatile int go, ready1, lockstep;
static volatile u64 prod1;
/* Pages written so far by each PE (in the guest; identity mapped, dirty). */
static volatile int done_by[2], started[2];

/*
 * Guest (EL1) of PE @me: write the NPAGES pages, in ascending order or,
 * for PE 1 outside lockstep rounds, descending; in lockstep rounds each
 * PE waits for the other to reach the same page first, so that both
 * walk its clean descriptor at about the same time.  Either way neither
 * starts before the other has entered its guest.
 */
static u64 race_writes(u64 me)
{
	int i;

	started[me] = 1;
	while (!started[!me])
		;
	for (i = 0; i < NPAGES; i++) {
		int pg = (lockstep || !me) ? i : NPAGES - 1 - i;

		if (lockstep)
			while (done_by[!me] < i)
				;
		*(volatile u64 *)(TEST_PAGE(FIRST + pg) + 8 * me) = 0x10 + me;
		done_by[me] = i + 1;
	}
	return 0;
}

static void fill(u64 base, u64 bytes)
{
	volatile u64 *b = (volatile u64 *)base;
	u64 i;

	for (i = 0; i < bytes / 8; i++)
		b[i] = SENTINEL;
}

/* On CPU 1: its buffer, wait for the start, write every page. */
static void pe1_writes(void)
{
	wr_hdbssbr(BUF1);
	wr_hdbssprod(0);
	isb();
	ready1 = 1;
	while (!go)
		;
	(void)sec_guest(race_writes, 1);
	dsb(ish);		/* R_CGCHP: its entries visible to PE 0 */
	isb();			/* I_XXFYP */
	prod1 = rd_hdbssprod();
}

static int count_in(u64 base, u64 n, u64 want)
{
	volatile u64 *b = (volatile u64 *)base;
	int c = 0;
	u64 i;

	for (i = 0; i < n; i++)
		c += b[i] == want;
	return c;
}

static int t_smp_race_one_descriptor(void)
{
	int r, i, both = 0, tot0 = 0, tot1 = 0, ls0 = 0, ls1 = 0;

	REQUIRE_HDBSS();
	if (smp_start())
		CHECK(0, "no second PE (run with -smp 2)");
	vtcr_set(VT_ALL);
	for (r = 0; r < ROUNDS; r++) {
		u64 p0, i0, i1, g0 = 0;

		fill(BUF0, 0x4000);
		for (i = 0; i < NPAGES; i++)
			s2_l3[FIRST + i] = (TEST_PAGE(FIRST + i) & GENMASK(47, 12)) | S2_PAGE |
					   S2_MEM_NORMAL | S2_SH_IS | S2_CLEAN;
		s2_sync();
		wr_hdbssbr(BUF0);
		wr_hdbssprod(0);
		isb();
		go = 0;
		ready1 = 0;
		lockstep = r & 1;
		done_by[0] = done_by[1] = 0;
		started[0] = started[1] = 0;
		sec_aborts = 0;
		smp_call(pe1_writes);
		while (!ready1)
			;
		go = 1;
		CHECK_GUEST_OK(run_el1(race_writes, 0));
		CHECK(smp_wait() == 0, "CPU 1 hung");
		CHECK(sec_aborts == 0, "CPU 1's guest aborted (ESR_EL2 %#lx)", sec_abort_esr);
		hdbss_sync();
		p0 = rd_hdbssprod();
		i0 = HDBSSPROD_INDEX(p0);
		i1 = HDBSSPROD_INDEX(prod1);
		CHECK(HDBSSPROD_FSC(p0) == 0 && HDBSSPROD_FSC(prod1) == 0, "FSC set: PROD %#lx / %#lx", p0, prod1);
		CHECK(i0 + i1 == NPAGES, "round %d: INDEX %lu + %lu, expected %d entries in all",
		      r, i0, i1, NPAGES);
		for (i = 0; i < NPAGES; i++) {
			u64 e = entry4k(TEST_PAGE(FIRST + i));
			int n0 = count_in(BUF0, i0, e), n1 = count_in(BUF1, i1, e);

			CHECK(n0 + n1 == 1, "round %d: page %d logged %d times by PE 0 and %d by PE 1",
			      r, FIRST + i, n0, n1);
			CHECK(s2_l3[FIRST + i] & S2AP_W, "round %d: page %d not dirty", r, FIRST + i);
		}
		for (i = i0; i < 512; i++)
			g0 += ((volatile u64 *)BUF0)[i] != SENTINEL && ((volatile u64 *)BUF0)[i] != 0;
		for (i = i1; i < 512; i++)
			g0 += ((volatile u64 *)BUF1)[i] != SENTINEL && ((volatile u64 *)BUF1)[i] != 0;
		CHECK(g0 == 0, "round %d: %lu slots at or past INDEX written", r, g0);
		CHECK(count_in(BUF0 + 0x1000, 512, SENTINEL) == 512 &&
		      count_in(BUF1 + 0x1000, 512, SENTINEL) == 512, "round %d: a guard page was written", r);
		both += i0 && i1;
		tot0 += i0;
		tot1 += i1;
		if (lockstep) {
			ls0 += i0;
			ls1 += i1;
		}
	}
	printf("# %d rounds of %d pages: PE 0 logged %d, PE 1 %d; both logged in %d rounds; "
	       "in the %d lockstep rounds PE 0 logged %d, PE 1 %d\n",
	       ROUNDS, NPAGES, tot0, tot1, both, ROUNDS / 2, ls0, ls1);
	smp_stop();
	/* Lockstep: both PEs wrote every page at about the same time. */
	CHECK(ls0 && ls1, "in the lockstep rounds one PE logged nothing: no race took place");
	vtcr_set(0);
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "smp_race_one_descriptor", t_smp_race_one_descriptor },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
