/* model.c — size-only problems (model.h). */
#include "ir/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/util.h"

void model_init(ModelProblem *m)
{
    memset(m, 0, sizeof *m);
    mpz_inits(m->n, m->r, NULL);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++)
        mpz_inits(m->F[l].nnz, m->F[l].rows, m->F[l].cols, NULL);
}

void model_term_column(ModelTerm *F)
{
    mpz_set(F->rows, F->nnz);
    mpz_set_ui(F->cols, 1);
    F->sparsity = mpz_fits_ulong_p(F->nnz) ? mpz_get_ui(F->nnz) : UINT64_MAX;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts k keys and returns the number of distinct ones; *most: the
 * longest run. */
static size_t distinct_sorted(uint64_t *key, size_t k, uint64_t *most)
{
    qsort(key, k, sizeof *key, cmp_u64);
    size_t distinct = 0, run = 0;
    for (size_t i = 0; i < k; i++) {
        run = i && key[i] == key[i - 1] ? run + 1 : 1;
        distinct += run == 1;
        if (run > *most)
            *most = run;
    }
    return distinct;
}

void model_term_from_entries(ModelTerm *F, unsigned l, size_t count, const uint32_t *row, const uint64_t *col,
                             const double *val)
{
    uint64_t *rk = xmalloc((count ? count : 1) * sizeof *rk), *ck = xmalloc((count ? count : 1) * sizeof *ck);
    size_t nnz = 0;
    double mx = 0, n2 = 0;
    for (size_t e = 0; e < count; e++) {
        if (val[e] == 0)
            continue;
        rk[nnz] = row[e], ck[nnz] = col[e], nnz++;
        mx = fmax(mx, fabs(val[e])), n2 += val[e] * val[e];
    }
    uint64_t most = 0;
    size_t nrows = distinct_sorted(rk, nnz, &most), ncols = distinct_sorted(ck, nnz, &most);
    free(rk), free(ck);
    F->present = nnz > 0;
    mpz_set_ui(F->nnz, nnz);
    F->sparsity = most;
    mpz_set_ui(F->rows, nrows);
    mpz_set_ui(F->cols, ncols);
    F->max_abs = mx;
    F->norm2 = l == 0 ? sqrt(n2) : 0;
}

void model_copy(ModelProblem *dst, const ModelProblem *src)
{
    *dst = *src;
    dst->name = src->name ? xstrdup(src->name) : NULL;
    mpz_init_set(dst->n, src->n);
    mpz_init_set(dst->r, src->r);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++) {
        mpz_init_set(dst->F[l].nnz, src->F[l].nnz);
        mpz_init_set(dst->F[l].rows, src->F[l].rows);
        mpz_init_set(dst->F[l].cols, src->F[l].cols);
        dst->F[l].mtx_path = src->F[l].mtx_path ? xstrdup(src->F[l].mtx_path) : NULL;
    }
}

/* x·n'/n rounded down, at least 1 */
static void scale_count(mpz_t x, const mpz_t n_new, const mpz_t n_old)
{
    mpz_mul(x, x, n_new);
    mpz_fdiv_q(x, x, n_old);
    if (mpz_sgn(x) == 0)
        mpz_set_ui(x, 1);
}

void model_rescale_n(ModelProblem *m, const mpz_t n)
{
    mpz_t old, cap;
    mpz_init_set(old, m->n);
    mpz_init(cap);
    double r_old = mpz_get_d(m->r);
    scale_count(m->r, n, old);
    m->u_norm *= sqrt(mpz_get_d(m->r) / r_old); /* ‖u‖ ∝ √r: kept weights of a fixed size */
    mpz_set(m->n, n);
    for (unsigned l = 0; l <= m->q; l++) {
        ModelTerm *F = &m->F[l];
        if (!F->present)
            continue;
        if (l > 0 && mpz_cmp_ui(n, F->sparsity) < 0)
            F->sparsity = mpz_get_ui(n);
        scale_count(F->rows, n, old);
        scale_count(F->nnz, n, old);
        if (l == 0) {
            model_term_column(F);
            continue;
        }
        mpz_mul_ui(cap, F->rows, F->sparsity);
        if (mpz_cmp(F->nnz, cap) > 0)
            mpz_set(F->nnz, cap);
        if (mpz_cmp(F->nnz, F->rows) < 0)
            mpz_set(F->nnz, F->rows);
        scale_count(F->cols, n, old);
        mpz_pow_ui(cap, n, l);
        if (mpz_cmp(F->cols, cap) > 0)
            mpz_set(F->cols, cap);
        if (mpz_cmp(F->cols, F->nnz) > 0)
            mpz_set(F->cols, F->nnz);
        mpz_cdiv_q_ui(cap, F->nnz, F->sparsity); /* nnz ≤ cols·s */
        if (mpz_cmp(F->cols, cap) < 0)
            mpz_set(F->cols, cap);
    }
    mpz_clears(old, cap, NULL);
}

