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
    default: return 1;
    }
}

/* The problems selected by --problem: indices into ps->gd (sel) and
 * ps->ntk (nsel, may be NULL); the total. */
int select_problems(const char *cmd, const ProblemSet *ps, const char *name, int *sel, int *k_gd, int *nsel)
{
    int k = 0, kn = 0;
    for (int i = 0; i < ps->ngd; i++)
        if (!name || !strcmp(ps->gd[i]->name, name))
            sel[k++] = i;
    for (int i = 0; nsel && i < ps->nntk; i++)
        if (!name || !strcmp(ps->ntk[i]->name, name))
            nsel[kn++] = i;
    int km = 0;
    for (int i = 0; i < ps->nmodel; i++)
        if (!name || !strcmp(ps->model[i]->name, name))
            km++;
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

void report_header(const QRun *r, FILE *fp)
{
    const QSolve *q = &r->qs;
    fprintf(fp, "problem %s: n = %u, T = %llu, Carleman order N = %d, idle blocks P = %llu\n", r->p->name, r->n,
            (unsigned long long)r->T, r->N, (unsigned long long)r->P);
    fprintf(fp, "  linear system     %zu rows, ||M|| = %.4g, kappa(M) = %.4g, kappa0 = %.4g, lambda_min = %.4g\n",
            r->dim, q->norm_M, q->kappa_M, q->kappa0, q->lambda_min);
    fprintf(fp, "  block encoding    %s: %u system qubits, %zu Pauli terms on %u index qubits, alpha = %.6g\n",
            q->dil.dilated ? "Hermitian dilation" : "symmetric", q->s, q->be.nterms, q->m, q->alpha);
    fprintf(fp, "  phase estimation  %u clock bits (at least %u for this lambda_min), %llu of %llu clock values "
                "well conditioned\n",
            q->p, q->p_min, (unsigned long long)q->inv.well, (unsigned long long)(q->inv.well + q->inv.ill));
    fprintf(fp, "  |b> preparation   %s construction\n", state_prep_method_name(q->prep_info.method));
    fprintf(fp, "  qubits            %u: sys %u, idx %u, clock %u, anc 1, flag 1\n", q->c.nqubits, q->s, q->m, q->p);
}

void json_solver(const QRun *r, JsonWriter *w)
{
    const QSolve *q = &r->qs;
    json_key(w, "problem"), json_string(w, r->p->name);
    json_key(w, "n"), json_uint(w, r->n);
    json_key(w, "T"), json_uint(w, r->T);
    json_key(w, "carleman_order"), json_int(w, r->N);
    json_key(w, "idle_blocks"), json_uint(w, r->P);
    json_key(w, "rows"), json_uint(w, r->dim);
    json_key(w, "norm_M"), json_double(w, q->norm_M);
    json_key(w, "kappa_M"), json_double(w, q->kappa_M);
    json_key(w, "kappa0"), json_double(w, q->kappa0);
    json_key(w, "lambda_min"), json_double(w, q->lambda_min);
    json_key(w, "dilated"), json_bool(w, q->dil.dilated);
    json_key(w, "alpha"), json_double(w, q->alpha);
    json_key(w, "pauli_terms"), json_uint(w, q->be.nterms);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "total"), json_uint(w, q->c.nqubits);
    json_key(w, "sys"), json_uint(w, q->s);
    json_key(w, "idx"), json_uint(w, q->m);
    json_key(w, "clock"), json_uint(w, q->p);
    json_key(w, "anc"), json_uint(w, 1);
    json_key(w, "flag"), json_uint(w, 1);
    json_end(w);
    json_key(w, "clock_bits_min"), json_uint(w, q->p_min);
    json_key(w, "well_clock_values"), json_uint(w, q->inv.well);
    json_key(w, "state_prep"), json_string(w, state_prep_method_name(q->prep_info.method));
}

/* The structured encoding's circuit (block_encoding = structured). */
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

