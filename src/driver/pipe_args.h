/* pipe_args.h — what the compile and run commands share (driver only):
 * their common options, problem selection, the solver report header and
 * --dump-after. */
#ifndef QGDC_PIPE_ARGS_H
#define QGDC_PIPE_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/ntk.h"
#include "ir/problem.h"
#include "passes/qrun.h"
#include "pipeline/compile.h"
#include "support/json.h"
#include "driver/commands.h"

/* Options shared by compile and run. */
typedef struct PipeArgs {
    QRunOptions q;
    const char *problem; /* NULL: every problem (run) / the only one (compile) */
    const char *output;
    bool json;
    DumpAfter dump;      /* --dump-after (pass −1: none) */
    TechniqueArgs tech;  /* --algorithm, --amplify, ... (applied over each problem's options) */
} PipeArgs;

enum { O_KAPPA0 = 256, O_CLOCK, O_PRECISION, O_SHOTS, O_SEED, O_SEGMENT, O_PROBLEM, O_JSON, O_FLAT, O_REPORT,
       O_QUBIT, O_BUDGET, O_MAXQ, O_TESTS, O_TESTPOINT, O_DUMPAFTER, O_QROAMK };

/* Parses one shared option; 0 handled, 1 not shared, 2 bad value, 3 done
 * (--dump-after=list printed: exit 0). */
int pipe_option(const char *cmd, int c, PipeArgs *a);
/* The problems selected by --problem (all when NULL): into sel (room for
 * ps->n), the gd problems first, then the ntk ones, each in file order
 * (the order in which run processes them); *k_gd gets the number of gd
 * problems. The total, with a message when there is none. */
int select_problems(const char *cmd, const ProblemSet *ps, const char *name, ProblemRef *sel, int *k_gd);
/* --dump-after=list: the passes and each pipeline's order. */
void print_pass_list(FILE *fp);
/* --dump-after: the IR after the pass, written to output, instead of the
 * circuit; the exit status. */
int compile_dump(const GdProblem *gp, const NtkProblem *np, const CompileOptions *co, DumpAfter *dump,
                 const char *output);

#endif
