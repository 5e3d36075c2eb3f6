// SPDX-License-Identifier: GPL-2.0
/*
 * Program "failseadirty": run with
 * -cpu max,x-hdbss-fail-store=2,x-hdbss-fail-mode=sea-dirty.
 * A failed entry store takes a synchronous External abort on the walk with
 * ISS2.HDBSSF after the descriptor was made writable-dirty (R_QNJKV): the
 * page is dirty with no entry, and the retry logs nothing. The first two
 * cases depend on each other (one-shot injection); see tfailsea.h.
 */
#define SEA_DIRTY 1
#include "tfailsea.h"

static const struct tcase cases[] = {
	{ "seadirty_inject_abort_after_update", t_inject_abort },
	{ "seadirty_inject_retry_no_entry", t_inject_retry },
	{ "seadirty_real_store_error_after_update", t_real_store_error },
	{ "seadirty_fetch_s1_walk_abort", t_fetch_abort },
};

int main(void)
{
	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
