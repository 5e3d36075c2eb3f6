/* SPDX-License-Identifier: GPL-2.0 */
/* EL3 vectors and run_el2() for the SCR_EL3.HDBSSEn program. */
	.text
#include "frame.h"

	.balign	0x800
	.global el3_vectors
el3_vectors:
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp	/* current EL SPx sync */
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_low_sync	/* lower EL AArch64 */
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
	VENTRY	e3_unexp
e3_unexp:
	SAVE_FRAME 3
	mov	x0, sp
	bl	el2_unexpected
	b	.
e3_low_sync:
	SAVE_FRAME 3
	mov	x0, sp
	bl	el3_sync_lower
	cbnz	x0, 1f
	RESTORE_FRAME 3
	eret
1:	RESTORE_CALLEE el3_ctx
	ret

/* void run_el2(void (*fn)(void)): run fn at EL2h, in the Security state SCR_EL3 selects; fn's caller does SMC #0. */
	.global run_el2
run_el2:
	SAVE_CALLEE el3_ctx
	ldr	x10, =el2_stack_top
	msr	sp_el2, x10
	mov	x10, #0x3c9		/* EL2h, DAIF masked */
	msr	spsr_el3, x10
	adr	x10, el2_tramp
	msr	elr_el3, x10
	isb
	eret
el2_tramp:
	blr	x0
	smc	#0
	b	.

	.bss
	.balign	16
el3_ctx:
	.skip	128
