// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate_sim - a pre-copy live migration, simulated on the KVM selftests
 * library, to compare dirty logging with FEAT_HDBSS (kvm.hdbss=Y) and with
 * classic write-protect dirty logging (kvm.hdbss=N).
 *
 * The guest: each vCPU owns a region of -m MiB in its own memslot.  It
 * writes every page of the region once (prefault), then loops forever over
 * a "hot set" (the first -w percent of the region's pages), in order (seq)
 * or in a fixed pseudo-random order (rand), writing one u64 per page, a
 * running counter, and publishing that counter (its progress) after every
 * page.  It leaves the guest only when the host asks it to stop.
 *
 * The host is the VMM of a pre-copy migration: after a warm-up that gives
 * the guest's baseline progress rate, it enables dirty logging and copies
 * all memory to a "destination" (round 0), then repeats KVM_GET_DIRTY_LOG +
 * KVM_CLEAR_DIRTY_LOG and copies what they report (rounds 1..) until a
 * round reports no more than the blackout budget or -R rounds are done.
 * Then it stops the vCPUs (blackout), collects and copies the last dirty
 * pages, and checks that the destination equals guest memory.  Copying is
 * throttled to a modelled link bandwidth (-B).
 *
 * A control run (-n) makes the same migration without dirty logging: each
 * collection reports the whole hot set, which is what a logged round
 * reports once saturated, so the copy thread moves the same pages and
 * competes with the vCPUs for the CPUs in the same way; its lost
 * progress is that of the copy and the blackout alone.  Counts of a
 * control run are modelled, not measured.
 *
 * QEMU's use of the log, as options: -c cleans a slot in chunks (QEMU:
 * 1 GiB), each CLEAR just before its chunk is copied; -I sets
 * KVM_DIRTY_LOG_INITIALLY_SET, so that enabling logging protects nothing
 * and round 0 cleans each chunk as it copies it.  By default a slot is
 * cleaned by one CLEAR, and enabling logging protects all memory.  -S
 * splits each vCPU's region into that many memslots (a VMM's RAM blocks,
 * DIMMs), each read by its own KVM_GET_DIRTY_LOG and cleaned in its own
 * chunks.  -b backs guest memory with transparent huge pages or hugetlb
 * pages, so that stage 2 maps blocks until logging splits them: the time
 * to enable logging (eager splitting) and the stage-2 page-table memory
 * (SecPageTables in /proc/meminfo) before logging and at its end are
 * reported.  -g reads the log through a dirty ring of that many entries
 * per vCPU (with KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP, as QEMU on arm64): a
 * reaper thread harvests the rings every second, a vCPU whose ring is
 * full harvests them itself, and each collection first makes every vCPU
 * leave the guest once (a signal, as QEMU's kick), so that what the CPU
 * logged is in the rings, then harvests them; the final collection also
 * reads the bitmap (KVM_GET_DIRTY_LOG).
 *
 * What it measures: the guest's progress rate before, during and after
 * logging, the progress lost to the migration, the cost of each round
 * (GET, CLEAR, copy) and, from the per-vCPU statistics, how the dirty pages
 * were tracked: write-protect faults (classic) or HDBSS entries and
 * buffer-full exits (FEAT_HDBSS).
 *
 * Reproducibility: two runs must agree on every count.  Counts depend on
 * how far the guest gets between two collections, so every round lasts at
 * least -r ms, long enough for the guest to sweep its whole hot set several
 * times: every collection then reports exactly the hot set (the round is
 * "saturated"), and so do the write-protect faults or HDBSS entries.  With
 * the defaults the hot set (16384 pages per vCPU) is far above the blackout
 * budget (512), so -R, not timing, decides the number of rounds.  A round
 * that reports anything other than the hot set is flagged (saturated=0).
 *
 * Defaults, chosen for an emulated (QEMU TCG) arm64 machine with 2 CPUs
 * that runs the VMs itself (the test bed's), where a first touch of a
 * guest page costs 10-50 us on a kernel without debug options, a write to
 * a page already mapped well under 1 us and a write-protect fault 20-50 us:
 *  -v 2: one vCPU per emulated CPU; more would measure the scheduler too.
 *  -m 256: the prefault takes a few seconds; guest memory plus destination
 *      is 1 GiB.  The hot set (below) is then far larger than what the
 *      emulator's software TLB covers, so that the guest runs at a steady
 *      (slow) rate: with hot sets of a few thousand pages, the rate jumps
 *      between two levels 4 times apart (most likely as the emulator
 *      resizes its TLB), and the noise hides the cost of dirty logging.
 *  -w 25: a hot set of 16384 pages per vCPU.  Its first sweep after a
 *      CLEAR costs 16384 write-protect faults (about 0.5 s) with classic
 *      logging, 32 buffer-full exits with HDBSS.
 *  -p rand: a fixed random order, so that consecutive writes do not share
 *      a TLB entry or a cache line of the page tables.
 *  -r 3000: a round lasts many times the slowest first sweep, so that the
 *      hot set is swept whole in every round (saturation) even when the
 *      emulator's threads are descheduled for a while.
 *  -B 200: a round's 32768 dirty pages (128 MiB) are copied in 640 ms,
 *      within a round, so -r sets the round length, not the copy; round 0
 *      (512 MiB) takes 2.6 s.
 *  -D 512: a small part of the hot set, so the defaults never converge and
 *      -R decides the number of rounds.
 *  -R 8: 8 rounds of 3 s: the migration lasts about 27 s.
 *  -W 3000, -A 2000, -t 100: 30 samples for the baseline, 20 after.
 * The whole run then takes about 40 s with HDBSS on or off.
 *
 * Rates: the emulated CPUs run at an uneven speed (samples of 100 ms vary
 * by 10-20% at best, and a vCPU thread that was just created runs slowly for a few
 * hundred ms, as at the start of the after phase).  Rates before and after
 * are therefore the medians of their samples, and the baseline the median
 * of both, with the interquartile range of those samples as a measure of
 * the noise.  The lost progress is the baseline times the migration's
 * length (blackout included) minus the writes the guest made in that time:
 * a loss smaller than the noise is no loss that this machine can measure.
 *
 * Output: KTAP.  Comment lines ("# ...") say what happened; the machine
 * readable lines are "# round N KEY=VALUE...", "# sample T_MS RATE PHASE"
 * and, last, "# result KEY VALUE".  They are all printed after the
 * migration, so that console output cannot stretch the rounds.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <linux/bitmap.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"

#define TEST_PAGE_SIZE		4096UL
#define PAGES_PER_MIB		(SZ_1M / TEST_PAGE_SIZE)

/* Test memory is identity mapped (GVA == GPA) from 4 GiB, a slot per GiB. */
#define TEST_GPA_BASE		((u64)SZ_4G)
#define TEST_SLOT_ALIGN		((u64)SZ_1G)
#define FIRST_TEST_SLOT		1

#define MAX_VCPUS		64

#define HDBSS_PARAM		"/sys/module/kvm/parameters/hdbss"

/* Generous for an emulator: the prefault of 64 MiB takes about 8 s. */
#define READY_TIMEOUT_S		600
#define STOP_TIMEOUT_S		60

#define NSEC_PER_MS		1000000ULL

/* -g: the signal that makes a vCPU leave the guest, and the reaper's period. */
#define SIG_KICK		SIGUSR1
#define REAP_PERIOD_MS		1000

/* Marks prefault values, which the hot loop's counter never reaches. */
#define PREFAULT_MAGIC		BIT_ULL(63)

/*
 * Per-vCPU guest state.  It lives in memslot 0, which is neither logged
 * nor migrated, so that publishing progress dirties no test page.  One
 * cache line per vCPU: a vCPU's progress stores do not disturb the others.
 */
struct guest_vcpu {
	u64 gva;		/* the region, identity mapped */
	u64 npages;
	u64 hot_pages;		/* the first hot_pages pages of the region */
	u64 perm_gva;		/* rand: u32 order of the hot set; seq: 0 */
	u64 progress;		/* guest: hot-set writes so far */
	u64 ready;		/* guest: the prefault is done */
} __aligned(64);

static struct guest_vcpu guest_vcpus[MAX_VCPUS];
static u64 guest_stop __aligned(64);

static void guest_code(u64 idx)
{
	struct guest_vcpu *gv = &guest_vcpus[idx];
	const u32 *perm = (const u32 *)gv->perm_gva;
	u64 base = gv->gva, hot = gv->hot_pages;
	u64 count = 0, i, page;

	/* Map and populate every page while logging is still off. */
	for (page = 0; page < gv->npages; page++)
		WRITE_ONCE(*(u64 *)(base + page * TEST_PAGE_SIZE),
			   PREFAULT_MAGIC | idx << 32 | page);
	WRITE_ONCE(gv->ready, 1);

	for (;;) {
		for (i = 0; i < hot; i++) {
			page = perm ? perm[i] : i;
			count++;
			WRITE_ONCE(*(u64 *)(base + page * TEST_PAGE_SIZE), count);
			WRITE_ONCE(gv->progress, count);

			/* Park in the host until it runs the vCPU again. */
			if (READ_ONCE(guest_stop))
				GUEST_SYNC(count);
		}
	}
}

enum pattern {
	PATTERN_SEQ,
	PATTERN_RAND,
};

static const char * const pattern_names[] = {
	[PATTERN_SEQ] = "seq",
	[PATTERN_RAND] = "rand",
};

static u32 opt_vcpus = 2;
static u32 opt_mib = 256;
static u32 opt_write_pct = 25;
static enum pattern opt_pattern = PATTERN_RAND;
static u32 opt_bw_mib = 200;
static u32 opt_budget = 512;
static u32 opt_rounds = 8;
static u32 opt_warmup_ms = 3000;
static u32 opt_after_ms = 2000;
static u32 opt_sample_ms = 100;
static u32 opt_min_round_ms = 3000;
static u64 opt_seed = 1;
static u32 opt_chunk_mib;
static bool opt_initially_set;
static bool opt_no_log;
static u32 opt_slots = 1;
static u32 opt_ring;
static enum vm_mem_backing_src_type opt_backing = VM_MEM_SRC_ANONYMOUS;

static const struct {
	const char *name;
	enum vm_mem_backing_src_type src;
} backings[] = {
	{ "anon", VM_MEM_SRC_ANONYMOUS },
	{ "thp", VM_MEM_SRC_ANONYMOUS_THP },
	{ "hugetlb", VM_MEM_SRC_ANONYMOUS_HUGETLB },
};

static const char *backing_name(enum vm_mem_backing_src_type src)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(backings); i++) {
		if (backings[i].src == src)
			return backings[i].name;
	}
	return "?";
}

