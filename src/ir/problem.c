/* problem.c — the problem IR: options table, tensor helpers, the map
 * itself, the verifier and the text and JSON forms (see problem.h). */
#include "ir/problem.h"
#include "ir/model.h"
#include "ir/ntk.h"
#include "support/json.h"
#include "support/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- options ---- */

static const char *const option_names[] = {
#define X(name, type, member) #name,
    QGD_OPTIONS(X)
#undef X
};

static const char *const option_domains[] = {
    [OPTION_carleman_order] = "Carleman truncation order N, 1..64 (default 2)",
    [OPTION_carleman_form] = "exact | paper (default exact)",
    [OPTION_kappa0] = "condition-number cut-off, > 1 (default 2(T+1))",
    [OPTION_clock_bits] = "phase-estimation clock qubits, 1..64 (default: from precision)",
    [OPTION_idle_blocks] = "idle time blocks P after T, >= 0 (default 0)",
    [OPTION_precision] = "target precision epsilon, 0 < eps < 1 (default 0.01)",
    [OPTION_shots] = "read-out shots, >= 1 (default 10000)",
    [OPTION_seed] = "sampling seed, >= 0 (default 1)",
    [OPTION_gate_set] = "clifford_t | native (set to clifford_t: compile synthesizes every rotation; default: rotations kept)",
    [OPTION_block_encoding] = "pauli | structured (default pauli)",
    [OPTION_algorithm] = "best | paper (default best: the cheapest techniques that meet the precision)",
    [OPTION_amplify] = "none | exact | fixed_point (default: from algorithm)",
    [OPTION_data_loading] = "unary | qroam (default: from algorithm; structured encoding)",
    [OPTION_readout] = "shadows | l2_sampling | amplitude_estimation (default: from algorithm)",
    [OPTION_max_logical_qubits] = "logical-qubit budget for QROAM, >= 1 (default: no limit)",
    [OPTION_solver] = "qpe | qsvt (default qpe; estimate's best compares both)",
};

const char *const algorithm_names[2] = {"best", "paper"};
const char *const amplify_mode_names[AMPLIFY_MODES] = {"none", "exact", "fixed_point"};
const char *const data_loading_names[LOADING_MODES] = {"unary", "qroam"};
const char *const readout_mode_names[READOUT_MODES] = {"shadows", "l2_sampling", "amplitude_estimation"};
const char *const solver_kind_names[SOLVER_KINDS] = {"qpe", "qsvt"};

int technique_lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

/* Which kinds take each option: G gd, N ntk, M model. */
static const char *const option_kinds[] = {
    [OPTION_carleman_order] = "GM", [OPTION_carleman_form] = "GM", [OPTION_kappa0] = "GNM",
    [OPTION_clock_bits] = "GNM",    [OPTION_idle_blocks] = "GM",   [OPTION_precision] = "GNM",
    [OPTION_shots] = "GN",          [OPTION_seed] = "GN",          [OPTION_gate_set] = "GN",
    [OPTION_block_encoding] = "GN", [OPTION_algorithm] = "GM",     [OPTION_amplify] = "GM",
    [OPTION_data_loading] = "GM",   [OPTION_readout] = "GM",       [OPTION_max_logical_qubits] = "GM",
    [OPTION_solver] = "GNM",
};

bool options_applies(OptionId id, int kind)
{
    const char letter = kind == PROBLEM_GD ? 'G' : kind == PROBLEM_NTK ? 'N' : 'M';
    return strchr(option_kinds[id], letter) != NULL;
}

const char *options_not_here(OptionId id, int kind)
{
    const char *k = option_kinds[id];
    if (kind == PROBLEM_MODEL && strchr(k, 'G'))
        return "does not apply to a model problem (it is estimated, not run or compiled)";
    if (!strcmp(k, "GM"))
        return "applies to gd and model problems only";
    if (!strcmp(k, "G"))
        return "applies to gd problems only";
    return kind == PROBLEM_NTK ? "does not apply to an ntk problem" : "does not apply here";
}

