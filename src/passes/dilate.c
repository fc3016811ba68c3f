/* dilate.c — the Hermitian dilation (dilate.h). */
#include "passes/dilate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/diag.h"
#include "support/util.h"

bool sp_is_symmetric(const SpMat *M)
{
    if (M->rows != M->cols)
        return false;
    for (size_t r = 0; r < M->rows; r++)
        for (size_t k = M->rowptr[r]; k < M->rowptr[r + 1]; k++)
            if (sp_get(M, M->col[k], r) != M->val[k])
                return false;
    return true;
}

size_t dilation_solution_index(const Dilation *d, size_t i)
{
    return d->dilated ? d->half + i : i;
}

void dilation_free(Dilation *d)
{
    free(d->H);
    free(d->b);
    memset(d, 0, sizeof *d);
}

bool pass_dilate(const SpMat *M, const double *rhs, Dilation *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (M->rows != M->cols || M->rows == 0)
        ICE("pass_dilate: %zu x %zu matrix", M->rows, M->cols);
    size_t dim = M->rows;
    unsigned hb = 0;
    while (((size_t)1 << hb) < dim)
        hb++;
    bool sym = sp_is_symmetric(M);
    unsigned s = hb + (sym ? 0 : 1);
    if (s > DILATE_MAX_QUBITS)
        return diag_refuse(err, "the linear system has %zu rows: its %s needs %u qubits, more than the "
                                "%d the exact Pauli block encoding handles",
                           dim, sym ? "padded matrix" : "Hermitian dilation", s, DILATE_MAX_QUBITS);
    size_t n = (size_t)1 << s, bytes = n * n * sizeof(double);
    if (bytes > mem_budget() / 2) {
        char b1[32], b2[32];
        return diag_refuse(err, "the dense %zu x %zu matrix H needs %s, over half the memory budget of %s", n, n,
                           mem_human((double)bytes, b1, sizeof b1), mem_human((double)mem_budget(), b2, sizeof b2));
    }
    double norm = 0;
    for (size_t i = 0; i < dim; i++)
        norm += rhs[i] * rhs[i];
    if (!(norm > 0) || !isfinite(norm))
        return diag_refuse(err, "the right-hand side is %s", norm == 0 ? "zero" : "not finite");
    out->dilated = !sym;
    out->s = s;
    out->n = n;
    out->dim = dim;
    out->half = (size_t)1 << hb;
    out->H = xcalloc(n * n, sizeof *out->H);
    out->b = xcalloc(n, sizeof *out->b);
    size_t d = out->half, off = sym ? 0 : d; /* M' sits at rows 0.., columns off.. */
    for (size_t r = 0; r < dim; r++)
        for (size_t k = M->rowptr[r]; k < M->rowptr[r + 1]; k++) {
            size_t c = M->col[k];
            out->H[r * n + off + c] = M->val[k];
            if (!sym)
                out->H[(off + c) * n + r] = M->val[k];
        }
    for (size_t r = dim; r < d; r++) {
        out->H[r * n + off + r] = 1;
        if (!sym)
            out->H[(off + r) * n + r] = 1;
    }
    memcpy(out->b, rhs, dim * sizeof *rhs);
    return true;
}

void dilation_dump(const Dilation *d, FILE *out)
{
    char buf[32];
    fprintf(out, "dilation: %s, %u qubits, H %zu x %zu, system rows %zu, padded to %zu\n",
            d->dilated ? "[[0, M'], [M'^T, 0]]" : "H = M' (M symmetric)", d->s, d->n, d->n, d->dim, d->half);
    fputs("H (upper triangle, nonzeros: row col value)\n", out);
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = i; j < d->n; j++)
            if (d->H[i * d->n + j] != 0)
                fprintf(out, "  %zu %zu %s\n", i, j, fmt_double(d->H[i * d->n + j], buf, sizeof buf));
    fputs("b (nonzeros: index value)\n", out);
    for (size_t i = 0; i < d->n; i++)
        if (d->b[i] != 0)
            fprintf(out, "  %zu %s\n", i, fmt_double(d->b[i], buf, sizeof buf));
}
