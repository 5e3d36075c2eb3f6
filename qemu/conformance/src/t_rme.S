/* SPDX-License-Identifier: GPL-2.0 */
/* EL3 vectors and run_el2(): the same as the el3_trap program's. */
#include "t_el3_trap.S"