double kappa0_default(uint64_t T) { return 2.0 * ((double)T + 1); }

double options_kappa0(const Options *o, double cli, uint64_t T)
{
    return cli > 0 ? cli : o->kappa0 > 0 ? o->kappa0 : kappa0_default(T);
}

void options_init(Options *o)
{
    memset(o, 0, sizeof *o);
    o->carleman_order = 2;
    o->carleman_form = FORM_EXACT;
    o->kappa0 = 0; /* 0: kappa0_default(T), resolved by options_kappa0 */
    o->clock_bits = 0; /* 0: chosen from the precision */
    o->idle_blocks = 0;
    o->precision = 0.01;
    o->shots = 10000;
    o->seed = 1;
    o->gate_set = GATES_CLIFFORD_T;
    o->block_encoding = BE_PAULI;
}

int options_lookup(const char *name)
{
    for (int i = 0; i < OPTION_COUNT; i++)
        if (!strcmp(option_names[i], name))
            return i;
    return -1;
}

const char *options_name(OptionId id) { return option_names[id]; }
const char *options_domain(OptionId id) { return option_domains[id]; }

static const char *form_name(CarlemanForm f) { return f == FORM_PAPER ? "paper" : "exact"; }
static const char *gates_name(GateSet g) { return g == GATES_NATIVE ? "native" : "clifford_t"; }
static const char *be_name(BlockEncodingKind b) { return b == BE_STRUCTURED ? "structured" : "pauli"; }

/* Value of option id as text ("auto" for a default decided later). */
static const char *option_text(const Options *o, OptionId id, char *buf, size_t len)
{
    switch (id) {
    case OPTION_carleman_order: snprintf(buf, len, "%lld", o->carleman_order); break;
    case OPTION_carleman_form: snprintf(buf, len, "%s", form_name(o->carleman_form)); break;
    case OPTION_kappa0:
        if (o->kappa0 > 0)
            fmt_double(o->kappa0, buf, len);
        else
            snprintf(buf, len, "auto");
        break;
    case OPTION_clock_bits:
        if (o->clock_bits > 0)
            snprintf(buf, len, "%lld", o->clock_bits);
        else
            snprintf(buf, len, "auto");
        break;
    case OPTION_idle_blocks: snprintf(buf, len, "%lld", o->idle_blocks); break;
    case OPTION_precision: fmt_double(o->precision, buf, len); break;
    case OPTION_shots: snprintf(buf, len, "%lld", o->shots); break;
    case OPTION_seed: snprintf(buf, len, "%lld", o->seed); break;
    case OPTION_gate_set: snprintf(buf, len, "%s", gates_name(o->gate_set)); break;
    case OPTION_block_encoding: snprintf(buf, len, "%s", be_name(o->block_encoding)); break;
    case OPTION_algorithm: snprintf(buf, len, "%s", algorithm_names[o->algorithm]); break;
    case OPTION_amplify:
        snprintf(buf, len, "%s", o->set[id] ? amplify_mode_names[o->amplify] : "auto");
        break;
    case OPTION_data_loading:
        snprintf(buf, len, "%s", o->set[id] ? data_loading_names[o->data_loading] : "auto");
        break;
    case OPTION_readout: snprintf(buf, len, "%s", o->set[id] ? readout_mode_names[o->readout] : "auto"); break;
    case OPTION_solver: snprintf(buf, len, "%s", o->set[id] ? solver_kind_names[o->solver] : "auto"); break;
    case OPTION_max_logical_qubits:
        if (o->max_logical_qubits > 0)
            snprintf(buf, len, "%lld", o->max_logical_qubits);
        else
            snprintf(buf, len, "none");
        break;
    case OPTION_COUNT: ICE("bad option");
    }
    return buf;
}

const char *options_text(const Options *o, OptionId id, char *buf, size_t len) { return option_text(o, id, buf, len); }

