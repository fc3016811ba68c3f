/* args.c — helpers shared by the subcommands' option parsing. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/commands.h"
#include "frontend/sema.h"
#include "ir/model.h"
#include "ir/ntk.h"
#include "support/diag.h"

bool arg_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

bool arg_whole(const char *s, double lo, double hi, double *out)
{
    double v;
    if (!arg_number(s, lo, hi, &v) || v != floor(v))
        return false;
    *out = v;
    return true;
}

void print_error_count(const char *path)
{
    int n = diag_error_count();
    fprintf(stderr, "%s: %d error%s\n", strcmp(path, "-") ? path : "<stdin>", n, n == 1 ? "" : "s");
}

bool load_qgd(const char *path, ProblemSet *ps, SrcFile **src)
{
    if (frontend_load(path, ps, src))
        return true;
    print_error_count(path);
    srcfile_free(*src);
    *src = NULL;
    return false;
}

void technique_args_init(TechniqueArgs *t)
{
    t->algorithm = t->amplify = t->data_loading = t->readout = t->solver = -1;
    t->max_logical_qubits = 0;
}

static int word_option(const char *cmd, const char *flag, const char *const *names, int n, const char *arg, int *out)
{
    int k = technique_lookup(names, n, arg);
    if (k < 0) {
        fprintf(stderr, "qgdc %s: %s takes ", cmd, flag);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
        fprintf(stderr, ", not '%s'\n", arg);
        return 2;
    }
    *out = k;
    return 0;
}

int technique_option(const char *cmd, int c, const char *arg, TechniqueArgs *t)
{
    double v;
    switch (c) {
    case O_T_ALGORITHM: return word_option(cmd, "--algorithm", algorithm_names, 2, arg, &t->algorithm);
    case O_T_AMPLIFY: return word_option(cmd, "--amplify", amplify_mode_names, AMPLIFY_MODES, arg, &t->amplify);
    case O_T_LOADING:
        return word_option(cmd, "--data-loading", data_loading_names, LOADING_MODES, arg, &t->data_loading);
    case O_T_READOUT: return word_option(cmd, "--readout", readout_mode_names, READOUT_MODES, arg, &t->readout);
    case O_T_SOLVER: return word_option(cmd, "--solver", solver_kind_names, SOLVER_KINDS, arg, &t->solver);
    case O_T_MAXQ:
        if (!arg_whole(arg, 1, 1e15, &v)) {
            fprintf(stderr, "qgdc %s: --max-logical-qubits takes a whole number from 1 to 1e15\n", cmd);
            return 2;
        }
        t->max_logical_qubits = (long long)v;
        return 0;
    default: return 1;
    }
}

void technique_args_apply(const TechniqueArgs *t, Options *o)
{
    if (t->algorithm >= 0)
        o->algorithm = (Algorithm)t->algorithm, o->set[OPTION_algorithm] = true;
    if (t->amplify >= 0)
        o->amplify = (AmplifyMode)t->amplify, o->set[OPTION_amplify] = true;
    if (t->data_loading >= 0)
        o->data_loading = (DataLoading)t->data_loading, o->set[OPTION_data_loading] = true;
    if (t->readout >= 0)
        o->readout = (ReadoutMode)t->readout, o->set[OPTION_readout] = true;
    if (t->solver >= 0)
        o->solver = (SolverKind)t->solver, o->set[OPTION_solver] = true;
    if (t->max_logical_qubits > 0)
        o->max_logical_qubits = t->max_logical_qubits, o->set[OPTION_max_logical_qubits] = true;
}

void technique_args_apply_all(const TechniqueArgs *t, ProblemSet *ps)
{
    for (int i = 0; i < ps->ngd; i++)
        technique_args_apply(t, &ps->gd[i]->opt);
    for (int i = 0; i < ps->nntk; i++)
        technique_args_apply(t, &ps->ntk[i]->opt);
    for (int i = 0; i < ps->nmodel; i++)
        technique_args_apply(t, &ps->model[i]->opt);
}
