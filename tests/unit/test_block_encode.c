/* test_block_encode.c — the Pauli-LCU block encoding and its walk
 * (src/passes/block_encode.c), checked densely against independent
 * computations:
 *   (a) the decomposition: Σ c_j P_j rebuilds H within 1e-12 (random
 *       symmetric H, s = 1..5, and dilations [[0, M], [Mᵀ, 0]] of random
 *       lower-triangular M); for s ≤ 3 every coefficient equals
 *       Tr(P H)/2^s computed from explicit complex Kronecker products of
 *       I, X, Y, Z (1e-13), every dropped string has a coefficient ≤ 1e-13;
 *       only even numbers of Y; α = Σ|c_j|;
 *   (b) the executor's unitary of U (basis states in, amplitudes out): its
 *       top-left block (index |0⟩ in and out) equals H/α within 1e-12, with
 *       zero imaginary parts;
 *   (c) the walk: for each eigenpair (λ, v) of H (LAPACKE_dsyev), the span
 *       of |0⟩|v⟩ and W|0⟩|v⟩ is invariant under W (residual ≤ 1e-9) and
 *       W's eigenvalues there (LAPACKE_zgeev of the 2×2 restriction) are
 *       e^{±i·arccos(λ/α)} within 1e-9; all eigenvalues of W (zgeev of the
 *       full unitary, s + m ≤ 8) lie on the unit circle and include those;
 *   (d) U, SELECT and W pass circuit_verify and are unitary (1e-12); SELECT
 *       and U are Hermitian and square to I (1e-12); ctrl @ W with the
 *       control in (|0⟩+|1⟩)/√2 gives (|0⟩ψ + |1⟩Wψ)/√2 (global phase of W);
 *   the cost summary against the resource counter; refusals. */
#include "unit.h"
#include "support/cmplx.h"

#include <complex.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "passes/block_encode.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

typedef double complex cplx;

static UnitRng rng = {0xb10cULL};


/* ---- test matrices ---- */

static double *random_symmetric(unsigned s)
{
    size_t d = (size_t)1 << s;
    double *h = xmalloc(d * d * sizeof *h);
    for (size_t r = 0; r < d; r++)
        for (size_t c = r; c < d; c++)
            h[r * d + c] = h[c * d + r] = 2 * unit_urand(&rng) - 1;
    return h;
}

/* [[0, M], [Mᵀ, 0]] with M random lower triangular of 2^(s−1) rows, unit
 * diagonal (like the unrolled system's M). */
static double *dilation(unsigned s)
{
    size_t d = (size_t)1 << s, h = d / 2;
    double *H = xcalloc(d * d, sizeof *H);
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c <= r; c++) {
            double m = r == c ? 1 : (unit_urand(&rng) < 0.5 ? 0 : 2 * unit_urand(&rng) - 1);
            H[r * d + (h + c)] = m;    /* M[r][c] */
            H[(h + c) * d + r] = m;    /* Mᵀ[c][r] */
        }
    return H;
}

/* ---- dense helpers ---- */

/* Columns 0..ncols−1 of the unitary of definition `def` on qubits
 * 0..n−1 (the circuit may have more qubits, left in |0⟩), by running the
 * executor on basis states: column j = D|j⟩, a 2^n × ncols row-major
 * matrix. The other qubits must stay |0⟩ (checked). */
static cplx *def_columns(Circuit *c, uint32_t def, unsigned n, uint64_t ncols)
{
    uint64_t d = (uint64_t)1 << n;
    Block saved = c->main;
    c->main = (Block){0};
    uint32_t q[32];
    for (unsigned j = 0; j < n; j++)
        q[j] = j;
    circ_call(c, &c->main, def, 0, q);
    CU_ASSERT_FATAL(circuit_verify(c));
    StateVec *sv = sim_create((int)c->nqubits, NULL);
    CU_ASSERT_FATAL(sv != NULL);
    cplx *u = xmalloc(d * ncols * sizeof *u);
    double outside = 0;
    for (uint64_t col = 0; col < ncols; col++) {
        sim_set_basis(sv, col);
        CU_ASSERT_FATAL(sim_run(c, sv, NULL, NULL, NULL));
        for (uint64_t r = 0; r < d; r++)
            u[r * ncols + col] = sv->amp[r];
        for (uint64_t r = d; r < sv->dim; r++)
            outside = fmax(outside, cabs(sv->amp[r]));
    }
    CU_ASSERT(outside == 0);
    sim_destroy(sv);
    free(c->main.ops);
    c->main = saved;
    return u;
}

