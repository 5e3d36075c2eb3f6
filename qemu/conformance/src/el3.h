/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs that start at EL3 (t_el3_trap.S: its vectors and run_el2()):
 * SCR_EL3 bits and what the assembly expects from the program.
 */
#ifndef CONF_EL3_H
#define CONF_EL3_H
#include "lib.h"

#define SCR_NS		BIT(0)
#define SCR_RES1	(BIT(4) | BIT(5))
#define SCR_HCE		BIT(8)
#define SCR_RW		BIT(10)
#define SCR_EEL2	BIT(18)
#define SCR_HDBSSEN	BIT(60)

extern char el3_vectors[];
/* Run fn at EL2, in the Security state SCR_EL3 selects, until it returns. */
void run_el2(void (*fn)(void));

/*
 * What the program's el3_sync_lower(frame) returns: exit != 0 ends
 * run_el2(), otherwise the lower EL resumes at frame->elr.
 */
struct exit_req {
	u64 exit;
	u64 val;
};

/* Non-secure, EL2 enabled and AArch64 below EL3, plus extra. */
static inline void setup_scr(u64 extra)
{
	write_sysreg(SCR_NS | SCR_RES1 | SCR_HCE | SCR_RW | extra, scr_el3);
	isb();
}

#endif
