/* SPDX-License-Identifier: MIT */
/*
 * Faults: the program stops loudly, never silently.  A read of unmapped
 * kernel memory, a write the kernel refuses, or a SIGSEGV in module code (a
 * NULL dereference) is reported through the log callback with the kernel
 * address and the module's source line (the return address or faulting PC,
 * resolved by addr2line against the object that holds it; #line directives
 * in the generated code make that mymod.c), then SIGSEGV is raised with its
 * default action so gdb stops and a core is dumped.
 */
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/wait.h>

#include "rt-internal.h"

DUSK_TLS const void *dusk_entry_pc;

struct find_obj {
	uintptr_t pc;
	const char *name;
	uintptr_t bias;
	int found;
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_obj *f = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && f->pc >= lo && f->pc < lo + ph->p_memsz) {
			f->name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name
								       : NULL;
			f->bias = info->dlpi_addr;
			f->found = 1;
			return 1;
		}
	}
	return 0;
}

/* Run addr2line; fills @out with its stdout.  0 or -errno. */
static int run_addr2line(const char *obj, uintptr_t rel, char *out, size_t cap)
{
	char hex[32];
	int fd[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)rel);
	if (pipe(fd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("addr2line", "addr2line", "-f", "-i", "-C", "-e", obj, hex, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (n < cap - 1 && (r = read(fd[0], out + n, cap - 1 - n)) > 0)
		n += r;
	out[n] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ENOENT;
}

void dusk_symbolize(const void *pc, char *buf, size_t cap)
{
	struct find_obj f = { (uintptr_t)pc, NULL, 0, 0 };
	char out[1024], exe[512], *fn, *loc;
	ssize_t n;

	buf[0] = '\0';
	if (!pc)
		return;
	dl_iterate_phdr(find_cb, &f);
	if (f.found && !f.name) {
		/* The main program: name it for addr2line, whose own
		 * /proc/self/exe would be addr2line. */
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return;
		exe[n] = '\0';
		f.name = exe;
	}
	if (!f.found || run_addr2line(f.name, f.pc - f.bias, out, sizeof(out)))
		return;
	/* With -i, inlined frames come first (dusk_check() from runtime.h,
	 * kprim.h helpers): the last function/location pair is the function
	 * the code was inlined into, i.e. the module's own line. */
	fn = out;
	loc = NULL;
	for (;;) {
		char *l = strchr(fn, '\n'), *next;

		if (!l)
			break;
		*l = '\0';
		next = strchr(l + 1, '\n');
		if (next)
			*next = '\0';
		loc = l + 1;
		if (!next || !next[1])
			break;
		fn = next + 1;
	}
	if (!loc)
		return;
	if (loc[0] == '?' || loc[0] == '\0')
		snprintf(buf, cap, "%s (no line information in %s)", fn[0] == '?' ? "??" : fn, f.name);
	else
		snprintf(buf, cap, "%s (in %s)", loc, fn);
}

static void die_segv(void) __attribute__((noreturn));
static void die_segv(void)
{
	sigset_t set;

	signal(SIGSEGV, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGSEGV);
	abort();
}

void dusk_die(void)
{
	die_segv();
}

void dusk_fault(const char *what, uint64_t addr, size_t len, const void *pc, const char *detail)
{
	char loc[768], range[64] = "";
	const char *fn = dusk_thread_fn();

	/* A return address points after the call: look up the call itself. */
	dusk_symbolize(pc ? (const char *)pc - 1 : NULL, loc, sizeof(loc));
	if (len)
		snprintf(range, sizeof(range), " (%zu bytes)", len);
	dusk_log(DUSK_LOG_ERROR, "dusk: fault: %s at kernel address 0x%llx%s%s%s%s%s%s%s",
		 what, (unsigned long long)addr, range,
		 loc[0] ? " at " : "", loc,
		 fn && !loc[0] ? " in " : "", fn && !loc[0] ? fn : "",
		 detail && detail[0] ? ": " : "", detail ? detail : "");
	die_segv();
}

/* Is symbolized location @loc ("path:line ...") in a header file? */
static int in_header(const char *loc)
{
	const char *colon = strchr(loc, ':');

	return colon && colon - loc > 2 && !strncmp(colon - 2, ".h", 2);
}

/*
 * The first of @n frames that is the module's: not a generated wrapper,
 * nor runtime.h's dusk_check() when the module is built without
 * optimisation (not inlined).  A kernel header's inline kept out of line
 * (alloc_skb() around __alloc_skb(), sysfs_create_file()) is no line to act
 * on by itself: the first frame outside a header, the module's call of it,
 * follows as "called from".
 */
int dusk_module_line(void *const *pcs, int n, size_t back, char *buf, size_t cap)
{
	char caller[768];
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		dusk_symbolize((const char *)pcs[i] - back, buf, cap);
		if (buf[0] && !strstr(buf, "(in dusk_k_") && !strstr(buf, "(in dusk_check"))
			break;
	}
	if (i == n) {
		buf[0] = '\0';
		return 0;
	}
	while (in_header(buf) && ++i < n) {
		dusk_symbolize((const char *)pcs[i] - back, caller, sizeof(caller));
		if (caller[0] && !in_header(caller)) {
			len = strlen(buf);
			snprintf(buf + len, cap - len, ", called from %s", caller);
			break;
		}
	}
	return 1;
}

void dusk_fatal(const char *fmt, ...)
{
	char msg[1024], loc[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dusk_symbolize(dusk_entry_pc ? (const char *)dusk_entry_pc - 1 : NULL, loc, sizeof(loc));
	dusk_log(DUSK_LOG_ERROR, "%s%s%s", msg, loc[0] ? " at " : "", loc);
	abort();
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	const void *pc = (const void *)(uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t a = (uintptr_t)si->si_addr;
	char loc[768];
	const char *fn = dusk_thread_fn();

	/* A bad access to the module's kernel memory was given a guard page
	 * (kasan.c): now we know whether it reads or writes (x86 page-fault
	 * error code, bit 1). */
	if (sig == SIGSEGV && dusk_kasan_fault(si->si_addr, !!(uc->uc_mcontext.gregs[REG_ERR] & 2))) {
		signal(sig, SIG_DFL);
		return;
	}
	dusk_symbolize(pc, loc, sizeof(loc));
	dusk_log(DUSK_LOG_ERROR, "dusk: fault: %s at address 0x%lx%s%s%s%s (signal %s)",
		 a < 4096 ? "NULL pointer dereference" : "invalid memory access",
		 (unsigned long)a, loc[0] ? " at " : "", loc,
		 fn && !loc[0] ? " in " : "", fn && !loc[0] ? fn : "", strsignal(sig));
	/* Return with the default action restored: the access repeats and
	 * the kernel kills the process with a core, gdb sees the real PC. */
	signal(sig, SIG_DFL);
}

void dusk_fault_install(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
