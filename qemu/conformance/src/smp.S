/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The second PE (smp.c): its PSCI CPU_ON entry, EL2 vectors and EL1
 * trampoline.  Nothing on its guest entry and exit paths issues a DSB,
 * so that the cases about when another PE sees its HDBSS entries decide
 * where its DSBs are.
 */
	.text
#include "frame.h"

/* CPU_ON entry: EL2, MMU off, x0 = the context (its stack top). */
	.global	sec_entry
sec_entry:
	msr	daifset, #0xf
	mov	sp, x0
	adr	x1, sec_vectors
	msr	vbar_el2, x1
	isb
	bl	sec_main
	b	.

	.balign	0x800
sec_vectors:
	VENTRY	sec_unexp	/* current EL, SP0 */
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_cur_sync	/* current EL, SPx */
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_low_sync	/* lower EL, AArch64 */
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_unexp	/* lower EL, AArch32 */
	VENTRY	sec_unexp
	VENTRY	sec_unexp
	VENTRY	sec_unexp

sec_unexp:
	SAVE_FRAME 2
	mov	x0, sp
	bl	sec_unexpected
	b	.

sec_cur_sync:
	SAVE_FRAME 2
	mov	x0, sp
	bl	sec_sync_current
	RESTORE_FRAME 2
	eret

sec_low_sync:
	SAVE_FRAME 2
	mov	x0, sp
	bl	sec_sync_lower
	cbnz	x0, sec_guest_exit
	RESTORE_FRAME 2
	eret

sec_guest_exit:
	mov	x0, x1
	RESTORE_CALLEE sec_ctx
	ret

/* u64 sec_run_el1(u64 (*fn)(u64), u64 arg, u64 el1_stack_top) */
	.global	sec_run_el1
sec_run_el1:
	SAVE_CALLEE sec_ctx
	msr	sp_el1, x2
	mov	x10, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x10
	adr	x10, sec_el1_trampoline
	msr	elr_el2, x10
	isb
	eret

sec_el1_trampoline:
	mov	x9, x0
	mov	x0, x1
	blr	x9
	hvc	#0
	b	.

	.bss
	.balign	16
sec_ctx:
	.skip	128
