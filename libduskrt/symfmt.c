/* SPDX-License-Identifier: MIT */
/*
 * printk's symbol conversions (%pS, %ps, %pB and their R/b variants) of an
 * address in the program's own code or data.
 *
 * The kernel formats them from kallsyms: "helper_fn+0x4/0x20 [mymod]".  The
 * program's functions have no kernel address (a function handed to the
 * kernel becomes its proxy, which kallsyms names dusk_proxy_NAME in
 * dusk_NAME; an address inside one has no kernel counterpart at all), so
 * the program formats these conversions itself, from its own symbol table
 * (.symtab of /proc/self/exe), the way lib/kallsyms.c's __sprint_symbol()
 * does, and the kernel gets the text instead: the conversion becomes the
 * literal text followed by "%.0s", which consumes the argument (now NULL)
 * and prints nothing.  Kernel addresses are left to the kernel's %pS.
 */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt-internal.h"

static struct {
	const Elf64_Sym *sym;
	unsigned int nsym;
	const char *str;
	size_t strsize;
	uintptr_t bias;
} own;

static pthread_once_t own_once = PTHREAD_ONCE_INIT;

static int main_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	/* the first object is the program itself */
	*(uintptr_t *)data = info->dlpi_addr;
	return 1;
}

/* Map the program's .symtab and .strtab once (never unmapped). */
static void own_load(void)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	struct stat st;
	void *map;
	int fd, i;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || (size_t)st.st_size < sizeof(*eh)) {
		close(fd);
		return;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	eh = map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > (size_t)st.st_size)
		goto bad;
	sh = (const Elf64_Shdr *)((const char *)map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &sh[i], *l;

		if (s->sh_type != SHT_SYMTAB || s->sh_link >= eh->e_shnum)
			continue;
		l = &sh[s->sh_link];
		if (s->sh_offset + s->sh_size > (size_t)st.st_size ||
		    l->sh_offset + l->sh_size > (size_t)st.st_size)
			goto bad;
		own.sym = (const Elf64_Sym *)((const char *)map + s->sh_offset);
		own.nsym = s->sh_size / sizeof(Elf64_Sym);
		own.str = (const char *)map + l->sh_offset;
		own.strsize = l->sh_size;
		dl_iterate_phdr(main_bias, &own.bias);
		return;
	}
bad:
	munmap(map, st.st_size);
}

/*
 * The program's function or object that holds @addr: its name, the offset
 * of @addr in it and its size.  0 when @addr is in none (another library,
 * the heap, a stripped program).
 */
static int own_symbol(uintptr_t addr, const char **name, size_t *off, size_t *size)
{
	const Elf64_Sym *best = NULL;
	unsigned int i;

	pthread_once(&own_once, own_load);
	if (!own.sym || addr < own.bias)
		return 0;
	addr -= own.bias;
	for (i = 1; i < own.nsym; i++) {
		const Elf64_Sym *s = &own.sym[i];
		int t = ELF64_ST_TYPE(s->st_info);

		if ((t != STT_FUNC && t != STT_OBJECT) || s->st_shndx == SHN_UNDEF ||
		    !s->st_value || s->st_name >= own.strsize)
			continue;
		if (addr < s->st_value || addr >= s->st_value + (s->st_size ? s->st_size : 1))
			continue;
		if (!best || s->st_value > best->st_value)
			best = s;
	}
	if (!best)
		return 0;
	*name = own.str + best->st_name;
	*off = addr - best->st_value;
	*size = best->st_size;
	return 1;
}

/*
 * Format symbol conversion @ext ('S', 's' or 'B') of @addr as the kernel
 * would (sprint_symbol(), sprint_symbol_no_offset(), sprint_backtrace())
 * into @out.  0 when @addr is not the program's.
 */