void model_free(ModelProblem *m)
{
    if (!m->n->_mp_d) /* zeroed or freed */
        return;
    free(m->name);
    mpz_clears(m->n, m->r, NULL);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++) {
        mpz_clears(m->F[l].nnz, m->F[l].rows, m->F[l].cols, NULL);
        free(m->F[l].mtx_path);
    }
    memset(m, 0, sizeof *m);
}

/* ---- IR checker ---- */

static bool fail(const ModelProblem *m, const char *what)
{
    fprintf(stderr, "qgdc: internal error: model '%s' failed verification: %s\n", m->name ? m->name : "?", what);
    return false;
}

bool model_verify(const ModelProblem *m)
{
    if (!m->name)
        return fail(m, "no name");
    if (mpz_sgn(m->n) <= 0 || mpz_sizeinbase(m->n, 2) > MODEL_MAX_N_BITS)
        return fail(m, "n out of range");
    if (m->q < 1 || m->q > MODEL_MAX_DEGREE || !m->F[m->q].present)
        return fail(m, "degree out of range or F_q absent");
    mpz_t cap;
    mpz_init(cap);
    bool ok = true;
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE && ok; l++) {
        const ModelTerm *F = &m->F[l];
        if (!F->present) {
            ok = l > m->q || (mpz_sgn(F->nnz) == 0 && F->sparsity == 0);
            if (!ok)
                fail(m, "an absent term has statistics");
            continue;
        }
        if (l > m->q) {
            ok = fail(m, "a term beyond the degree");
            break;
        }
        mpz_pow_ui(cap, m->n, l); /* columns n^ℓ */
        if (mpz_sgn(F->nnz) <= 0 || F->sparsity < 1 || (l > 0 && mpz_cmp_ui(cap, F->sparsity) < 0) ||
            mpz_sgn(F->rows) <= 0 || mpz_cmp(F->rows, m->n) > 0 || mpz_sgn(F->cols) <= 0 || mpz_cmp(F->cols, cap) > 0 ||
            mpz_cmp(F->rows, F->nnz) > 0 || mpz_cmp(F->cols, F->nnz) > 0)
            ok = fail(m, "term statistics out of range");
        mpz_mul_ui(cap, F->rows, F->sparsity);
        if (ok && mpz_cmp(F->nnz, cap) > 0)
            ok = fail(m, "more nonzeros than rows × sparsity");
        if (ok && !(isfinite(F->max_abs) && F->max_abs > 0))
            ok = fail(m, "entry bound not positive and finite");
        if (ok && l == 0 && !(isfinite(F->norm2) && F->norm2 > 0))
            ok = fail(m, "F_0 norm not positive and finite");
    }
    mpz_clear(cap);
    if (!ok)
        return false;
    if (!(isfinite(m->u_norm) && m->u_norm > 0))
        return fail(m, "u_norm");
    if (mpz_sgn(m->r) <= 0 || mpz_cmp(m->r, m->n) > 0)
        return fail(m, "kept parameters out of 1..n");
    if (m->T < 1 || m->N < 1 || m->N > MODEL_MAX_ORDER || m->uploads < 1)
        return fail(m, "T, N or uploads out of range");
    if (!(m->kappa0 > 1 && isfinite(m->kappa0)) || !(m->eps > 0 && m->eps < 1))
        return fail(m, "kappa0 or precision out of range");
    return true;
}

/* ---- text and JSON ---- */