static cplx *def_unitary(Circuit *c, uint32_t def, unsigned n) { return def_columns(c, def, n, (uint64_t)1 << n); }

/* max |A·B^(†) − I| or max |A − A†| */
static double unitarity_error(const cplx *a, uint64_t d)
{
    double worst = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++) {
            cplx s = 0;
            for (uint64_t k = 0; k < d; k++)
                s += conj(a[k * d + i]) * a[k * d + j];
            worst = fmax(worst, cabs(s - (i == j)));
        }
    return worst;
}

static double hermiticity_error(const cplx *a, uint64_t d)
{
    double worst = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++)
            worst = fmax(worst, cabs(a[i * d + j] - conj(a[j * d + i])));
    return worst;
}

static double involution_error(const cplx *a, uint64_t d)
{
    double worst = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++) {
            cplx s = 0;
            for (uint64_t k = 0; k < d; k++)
                s += a[i * d + k] * a[k * d + j];
            worst = fmax(worst, cabs(s - (i == j)));
        }
    return worst;
}

static void matvec(const cplx *a, const cplx *x, cplx *y, uint64_t d)
{
    for (uint64_t i = 0; i < d; i++) {
        cplx s = 0;
        for (uint64_t k = 0; k < d; k++)
            s += a[i * d + k] * x[k];
        y[i] = s;
    }
}

static cplx dot(const cplx *x, const cplx *y, uint64_t d) /* ⟨x|y⟩ */
{
    cplx s = 0;
    for (uint64_t i = 0; i < d; i++)
        s += conj(x[i]) * y[i];
    return s;
}

/* ---- (a) decomposition ---- */

/* Tr(P H)/2^s with P the Kronecker product of 2×2 Paulis (qubit s−1 the
 * leftmost factor, so qubit 0 is the least significant index bit). */
static cplx trace_coef(unsigned s, uint32_t x, uint32_t z, const double *H)
{
    static const cplx pm[4][4] = {{1, 0, 0, 1}, {0, 1, 1, 0}, {1, 0, 0, -1}, {0, -I, I, 0}}; /* I X Z Y */
    size_t d = (size_t)1 << s;
    cplx *P = xmalloc(d * d * sizeof *P), *T = xmalloc(d * d * sizeof *T);
    P[0] = 1;
    size_t cur = 1;
    for (unsigned q = s; q-- > 0;) {
        const cplx *m = pm[(x >> q & 1) | (z >> q & 1) << 1];
        for (size_t r = 0; r < cur; r++) /* T = P ⊗ m */
            for (size_t c = 0; c < cur; c++)
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        T[(2 * r + a) * (2 * cur) + 2 * c + b] = P[r * cur + c] * m[2 * a + b];
        cur *= 2;
        memcpy(P, T, cur * cur * sizeof *P);
    }
    cplx tr = 0;
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c < d; c++)
            tr += P[r * d + c] * H[c * d + r];
    free(P), free(T);
    return tr / (double)d;
}

