# dusk.mk — the DUSK user build of kernel modules, for Makefiles.
#
# A module folder's whole Makefile can be:
#
#   obj-m := mymod.o
#   include $(shell dusk-build --print-mk)     # or /usr/share/dusk/dusk.mk
#
# `make` then builds, for each module of obj-m (of one source, mymod.c, or
# of several: mymod-y := a.o b.o):
#   mymod.ko         the kernel build (Kbuild, as without DUSK)
#   mymod            the user build: run it with dusk-run, gdb, valgrind
#   dusk_mymod.ko    its generated kernel module
#   mymod.dusk/      dusk-rewrite's outputs (mymod.dusk.c, .decls.h, .types.c, kmod/)
# Targets: all (both builds), dusk (the user builds), modules (Kbuild),
# dusk-clean.  Without obj-m, name modules with
#   $(eval $(call dusk_user_build,mymod))
# When Kbuild itself reads the Makefile (KERNELRELEASE set) this file does
# nothing, so obj-m lines work as always.
#
# Settings (override on the command line or before the include):
#   KDIR           kernel build tree  (default: the running kernel's)
#   DUSK_REWRITE   dusk-rewrite to run          (default: the installed one)
#   DUSK_BUILD     dusk-build, for the kmod     (default: the installed one)
#   DUSK_INCLUDE   DUSK's include/ folder       (default: the installed one)
#   DUSK_LIBDIR    folder holding libduskrt.so  (default: the installed one)
#   CC, CFLAGS     the user build's compiler    (default CFLAGS: -g -O0 -Wall)
#
# An edit of the module's logic alone rebuilds only the program: the kmod's
# sources are copied to mymod.dusk-kbuild/ only when they changed, so Kbuild
# is not run and dusk_mymod.ko stays the one already loaded.

ifeq ($(KERNELRELEASE),)

DUSK_MK_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# Meson fills these in the installed copy (relative to this file's folder).
dusk_rel_bindir := @DUSK_MK_REL_BINDIR@
dusk_rel_incdir := @DUSK_MK_REL_INCDIR@
dusk_rel_libdir := @DUSK_MK_REL_LIBDIR@
ifeq ($(findstring @,$(dusk_rel_bindir)),)
DUSK_REWRITE ?= $(abspath $(DUSK_MK_DIR)/$(dusk_rel_bindir))/dusk-rewrite
DUSK_BUILD ?= $(abspath $(DUSK_MK_DIR)/$(dusk_rel_bindir))/dusk-build
DUSK_INCLUDE ?= $(abspath $(DUSK_MK_DIR)/$(dusk_rel_incdir))
DUSK_LIBDIR ?= $(abspath $(DUSK_MK_DIR)/$(dusk_rel_libdir))
else
# the source tree's copy (rewriter/dusk.mk)
DUSK_REWRITE ?= dusk-rewrite
DUSK_BUILD ?= dusk-build
DUSK_INCLUDE ?= $(DUSK_MK_DIR)/../include
DUSK_LIBDIR ?=
endif
KDIR ?= /lib/modules/$(shell uname -r)/build
CFLAGS ?= -g -O0 -Wall

# The kernel build zero-initialises automatic variables under
# CONFIG_INIT_STACK_ALL_ZERO (Kbuild's -ftrivial-auto-var-init=zero): so
# does the user build, as dusk-build does, or a stale word in an
# uninitialised local (an out-parameter: sock_create_kern(..., &sock)) would
# reach the runtime as a pointer.
# (clang before 16 wants the flag Kbuild adds for it too.)
dusk_zero_init = -ftrivial-auto-var-init=zero
dusk_zero_init_clang = $(dusk_zero_init) -enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang
dusk_cc_takes = $(shell echo 'int main(void) { return 0; }' | $(CC) $(1) -x c -o /dev/null - 2>/dev/null && echo $(1))
dusk_init_flags := $(if $(shell grep -s '^CONFIG_INIT_STACK_ALL_ZERO=y' $(KDIR)/.config),$(or \
	$(call dusk_cc_takes,$(dusk_zero_init)),$(call dusk_cc_takes,$(dusk_zero_init_clang))))