static void dump_term(const ModelTerm *F, unsigned l, FILE *out)
{
    char b1[40], b2[40];
    fprintf(out, "  F%u", l);
    if (l == 0)
        fprintf(out, "       norm %s, max %s", fmt_double(F->norm2, b1, sizeof b1), fmt_double(F->max_abs, b2, sizeof b2));
    else
        fprintf(out, "       sparsity %llu, max %s", (unsigned long long)F->sparsity, fmt_double(F->max_abs, b1, sizeof b1));
    gmp_fprintf(out, ", nnz %Zd, rows %Zd, cols %Zd", F->nnz, F->rows, F->cols);
    if (F->mtx_path)
        fprintf(out, " (from %s)", F->mtx_path);
    fputc('\n', out);
}

void model_dump(const ModelProblem *m, FILE *out)
{
    char b1[40];
    fprintf(out, "problem %s: model (size only)\n", m->name);
    gmp_fprintf(out, "  n        %Zd\n", m->n);
    fprintf(out, "  degree   %u\n", m->q);
    for (unsigned l = 0; l <= m->q; l++)
        if (m->F[l].present)
            dump_term(&m->F[l], l, out);
    fprintf(out, "  u_norm   %s\n", fmt_double(m->u_norm, b1, sizeof b1));
    gmp_fprintf(out, "  kept     %Zd\n", m->r);
    fprintf(out, "  T        %llu\n", (unsigned long long)m->T);
    fprintf(out, "  uploads  %llu\n", (unsigned long long)m->uploads);
    if (m->angle_bits)
        fprintf(out, "  angle_bits %u\n", m->angle_bits);
    else
        fputs("  angle_bits auto\n", out);
    fputs("  options\n", out);
    for (int i = 0; i < OPTION_COUNT; i++) {
        OptionId id = (OptionId)i;
        if (id == OPTION_carleman_form || !options_applies(id, PROBLEM_MODEL))
            continue; /* the paper form only */
        fprintf(out, "    %-18s %s%s\n", options_name(id), options_text(&m->opt, id, b1, sizeof b1),
                m->opt.set[id] ? "" : "  (default)");
    }
}

void model_json(const ModelProblem *m, JsonWriter *w)
{
    json_object(w);
    json_key(w, "name");
    json_string(w, m->name);
    json_key(w, "kind");
    json_string(w, "model");
    json_key(w, "n");
    json_mpz(w, m->n);
    json_key(w, "degree");
    json_uint(w, m->q);
    json_key(w, "terms");
    json_array(w);
    for (unsigned l = 0; l <= m->q; l++) {
        const ModelTerm *F = &m->F[l];
        if (!F->present)
            continue;
        json_object(w);
        json_key(w, "l");
        json_uint(w, l);
        json_key(w, "nnz");
        json_mpz(w, F->nnz);
        json_key(w, "sparsity");
        json_uint(w, F->sparsity);
        json_key(w, "rows");
        json_mpz(w, F->rows);
        json_key(w, "cols");
        json_mpz(w, F->cols);
        json_key(w, "max_abs");
        json_double(w, F->max_abs);
        if (l == 0) {
            json_key(w, "norm2");
            json_double(w, F->norm2);
        }
        json_key(w, "mtx");
        if (F->mtx_path)
            json_string(w, F->mtx_path);
        else
            json_null(w);
        json_end(w);
    }
    json_end(w);
    json_key(w, "u_norm");
    json_double(w, m->u_norm);
    json_key(w, "kept");
    json_mpz(w, m->r);
    json_key(w, "T");
    json_uint(w, m->T);
    json_key(w, "uploads");
    json_uint(w, m->uploads);
    json_key(w, "carleman_order");
    json_uint(w, (unsigned)m->N);
    json_key(w, "idle_blocks");
    json_uint(w, m->P);
    json_key(w, "kappa0");
    json_double(w, m->kappa0);
    json_key(w, "precision");
    json_double(w, m->eps);
    json_key(w, "clock_bits");
    json_uint(w, m->clock_bits);
    json_key(w, "angle_bits");
    json_uint(w, m->angle_bits);
    json_end(w);
}

void model_problem_free(ModelProblem *m)
{
    if (!m)
        return;
    model_free(m);
    free(m);
}
