/* carleman.c — pass_carleman: the truncated Carleman matrix C and vector c
 * of a polynomial map, in the paper and exact forms (contract in
 * carleman.h).
 *
 * Both forms are built level by level. Level j's rows form a row block R_j
 * (n^j rows) over "extended" columns: column 0 is the constant (level 0,
 * which becomes c) and column 1 + off[k] + pos is position pos of level k.
 * Level j's rows of C and c are copied out of R_j as soon as it is built.
 *   exact: R_1 = [G_0 G_1 … G_L] and R_j = Σ_ℓ R_{j−1} ⊗ G_ℓ with the
 *          level of the column raised by ℓ — the graded Kronecker power of
 *          g(u) = Σ_ℓ G_ℓ u^⊗ℓ, which sums every composition ℓ1+…+ℓj = k
 *          once, and R_{j−1} is freed after R_j is built.
 *   paper: R_j = I + Σ_ℓ Σ_pos I^⊗pos ⊗ F_ℓ ⊗ I^⊗(j−1−pos) directly.
 * Columns of level k > N are never produced (ℓ ≥ 0 only raises levels).
 * Duplicates (several compositions or positions landing on one entry) are
 * summed by sp_builder_finish. */
#include "passes/carleman.h"
#include "support/diag.h"
#include "support/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- estimates ---- */

static void mpz_min_into(mpz_t x, const mpz_t cap)
{
    if (mpz_cmp(x, cap) > 0)
        mpz_set(x, cap);
}

void carleman_estimate(const GdProblem *p, int N, CarlemanForm form, bool with_noise, mpz_t nnz, mpz_t bytes)
{
    unsigned L = p->q < (unsigned)N ? p->q : (unsigned)N;
    size_t K = (size_t)N + 1;
    mpz_t *g = xmalloc((L + 1) * sizeof *g);      /* nonzeros of G_ℓ (exact) or F_ℓ (paper) */
    mpz_t *prev = xmalloc(K * sizeof *prev), *cur = xmalloc(K * sizeof *cur);
    mpz_t npow_j, dense, raw, t, peak, level, prevsum, delta;
    mpz_inits(npow_j, dense, raw, t, peak, level, prevsum, delta, NULL);
    for (unsigned l = 0; l <= L; l++) {
        mpz_init_set_ui(g[l], p->F[l].nnz);
        if (l == 0 && with_noise && p->xi)
            mpz_set_ui(g[0], p->n);
        if (l == 1 && form == FORM_EXACT)
            mpz_add_ui(g[1], g[1], p->n);
    }
    for (size_t k = 0; k < K; k++)
        mpz_init_set_ui(prev[k], 0), mpz_init_set_ui(cur[k], 0);
    mpz_set_ui(nnz, 0);
    mpz_set_ui(npow_j, 1);
    for (int j = 1; j <= N; j++) {
        mpz_mul_ui(npow_j, npow_j, p->n);
        mpz_add(delta, delta, npow_j);
        mpz_set_ui(raw, 0);
        for (size_t k = 0; k < K; k++)
            mpz_set_ui(cur[k], 0);
        if (form == FORM_EXACT) {
            for (size_t k = 0; k < K; k++)
                for (unsigned l = 0; l <= L && l <= k; l++) {
                    if (j == 1) {
                        if (l == k)
                            mpz_add(cur[k], cur[k], g[l]);
                    } else {
                        mpz_mul(t, prev[k - l], g[l]);
                        mpz_add(cur[k], cur[k], t);
                    }
                }
            for (size_t k = 0; k < K; k++)
                mpz_add(raw, raw, cur[k]);
        } else {
            mpz_add(raw, raw, npow_j); /* the identity */
            mpz_add(cur[(size_t)j], cur[(size_t)j], npow_j);
            for (unsigned l = 0; l <= L; l++) {
                size_t k = (size_t)j + l - 1;
                if (k > (size_t)N)
                    continue;
                mpz_divexact_ui(t, npow_j, p->n); /* j · n^(j−1) · nnz(F_ℓ) */
                mpz_mul_ui(t, t, (unsigned long)j);
                mpz_mul(t, t, g[l]);
                mpz_add(cur[k], cur[k], t);
                mpz_add(raw, raw, t);
            }
        }
        /* Merged counts never exceed the dense block n^j × n^k. */
        mpz_set_ui(level, 0);
        for (size_t k = 0; k < K; k++) {
            mpz_set(dense, npow_j);
            for (size_t m = 0; m < k; m++)
                mpz_mul_ui(dense, dense, p->n);
            mpz_min_into(cur[k], dense);
            if (k >= 1)
                mpz_add(nnz, nnz, cur[k]);
            mpz_add(level, level, cur[k]);
        }
        /* Peak while building level j: the previous row block (16 bytes per
         * entry), the triplets and their sorted copy (40 per raw entry),
         * the row starts. */
        mpz_mul_ui(t, prevsum, 16);
        mpz_addmul_ui(t, raw, 40);
        mpz_addmul_ui(t, npow_j, 2 * sizeof(size_t));
        if (mpz_cmp(t, peak) > 0)
            mpz_set(peak, t);
        mpz_set(prevsum, level);
        mpz_t *sw = prev;
        prev = cur;
        cur = sw;
    }
    /* C itself (CSR), c, and the peak of the largest level. */
    mpz_set_ui(bytes, 0);
    mpz_addmul_ui(bytes, nnz, sizeof(size_t) + sizeof(double));
    mpz_addmul_ui(bytes, delta, sizeof(size_t) + sizeof(double));
    mpz_add(bytes, bytes, peak);
    for (unsigned l = 0; l <= L; l++)
        mpz_clear(g[l]);
    for (size_t k = 0; k < K; k++)
        mpz_clear(prev[k]), mpz_clear(cur[k]);
    free(g);
    free(prev);
    free(cur);
    mpz_clears(npow_j, dense, raw, t, peak, level, prevsum, delta, NULL);
}