comma := ,
dusk_sysdirs := /lib /lib64 /usr/lib /usr/lib64 $(wildcard /lib/*-linux-gnu /usr/lib/*-linux-gnu)
dusk_rt_libs = $(if $(DUSK_LIBDIR),-L$(DUSK_LIBDIR) \
	$(if $(filter $(DUSK_LIBDIR),$(dusk_sysdirs)),,-Wl$(comma)-rpath$(comma)$(DUSK_LIBDIR))) -lduskrt

# The kernel tree must be there before anything is built against it.
dusk_check_kdir = @test -f $(KDIR)/Makefile || { \
	if [ "$(KDIR)" = "/lib/modules/$$(uname -r)/build" ]; then \
	  echo "dusk.mk: error: no headers for the running kernel $$(uname -r) at $(KDIR):" \
	       "install linux-headers-$$(uname -r), or name a tree with KDIR=DIR" >&2; \
	else echo "dusk.mk: error: no kernel build tree at $(KDIR) (KDIR=)" >&2; fi; exit 1; }

dusk_modules :=

# dusk_mod NAME: the kernel's module name of NAME.c, as dusk-rewrite names
# its outputs (my-mod.c is module my_mod, its kmod dusk_my_mod.ko).
dusk_mod = $(subst -,_,$(1))

# dusk_srcs NAME: NAME's C sources: NAME.c, else those of its objects
# (NAME-y, NAME-objs).
dusk_srcs = $(if $(wildcard $(1).c),$(1).c,$(wildcard $(patsubst %.o,%.c,$($(1)-y) $($(1)-objs))))

# dusk_user_build NAME [SOURCES]: the rules for module NAME (once per name);
# SOURCES default to NAME.c.  dusk-rewrite reads every source of a module
# of several files when given one of them.
define dusk_user_build
ifeq ($(filter $(1),$(dusk_modules)),)
dusk_modules += $(1)

$(1).dusk/$(call dusk_mod,$(1)).dusk.c: $(or $(2),$(1).c)
	$$(dusk_check_kdir)
	$$(DUSK_REWRITE) --kdir $$(KDIR) -o $(1).dusk $(firstword $(or $(2),$(1).c))

$(1): $(1).dusk/$(call dusk_mod,$(1)).dusk.c
	$$(CC) $$(CFLAGS) $$(dusk_init_flags) -I$$(DUSK_INCLUDE) -I$(1).dusk -o $$@ \
		$(1).dusk/$(call dusk_mod,$(1)).dusk.c $(1).dusk/$(call dusk_mod,$(1)).types.c $$(dusk_rt_libs)

# dusk-build runs Kbuild only when a kmod source really changed (see above),
# with the dusk-kmod core compiled once per kernel tree (its cache).
dusk_$(call dusk_mod,$(1)).ko: $(1).dusk/$(call dusk_mod,$(1)).dusk.c
	$$(DUSK_BUILD) --kdir $$(KDIR) -o . --kmod $(1).dusk

dusk: $(1) dusk_$(call dusk_mod,$(1)).ko

.PHONY: $(1)-clean
$(1)-clean:
	rm -rf $(1).dusk $(1).dusk-kbuild $(1) dusk_$(call dusk_mod,$(1)).ko
dusk-clean: $(1)-clean
endif
endef

.PHONY: all dusk modules dusk-clean
all: modules dusk
dusk:
dusk-clean:
modules:
	$(if $(obj-m),$(dusk_check_kdir))
	$(if $(obj-m),$(MAKE) -C $(KDIR) M=$(CURDIR) modules)

$(foreach m,$(obj-m:.o=),$(if $(call dusk_srcs,$(m)),$(eval $(call dusk_user_build,$(m),$(call dusk_srcs,$(m))))))

endif
