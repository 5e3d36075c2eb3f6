/* SPDX-License-Identifier: GPL-2.0 */
/* EL3 vectors and run_el2() for the SCR_EL3.HDBSSEn program. */
	.text
.macro SAVE3
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
	mrs	x0, elr_el3
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el3
	str	x0, [sp, #256]
.endm
.macro RESTORE3
	ldr	x0, [sp, #256]
	msr	spsr_el3, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el3, x0
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
.macro V3 target
	.balign	0x80
	b	\target
.endm
	.balign	0x800
	.global el3_vectors
el3_vectors:
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp	/* current EL SPx sync */
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_low_sync	/* lower EL AArch64 */
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
	V3 e3_unexp
e3_unexp:
	SAVE3
	mov	x0, sp
	bl	el2_unexpected
	b	.
e3_low_sync:
	SAVE3
	mov	x0, sp
	bl	el3_sync_lower
	cbnz	x0, 1f
	RESTORE3
	eret
1:	ldr	x9, =el3_ctx
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ldr	x10, [x9, #96]
	mov	sp, x10
	ret

/* void run_el2(void (*fn)(void)): run fn at (Non-secure) EL2h; fn's caller does SMC #0. */
	.global run_el2
run_el2:
	ldr	x9, =el3_ctx
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	str	x10, [x9, #96]
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
