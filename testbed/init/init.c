// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test bed's guest.
 *
 * Mounts the pseudo file systems, runs test plans from the initramfs and
 * reports them as one KTAP test list on the console, then powers the machine
 * off.  The plans are chosen on the kernel command line with
 * "plan=NAME[,NAME...]" and read from /plans/NAME.plan; a test is reported
 * as PLAN/NAME.  Plan syntax, one entry a line:
 *
 *   # comment
 *   @write PATH VALUE        write VALUE to PATH before the next tests
 *   @env NAME VALUE          set environment variable NAME for the next tests
 *   NAME TIMEOUT ARGV...     run ARGV (a path under /bin unless absolute),
 *                            killed after TIMEOUT seconds; an argument
 *                            "@ARGS@" stands for the words of
 *                            "runargs=WORD[,WORD...]" on the command line
 *                            (none if it is absent)
 *
 * Each test's output is streamed as KTAP diagnostic lines ("# ...") as it
 * comes.  The exit status gives the result: 0 passes, 4 (KSFT_SKIP) skips,
 * anything else fails.  A test is run in its own process group so that a
 * timeout kills everything it started.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS	256
#define MAX_ARGS	64
#define LINE_MAX_LEN	4096
#define KSFT_SKIP	4

struct entry {
	int is_write;		/* a directive rather than a test: 1 @write, 2 @env */
	char *name;
	int timeout;
	char *argv[MAX_ARGS + 1];
};

static struct entry entries[MAX_TESTS];
static int nr_entries, nr_tests;

/* One write() a line, so that kernel messages do not split KTAP lines. */
static void out(const char *fmt, ...)
{
	char buf[LINE_MAX_LEN + 64];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len > (int)sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		memmove(buf, buf + n, len - n);
		len -= n;
	}
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Not reached unless the power-off failed: leave a trace and stop. */
	out("# testbed: power-off failed: %s", strerror(errno));
	for (;;)
		pause();
}

static void bail_out(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	out("Bail out! %s", msg);
	out("# testbed: done");
	power_off();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		out("# testbed: mount %s on %s: %s", type, dir, strerror(errno));
}

/*
 * Bring up the loopback interface, as a system's init does (QEMU's
 * migration tests listen on 127.0.0.1).  Nothing to do without IPv4.
 */
static void loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			out("# testbed: bringing up lo: %s", strerror(errno));
	}
	close(s);
}

/* Find "key=value" on the kernel command line. */
static int cmdline_value(const char *key, char *val, size_t size)
{
	char buf[4096], *tok, *save;
	size_t klen = strlen(key);
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, key, klen) && tok[klen] == '=') {
			snprintf(val, size, "%s", tok + klen + 1);
			return 0;
		}
	}
	return -1;
}

static void parse_plan(const char *plan)
{
	char line[LINE_MAX_LEN], path[256];
	int lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/plans/%s.plan", plan);
	f = fopen(path, "r");
	if (!f)
		bail_out("cannot open plan %s", path);

	while (fgets(line, sizeof(line), f)) {
		struct entry *e = &entries[nr_entries];
		char *tok, *save, *p = line;
		int argc = 0;

		lineno++;
		p += strspn(p, " \t");
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (nr_entries == MAX_TESTS)
			bail_out("too many entries in plan %s", path);

		if (!strncmp(p, "@write", 6) || !strncmp(p, "@env", 4)) {
			e->is_write = p[1] == 'w' ? 1 : 2;
			strtok_r(p, " \t\n", &save);
			e->argv[0] = strdup(strtok_r(NULL, " \t\n", &save) ?: "");
			e->argv[1] = strdup(strtok_r(NULL, "\n", &save) ?: "");
			nr_entries++;
			continue;
		}

		tok = strtok_r(p, " \t\n", &save);
		if (asprintf(&e->name, "%s/%s", plan, tok) < 0)
			bail_out("out of memory%s", "");
		tok = strtok_r(NULL, " \t\n", &save);
		e->timeout = tok ? atoi(tok) : 0;
		while ((tok = strtok_r(NULL, " \t\n", &save)) && argc < MAX_ARGS) {
			char words[LINE_MAX_LEN], *w, *wsave;

			if (strcmp(tok, "@ARGS@")) {
				e->argv[argc++] = strdup(tok);
				continue;
			}
			if (cmdline_value("runargs", words, sizeof(words)))
				continue;
			for (w = strtok_r(words, ",", &wsave); w && argc < MAX_ARGS;
			     w = strtok_r(NULL, ",", &wsave))
				e->argv[argc++] = strdup(w);
		}
		if (e->timeout <= 0 || !argc) {
			char where[64];

			snprintf(where, sizeof(where), "line %d", lineno);
			bail_out("malformed plan entry at %s", where);
		}
		nr_entries++;
		nr_tests++;
	}
	fclose(f);
}

static void do_write(struct entry *e)
{
	int fd = open(e->argv[0], O_WRONLY);

	if (fd < 0 || write(fd, e->argv[1], strlen(e->argv[1])) < 0)
		out("# testbed: @write %s %s: %s", e->argv[0], e->argv[1], strerror(errno));
	else
		out("# testbed: @write %s %s", e->argv[0], e->argv[1]);
	if (fd >= 0)
		close(fd);
}

/* Emit complete lines from buf as diagnostics; keep a partial tail. */
static size_t flush_lines(char *buf, size_t len, int force)
{
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n' && i - start < LINE_MAX_LEN - 1)
			continue;
		out("# %.*s", (int)(i - start), buf + start);
		start = i + (buf[i] == '\n');
	}
	if (force && start < len) {
		out("# %.*s", (int)(len - start), buf + start);
		start = len;
	}
	memmove(buf, buf + start, len - start);
	return len - start;
}