/* ---- building blocks ---- */

/* The step's constant vector g0 = F_0 + ξ(t) (ξ only for t < T). */
static void const_vector(const GdProblem *p, uint64_t t, double *g0)
{
    memset(g0, 0, p->n * sizeof *g0);
    for (size_t k = 0; k < p->F[0].nnz; k++)
        g0[p->F[0].row[k]] += p->F[0].val[k];
    if (p->xi && t != CARLEMAN_CONST && t < p->T)
        for (uint32_t i = 0; i < p->n; i++)
            g0[i] += p->xi[t * p->n + i];
}

/* F_ℓ (n × n^ℓ) as CSR; F_0 is g0; with plus_identity, I + F_1. */
static void tensor_matrix(const GdProblem *p, unsigned l, const double *g0, const size_t *npow, bool plus_identity,
                          SpMat *out)
{
    SpBuilder b;
    sp_builder_init(&b, p->n, npow[l]);
    if (l == 0) {
        for (uint32_t i = 0; i < p->n; i++)
            sp_push(&b, i, 0, g0[i]);
    } else {
        const Tensor *f = &p->F[l];
        sp_builder_reserve(&b, f->nnz + (plus_identity ? p->n : 0));
        for (size_t k = 0; k < f->nnz; k++) {
            size_t col = 0;
            for (unsigned m = 0; m < l; m++)
                col = col * p->n + f->col[k * l + m];
            sp_push(&b, f->row[k], col, f->val[k]);
        }
        if (plus_identity)
            for (uint32_t i = 0; i < p->n; i++)
                sp_push(&b, i, i, 1.0);
    }
    sp_builder_finish(&b, out);
}

/* Extended column of position pos of level k (k = 0: the constant). */
static size_t ext_col(const LinLevels *lv, int k, size_t pos) { return k == 0 ? 0 : 1 + lv->off[k] + pos; }

static void ext_split(const LinLevels *lv, size_t e, int *k, size_t *pos)
{
    if (e == 0) {
        *k = 0;
        *pos = 0;
    } else
        lin_levels_split(lv, e - 1, k, pos);
}