static void check_decomposition(unsigned s, const double *H)
{
    size_t d = (size_t)1 << s;
    PauliTerm *t;
    size_t n;
    char *err = NULL;
    CU_ASSERT_FATAL(pauli_decompose(s, H, &t, &n, &err));
    double *R = xmalloc(d * d * sizeof *R), worst = 0;
    pauli_matrix(s, t, n, R);
    for (size_t i = 0; i < d * d; i++)
        worst = fmax(worst, fabs(R[i] - H[i]));
    if (worst > 1e-12)
        fprintf(stderr, "\n  s = %u: sum c_j P_j differs from H by %g\n", s, worst);
    CU_ASSERT(worst <= 1e-12);
    for (size_t j = 0; j < n; j++) {
        unsigned y = 0;
        for (uint32_t w = t[j].x & t[j].z; w; w &= w - 1)
            y++;
        CU_ASSERT(y % 2 == 0);
        CU_ASSERT(t[j].coef != 0);
        CU_ASSERT(j == 0 || t[j - 1].x < t[j].x || (t[j - 1].x == t[j].x && t[j - 1].z < t[j].z));
    }
    if (s <= 3) { /* every string, against the trace */
        size_t at = 0;
        for (uint32_t x = 0; x < d; x++)
            for (uint32_t z = 0; z < d; z++) {
                cplx tc = trace_coef(s, x, z, H);
                if (at < n && t[at].x == x && t[at].z == z) {
                    CU_ASSERT(cabs(tc - t[at].coef) <= 1e-13);
                    at++;
                } else
                    CU_ASSERT(cabs(tc) <= 1e-13);
            }
        CU_ASSERT(at == n);
    }
    free(R);
    free(t);
}

static void test_decomposition(void)
{
    for (unsigned s = 1; s <= 5; s++)
        for (int trial = 0; trial < 3; trial++) {
            double *H = random_symmetric(s);
            check_decomposition(s, H);
            free(H);
            H = dilation(s);
            check_decomposition(s, H);
            free(H);
        }
    /* known cases: Z⊗I + 0.5 X⊗X − 0.25 Y⊗Y on 2 qubits (qubit 1 first) */
    double H[16] = {0};
    /* build from pauli_matrix's independent check: diag(Z on qubit 1) */
    PauliTerm want[3] = {{0, 2, 1.0}, {3, 0, 0.5}, {3, 3, -0.25}};
    pauli_matrix(2, want, 3, H);
    CU_ASSERT(H[0 * 4 + 0] == 1 && H[2 * 4 + 2] == -1);   /* Z on qubit 1: row 2 has bit 1 set */
    CU_ASSERT(H[3 * 4 + 0] == 0.5 + 0.25);                /* XX − 0.25 YY: ⟨11|·|00⟩ = 0.5 − 0.25·(−1) */
    CU_ASSERT(H[2 * 4 + 1] == 0.5 - 0.25);                /* ⟨10|·|01⟩ = 0.5 − 0.25·(+1) */
    PauliTerm *t;
    size_t n;
    CU_ASSERT_FATAL(pauli_decompose(2, H, &t, &n, NULL));
    CU_ASSERT_FATAL(n == 3);
    for (int j = 0; j < 3; j++) {
        CU_ASSERT(t[j].x == want[j].x && t[j].z == want[j].z);
        ASSERT_CLOSE(t[j].coef, want[j].coef, 1e-15);
    }
    free(t);
}

/* ---- (b)–(d) the circuit ---- */

typedef struct Built {
    Circuit c;
    BlockEncoding be;
    unsigned n; /* s + m */
} Built;

static void build(Built *b, unsigned s, const double *H, StatePrepMethod prep)
{
    circuit_init(&b->c);
    char *err = NULL;
    BlockEncodeOptions opt = {.prep = prep};
    bool ok = block_encode(&b->c, "be", s, H, &opt, &b->be, &err);
    if (!ok)
        fprintf(stderr, "\n  block_encode: %s\n", err);
    free(err);
    CU_ASSERT_FATAL(ok);
    b->n = s + b->be.m;
    circuit_qreg(&b->c, "q", b->n + 1); /* one more for control tests */
    CU_ASSERT_FATAL(circuit_verify(&b->c));
}