void options_json(const Options *o, OptionId id, JsonWriter *w)
{
    char buf[64];
    const char *txt = option_text(o, id, buf, sizeof buf);
    switch (id) {
    case OPTION_kappa0:
    case OPTION_clock_bits:
    case OPTION_amplify:
    case OPTION_data_loading:
    case OPTION_readout:
    case OPTION_solver:
    case OPTION_max_logical_qubits:
        if (!strcmp(txt, "auto") || (!strcmp(txt, "none") && id == OPTION_max_logical_qubits))
            json_null(w);
        else if (id == OPTION_kappa0)
            json_double(w, o->kappa0);
        else if (id == OPTION_clock_bits || id == OPTION_max_logical_qubits)
            json_int(w, id == OPTION_clock_bits ? o->clock_bits : o->max_logical_qubits);
        else
            json_string(w, txt);
        break;
    case OPTION_carleman_form:
    case OPTION_gate_set:
    case OPTION_block_encoding:
    case OPTION_algorithm: json_string(w, txt); break;
    case OPTION_precision: json_double(w, o->precision); break;
    default: json_int(w, strtoll(txt, NULL, 10)); break;
    }
}

/* ---- tensors and the map ---- */

void tensor_cols(mpz_t out, uint32_t n, unsigned order) { mpz_ui_pow_ui(out, n, order); }

void tensor_entry_col(mpz_t out, const Tensor *t, size_t k, uint32_t n)
{
    mpz_set_ui(out, 0);
    for (unsigned i = 0; i < t->order; i++) {
        mpz_mul_ui(out, out, n);
        mpz_add_ui(out, out, t->col[k * t->order + i]);
    }
}

void tensor_apply(const Tensor *t, const double *u, double *acc)
{
    for (size_t k = 0; k < t->nnz; k++) {
        double m = t->val[k];
        for (unsigned i = 0; i < t->order; i++)
            m *= u[t->col[k * t->order + i]];
        acc[t->row[k]] += m;
    }
}

void gd_step(const GdProblem *p, uint64_t t, const double *u, double *out)
{
    memcpy(out, u, p->n * sizeof *out);
    for (unsigned l = 0; l <= p->q; l++)
        tensor_apply(&p->F[l], u, out);
    if (p->xi && t < p->T)
        for (uint32_t i = 0; i < p->n; i++)
            out[i] += p->xi[t * p->n + i];
}

static void tensor_free(Tensor *t)
{
    free(t->row);
    free(t->col);
    free(t->val);
}

void gd_problem_free(GdProblem *p)
{
    if (!p)
        return;
    if (p->F)
        for (unsigned l = 0; l <= p->q; l++)
            tensor_free(&p->F[l]);
    free(p->F);
    free(p->name);
    free(p->param);
    free(p->u_in);
    free(p->xi);
    free(p);
}

void problem_set_add(ProblemSet *ps, ProblemRef r)
{
    ps->all = xrealloc(ps->all, (size_t)(ps->n + 1) * sizeof *ps->all);
    ps->all[ps->n++] = r;
    switch (r.kind) {
    case PROBLEM_GD:
        ps->gd = xrealloc(ps->gd, (size_t)(ps->ngd + 1) * sizeof *ps->gd);
        ps->gd[ps->ngd++] = r.gd;
        break;
    case PROBLEM_NTK:
        ps->ntk = xrealloc(ps->ntk, (size_t)(ps->nntk + 1) * sizeof *ps->ntk);
        ps->ntk[ps->nntk++] = r.ntk;
        break;
    case PROBLEM_MODEL:
        ps->model = xrealloc(ps->model, (size_t)(ps->nmodel + 1) * sizeof *ps->model);
        ps->model[ps->nmodel++] = r.model;
        break;
    }
}