enum phase {
	PHASE_IDLE,		/* no guest progress expected: not sampled */
	PHASE_BEFORE,
	PHASE_LOGGING,
	PHASE_BLACKOUT,
	PHASE_AFTER,
};

static const char * const phase_names[] = {
	[PHASE_IDLE] = "idle",
	[PHASE_BEFORE] = "before",
	[PHASE_LOGGING] = "logging",
	[PHASE_BLACKOUT] = "blackout",
	[PHASE_AFTER] = "after",
};

/* Sums over the vCPUs of the statistics that the series adds. */
struct vstats {
	u64 wp_faults;
	u64 entries;
	u64 full_exits;
	u64 recoveries;
	u64 exits;
};

/* A point in time: the clock, the guest's total progress, the stats. */
struct mark {
	u64 t;
	u64 progress;
	struct vstats st;
};

/* At most this many memslots per vCPU (-S). */
#define MAX_SLOTS		64

struct vcpu_ctx {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	u32 idx;
	struct guest_vcpu *g;	/* host view of guest_vcpus[idx] */
	u32 first_slot;		/* -S memslots from this one, in GPA order */
	u64 slot_pages;		/* pages per memslot */
	u64 gpa;
	u64 npages;
	u64 hot_pages;
	u8 *hva[MAX_SLOTS];	/* each memslot's memory */
	u8 *dest;		/* the destination's copy of the region */
	unsigned long *bmap;	/* the log of the region, memslot after memslot */
	/* -g: the ring's fetch index is vcpu->fetch_index, under sim.reap_lock */
	unsigned long *ring_bmap; /* harvested, not yet collected, same lock */
	u64 kicks;		/* SIG_KICK handled by the vCPU's thread */
	u64 ring_full;		/* KVM_EXIT_DIRTY_RING_FULL exits */
};

enum round_kind {
	ROUND_FULL,		/* round 0: everything */
	ROUND_ITER,		/* rounds 1..: what the log reports */
	ROUND_FINAL,		/* the last collection, vCPUs stopped */
};

static const char * const kind_names[] = {
	[ROUND_FULL] = "full",
	[ROUND_ITER] = "iter",
	[ROUND_FINAL] = "final",
};

struct round_rec {
	enum round_kind kind;
	u64 dirtied;		/* pages reported by the log */
	u64 copied;
	u64 stray;		/* reported pages outside the hot set */
	bool saturated;		/* every vCPU's whole hot set was reported */
	u64 enable_ns;		/* round 0: enabling dirty logging */
	u64 get_ns;
	u64 clear_ns;
	u64 clears;		/* KVM_CLEAR_DIRTY_LOG calls */
	u64 reaped;		/* -g: ring entries harvested by the collection */
	u64 copy_ns;
	u64 wall_ns;
	u64 written;		/* guest progress during the round */
	struct vstats d;	/* stats deltas over the round */
};

struct sample {
	u64 t_ms;
	double rate;
	enum phase phase;
};

static struct {
	struct kvm_vm *vm;
	u32 nr_vcpus;
	struct vcpu_ctx vcpus[MAX_VCPUS];
	u64 *stop;		/* host view of guest_stop */
	int phase;
	u64 t0;			/* start of the warm-up: samples count from here */

	pthread_t sampler;
	bool sampler_quit;
	struct sample *samples;
	u64 nr_samples;
	u64 max_samples;

	struct round_rec *rounds;
	u32 nr_rounds;		/* records, round 0 and the final one included */

	/* -g */
	pthread_mutex_t reap_lock;
	pthread_t reaper;
	bool reaper_quit;
	bool running;		/* the vCPU threads exist */
} sim;

