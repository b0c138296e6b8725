/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * What a kernel printf format reads through its arguments, known to both
 * ends: the generated kmod's stubs copy ("bounce") what a format reads
 * before vsnprintf() sees it (dusk-kmod/core/stubargs.c), and dusk-rewrite
 * sizes the program's objects a literal format reads (`%*ph` of a u8
 * pointer: 32 bytes, not a string's worth up to its first zero byte), so
 * the kernel gets a mirror that holds them.  Plain C: no includes, no
 * kernel or libc types.
 */
#ifndef DUSK_PRINTF_EXT_H
#define DUSK_PRINTF_EXT_H

/*
 * Kernel functions that take a printf format: name and argument index of
 * the format (the variadic arguments follow it).  Stubs flagged
 * DUSK_STUB_PRINTK have theirs at 0.
 */
#define DUSK_FORMAT_STUBS(X)						\
	X("snprintf", 2) X("scnprintf", 2) X("sprintf", 1)		\
	X("kasprintf", 1) X("devm_kasprintf", 2) X("seq_printf", 1)	\
	X("kthread_create_on_node", 3) X("alloc_workqueue", 0)		\
	X("_dev_printk", 2) X("dev_printk_emit", 2)			\
	X("_dev_emerg", 1) X("_dev_alert", 1) X("_dev_crit", 1)		\
	X("_dev_err", 1) X("_dev_warn", 1) X("_dev_notice", 1)		\
	X("_dev_info", 1)						\
	X("netdev_printk", 2) X("netdev_emerg", 1) X("netdev_alert", 1)	\
	X("netdev_crit", 1) X("netdev_err", 1) X("netdev_warn", 1)	\
	X("netdev_notice", 1) X("netdev_info", 1) X("__warn_printk", 0)

/* What a %p extension reads besides a fixed number of bytes. */
#define DUSK_PEXT_STRING	(-1)	/* a string (%pks) */
#define DUSK_PEXT_DEEP		(-2)	/* a structure holding further pointers */
#define DUSK_PEXT_REFUSED	(-3)	/* %pV: a va_format no program can build */

/*
 * How many bytes the %p extension at @ext (the letters after "%p") reads
 * through its pointer, as lib/vsprintf.c's pointer() does; @width is the
 * field width (-1: none).  Return: the size, 0 when it reads nothing
 * (symbols, plain and hashed addresses, error pointers, unknown letters),
 * or one of DUSK_PEXT_*.
 */
static inline int dusk_pext_size(const char *ext, int width)
{
	switch (ext[0]) {
	case 'M': case 'm':
		return 6;
	case 'I': case 'i':
		/* %pIS: a struct sockaddr_storage, 128 bytes */
		return ext[1] == '4' ? 4 : ext[1] == '6' ? 16 : ext[1] == 'S' ? 128 : 0;
	case 'U':
		return 16;
	case '4':
		return 4;
	case 'a': case 'N': case 'G':
		return 8;
	case 'h':		/* the field width is the length (default 1) */
		return width < 0 ? 1 : width < 64 ? width : 64;
	case 'E':
		return width < 0 ? 1 : width;
	case 'b':		/* the field width is the number of bits */
		return width <= 0 ? 0 : (int)(((unsigned)width + 8 * sizeof(long) - 1) /
					      (8 * sizeof(long)) * sizeof(long));
	case 'k': case 'u':
		return ext[1] == 's' ? DUSK_PEXT_STRING : 0;
	case 'R': case 'r': case 'd': case 'D': case 'g': case 'C': case 'O': case 'f': case 't':
		return DUSK_PEXT_DEEP;
	case 'V':
		return DUSK_PEXT_REFUSED;
	default:
		return 0;
	}
}

/*
 * dusk_pext_size() for a field width taken from an argument (`%*ph` of a
 * length known at run time): vsnprintf() takes a negative one as its
 * absolute value, left-justified.  A size below 1 is 0: not known.
 */
static inline int dusk_pext_arg_size(const char *ext, int width)
{
	unsigned int w = width < 0 ? 0u - (unsigned int)width : (unsigned int)width;
	int size = dusk_pext_size(ext, w > 0x7fffffffu ? 0x7fffffff : (int)w);

	return size > 0 ? size : 0;
}

#endif /* DUSK_PRINTF_EXT_H */
