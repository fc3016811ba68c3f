/* sema.h — semantic analysis: gives the syntax tree its meaning and builds
 * the problem IR. Evaluates constants and data files, expands losses and
 * update maps into polynomials, differentiates losses symbolically, checks
 * every rule of docs/language.md with a located diagnostic. */
#ifndef QGDC_SEMA_H
#define QGDC_SEMA_H

#include <stdint.h>

#include "frontend/ast.h"
#include "ir/problem.h"

typedef struct SemaLimits {
    uint64_t max_steps; /* evaluation steps for one file */
} SemaLimits;

extern SemaLimits sema_limits;

/* Builds the problem set of a parsed file; data files are looked up
 * relative to base_dir. Returns false after reporting errors (and then
 * leaves *out empty). */
bool sema_build(const ParseResult *pr, const char *base_dir, ProblemSet *out);

/* Reads, parses and analyses one .qgd file: the front end in one call.
 * The SrcFile is returned through *src_out (diagnostics may point into it
 * until it is freed). In load.c. */
bool frontend_load(const char *path, ProblemSet *out, SrcFile **src_out);

#endif
