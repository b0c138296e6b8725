/* SPDX-License-Identifier: MIT */
/*
 * Run a throwaway Kbuild to learn a module's real compile command.
 *
 * The module source is copied into a fresh temporary folder next to a
 * one-line Kbuild, and Kbuild's single-target rule `<mod>.i` is asked for:
 * it only preprocesses (about a second), yet writes .<mod>.i.cmd with the
 * very flags `<mod>.o` would be compiled with.  The folder is removed before
 * returning, whatever happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kflags-internal.h"

/* Module name Kbuild will see: basename of @src without ".c". */
static char *module_base(const char *src)
{
	const char *b = strrchr(src, '/');
	size_t n;

	b = b ? b + 1 : src;
	n = strlen(b);
	if (n > 2 && strcmp(b + n - 2, ".c") == 0)
		n -= 2;
	return strndup(b, n);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(text, f) >= 0;
	if (fclose(f) != 0 || !ok)
		return -EIO;
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, ret = 0;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto close_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	}
	if (n < 0)
		ret = -errno;
	close(out);
close_in:
	close(in);
	return ret;
}

/* Remove @dir and the plain files in it (Kbuild writes no subfolders for
 * a single-target build). */
static void remove_tree(const char *dir)
{
	char path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* The most telling line of a failed Kbuild's log: the first "error", else
 * the last non-empty line. */
static void log_reason(const char *logpath, char *out, size_t outlen)
{
	char line[512], last[512] = "", *nl;
	FILE *f = fopen(logpath, "r");

	snprintf(out, outlen, "(no output)");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(line, "error") || strstr(line, "Error")) {
			snprintf(out, outlen, "%s", line);
			fclose(f);
			return;
		}
		if (line[0])
			snprintf(last, sizeof(last), "%s", line);
	}
	fclose(f);
	if (last[0])
		snprintf(out, outlen, "%s", last);
}

/* make -s -C @kdir M=@dir @target, output into @logpath (with ARCH= and
 * CROSS_COMPILE= for a tree of another architecture).  Returns the exit
 * status (0 on success), or a negative errno if make could not be run. */
static int run_make(const char *kdir, const char *dir, const char *target,
		    const char *logpath)
{
	char mdir[PATH_MAX + 3], archv[64] = "", crossv[PATH_MAX + 16] = "";
	const char *arch, *prefix;
	pid_t pid;
	int status, fd;

	snprintf(mdir, sizeof(mdir), "M=%s", dir);
	if (kf_cross(kdir, &arch, &prefix)) {
		snprintf(archv, sizeof(archv), "ARCH=%s", arch);
		snprintf(crossv, sizeof(crossv), "CROSS_COMPILE=%s", prefix);
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		if (archv[0])
			execlp("make", "make", "-s", "-C", kdir, mdir, archv, crossv,
			       target, (char *)NULL);
		else
			execlp("make", "make", "-s", "-C", kdir, mdir, target, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status))
		return 128;
	return WEXITSTATUS(status);
}

/* The value of the cmd_<target> := ... (or savedcmd_) line of @cmdfile. */
static int read_cmd_line(const char *cmdfile, char **line)
{
	char *buf = NULL, *v;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(cmdfile, "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while ((n = getline(&buf, &cap, f)) > 0) {
		if (strncmp(buf, "cmd_", 4) && strncmp(buf, "savedcmd_", 9))
			continue;
		v = strstr(buf, ":=");
		if (!v)
			continue;
		if (buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		*line = strdup(v + 2);
		ret = *line ? 0 : -ENOMEM;
		break;
	}
	free(buf);
	fclose(f);
	return ret;
}

int kf_kbuild_cmdline(const char *kdir, const char *src, const char *srcdir,
		      char **line, char **tmpdir, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], text[2 * PATH_MAX];
	char reason[512];
	const char *tmp = getenv("TMPDIR");
	char *base;
	int ret;

	*line = NULL;
	*tmpdir = NULL;
	base = module_base(src);
	if (!base)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s/dusk-kflags-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		ret = -errno;
		kf_seterr(err, errlen, "cannot create a temporary folder: %s",
			  strerror(errno));
		goto free_base;
	}
	snprintf(path, sizeof(path), "%s/%s.c", dir, base);
	ret = copy_file(src, path);
	if (ret) {
		kf_seterr(err, errlen, "%s: %s", src, strerror(-ret));
		goto remove;
	}
	snprintf(path, sizeof(path), "%s/Kbuild", dir);
	/* The copy must still find the module's own "local.h" headers. */
	snprintf(text, sizeof(text), "obj-m := %s.o\nccflags-y := -I'%s'\n",
		 base, srcdir);
	ret = write_file(path, text);
	if (ret) {
		kf_seterr(err, errlen, "%s: %s", path, strerror(-ret));
		goto remove;
	}
	snprintf(path, sizeof(path), "%s/kbuild.log", dir);
	snprintf(text, sizeof(text), "%s.i", base);
	ret = run_make(kdir, dir, text, path);
	if (ret) {
		log_reason(path, reason, sizeof(reason));
		kf_seterr(err, errlen, "Kbuild of %s against %s failed (%s): %s",
			  src, kdir, ret == 127 ? "make not found" : "exit status",
			  reason);
		ret = ret < 0 ? ret : -EIO;
		goto remove;
	}
	snprintf(path, sizeof(path), "%s/.%s.i.cmd", dir, base);
	ret = read_cmd_line(path, line);
	if (ret)
		kf_seterr(err, errlen, "Kbuild wrote no command line (%s): %s",
			  path, strerror(-ret));
remove:
	remove_tree(dir);
	if (!ret) {
		*tmpdir = strdup(dir);
		if (!*tmpdir) {
			free(*line);
			*line = NULL;
			ret = -ENOMEM;
		}
	}
free_base:
	free(base);
	return ret;
}