/*
 * Before a timed-out test is killed: where each of its threads is in the
 * kernel (/proc/PID/task/TID/stack), to tell a hang from slowness.
 */
static void dump_stacks(pid_t pgid)
{
	char path[300], line[256];
	struct dirent *d, *t;
	DIR *procs, *tasks;
	FILE *f;

	procs = opendir("/proc");
	if (!procs)
		return;
	while ((d = readdir(procs))) {
		pid_t p = atoi(d->d_name);

		if (p <= 0 || getpgid(p) != pgid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", p);
		tasks = opendir(path);
		if (!tasks)
			continue;
		while ((t = readdir(tasks))) {
			if (t->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", p, t->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			out("# testbed: kernel stack of task %s (process %d):", t->d_name, p);
			while (fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\n")] = 0;
				out("#   %s", line);
			}
			fclose(f);
		}
		closedir(tasks);
	}
	closedir(procs);
}

/* Returns 0 pass, 1 fail, 2 skip, 3 timeout. */
static int run_test(struct entry *e, int *status_out, double *secs)
{
	static char buf[2 * LINE_MAX_LEN];
	double start = now(), deadline = start + e->timeout;
	int pipefd[2], status = 0, exited = 0, timed_out = 0;
	size_t len = 0;
	char path[256];
	pid_t pid;

	/*
	 * Programs find themselves through argv[0] (the KVM selftests load
	 * their own ELF file): pass the full path.
	 */
	if (e->argv[0][0] != '/') {
		snprintf(path, sizeof(path), "/bin/%s", e->argv[0]);
		e->argv[0] = strdup(path);
	}

	if (pipe2(pipefd, O_CLOEXEC))
		return 1;
	pid = fork();
	if (pid < 0) {
		out("# testbed: fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		setpgid(0, 0);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		if (chdir("/tmp"))
			_exit(126);
		execv(e->argv[0], e->argv);
		fprintf(stderr, "exec %s: %s\n", e->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pipefd[1]);

	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		double left = deadline - now();
		int ret;

		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			/* Whatever the test left behind goes with it. */
			kill(-pid, SIGKILL);
			deadline = now() + 5;
			continue;
		}
		if (left <= 0) {
			if (!exited) {
				int waited;

				timed_out = 1;
				dump_stacks(pid);
				kill(-pid, SIGKILL);
				/* A task stuck in the kernel may never die: do not wait for ever. */
				for (waited = 0; waited < 60 && waitpid(pid, &status, WNOHANG) != pid; waited++)
					sleep(1);
				if (waited == 60) {
					out("# testbed: the test is still alive 60 s after SIGKILL");
					dump_stacks(pid);
				}
				exited = 1;
				deadline = now() + 5;
				continue;
			}
			break;		/* a descendant kept the pipe open */
		}
		ret = poll(&pfd, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (ret < 0 && errno != EINTR)
			break;
		if (ret > 0) {
			ssize_t n = read(pipefd[0], buf + len, sizeof(buf) - len);

			if (n == 0)
				break;	/* EOF: every writer is gone */
			if (n > 0)
				len = flush_lines(buf, len + n, 0);
		}
	}
	if (!exited)
		waitpid(pid, &status, 0);
	flush_lines(buf, len, 1);
	close(pipefd[0]);

	*secs = now() - start;
	*status_out = status;
	if (timed_out)
		return 3;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		return 2;
	return 1;
}

static void describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "status 0x%x", status);
}

int main(void)
{
	char plans[512], *plan, *save;
	int i, n = 0;

	mount_fs("devtmpfs", "/dev", "devtmpfs");
	/* The kernel opened no console if /dev/console was missing. */
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	mount_fs("hugetlbfs", "/dev/hugepages", "hugetlbfs");
	loopback_up();
	setenv("PATH", "/bin", 1);

	out("KTAP version 1");
	if (cmdline_value("plan", plans, sizeof(plans)))
		bail_out("no plan= on the kernel command line%s", "");
	out("# testbed: plans %s", plans);
	for (plan = strtok_r(plans, ",", &save); plan; plan = strtok_r(NULL, ",", &save))
		parse_plan(plan);
	out("1..%d", nr_tests);

	for (i = 0; i < nr_entries; i++) {
		struct entry *e = &entries[i];
		char how[64], cmd[1024] = "";
		double secs = 0;
		int status = 0, ret, a;

		if (e->is_write == 2) {
			setenv(e->argv[0], e->argv[1], 1);
			out("# testbed: @env %s=%s", e->argv[0], e->argv[1]);
			continue;
		}
		if (e->is_write) {
			do_write(e);
			continue;
		}
		n++;
		for (a = 0; e->argv[a]; a++)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s",
				 a ? " " : "", e->argv[a]);
		out("# testbed: start %d %s: %s (timeout %ds)", n, e->name, cmd, e->timeout);
		ret = run_test(e, &status, &secs);
		describe(status, how, sizeof(how));
		out("# testbed: end %d %s: %s after %.1fs", n, e->name,
		    ret == 3 ? "timed out" : how, secs);
		switch (ret) {
		case 0:
			out("ok %d %s", n, e->name);
			break;
		case 2:
			out("ok %d %s # SKIP", n, e->name);
			break;
		case 3:
			out("not ok %d %s # TIMEOUT %ds", n, e->name, e->timeout);
			break;
		default:
			out("not ok %d %s", n, e->name);
			break;
		}
	}
	out("# testbed: done");
	power_off();
	return 0;
}
