/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny bare-metal framework for the FEAT_HDBSS / FEAT_HAFT conformance suite.
 * Runs at EL2 (or EL3 for the SCR_EL3.HDBSSEn program) on QEMU -M virt.
 */
#ifndef CONF_LIB_H
#define CONF_LIB_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;
typedef long s64;

#define BIT(n)		(1UL << (n))
#define GENMASK(h, l)	((~0UL << (l)) & (~0UL >> (63 - (h))))

/* ---- system register access ---------------------------------------- */
#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_sysreg(v, r) do { u64 __v = (u64)(v); asm volatile("msr " #r ", %0" :: "r"(__v) : "memory"); } while (0)
#define isb()		asm volatile("isb" ::: "memory")
#define dsb(opt)	asm volatile("dsb " #opt ::: "memory")

/* FEAT_HDBSS registers (generic encodings; not every assembler knows the names). */
#define HDBSSBR_EL2	S3_4_C2_C3_2
#define HDBSSPROD_EL2	S3_4_C2_C3_3
#define ID_AA64MMFR3_EL1 S3_0_C0_C7_3
#define rd_hdbssbr()	read_sysreg(S3_4_C2_C3_2)
#define rd_hdbssprod()	read_sysreg(S3_4_C2_C3_3)
#define wr_hdbssbr(v)	write_sysreg(v, S3_4_C2_C3_2)
#define wr_hdbssprod(v)	write_sysreg(v, S3_4_C2_C3_3)

#define HDBSSPROD_INDEX(v)	((v) & GENMASK(18, 0))
#define HDBSSPROD_FSC(v)	(((v) >> 26) & 0x3f)
#define HDBSSPROD_FSC_EXTABT	0x10UL
#define HDBSSPROD_FSC_SHIFT	26

/* HDBSS entry */
#define HDBSS_ENTRY_VALID	BIT(0)
#define HDBSS_ENTRY_TTWL(e)	(((e) >> 1) & 7)
#define HDBSS_ENTRY_IPA(e)	((e) & GENMASK(55, 12))

/* VTCR_EL2 */
#define VTCR_HA		BIT(21)
#define VTCR_HD		BIT(22)
#define VTCR_S2PIE	BIT(36)
#define VTCR_HAFT	BIT(44)
#define VTCR_HDBSS	BIT(45)

/* ESR_EL2 */
#define ESR_EC(e)	(((e) >> 26) & 0x3f)
#define ESR_ISS(e)	((e) & GENMASK(24, 0))
#define ESR_DFSC(e)	((e) & 0x3f)
#define ESR_WNR		BIT(6)
#define ESR_S1PTW	BIT(7)
#define ESR_HDBSSF	BIT(43)		/* ISS2 bit 11 */
#define EC_UNKNOWN	0x00
#define EC_HVC64	0x16
#define EC_SMC64	0x17
#define EC_SYS64	0x18
#define EC_IABT_LOW	0x20
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25
#define DFSC_PERM(l)	(0x0c | ((l) & 3))	/* permission fault, level 0..3 */

/* Stage-2 descriptor bits (VMSAv8-64, 4KB granule, FWB = 0) */
#define S2_TABLE	3UL
#define S2_PAGE		3UL
#define S2_BLOCK	1UL
#define S2_MEM_NORMAL	(0xfUL << 2)	/* MemAttr: Normal, Outer WB, Inner WB */
#define S2_MEM_DEVICE	(0x1UL << 2)	/* MemAttr: Device-nGnRE */
#define S2AP_R		BIT(6)
#define S2AP_W		BIT(7)		/* S2AP[1]; with S2PIE: Dirty */
#define S2_SH_IS	(3UL << 8)
#define S2_AF		BIT(10)		/* also the table-descriptor AF with HAFT */
#define S2_DBM		BIT(51)
#define S2_XN		(2UL << 53)
#define S2_OA(d)	((d) & GENMASK(47, 12))

#define S2_CLEAN	(S2AP_R | S2_DBM | S2_AF)		/* writable-clean */
#define S2_DIRTY	(S2AP_R | S2AP_W | S2_AF)		/* writable-dirty, no DBM */
#define S2_DIRTY_DBM	(S2AP_R | S2AP_W | S2_DBM | S2_AF)	/* writable-dirty, DBM */
#define S2_RO		(S2AP_R | S2_AF)			/* read-only, DBM = 0 */

/* ---- fixed memory layout (identity mapped, RAM at 0x40000000) ------- */
#define TEST_PAGES	0x41000000UL	/* 512 x 4KB pages, one level-3 table */
#define TEST_BLOCK	0x41200000UL	/* one 2MB level-2 block */
#define HDBSS_BUF	0x41400000UL	/* buffer area, NOT mapped at stage 2 */
#define HDBSS_BUF_AREA	0x00200000UL
#define GUARD_AREA	0x41600000UL	/* sentinel guard after a 2MB buffer, NOT mapped */
#define PT_AREA		0x41800000UL	/* translation tables, NOT mapped at stage 2 */
#define TEST_PAGE(i)	(TEST_PAGES + (u64)(i) * 0x1000UL)

