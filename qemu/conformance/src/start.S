/* SPDX-License-Identifier: GPL-2.0 */
/* EL2 entry, EL2 exception vectors, EL1 trampoline. */

	.section .text.boot, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	ldr	x0, =stack_top
	mov	sp, x0
	adr	x0, el2_vectors
	msr	vbar_el2, x0
	isb
	/* clear .bss */
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	bl	c_entry
	b	poweroff

	.text
#include "frame.h"

	.balign	0x800
el2_vectors:
	VENTRY	v_unexp		/* current EL, SP0 */
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_cur_sync	/* current EL, SPx */
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_low_sync	/* lower EL, AArch64 */
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_unexp		/* lower EL, AArch32 */
	VENTRY	v_unexp
	VENTRY	v_unexp
	VENTRY	v_unexp

v_unexp:
	SAVE_FRAME 2
	mov	x0, sp
	bl	el2_unexpected		/* does not return */
	b	.

v_cur_sync:
	SAVE_FRAME 2
	mov	x0, sp
	bl	el2_sync_current
	RESTORE_FRAME 2
	eret

v_low_sync:
	SAVE_FRAME 2
	mov	x0, sp
	bl	el2_sync_lower
	cbnz	x0, guest_exit
	RESTORE_FRAME 2
	eret

/* Leave the guest: return to run_el1()'s caller with x0 = value in x1. */
guest_exit:
	/*
	 * If the guest ran with SCTLR_EL2.EE = 1 (and the EL2 MMU off, see
	 * run_el1), go back to little-endian with the MMU on before touching
	 * any data written before the switch. No memory access before this.
	 */
	mrs	x9, sctlr_el2
	tbz	x9, #25, 1f
	bic	x9, x9, #(1 << 25)
	orr	x9, x9, #1
	msr	sctlr_el2, x9
	isb
1:	mov	x0, x1
	RESTORE_CALLEE el2_ctx
	ret

/* u64 run_el1(u64 (*fn)(u64), u64 arg) */
	.global run_el1
run_el1:
	SAVE_CALLEE el2_ctx
	ldr	x10, =guest_stack_top
	msr	sp_el1, x10
	mov	x10, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x10
	adr	x10, el1_trampoline
	msr	elr_el2, x10
	/* el2_ee_guest != 0: run the guest with SCTLR_EL2.EE = 1, EL2 MMU off */
	adrp	x10, el2_ee_guest
	ldr	w10, [x10, :lo12:el2_ee_guest]
	cbz	w10, 1f
	mrs	x11, sctlr_el2
	orr	x11, x11, #(1 << 25)
	bic	x11, x11, #1
	msr	sctlr_el2, x11
1:	isb
	eret

el1_trampoline:
	mov	x9, x0
	mov	x0, x1
	blr	x9
	hvc	#0
	b	.

	.bss
	.balign	16
	.global	el2_ee_guest
el2_ee_guest:
	.skip	16
el2_ctx:
	.skip	128
