/* pipe_args.c — see pipe_args.h. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/qasm_emit.h"
#include "codegen/resources.h"
#include "driver/commands.h"
#include "frontend/sema.h"
#include "ir/model.h"
#include "passes/carleman.h"
#include "passes/carleman_be.h"
#include "passes/estimate.h"
#include "passes/ntk_quantum.h"
#include "passes/qrun.h"
#include "passes/unroll.h"
#include "pipeline/compile.h"
#include "support/diag.h"
#include "support/json.h"
#include "support/util.h"
#include "driver/pipe_args.h"
#include "report/run.h"

int pipe_option(const char *cmd, int c, PipeArgs *a)
{
    double v;
    switch (c) {
    case O_KAPPA0:
        if (!arg_number(optarg, 1, 1e15, &v) || v <= 1) {
            fprintf(stderr, "qgdc %s: --kappa0 takes a number greater than 1\n", cmd);
            return 2;
        }
        a->q.kappa0 = v;
        return 0;
    case O_CLOCK:
        if (!arg_whole(optarg, 1, INVERT_MAX_CLOCK, &v)) {
            fprintf(stderr, "qgdc %s: --clock-bits takes an integer in 1..%d\n", cmd, INVERT_MAX_CLOCK);
            return 2;
        }
        a->q.clock_bits = (unsigned)v;
        return 0;
    case O_PRECISION:
        if (!arg_number(optarg, 0, 1, &v) || v <= 0 || v >= 1) {
            fprintf(stderr, "qgdc %s: --precision takes a number strictly between 0 and 1\n", cmd);
            return 2;
        }
        a->q.precision = v;
        return 0;
    case O_PROBLEM: a->problem = optarg; return 0;
    case O_JSON: a->json = true; return 0;
    case 'o': a->output = optarg; return 0;
    case O_DUMPAFTER:
        if (!strcmp(optarg, "list")) {
            print_pass_list(stdout);
            return 3;
        }
        a->dump.pass = pass_lookup(optarg);
        if (a->dump.pass < 0) {
            fprintf(stderr, "qgdc %s: --dump-after: no pass '%s' (--dump-after=list names them)\n", cmd, optarg);
            return 2;
        }
        return 0;
    default: return technique_option(cmd, c, optarg, &a->tech);
    }
}

int select_problems(const char *cmd, const ProblemSet *ps, const char *name, ProblemRef *sel, int *k_gd)
{
    unsigned gd = PROBLEM_BIT(PROBLEM_GD), ntk = PROBLEM_BIT(PROBLEM_NTK);
    int k = problem_select(ps, name, gd, sel, ps->n);
    int kn = problem_select(ps, name, ntk, sel + k, ps->n - k);
    int km = problem_select(ps, name, PROBLEM_BIT(PROBLEM_MODEL), NULL, 0);
    if (k + kn == 0 && km > 0)
        fprintf(stderr, "qgdc %s: %s a size-only model problem: it is estimated (qgdc estimate), not %s\n", cmd,
                name ? "the problem named is" : "the file holds only", !strcmp(cmd, "compile") ? "compiled" : "run");
    else if (name && k + kn == 0)
        fprintf(stderr, "qgdc %s: no problem named '%s' in the file\n", cmd, name);
    else if (k + kn == 0)
        fprintf(stderr, "qgdc %s: the file has no problem\n", cmd);
    *k_gd = k;
    return k + kn;
}

void print_pass_list(FILE *fp)
{
    fputs("passes (--dump-after=PASS prints the IR after PASS):\n", fp);
    for (int i = 0; i < PASS_COUNT; i++)
        fprintf(fp, "  %-9s %s\n", pass_names[i], pass_docs[i]);
    fputs("\npipelines, in pass order:\n", fp);
    for (int k = 0; k < PIPE_KINDS; k++)
        fprintf(fp, "  %-25s %s\n", pipeline_names[k], pipeline_pass_list((PipelineKind)k));
}

/* compile --dump-after: the IR after the pass, written to output, instead
 * of the circuit and its report. */
int compile_dump(const GdProblem *gp, const NtkProblem *np, const CompileOptions *co, DumpAfter *dump,
                        const char *output)
{
    OutFile o;
    if (!out_open(&o, output))
        return 1;
    dump->out = o.fp;
    Compiled cc;
    char *err = NULL;
    bool ok = pipeline_compile(gp, np, co, &cc, &err);
    PipelineKind kind = cc.kind;
    compiled_free(&cc);
    Loc loc = gp ? gp->loc : np->loc;
    const char *name = gp ? gp->name : np->name;
    if (!ok && !dump->done) {
        diag_error(loc, "cannot compile problem '%s': %s", name, err);
        free(err);
        out_abort(&o);
        return 1;
    }
    free(err); /* a failure after the pass asked for does not spoil its dump */
    if (!dump->done) {
        diag_error(loc, "problem '%s' has no pass '%s': its pipeline, %s, is %s", name, pass_names[dump->pass],
                   pipeline_names[kind], pipeline_pass_list(kind));
        out_abort(&o);
        return 1;
    }
    return out_commit(&o) ? 0 : 1;
}

