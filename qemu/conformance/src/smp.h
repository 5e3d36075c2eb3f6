/* SPDX-License-Identifier: GPL-2.0 */
/* A second PE (smp.c), for -smp 2 programs. */
#ifndef CONF_SMP_H
#define CONF_SMP_H
#include "lib.h"

int smp_start(void);			/* PSCI CPU_ON of CPU 1; 0 when it runs */
void smp_call(void (*fn)(void));	/* run fn at EL2 on CPU 1, with this PE's
					 * EL1 and stage 2 registers; returns at once */
int smp_wait(void);			/* until the last call returned; 0 or -1 */
void smp_stop(void);			/* PSCI CPU_OFF of CPU 1 (smp_start() again to use it) */
u64 sec_guest(u64 (*fn)(u64), u64 arg);	/* on CPU 1: run fn(arg) at EL1 */
extern volatile int sec_aborts;		/* CPU 1's guest aborts (each ends its run) */
extern volatile u64 sec_abort_esr, sec_exc;
#endif