/* The vCPU context of the calling vCPU thread, for SIG_KICK. */
static __thread struct vcpu_ctx *self_vc;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void sleep_until(u64 t_ns)
{
	struct timespec ts = {
		.tv_sec = t_ns / NSEC_PER_SEC,
		.tv_nsec = t_ns % NSEC_PER_SEC,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static double ns_to_ms(u64 ns)
{
	return (double)ns / NSEC_PER_MS;
}

static double rate(u64 pages, u64 ns)
{
	return ns ? (double)pages * NSEC_PER_SEC / ns : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile (0..1) of @n sorted values, interpolated. */
static double quantile(const double *v, u64 n, double q)
{
	double pos = q * (n - 1);
	u64 i = (u64)pos;

	return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/*
 * The median of the rates sampled in the phases of @mask (BIT(phase)), and
 * their interquartile range in percent of the median.  @median is left
 * alone if no sample was taken.
 */
static void sampled_rate(u32 mask, double *median, double *iqr_pct)
{
	double *v;
	u64 i, n = 0;

	*iqr_pct = 0;
	v = calloc(sim.nr_samples + 1, sizeof(*v));
	TEST_ASSERT(v, "Failed to allocate %lu rates", sim.nr_samples);
	for (i = 0; i < sim.nr_samples; i++) {
		if (mask & BIT(sim.samples[i].phase))
			v[n++] = sim.samples[i].rate;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		*median = quantile(v, n, 0.5);
		if (*median > 0)
			*iqr_pct = (quantile(v, n, 0.75) - quantile(v, n, 0.25)) *
				   100 / *median;
	}
	free(v);
}

static void set_phase(enum phase phase)
{
	__atomic_store_n(&sim.phase, phase, __ATOMIC_RELAXED);
}

static u64 progress_sum(void)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < sim.nr_vcpus; i++)
		sum += READ_ONCE(sim.vcpus[i].g->progress);
	return sum;
}

static void stats_read(struct vstats *sum)
{
	struct kvm_vcpu *vcpu;
	u32 i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < sim.nr_vcpus; i++) {
		vcpu = sim.vcpus[i].vcpu;
		sum->wp_faults += vcpu_get_stat(vcpu, dirty_log_wp_faults);
		sum->entries += vcpu_get_stat(vcpu, hdbss_entries);
		sum->full_exits += vcpu_get_stat(vcpu, hdbss_full_exits);
		sum->recoveries += vcpu_get_stat(vcpu, hdbss_error_recoveries);
		sum->exits += vcpu_get_stat(vcpu, exits);
	}
}

static void stats_sub(struct vstats *d, const struct vstats *a,
		      const struct vstats *b)
{
	d->wp_faults = a->wp_faults - b->wp_faults;
	d->entries = a->entries - b->entries;
	d->full_exits = a->full_exits - b->full_exits;
	d->recoveries = a->recoveries - b->recoveries;
	d->exits = a->exits - b->exits;
}

static void mark_now(struct mark *m)
{
	m->t = now_ns();
	m->progress = progress_sum();
	stats_read(&m->st);
}

/* Fill in what a round did between two marks. */
static void round_close(struct round_rec *rec, const struct mark *start,
			const struct mark *end)
{
	rec->wall_ns = end->t - start->t;
	rec->written = end->progress - start->progress;
	stats_sub(&rec->d, &end->st, &start->st);
}

static struct round_rec *round_new(enum round_kind kind)
{
	struct round_rec *rec = &sim.rounds[sim.nr_rounds++];

	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	return rec;
}

static u64 reap_rings(bool take);

static void *vcpu_thread_fn(void *data)
{
	struct vcpu_ctx *vc = data;
	struct ucall uc;

	self_vc = vc;
	for (;;) {
		vcpu_run(vc->vcpu);

		/* As QEMU: the vCPU harvests the rings itself, then goes on. */
		if (vc->vcpu->run->exit_reason == KVM_EXIT_DIRTY_RING_FULL) {
			vc->ring_full++;
			reap_rings(false);
			continue;
		}

		switch (get_ucall(vc->vcpu, &uc)) {
		case UCALL_SYNC:
			/* The guest parks only when asked to. */
			TEST_ASSERT(READ_ONCE(*sim.stop),
				    "vCPU%u stopped without being asked to",
				    vc->idx);
			return NULL;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		default:
			TEST_FAIL("vCPU%u: unexpected exit %s", vc->idx,
				  exit_reason_str(vc->vcpu->run->exit_reason));
		}
	}

	return NULL;
}

static void vcpus_start(void)
{
	u32 i;

	WRITE_ONCE(sim.running, true);
	WRITE_ONCE(*sim.stop, 0);
	for (i = 0; i < sim.nr_vcpus; i++)
		kvm_pthread_create(&sim.vcpus[i].thread, NULL, vcpu_thread_fn,
				   &sim.vcpus[i]);
}

/* Ask the guest to stop and wait until every vCPU has left KVM_RUN. */
static void vcpus_stop(void)
{
	struct timespec deadline;
	int r;
	u32 i;

	WRITE_ONCE(*sim.stop, 1);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += STOP_TIMEOUT_S;
	for (i = 0; i < sim.nr_vcpus; i++) {
		r = pthread_timedjoin_np(sim.vcpus[i].thread, NULL, &deadline);
		TEST_ASSERT(!r, "vCPU%u did not stop within %us: %s (%lu ring-full exits, guest progress %lu)",
			    i, STOP_TIMEOUT_S, strerror(r), sim.vcpus[i].ring_full,
			    READ_ONCE(sim.vcpus[i].g->progress));
	}
	WRITE_ONCE(sim.running, false);
}

/*
 * -g: the handler of SIG_KICK.  It runs in the vCPU's thread once KVM_RUN
 * has returned (-EINTR, then vcpu_run() enters the guest again), or
 * between two KVM_RUNs: either way the vCPU is out of the guest, and KVM
 * moved what the CPU logged while it ran into its ring when it left.
 */
static void kick_handler(int sig)
{
	if (self_vc)
		__atomic_add_fetch(&self_vc->kicks, 1, __ATOMIC_RELEASE);
}

/* -g: make every running vCPU leave the guest once, and wait for it. */
static void vcpus_kick(void)
{
	time_t deadline = time(NULL) + STOP_TIMEOUT_S;
	u64 seen[MAX_VCPUS];
	u32 i;

	for (i = 0; i < sim.nr_vcpus; i++) {
		seen[i] = __atomic_load_n(&sim.vcpus[i].kicks, __ATOMIC_ACQUIRE);
		TEST_ASSERT(!pthread_kill(sim.vcpus[i].thread, SIG_KICK),
			    "pthread_kill() failed");
	}
	for (i = 0; i < sim.nr_vcpus; i++) {
		while (__atomic_load_n(&sim.vcpus[i].kicks, __ATOMIC_ACQUIRE) == seen[i]) {
			TEST_ASSERT(time(NULL) < deadline,
				    "vCPU%u did not leave the guest within %us",
				    i, STOP_TIMEOUT_S);
			usleep(10);
		}
	}
}

/*
 * -g: harvest every vCPU's ring into the ring_bmap of the vCPU that owns
 * the page, re-arm the harvested pages (KVM_RESET_DIRTY_RINGS), and with
 * @take move ring_bmap into bmap for the collection.  Under reap_lock, so
 * that a page is collected only after its re-arming: a write after the
 * reset is in a later entry, one before it in the copy.  Returns the
 * number of entries harvested.
 */
static u64 reap_rings(bool take)
{
	struct vcpu_ctx *vc, *owner;
	sigset_t kick, saved;
	struct kvm_dirty_gfn *cur;
	u64 n = 0, page, w;
	u32 i, slot;

	/*
	 * A reset stops early when a signal is pending, and returns 0 if one
	 * is pending when it starts: keep SIG_KICK out (on a vCPU thread).
	 */
	sigemptyset(&kick);
	sigaddset(&kick, SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &kick, &saved);
	pthread_mutex_lock(&sim.reap_lock);
	for (i = 0; i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		while ((cur = vcpu_next_dirty_gfn(vc->vcpu))) {
			slot = cur->slot - FIRST_TEST_SLOT;
			TEST_ASSERT(cur->slot >= FIRST_TEST_SLOT &&
				    slot < sim.nr_vcpus * opt_slots,
				    "ring entry for memslot %u", cur->slot);
			owner = &sim.vcpus[slot / opt_slots];
			TEST_ASSERT(cur->offset < owner->slot_pages,
				    "ring entry for page %llu of memslot %u",
				    cur->offset, cur->slot);
			page = (slot % opt_slots) * owner->slot_pages + cur->offset;
			owner->ring_bmap[page / BITS_PER_LONG] |=
				1UL << (page % BITS_PER_LONG);
			vcpu_dirty_gfn_collected(vc->vcpu, cur);
			n++;
		}
	}
	/*
	 * Reset until nothing is left: a reset also stops early at the
	 * kernel's own limits.  A harvested entry that is never reset keeps
	 * its ring full, and its vCPU exits for ever.
	 */
	while (kvm_vm_reset_dirty_ring(sim.vm))
		;

	for (i = 0; take && i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		for (w = 0; w < vc->npages / BITS_PER_LONG; w++) {
			vc->bmap[w] = vc->ring_bmap[w];
			vc->ring_bmap[w] = 0;
		}
	}
	pthread_mutex_unlock(&sim.reap_lock);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return n;
}

/* -g: QEMU's reaper thread, which harvests the rings every second. */
static void *reaper_fn(void *data)
{
	u64 next = now_ns();

	while (!READ_ONCE(sim.reaper_quit)) {
		next += (u64)REAP_PERIOD_MS * NSEC_PER_MS;
		while (!READ_ONCE(sim.reaper_quit) && now_ns() < next)
			usleep(10 * 1000);
		reap_rings(false);
	}
	return NULL;
}

static void vcpus_wait_ready(void)
{
	time_t deadline = time(NULL) + READY_TIMEOUT_S;
	u32 i;

	for (i = 0; i < sim.nr_vcpus; i++) {
		while (!READ_ONCE(sim.vcpus[i].g->ready)) {
			TEST_ASSERT(time(NULL) < deadline,
				    "vCPU%u did not finish its prefault within %us",
				    i, READY_TIMEOUT_S);
			usleep(10 * 1000);
		}
	}
}

/*
 * Sample the guest's progress rate every -t ms, on absolute deadlines so
 * that the period does not drift.  Samples are kept in memory and printed
 * at the end.
 */
static void *sampler_fn(void *data)
{
	u64 period = (u64)opt_sample_ms * NSEC_PER_MS;
	u64 next = sim.t0 + period, prev_t = sim.t0, t, p, prev_p;
	struct sample *s;
	enum phase phase;

	prev_p = progress_sum();
	while (!READ_ONCE(sim.sampler_quit)) {
		sleep_until(next);
		t = now_ns();
		p = progress_sum();
		phase = __atomic_load_n(&sim.phase, __ATOMIC_RELAXED);

		if (phase != PHASE_IDLE) {
			if (sim.nr_samples == sim.max_samples) {
				sim.max_samples = sim.max_samples * 2 + 256;
				sim.samples = realloc(sim.samples, sim.max_samples *
						      sizeof(*sim.samples));
				TEST_ASSERT(sim.samples, "Failed to allocate samples");
			}
			s = &sim.samples[sim.nr_samples++];
			s->t_ms = (t - sim.t0) / NSEC_PER_MS;
			s->rate = rate(p - prev_p, t - prev_t);
			s->phase = phase;
		}

		prev_t = t;
		prev_p = p;
		next += period;
		/* After a stall, resume the period from now. */
		if (next < t)
			next = t + period;
	}

	return NULL;
}

/* Where page @page of @vc's region is in the VMM. */
static u8 *page_hva(const struct vcpu_ctx *vc, u64 page)
{
	return vc->hva[page / vc->slot_pages] +
	       (page % vc->slot_pages) * TEST_PAGE_SIZE;
}

/*
 * "Send" a page.  The guest may be writing it right now: read it as shared
 * memory.  A write that lands after the read is in the next round's log, as
 * the page was cleaned (CLEAR) before it was copied.  Word by word: the
 * selftests' string_override.o replaces memcpy() and memcmp() in the whole
 * (static) program with byte loops, eight times slower under emulation.
 */
static void copy_page(u8 *dst, const u8 *src)
{
	const u64 *s = (const u64 *)src;
	u64 *d = (u64 *)dst;
	u64 i;

	for (i = 0; i < TEST_PAGE_SIZE / sizeof(u64); i++)
		d[i] = READ_ONCE(s[i]);
}

static bool page_differs(const u8 *a, const u8 *b)
{
	const u64 *x = (const u64 *)a, *y = (const u64 *)b;
	u64 i;

	for (i = 0; i < TEST_PAGE_SIZE / sizeof(u64); i++) {
		if (x[i] != y[i])
			return true;
	}
	return false;
}

/* Model the link: a copy of @pages takes at least pages * 4 KiB / -B. */
static void bandwidth_wait(u64 start_ns, u64 pages)
{
	double ns;

	if (!opt_bw_mib)
		return;

	ns = (double)pages * TEST_PAGE_SIZE * NSEC_PER_SEC /
	     ((double)opt_bw_mib * SZ_1M);
	sleep_until(start_ns + (u64)ns);
}

static u64 count_bits(const unsigned long *bmap, u64 start, u64 end)
{
	u64 i = start, n = 0;

	for (; i < end && i % BITS_PER_LONG; i++)
		n += test_bit(i, bmap);
	for (; i + BITS_PER_LONG <= end; i += BITS_PER_LONG)
		n += __builtin_popcountl(bmap[i / BITS_PER_LONG]);
	for (; i < end; i++)
		n += test_bit(i, bmap);
	return n;
}

/* Copy the pages that @vc->bmap reports in [@first, @first + @n). */
static u64 copy_reported_pages(struct vcpu_ctx *vc, u64 first, u64 n)
{
	unsigned long bits;
	u64 w, page, copied = 0;

	for (w = first / BITS_PER_LONG; w < (first + n) / BITS_PER_LONG; w++) {
		for (bits = vc->bmap[w]; bits; bits &= bits - 1) {
			page = w * BITS_PER_LONG + __builtin_ctzl(bits);
			copy_page(vc->dest + page * TEST_PAGE_SIZE,
				  page_hva(vc, page));
			copied++;
		}
	}
	return copied;
}

/* Pages per KVM_CLEAR_DIRTY_LOG: -c MiB, or the whole slot. */
static u64 clear_chunk_pages(const struct vcpu_ctx *vc)
{
	return opt_chunk_mib ? min_t(u64, (u64)opt_chunk_mib * PAGES_PER_MIB,
				     vc->slot_pages) : vc->slot_pages;
}

/*
 * A collection, as QEMU does it with KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
 * fetch the log of every slot, then, chunk by chunk (-c), re-arm the log
 * of the chunk if @rearm (CLEAR write-protects the reported pages, or
 * makes them writable-clean with HDBSS) and send the chunk's reported
 * pages, cleaned before they are read.  QEMU's migration thread clears
 * a chunk (1 GiB) only when it reaches it.  The final collection does not
 * re-arm: nothing will be collected after it.
 */
static void collect_and_copy(struct round_rec *rec, bool rearm)
{
	u64 t, hot, first, n, chunk, copied, base, w;
	unsigned long *tmp;
	struct vcpu_ctx *vc;
	u32 i, s;

	if (opt_ring && !opt_no_log) {
		t = now_ns();
		if (READ_ONCE(sim.running))
			vcpus_kick();
		rec->reaped = reap_rings(true);
		/* The final stage: pages logged without a vCPU, if any. */
		for (i = 0; i < sim.nr_vcpus && !rearm; i++) {
			vc = &sim.vcpus[i];
			tmp = bitmap_zalloc(vc->slot_pages);
			TEST_ASSERT(tmp, "Failed to allocate a bitmap");
			for (s = 0; s < opt_slots; s++) {
				kvm_vm_get_dirty_log(sim.vm, vc->first_slot + s, tmp);
				base = s * vc->slot_pages / BITS_PER_LONG;
				for (w = 0; w < vc->slot_pages / BITS_PER_LONG; w++)
					vc->bmap[base + w] |= tmp[w];
			}
			free(tmp);
		}
		rec->get_ns += now_ns() - t;
	}

	for (i = 0; i < sim.nr_vcpus && !opt_ring; i++) {
		vc = &sim.vcpus[i];
		if (opt_no_log) {
			/* -n: what a saturated round reports, the hot set */
			bitmap_zero(vc->bmap, vc->npages);
			for (hot = 0; hot < vc->hot_pages; hot++)
				__set_bit(hot, vc->bmap);
			continue;
		}
		for (s = 0; s < opt_slots; s++) {
			t = now_ns();
			kvm_vm_get_dirty_log(sim.vm, vc->first_slot + s,
					     vc->bmap + s * vc->slot_pages / BITS_PER_LONG);
			rec->get_ns += now_ns() - t;
		}
	}

	rec->saturated = true;
	for (i = 0; i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		hot = count_bits(vc->bmap, 0, vc->hot_pages);
		rec->stray += count_bits(vc->bmap, vc->hot_pages, vc->npages);
		rec->dirtied += hot;
		if (hot != vc->hot_pages)
			rec->saturated = false;
	}
	rec->dirtied += rec->stray;

	for (i = 0; i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		chunk = clear_chunk_pages(vc);
		for (first = 0; first < vc->npages; first += n) {
			/* Chunks do not cross memslots. */
			s = first / vc->slot_pages;
			base = (u64)s * vc->slot_pages;
			n = min(chunk, base + vc->slot_pages - first);
			if (rearm && !opt_no_log && !opt_ring) {
				t = now_ns();
				kvm_vm_clear_dirty_log(sim.vm, vc->first_slot + s,
						       vc->bmap + first / BITS_PER_LONG,
						       first - base, n);
				rec->clear_ns += now_ns() - t;
				rec->clears++;
			}
			t = now_ns();
			copied = copy_reported_pages(vc, first, n);
			bandwidth_wait(t, copied);
			rec->copy_ns += now_ns() - t;
			rec->copied += copied;
		}
	}
}

/* Round 0: start logging, then send all memory. */
static void round_full(struct mark *cur)
{
	struct round_rec *rec = round_new(ROUND_FULL);
	struct mark start = *cur;
	u64 t, page, log_enable_ns = 0;
	struct vcpu_ctx *vc;
	u32 i;

	for (i = 0; i < sim.nr_vcpus * opt_slots && !opt_no_log; i++) {
		t = now_ns();
		vm_mem_region_set_flags(sim.vm, FIRST_TEST_SLOT + i,
					KVM_MEM_LOG_DIRTY_PAGES);
		log_enable_ns += now_ns() - t;
	}
	rec->enable_ns = log_enable_ns;

	/*
	 * With KVM_DIRTY_LOG_INITIALLY_SET (as QEMU), enabling logging
	 * protects nothing and the log reports every page: the first
	 * collection cleans memory chunk by chunk as it is sent.
	 */
	if (opt_initially_set && !opt_no_log) {
		collect_and_copy(rec, true);
		rec->dirtied = 0;
		rec->stray = 0;
		goto out;
	}

	t = now_ns();
	for (i = 0; i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		for (page = 0; page < vc->npages; page++)
			copy_page(vc->dest + page * TEST_PAGE_SIZE,
				  page_hva(vc, page));
		rec->copied += vc->npages;
	}
	bandwidth_wait(t, rec->copied);
	rec->copy_ns = now_ns() - t;
out:
	rec->saturated = true;

	sleep_until(start.t + (u64)opt_min_round_ms * NSEC_PER_MS);
	mark_now(cur);
	round_close(rec, &start, cur);
}

/* Round 1..: collect, send, then let the guest run to the minimum length. */
static struct round_rec *round_iter(struct mark *cur)
{
	struct round_rec *rec = round_new(ROUND_ITER);
	struct mark start = *cur;

	collect_and_copy(rec, true);
	sleep_until(start.t + (u64)opt_min_round_ms * NSEC_PER_MS);
	mark_now(cur);
	round_close(rec, &start, cur);
	return rec;
}

/*
 * The blackout: stop the vCPUs, collect and send the last dirty pages.  It
 * starts where the last round ended (@cur), when the stop flag is set.
 */
static void round_final(struct mark *cur)
{
	struct round_rec *rec = round_new(ROUND_FINAL);
	struct mark start = *cur;

	set_phase(PHASE_BLACKOUT);
	vcpus_stop();
	collect_and_copy(rec, false);
	mark_now(cur);
	round_close(rec, &start, cur);
}

/* Compare the destination with guest memory, page by page. */
static u64 verify(void)
{
	struct vcpu_ctx *vc;
	u64 page, n = 0;
	u32 i;

	for (i = 0; i < sim.nr_vcpus; i++) {
		vc = &sim.vcpus[i];
		for (page = 0; page < vc->npages; page++) {
			if (!page_differs(page_hva(vc, page),
					  vc->dest + page * TEST_PAGE_SIZE))
				continue;
			if (n++ < 8)
				printf("# lost: vCPU%u page %lu (GPA 0x%lx)\n", i,
				       page, vc->gpa + page * TEST_PAGE_SIZE);
		}
	}
	return n;
}

/* The guest after the migration: logging off, measure for -A ms. */
static double measure_after(void)
{
	struct mark a, b;
	u32 i;

	for (i = 0; i < sim.nr_vcpus * opt_slots && !opt_no_log; i++)
		vm_mem_region_set_flags(sim.vm, FIRST_TEST_SLOT + i, 0);

	set_phase(PHASE_AFTER);
	mark_now(&a);
	vcpus_start();
	sleep_until(a.t + (u64)opt_after_ms * NSEC_PER_MS);
	mark_now(&b);
	vcpus_stop();
	set_phase(PHASE_IDLE);

	return rate(b.progress - a.progress, b.t - a.t);
}

/* A Fisher-Yates shuffle with splitmix64: the same order for a seed. */
static u64 splitmix64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void make_permutation(u32 *perm, u64 n, u64 seed)
{
	u64 state = seed, i, j;
	u32 tmp;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = splitmix64(&state) % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
}

static char read_hdbss_param(void)
{
	char val = 0;
	FILE *f;

	f = fopen(HDBSS_PARAM, "r");
	if (!f)
		ksft_exit_skip("%s: %s (kernel without the HDBSS series)\n",
			       HDBSS_PARAM, strerror(errno));
	if (fread(&val, 1, 1, f) != 1 || (val != 'Y' && val != 'N'))
		ksft_exit_fail_msg("%s: unexpected value '%c'\n", HDBSS_PARAM, val);
	fclose(f);
	return val;
}

/* Stage-2 page-table memory (no IOMMU here), in KiB. */
static u64 s2_pgtable_kib(void)
{
	char line[128];
	u64 kib = 0;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	TEST_ASSERT(f, "/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SecPageTables: %lu kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

static void setup(void)
{
	static const char * const stats[] = {
		"hdbss_entries", "hdbss_full_exits", "hdbss_error_recoveries",
		"dirty_log_wp_faults", "exits",
	};
	u64 npages = (u64)opt_mib * PAGES_PER_MIB;
	u64 slot_pages = npages / opt_slots;
	u64 stride = align_up(npages * TEST_PAGE_SIZE, TEST_SLOT_ALIGN);
	u64 hot = max_t(u64, npages * opt_write_pct / 100, 1);
	u64 perm_pages = align_up(hot * sizeof(u32), TEST_PAGE_SIZE) / TEST_PAGE_SIZE;
	u64 aux_pages = opt_pattern == PATTERN_RAND ? perm_pages * opt_vcpus : 0;
	u64 aux_gpa = TEST_GPA_BASE + opt_vcpus * stride;
	struct kvm_vcpu *vcpus[MAX_VCPUS];
	struct vcpu_ctx *vc;
	u64 caps, perm_gva, gpa;
	u32 i, s;

	/* A memslot's log is a whole number of bitmap words of the region's. */
	TEST_ASSERT(npages % opt_slots == 0 && slot_pages % BITS_PER_LONG == 0,
		    "-S %u: %lu pages per vCPU do not split into memslots of a multiple of %u pages",
		    opt_slots, npages, BITS_PER_LONG);
	TEST_ASSERT(slot_pages * TEST_PAGE_SIZE % get_backing_src_pagesz(opt_backing) == 0,
		    "-S %u: memslots of %lu KiB are not a multiple of the %s page (%lu KiB)",
		    opt_slots, slot_pages * TEST_PAGE_SIZE / SZ_1K,
		    backing_name(opt_backing),
		    get_backing_src_pagesz(opt_backing) / SZ_1K);

	caps = kvm_check_cap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
	if (!(caps & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE))
		ksft_exit_skip("no KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2\n");

	sim.vm = ____vm_create(VM_SHAPE_DEFAULT);
	/* Before the vCPUs, and the bitmap before the first memslot. */
	if (opt_ring) {
		if (kvm_check_cap(KVM_CAP_DIRTY_LOG_RING_ACQ_REL) <
		    opt_ring * sizeof(struct kvm_dirty_gfn))
			ksft_exit_skip("no dirty ring of %u entries\n", opt_ring);
		if (!kvm_has_cap(KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP))
			ksft_exit_skip("no KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP\n");
		vm_enable_dirty_ring(sim.vm, opt_ring * sizeof(struct kvm_dirty_gfn));
		vm_enable_cap(sim.vm, KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP, 0);
	}
	/* The extra pages size the guest page tables in memslot 0. */
	vm_populate(sim.vm, VM_SHAPE_DEFAULT, opt_vcpus,
		    npages * opt_vcpus + aux_pages);
	for (i = 0; i < opt_vcpus; i++)
		vcpus[i] = vm_vcpu_add(sim.vm, i, guest_code);
	kvm_arch_vm_finalize_vcpus(sim.vm);
	sim.nr_vcpus = opt_vcpus;

	if (sim.vm->page_size != TEST_PAGE_SIZE || getpagesize() != TEST_PAGE_SIZE)
		ksft_exit_skip("needs 4 KiB host and guest pages\n");
	for (i = 0; i < ARRAY_SIZE(stats); i++) {
		if (!vcpu_has_stat(vcpus[0], stats[i]))
			ksft_exit_skip("no vCPU stat %s (kernel without the HDBSS series)\n",
				       stats[i]);
	}
	TEST_ASSERT(((aux_gpa + aux_pages * TEST_PAGE_SIZE) >> sim.vm->page_shift) - 1 <=
		    sim.vm->max_gfn,
		    "Test memory ends beyond the guest's IPA space, use a smaller -m or -v");

	/*
	 * Without INITIALLY_SET (-I), enabling logging protects everything
	 * (write protection, or writable-clean with HDBSS) at once.
	 */
	if (opt_initially_set && !(caps & KVM_DIRTY_LOG_INITIALLY_SET))
		ksft_exit_skip("no KVM_DIRTY_LOG_INITIALLY_SET\n");
	/* With a ring, as QEMU: no manual protect, the final GET cleans. */
	if (!opt_ring)
		vm_enable_cap(sim.vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
			      KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
			      (opt_initially_set ? KVM_DIRTY_LOG_INITIALLY_SET : 0));

	/* The order of the hot pages: not logged, not migrated. */
	if (aux_pages) {
		vm_userspace_mem_region_add(sim.vm, VM_MEM_SRC_ANONYMOUS, aux_gpa,
					    FIRST_TEST_SLOT + opt_vcpus * opt_slots,
					    aux_pages, 0);
		virt_map(sim.vm, aux_gpa, aux_gpa, aux_pages);
	}

	sim.stop = addr_gva2hva(sim.vm, (gva_t)&guest_stop);
	for (i = 0; i < opt_vcpus; i++) {
		vc = &sim.vcpus[i];
		vc->vcpu = vcpus[i];
		vc->idx = i;
		vc->first_slot = FIRST_TEST_SLOT + i * opt_slots;
		vc->slot_pages = slot_pages;
		vc->gpa = TEST_GPA_BASE + i * stride;
		vc->npages = npages;
		vc->hot_pages = hot;

		for (s = 0; s < opt_slots; s++) {
			gpa = vc->gpa + s * slot_pages * TEST_PAGE_SIZE;
			vm_userspace_mem_region_add(sim.vm, opt_backing, gpa,
						    vc->first_slot + s,
						    slot_pages, 0);
			vc->hva[s] = addr_gpa2hva(sim.vm, gpa);
		}
		virt_map(sim.vm, vc->gpa, vc->gpa, npages);

		/* calloc() of this size maps zero pages: no host prefault. */
		vc->dest = calloc(npages, TEST_PAGE_SIZE);
		vc->bmap = bitmap_zalloc(npages);
		vc->ring_bmap = bitmap_zalloc(npages);
		TEST_ASSERT(vc->dest && vc->bmap && vc->ring_bmap,
			    "Failed to allocate %lu MiB", (u64)opt_mib);
		if (opt_ring)
			vcpu_map_dirty_ring(vc->vcpu);

		perm_gva = 0;
		if (aux_pages) {
			perm_gva = aux_gpa + i * perm_pages * TEST_PAGE_SIZE;
			make_permutation(addr_gpa2hva(sim.vm, perm_gva), hot,
					 opt_seed + i);
		}

		vc->g = addr_gva2hva(sim.vm, (gva_t)&guest_vcpus[i]);
		vc->g->gva = vc->gpa;
		vc->g->npages = npages;
		vc->g->hot_pages = hot;
		vc->g->perm_gva = perm_gva;
		vc->g->progress = 0;
		vc->g->ready = 0;
		vcpu_args_set(vc->vcpu, 1, (u64)i);
	}

	/* Round 0, rounds 1..R and the final collection. */
	sim.rounds = calloc(opt_rounds + 2, sizeof(*sim.rounds));
	TEST_ASSERT(sim.rounds, "Failed to allocate round records");

	if (opt_ring) {
		struct sigaction sa = { .sa_handler = kick_handler };

		TEST_ASSERT(!sigaction(SIG_KICK, &sa, NULL),
			    "sigaction() failed: %s", strerror(errno));
		pthread_mutex_init(&sim.reap_lock, NULL);
	}
}

static void print_round(u32 n, const struct round_rec *r)
{
	const char *sat = r->kind == ROUND_FULL ? "na" : r->saturated ? "1" : "0";
	double rt = rate(r->written, r->wall_ns);

	if (r->kind == ROUND_FULL)
		printf("# round %2u (%s): logging enabled in %.1f ms, GET %.1f ms, %lu CLEARs %.1f ms, %lu pages copied in %.1f ms",
		       n, kind_names[r->kind], ns_to_ms(r->enable_ns),
		       ns_to_ms(r->get_ns), r->clears, ns_to_ms(r->clear_ns),
		       r->copied, ns_to_ms(r->copy_ns));
	else
		printf("# round %2u (%s): %lu pages dirtied%s, GET %.1f ms, %lu CLEARs %.1f ms, copy %.1f ms",
		       n, kind_names[r->kind], r->dirtied,
		       r->saturated ? "" : " (not the whole hot set)",
		       ns_to_ms(r->get_ns), r->clears, ns_to_ms(r->clear_ns),
		       ns_to_ms(r->copy_ns));
	printf(", round %.1f ms, guest %.0f pages/s; wp faults %lu, HDBSS entries %lu, full exits %lu, exits %lu\n",
	       ns_to_ms(r->wall_ns), rt, r->d.wp_faults, r->d.entries,
	       r->d.full_exits, r->d.exits);
	if (r->stray)
		printf("# round %u: %lu reported pages are outside the hot set\n",
		       n, r->stray);

	printf("# round %u kind=%s dirtied=%lu copied=%lu get_ms=%.3f clear_ms=%.3f clears=%lu copy_ms=%.3f wall_ms=%.3f rate=%.0f wp_faults=%lu hdbss_entries=%lu hdbss_full_exits=%lu exits=%lu saturated=%s reaped=%lu\n",
	       n, kind_names[r->kind], r->dirtied, r->copied,
	       ns_to_ms(r->get_ns), ns_to_ms(r->clear_ns), r->clears,
	       ns_to_ms(r->copy_ns),
	       ns_to_ms(r->wall_ns), rt, r->d.wp_faults, r->d.entries,
	       r->d.full_exits, r->d.exits, sat, r->reaped);
}

static void help(const char *name)
{
	printf("usage: %s [-h] [-v vcpus] [-m MiB] [-w percent] [-p seq|rand] [-B MiB/s]\n"
	       "       [-D pages] [-R rounds] [-r ms] [-W ms] [-A ms] [-t ms] [-s seed]\n"
	       "       [-c MiB] [-I] [-n] [-S memslots] [-b anon|thp|hugetlb] [-g entries]\n",
	       name);
	printf(" -v: vCPUs, each writing its own memslot (default %u, max %u)\n",
	       opt_vcpus, MAX_VCPUS);
	printf(" -m: MiB of memory per vCPU (default %u)\n", opt_mib);
	printf(" -w: hot set, in percent of a vCPU's pages (default %u)\n",
	       opt_write_pct);
	printf(" -p: order of the writes to the hot set: seq or rand (default %s)\n",
	       pattern_names[opt_pattern]);
	printf(" -B: copy bandwidth in MiB/s, 0 for no limit (default %u)\n",
	       opt_bw_mib);
	printf(" -D: blackout budget in dirty pages per vCPU (default %u)\n",
	       opt_budget);
	printf(" -R: at most this many rounds after round 0 (default %u)\n",
	       opt_rounds);
	printf(" -r: minimum round length in ms (default %u)\n", opt_min_round_ms);
	printf(" -W: warm-up in ms, measures the baseline rate (default %u)\n",
	       opt_warmup_ms);
	printf(" -A: ms to run after the migration with logging off, 0 to skip (default %u)\n",
	       opt_after_ms);
	printf(" -t: progress sampling period in ms, 0 for none (default %u)\n",
	       opt_sample_ms);
	printf(" -s: seed of the rand order (default %lu)\n", opt_seed);
	printf(" -c: MiB cleaned by one KVM_CLEAR_DIRTY_LOG, as QEMU's 1024 (default: a whole slot)\n");
	printf(" -I: KVM_DIRTY_LOG_INITIALLY_SET, as QEMU: round 0 cleans as it copies\n");
	printf(" -n: control run, no dirty logging: every collection reports the hot set\n");
	printf(" -S: memslots per vCPU, at most %u (default %u)\n", MAX_SLOTS,
	       opt_slots);
	printf(" -b: guest memory: anon, thp or hugetlb pages (default %s)\n",
	       backing_name(opt_backing));
	printf(" -g: read the log through a dirty ring of this many entries per vCPU\n"
	       "     (a power of two; default: the bitmap, GET and CLEAR)\n");
	printf(" -h: print this message\n");
}

static void parse_args(int argc, char *argv[])
{
	char *end;
	u32 i;
	int opt;

	while ((opt = getopt(argc, argv, "hv:m:w:p:B:D:R:r:W:A:t:s:c:InS:b:g:")) != -1) {
		switch (opt) {
		case 'v':
			opt_vcpus = atoi_positive("Number of vCPUs", optarg);
			TEST_ASSERT(opt_vcpus <= MAX_VCPUS, "At most %u vCPUs",
				    MAX_VCPUS);
			break;
		case 'm':
			opt_mib = atoi_positive("MiB per vCPU", optarg);
			break;
		case 'w':
			opt_write_pct = atoi_positive("Write share", optarg);
			TEST_ASSERT(opt_write_pct <= 100, "-w is a percentage");
			break;
		case 'p':
			if (!strcmp(optarg, "seq"))
				opt_pattern = PATTERN_SEQ;
			else if (!strcmp(optarg, "rand"))
				opt_pattern = PATTERN_RAND;
			else
				TEST_FAIL("-p: seq or rand, not '%s'", optarg);
			break;
		case 'B':
			opt_bw_mib = atoi_non_negative("Bandwidth", optarg);
			break;
		case 'D':
			opt_budget = atoi_non_negative("Blackout budget", optarg);
			break;
		case 'R':
			opt_rounds = atoi_positive("Number of rounds", optarg);
			break;
		case 'r':
			opt_min_round_ms = atoi_non_negative("Minimum round time", optarg);
			break;
		case 'W':
			opt_warmup_ms = atoi_positive("Warm-up time", optarg);
			break;
		case 'A':
			opt_after_ms = atoi_non_negative("Time after migration", optarg);
			break;
		case 't':
			opt_sample_ms = atoi_non_negative("Sampling period", optarg);
			break;
		case 's':
			errno = 0;
			opt_seed = strtoull(optarg, &end, 0);
			TEST_ASSERT(!errno && end != optarg && !*end,
				    "-s: invalid seed '%s'", optarg);
			break;
		case 'c':
			opt_chunk_mib = atoi_positive("CLEAR chunk in MiB", optarg);
			break;
		case 'I':
			opt_initially_set = true;
			break;
		case 'n':
			opt_no_log = true;
			break;
		case 'S':
			opt_slots = atoi_positive("Memslots per vCPU", optarg);
			TEST_ASSERT(opt_slots <= MAX_SLOTS, "At most %u memslots per vCPU",
				    MAX_SLOTS);
			break;
		case 'g':
			opt_ring = atoi_positive("Dirty ring entries", optarg);
			TEST_ASSERT(!(opt_ring & (opt_ring - 1)),
				    "-g: a power of two, not %u", opt_ring);
			break;
		case 'b':
			for (i = 0; i < ARRAY_SIZE(backings); i++) {
				if (!strcmp(optarg, backings[i].name))
					break;
			}
			TEST_ASSERT(i < ARRAY_SIZE(backings),
				    "-b: anon, thp or hugetlb, not '%s'", optarg);
			opt_backing = backings[i].src;
			break;
		case 'h':
			help(argv[0]);
			exit(KSFT_PASS);
		default:
			help(argv[0]);
			exit(KSFT_FAIL);
		}
	}
	TEST_ASSERT(!opt_ring || (!opt_initially_set && !opt_chunk_mib && !opt_no_log),
		    "-g reads the log from rings: no -I, -c or -n with it");
}

int main(int argc, char *argv[])
{
	struct mark m_warm, m_enable, m_stop, m_end, cur;
	double rate_before, rate_during, rate_after = 0;
	double expected, lost, lost_pct, other_exits_s;
	double baseline, baseline_iqr, iqr;
	struct round_rec *rec;
	u64 dirtied = 0, get_ns = 0, clear_ns = 0, clears = 0, mismatch, tracking;
	u64 pgt_before, pgt_logging, ring_full = 0;
	u32 i, nr_iter = 0, unsaturated = 0;
	bool converged = false;
	struct vstats tot;
	char hdbss, after[32];
	u64 t;

	parse_args(argc, argv);

	ksft_print_header();
	hdbss = read_hdbss_param();
	setup();
	ksft_set_plan(1);

	ksft_print_msg("kvm.hdbss=%c, %u vCPUs x %u MiB, hot set %u%% (%lu pages per vCPU), pattern %s (seed %lu)\n",
		       hdbss, opt_vcpus, opt_mib, opt_write_pct,
		       sim.vcpus[0].hot_pages, pattern_names[opt_pattern], opt_seed);
	ksft_print_msg("copy at %u MiB/s, blackout budget %u pages per vCPU, at most %u rounds of at least %u ms\n",
		       opt_bw_mib, opt_budget, opt_rounds, opt_min_round_ms);
	if (opt_ring)
		ksft_print_msg("%u memslot(s) of %lu pages per vCPU, %s memory; a dirty ring of %u entries per vCPU, with its bitmap\n",
			       opt_slots, sim.vcpus[0].slot_pages,
			       backing_name(opt_backing), opt_ring);
	else
		ksft_print_msg("%u memslot(s) of %lu pages per vCPU, %s memory; KVM_CLEAR_DIRTY_LOG of %lu pages at a time%s\n",
			       opt_slots, sim.vcpus[0].slot_pages,
			       backing_name(opt_backing),
			       clear_chunk_pages(&sim.vcpus[0]),
			       opt_initially_set ? ", KVM_DIRTY_LOG_INITIALLY_SET" : "");
	if (opt_no_log)
		ksft_print_msg("control run: no dirty logging, every collection reports the hot set\n");
	ksft_print_msg("prefaulting %u MiB; warm-up %u ms, after %u ms, samples every %u ms\n",
		       opt_vcpus * opt_mib, opt_warmup_ms, opt_after_ms,
		       opt_sample_ms);

	t = now_ns();
	vcpus_start();
	vcpus_wait_ready();
	ksft_print_msg("prefault done in %.1f s; warm-up, then migration\n",
		       ns_to_ms(now_ns() - t) / 1000);

	/* Warm-up: the baseline rate, logging off. */
	set_phase(PHASE_BEFORE);
	mark_now(&m_warm);
	sim.t0 = m_warm.t;
	if (opt_sample_ms)
		kvm_pthread_create(&sim.sampler, NULL, sampler_fn, NULL);
	sleep_until(m_warm.t + (u64)opt_warmup_ms * NSEC_PER_MS);

	/* The migration starts with logging; the stats count from here. */
	pgt_before = s2_pgtable_kib();
	set_phase(PHASE_LOGGING);
	mark_now(&m_enable);
	rate_before = rate(m_enable.progress - m_warm.progress,
			   m_enable.t - m_warm.t);

	if (opt_ring)
		kvm_pthread_create(&sim.reaper, NULL, reaper_fn, NULL);
	cur = m_enable;
	round_full(&cur);
	while (nr_iter < opt_rounds) {
		rec = round_iter(&cur);
		nr_iter++;
		if (rec->dirtied <= (u64)opt_budget * opt_vcpus) {
			converged = true;
			break;
		}
	}
	m_stop = cur;
	pgt_logging = s2_pgtable_kib();
	/* Before the final collection: nothing may be reaped after it. */
	if (opt_ring) {
		WRITE_ONCE(sim.reaper_quit, true);
		kvm_pthread_join(sim.reaper, NULL);
	}
	round_final(&cur);
	m_end = cur;
	set_phase(PHASE_IDLE);
	for (i = 0; i < sim.nr_vcpus; i++)
		ring_full += sim.vcpus[i].ring_full;

	mismatch = verify();

	if (opt_after_ms)
		rate_after = measure_after();

	if (opt_sample_ms) {
		WRITE_ONCE(sim.sampler_quit, true);
		kvm_pthread_join(sim.sampler, NULL);
	}
	/*
	 * The baseline: the median of the samples with logging off, before
	 * and after the migration.  Without samples (-t 0), the mean rate of
	 * the warm-up.
	 */
	baseline = rate_before;
	sampled_rate(BIT(PHASE_BEFORE) | BIT(PHASE_AFTER), &baseline,
		     &baseline_iqr);
	sampled_rate(BIT(PHASE_BEFORE), &rate_before, &iqr);
	sampled_rate(BIT(PHASE_AFTER), &rate_after, &iqr);

	/* Everything measured: print. */
	for (i = 0; i < sim.nr_rounds; i++) {
		rec = &sim.rounds[i];
		print_round(i, rec);
		if (rec->kind == ROUND_FULL)
			continue;
		dirtied += rec->dirtied;
		get_ns += rec->get_ns;
		clear_ns += rec->clear_ns;
		clears += rec->clears;
		unsaturated += !rec->saturated;
	}

	for (i = 0; i < sim.nr_samples; i++)
		printf("# sample %lu %.0f %s\n", sim.samples[i].t_ms,
		       sim.samples[i].rate, phase_names[sim.samples[i].phase]);

	stats_sub(&tot, &m_end.st, &m_enable.st);
	tracking = tot.wp_faults + tot.full_exits;
	rate_during = rate(m_stop.progress - m_enable.progress,
			   m_stop.t - m_enable.t);
	/* The area between the baseline and the guest's progress. */
	expected = baseline * (m_end.t - m_enable.t) / NSEC_PER_SEC;
	lost = expected - (double)(m_end.progress - m_enable.progress);
	lost_pct = expected > 0 ? lost * 100 / expected : 0;
	/* Host timer ticks and kicks: they grow with time, not with writes. */
	other_exits_s = (double)(tot.exits - tracking) * NSEC_PER_SEC /
			(m_end.t - m_enable.t);

	ksft_print_msg("migration: %u rounds after round 0 (%s), %.1f ms, blackout %.1f ms\n",
		       nr_iter, converged ? "converged" : "round limit",
		       ns_to_ms(m_end.t - m_enable.t), ns_to_ms(m_end.t - m_stop.t));
	snprintf(after, sizeof(after), "%.0f", rate_after);
	ksft_print_msg("guest progress: %.0f page writes/s before (median), %.0f during logging, %s after (median)\n",
		       rate_before, rate_during,
		       opt_after_ms ? after : "not measured");
	ksft_print_msg("baseline: %.0f page writes/s (median of the samples before and after; interquartile range %.1f%% of it)\n",
		       baseline, baseline_iqr);
	ksft_print_msg("lost progress: %.0f page writes, %.2f%% of the baseline over the migration\n",
		       lost, lost_pct);
	ksft_print_msg("dirty tracking: %lu pages dirtied, %lu wp faults, %lu HDBSS entries, %lu buffer-full exits, %lu error recoveries, %lu exits\n",
		       dirtied, tot.wp_faults, tot.entries, tot.full_exits,
		       tot.recoveries, tot.exits);
	ksft_print_msg("%lu tracking exits (wp faults + buffer-full exits), %.6f per dirtied page; %.0f other exits/s; GET %.1f ms, CLEAR %.1f ms in total\n",
		       tracking, dirtied ? (double)tracking / dirtied : 0,
		       other_exits_s, ns_to_ms(get_ns), ns_to_ms(clear_ns));
	if (opt_ring)
		ksft_print_msg("dirty rings: %lu ring-full exits\n", ring_full);
	ksft_print_msg("stage-2 page tables: %lu KiB before logging, %lu KiB at the end of the pre-copy rounds; logging enabled in %.1f ms\n",
		       pgt_before, pgt_logging, ns_to_ms(sim.rounds[0].enable_ns));
	if (unsaturated)
		ksft_print_msg("WARNING: %u collections did not report exactly the hot set: counts depend on timing, use a longer -r\n",
			       unsaturated);
	if (mismatch)
		ksft_print_msg("destination: %lu pages differ from guest memory: lost dirty pages\n",
			       mismatch);
	else
		ksft_print_msg("destination: all %lu pages match guest memory\n",
			       (u64)opt_vcpus * sim.vcpus[0].npages);

	printf("# result hdbss %c\n", hdbss);
	printf("# result vcpus %u\n", opt_vcpus);
	printf("# result mib %u\n", opt_mib);
	printf("# result pattern %s\n", pattern_names[opt_pattern]);
	printf("# result write_share %u\n", opt_write_pct);
	printf("# result bandwidth_mib_s %u\n", opt_bw_mib);
	printf("# result rounds %u\n", nr_iter);
	printf("# result converged %u\n", converged);
	printf("# result unsaturated_syncs %u\n", unsaturated);
	printf("# result pages_dirtied %lu\n", dirtied);
	printf("# result wp_faults %lu\n", tot.wp_faults);
	printf("# result hdbss_entries %lu\n", tot.entries);
	printf("# result hdbss_full_exits %lu\n", tot.full_exits);
	printf("# result hdbss_error_recoveries %lu\n", tot.recoveries);
	printf("# result exits %lu\n", tot.exits);
	printf("# result tracking_exits %lu\n", tracking);
	printf("# result exits_per_dirtied_page %.6f\n",
	       dirtied ? (double)tracking / dirtied : 0);
	printf("# result other_exits_per_s %.0f\n", other_exits_s);
	printf("# result log_enable_ms %.3f\n", ns_to_ms(sim.rounds[0].enable_ns));
	printf("# result get_ms_total %.3f\n", ns_to_ms(get_ns));
	printf("# result clear_ms_total %.3f\n", ns_to_ms(clear_ns));
	printf("# result clears %lu\n", clears);
	printf("# result clear_chunk_pages %lu\n", clear_chunk_pages(&sim.vcpus[0]));
	printf("# result initially_set %u\n", opt_initially_set);
	printf("# result memslots %u\n", opt_slots * opt_vcpus);
	printf("# result backing %s\n", backing_name(opt_backing));
	printf("# result s2_pgtable_kib_before %lu\n", pgt_before);
	printf("# result s2_pgtable_kib_logging %lu\n", pgt_logging);
	printf("# result dirty_ring %u\n", opt_ring);
	printf("# result ring_full_exits %lu\n", ring_full);
	printf("# result logging %u\n", !opt_no_log);
	printf("# result migration_ms %.3f\n", ns_to_ms(m_end.t - m_enable.t));
	printf("# result blackout_ms %.3f\n", ns_to_ms(m_end.t - m_stop.t));
	printf("# result baseline %.0f\n", baseline);
	printf("# result baseline_iqr_pct %.1f\n", baseline_iqr);
	printf("# result rate_before %.0f\n", rate_before);
	printf("# result rate_during %.0f\n", rate_during);
	printf("# result rate_after %s\n", opt_after_ms ? after : "na");
	printf("# result lost_progress_pages %.0f\n", lost);
	printf("# result lost_progress_pct %.2f\n", lost_pct);
	printf("# result dest_mismatch_pages %lu\n", mismatch);

	kvm_vm_free(sim.vm);
	for (i = 0; i < sim.nr_vcpus; i++) {
		free(sim.vcpus[i].dest);
		free(sim.vcpus[i].bmap);
		free(sim.vcpus[i].ring_bmap);
	}
	free(sim.rounds);
	free(sim.samples);

	ksft_test_result(!mismatch, "migrate_sim\n");
	ksft_finished();
}
