/* dense.c — dense k-qubit matrices: the kernel that applies one to any
 * target qubits under controls (sim_apply_mcdense, statevec.h), and the
 * matrix arithmetic of the executor's gate fusion (sim_internal.h): products,
 * adjoints, the unitarity drift and a Newton–Schulz re-unitarisation step.
 * Every product is OpenBLAS's zgemm.
 *
 * Determinism: the work is cut into pieces fixed by the sizes alone (groups
 * of amplitudes for the kernel, column blocks for products); each piece is
 * one single-threaded zgemm call, the pieces shared out by OpenMP. So every
 * result is bitwise the same for any number of threads, OpenMP's or
 * OpenBLAS's. OpenBLAS is told to use one thread for the duration of each
 * call (openblas_set_num_threads, restored after) so that its own thread
 * pool does not run beside OpenMP's. */
#include "sim/sim_internal.h"
#include "support/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One thread for OpenBLAS while the pieces run; returns the old count. */
static int blas_one_thread(void)
{
    int old = openblas_get_num_threads();
    if (old != 1)
        openblas_set_num_threads(1);
    return old;
}

static void blas_restore(int old)
{
    if (old != 1)
        openblas_set_num_threads(old);
}

/* ---- the kernel ---- */

/* Amplitudes gathered per piece: 2^17 (2 MiB of input and 2 MiB of output
 * per thread), so zgemm gets at least 64 right-hand columns up to k = 11. */
#define DENSE_PIECE_LOG 17

void sim_apply_mcdense(StateVec *sv, const int *targets, int k, uint64_t ctrl, uint64_t neg,
                       const double complex *m)
{
    static const char *who = "sim_apply_mcdense";
    simv_state(sv, who);
    if (k < 0 || k > SIM_DENSE_MAX_QUBITS)
        ICE("%s: %d target qubits (at most %d)", who, k, SIM_DENSE_MAX_QUBITS);
    uint64_t tmask = simv_list(sv, targets, k, who);
    simv_controls(sv, ctrl, neg, tmask, who);
    simv_ptr(m, "matrix", who);
    const uint64_t d = (uint64_t)1 << k;
    /* off[j]: the local index j spread over the target positions */
    uint64_t *off = xmalloc(d * sizeof *off);
    for (uint64_t j = 0; j < d; j++) {
        uint64_t o = 0;
        for (int t = 0; t < k; t++)
            o |= (j >> t & 1) << targets[t];
        off[j] = o;
    }
    /* groups: one base index per setting of the free qubits, controls firing */
    const SimSweep s = sim_sweep(sv, ctrl | tmask, ctrl & ~neg);
    const uint64_t groups = s.count;
    uint64_t width = ((uint64_t)1 << DENSE_PIECE_LOG) >> k;
    if (width < 1)
        width = 1;
    if (width > groups)
        width = groups;
    const uint64_t npieces = (groups + width - 1) / width;
    /* threads: as for any loop over groups × d amplitudes, at most one per piece */
    int nt = sim_threads_for(groups * d);
    if ((uint64_t)nt > npieces)
        nt = (int)npieces;
    double complex *a = sv->amp;
    const double complex one = 1, zero = 0;
    const int old = blas_one_thread();
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        /* x, y: group-major, x[b·d + j] = amplitude j of group b */
        double complex *x = xmalloc(width * d * sizeof *x), *y = xmalloc(width * d * sizeof *y);
        uint64_t *base = xmalloc(width * sizeof *base);
#pragma omp for schedule(static)
        for (uint64_t p = 0; p < npieces; p++) {
            const uint64_t g0 = p * width, nb = groups - g0 < width ? groups - g0 : width;
            for (uint64_t b = 0; b < nb; b++)
                base[b] = sim_sweep_index(&s, g0 + b);
            for (uint64_t b = 0; b < nb; b++)
                for (uint64_t j = 0; j < d; j++)
                    x[b * d + j] = a[base[b] | off[j]];
            /* yᵀ = xᵀ mᵀ, i.e. y_b = m x_b for every group b */
            cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)nb, (blasint)d, (blasint)d, &one, x,
                        (blasint)d, m, (blasint)d, &zero, y, (blasint)d);
            for (uint64_t b = 0; b < nb; b++)
                for (uint64_t j = 0; j < d; j++)
                    a[base[b] | off[j]] = y[b * d + j];
        }
        free(x);
        free(y);
        free(base);
    }
    blas_restore(old);
    free(off);
}

/* ---- matrix arithmetic (row-major d × d) ---- */

/* Column blocks of a product: 128 wide, fixed by d alone. */
#define MAT_BLOCK 128

/* c ← alpha · op(a) · b + beta · c, op(a) = a or a†, cut into column blocks
 * of b and c. c must not overlap a or b. */
static void mat_gemm(uint64_t d, bool adj_a, double complex alpha, const double complex *a, const double complex *b,
                     double complex beta, double complex *c)
{
    const uint64_t nblk = (d + MAT_BLOCK - 1) / MAT_BLOCK;
    const int old = blas_one_thread();
#pragma omp parallel for schedule(static) if (nblk > 1)
    for (uint64_t k = 0; k < nblk; k++) {
        const uint64_t j0 = k * MAT_BLOCK, nc = d - j0 < MAT_BLOCK ? d - j0 : MAT_BLOCK;
        cblas_zgemm(CblasRowMajor, adj_a ? CblasConjTrans : CblasNoTrans, CblasNoTrans, (blasint)d, (blasint)nc,
                    (blasint)d, &alpha, a, (blasint)d, b + j0, (blasint)d, &beta, c + j0, (blasint)d);
    }
    blas_restore(old);
}

void simm_mul(uint64_t d, const double complex *a, const double complex *b, double complex *c)
{
    mat_gemm(d, false, 1, a, b, 0, c);
}

void simm_adjoint(uint64_t d, const double complex *a, double complex *out)
{
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++)
            out[j * d + i] = conj(a[i * d + j]);
}

void simm_transpose(uint64_t d, double complex *a)
{
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = i + 1; j < d; j++) {
            double complex t = a[i * d + j];
            a[i * d + j] = a[j * d + i];
            a[j * d + i] = t;
        }
}

double simm_column_drift(uint64_t d, const double complex *u)
{
    double *s = xcalloc(d, sizeof *s), worst = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++)
            s[j] += sim_abs2(u[i * d + j]);
    for (uint64_t j = 0; j < d; j++)
        worst = fmax(worst, fabs(s[j] - 1));
    free(s);
    return worst;
}

double simm_drift(uint64_t d, const double complex *u, double complex *tmp)
{
    mat_gemm(d, true, 1, u, u, 0, tmp); /* u†u */
    double s = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++)
            s += sim_abs2(tmp[i * d + j] - (i == j));
    return sqrt(s);
}

void simm_newton_schulz(uint64_t d, const double complex *u, double complex *out, double complex *tmp)
{
    mat_gemm(d, true, 1, u, u, 0, tmp); /* tmp = u†u */
    for (uint64_t i = 0; i < d * d; i++)
        out[i] = 1.5 * u[i];
    mat_gemm(d, false, -0.5, u, tmp, 1, out); /* out = u (3 − u†u) / 2 */
}
