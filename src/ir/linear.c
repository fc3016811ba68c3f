/* linear.c — the linear IR: CSR matrices and their builder, the Carleman
 * level structure, the unrolled system's shape, verifier and text form
 * (see linear.h). Knows nothing of how C or M are computed. */
#include "ir/linear.h"
#include "support/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest index we materialise: leaves headroom for index arithmetic. */
#define LIN_INDEX_MAX ((size_t)1 << 62)

/* ---- builder ---- */

void sp_builder_init(SpBuilder *b, size_t rows, size_t cols)
{
    memset(b, 0, sizeof *b);
    b->rows = rows;
    b->cols = cols;
}

static void builder_grow(SpBuilder *b, size_t cap)
{
    b->cap = cap;
    b->r = xrealloc(b->r, b->cap * sizeof *b->r);
    b->c = xrealloc(b->c, b->cap * sizeof *b->c);
    b->v = xrealloc(b->v, b->cap * sizeof *b->v);
}

void sp_builder_reserve(SpBuilder *b, size_t more)
{
    size_t want;
    if (!size_add(b->n, more, &want))
        ICE("sp_builder_reserve: %zu + %zu entries", b->n, more);
    if (want > b->cap)
        builder_grow(b, want);
}

void sp_push(SpBuilder *b, size_t r, size_t c, double v)
{
    if (r >= b->rows || c >= b->cols)
        ICE("sp_push: (%zu, %zu) outside %zu x %zu", r, c, b->rows, b->cols);
    if (v == 0.0)
        return;
    if (b->n == b->cap)
        builder_grow(b, b->cap ? 2 * b->cap : 64);
    b->r[b->n] = r;
    b->c[b->n] = c;
    b->v[b->n] = v;
    b->n++;
}

void sp_builder_free(SpBuilder *b)
{
    free(b->r);
    free(b->c);
    free(b->v);
    memset(b, 0, sizeof *b);
}

typedef struct ColVal {
    size_t c;
    double v;
} ColVal;

static int colval_cmp(const void *a, const void *b)
{
    size_t x = ((const ColVal *)a)->c, y = ((const ColVal *)b)->c;
    return x < y ? -1 : x > y;
}

static void sort_row(ColVal *e, size_t k)
{
    if (k > 24) {
        qsort(e, k, sizeof *e, colval_cmp);
        return;
    }
    for (size_t i = 1; i < k; i++) { /* short rows: insertion sort */
        ColVal x = e[i];
        size_t j = i;
        while (j > 0 && e[j - 1].c > x.c) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = x;
    }
}

void sp_builder_finish(SpBuilder *b, SpMat *out)
{
    memset(out, 0, sizeof *out);
    out->rows = b->rows;
    out->cols = b->cols;
    size_t *start = xcalloc(b->rows + 1, sizeof *start);
    for (size_t k = 0; k < b->n; k++)
        start[b->r[k] + 1]++;
    for (size_t r = 0; r < b->rows; r++)
        start[r + 1] += start[r];
    ColVal *e = xmalloc((b->n ? b->n : 1) * sizeof *e);
    size_t *fill = xmalloc((b->rows + 1) * sizeof *fill);
    memcpy(fill, start, (b->rows + 1) * sizeof *fill);
    for (size_t k = 0; k < b->n; k++)
        e[fill[b->r[k]]++] = (ColVal){b->c[k], b->v[k]};
    free(fill);
    sp_builder_free(b);

    /* Sort each row, sum duplicates, drop exact zeros, compact in place. */
    size_t w = 0;
    for (size_t r = 0; r < out->rows; r++) {
        size_t lo = start[r], hi = start[r + 1];
        start[r] = w;
        sort_row(e + lo, hi - lo);
        for (size_t k = lo; k < hi;) {
            size_t c = e[k].c;
            double s = 0;
            for (; k < hi && e[k].c == c; k++)
                s += e[k].v;
            if (s != 0.0)
                e[w++] = (ColVal){c, s};
        }
    }
    start[out->rows] = w;
    out->rowptr = start;
    out->nnz = w;
    out->col = xmalloc((w ? w : 1) * sizeof *out->col);
    out->val = xmalloc((w ? w : 1) * sizeof *out->val);
    for (size_t k = 0; k < w; k++) {
        out->col[k] = e[k].c;
        out->val[k] = e[k].v;
    }
    free(e);
}

/* ---- matrices ---- */

void sp_free(SpMat *a)
{
    free(a->rowptr);
    free(a->col);
    free(a->val);
    memset(a, 0, sizeof *a);
}

void sp_matvec(const SpMat *a, const double *x, double *y)
{
    for (size_t r = 0; r < a->rows; r++) {
        double s = 0;
        for (size_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++)
            s += a->val[k] * x[a->col[k]];
        y[r] = s;
    }
}

