// SPDX-License-Identifier: GPL-2.0
/*
 * One real live migration, driven over QMP: run by the test bed's guest
 * (the KVM host, L1) to migrate an L2 guest between two unmodified QEMUs
 * on the same machine, with guest RAM compared byte for byte at the end.
 *
 * The source QEMU boots the L2 kernel with the workload of l2init.c (it
 * writes memory and prints its progress on the console every 250 ms); the
 * destination QEMU waits for the incoming migration, paused (-S).  After a
 * baseline, the source migrates to the destination (a unix socket, or TCP
 * on loopback) with the chosen capabilities and parameters; the program
 * polls query-migrate, and reads the source's KVM statistics through QMP
 * query-stats before and after.  When the migration has completed, both
 * guests' RAM is dumped with pmemsave and compared page by page: a
 * difference is a dirty page the migration lost, and fails the run, naming
 * the pages.  Then the destination runs on for a while, to measure the
 * guest's progress after the migration.
 *
 * Output: "# result KEY VALUE" lines (machine-readable; KEY names below),
 * "# sample T_MS RATE PHASE" lines (the guest's page writes a second,
 * PHASE before/during/after), and human-readable "# ..." lines.  Exit
 * status 0 when every migration completed (or, with -t, was still
 * iterating at the timeout), the RAM comparison passed and the
 * expectation of -E holds; 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_RAM_BASE	0x40000000UL	/* "virt": RAM starts at 1 GiB */
#define PAGE		4096UL
#define MAX_SAMPLES	100000
#define MAX_MISMATCH_SHOWN	16

enum phase { BEFORE, DURING, AFTER };
static const char *const phase_name[] = { "before", "during", "after" };

/* Options */
static unsigned long ram_mb = 256, vcpus = 2, wl_mem = 64, wl_hot = 16, wl_rate;
static const char *pattern = "rand", *backing = "thp", *log_mode = "bitmap";
static const char *transport = "unix", *expect = "", *label = "";
static unsigned long ring_size = 4096, bandwidth_mb, downtime_ms, dirty_limit;
static int auto_converge;
static unsigned long timeout_s = 300, before_s = 5, after_s = 5;
static int may_not_converge, nr_not_completed;
static unsigned long min_rate_pct;
static const char *qemu = "/bin/qemu-system-aarch64";
static const char *kernel = "/lib/l2/Image", *initrd = "/lib/l2/initramfs.cpio";
static const char *workdir = "/tmp/migrate";
static const char *kvm_mode = "", *run_label = "";

#define HDBSS_PARAM	"/sys/module/kvm/parameters/hdbss"

static double t0;
static pid_t pids[2];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6 - t0;
}

static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static void result(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# result %s ", key);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static void kill_qemus(void)
{
	for (int i = 0; i < 2; i++) {
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
	}
}

static void show_log(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	msg("--- %s:", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		msg("| %s", line);
	}
	fclose(f);
}

static void __attribute__((noreturn)) fail(const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	printf("# FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.log", workdir, i ? "dst" : "src");
		show_log(path);
	}
	kill_qemus();
	exit(1);
}

/* QMP: one JSON object a line. */
struct qmp {
	const char *name;
	int fd;
	char *buf;
	size_t len, size;
};

static struct qmp src = { .name = "source" }, dst = { .name = "destination" };

static char *qmp_line(struct qmp *q, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			size_t n = nl - q->buf + 1;
			char *line = strndup(q->buf, n - 1);

			memmove(q->buf, q->buf + n, q->len - n);
			q->len -= n;
			return line;
		}
		if (q->len + 4096 > q->size) {
			q->size = q->size ? q->size * 2 : 65536;
			q->buf = realloc(q->buf, q->size);
			if (!q->buf)
				fail("out of memory");
		}
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());

		if (left <= 0)
			fail("QMP of the %s: no answer in %d s", q->name, timeout_ms / 1000);
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t r = read(q->fd, q->buf + q->len, q->size - q->len);

		if (r <= 0)
			fail("QMP of the %s: connection closed (did QEMU exit?)", q->name);
		q->len += r;
	}
}

/* Send a command; return its "return" line, or fail on an "error". */
static char *qmp(struct qmp *q, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	cmd[n++] = '\n';
	if (write(q->fd, cmd, n) != n)
		fail("QMP of the %s: write: %s", q->name, strerror(errno));
	for (;;) {
		char *line = qmp_line(q, 120000);

		if (!strncmp(line, "{\"return\"", 9))
			return line;
		if (strstr(line, "\"error\"") && !strstr(line, "\"event\""))
			fail("QMP of the %s: %.*s -> %s", q->name, n - 1, cmd, line);
		free(line);	/* an event */
	}
}

