// SPDX-License-Identifier: GPL-2.0
/*
 * Program "el3_trap": run with -M virt,secure=on,virtualization=on -cpu max
 * -semihosting.  Starts at EL3.  SCR_EL3.HDBSSEn (bit 60) = 0 makes EL2
 * accesses to HDBSSBR_EL2/HDBSSPROD_EL2 trap to EL3 (EC 0x18); = 1 allows them.
 */
#include "tcommon.h"

#define SCR_NS		BIT(0)
#define SCR_RES1	(BIT(4) | BIT(5))
#define SCR_HCE		BIT(8)
#define SCR_RW		BIT(10)
#define SCR_HDBSSEN	BIT(60)

extern char el3_vectors[];
void run_el2(void (*fn)(void));

struct exit_req {
	u64 exit;
	u64 val;
};

static volatile int n_el3_traps;
static volatile u64 el3_esr[4];

struct exit_req el3_sync_lower(struct frame *f)
{
	u64 esr = read_sysreg(esr_el3);
	struct exit_req r = { 0, 0 };

	if (ESR_EC(esr) == EC_SMC64) {
		r.exit = 1;
		return r;
	}
	if (n_el3_traps < 4)
		el3_esr[n_el3_traps] = esr;
	n_el3_traps++;
	if (ESR_EC(esr) == EC_SYS64 && n_el3_traps < 100) {
		f->elr += 4;	/* skip the trapped access */
		return r;
	}
	printf("# unexpected exception to EL3 ESR_EL3=%#lx ELR_EL3=%#lx\n", esr, f->elr);
	r.exit = 1;
	return r;
}

static volatile u64 el2_val;

static void el2_access(void)
{
	wr_hdbssbr(HDBSS_BUF | 2);
	el2_val = rd_hdbssbr();
	wr_hdbssprod(7);
	(void)rd_hdbssprod();
}

/* Expected ISS for MSR/MRS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1], Dir [0] */
static u64 sys_iss(u64 op2, int read)
{
	return (3UL << 20) | (op2 << 17) | (4UL << 14) | (2UL << 10) | (3UL << 1) | (read ? 1 : 0);
}

#define ISS_NO_RT(iss) ((iss) & ~(0x1fUL << 5))

static void setup_scr(u64 extra)
{
	write_sysreg(SCR_NS | SCR_RES1 | SCR_HCE | SCR_RW | extra, scr_el3);
	isb();
}

static int t_hdbssen0_traps(void)
{
	static const u64 exp_op2[4] = { 2, 2, 3, 3 };
	static const int exp_rd[4] = { 0, 1, 0, 1 };
	int i;

	n_el3_traps = 0;
	el2_exc.count = 0;
	setup_scr(0);
	run_el2(el2_access);
	printf("# %d traps to EL3, %d exceptions at EL2 (last ESR_EL2 %#lx)\n",
	       n_el3_traps, el2_exc.count, el2_exc.esr);
	CHECK(el2_exc.count == 0, "access UNDEFINED at EL2 instead of trapping to EL3");
	el2_exc.count = 0;
	CHECK(n_el3_traps == 4, "%d traps to EL3, expected 4 (MSR/MRS x 2 registers)", n_el3_traps);
	for (i = 0; i < 4; i++) {
		u64 e = el3_esr[i];

		printf("# ESR_EL3[%d] = %#lx\n", i, e);
		CHECK(ESR_EC(e) == EC_SYS64, "EC %#lx, expected 0x18", ESR_EC(e));
		CHECK(ISS_NO_RT(ESR_ISS(e)) == sys_iss(exp_op2[i], exp_rd[i]),
		      "ISS %#lx, expected %#lx (Rt ignored)", ESR_ISS(e), sys_iss(exp_op2[i], exp_rd[i]));
	}
	return RES_PASS;
}