/* Copies level j's row block into C's rows off[j].. and c. */
static void append_level(Carleman *cm, int j, const SpMat *R)
{
    SpMat *C = &cm->C;
    size_t add = R->nnz;
    C->col = xrealloc(C->col, (C->nnz + add + 1) * sizeof *C->col);
    C->val = xrealloc(C->val, (C->nnz + add + 1) * sizeof *C->val);
    size_t row0 = cm->lv.off[j];
    for (size_t r = 0; r < R->rows; r++) {
        for (size_t k = R->rowptr[r]; k < R->rowptr[r + 1]; k++) {
            if (R->col[k] == 0)
                cm->c[row0 + r] = R->val[k];
            else {
                C->col[C->nnz] = R->col[k] - 1;
                C->val[C->nnz] = R->val[k];
                C->nnz++;
            }
        }
        C->rowptr[row0 + r + 1] = C->nnz;
    }
}

static void build_exact(Carleman *cm, const SpMat *G, unsigned L, const size_t *npow)
{
    const LinLevels *lv = &cm->lv;
    int N = cm->N;
    uint32_t n = lv->n;
    size_t ext = 1 + lv->dim;
    SpMat R = {0}, next;
    SpBuilder b;
    sp_builder_init(&b, n, ext);
    for (unsigned l = 0; l <= L; l++) {
        const SpMat *g = &G[l];
        for (size_t r = 0; r < g->rows; r++)
            for (size_t k = g->rowptr[r]; k < g->rowptr[r + 1]; k++)
                sp_push(&b, r, ext_col(lv, (int)l, g->col[k]), g->val[k]);
    }
    sp_builder_finish(&b, &R);
    append_level(cm, 1, &R);
    for (int j = 2; j <= N; j++) {
        /* Count the products first so the builder is sized exactly. */
        size_t raw = 0;
        for (size_t k = 0; k < R.nnz; k++) {
            int k1;
            size_t pos1;
            ext_split(lv, R.col[k], &k1, &pos1);
            for (unsigned l = 0; l <= L && (int)l <= N - k1; l++)
                raw += G[l].nnz;
        }
        sp_builder_init(&b, npow[j], ext);
        sp_builder_reserve(&b, raw);
        for (size_t r1 = 0; r1 < R.rows; r1++)
            for (size_t e1 = R.rowptr[r1]; e1 < R.rowptr[r1 + 1]; e1++) {
                int k1;
                size_t pos1;
                ext_split(lv, R.col[e1], &k1, &pos1);
                double v1 = R.val[e1];
                for (unsigned l = 0; l <= L && (int)l <= N - k1; l++) {
                    const SpMat *g = &G[l];
                    size_t base = ext_col(lv, k1 + (int)l, pos1 * npow[l]);
                    for (size_t r2 = 0; r2 < g->rows; r2++)
                        for (size_t e2 = g->rowptr[r2]; e2 < g->rowptr[r2 + 1]; e2++)
                            sp_push(&b, r1 * n + r2, base + g->col[e2], v1 * g->val[e2]);
                }
            }
        sp_builder_finish(&b, &next);
        sp_free(&R);
        R = next;
        append_level(cm, j, &R);
    }
    sp_free(&R);
}

static void build_paper(Carleman *cm, const SpMat *F, unsigned L, const size_t *npow)
{
    const LinLevels *lv = &cm->lv;
    int N = cm->N;
    uint32_t n = lv->n;
    size_t ext = 1 + lv->dim;
    for (int j = 1; j <= N; j++) {
        SpBuilder b;
        SpMat R;
        sp_builder_init(&b, npow[j], ext);
        size_t raw = npow[j];
        for (unsigned l = 0; l <= L; l++)
            if (j + (int)l - 1 <= N)
                raw += (size_t)j * npow[j - 1] * F[l].nnz;
        sp_builder_reserve(&b, raw);
        for (size_t r = 0; r < npow[j]; r++)
            sp_push(&b, r, ext_col(lv, j, r), 1.0);
        for (unsigned l = 0; l <= L; l++) {
            int k = j + (int)l - 1;
            if (k > N)
                continue;
            const SpMat *f = &F[l];
            for (int pos = 0; pos < j; pos++) { /* I^⊗pos ⊗ F_ℓ ⊗ I^⊗(j−1−pos) */
                size_t na = npow[pos], nb = npow[j - 1 - pos];
                for (size_t a = 0; a < na; a++)
                    for (size_t r = 0; r < f->rows; r++)
                        for (size_t e = f->rowptr[r]; e < f->rowptr[r + 1]; e++) {
                            size_t row = (a * n + r) * nb, col = (a * npow[l] + f->col[e]) * nb;
                            for (size_t bb = 0; bb < nb; bb++)
                                sp_push(&b, row + bb, ext_col(lv, k, col + bb), f->val[e]);
                        }
            }
        }
        sp_builder_finish(&b, &R);
        append_level(cm, j, &R);
        sp_free(&R);
    }
}