static void qmp_connect(struct qmp *q, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double deadline = now_ms() + 60000;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (;;) {
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd < 0)
			fail("socket: %s", strerror(errno));
		if (!connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(q->fd);
		if (now_ms() > deadline)
			fail("no QMP socket %s after 60 s", path);
		usleep(100000);
	}
	free(qmp_line(q, 60000));	/* the greeting */
	free(qmp(q, "{\"execute\": \"qmp_capabilities\"}"));
}

/* The number after "KEY": in a JSON text, or -1. */
static double json_num(const char *s, const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(s, pat);
	return p ? strtod(p + strlen(pat), NULL) : -1;
}

/* A figure of query-migrate, if QEMU gave it (json_num() is -1 if not). */
static void result_num(const char *key, double v)
{
	if (v >= 0)
		result(key, "%.0f", v);
}

static void json_str(const char *s, const char *key, char *out, size_t size)
{
	char pat[128];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(s, pat);
	out[0] = 0;
	if (!p)
		return;
	p += strlen(pat);
	n = strcspn(p, "\"");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

/* KVM vCPU statistics, summed over the vCPUs, read through query-stats. */
static const char *const stat_names[] = {
	"hdbss_entries", "hdbss_full_exits", "hdbss_error_recoveries",
	"dirty_log_wp_faults", "exits",
};
#define NR_STATS (sizeof(stat_names) / sizeof(stat_names[0]))

static int read_stats(struct qmp *q, double *v)
{
	char *r = qmp(q, "{\"execute\": \"query-stats\", \"arguments\": "
		      "{\"target\": \"vcpu\", \"providers\": [{\"provider\": \"kvm\"}]}}");
	int found = 0;

	for (size_t i = 0; i < NR_STATS; i++) {
		char pat[128];
		const char *p = r;

		v[i] = 0;
		snprintf(pat, sizeof(pat), "\"name\": \"%s\"", stat_names[i]);
		while ((p = strstr(p, pat))) {
			const char *val = strstr(p, "\"value\": ");
			const char *end = strchr(p, '}');

			/* "value" may come before or after "name" in the object. */
			if (!val || (end && val > end)) {
				const char *open = p;

				while (open > r && *open != '{')
					open--;
				val = strstr(open, "\"value\": ");
			}
			if (val)
				v[i] += strtod(val + 9, NULL);
			p += strlen(pat);
			found++;
		}
	}
	free(r);
	return found;
}

/* The guest's console: "wl MS WRITES" lines. */
struct console {
	const char *path;
	int fd;
	char part[512];
	size_t plen;
	unsigned long last_writes;
	double last_t;
	int started;
};

static struct console con_src, con_dst;

struct sample {
	double t, rate;
	enum phase phase;
};

static struct sample samples[MAX_SAMPLES];
static int nr_samples;
static enum phase phase = BEFORE;
static unsigned long writes_now;	/* the guest's progress, last seen */

static void console_poll(struct console *c)
{
	char buf[4096];
	ssize_t r;

	if (c->fd < 0) {
		c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (c->fd < 0)
			return;
	}
	while ((r = read(c->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] != '\n') {
				if (c->plen < sizeof(c->part) - 1)
					c->part[c->plen++] = buf[i];
				continue;
			}
			c->part[c->plen] = 0;
			c->plen = 0;
			if (!strncmp(c->part, "wl: ", 4)) {
				c->started = 1;
				msg("%s guest: %s", c == &con_src ? "source" : "destination",
				    c->part + 4);
				continue;
			}
			unsigned long ms, w;

			if (sscanf(c->part, "wl %lu %lu", &ms, &w) != 2)
				continue;
			double t = now_ms();

			if (c->last_t > 0 && w >= c->last_writes && t > c->last_t &&
			    nr_samples < MAX_SAMPLES) {
				samples[nr_samples].t = t;
				samples[nr_samples].rate = (w - c->last_writes) * 1e3 / (t - c->last_t);
				samples[nr_samples].phase = phase;
				printf("# sample %.0f %.0f %s\n", t, samples[nr_samples].rate,
				       phase_name[phase]);
				nr_samples++;
			}
			c->last_t = t;
			c->last_writes = w;
			writes_now = w;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of the rates of one phase. */
static int phase_stats(enum phase p, double *med, double *min, double *max)
{
	static double v[MAX_SAMPLES];
	int n = 0;

	for (int i = 0; i < nr_samples; i++)
		if (samples[i].phase == p)
			v[n++] = samples[i].rate;
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*min = v[0];
	*max = v[n - 1];
	return n;
}

static void wait_ms(double ms)
{
	double end = now_ms() + ms;

	while (now_ms() < end) {
		console_poll(&con_src);
		console_poll(&con_dst);
		usleep(50000);
	}
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		fail("writing %s to %s: %s", val, path, strerror(errno));
	close(fd);
}

/* kvm.hdbss: Y when KVM uses HDBSS for dirty logging (and the CPU has it). */
static int hdbss_param(void)
{
	char v = 'N';
	FILE *f = fopen(HDBSS_PARAM, "r");

	if (f) {
		if (fread(&v, 1, 1, f) != 1)
			v = 'N';
		fclose(f);
	}
	return v == 'Y';
}

static pid_t start_qemu(const char *name, int incoming)
{
	char accel[64], mem[32], smp[32], append[512], chardev[256], qmpsock[256];
	char logpath[256], backend[512];
	const char *argv[64];
	int argc = 0;
	pid_t pid;

	snprintf(accel, sizeof(accel), strcmp(log_mode, "ring") ? "kvm" :
		 "kvm,dirty-ring-size=%lu", ring_size);
	snprintf(mem, sizeof(mem), "%luM", ram_mb);
	snprintf(smp, sizeof(smp), "%lu", vcpus);
	snprintf(append, sizeof(append),
		 "console=ttyAMA0 panic=-1 quiet wl.mem=%lu wl.hot=%lu wl.rate=%lu wl.pattern=%s",
		 wl_mem, wl_hot, wl_rate, pattern);
	snprintf(chardev, sizeof(chardev), "file,id=con,path=%s/%s.console", workdir, name);
	snprintf(qmpsock, sizeof(qmpsock), "unix:%s/%s.qmp,server=on,wait=off", workdir, name);
	snprintf(logpath, sizeof(logpath), "%s/%s.log", workdir, name);

	argv[argc++] = qemu;
	argv[argc++] = "-accel";
	argv[argc++] = accel;
	argv[argc++] = "-M";
	argv[argc++] = "virt,gic-version=3";
	argv[argc++] = "-cpu";
	argv[argc++] = "host";
	argv[argc++] = "-smp";
	argv[argc++] = smp;
	argv[argc++] = "-m";
	argv[argc++] = mem;
	if (!strcmp(backing, "hugetlb")) {
		snprintf(backend, sizeof(backend),
			 "memory-backend-file,id=ram0,size=%luM,mem-path=/dev/hugepages,prealloc=on",
			 ram_mb);
		argv[argc++] = "-object";
		argv[argc++] = backend;
		argv[argc++] = "-machine";
		argv[argc++] = "memory-backend=ram0";
	}
	argv[argc++] = "-nodefaults";
	argv[argc++] = "-no-user-config";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-kernel";
	argv[argc++] = kernel;
	argv[argc++] = "-initrd";
	argv[argc++] = initrd;
	argv[argc++] = "-append";
	argv[argc++] = append;
	argv[argc++] = "-chardev";
	argv[argc++] = chardev;
	argv[argc++] = "-serial";
	argv[argc++] = "chardev:con";
	argv[argc++] = "-qmp";
	argv[argc++] = qmpsock;
	if (incoming) {
		argv[argc++] = "-incoming";
		argv[argc++] = "defer";
		argv[argc++] = "-S";
	}
	argv[argc] = NULL;

	msg("%s: %s %s %s %s %s%s", name, qemu, accel, mem, backing,
	    incoming ? "-incoming defer -S" : "", "");
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* Guest RAM without transparent huge pages ("none"). */
		if (!strcmp(backing, "none"))
			prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		execv(qemu, (char **)argv);
		dprintf(2, "exec %s: %s\n", qemu, strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Compare two RAM dumps page by page; returns the number of pages differing. */
static unsigned long compare_ram(const char *a, const char *b, unsigned long size)
{
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	unsigned long diff = 0;
	struct stat sa, sb;
	char *pa, *pb;

	if (fa < 0 || fb < 0)
		fail("open of the RAM dumps: %s", strerror(errno));
	if (fstat(fa, &sa) || fstat(fb, &sb) || (unsigned long)sa.st_size != size ||
	    (unsigned long)sb.st_size != size)
		fail("RAM dumps of %lu bytes expected: %lld and %lld", size,
		     (long long)sa.st_size, (long long)sb.st_size);
	pa = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fa, 0);
	pb = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fb, 0);
	if (pa == MAP_FAILED || pb == MAP_FAILED)
		fail("mmap of the RAM dumps: %s", strerror(errno));
	for (unsigned long off = 0; off < size; off += PAGE) {
		if (!memcmp(pa + off, pb + off, PAGE))
			continue;
		if (diff < MAX_MISMATCH_SHOWN) {
			unsigned long i = 0;

			while (pa[off + i] == pb[off + i])
				i++;
			msg("RAM differs: guest physical page 0x%lx (first at byte %lu: "
			    "source 0x%02x, destination 0x%02x)", GUEST_RAM_BASE + off, i,
			    (unsigned char)pa[off + i], (unsigned char)pb[off + i]);
		}
		diff++;
	}
	munmap(pa, size);
	munmap(pb, size);
	close(fa);
	close(fb);
	return diff;
}

static void usage(const char *prog)
{
	printf("usage: %s [options]\n"
	       "  -m MiB    guest RAM (%lu)\n"
	       "  -c N      guest vCPUs (%lu)\n"
	       "  -w MiB    workload buffer (%lu)\n"
	       "  -s MiB    workload hot set (%lu)\n"
	       "  -r N      page writes a second, all vCPUs (0: unpaced; %lu)\n"
	       "  -p rand|seq   write order over the hot set (%s)\n"
	       "  -H none|thp|hugetlb   host backing of guest RAM (%s)\n"
	       "  -l bitmap|ring[,...]   how QEMU reads the dirty log (bitmap; + or , between)\n"
	       "  -K hdbss|wp[,...]   kvm.hdbss for each run (default: as it is)\n"
	       "  -N N      repetitions of every mode, the order of -K alternating (1)\n"
	       "  -g N      dirty ring entries a vCPU, with -l ring (%lu)\n"
	       "  -a        the auto-converge capability\n"
	       "  -L MB/s   the dirty-limit capability with this vcpu-dirty-limit (ring)\n"
	       "  -b MiB/s  max-bandwidth (0: QEMU's default)\n"
	       "  -d ms     downtime-limit (0: QEMU's default)\n"
	       "  -u unix|tcp   migration channel (%s)\n"
	       "  -T s      give up a migration not completed after this (%lu)\n"
	       "  -t        such a migration, if it made at least 2 dirty syncs, is\n"
	       "            reported (status timeout), not failed: for loads that\n"
	       "            may not converge\n"
	       "  -B s      baseline before the migration (%lu)\n"
	       "  -A s      run time of the destination after it (%lu)\n"
	       "  -E hdbss|wp|auto   also require the KVM counters of that mode (auto:\n"
	       "            the mode kvm.hdbss says)\n"
	       "  -R PCT    fail a completed migration during which the guest wrote\n"
	       "            less than PCT%% of what its baseline rate gives (0: no check)\n"
	       "  -n NAME   a label printed with the results\n"
	       "  -q PATH   QEMU (%s)\n  -k PATH   guest kernel (%s)\n"
	       "  -i PATH   guest initramfs (%s)\n  -o DIR    work directory (%s)\n",
	       prog, ram_mb, vcpus, wl_mem, wl_hot, wl_rate, pattern, backing,
	       ring_size, transport, timeout_s, before_s, after_s, qemu, kernel, initrd,
	       workdir);
}

/* One migration: both QEMUs started, migrated, compared, stopped. */
static int run_one(void)
{
	double before[NR_STATS], end[NR_STATS], delta[NR_STATS];
	double t_start, t_done, exp_downtime = -1, throttle = 0, med, min, max;
	double base_med = 0, last_progress;
	unsigned long w_start, w_stop, mismatch = 0;
	double syncs;
	int not_completed = 0;
	char path[256], path2[256], status[64] = "", *r;
	int failed = 0;

	/* Fresh state for this run. */
	memset(&con_src, 0, sizeof(con_src));
	memset(&con_dst, 0, sizeof(con_dst));
	free(src.buf);
	free(dst.buf);
	src = (struct qmp){ .name = "source", .fd = -1 };
	dst = (struct qmp){ .name = "destination", .fd = -1 };
	nr_samples = 0;
	phase = BEFORE;
	writes_now = 0;
	mkdir(workdir, 0755);
	const char *const stale[] = { "src.qmp", "dst.qmp", "mig.sock", "src.console",
				      "dst.console", "src.ram", "dst.ram" };
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", workdir, stale[i]);
		unlink(path);
	}
	if (!strcmp(backing, "hugetlb")) {
		char n[32];

		/* Both QEMUs' RAM, in 2 MiB pages, and some spare. */
		snprintf(n, sizeof(n), "%lu", 2 * ram_mb / 2 + 8);
		write_file("/proc/sys/vm/nr_hugepages", n);
	}
	msg("migration %s: kvm.hdbss %s, guest %lu MiB, %lu vCPUs, workload %lu MiB, "
	    "hot %lu MiB, %lu writes/s (0: unpaced), %s; host memory %s; log %s%s%s",
	    run_label, kvm_mode, ram_mb, vcpus, wl_mem, wl_hot, wl_rate, pattern,
	    backing, log_mode, auto_converge ? ", auto-converge" : "",
	    dirty_limit ? ", dirty-limit" : "");

	snprintf(path, sizeof(path), "%s/src.console", workdir);
	con_src.path = strdup(path);
	con_src.fd = -1;
	snprintf(path, sizeof(path), "%s/dst.console", workdir);
	con_dst.path = strdup(path);
	con_dst.fd = -1;

	pids[0] = start_qemu("src", 0);
	pids[1] = start_qemu("dst", 1);
	snprintf(path, sizeof(path), "%s/src.qmp", workdir);
	qmp_connect(&src, path);
	snprintf(path, sizeof(path), "%s/dst.qmp", workdir);
	qmp_connect(&dst, path);

	/* Boot, then the baseline. */
	for (double deadline = now_ms() + 600000; !con_src.last_t; ) {
		if (now_ms() > deadline)
			fail("the guest did not start its workload in 600 s (console: %s)",
			     con_src.path);
		if (waitpid(pids[0], NULL, WNOHANG) == pids[0]) {
			pids[0] = 0;
			fail("the source QEMU exited");
		}
		wait_ms(200);
	}
	msg("guest workload running at %.1f s; baseline for %lu s", now_ms() / 1e3, before_s);
	wait_ms(before_s * 1000.0);

	if (read_stats(&src, before) == 0)
		fail("query-stats returned none of the KVM statistics");

	/* Capabilities and parameters, then the migration. */
	if (auto_converge || dirty_limit) {
		free(qmp(&src, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
			 "{\"capabilities\": [{\"capability\": \"%s\", \"state\": true}]}}",
			 auto_converge ? "auto-converge" : "dirty-limit"));
	}
	if (auto_converge && dirty_limit)
		free(qmp(&src, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": "
			 "{\"capabilities\": [{\"capability\": \"dirty-limit\", \"state\": true}]}}"));
	if (dirty_limit)
		free(qmp(&src, "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
			 "{\"vcpu-dirty-limit\": %lu}}", dirty_limit));
	if (bandwidth_mb)
		free(qmp(&src, "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
			 "{\"max-bandwidth\": %lu}}", bandwidth_mb << 20));
	if (downtime_ms)
		free(qmp(&src, "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
			 "{\"downtime-limit\": %lu}}", downtime_ms));
	if (!strcmp(transport, "tcp"))
		snprintf(path, sizeof(path), "tcp:127.0.0.1:4444");
	else
		snprintf(path, sizeof(path), "unix:%s/mig.sock", workdir);
	free(qmp(&dst, "{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"%s\"}}",
		 path));
	w_start = writes_now;
	phase = DURING;
	t_start = now_ms();
	last_progress = t_start;
	free(qmp(&src, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"%s\"}}", path));

	for (;;) {
		wait_ms(250);
		r = qmp(&src, "{\"execute\": \"query-migrate\"}");
		json_str(r, "status", status, sizeof(status));
		if (json_num(r, "expected-downtime") >= 0)
			exp_downtime = json_num(r, "expected-downtime");
		/* Auto-converge's throttle only rises until the migration ends. */
		if (json_num(r, "cpu-throttle-percentage") > throttle)
			throttle = json_num(r, "cpu-throttle-percentage");
		if (!strcmp(status, "completed") || !strcmp(status, "failed") ||
		    !strcmp(status, "cancelled"))
			break;
		if (now_ms() - last_progress >= 5000) {
			last_progress = now_ms();
			msg("%.0f s: %s, %.0f MiB sent, %.0f MiB remaining, dirty-sync-count %.0f, "
			    "expected downtime %.0f ms", (now_ms() - t_start) / 1e3, status,
			    json_num(r, "transferred") / 1048576, json_num(r, "remaining") / 1048576,
			    json_num(r, "dirty-sync-count"), json_num(r, "expected-downtime"));
		}
		if (now_ms() - t_start > timeout_s * 1000.0) {
			char st[64] = "";

			msg("not completed after %lu s: cancelling", timeout_s);
			free(qmp(&src, "{\"execute\": \"migrate_cancel\"}"));
			/*
			 * It may have completed before the cancel: wait for the
			 * final state.  Otherwise report the figures of the last
			 * reply before the cancel.
			 */
			for (double deadline = now_ms() + 30000; now_ms() < deadline;) {
				char *q;

				wait_ms(250);
				q = qmp(&src, "{\"execute\": \"query-migrate\"}");
				json_str(q, "status", st, sizeof(st));
				if (!strcmp(st, "completed")) {
					free(r);
					r = q;
					break;
				}
				free(q);
				if (!strcmp(st, "cancelled") || !strcmp(st, "failed"))
					break;
			}
			strcpy(status, strcmp(st, "completed") ? "timeout" : "completed");
			break;
		}
		free(r);
	}
	t_done = now_ms();
	w_stop = con_src.last_writes;
	/* The source's last progress line came before it stopped. */
	wait_ms(300);
	w_stop = con_src.last_writes > w_stop ? con_src.last_writes : w_stop;
	phase = AFTER;

	result("status", "%s", status);
	syncs = r ? json_num(r, "dirty-sync-count") : 0;
	if (r) {
		/* A figure QEMU did not give (downtime before completion) is left out. */
		result_num("total_time_ms", json_num(r, "total-time"));
		result_num("setup_time_ms", json_num(r, "setup-time"));
		result_num("downtime_ms", json_num(r, "downtime"));
		result_num("expected_downtime_ms", exp_downtime);
		if (auto_converge)
			result("cpu_throttle_max_pct", "%.0f", throttle);
		result_num("dirty_sync_count", json_num(r, "dirty-sync-count"));
		result_num("dirty_pages_rate", json_num(r, "dirty-pages-rate"));
		result_num("transferred_bytes", json_num(r, "transferred"));
		result_num("normal_pages", json_num(r, "normal"));
		result_num("duplicate_pages", json_num(r, "duplicate"));
		result_num("precopy_bytes", json_num(r, "precopy-bytes"));
		result_num("downtime_bytes", json_num(r, "downtime-bytes"));
		msg("query-migrate: %s", r);
		free(r);
	}
	read_stats(&src, end);
	for (size_t i = 0; i < NR_STATS; i++) {
		delta[i] = end[i] - before[i];
		result(stat_names[i], "%.0f", delta[i]);
	}

	if (!strcmp(status, "completed")) {
		/* The destination has all of it once it left "inmigrate". */
		char st[64];

		for (double deadline = now_ms() + 120000;; wait_ms(200)) {
			r = qmp(&dst, "{\"execute\": \"query-status\"}");
			json_str(r, "status", st, sizeof(st));
			free(r);
			if (strcmp(st, "inmigrate"))
				break;
			if (now_ms() > deadline)
				fail("the destination is still 'inmigrate' 120 s after the source completed");
		}
		msg("destination state: %s; dumping both guests' RAM", st);
		snprintf(path, sizeof(path), "%s/src.ram", workdir);
		snprintf(path2, sizeof(path2), "%s/dst.ram", workdir);
		free(qmp(&src, "{\"execute\": \"pmemsave\", \"arguments\": {\"val\": %lu, "
			 "\"size\": %lu, \"filename\": \"%s\"}}", GUEST_RAM_BASE, ram_mb << 20, path));
		free(qmp(&dst, "{\"execute\": \"pmemsave\", \"arguments\": {\"val\": %lu, "
			 "\"size\": %lu, \"filename\": \"%s\"}}", GUEST_RAM_BASE, ram_mb << 20, path2));
		mismatch = compare_ram(path, path2, ram_mb << 20);
		unlink(path);
		unlink(path2);
		result("ram_pages_compared", "%lu", (ram_mb << 20) / PAGE);
		result("ram_pages_differing", "%lu", mismatch);
		if (mismatch) {
			msg("FAIL: %lu guest pages differ between source and destination", mismatch);
			failed = 1;
		} else {
			msg("guest RAM identical on both sides (%lu pages)", (ram_mb << 20) / PAGE);
		}
		free(qmp(&dst, "{\"execute\": \"cont\"}"));
		wait_ms(after_s * 1000.0);
	} else if (!strcmp(status, "timeout") && may_not_converge && syncs >= 2) {
		/* It iterated: a load that does not converge, not a stuck migration. */
		msg("not completed in %lu s after %.0f dirty syncs (-t): no RAM to compare",
		    timeout_s, syncs);
		not_completed = 1;
	} else {
		msg("FAIL: migration %s", status);
		failed = 1;
	}

	/* The guest's progress. */
	if (phase_stats(BEFORE, &med, &min, &max)) {
		base_med = med;
		result("rate_before", "%.0f", med);
		result("rate_before_min", "%.0f", min);
		result("rate_before_max", "%.0f", max);
	}
	if (phase_stats(DURING, &med, &min, &max))
		result("rate_during", "%.0f", med);
	if (phase_stats(AFTER, &med, &min, &max))
		result("rate_after", "%.0f", med);
	{
		/*
		 * Lost progress: what the guest would have written at its
		 * baseline rate from the start of the migration to the
		 * moment the source stopped, minus what it wrote, plus the
		 * blackout (downtime) at the baseline rate.
		 */
		double span = t_done - t_start;
		double lost = base_med * span / 1e3 - (double)(w_stop - w_start);

		result("migration_wall_ms", "%.0f", span);
		result("guest_writes_during", "%lu", w_stop - w_start);
		result("lost_progress_writes", "%.0f", lost);
		result("lost_progress_pct", "%.1f", base_med > 0 ? 100 * lost / (base_med * span / 1e3) : 0);
		/*
		 * A guest that hardly wrote while it migrated makes the RAM
		 * comparison say little about dirty logging (-R).
		 */
		if (min_rate_pct && !strcmp(status, "completed") &&
		    (double)(w_stop - w_start) < base_med * span / 1e3 * min_rate_pct / 100) {
			msg("FAIL: the guest wrote %lu pages during the migration, under %lu%% "
			    "of its baseline rate (%.0f a second over %.0f ms)",
			    w_stop - w_start, min_rate_pct, base_med, span);
			failed = 1;
		}
	}

	/* Expectations on the KVM counters. */
	const char *want = strcmp(expect, "auto") ? expect : kvm_mode;

	if (!strcmp(want, "hdbss")) {
		double entries = delta[0], wp = delta[3];

		if (entries <= 0) {
			msg("FAIL: no HDBSS entries during the migration (expected HDBSS)");
			failed = 1;
		} else if (wp > entries / 100) {
			msg("FAIL: %.0f dirty-log write faults for %.0f HDBSS entries (over 1%%)",
			    wp, entries);
			failed = 1;
		}
	} else if (!strcmp(want, "wp")) {
		if (delta[0] || delta[1]) {
			msg("FAIL: HDBSS counters moved (%.0f entries, %.0f full exits) in "
			    "write-protect mode", delta[0], delta[1]);
			failed = 1;
		} else if (delta[3] <= 0) {
			msg("FAIL: no dirty-log write faults while logging");
			failed = 1;
		}
	}
	if (delta[2] > 0)
		msg("note: %.0f HDBSS error recoveries", delta[2]);

	free(qmp(&src, "{\"execute\": \"quit\"}"));
	if (!strcmp(status, "completed"))
		free(qmp(&dst, "{\"execute\": \"quit\"}"));
	for (int i = 0; i < 2; i++) {
		for (int n = 0; n < 100 && waitpid(pids[i], NULL, WNOHANG) == 0; n++)
			usleep(100000);
	}
	kill_qemus();
	msg("migration %s: %s", run_label,
	    failed ? "FAILED" : not_completed ? "not completed (-t)" : "passed");
	if (not_completed && !failed)
		nr_not_completed++;
	return failed;
}

int main(int argc, char **argv)
{
	const char *kvm_modes = "", *log_modes = "bitmap";
	unsigned long reps = 1;
	int c, failed = 0, runs = 0;

	{
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		t0 = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
	}
	while ((c = getopt(argc, argv, "m:c:w:s:r:p:H:l:g:aL:b:d:u:T:tB:A:E:R:K:N:n:q:k:i:o:h")) != -1) {
		switch (c) {
		case 'm': ram_mb = strtoul(optarg, NULL, 0); break;
		case 'c': vcpus = strtoul(optarg, NULL, 0); break;
		case 'w': wl_mem = strtoul(optarg, NULL, 0); break;
		case 's': wl_hot = strtoul(optarg, NULL, 0); break;
		case 'r': wl_rate = strtoul(optarg, NULL, 0); break;
		case 'p': pattern = optarg; break;
		case 'H': backing = optarg; break;
		case 'l': log_modes = optarg; break;
		case 'K': kvm_modes = optarg; break;
		case 'N': reps = strtoul(optarg, NULL, 0); break;
		case 'g': ring_size = strtoul(optarg, NULL, 0); break;
		case 'a': auto_converge = 1; break;
		case 'L': dirty_limit = strtoul(optarg, NULL, 0); break;
		case 'b': bandwidth_mb = strtoul(optarg, NULL, 0); break;
		case 'd': downtime_ms = strtoul(optarg, NULL, 0); break;
		case 'u': transport = optarg; break;
		case 'T': timeout_s = strtoul(optarg, NULL, 0); break;
		case 't': may_not_converge = 1; break;
		case 'B': before_s = strtoul(optarg, NULL, 0); break;
		case 'A': after_s = strtoul(optarg, NULL, 0); break;
		case 'E': expect = optarg; break;
		case 'R': min_rate_pct = strtoul(optarg, NULL, 0); break;
		case 'n': label = optarg; break;
		case 'q': qemu = optarg; break;
		case 'k': kernel = optarg; break;
		case 'i': initrd = optarg; break;
		case 'o': workdir = optarg; break;
		default: usage(argv[0]); return c == 'h' ? 0 : 1;
		}
	}
	if (strcmp(backing, "none") && strcmp(backing, "thp") && strcmp(backing, "hugetlb"))
		fail("-H: none, thp or hugetlb, not %s", backing);
	if (strcmp(transport, "unix") && strcmp(transport, "tcp"))
		fail("-u: unix or tcp, not %s", transport);
	if (*expect && strcmp(expect, "hdbss") && strcmp(expect, "wp") && strcmp(expect, "auto"))
		fail("-E: hdbss, wp or auto, not %s", expect);
	signal(SIGPIPE, SIG_IGN);
	if (access("/dev/kvm", R_OK | W_OK))
		fail("/dev/kvm: %s", strerror(errno));

	/*
	 * Repetitions: every log mode, and in each every KVM mode of -K, the
	 * order of the KVM modes reversed every other repetition.
	 */
	for (unsigned long rep = 0; rep < reps; rep++) {
		char lm[128], *lsave, *l;

		snprintf(lm, sizeof(lm), "%s", log_modes);
		for (l = strtok_r(lm, ",+", &lsave); l; l = strtok_r(NULL, ",+", &lsave)) {
			char km[128], *modes[8];
			int nk = 0;

			if (strcmp(l, "bitmap") && strcmp(l, "ring"))
				fail("-l: bitmap or ring, not %s", l);
			if (dirty_limit && strcmp(l, "ring"))
				fail("-L (dirty-limit) needs the dirty ring (-l ring)");
			snprintf(km, sizeof(km), "%s", *kvm_modes ? kvm_modes : "current");
			for (char *k, *ksave = NULL, *p = km; (k = strtok_r(p, ",+", &ksave)) && nk < 8; p = NULL)
				modes[nk++] = k;
			for (int i = 0; i < nk; i++) {
				const char *k = modes[rep % 2 ? nk - 1 - i : i];
				char name[128];

				if (!strcmp(k, "hdbss"))
					write_file(HDBSS_PARAM, "1");
				else if (!strcmp(k, "wp"))
					write_file(HDBSS_PARAM, "0");
				else if (strcmp(k, "current"))
					fail("-K: hdbss, wp or current, not %s", k);
				log_mode = l;
				kvm_mode = hdbss_param() ? "hdbss" : "wp";
				snprintf(name, sizeof(name), "%s%s%s-%s-%lu", label, *label ? "-" : "",
					 kvm_mode, l, rep + 1);
				run_label = name;
				/* As hdbss_test prints it: testbed/shapes' expect= reads it. */
				msg("kvm.hdbss=%c, migration %s", *kvm_mode == 'h' ? 'Y' : 'N', name);
				printf("# run %s %s %s %lu\n", name, kvm_mode, l, rep + 1);
				failed |= run_one();
				runs++;
			}
		}
	}
	if (nr_not_completed && !failed)
		msg("%d migrations, %d not completed in time (-t), the others passed", runs,
		    nr_not_completed);
	else
		msg("%d migrations, %s", runs, failed ? "at least one FAILED" : "all passed");
	return failed;
}