static int t_hdbssen1_no_trap(void)
{
	n_el3_traps = 0;
	el2_exc.count = 0;
	el2_val = 0;
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_access);
	printf("# %d traps to EL3, %d exceptions at EL2, HDBSSBR_EL2 read %#lx\n",
	       n_el3_traps, el2_exc.count, el2_val);
	CHECK(n_el3_traps == 0, "trapped to EL3 with HDBSSEn = 1");
	CHECK(el2_exc.count == 0, "access UNDEFINED at EL2 (ESR_EL2 %#lx)", el2_exc.esr);
	CHECK(el2_val == (HDBSS_BUF | 2), "HDBSSBR_EL2 read back %#lx", el2_val);
	return RES_PASS;
}

/*
 * VTCR_EL2.HDBSS "behaves as 0 for all purposes other than a direct read"
 * when SCR_EL3.HDBSSEn is 0 (VTCR_EL2 register description).
 */
static volatile u64 g_r1, g_r2, g_prod, g_d1, g_d2, g_e0, g_e1;

static void el2_setup(void)
{
	s2_init();
	hdbss_setup(0);
	s2_set_page(1, S2_CLEAN);
	s2_set_page(2, S2_CLEAN);
	vtcr_set(VT_ALL);
}

static void el2_write1(void) { g_r1 = guest_write(TEST_PAGE(1), 1); }
static void el2_write2(void) { g_r2 = guest_write(TEST_PAGE(2), 2); }

static void el2_collect(void)
{
	hdbss_sync();
	g_prod = rd_hdbssprod();
	g_d1 = s2_get_page(1);
	g_d2 = s2_get_page(2);
	g_e0 = hdbss_buf()[0];
	g_e1 = hdbss_buf()[1];
}

static int t_hdbssen0_vtcr_hdbss_ineffective(void)
{
	n_el3_traps = 0;
	el2_exc.count = 0;
	g_prod = ~0UL;
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_setup);
	setup_scr(0);			/* HDBSS off from EL3: VTCR_EL2.HDBSS behaves as 0 */
	run_el2(el2_write1);
	setup_scr(SCR_HDBSSEN);
	run_el2(el2_write2);		/* positive control: logged */
	run_el2(el2_collect);
	printf("# traps %d, EL2 exceptions %d, guest %#lx/%#lx, PROD %#lx, desc1 %#lx desc2 %#lx, entries %#lx %#lx\n",
	       n_el3_traps, el2_exc.count, g_r1, g_r2, g_prod, g_d1, g_d2, g_e0, g_e1);
	CHECK(el2_exc.count == 0 && n_el3_traps == 0, "unexpected exceptions");
	CHECK(g_r1 != ABORTED && g_r2 != ABORTED, "guest write aborted");
	CHECK(g_d1 & S2AP_W, "page 1 not made dirty (HAFDBS) while HDBSSEn = 0");
	CHECK(g_prod == 1, "HDBSSPROD_EL2 %#lx, expected INDEX 1 (only page 2 logged)", g_prod);
	CHECK(g_e0 == entry4k(TEST_PAGE(2)), "entry[0] %#lx, expected page 2", g_e0);
	CHECK(g_e1 == SENTINEL || g_e1 == 0, "entry[1] %#lx written", g_e1);
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "el3_hdbssen0_traps_to_el3", t_hdbssen0_traps },
	{ "el3_hdbssen1_no_trap", t_hdbssen1_no_trap },
	{ "el3_hdbssen0_vtcr_hdbss_ineffective", t_hdbssen0_vtcr_hdbss_ineffective },
};

int main(void)
{
	extern int current_el;

	if (current_el != 3) {
		int i;

		printf("KTAP version 1\n1..%d\n", (int)(sizeof(cases) / sizeof(cases[0])));
		printf("# started at EL%d, need EL3 (-M virt,secure=on)\n", current_el);
		for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++)
			printf("not ok %d %s\n", i + 1, cases[i].name);
		poweroff();
	}
	write_sysreg((u64)el3_vectors, vbar_el3);
	isb();
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
