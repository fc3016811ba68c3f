/* ntk.c — the NTK problem IR: derived constants, verifier, text and JSON
 * forms (see ntk.h). */
#include "ir/ntk.h"
#include "support/consts.h"
#include "support/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ntk_activation_name(NtkActivation a) { return a == NTK_ERF ? "erf" : "relu"; }

const char *ntk_kernel_name(NtkKernelKind k)
{
    switch (k) {
    case NTK_KERNEL_EXACT: return "exact";
    case NTK_KERNEL_SPARSE: return "sparse";
    case NTK_KERNEL_DIAGONAL: return "diagonal";
    }
    ICE("bad kernel kind %d", (int)k);
}

double ntk_activation_mu(NtkActivation a)
{
    /* a_1² = σ̂'(0), the first Hermite coefficient squared (Remark I.2) */
    if (a == NTK_ERF)
        return 1.0 - (2.0 / 3.0) / asin(2.0 / 3.0);
    return 1.0 - QGD_PI / (2.0 * (QGD_PI - 1.0));
}

double ntk_separability(const double *x, uint32_t n, uint32_t d, uint32_t *pi, uint32_t *pj)
{
    double best = INFINITY;
    uint32_t bi = 0, bj = n > 1 ? 1 : 0;
    for (uint32_t i = 0; i < n; i++) {
        const double *a = x + (size_t)i * d;
        for (uint32_t j = i + 1; j < n; j++) {
            const double *b = x + (size_t)j * d;
            double dot = 0;
            for (uint32_t k = 0; k < d; k++)
                dot += a[k] * b[k];
            double sep = 1.0 - fabs(dot);
            if (sep < best) {
                best = sep;
                bi = i;
                bj = j;
            }
        }
    }
    if (best < 0) /* rounding: |x_i·x_j| a hair above 1 */
        best = 0;
    if (pi)
        *pi = bi;
    if (pj)
        *pj = bj;
    return best;
}

double ntk_l_conv(uint32_t n, double delta, double mu)
{
    if (!(delta > 0))
        return INFINITY;
    return 8.0 * log((double)n / delta) / mu;
}

uint32_t ntk_sparse_degree(uint32_t n, uint32_t s)
{
    if (n == 0)
        return 0;
    if (s > n - 1)
        s = n - 1;
    if ((n & 1) && (s & 1))
        s--;
    return s;
}

void ntk_data_free(NtkData *d)
{
    free(d->path);
    free(d->labels_path);
    free(d->record);
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

void ntk_problem_free(NtkProblem *p)
{
    if (!p)
        return;
    free(p->name);
    ntk_data_free(&p->train);
    ntk_data_free(&p->test);
    free(p);
}

/* ---- verifier ---- */

#define VERIFY(cond, ...)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "qgdc: IR verifier: ntk problem '%s': ", p->name); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            return false;                                                     \
        }                                                                     \
    } while (0)

static bool verify_data(const NtkProblem *p, const NtkData *s, const char *what)
{
    VERIFY(s->n >= 1 && s->d >= 1 && s->x && s->y && s->record, "%s set is empty", what);
    VERIFY(s->path && (s->source == NTK_SOURCE_CSV) == (s->labels_path == NULL), "%s set: bad file names", what);
    VERIFY(s->label_pos != s->label_neg, "%s set: the two classes are the same label", what);
    for (uint32_t i = 0; i < s->n; i++) {
        VERIFY(s->y[i] == 1.0 || s->y[i] == -1.0, "%s y[%u] = %g", what, i, s->y[i]);
        VERIFY(i == 0 || s->record[i - 1] < s->record[i], "%s records out of order at %u", what, i);
        double nn = 0;
        for (uint32_t k = 0; k < s->d; k++) {
            double v = s->x[(size_t)i * s->d + k];
            VERIFY(isfinite(v), "%s x[%u] not finite", what, i);
            nn += v * v;
        }
        VERIFY(fabs(nn - 1.0) < 1e-9, "%s x[%u] has squared norm %.17g, not 1", what, i, nn);
    }
    return true;
}