void problem_set_free(ProblemSet *ps)
{
    for (int i = 0; i < ps->n; i++) {
        ProblemRef r = ps->all[i];
        switch (r.kind) {
        case PROBLEM_GD: gd_problem_free(r.gd); break;
        case PROBLEM_NTK: ntk_problem_free(r.ntk); break;
        case PROBLEM_MODEL: model_problem_free(r.model); break;
        }
    }
    free(ps->all);
    free(ps->gd);
    free(ps->ntk);
    free(ps->model);
    memset(ps, 0, sizeof *ps);
}

const char *problem_name(ProblemRef r)
{
    switch (r.kind) {
    case PROBLEM_GD: return r.gd->name;
    case PROBLEM_NTK: return r.ntk->name;
    case PROBLEM_MODEL: return r.model->name;
    }
    ICE("bad problem kind");
}

Loc problem_loc(ProblemRef r)
{
    switch (r.kind) {
    case PROBLEM_GD: return r.gd->loc;
    case PROBLEM_NTK: return r.ntk->loc;
    case PROBLEM_MODEL: return r.model->loc;
    }
    ICE("bad problem kind");
}

const Options *problem_options(ProblemRef r)
{
    switch (r.kind) {
    case PROBLEM_GD: return &r.gd->opt;
    case PROBLEM_NTK: return &r.ntk->opt;
    case PROBLEM_MODEL: return &r.model->opt;
    }
    ICE("bad problem kind");
}

const char *problem_kind_name(IrProblemKind k)
{
    switch (k) {
    case PROBLEM_GD: return "gd";
    case PROBLEM_NTK: return "ntk";
    case PROBLEM_MODEL: return "model";
    }
    ICE("bad problem kind");
}

int problem_select(const ProblemSet *ps, const char *name, unsigned kinds, ProblemRef *out, int max)
{
    int k = 0;
    for (int i = 0; i < ps->n; i++) {
        ProblemRef r = ps->all[i];
        if (!(kinds & PROBLEM_BIT(r.kind)) || (name && strcmp(problem_name(r), name)))
            continue;
        if (k < max)
            out[k] = r;
        k++;
    }
    return k;
}

/* ---- verifier ---- */

#define VERIFY(cond, ...)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "qgdc: IR verifier: problem '%s': ", p->name);  \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            return false;                                                     \
        }                                                                     \
    } while (0)

bool gd_verify(const GdProblem *p)
{
    VERIFY(p->n >= 1 && p->u_in, "no parameters");
    VERIFY(p->q >= 1 && p->q <= QGD_MAX_DEGREE && p->F, "degree %u out of range", p->q);
    VERIFY(p->T >= 1, "T = 0");
    VERIFY(!p->has_eta || (p->eta > 0 && isfinite(p->eta)), "bad eta");
    VERIFY((p->noise == NOISE_NONE) == (p->xi == NULL), "noise kind and values disagree");
    for (uint32_t i = 0; i < p->n; i++)
        VERIFY(isfinite(p->u_in[i]), "u_in[%u] not finite", i);
    for (unsigned l = 0; l <= p->q; l++) {
        const Tensor *t = &p->F[l];
        VERIFY(t->order == l, "F_%u has order %u", l, t->order);
        for (size_t k = 0; k < t->nnz; k++) {
            VERIFY(t->row[k] < p->n, "F_%u entry %zu row out of range", l, k);
            VERIFY(isfinite(t->val[k]) && t->val[k] != 0.0, "F_%u entry %zu value %g", l, k, t->val[k]);
            for (unsigned i = 0; i < l; i++) {
                VERIFY(t->col[k * l + i] < p->n, "F_%u entry %zu index out of range", l, k);
                VERIFY(i == 0 || t->col[k * l + i - 1] <= t->col[k * l + i], "F_%u entry %zu multi-index unsorted", l, k);
            }
            if (k > 0) { /* strictly increasing (row, multi-index) */
                int c = t->row[k - 1] < t->row[k] ? -1 : t->row[k - 1] > t->row[k];
                for (unsigned i = 0; i < l && c == 0; i++) {
                    uint32_t a = t->col[(k - 1) * l + i], b = t->col[k * l + i];
                    c = a < b ? -1 : a > b;
                }
                VERIFY(c < 0, "F_%u entries %zu and %zu out of order", l, k - 1, k);
            }
        }
    }
    VERIFY(p->q == 1 || p->F[p->q].nnz > 0, "top-degree tensor F_%u is empty", p->q);
    if (p->xi) {
        for (size_t k = 0; k < (size_t)p->T * p->n; k++)
            VERIFY(isfinite(p->xi[k]), "noise value %zu not finite", k);
    }
    return true;
}