static bool build(const GdProblem *p, int N, CarlemanForm form, uint64_t t, Carleman *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (N < 1 || N > QGD_MAX_DEGREE)
        return diag_refuse(err, "problem '%s': Carleman order N = %d is out of range (1..%d)", p->name, N, QGD_MAX_DEGREE);
    if (form != FORM_EXACT && form != FORM_PAPER)
        return diag_refuse(err, "problem '%s': unknown Carleman form %d", p->name, (int)form);
    LinLevels lv;
    lin_levels_init(&lv, p->n, N);
    mpz_t nnz, bytes;
    mpz_inits(nnz, bytes, NULL);
    bool noisy_step = p->xi && t != CARLEMAN_CONST;
    carleman_estimate(p, N, form, noisy_step, nnz, bytes);
    size_t budget = mem_budget();
    if (!lv.fits || mpz_cmp_d(bytes, (double)budget) > 0) {
        char *ds = mpz_get_str(NULL, 10, lv.delta);
        char hb[40], hbud[40];
        double nz = mpz_get_d(nnz);
        diag_refuse(err,
             "problem '%s': the Carleman matrix of order N = %d (%s form) is too large to build: "
             "Delta = %s rows (n = %u), up to %.4g nonzeros, about %s, over the memory budget of %s "
             "(QGDC_MEM_LIMIT); lower carleman_order",
             p->name, N, form == FORM_PAPER ? "paper" : "exact", ds, p->n, nz, mem_human(mpz_get_d(bytes), hb, sizeof hb),
             mem_human((double)budget, hbud, sizeof hbud));
        free(ds);
        mpz_clears(nnz, bytes, NULL);
        lin_levels_free(&lv);
        return false;
    }
    mpz_clears(nnz, bytes, NULL);

    out->p = p;
    out->N = N;
    out->form = form;
    out->t = t;
    out->lv = lv;
    out->noisy = p->xi != NULL;
    out->C_varies = out->noisy && N >= 2;
    size_t D = lv.dim;
    out->c = xcalloc(D, sizeof *out->c);
    out->C.rows = out->C.cols = D;
    out->C.rowptr = xcalloc(D + 1, sizeof *out->C.rowptr);

    unsigned L = p->q < (unsigned)N ? p->q : (unsigned)N;
    size_t *npow = xmalloc((size_t)(N + 1) * sizeof *npow);
    npow[0] = 1;
    for (int j = 1; j <= N; j++)
        npow[j] = npow[j - 1] * p->n;
    double *g0 = xmalloc(p->n * sizeof *g0);
    const_vector(p, t, g0);
    SpMat *G = xcalloc(L + 1, sizeof *G);
    for (unsigned l = 0; l <= L; l++)
        tensor_matrix(p, l, g0, npow, form == FORM_EXACT && l == 1, &G[l]);
    free(g0);
    if (form == FORM_EXACT)
        build_exact(out, G, L, npow);
    else
        build_paper(out, G, L, npow);
    for (unsigned l = 0; l <= L; l++)
        sp_free(&G[l]);
    free(G);
    free(npow);
#ifdef QGDC_DEBUG
    if (!carleman_verify(out))
        ICE("Carleman matrix failed verification");
#endif
    return true;
}

bool carleman_build(const GdProblem *p, int N, CarlemanForm form, Carleman *out, char **err)
{
    return build(p, N, form, CARLEMAN_CONST, out, err);
}

bool carleman_build_at(const GdProblem *p, int N, CarlemanForm form, uint64_t t, Carleman *out, char **err)
{
    if (t == CARLEMAN_CONST)
        return diag_refuse(err, "problem '%s': step %llu out of range", p->name, (unsigned long long)t);
    return build(p, N, form, t, out, err);
}

