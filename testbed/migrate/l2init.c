// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the migrated guest (L2): a memory-writing workload.
 *
 * The guest QEMU migrates runs this program alone, from its initramfs.  It
 * allocates a buffer, fills every page once with non-zero data, then writes
 * one 8-byte word a page, forever, over a hot set, from one thread a vCPU,
 * and prints its progress on the console every 250 ms:
 *
 *   wl MS WRITES
 *
 * (MS: milliseconds since the workload started, WRITES: page writes so
 * far, all threads).  Every write stores a new value, so a page that the
 * migration fails to send again differs at the destination.  Parameters,
 * from the kernel command line:
 *
 *   wl.mem=MiB       the buffer (default 64)
 *   wl.hot=MiB       the hot set at its start, written repeatedly (default 16)
 *   wl.rate=N        page writes a second, all threads (0: as fast as the
 *                    vCPUs go; default 0)
 *   wl.pattern=rand|seq  the order of the writes over the hot set: a fixed
 *                    random permutation, or ascending (default rand)
 *   wl.threads=N     writing threads (default: the online CPUs)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define REPORT_MS	250
#define MAX_THREADS	64

static unsigned long mem_mb = 64, hot_mb = 16, rate, nthreads;
static int sequential;
static char *buf;
static unsigned long hot_pages;

struct worker {
	pthread_t tid;
	unsigned long first, count;	/* its share of the hot set */
	volatile unsigned long writes;	/* read by the reporter */
	char pad[64];
};

static struct worker workers[MAX_THREADS];

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (n > 0 && write(STDOUT_FILENO, line, n) < 0)
		return;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void cmdline_param(const char *cmdline, const char *key, char *val, size_t size)
{
	const char *p = cmdline;
	size_t klen = strlen(key);

	val[0] = 0;
	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= size)
				n = size - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = 0;
			return;
		}
		p += klen;
	}
}

static unsigned long xorshift(unsigned long *s)
{
	unsigned long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void *writer(void *arg)
{
	struct worker *w = arg;
	unsigned long *order, i, seed = 0x9e3779b97f4a7c15UL ^ w->first;
	unsigned long per_thread_rate = rate / nthreads, n = 0;
	double start = now_ms();

	order = malloc(w->count * sizeof(*order));
	if (!order) {
		say("wl: out of memory\n");
		return NULL;
	}
	for (i = 0; i < w->count; i++)
		order[i] = w->first + i;
	if (!sequential) {
		for (i = w->count - 1; i > 0; i--) {
			unsigned long j = xorshift(&seed) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	}
	for (i = 0;; i = (i + 1) % w->count) {
		unsigned long *word = (unsigned long *)(buf + order[i] * PAGE);

		*word = ++n;
		w->writes = n;
		if (per_thread_rate && !(n % 16)) {
			double due = start + n * 1e3 / per_thread_rate;
			double ahead = due - now_ms();

			if (ahead > 0) {
				struct timespec ts = {
					.tv_sec = (time_t)(ahead / 1e3),
					.tv_nsec = (long)((ahead - (time_t)(ahead / 1e3) * 1e3) * 1e6),
				};
				nanosleep(&ts, NULL);
			}
		}
	}
	return NULL;
}

int main(void)
{
	char cmdline[4096] = "", val[64];
	unsigned long i, pages;
	double start;
	FILE *f;

	mount("proc", "/proc", "proc", 0, NULL);
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	cmdline_param(cmdline, "wl.mem", val, sizeof(val));
	if (val[0])
		mem_mb = strtoul(val, NULL, 0);
	cmdline_param(cmdline, "wl.hot", val, sizeof(val));
	if (val[0])
		hot_mb = strtoul(val, NULL, 0);
	cmdline_param(cmdline, "wl.rate", val, sizeof(val));
	if (val[0])
		rate = strtoul(val, NULL, 0);
	cmdline_param(cmdline, "wl.pattern", val, sizeof(val));
	sequential = !strcmp(val, "seq");
	cmdline_param(cmdline, "wl.threads", val, sizeof(val));
	nthreads = val[0] ? strtoul(val, NULL, 0) : (unsigned long)sysconf(_SC_NPROCESSORS_ONLN);
	if (!nthreads)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (hot_mb > mem_mb)
		hot_mb = mem_mb;

	pages = mem_mb * 1024 * 1024 / PAGE;
	hot_pages = hot_mb * 1024 * 1024 / PAGE;
	if (!hot_pages || hot_pages < nthreads) {
		say("wl: hot set too small\n");
		goto stop;
	}
	buf = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		say("wl: mmap of %lu MiB failed: %s\n", mem_mb, strerror(errno));
		goto stop;
	}
	/* Non-zero, page-unique contents: no page is a zero page. */
	for (i = 0; i < pages; i++) {
		unsigned long *p = (unsigned long *)(buf + i * PAGE), j;

		for (j = 0; j < PAGE / sizeof(*p); j += 8)
			p[j] = (i << 20) | j | 1;
	}
	say("wl: start mem=%lu MiB hot=%lu MiB rate=%lu threads=%lu pattern=%s\n",
	    mem_mb, hot_mb, rate, nthreads, sequential ? "seq" : "rand");

	for (i = 0; i < nthreads; i++) {
		workers[i].first = hot_pages * i / nthreads;
		workers[i].count = hot_pages * (i + 1) / nthreads - workers[i].first;
		if (pthread_create(&workers[i].tid, NULL, writer, &workers[i])) {
			say("wl: pthread_create failed\n");
			goto stop;
		}
	}
	start = now_ms();
	for (;;) {
		unsigned long total = 0;

		usleep(REPORT_MS * 1000);
		for (i = 0; i < nthreads; i++)
			total += workers[i].writes;
		say("wl %.0f %lu\n", now_ms() - start, total);
	}
stop:
	reboot(RB_POWER_OFF);
	return 1;
}