/* ---- text dump ---- */

static void dump_vector(FILE *out, const double *v, size_t n)
{
    char buf[40];
    fputc('[', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? ", " : "", fmt_double(v[i], buf, sizeof buf));
    fputc(']', out);
}

void gd_dump(const GdProblem *p, FILE *out)
{
    char buf[40];
    mpz_t cols, col;
    mpz_inits(cols, col, NULL);
    fprintf(out, "problem %s: gd\n", p->name);
    fprintf(out, "  params   %s[%u]\n", p->param, p->n);
    fprintf(out, "  degree   q = %u\n", p->q);
    fprintf(out, "  source   %s\n", p->from_loss ? "loss (u <- u - eta grad L)" : "update map");
    if (p->has_eta)
        fprintf(out, "  eta      %s\n", fmt_double(p->eta, buf, sizeof buf));
    fprintf(out, "  T        %llu\n", (unsigned long long)p->T);
    fputs("  u_in     ", out);
    dump_vector(out, p->u_in, p->n);
    fputc('\n', out);
    switch (p->noise) {
    case NOISE_NONE: fputs("  noise    none\n", out); break;
    case NOISE_GAUSSIAN:
        fprintf(out, "  noise    gaussian sigma = %s seed = %llu\n", fmt_double(p->sigma, buf, sizeof buf),
                (unsigned long long)p->noise_seed);
        break;
    case NOISE_EXPLICIT: fputs("  noise    explicit\n", out); break;
    }
    if (p->noise != NOISE_NONE)
        for (uint64_t t = 0; t < p->T; t++) {
            fprintf(out, "    xi(%llu) ", (unsigned long long)t);
            dump_vector(out, p->xi + t * p->n, p->n);
            fputc('\n', out);
        }
    for (unsigned l = 0; l <= p->q; l++) {
        const Tensor *t = &p->F[l];
        tensor_cols(cols, p->n, l);
        fprintf(out, "  F_%u      %u x ", l, p->n);
        mpz_out_str(out, 10, cols);
        fprintf(out, ", %zu nonzero%s\n", t->nnz, t->nnz == 1 ? "" : "s");
        for (size_t k = 0; k < t->nnz; k++) {
            fprintf(out, "    %u <- (", t->row[k]);
            for (unsigned i = 0; i < l; i++)
                fprintf(out, "%s%u", i ? "," : "", t->col[k * l + i]);
            fprintf(out, ")  %s\n", fmt_double(t->val[k], buf, sizeof buf));
        }
    }
    fputs("  options\n", out);
    for (int i = 0; i < OPTION_COUNT; i++)
        fprintf(out, "    %-18s %s%s\n", option_names[i], option_text(&p->opt, (OptionId)i, buf, sizeof buf),
                p->opt.set[i] ? "" : "  (default)");
    mpz_clears(cols, col, NULL);
}

void problem_set_dump(const ProblemSet *ps, FILE *out)
{
    /* by kind (gd, ntk, model), each in file order */
    bool first = true;
    for (int k = 0; k < PROBLEM_KINDS; k++)
        for (int i = 0; i < ps->n; i++) {
            ProblemRef r = ps->all[i];
            if (r.kind != (IrProblemKind)k)
                continue;
            if (!first)
                fputc('\n', out);
            first = false;
            switch (r.kind) {
            case PROBLEM_GD: gd_dump(r.gd, out); break;
            case PROBLEM_NTK: ntk_dump(r.ntk, out); break;
            case PROBLEM_MODEL: model_dump(r.model, out); break;
            }
        }
}

