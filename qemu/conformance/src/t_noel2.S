/* SPDX-License-Identifier: GPL-2.0 */
/* EL3 vectors for the "noel2" program (EL3, no EL2): its case only reads ID
 * registers, so any exception is unexpected: report it and stop. */
	.text
#include "frame.h"

	.balign	0x800
	.global noel2_el3_vectors
noel2_el3_vectors:
	VENTRY	n3_unexp	/* current EL, SP0 */
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp	/* current EL, SPx */
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp	/* lower EL, AArch64 */
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp	/* lower EL, AArch32 */
	VENTRY	n3_unexp
	VENTRY	n3_unexp
	VENTRY	n3_unexp
n3_unexp:
	SAVE_FRAME 3
	mov	x0, sp
	bl	el2_unexpected		/* does not return */
	b	.