bool pass_carleman(const GdProblem *p, Carleman *out, char **err)
{
    long long N = p->opt.carleman_order;
    if (N < 1 || N > QGD_MAX_DEGREE)
        return diag_refuse(err, "problem '%s': carleman_order = %lld is out of range (1..%d)", p->name, N, QGD_MAX_DEGREE);
    return carleman_build(p, (int)N, p->opt.carleman_form, out, err);
}

void carleman_free(Carleman *cm)
{
    lin_levels_free(&cm->lv);
    sp_free(&cm->C);
    free(cm->c);
    memset(cm, 0, sizeof *cm);
}

/* ---- vectors ---- */

void carleman_rhs_at(const Carleman *cm, uint64_t t, double *c_out)
{
    const LinLevels *lv = &cm->lv;
    uint32_t n = lv->n;
    memset(c_out, 0, lv->dim * sizeof *c_out);
    const_vector(cm->p, t, c_out); /* level 1 = g0 */
    if (cm->form == FORM_PAPER)
        return;
    for (int j = 2; j <= cm->N; j++) { /* level j = g0^⊗j */
        const double *prev = c_out + lv->off[j - 1];
        double *cur = c_out + lv->off[j];
        size_t np = lv->off[j] - lv->off[j - 1];
        for (size_t a = 0; a < np; a++)
            for (uint32_t i = 0; i < n; i++)
                cur[a * n + i] = prev[a] * c_out[i];
    }
}

void carleman_lift(const LinLevels *lv, const double *u, double *y)
{
    if (!lv->fits)
        ICE("carleman_lift: Delta does not fit");
    uint32_t n = lv->n;
    memcpy(y, u, n * sizeof *y);
    for (int j = 2; j <= lv->N; j++) {
        const double *prev = y + lv->off[j - 1];
        double *cur = y + lv->off[j];
        size_t np = lv->off[j] - lv->off[j - 1];
        for (size_t a = 0; a < np; a++)
            for (uint32_t i = 0; i < n; i++)
                cur[a * n + i] = prev[a] * u[i];
    }
}

/* ---- verifier and dump ---- */

bool carleman_verify(const Carleman *cm)
{
    if (!cm->lv.fits || cm->C.rows != cm->lv.dim || cm->C.cols != cm->lv.dim || !cm->c) {
        fprintf(stderr, "qgdc: IR verifier: Carleman matrix is %zu x %zu, expected Delta = %zu\n", cm->C.rows,
                cm->C.cols, cm->lv.dim);
        return false;
    }
    if (!sp_verify(&cm->C, "Carleman matrix"))
        return false;
    for (size_t i = 0; i < cm->lv.dim; i++)
        if (!isfinite(cm->c[i])) {
            fprintf(stderr, "qgdc: IR verifier: Carleman vector c[%zu] = %g\n", i, cm->c[i]);
            return false;
        }
    return true;
}

void carleman_dump(const Carleman *cm, FILE *out)
{
    char name[256], num[40];
    fprintf(out, "carleman %s: form %s, N = %d, n = %u, delta %zu, nnz %zu\n", cm->p->name,
            cm->form == FORM_PAPER ? "paper" : "exact", cm->N, cm->lv.n, cm->lv.dim, cm->C.nnz);
    if (cm->noisy) {
        if (cm->t == CARLEMAN_CONST)
            fprintf(out, "  noise: constant part (F_0 without xi); c%s varies with t\n", cm->C_varies ? " and C" : "");
        else
            fprintf(out, "  noise: step t = %llu\n", (unsigned long long)cm->t);
    }
    for (size_t r = 0; r < cm->C.rows; r++) {
        fprintf(out, "  %s = %s |", lin_levels_name(&cm->lv, r, name, sizeof name), fmt_double(cm->c[r], num, sizeof num));
        for (size_t k = cm->C.rowptr[r]; k < cm->C.rowptr[r + 1]; k++)
            fprintf(out, "%s%s %s", k == cm->C.rowptr[r] ? " " : "  ",
                    lin_levels_name(&cm->lv, cm->C.col[k], name, sizeof name), fmt_double(cm->C.val[k], num, sizeof num));
        fputc('\n', out);
    }
}