double sp_get(const SpMat *a, size_t r, size_t c)
{
    size_t lo = a->rowptr[r], hi = a->rowptr[r + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->col[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->rowptr[r + 1] && a->col[lo] == c ? a->val[lo] : 0.0;
}

void sp_to_dense(const SpMat *a, double *out)
{
    memset(out, 0, a->rows * a->cols * sizeof *out);
    for (size_t r = 0; r < a->rows; r++)
        for (size_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++)
            out[r * a->cols + a->col[k]] = a->val[k];
}

double sp_norm_fro(const SpMat *a)
{
    double s = 0;
    for (size_t k = 0; k < a->nnz; k++)
        s += a->val[k] * a->val[k];
    return sqrt(s);
}

double sp_norm_inf(const SpMat *a)
{
    double m = 0;
    for (size_t r = 0; r < a->rows; r++) {
        double s = 0;
        for (size_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++)
            s += fabs(a->val[k]);
        if (s > m)
            m = s;
    }
    return m;
}

double sp_norm_one(const SpMat *a)
{
    double *colsum = xcalloc(a->cols ? a->cols : 1, sizeof *colsum);
    for (size_t k = 0; k < a->nnz; k++)
        colsum[a->col[k]] += fabs(a->val[k]);
    double m = 0;
    for (size_t c = 0; c < a->cols; c++)
        if (colsum[c] > m)
            m = colsum[c];
    free(colsum);
    return m;
}

bool sp_verify(const SpMat *a, const char *what)
{
#define SPV(cond, ...)                                                        \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "qgdc: IR verifier: %s: ", what);               \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            return false;                                                     \
        }                                                                     \
    } while (0)
    SPV(a->rowptr != NULL, "no row pointers");
    SPV(a->rowptr[0] == 0 && a->rowptr[a->rows] == a->nnz, "row pointers do not span the %zu entries", a->nnz);
    for (size_t r = 0; r < a->rows; r++) {
        SPV(a->rowptr[r] <= a->rowptr[r + 1], "row %zu has negative length", r);
        for (size_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++) {
            SPV(a->col[k] < a->cols, "row %zu: column %zu out of range", r, a->col[k]);
            SPV(k == a->rowptr[r] || a->col[k - 1] < a->col[k], "row %zu: columns not increasing", r);
            SPV(isfinite(a->val[k]) && a->val[k] != 0.0, "row %zu: value %g", r, a->val[k]);
        }
    }
    return true;
#undef SPV
}

double lin_csr_bytes(double rows, double nnz)
{
    return (rows + 1) * (double)sizeof(size_t) + nnz * (double)(sizeof(size_t) + sizeof(double));
}

/* ---- levels ---- */

void lin_levels_init(LinLevels *lv, uint32_t n, int N)
{
    if (n < 1 || N < 1)
        ICE("lin_levels_init: n = %u, N = %d", n, N);
    memset(lv, 0, sizeof *lv);
    lv->n = n;
    lv->N = N;
    mpz_init_set_ui(lv->delta, 0);
    mpz_t p;
    mpz_init_set_ui(p, 1);
    for (int j = 1; j <= N; j++) {
        mpz_mul_ui(p, p, n);
        mpz_add(lv->delta, lv->delta, p);
    }
    mpz_clear(p);
    lv->fits = mpz_cmp_ui(lv->delta, 0) > 0 && mpz_sizeinbase(lv->delta, 2) <= 62;
    if (!lv->fits)
        return;
    lv->dim = (size_t)mpz_get_ui(lv->delta);
    lv->off = xmalloc((size_t)(N + 2) * sizeof *lv->off);
    lv->off[1] = 0;
    size_t sz = 1;
    for (int j = 1; j <= N; j++) {
        sz *= n;
        lv->off[j + 1] = lv->off[j] + sz;
    }
    lv->off[0] = 0; /* unused: level 0 (the constant) has no rows */
}

void lin_levels_free(LinLevels *lv)
{
    if (lv->N > 0)
        mpz_clear(lv->delta);
    free(lv->off);
    memset(lv, 0, sizeof *lv);
}

void lin_levels_split(const LinLevels *lv, size_t i, int *level, size_t *pos)
{
    if (!lv->fits || i >= lv->dim)
        ICE("lin_levels_split: index %zu outside the levels", i);
    int j = 1;
    while (i >= lv->off[j + 1])
        j++;
    *level = j;
    *pos = i - lv->off[j];
}

const char *lin_levels_name(const LinLevels *lv, size_t i, char *buf, size_t len)
{
    int j;
    size_t pos;
    lin_levels_split(lv, i, &j, &pos);
    size_t digit[64];
    if (j > 64) {
        snprintf(buf, len, "y%d[%zu]", j, pos);
        return buf;
    }
    for (int m = j - 1; m >= 0; m--) {
        digit[m] = pos % lv->n;
        pos /= lv->n;
    }
    size_t w = (size_t)snprintf(buf, len, "y%d(", j);
    for (int m = 0; m < j && w < len; m++)
        w += (size_t)snprintf(buf + w, len - w, "%s%zu", m ? "," : "", digit[m]);
    if (w < len)
        snprintf(buf + w, len - w, ")");
    return buf;
}

/* ---- the unrolled system ---- */