static int own_sprint(char *out, size_t cap, uintptr_t addr, char ext)
{
	int back = ext == 'B';	/* a return address: the call is before it */
	const char *name;
	size_t off, size;

	if (!own_symbol(addr - back, &name, &off, &size)) {
		/* the byte before a function that starts the program's
		 * code: kallsyms finds nothing either, and the kernel
		 * prints the address */
		if (!back || !own_symbol(addr, &name, &off, &size))
			return 0;
		snprintf(out, cap, "0x%lx", (unsigned long)addr);
		return 1;
	}
	if (ext == 's')
		snprintf(out, cap, "%s [%s]", name, dusk_sess->m->name);
	else
		snprintf(out, cap, "%s+0x%zx/0x%zx [%s]", name, off + back, size,
			 dusk_sess->m->name);
	return 1;
}

int dusk_own_frame(const void *ret, char *out, size_t cap)
{
	return dusk_sess && own_sprint(out, cap, (uintptr_t)ret, 'B');
}

struct out {
	char *buf;
	size_t cap, len;
};

/* Append @n bytes of @s to @o, each '%' doubled when @escape; 0 if full. */
static int put(struct out *o, const char *s, size_t n, int escape)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->len + 2 >= o->cap)
			return 0;
		if (escape && s[i] == '%')
			o->buf[o->len++] = '%';
		o->buf[o->len++] = s[i];
	}
	o->buf[o->len] = '\0';
	return 1;
}

/* Append symbol text @sym padded to @width (left-justified with @left), as
 * the kernel's string_nocheck() pads it, then the "%.0s" that consumes the
 * argument. */
static int put_symbol(struct out *o, const char *sym, int width, int left)
{
	char pad[256];
	int n = (int)strlen(sym);

	if (width > (int)sizeof(pad))
		width = sizeof(pad);
	memset(pad, ' ', sizeof(pad));
	if (!left && width > n && !put(o, pad, width - n, 0))
		return 0;
	if (!put(o, sym, n, 1))
		return 0;
	if (left && width > n && !put(o, pad, width - n, 0))
		return 0;
	return put(o, "%.0s", 4, 0);
}

DUSK_API int dusk_symfmt(const char **fmtp, char *buf, size_t cap, uint64_t *v, unsigned int n)
{
	const char *fmt = *fmtp, *f = fmt, *from = fmt;
	struct out o = { buf, cap, 0 };
	unsigned int i = 0;
	int changed = 0;

	if (!fmt || !dusk_sess || !cap || !strchr(fmt, '%'))
		return 0;
	buf[0] = '\0';
	while ((f = strchr(f, '%')) && i < n) {
		const char *conv = f;
		int width = -1, left = 0, star = 0;
		char sym[512];

		if (*++f == '%') {
			f++;
			continue;
		}
		for (; *f && strchr("-+ #0", *f); f++)
			left |= *f == '-';
		if (*f == '*') {
			star = 1;
			i++;
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			width = (width < 0 ? 0 : width) * 10 + (*f - '0');
		if (*f == '.') {
			if (*++f == '*') {
				star = 1;
				i++;
				f++;
			}
			f += strspn(f, "0123456789");
		}
		f += strspn(f, "hlLzZtj");
		if (!*f || !strchr("cdiuoxXsp", *f) || i >= n)
			break;		/* vsnprintf() stops at an invalid conversion */
		if (*f++ != 'p') {
			i++;
			continue;
		}
		if (!star && (*f == 'S' || *f == 's' || *f == 'B') && v[i] &&
		    v[i] < dusk_sess->kbase && own_sprint(sym, sizeof(sym), v[i], *f)) {
			if (!put(&o, from, conv - from, 0) || !put_symbol(&o, sym, width, left))
				return 0;	/* too long: the kernel formats it */
			v[i] = 0;
			changed = 1;
			f += strspn(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789");	/* pointer() ignores the rest */
			from = f;
		}
		i++;
	}
	if (!changed || !put(&o, from, strlen(from), 0))
		return 0;
	*fmtp = buf;
	return 1;
}
