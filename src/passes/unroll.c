/* unroll.c — pass_unroll: the block system of paper eq. (6) (contract in
 * unroll.h). Rows are emitted in order, each row's columns in increasing
 * order (block t−1 before block t), so the CSR arrays are filled directly. */
#include "passes/unroll.h"
#include "support/util.h"

#include <stdlib.h>
#include <string.h>

/* Grows M's column/value arrays to hold `need` entries. */
static void reserve(SpMat *M, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    M->col = xrealloc(M->col, c * sizeof *M->col);
    M->val = xrealloc(M->val, c * sizeof *M->val);
    *cap = c;
}

static void put(SpMat *M, size_t col, double v)
{
    M->col[M->nnz] = col;
    M->val[M->nnz] = v;
    M->nnz++;
}

bool unroll_build(const Carleman *cm, uint64_t P, LinSystem *s, char **err)
{
    const GdProblem *p = cm->p;
    lin_system_shape(s, cm->lv.n, cm->N, p->T, P);
    if (cm->t != CARLEMAN_CONST)
        return diag_refuse(err, "problem '%s': unroll needs the constant part of the Carleman matrix", p->name);

    /* nnz(M) = T·nnz(C) + P·Δ (the shifts) + nblocks·D (the diagonal). */
    mpz_t nnz, t;
    mpz_inits(nnz, t, NULL);
    mpz_set_ui(t, 0);
    mpz_import(t, 1, 1, sizeof p->T, 0, 0, &p->T);
    mpz_mul_ui(nnz, t, cm->C.nnz);
    mpz_import(t, 1, 1, sizeof P, 0, 0, &P);
    mpz_addmul(nnz, t, cm->lv.delta);
    mpz_add(nnz, nnz, s->dim);
    double bytes = lin_csr_bytes(mpz_get_d(s->dim), mpz_get_d(nnz)) + mpz_get_d(s->dim) * sizeof(double) +
                   (cm->C_varies ? lin_csr_bytes((double)cm->lv.dim, (double)cm->C.nnz) : 0.0) +
                   (double)cm->lv.dim * sizeof(double);
    size_t budget = mem_budget();
    if (!s->fits || bytes > (double)budget) {
        char *ds = mpz_get_str(NULL, 10, s->dim);
        char hb[40], hbud[40];
        diag_refuse(err,
                   "problem '%s': the unrolled system (T = %llu, P = %llu, N = %d) is too large to build: "
                   "%s rows, about %.4g nonzeros, about %s, over the memory budget of %s (QGDC_MEM_LIMIT)",
                   p->name, (unsigned long long)p->T, (unsigned long long)P, cm->N, ds, mpz_get_d(nnz),
                   mem_human(bytes, hb, sizeof hb), mem_human((double)budget, hbud, sizeof hbud));
        free(ds);
        mpz_clears(nnz, t, NULL);
        return false;
    }
    size_t cap = (size_t)mpz_get_ui(nnz); /* exact unless C varies with t */
    mpz_clears(nnz, t, NULL);

    size_t D = s->block_sz, dim = s->dim_sz, Delta = cm->lv.dim;
    SpMat *M = &s->M;
    M->rows = M->cols = dim;
    M->rowptr = xcalloc(dim + 1, sizeof *M->rowptr);
    size_t mcap = 0;
    reserve(M, &mcap, cap);
    s->rhs = xcalloc(dim, sizeof *s->rhs);
    double *ct = xmalloc(Delta * sizeof *ct);

    for (size_t tb = 0; tb < s->nblocks_sz; tb++) {
        size_t row0 = tb * D;
        const Carleman *Ct = cm;
        Carleman step = {0};
        bool shift = tb >= 1 && tb <= p->T;
        if (tb == 0)
            carleman_lift(&cm->lv, p->u_in, s->rhs);
        else if (shift) {
            if (cm->C_varies) {
                if (!carleman_build_at(p, cm->N, cm->form, tb - 1, &step, err)) {
                    free(ct);
                    sp_free(M);
                    free(s->rhs);
                    s->rhs = NULL;
                    return false;
                }
                Ct = &step;
            }
            carleman_rhs_at(cm, tb - 1, ct);
            memcpy(s->rhs + row0, ct, Delta * sizeof *ct);
            size_t need;
            if (!size_add(M->nnz, Ct->C.nnz + D, &need))
                ICE("unroll: entry count overflows");
            reserve(M, &mcap, need);
        }
        for (size_t i = 0; i < D; i++) {
            size_t r = row0 + i;
            if (i < Delta && shift) { /* −C(t−1) on block t−1, then I */
                for (size_t k = Ct->C.rowptr[i]; k < Ct->C.rowptr[i + 1]; k++)
                    put(M, row0 - D + Ct->C.col[k], -Ct->C.val[k]);
            } else if (i < Delta && tb > 0) { /* idle: −I on block t−1 */
                reserve(M, &mcap, M->nnz + 2);
                put(M, row0 - D + i, -1.0);
            }
            reserve(M, &mcap, M->nnz + 1);
            put(M, r, 1.0);
            M->rowptr[r + 1] = M->nnz;
        }
        if (Ct == &step)
            carleman_free(&step);
    }
    free(ct);
    s->materialised = true;
#ifdef QGDC_DEBUG
    if (!lin_system_verify(s))
        ICE("unrolled system failed verification");
#endif
    return true;
}

bool pass_unroll(const Carleman *cm, LinSystem *out, char **err)
{
    long long P = cm->p->opt.idle_blocks;
    memset(out, 0, sizeof *out);
    if (P < 0)
        return diag_refuse(err, "problem '%s': idle_blocks = %lld must be >= 0", cm->p->name, P);
    return unroll_build(cm, (uint64_t)P, out, err);
}
