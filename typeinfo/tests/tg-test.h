/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by typegen's unit tests: parse C text in memory with
 * libclang, find a declaration by name, run typegen's emitters into
 * strings, and compile text with the user build's compiler.
 */
#ifndef DUSK_TG_TEST_H
#define DUSK_TG_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <clang-c/Index.h>

#include "typegen.h"

/* Parse @src as the header /virtual/input.h of a main file that only
 * includes it (gnu11, x86-64 host): its types are "kernel" types.  Fails
 * the test on any error diagnostic.  Freed by tgt_free_all(). */
CXTranslationUnit tgt_parse(const char *src);
/* @hdr as input.h, @main_src as the main file (the module): the main file
 * must #include "input.h" itself. */
CXTranslationUnit tgt_parse_module(const char *hdr, const char *main_src);
/* Same, with extra clang arguments and a real file name. */
CXTranslationUnit tgt_parse_file(const char *path, char **argv, int argc);
void tgt_free_all(void);

/* Type of variable/function/field-less typedef @name declared in @tu;
 * "struct x", "union x", "enum x" name tags.  Fails the test if absent. */
CXType tgt_type(CXTranslationUnit tu, const char *name);

/* Emitters into heap strings (fail the test on error). */
char *tgt_decls(struct tg_set *set);
char *tgt_table(struct tg_set *set, const char *decls_header, uint64_t *hash);
char *tgt_bugs(struct tg_set *set);

/* Write @text to @dir/@name; returns the path (static buffer, next call
 * overwrites). */
const char *tgt_write(const char *dir, const char *name, const char *text);
/* A fresh temporary folder for this test program (removed at exit). */
const char *tgt_tmpdir(void);
/* Run a shell command quietly; its exit status. Output goes to @log if set. */
int tgt_run(const char *cmd, const char *log);
/* Offset of @needle in @hay, failing the test when absent. */
size_t tgt_pos(const char *hay, const char *needle);

#endif /* DUSK_TG_TEST_H */