/* ---- JSON ---- */

static void json_vector(JsonWriter *w, const double *v, size_t n)
{
    json_array_compact(w);
    for (size_t i = 0; i < n; i++)
        json_double(w, v[i]);
    json_end(w);
}

static void gd_json(const GdProblem *p, JsonWriter *w)
{
    mpz_t cols;
    mpz_init(cols);
    json_object(w);
    json_key(w, "name");
    json_string(w, p->name);
    json_key(w, "kind");
    json_string(w, "gd");
    json_key(w, "param");
    json_string(w, p->param);
    json_key(w, "n");
    json_uint(w, p->n);
    json_key(w, "q");
    json_uint(w, p->q);
    json_key(w, "source");
    json_string(w, p->from_loss ? "loss" : "update");
    json_key(w, "eta");
    if (p->has_eta)
        json_double(w, p->eta);
    else
        json_null(w);
    json_key(w, "T");
    json_uint(w, p->T);
    json_key(w, "u_in");
    json_vector(w, p->u_in, p->n);
    json_key(w, "noise");
    json_object(w);
    json_key(w, "kind");
    json_string(w, p->noise == NOISE_NONE ? "none" : p->noise == NOISE_GAUSSIAN ? "gaussian" : "explicit");
    if (p->noise == NOISE_GAUSSIAN) {
        json_key(w, "sigma");
        json_double(w, p->sigma);
        json_key(w, "seed");
        json_uint(w, p->noise_seed);
    }
    if (p->noise != NOISE_NONE) {
        json_key(w, "xi");
        json_array(w);
        for (uint64_t t = 0; t < p->T; t++)
            json_vector(w, p->xi + t * p->n, p->n);
        json_end(w);
    }
    json_end(w);
    json_key(w, "F");
    json_array(w);
    for (unsigned l = 0; l <= p->q; l++) {
        const Tensor *t = &p->F[l];
        tensor_cols(cols, p->n, l);
        json_object(w);
        json_key(w, "order");
        json_uint(w, l);
        json_key(w, "rows");
        json_uint(w, p->n);
        json_key(w, "cols");
        json_mpz(w, cols);
        json_key(w, "nnz");
        json_uint(w, t->nnz);
        json_key(w, "entries");
        json_array(w);
        for (size_t k = 0; k < t->nnz; k++) {
            json_array_compact(w);
            json_uint(w, t->row[k]);
            json_array_compact(w);
            for (unsigned i = 0; i < l; i++)
                json_uint(w, t->col[k * l + i]);
            json_end(w);
            json_double(w, t->val[k]);
            json_end(w);
        }
        json_end(w);
        json_end(w);
    }
    json_end(w);
    json_key(w, "options");
    json_object(w);
    for (int i = 0; i < OPTION_COUNT; i++) {
        json_key(w, option_names[i]);
        options_json(&p->opt, (OptionId)i, w);
    }
    json_end(w);
    json_end(w);
    mpz_clear(cols);
}

void problem_set_json(const ProblemSet *ps, FILE *out)
{
    JsonWriter w;
    json_init(&w, out);
    json_object(&w);
    json_key(&w, "problems");
    json_array(&w);
    for (int k = 0; k < PROBLEM_KINDS; k++) /* by kind, as the dump */
        for (int i = 0; i < ps->n; i++) {
            ProblemRef r = ps->all[i];
            if (r.kind != (IrProblemKind)k)
                continue;
            switch (r.kind) {
            case PROBLEM_GD: gd_json(r.gd, &w); break;
            case PROBLEM_NTK: ntk_json(r.ntk, &w); break;
            case PROBLEM_MODEL: model_json(r.model, &w); break;
            }
        }
    json_end(&w);
    json_end(&w);
    json_finish(&w);
}
