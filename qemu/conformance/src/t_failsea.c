// SPDX-License-Identifier: GPL-2.0
/*
 * Program "failsea": run with -cpu max,x-hdbss-fail-store=2,x-hdbss-fail-mode=sea.
 * A failed entry store takes a synchronous External abort on the walk with
 * ISS2.HDBSSF, before the descriptor update (descriptor stays clean). The
 * first two cases depend on each other (one-shot injection); see tfailsea.h.
 */
#define SEA_DIRTY 0
#include "tfailsea.h"

static const struct tcase cases[] = {
	{ "sea_inject_abort_before_update", t_inject_abort },
	{ "sea_inject_retry_logged", t_inject_retry },
	{ "sea_real_store_error_before_update", t_real_store_error },
	{ "sea_fetch_s1_walk_abort", t_fetch_abort },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
