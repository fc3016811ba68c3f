/* reference.c — classical references: the true iteration, the Carleman
 * iteration, and three solutions of the unrolled system (forward
 * substitution, dense LU, eigenvalue-filtered dilation). Contract in
 * reference.h. */
#include "passes/reference.h"
#include "support/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ref_true_iteration(const GdProblem *p, double *u)
{
    memcpy(u, p->u_in, p->n * sizeof *u);
    for (uint64_t t = 0; t < p->T; t++)
        gd_step(p, t, u + t * p->n, u + (t + 1) * p->n);
}

bool ref_carleman_iteration(const Carleman *cm, double *uC, double *yT, char **err)
{
    const GdProblem *p = cm->p;
    if (cm->t != CARLEMAN_CONST)
        return diag_refuse(err, "problem '%s': the Carleman iteration needs the constant part of C", p->name);
    size_t D = cm->lv.dim;
    uint32_t n = p->n;
    double *y = xmalloc(D * sizeof *y), *next = xmalloc(D * sizeof *next), *c = xmalloc(D * sizeof *c);
    carleman_lift(&cm->lv, p->u_in, y);
    memcpy(uC, y, n * sizeof *uC);
    bool ok = true;
    for (uint64_t t = 0; t < p->T && ok; t++) {
        Carleman step = {0};
        const Carleman *Ct = cm;
        if (cm->C_varies) {
            ok = carleman_build_at(p, cm->N, cm->form, t, &step, err);
            Ct = &step;
        }
        if (ok) {
            sp_matvec(&Ct->C, y, next);
            carleman_rhs_at(cm, t, c);
            for (size_t i = 0; i < D; i++)
                next[i] += c[i];
            double *sw = y;
            y = next;
            next = sw;
            memcpy(uC + (t + 1) * n, y, n * sizeof *uC);
        }
        if (Ct == &step)
            carleman_free(&step);
    }
    if (ok && yT)
        memcpy(yT, y, D * sizeof *yT);
    free(y);
    free(next);
    free(c);
    return ok;
}

static bool need_materialised(const LinSystem *s, const char *what, char **err)
{
    if (!s->materialised)
        return diag_refuse(err, "%s: the unrolled system is not materialised", what);
    return true;
}

bool ref_forward_subst(const LinSystem *s, double *x, char **err)
{
    if (!need_materialised(s, "forward substitution", err))
        return false;
    const SpMat *M = &s->M;
    for (size_t r = 0; r < M->rows; r++) {
        double acc = s->rhs[r], diag = 0;
        for (size_t k = M->rowptr[r]; k < M->rowptr[r + 1]; k++) {
            size_t c = M->col[k];
            if (c < r)
                acc -= M->val[k] * x[c];
            else if (c == r)
                diag = M->val[k];
            else
                return diag_refuse(err, "forward substitution: row %zu has an entry right of the diagonal (column %zu)",
                                  r, c);
        }
        if (diag == 0.0)
            return diag_refuse(err, "forward substitution: zero diagonal in row %zu", r);
        x[r] = acc / diag;
    }
    return true;
}

/* Refuses an m × m dense matrix beyond REF_DENSE_MAX or the memory budget. */
static bool dense_fits(size_t m, size_t copies, const char *what, char **err)
{
    char hb[40], hbud[40];
    double bytes = (double)m * (double)m * (double)copies * sizeof(double);
    if (m > REF_DENSE_MAX || bytes > (double)mem_budget())
        return diag_refuse(err, "%s: a dense %zu x %zu matrix (%s) is beyond the dense reference's limit (order %d, "
                          "memory budget %s)",
                          what, m, m, mem_human(bytes, hb, sizeof hb), REF_DENSE_MAX,
                          mem_human((double)mem_budget(), hbud, sizeof hbud));
    return true;
}

double ref_fidelity(const double *a, const double *b, size_t n)
{
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return na > 0 && nb > 0 ? fabs(dot) / sqrt(na * nb) : 0.0;
}

bool ref_dense_solve(const LinSystem *s, double *x, char **err)
{
    if (!need_materialised(s, "dense solve", err))
        return false;
    size_t m = s->dim_sz;
    if (!dense_fits(m, 1, "dense solve", err))
        return false;
    double *A = xmalloc(m * m * sizeof *A);
    sp_to_dense(&s->M, A);
    lapack_int *ipiv = xmalloc(m * sizeof *ipiv);
    memcpy(x, s->rhs, m * sizeof *x);
    lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)m, 1, A, (lapack_int)m, ipiv, x, 1);
    free(A);
    free(ipiv);
    if (info != 0)
        return diag_refuse(err, "dense solve: LAPACKE_dgesv failed (info = %d)%s", (int)info,
                          info > 0 ? ": the matrix is singular" : "");
    return true;
}