void lin_system_shape(LinSystem *s, uint32_t n, int N, uint64_t T, uint64_t P)
{
    memset(s, 0, sizeof *s);
    lin_levels_init(&s->lv, n, N);
    s->T = T;
    s->P = P;
    mpz_inits(s->block, s->nblocks, s->dim, NULL);
    mpz_t dm1;
    mpz_init(dm1);
    mpz_sub_ui(dm1, s->lv.delta, 1);
    s->block_bits = mpz_sgn(dm1) > 0 ? (unsigned)mpz_sizeinbase(dm1, 2) : 0;
    mpz_clear(dm1);
    mpz_set_ui(s->block, 0);
    mpz_setbit(s->block, s->block_bits);
    mpz_set_ui(s->nblocks, 0);
    mpz_import(s->nblocks, 1, 1, sizeof T, 0, 0, &T);
    mpz_t pz;
    mpz_init(pz);
    mpz_import(pz, 1, 1, sizeof P, 0, 0, &P);
    mpz_add(s->nblocks, s->nblocks, pz);
    mpz_add_ui(s->nblocks, s->nblocks, 1);
    mpz_clear(pz);
    mpz_mul(s->dim, s->nblocks, s->block);
    s->fits = s->lv.fits && mpz_sizeinbase(s->dim, 2) <= 62;
    if (s->fits) {
        s->block_sz = (size_t)1 << s->block_bits;
        s->nblocks_sz = (size_t)mpz_get_ui(s->nblocks);
        s->dim_sz = (size_t)mpz_get_ui(s->dim);
    }
}

void lin_system_free(LinSystem *s)
{
    if (s->lv.N > 0) {
        lin_levels_free(&s->lv);
        mpz_clears(s->block, s->nblocks, s->dim, NULL);
    }
    sp_free(&s->M);
    free(s->rhs);
    memset(s, 0, sizeof *s);
}

bool lin_system_split(const LinSystem *s, size_t i, uint64_t *t, int *level, size_t *pos)
{
    if (!s->fits || i >= s->dim_sz)
        ICE("lin_system_split: index %zu outside the system", i);
    *t = (uint64_t)(i >> s->block_bits);
    size_t w = i & (s->block_sz - 1);
    if (w >= s->lv.dim) {
        *level = 0;
        *pos = w;
        return false;
    }
    lin_levels_split(&s->lv, w, level, pos);
    return true;
}

bool lin_system_verify(const LinSystem *s)
{
    if (!s->materialised)
        return true;
    if (!s->fits || s->M.rows != s->dim_sz || s->M.cols != s->dim_sz || !s->rhs) {
        fprintf(stderr, "qgdc: IR verifier: linear system: matrix is %zu x %zu, expected %zu\n", s->M.rows,
                s->M.cols, s->dim_sz);
        return false;
    }
    if (!sp_verify(&s->M, "linear system"))
        return false;
    for (size_t i = 0; i < s->dim_sz; i++)
        if (!isfinite(s->rhs[i])) {
            fprintf(stderr, "qgdc: IR verifier: linear system: rhs[%zu] = %g\n", i, s->rhs[i]);
            return false;
        }
    return true;
}

static const char *index_name(const LinSystem *s, size_t i, char *buf, size_t len)
{
    uint64_t t;
    int j;
    size_t pos;
    size_t w = i & (s->block_sz - 1);
    char lv[200];
    if (lin_system_split(s, i, &t, &j, &pos))
        snprintf(buf, len, "t%llu %s", (unsigned long long)t, lin_levels_name(&s->lv, w, lv, sizeof lv));
    else
        snprintf(buf, len, "t%llu pad(%zu)", (unsigned long long)t, w);
    return buf;
}

void lin_system_dump(const LinSystem *s, FILE *out)
{
    char name[256], num[40];
    fprintf(out, "linear system: unrolled, n = %u, N = %d, T = %llu, P = %llu\n", s->lv.n, s->lv.N,
            (unsigned long long)s->T, (unsigned long long)s->P);
    fputs("  delta ", out);
    mpz_out_str(out, 10, s->lv.delta);
    fputs(", block ", out);
    mpz_out_str(out, 10, s->block);
    fprintf(out, " (%u bits), time blocks ", s->block_bits);
    mpz_out_str(out, 10, s->nblocks);
    fputs(", dim ", out);
    mpz_out_str(out, 10, s->dim);
    if (!s->materialised) {
        fputs(", not materialised\n", out);
        return;
    }
    fprintf(out, ", nnz %zu\n", s->M.nnz);
    for (size_t r = 0; r < s->M.rows; r++) {
        fprintf(out, "  %s = %s |", index_name(s, r, name, sizeof name), fmt_double(s->rhs[r], num, sizeof num));
        for (size_t k = s->M.rowptr[r]; k < s->M.rowptr[r + 1]; k++)
            fprintf(out, "%s%s %s", k == s->M.rowptr[r] ? " " : "  ", index_name(s, s->M.col[k], name, sizeof name),
                    fmt_double(s->M.val[k], num, sizeof num));
        fputc('\n', out);
    }
}