static void check_block(unsigned s, const double *H, StatePrepMethod prep)
{
    Built b;
    build(&b, s, H, prep);
    size_t d = (size_t)1 << s;
    uint64_t D = (uint64_t)1 << b.n;
    double alpha = 0;
    for (size_t j = 0; j < b.be.nterms; j++)
        alpha += fabs(b.be.terms[j].coef);
    ASSERT_CLOSE(b.be.alpha, alpha, 1e-15);
    CU_ASSERT(b.be.m >= 1 && ((size_t)1 << b.be.m) >= b.be.nterms && ((size_t)1 << (b.be.m - 1)) < b.be.nterms + 1);
    /* columns of U with the index register in |0⟩ */
    cplx *u = def_columns(&b.c, b.be.u, b.n, d);
    double worst = 0, im = 0;
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c < d; c++) { /* index register 0: basis index = system index */
            worst = fmax(worst, fabs(creal(u[r * d + c]) - H[r * d + c] / b.be.alpha));
            im = fmax(im, fabs(cimag(u[r * d + c])));
        }
    if (worst > 1e-12)
        fprintf(stderr, "\n  s = %u: top-left block of U differs from H/alpha by %g\n", s, worst);
    CU_ASSERT(worst <= 1e-12);
    CU_ASSERT(im <= 1e-12);
    free(u);
    if (b.n <= 8) { /* the whole U: unitary, Hermitian, an involution */
        u = def_unitary(&b.c, b.be.u, b.n);
        CU_ASSERT(unitarity_error(u, D) <= 1e-12);
        CU_ASSERT(hermiticity_error(u, D) <= 1e-12);
        CU_ASSERT(involution_error(u, D) <= 1e-12);
        free(u);
    }
    block_encoding_free(&b.be);
    circuit_free(&b.c);
}

static void test_top_left_block(void)
{
    for (unsigned s = 1; s <= 5; s++)
        for (int trial = 0; trial < 2; trial++) {
            double *H = random_symmetric(s);
            check_block(s, H, trial ? SP_SPARSE : SP_AUTO);
            free(H);
            H = dilation(s);
            check_block(s, H, trial ? SP_SPARSE : SP_DENSE);
            free(H);
        }
    /* a single term: m = 1, PREP trivial, α = |c| */
    double H[4] = {0, -2, -2, 0}; /* −2 X */
    check_block(1, H, SP_AUTO);
    double I4[16] = {3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3}; /* +3 I: no call at all */
    check_block(2, I4, SP_AUTO);
    double Z[4] = {-1, 0, 0, 1}; /* −Z */
    check_block(1, Z, SP_AUTO);
    double nI[4] = {-1, 0, 0, -1}; /* −I: a sign phase alone */
    check_block(1, nI, SP_AUTO);
}

static void zgeev_eigs(cplx *a, lapack_int n, cplx *w)
{
    lapack_int info = LAPACKE_zgeev(LAPACK_ROW_MAJOR, 'N', 'N', n, a, n, w, NULL, 1, NULL, 1);
    CU_ASSERT_FATAL(info == 0);
}