static bool filtered(const LinSystem *s, double kappa0, const double *x_exact, bool spectrum, RefFiltered *out,
                     char **err)
{
    memset(out, 0, sizeof *out);
    if (!need_materialised(s, "filtered solve", err))
        return false;
    if (!(kappa0 > 1) || !isfinite(kappa0))
        return diag_refuse(err, "filtered solve: kappa0 = %g must be a finite number > 1", kappa0);
    size_t d = s->dim_sz;
    if (!dense_fits(2 * d, spectrum ? 2 : 1, "filtered solve (Hermitian dilation)", err))
        return false;
    size_t m = 2 * d;
    double *H = xcalloc(m * m, sizeof *H), *lam = xmalloc(m * sizeof *lam);
    for (size_t r = 0; r < d; r++)
        for (size_t k = s->M.rowptr[r]; k < s->M.rowptr[r + 1]; k++) {
            size_t c = s->M.col[k];
            H[r * m + d + c] = s->M.val[k];
            H[(d + c) * m + r] = s->M.val[k];
        }
    /* Column-major or row-major is the same for symmetric H; with
     * LAPACK_COL_MAJOR, eigenvector k is column k: H[i + k·m]. */
    lapack_int info = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)m, H, (lapack_int)m, lam);
    if (info != 0) {
        free(H);
        free(lam);
        return diag_refuse(err, "filtered solve: LAPACKE_dsyev failed (info = %d)", (int)info);
    }
    double amax = 0, amin = INFINITY;
    for (size_t k = 0; k < m; k++) {
        amax = fmax(amax, fabs(lam[k]));
        amin = fmin(amin, fabs(lam[k]));
    }
    out->dim = d;
    out->norm_M = amax;
    out->sigma_min = amin;
    out->kappa = amin > 0 ? amax / amin : INFINITY;
    out->lambda_min = amax / kappa0;
    double *z = xcalloc(m, sizeof *z);
    double bb = 0;
    for (size_t i = 0; i < d; i++)
        bb += s->rhs[i] * s->rhs[i];
    out->norm_b = sqrt(bb);
    if (spectrum) {
        out->spec_lambda = xmalloc(m * sizeof *out->spec_lambda);
        out->spec_w = xmalloc(m * d * sizeof *out->spec_w);
    }
    for (size_t k = 0; k < m; k++) {
        const double *v = H + k * m;
        double dot = 0; /* vᵀ (rhs; 0) */
        for (size_t i = 0; i < d; i++)
            dot += v[i] * s->rhs[i];
        if (spectrum && dot != 0) {
            out->spec_lambda[out->nspec] = lam[k];
            for (size_t i = 0; i < d; i++)
                out->spec_w[out->nspec * d + i] = dot * v[d + i];
            out->nspec++;
        }
        if (!(fabs(lam[k]) >= out->lambda_min))
            continue;
        out->kept++;
        double w = dot / lam[k];
        for (size_t i = 0; i < m; i++)
            z[i] += w * v[i];
    }
    free(H);
    free(lam);
    out->x = xmalloc(d * sizeof *out->x);
    memcpy(out->x, z + d, d * sizeof *out->x);
    free(z);

    double *xe = NULL;
    if (!x_exact) {
        xe = xmalloc(d * sizeof *xe);
        if (!ref_forward_subst(s, xe, err)) {
            free(xe);
            ref_filtered_free(out);
            return false;
        }
        x_exact = xe;
    }
    out->fidelity = ref_fidelity(out->x, x_exact, d);
    free(xe);
    return true;
}

bool ref_filtered(const LinSystem *s, double kappa0, const double *x_exact, RefFiltered *out, char **err)
{
    return filtered(s, kappa0, x_exact, false, out, err);
}

bool ref_filtered_spectrum(const LinSystem *s, double kappa0, const double *x_exact, RefFiltered *out, char **err)
{
    return filtered(s, kappa0, x_exact, true, out, err);
}

void ref_filtered_free(RefFiltered *f)
{
    free(f->x);
    free(f->spec_lambda);
    free(f->spec_w);
    memset(f, 0, sizeof *f);
}

void ref_unrolled_u(const LinSystem *s, const double *x, uint64_t t, double *u)
{
    if (!s->fits || t >= s->nblocks_sz)
        ICE("ref_unrolled_u: time block %llu outside the system", (unsigned long long)t);
    memcpy(u, x + (size_t)t * s->block_sz, s->lv.n * sizeof *u);
}

double ref_max_abs_diff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (isnan(d))
            return NAN; /* a diverged value: never let it read as agreement */
        if (d > m)
            m = d;
    }
    return m;
}
