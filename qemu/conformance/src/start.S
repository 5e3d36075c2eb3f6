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
/* frame: x0..x30, elr, spsr, pad = 34 * 8 = 272 bytes */
.macro SAVE_FRAME
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
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el2
	str	x0, [sp, #256]
.endm

.macro RESTORE_FRAME
	ldr	x0, [sp, #256]
	msr	spsr_el2, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el2, x0
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
	SAVE_FRAME
	mov	x0, sp
	bl	el2_unexpected		/* does not return */
	b	.

v_cur_sync:
	SAVE_FRAME
	mov	x0, sp
	bl	el2_sync_current
	RESTORE_FRAME
	eret

v_low_sync:
	SAVE_FRAME
	mov	x0, sp
	bl	el2_sync_lower
	cbnz	x0, guest_exit
	RESTORE_FRAME
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
	ldr	x9, =el2_ctx
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ldr	x10, [x9, #96]
	mov	sp, x10
	ret

/* u64 run_el1(u64 (*fn)(u64), u64 arg) */
	.global run_el1
run_el1:
	ldr	x9, =el2_ctx
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	str	x10, [x9, #96]
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