static void check_walk(unsigned s, const double *H, StatePrepMethod prep)
{
    Built b;
    build(&b, s, H, prep);
    CU_ASSERT_FATAL(b.n <= 8);
    size_t d = (size_t)1 << s;
    uint64_t D = (uint64_t)1 << b.n, DD = 2 * D;
    double alpha = b.be.alpha;
    cplx *W = def_unitary(&b.c, b.be.walk, b.n), *S = def_unitary(&b.c, b.be.select, b.n);
    CU_ASSERT(unitarity_error(W, D) <= 1e-12);
    CU_ASSERT(unitarity_error(S, D) <= 1e-12);
    CU_ASSERT(hermiticity_error(S, D) <= 1e-12);
    CU_ASSERT(involution_error(S, D) <= 1e-12);

    /* eigenpairs of H */
    double *A = xmalloc(d * d * sizeof *A), *lam = xmalloc(d * sizeof *lam);
    memcpy(A, H, d * d * sizeof *A);
    CU_ASSERT_FATAL(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)d, A, (lapack_int)d, lam) == 0);
    /* spectrum of W */
    cplx *Wc = xmalloc(D * D * sizeof *Wc), *mu = xmalloc(D * sizeof *mu);
    memcpy(Wc, W, D * D * sizeof *Wc);
    zgeev_eigs(Wc, (lapack_int)D, mu);
    for (uint64_t i = 0; i < D; i++)
        CU_ASSERT(fabs(cabs(mu[i]) - 1) <= 1e-9);

    cplx *a = xcalloc(D, sizeof *a), *wa = xmalloc(D * sizeof *wa), *e2 = xmalloc(D * sizeof *e2),
         *we = xmalloc(D * sizeof *we);
    for (size_t k = 0; k < d; k++) {
        double l = lam[k] / alpha, th = acos(fmax(-1, fmin(1, l)));
        for (uint64_t i = 0; i < D; i++)
            a[i] = i < d ? A[i * d + k] : 0; /* column k: |0⟩_idx |v⟩ */
        matvec(W, a, wa, D);
        cplx ab = dot(a, wa, D);
        CU_ASSERT(cabs(ab - l) <= 1e-12); /* ⟨0,v|W|0,v⟩ = λ/α */
        double nb = 0;
        for (uint64_t i = 0; i < D; i++) {
            e2[i] = wa[i] - ab * a[i];
            nb += creal(e2[i] * conj(e2[i]));
        }
        nb = sqrt(nb);
        ASSERT_CLOSE(nb, sqrt(fmax(0, 1 - l * l)), 1e-9);
        cplx want[2] = {cexp(I * th), cexp(-I * th)}, got[2];
        if (nb > 1e-6) {
            for (uint64_t i = 0; i < D; i++)
                e2[i] /= nb;
            matvec(W, e2, we, D);
            cplx g[4] = {ab, dot(a, we, D), dot(e2, wa, D), dot(e2, we, D)};
            double res = 0;
            for (uint64_t i = 0; i < D; i++)
                res = fmax(res, cabs(we[i] - g[1] * a[i] - g[3] * e2[i]));
            CU_ASSERT(res <= 1e-9); /* span{a, Wa} is invariant */
            zgeev_eigs(g, 2, got);
            if (cimag(got[0]) < cimag(got[1])) {
                cplx t = got[0];
                got[0] = got[1], got[1] = t;
            }
            double e = fmax(cabs(got[0] - want[0]), cabs(got[1] - want[1]));
            if (e > 1e-9)
                fprintf(stderr, "\n  walk eigenvalues off by %g for lambda = %g\n", e, lam[k]);
            CU_ASSERT(e <= 1e-9);
        } else { /* |λ| = α: W|0,v⟩ = ±|0,v⟩ */
            double res = 0;
            for (uint64_t i = 0; i < D; i++)
                res = fmax(res, cabs(wa[i] - l * a[i]));
            CU_ASSERT(res <= 1e-9);
            got[0] = got[1] = l;
            want[0] = want[1] = l;
        }
        /* and both are in the spectrum of the whole W */
        for (int t = 0; t < 2; t++) {
            double best = 1e300;
            for (uint64_t i = 0; i < D; i++)
                best = fmin(best, cabs(mu[i] - want[t]));
            CU_ASSERT(best <= 1e-9);
        }
    }

    /* ctrl @ W with the control (qubit n) in (|0⟩ + |1⟩)/√2 on a random ψ */
    StateVec *sv = sim_create((int)b.n + 1, NULL);
    cplx *psi = xcalloc(DD, sizeof *psi), *wpsi = xmalloc(D * sizeof *wpsi);
    double nn = 0;
    for (uint64_t i = 0; i < D; i++) {
        psi[i] = CMPLX(unit_urand(&rng) - 0.5, unit_urand(&rng) - 0.5);
        nn += creal(psi[i] * conj(psi[i]));
    }
    for (uint64_t i = 0; i < D; i++)
        psi[i] /= sqrt(nn);
    matvec(W, psi, wpsi, D);
    for (uint64_t i = 0; i < D; i++)
        psi[D + i] = psi[i] / sqrt(2.0), psi[i] /= sqrt(2.0);
    sim_set_amplitudes(sv, psi, DD);
    Block saved = b.c.main;
    b.c.main = (Block){0};
    uint32_t q[16];
    q[0] = b.n;
    for (unsigned j = 0; j < b.n; j++)
        q[j + 1] = j;
    circ_call(&b.c, &b.c.main, b.be.walk, 1, q);
    CU_ASSERT_FATAL(sim_run(&b.c, sv, NULL, NULL, NULL));
    double worst = 0;
    for (uint64_t i = 0; i < D; i++) {
        worst = fmax(worst, cabs(sv->amp[i] - psi[i]));
        worst = fmax(worst, cabs(sv->amp[D + i] - wpsi[i] / sqrt(2.0)));
    }
    CU_ASSERT(worst <= 1e-12);
    free(b.c.main.ops);
    b.c.main = saved;
    sim_destroy(sv);
    free(psi), free(wpsi);

    free(a), free(wa), free(e2), free(we);
    free(Wc), free(mu), free(A), free(lam), free(W), free(S);
    block_encoding_free(&b.be);
    circuit_free(&b.c);
}

