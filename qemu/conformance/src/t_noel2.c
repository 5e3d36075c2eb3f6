// SPDX-License-Identifier: GPL-2.0
/*
 * Program "noel2": run with -M virt,secure=on,virtualization=off -cpu max
 * -semihosting. Starts at EL3 on a CPU with EL3 and no EL2. FEAT_HDBSS is
 * controlled from EL2 (VTCR_EL2.HDBSS, HDBSSBR_EL2, HDBSSPROD_EL2), so it
 * must not be advertised without EL2: ID_AA64MMFR1_EL1.HAFDBS reads 0b0011
 * (FEAT_HAFT stays), not 0b0100.
 */
#include "tcommon.h"

extern char noel2_el3_vectors[];

static int t_hafdbs_without_el2(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1), v = hafdbs();
	u64 el2 = (pfr0 >> 8) & 0xf, el3 = (pfr0 >> 12) & 0xf;

	printf("# ID_AA64PFR0_EL1 = %#lx (EL2 %lu, EL3 %lu), ID_AA64MMFR1_EL1.HAFDBS = %#lx\n",
	       pfr0, el2, el3, v);
	CHECK(el3 != 0, "EL3 not implemented (ID_AA64PFR0_EL1.EL3 = 0): run with secure=on");
	CHECK(el2 == 0, "EL2 implemented (ID_AA64PFR0_EL1.EL2 = %lu): run with virtualization=off", el2);
	CHECK(v != 4, "HAFDBS = 0b0100: FEAT_HDBSS advertised on a CPU without EL2");
	CHECK(v == 3, "HAFDBS = %#lx, expected 0b0011 (FEAT_HAFT, no FEAT_HDBSS)", v);
	return RES_PASS;
}

static const struct tcase cases[] = {
	{ "hafdbs_without_el2", t_hafdbs_without_el2 },
};

int main(void)
{
	ktap_run_el3(cases, sizeof(cases) / sizeof(cases[0]), noel2_el3_vectors,
		     "-M virt,secure=on,virtualization=off");
}