bool ntk_verify(const NtkProblem *p)
{
    if (!verify_data(p, &p->train, "training") || !verify_data(p, &p->test, "test"))
        return false;
    VERIFY(p->train.n >= 2, "fewer than 2 training examples");
    VERIFY(p->train.d == p->test.d, "training and test dimensions differ (%u, %u)", p->train.d, p->test.d);
    VERIFY(p->L >= 1, "L = 0");
    VERIFY(p->delta > 0 && p->delta <= 1, "delta = %g", p->delta);
    VERIFY(p->delta_i < p->delta_j && p->delta_j < p->train.n, "delta pair (%u, %u)", p->delta_i, p->delta_j);
    VERIFY(p->mu > 0 && p->mu <= 1, "mu = %g", p->mu);
    VERIFY(p->kernel != NTK_KERNEL_SPARSE || p->s <= p->train.n - 1, "s = %u with n = %u", p->s, p->train.n);
    VERIFY(p->offdiag_scale >= 0 && p->offdiag_scale <= 1, "off-diagonal scale %g", p->offdiag_scale);
    return true;
}

/* ---- text dump ---- */

static uint64_t fnv1a(const double *v, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < n; k++) {
        uint64_t bits;
        memcpy(&bits, &v[k], sizeof bits);
        for (int b = 0; b < 8; b++) {
            h ^= (bits >> (8 * b)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    return h;
}

static void dump_doubles(FILE *out, const double *v, size_t n)
{
    char buf[40];
    fputc('[', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? ", " : "", fmt_double(v[i], buf, sizeof buf));
    fputc(']', out);
}

static void dump_data(const NtkData *s, const char *what, FILE *out)
{
    char b1[40], b2[40];
    if (s->source == NTK_SOURCE_IDX)
        fprintf(out, "  %-8s idx(\"%s\", \"%s\")\n", what, s->path, s->labels_path);
    else
        fprintf(out, "  %-8s csv(\"%s\")\n", what, s->path);
    fprintf(out, "    classes  %s -> +1, %s -> -1%s\n", fmt_double(s->label_pos, b1, sizeof b1),
            fmt_double(s->label_neg, b2, sizeof b2), s->classes_given ? "" : "  (the file's labels)");
    if (s->subset)
        fprintf(out, "    subset   %u of %u, seed %llu\n", s->n, s->available, (unsigned long long)s->seed);
    else
        fprintf(out, "    subset   all %u\n", s->n);
    uint32_t pos = 0;
    for (uint32_t i = 0; i < s->n; i++)
        pos += s->y[i] > 0;
    fprintf(out, "    n        %u (%u with y = +1, %u with y = -1), d = %u\n", s->n, pos, s->n - pos, s->d);
    fputs("    records  [", out);
    for (uint32_t i = 0; i < s->n; i++)
        fprintf(out, "%s%u", i ? ", " : "", s->record[i]);
    fputs("]\n    y        [", out);
    for (uint32_t i = 0; i < s->n; i++)
        fprintf(out, "%s%s", i ? ", " : "", s->y[i] > 0 ? "+1" : "-1");
    fputs("]\n", out);
    size_t total = (size_t)s->n * s->d;
    if (total <= 256) {
        for (uint32_t i = 0; i < s->n; i++) {
            fprintf(out, "    x[%u]%*s", i, i < 10 ? 4 : i < 100 ? 3 : 2, "");
            dump_doubles(out, s->x + (size_t)i * s->d, s->d);
            fputc('\n', out);
        }
    } else {
        fprintf(out, "    x        %u x %u values, fnv1a %016llx\n", s->n, s->d, (unsigned long long)fnv1a(s->x, total));
    }
}

void ntk_dump(const NtkProblem *p, FILE *out)
{
    char b1[40], b2[40];
    fprintf(out, "problem %s: ntk\n", p->name);
    fprintf(out, "  activation %s (normalised), mu = %s\n", ntk_activation_name(p->activation),
            fmt_double(p->mu, b1, sizeof b1));
    fprintf(out, "  depth    L = %u\n", p->L);
    fprintf(out, "  delta    %s (training examples %u and %u)\n", fmt_double(p->delta, b1, sizeof b1), p->delta_i,
            p->delta_j);
    fprintf(out, "  L_conv   %s\n", fmt_double(p->L_conv, b2, sizeof b2));
    switch (p->kernel) {
    case NTK_KERNEL_EXACT: fputs("  kernel   exact\n", out); break;
    case NTK_KERNEL_DIAGONAL: fputs("  kernel   diagonal\n", out); break;
    case NTK_KERNEL_SPARSE:
        fprintf(out, "  kernel   sparse s = %u (%u per row), seed = %llu, scale = %s\n", p->s,
                ntk_sparse_degree(p->train.n, p->s), (unsigned long long)p->sparse_seed,
                fmt_double(p->offdiag_scale, b1, sizeof b1));
        break;
    }
    dump_data(&p->train, "train", out);
    dump_data(&p->test, "test", out);
    fputs("  options\n", out);
    for (int i = 0; i < OPTION_COUNT; i++) {
        OptionId id = (OptionId)i;
        if (!options_applies(id, PROBLEM_NTK))
            continue;
        fprintf(out, "    %-18s %s%s\n", options_name(id), options_text(&p->opt, id, b1, sizeof b1),
                p->opt.set[id] ? "" : "  (default)");
    }
}

/* ---- JSON ---- */

static void json_data(const NtkData *s, JsonWriter *w)
{
    json_object(w);
    json_key(w, "source");
    json_string(w, s->source == NTK_SOURCE_IDX ? "idx" : "csv");
    json_key(w, "path");
    json_string(w, s->path);
    json_key(w, "labels_path");
    if (s->labels_path)
        json_string(w, s->labels_path);
    else
        json_null(w);
    json_key(w, "classes");
    json_array_compact(w);
    json_double(w, s->label_pos);
    json_double(w, s->label_neg);
    json_end(w);
    json_key(w, "subset");
    json_bool(w, s->subset);
    json_key(w, "seed");
    json_uint(w, s->seed);
    json_key(w, "available");
    json_uint(w, s->available);
    json_key(w, "n");
    json_uint(w, s->n);
    json_key(w, "d");
    json_uint(w, s->d);
    json_key(w, "records");
    json_array_compact(w);
    for (uint32_t i = 0; i < s->n; i++)
        json_uint(w, s->record[i]);
    json_end(w);
    json_key(w, "y");
    json_array_compact(w);
    for (uint32_t i = 0; i < s->n; i++)
        json_int(w, s->y[i] > 0 ? 1 : -1);
    json_end(w);
    json_key(w, "x");
    json_array(w);
    for (uint32_t i = 0; i < s->n; i++) {
        json_array_compact(w);
        for (uint32_t k = 0; k < s->d; k++)
            json_double(w, s->x[(size_t)i * s->d + k]);
        json_end(w);
    }
    json_end(w);
    json_end(w);
}

void ntk_json(const NtkProblem *p, JsonWriter *w)
{
    json_object(w);
    json_key(w, "name");
    json_string(w, p->name);
    json_key(w, "kind");
    json_string(w, "ntk");
    json_key(w, "activation");
    json_string(w, ntk_activation_name(p->activation));
    json_key(w, "mu");
    json_double(w, p->mu);
    json_key(w, "L");
    json_uint(w, p->L);
    json_key(w, "delta");
    json_double(w, p->delta);
    json_key(w, "delta_pair");
    json_array_compact(w);
    json_uint(w, p->delta_i);
    json_uint(w, p->delta_j);
    json_end(w);
    json_key(w, "L_conv");
    json_double(w, p->L_conv);
    json_key(w, "kernel");
    json_object(w);
    json_key(w, "kind");
    json_string(w, ntk_kernel_name(p->kernel));
    if (p->kernel == NTK_KERNEL_SPARSE) {
        json_key(w, "s");
        json_uint(w, p->s);
        json_key(w, "per_row");
        json_uint(w, ntk_sparse_degree(p->train.n, p->s));
        json_key(w, "seed");
        json_uint(w, p->sparse_seed);
        json_key(w, "scale");
        json_double(w, p->offdiag_scale);
    }
    json_end(w);
    json_key(w, "train");
    json_data(&p->train, w);
    json_key(w, "test");
    json_data(&p->test, w);
    json_key(w, "options");
    json_object(w);
    for (int i = 0; i < OPTION_COUNT; i++) {
        OptionId id = (OptionId)i;
        if (!options_applies(id, PROBLEM_NTK))
            continue;
        json_key(w, options_name(id));
        options_json(&p->opt, id, w);
    }
    json_end(w);
    json_end(w);
}