static void test_walk(void)
{
    /* s + m ≤ 8: random dense s = 1, 2 (m ≤ 4); dilations s = 2, 3 (m ≤ 5);
     * a sparse s = 4 matrix */
    for (unsigned s = 1; s <= 3; s++)
        for (int trial = 0; trial < 2; trial++) {
            double *H;
            if (s <= 2) {
                H = random_symmetric(s);
                check_walk(s, H, trial ? SP_SPARSE : SP_AUTO);
                free(H);
            }
            if (s >= 2) {
                H = dilation(s);
                check_walk(s, H, trial ? SP_SPARSE : SP_AUTO);
                free(H);
            }
        }
    /* s = 4: a tridiagonal (path Laplacian minus 1): few terms */
    double H[256] = {0};
    for (int i = 0; i < 16; i++) {
        H[i * 16 + i] = 2 - 1;
        if (i + 1 < 16)
            H[i * 16 + i + 1] = H[(i + 1) * 16 + i] = -1;
    }
    Built b;
    build(&b, 4, H, SP_AUTO);
    unsigned n = b.n;
    block_encoding_free(&b.be);
    circuit_free(&b.c);
    if (n <= 8)
        check_walk(4, H, SP_AUTO);
    /* ±α eigenvalues: H = −2 X (λ = ±2 = ±α) */
    double X[4] = {0, -2, -2, 0};
    check_walk(1, X, SP_AUTO);
}

/* ---- cost summary ---- */

static void test_cost(void)
{
    /* random s = 1..4, dilations s = 2..6, with either PREP */
    static const struct {
        unsigned s;
        bool dil;
        StatePrepMethod prep;
    } cases[] = {{1, false, SP_AUTO},  {2, false, SP_SPARSE}, {3, false, SP_AUTO},  {4, false, SP_DENSE},
                 {2, true, SP_SPARSE}, {3, true, SP_AUTO},    {4, true, SP_SPARSE}, {6, true, SP_AUTO}};
    for (size_t ci = 0; ci < sizeof cases / sizeof *cases; ci++) {
        unsigned s = cases[ci].s;
        double *H = cases[ci].dil ? dilation(s) : random_symmetric(s);
        Built b;
        build(&b, s, H, cases[ci].prep);
        BlockEncodeCost k;
        block_encode_cost(&b.be, &k);
        CU_ASSERT(k.nterms == b.be.nterms);
        uint64_t w = 0, neg = 0, calls = 0;
        for (size_t j = 0; j < b.be.nterms; j++) {
            const PauliTerm *p = &b.be.terms[j];
            if (!p->x && !p->z && p->coef > 0)
                continue;
            calls++;
            neg += p->coef < 0;
            for (uint32_t m = p->x | p->z; m; m &= m - 1)
                w++;
        }
        CU_ASSERT(k.select_calls == calls && k.pauli_gates == w && k.sign_phases == neg);
        CU_ASSERT(b.c.defs[b.be.select].body.n == calls);
        /* against the resource counter: U and W, uncontrolled */
        uint32_t defs[2] = {b.be.u, b.be.walk};
        for (int i = 0; i < 2; i++) {
            Block saved = b.c.main;
            b.c.main = (Block){0};
            uint32_t q[32];
            for (unsigned j = 0; j < b.n; j++)
                q[j] = j;
            circ_call(&b.c, &b.c.main, defs[i], 0, q);
            ResCounts r;
            res_init(&r);
            res_count(&b.c, &r);
            CU_ASSERT(mpz_cmp_ui(r.ccz, i ? k.walk_ccz : k.u_ccz) == 0);
            CU_ASSERT(mpz_cmp_ui(r.rotations, i ? k.walk_rotations : k.u_rotations) == 0);
            CU_ASSERT(mpz_cmp_ui(r.t_count, i ? k.walk_t : k.u_t) == 0);
            res_clear(&r);
            free(b.c.main.ops);
            b.c.main = saved;
        }
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        block_encode_print_cost(&b.be, f);
        fclose(f);
        CU_ASSERT(strstr(text, "Pauli terms") && strstr(text, "SELECT") && strstr(text, "PREP"));
        free(text);
        block_encoding_free(&b.be);
        circuit_free(&b.c);
        free(H);
    }
}

