/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception frame and vector-table macros shared by the EL2 runtime
 * (start.S) and the EL3 program (t_el3_trap.S).
 */
/* frame: x0..x30, elr, spsr, pad = 34 * 8 = 272 bytes */
.macro SAVE_FRAME el
	sub	sp, sp, #272
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el\el
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el\el
	str	x0, [sp, #256]
.endm

.macro RESTORE_FRAME el
	ldr	x0, [sp, #256]
	msr	spsr_el\el, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el\el, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #272
.endm

.macro VENTRY target
	.balign	0x80
	b	\target
.endm


/*
 * The callee-saved registers and SP of a run_elN() caller, kept in \ctx
 * while the lower EL runs (clobbers x9, x10).
 */
.macro SAVE_CALLEE ctx
	ldr	x9, =\ctx
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	str	x10, [x9, #96]
.endm

.macro RESTORE_CALLEE ctx
	ldr	x9, =\ctx
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ldr	x10, [x9, #96]
	mov	sp, x10
.endm
