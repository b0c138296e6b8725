# dusk.mk — the DUSK user build of a kernel module, for Makefiles.
#
#   include /path/to/dusk/rewriter/dusk.mk
#   $(eval $(call dusk_user_build,mymod))
#
# gives three targets for mymod.c in the current folder:
#   mymod.dusk/      dusk-rewrite's outputs (mymod.dusk.c, .decls.h, .types.c, kmod/)
#   mymod            the user program (run it with scripts/dusk-run, or under gdb)
#   dusk_mymod.ko    its generated kernel module, built by Kbuild
# Settings (override on the command line or before the include):
#   DUSK_REWRITE   dusk-rewrite to run          (default: dusk-rewrite on PATH)
#   DUSK_INCLUDE   DUSK's include/ folder       (default: beside this file)
#   DUSK_LIBDIR    folder holding libduskrt.so  (default: the linker's search path)
#   KDIR           kernel build tree            (default: the running kernel's)
#   CC, CFLAGS     the user build's compiler    (default CFLAGS: -g -O0 -Wall)

DUSK_MK_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
DUSK_REWRITE ?= dusk-rewrite
DUSK_INCLUDE ?= $(DUSK_MK_DIR)/../include
DUSK_LIBDIR ?=
KDIR ?= /lib/modules/$(shell uname -r)/build
CFLAGS ?= -g -O0 -Wall

dusk_rt_libs = $(if $(DUSK_LIBDIR),-L$(DUSK_LIBDIR) -Wl$(comma)-rpath$(comma)$(DUSK_LIBDIR)) -lduskrt
comma := ,

define dusk_user_build
$(1).dusk/$(1).dusk.c: $(1).c
	$$(DUSK_REWRITE) --kdir $$(KDIR) -o $(1).dusk $(1).c

$(1): $(1).dusk/$(1).dusk.c
	$$(CC) $$(CFLAGS) -I$$(DUSK_INCLUDE) -I$(1).dusk -o $$@ \
		$(1).dusk/$(1).dusk.c $(1).dusk/$(1).types.c $$(dusk_rt_libs)

dusk_$(1).ko: $(1).dusk/$(1).dusk.c
	$$(MAKE) -C $$(KDIR) M=$$(abspath $(1).dusk/kmod) modules
	cp $(1).dusk/kmod/dusk_$(1).ko $$@

.PHONY: $(1)-clean
$(1)-clean:
	rm -rf $(1).dusk $(1) dusk_$(1).ko
endef