/* s = 8: every one of the (4^8 + 2^8)/2 even-Y strings appears for a
 * random dense H; the decomposition still rebuilds H. Prints the time. */
static void test_size_8(void)
{
    double *H = random_symmetric(8);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Built b;
    circuit_init(&b.c);
    CU_ASSERT_FATAL(block_encode(&b.c, "be8", 8, H, NULL, &b.be, NULL));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    CU_ASSERT(b.be.nterms == (65536 + 256) / 2);
    CU_ASSERT(b.be.m == 16);
    double *R = xmalloc(256 * 256 * sizeof *R), worst = 0;
    pauli_matrix(8, b.be.terms, b.be.nterms, R);
    for (size_t i = 0; i < 256 * 256; i++)
        worst = fmax(worst, fabs(R[i] - H[i]));
    CU_ASSERT(worst <= 1e-12);
    if (getenv("QGDC_TEST_VERBOSE"))
        fprintf(stderr, "\n  s = 8: %zu terms, alpha = %g, built in %.3f s\n", b.be.nterms, b.be.alpha, sec);
    free(R);
    block_encoding_free(&b.be);
    circuit_free(&b.c);
    free(H);
}

static void test_refusals(void)
{
    Circuit c;
    circuit_init(&c);
    BlockEncoding be;
    char *err = NULL;
    double H[16] = {1, 2, 0, 0, 2.5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    CU_ASSERT(!block_encode(&c, "x", 2, H, NULL, &be, &err));
    CU_ASSERT(err && strstr(err, "not symmetric"));
    free(err), err = NULL;
    H[4] = 2, H[5] = NAN;
    CU_ASSERT(!block_encode(&c, "x", 2, H, NULL, &be, &err));
    CU_ASSERT(err && strstr(err, "finite"));
    free(err), err = NULL;
    memset(H, 0, sizeof H);
    CU_ASSERT(!block_encode(&c, "x", 2, H, NULL, &be, &err));
    CU_ASSERT(err && strstr(err, "zero"));
    free(err), err = NULL;
    CU_ASSERT(!block_encode(&c, "x", 0, H, NULL, &be, &err));
    CU_ASSERT(err && strstr(err, "out of range"));
    free(err), err = NULL;
    CU_ASSERT(!block_encode(&c, "x", BE_MAX_QUBITS + 1, H, NULL, &be, &err));
    CU_ASSERT(err && strstr(err, "out of range"));
    free(err), err = NULL;
    PauliTerm *t;
    size_t n;
    CU_ASSERT(!pauli_decompose(2, H, &t, &n, &err));
    CU_ASSERT(t == NULL && n == 0);
    free(err), err = NULL;
    CU_ASSERT(c.ndefs == 0);
    /* a tiny asymmetry within BE_SYM_TOL is accepted (symmetric part) */
    double H2[4] = {1, 0.5, 0.5 + 1e-15, -1};
    CU_ASSERT(block_encode(&c, "y", 1, H2, NULL, &be, &err));
    block_encoding_free(&be);
    circuit_free(&c);
}

void suite_block_encode(void);
void suite_block_encode(void)
{
    UNIT_SUITE("block_encode", {"Pauli decomposition rebuilds H", test_decomposition},
               {"top-left block of U is H/alpha", test_top_left_block},
               {"walk eigenvalues e^(+-i arccos(lambda/alpha))", test_walk},
               {"cost summary against the resource counter", test_cost}, {"s = 8 encoding", test_size_8},
               {"refusals", test_refusals});
}