#define SENTINEL	0x5a5a5a5aa5a5a5a5UL

/* ---- output ---------------------------------------------------------- */
void putc_uart(char c);
void puts_uart(const char *s);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void poweroff(void) __attribute__((noreturn));

/* ---- KTAP ---------------------------------------------------------------
 * A case is a function returning one of these; it prints "# " diagnostics.
 */
enum { RES_PASS = 0, RES_FAIL = 1, RES_SKIP = 2 };
struct tcase {
	const char *name;
	int (*fn)(void);
};
extern const char *skip_reason;
void ktap_run(const struct tcase *cases, int n) __attribute__((noreturn));
/*
 * For programs that must start at EL3: install @vectors in VBAR_EL3 and
 * run the cases, or, started below EL3, report every case as failed,
 * saying what @need.
 */
void ktap_run_el3(const struct tcase *cases, int n, void *vectors, const char *need)
	__attribute__((noreturn));
#define CHECK(cond, ...) do { if (!(cond)) { printf("# FAIL %s:%d: ", __func__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); return RES_FAIL; } } while (0)
#define SKIP(why) do { skip_reason = (why); return RES_SKIP; } while (0)

/* ---- exceptions --------------------------------------------------------- */
struct frame {
	u64 x[31];
	u64 elr;
	u64 spsr;
	u64 pad;
};

/* Exceptions taken from EL2 itself (e.g. UNDEFINED system registers). */
struct el2_exc {
	int count;
	u64 esr, far, elr;
};
extern volatile struct el2_exc el2_exc;

/* Stage-2 aborts / traps taken from the EL1 guest. */
#define MAX_ABORTS 8
struct guest_abort {
	u64 esr, far, hpfar, elr;
	u64 prod_at_fault;	/* HDBSSPROD_EL2 read in the handler, if readable */
};
extern volatile int n_aborts;
extern volatile struct guest_abort aborts[MAX_ABORTS];

/* What to do with a guest data abort: */
enum {
	ABT_EXIT = 0,	/* stop the guest, run_el1() returns ABORTED */
	ABT_SKIP,	/* skip the faulting instruction */
	ABT_HOOK,	/* call abort_hook; it returns ABT_EXIT/ABT_SKIP/ABT_RETRY */
	ABT_RETRY,	/* return without advancing the PC */
};
extern int abort_policy;
extern int (*abort_hook)(volatile struct guest_abort *a);
#define ABORTED	0xdead0000dead0000UL

/* Run fn(arg) at EL1 with stage 2 on; returns fn's return value or ABORTED. */
u64 run_el1(u64 (*fn)(u64), u64 arg);

/* ---- guest programs ----------------------------------------------------- */
enum { OP_END = 0, OP_W64, OP_R64, OP_W8, OP_STP, OP_DCZVA, OP_LDADD, OP_CAS };
struct gop {
	u64 kind, addr, val;
};
u64 guest_ops(u64 ops_ptr);
/* convenience: run one write / read at EL1 */
u64 guest_write(u64 addr, u64 val);
u64 guest_read(u64 addr);

/* ---- stage 2 ---------------------------------------------------------- */
extern u64 *s2_l1, *s2_l2, *s2_l3;
void s2_init(void);		/* identity map; VTTBR; default VTCR */
void s2_sync(void);		/* DSB + TLBI VMALLS12E1IS + DSB + ISB */
void vtcr_set(u64 extra);	/* base VTCR | extra (HA/HD/HDBSS/HAFT...) */
u64 vtcr_base(void);
void s2_set_page(int i, u64 attrs);	/* level-3 page TEST_PAGE(i) */
u64 s2_get_page(int i);
void s2_set_block(u64 attrs);		/* level-2 block at TEST_BLOCK */
u64 s2_get_block(void);
void s2_reset_test_pages(void);	/* all test pages + block writable-dirty */

void el1_mmu_on(u64 l1_ipa, u64 tcr_extra);
void el1_mmu_off(void);
#define TCR_EL1_HA	BIT(39)
#define TCR_EL1_HD	BIT(40)
#define TCR2_EL1	S3_0_C2_C0_3
#define TCR2_HAFT	BIT(11)
#define HCRX_EL2	S3_4_C1_C2_2
#define HCRX_TCR2EN	BIT(14)

/* ---- misc ------------------------------------------------------------ */
void *memset(void *d, int c, unsigned long n);
int el2_probe_sysreg_undef(void);
void hdbss_sync(void);		/* DSB (R_CGCHP) + ISB (I_XXFYP) */
u64 hafdbs(void);

/* HDBSS helpers with UNDEF protection: return 0 and bump *undef on trap */
int hdbss_regs_usable(void);
void hdbss_setup(u64 sz);	/* BR = HDBSS_BUF | sz, PROD = 0, buffer = SENTINEL */
static inline volatile u64 *hdbss_buf(void) { return (volatile u64 *)HDBSS_BUF; }

#endif
