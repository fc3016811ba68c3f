/* test_structured_solve.c — the structured-encoding solver circuit of
 * estimate_build (passes/estimate.h, explicit_build) simulated end to end
 * on the sparse-state simulator (sim/sparse.h), against a dense reference
 * computed here with LAPACK (the full QPE-averaged reference, not the
 * weaker ideal-filter comparison).
 *
 * The circuit: prep_b(sys, d); qpe(clock; walk_c); invert(clock, anc, ill);
 * inv qpe; post-select flags, clock, ill = 0, anc = 1, d = 1, run from
 * |0…0⟩. Lowered (sparse_lower) it has 98–111 qubits — the AND ladders of
 * the nested controls take 43–48 ancillas — beyond the simulator's 64, so
 * the hierarchical circuit (52–64 qubits) is walked here and every gate
 * goes to sparse_apply_gate with its accumulated controls (sparse_run_circuit);
 * global phases are kept. Post-selection is sparse_project: no
 * renormalisation, so the norm² left is the success probability P(kept).
 *
 * The reference (independent of the circuit generator; the approach of
 * test_qsolve.c's dense case):
 *   M̃, B   carleman_build (paper form) + unroll_build, restricted to the
 *          real indices (t, level j, i_1..i_j) of cbe_real_index; M̃ from
 *          the F_ℓ entries rounded as the oracle tables round them
 *          (sparse_be_quantise, ‖F_ℓ‖max-relative, `bits` angle bits), so
 *          that the reference holds the matrix the circuit encodes exactly
 *          (with n = 1 every entry is its own ‖F_ℓ‖max and M̃ = M);
 *   H      [[0, M̃], [M̃ᵀ, 0]] (first half d = 0, second half d = 1), its
 *          spectrum from LAPACKE_dsyev;
 *   |b⟩    (B, 0)/‖B‖, B the LinSystem's right-hand side: what prep_b
 *          should prepare (B on d = 0, normalised; checked through x);
 *   g(λ)   the QPE-averaged filter Σ_j |a_j(θ_λ/2π)|² f(λ̃_j) with
 *          θ_λ = arccos(λ/α_M), a_j(φ) = 2^−p Σ_k e^{2πik(φ − j/2^p)} (the
 *          Fejér kernel, in closed form here), λ̃_j = α_M·cos(2πj/2^p) and
 *          f(λ̃) = λ_min/λ̃ on |λ̃| ≥ λ_min, 0 elsewhere (invert.h). For a
 *          Hermitian block encoding the walk's two eigenphases ±θ_λ give the
 *          same g (qubitization), so after inv qpe and clock = flags = 0 the
 *          kept state is x = Σ_λ g(λ)⟨v_λ|b⟩ v_λ exactly;
 *   x      then read on d = 1 (g is odd, so x lives there entirely).
 * Compared: the simulated amplitudes on (real index, d = 1, anc = 1, all
 * else 0) against x up to one global phase (a reflection of the other sign
 * would flip every λ̃ and so the sign of x), max |Δ| ≤ 1e-9·‖x‖, and
 * P(kept) against ‖x‖² (relative 1e-9): M̃ is the encoded matrix exactly,
 * so only double rounding over ~10^4–10^5 gate applications enters
 * (measured 1e-15 to 2e-14; a 0.1% change of λ_min in the reference shows
 * as 1e-3); no mass on padding indices; against the unrounded M within the
 * tables' entry bound (ss_check).
 *
 * Readout: u(T) read from the kept state as readout.h does (level 1 of
 * block T, scaled by ‖ŷ_in‖/‖x(0)‖, the sign aligned by ⟨x(0), ŷ_in⟩ > 0)
 * against gradient descent (gd_step): within err_trunc + err_filter +
 * err_round + 1e-9, each computed classically: err_trunc =
 * |readout(M⁻¹B) − u_gd| (Carleman truncation, the paper form's dropped η²
 * terms), err_filter = |readout(x from M) − readout(M⁻¹B)| (the
 * QPE-averaged filter against exact inversion), err_round =
 * |readout(x from M̃) − readout(x from M)|; and, with κ0 chosen so that no
 * singular value of M is near λ_min, within 2% of |u(T)| outright. With
 * κ0 = 1.5 the filter cuts into the spectrum and the readout is far off
 * (documented at SS_P_SOLVE_CUT).
 *
 * QGDC_TEST_VERBOSE=1 prints sizes, the spectrum against the filter,
 * errors and times. */
#include <CUnit/CUnit.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/linear.h"
#include "support/consts.h"
#include "ir/model.h"
#include "passes/carleman.h"
#include "passes/carleman_be.h"
#include "passes/estimate.h"
#include "passes/sparse_be.h"
#include "passes/unroll.h"
#include "sim/sparse.h"
#include "support/util.h"
#include "unit.h"


static bool ss_verbose(void) { return getenv("QGDC_TEST_VERBOSE") != NULL; }

static uint32_t ss_reg(const Circuit *c, const char *name)
{
    for (size_t k = 0; k < c->nqregs; k++)
        if (strcmp(c->qregs[k].name, name) == 0)
            return c->qregs[k].offset;
    CU_FAIL_FATAL("register missing");
    return 0;
}

/* Rounds F_ℓ (ℓ ≥ 1) as the oracle tables do (sparse_be.h): relative to
 * ‖F_ℓ‖max, b-bit angles. The tables see the merged matrix: the entries
 * must be distinct (row, multi-index) pairs. */
static void ss_quantise(GdProblem *p, const ModelProblem *m, unsigned bits)
{
    for (unsigned l = 1; l <= p->q; l++) {
        Tensor *t = &p->F[l];
        for (size_t a = 0; a < t->nnz; a++)
            for (size_t b = a + 1; b < t->nnz; b++)
                CU_ASSERT_FATAL(t->row[a] != t->row[b] || memcmp(t->col + a * l, t->col + b * l, l * sizeof *t->col));
        double mx = m->F[l].max_abs;
        for (size_t e = 0; e < t->nnz; e++)
            t->val[e] = mx * sparse_be_quantise(t->val[e] / mx, bits);
    }
}

/* The real indices in unroll's order (time, level, position); be[k] their
 * basis index over the system qubits, row[k] their row in the LinSystem. */
typedef struct SsIndex {
    size_t nr;
    uint64_t *be;
    size_t *row;
    uint64_t *t;
    unsigned *j;
    size_t *pos;
} SsIndex;

static void ss_index(const CarlemanBE *be, const LinSystem *sys, uint32_t n, SsIndex *x)
{
    size_t cnt = 0, per = 0, nj = 1;
    for (unsigned j = 1; j <= be->N; j++)
        nj *= n, per += nj;
    cnt = per * (size_t)(be->T + be->P + 1);
    x->nr = cnt;
    x->be = xmalloc(cnt * sizeof *x->be);
    x->row = xmalloc(cnt * sizeof *x->row);
    x->t = xmalloc(cnt * sizeof *x->t);
    x->j = xmalloc(cnt * sizeof *x->j);
    x->pos = xmalloc(cnt * sizeof *x->pos);
    size_t k = 0;
    for (uint64_t t = 0; t <= be->T + be->P; t++) {
        nj = 1;
        for (unsigned j = 1; j <= be->N; j++) {
            nj *= n;
            for (size_t pos = 0; pos < nj; pos++) {
                uint32_t f[MODEL_MAX_ORDER];
                size_t rem = pos;
                for (unsigned m = j; m-- > 0;) /* the first factor most significant */
                    f[m] = (uint32_t)(rem % n), rem /= n;
                x->be[k] = cbe_real_index(be, t, j, f);
                x->row[k] = t * sys->block_sz + sys->lv.off[j] + pos;
                x->t[k] = t, x->j[k] = j, x->pos[k] = pos;
                k++;
            }
        }
    }
    CU_ASSERT_FATAL(k == cnt);
}

static void ss_index_free(SsIndex *x)
{
    free(x->be), free(x->row), free(x->t), free(x->j), free(x->pos);
    memset(x, 0, sizeof *x);
}

/* |a_j(φ)|² = sin²(π·2^p·δ)/(2^2p·sin²(πδ)), δ = φ − j/2^p reduced to
 * [−½, ½] (the Fejér kernel; 1 at δ = 0). */
static double ss_fejer(double phi, unsigned p, uint64_t j)
{
    double N = ldexp(1.0, (int)p), d = phi - (double)j / N;
    d -= nearbyint(d);
    double s = sin(QGD_PI * d);
    if (fabs(s) < 1e-300)
        return 1;
    double num = sin(QGD_PI * N * d);
    return num * num / (N * N * s * s);
}

/* The QPE-averaged filter at eigenvalue λ of H (α = α_M). */
static double ss_filter(double lam, double alpha, double lmin, unsigned p)
{
    double th = acos(fmax(-1, fmin(1, lam / alpha)));
    uint64_t nc = (uint64_t)1 << p;
    double g = 0;
    for (uint64_t j = 0; j < nc; j++) {
        double lt = alpha * cos(2 * QGD_PI * (double)j / (double)nc);
        if (fabs(lt) >= lmin)
            g += ss_fejer(th / (2 * QGD_PI), p, j) * lmin / lt;
    }
    return g;
}

/* Reference kept state on the d = 1 half (nr entries): x = Σ g(λ)⟨v|b⟩ v
 * for H = [[0, Mr], [Mrᵀ, 0]], b = (B, 0)/‖B‖. Returns ‖x‖² over both
 * halves; *off_mass gets the d = 0 half's share (0 in exact arithmetic). */
static double ss_reference(const double *Mr, const double *Br, size_t nr, double alpha, double lmin, unsigned p,
                           double *x, double *off_mass, bool show)
{
    size_t n = 2 * nr;
    double *H = xcalloc(n * n, sizeof *H), *lam = xmalloc(n * sizeof *lam), *full = xcalloc(n, sizeof *full);
    for (size_t k = 0; k < nr; k++)
        for (size_t l = 0; l < nr; l++) {
            H[k * n + nr + l] = Mr[k * nr + l];
            H[(nr + l) * n + k] = Mr[k * nr + l];
        }
    CU_ASSERT_FATAL(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, H, (lapack_int)n, lam) == 0);
    double bn = 0;
    for (size_t k = 0; k < nr; k++)
        bn += Br[k] * Br[k];
    bn = sqrt(bn);
    for (size_t l = 0; l < n; l++) {
        double beta = 0;
        for (size_t k = 0; k < nr; k++)
            beta += H[k * n + l] * Br[k] / bn;
        double g = ss_filter(lam[l], alpha, lmin, p);
        if (show && lam[l] > 0)
            printf("\n    sigma %.6f: g %.6f, lambda_min/sigma %.6f, ratio %.4f, |<v|b>| %.4f", lam[l], g, lmin / lam[l],
                   g * lam[l] / lmin, fabs(beta));
        for (size_t i = 0; i < n; i++)
            full[i] += g * beta * H[i * n + l];
    }
    double tot = 0, off = 0;
    for (size_t i = 0; i < n; i++)
        tot += full[i] * full[i];
    for (size_t i = 0; i < nr; i++)
        off += full[i] * full[i], x[i] = full[nr + i];
    *off_mass = off;
    free(H), free(lam), free(full);
    return tot;
}

/* The dense real block of a system and its right-hand side. */
static void ss_dense(const LinSystem *sys, const SsIndex *ix, double *Mr, double *Br)
{
    for (size_t k = 0; k < ix->nr; k++) {
        Br[k] = sys->rhs[ix->row[k]];
        for (size_t l = 0; l < ix->nr; l++)
            Mr[k * ix->nr + l] = sp_get(&sys->M, ix->row[k], ix->row[l]);
    }
}

/* M·y = B on the real block (dgesv); y overwrites B's copy. */
static void ss_solve(const double *Mr, const double *Br, size_t nr, double *y)
{
    double *A = xmalloc(nr * nr * sizeof *A);
    lapack_int *piv = xmalloc(nr * sizeof *piv);
    memcpy(A, Mr, nr * nr * sizeof *A);
    memcpy(y, Br, nr * sizeof *y);
    CU_ASSERT_FATAL(LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)nr, 1, A, (lapack_int)nr, piv, y, 1) == 0);
    free(A), free(piv);
}

/* readout.h's rule on a real vector over the real indices: u_i(T) =
 * ‖ŷ_in‖·x(T, 1, i)/‖x(0)‖, the sign aligned so that ⟨x(0), ŷ_in⟩ > 0. */
static void ss_readout(const SsIndex *ix, const double *x, const double *Br, uint64_t T, uint32_t n, double *u)
{
    double n0 = 0, ny = 0, dot = 0;
    for (size_t k = 0; k < ix->nr; k++)
        if (ix->t[k] == 0)
            n0 += x[k] * x[k], ny += Br[k] * Br[k], dot += x[k] * Br[k];
    double s = (dot >= 0 ? 1 : -1) * sqrt(ny / n0);
    for (uint32_t i = 0; i < n; i++)
        u[i] = 0;
    for (size_t k = 0; k < ix->nr; k++)
        if (ix->t[k] == T && ix->j[k] == 1)
            u[ix->pos[k]] = s * x[k];
}

typedef struct SsResult {
    unsigned qubits, p, bits, nsys;
    size_t ops, peak_nnz, nr;
    double alpha, lmin;
    double p_sim, p_ref;     /* success probabilities */
    double err_state;        /* max |e^{iφ}a − x| / ‖x‖ against M̃'s reference */
    double err_state_m;      /* the same against M's (unrounded) reference */
    double err_prob;         /* |p_sim − p_ref| / p_ref */
    double stray;            /* mass off (real, d = 1, anc = 1, rest 0) */
    double imag;             /* max |Im| after the phase */
    double ref_off;          /* reference mass on d = 0 */
    double u_err, u_trunc, u_filter; /* readout: |u_sim − u_gd|, the two classical errors (max over i) */
    double u_scale;          /* max_i |u_gd,i| */
    double u_round;          /* |readout(x from M̃) − readout(x from M)|: the tables' rounding */
    double fid_ideal;        /* |⟨x_sim, M⁻¹B⟩| / norms */
    double p_solve_est;      /* estimate.h's P_solve */
    double complex phase;    /* the global phase divided out */
    double ebound;           /* N·max_ℓ ‖F_ℓ‖max·π/2^(bits+1): the tables' entry rounding */
    double seconds, sim_seconds;
} SsResult;

static void ss_run(const char *text, unsigned bits, unsigned clock_bits, SsResult *r)
{
    memset(r, 0, sizeof *r);
    double t0 = monotonic_seconds();
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    EstimateOptions o = {.bits = bits, .clock_bits = clock_bits, .explicit_build = true};
    Estimate e;
    bool ok = estimate_build(&m, p, &o, &e, &err);
    if (!ok)
        fprintf(stderr, "\n  estimate_build: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(ok);
    const CarlemanBE *be = &e.be;
    r->p_solve_est = e.p_solve;
    double fmx = 0;
    for (unsigned l = 1; l <= p->q; l++)
        if (m.F[l].present)
            fmx = fmax(fmx, m.F[l].max_abs);
    r->ebound = be->N * fmx * QGD_PI * ldexp(1.0, -(int)e.bits - 1);
    r->p = e.p, r->bits = e.bits, r->alpha = be->alpha_M, r->lmin = e.lambda_min, r->nsys = be->nsys;
    uint32_t rsys = ss_reg(&e.c, "sys"), ranc = ss_reg(&e.c, "anc");
    CU_ASSERT_FATAL(rsys == 0); /* the system (and d) are the low bits of the basis index */

    r->qubits = e.c.nqubits;
    if (ss_verbose())
        printf("\n  circuit %u qubits (system %u, flags %u, clock %u)", e.c.nqubits, e.q_sys, e.q_flags, e.p);
    CU_ASSERT_FATAL(e.c.nqubits <= SPARSE_MAX_QUBITS);
    SparseState *s = sparse_create(e.c.nqubits, (size_t)1 << 24, &err);
    CU_ASSERT_FATAL(s != NULL);
    double ts = monotonic_seconds();
    uint64_t gates = 0;
    ok = sparse_run_circuit(&e.c, s, &gates, &err);
    r->ops = (size_t)gates;
    r->sim_seconds = monotonic_seconds() - ts;
    if (!ok)
        fprintf(stderr, "\n  simulation: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(ok);
    r->peak_nnz = sparse_peak_nnz(s);
    r->p_sim = sparse_norm2(s);

    /* the reference systems: M (data as given) and M̃ (tables' rounding) */
    Carleman cm, cmq;
    LinSystem sys, sysq;
    CU_ASSERT_FATAL(carleman_build(p, be->N, FORM_PAPER, &cm, &err));
    CU_ASSERT_FATAL(unroll_build(&cm, be->P, &sys, &err));
    SsIndex ix;
    ss_index(be, &sys, p->n, &ix);
    size_t nr = ix.nr;
    r->nr = nr;
    double *Mr = xmalloc(nr * nr * sizeof *Mr), *Br = xmalloc(nr * sizeof *Br);
    double *Mq = xmalloc(nr * nr * sizeof *Mq), *Bq = xmalloc(nr * sizeof *Bq);
    ss_dense(&sys, &ix, Mr, Br);
    /* B: nothing of the right-hand side lies on unroll's padding rows */
    double bpad = 0;
    for (size_t i = 0; i < sys.dim_sz; i++)
        bpad += fabs(sys.rhs[i]);
    for (size_t k = 0; k < nr; k++)
        bpad -= fabs(Br[k]);
    CU_ASSERT(fabs(bpad) <= 1e-15);

    /* the simulated kept branch on the real indices (d = 1, anc = 1) */
    uint64_t nsysv = (uint64_t)1 << be->nsys;
    size_t *where = xmalloc(nsysv * sizeof *where);
    for (uint64_t v = 0; v < nsysv; v++)
        where[v] = SIZE_MAX;
    for (size_t k = 0; k < nr; k++)
        where[ix.be[k]] = k;
    double complex *a = xcalloc(nr, sizeof *a);
    uint64_t want_rest = ((uint64_t)1 << be->nsys) | ((uint64_t)1 << ranc);
    for (size_t k = 0; k < sparse_nnz(s); k++) {
        uint64_t key;
        double complex amp;
        sparse_entry(s, k, &key, &amp);
        uint64_t sv = key & (nsysv - 1), rest = key & ~(nsysv - 1);
        if (rest != want_rest || where[sv] == SIZE_MAX)
            r->stray += creal(amp * conj(amp));
        else
            a[where[sv]] = amp;
    }

    /* the references */
    double *x = xmalloc(nr * sizeof *x), *xm = xmalloc(nr * sizeof *xm), off = 0, offm = 0;
    ss_reference(Mr, Br, nr, be->alpha_M, e.lambda_min, e.p, xm, &offm, false);
    GdProblem *pq = p; /* quantised in place after the unrounded system is built */
    double *u_in_gd = xmalloc(p->n * sizeof *u_in_gd), *u_gd = xmalloc(p->n * sizeof *u_gd);
    memcpy(u_in_gd, p->u_in, p->n * sizeof *u_in_gd);
    for (uint64_t t = 0; t < p->T; t++) { /* gradient descent on the data as given */
        gd_step(p, t, u_in_gd, u_gd);
        memcpy(u_in_gd, u_gd, p->n * sizeof *u_gd);
    }
    ss_quantise(pq, &m, e.bits);
    CU_ASSERT_FATAL(carleman_build(pq, be->N, FORM_PAPER, &cmq, &err));
    CU_ASSERT_FATAL(unroll_build(&cmq, be->P, &sysq, &err));
    ss_dense(&sysq, &ix, Mq, Bq);
    r->p_ref = ss_reference(Mq, Bq, nr, be->alpha_M, e.lambda_min, e.p, x, &off, ss_verbose());
    r->ref_off = off + offm;

    /* one global phase, from the overlap with the reference */
    double complex z = 0;
    double xn = 0;
    for (size_t k = 0; k < nr; k++)
        z += x[k] * a[k], xn += x[k] * x[k];
    xn = sqrt(xn);
    double complex ph = cabs(z) > 0 ? conj(z) / cabs(z) : 1;
    r->phase = conj(ph);
    double *as_re = xmalloc(nr * sizeof *as_re);
    for (size_t k = 0; k < nr; k++) {
        double complex v = ph * a[k];
        as_re[k] = creal(v);
        r->imag = fmax(r->imag, fabs(cimag(v)));
        r->err_state = fmax(r->err_state, cabs(v - x[k]) / xn);
        r->err_state_m = fmax(r->err_state_m, cabs(v - xm[k]) / xn);
    }
    r->err_prob = fabs(r->p_sim - r->p_ref) / r->p_ref;

    /* readout against gradient descent */
    double *y = xmalloc(nr * sizeof *y), *u_sim = xmalloc(p->n * sizeof *u_sim), *u_ex = xmalloc(p->n * sizeof *u_ex),
           *u_ref = xmalloc(p->n * sizeof *u_ref), *u_q = xmalloc(p->n * sizeof *u_q);
    ss_solve(Mr, Br, nr, y);
    ss_readout(&ix, as_re, Br, p->T, p->n, u_sim);
    ss_readout(&ix, y, Br, p->T, p->n, u_ex);
    ss_readout(&ix, xm, Br, p->T, p->n, u_ref);
    ss_readout(&ix, x, Br, p->T, p->n, u_q);
    double yn = 0, dot = 0, an = 0;
    for (size_t k = 0; k < nr; k++)
        yn += y[k] * y[k], an += as_re[k] * as_re[k], dot += y[k] * as_re[k];
    r->fid_ideal = fabs(dot) / sqrt(yn * an);
    for (uint32_t i = 0; i < p->n; i++) {
        r->u_err = fmax(r->u_err, fabs(u_sim[i] - u_gd[i]));
        r->u_scale = fmax(r->u_scale, fabs(u_gd[i]));
        r->u_trunc = fmax(r->u_trunc, fabs(u_ex[i] - u_gd[i]));
        r->u_filter = fmax(r->u_filter, fabs(u_ref[i] - u_ex[i]));
        r->u_round = fmax(r->u_round, fabs(u_q[i] - u_ref[i]));
    }
    if (ss_verbose())
        for (uint32_t i = 0; i < p->n; i++)
            printf("\n    u%u(T): gd %.12g, M^-1 B %.12g, filtered ref %.12g, simulated %.12g", i, u_gd[i], u_ex[i],
                   u_ref[i], u_sim[i]);

    free(y), free(u_sim), free(u_ex), free(u_ref), free(u_q), free(u_in_gd), free(u_gd), free(as_re);
    free(x), free(xm), free(a), free(where), free(Mr), free(Br), free(Mq), free(Bq);
    ss_index_free(&ix);
    lin_system_free(&sysq);
    carleman_free(&cmq);
    lin_system_free(&sys);
    carleman_free(&cm);
    sparse_free(s);
    estimate_free(&e);
    model_free(&m);
    problem_set_free(&ps);
    r->seconds = monotonic_seconds() - t0;
}

static void ss_print(const char *what, const SsResult *r)
{
    if (!ss_verbose())
        return;
    printf("\n  %s: %u bits, p = %u, alpha %.6g, lambda_min %.4g, %zu real indices, %u qubits, %zu gates applied, peak %zu "
           "nonzeros\n    P(kept) sim %.12g ref %.12g (rel %.2e); state err vs M~ %.2e, vs M %.2e (entry bound %.2e); phase %.3f%+.3fi; stray %.2e; "
           "|Im| %.2e; ref d=0 mass %.2e; fidelity with M^-1 B %.8f\n    readout |u_sim - u_gd| %.3e, trunc %.3e, "
           "filter %.3e, rounding %.3e; estimate P_solve %.6g; sim %.2f s, total %.2f s",
           what, r->bits, r->p, r->alpha, r->lmin, r->nr, r->qubits, r->ops, r->peak_nnz, r->p_sim, r->p_ref,
           r->err_prob, r->err_state, r->err_state_m, r->ebound, creal(r->phase), cimag(r->phase), r->stray, r->imag, r->ref_off, r->fid_ideal, r->u_err,
           r->u_trunc, r->u_filter, r->u_round, r->p_solve_est, r->sim_seconds, r->seconds);
}

#define SS_TOL_STATE 1e-9
#define SS_TOL_PROB 1e-9
/* estimate.h: P_solve ≥ ‖ŷ_in‖²/(κ0²·‖B‖²) holds when every singular
 * value of M lies well above λ_min (then the filtered inversion keeps
 * λ_min·M⁻¹B/‖B‖, whose block 0 is λ_min·ŷ_in/‖B‖), and estimate.h states
 * that condition. At κ0 = 1.5 the filter cuts into the spectrum
 * (structured_tiny: σ_min(M) = 0.677 just above λ_min = 0.667, where the
 * p = 5 phase estimate keeps 0.48 of λ_min/σ; n = 1, N = 2, T = 2: σ =
 * 0.475, 0.540 below λ_min, filtered out) and the simulated P(kept) is 2–3×
 * below the formula (0.205 < 0.438, 0.142 < 0.440, 0.0715 < 0.442): the
 * cut cases assert that the formula does not apply there (p_sim below it),
 * the readout cases below assert that it holds where its condition does. */
#define SS_P_SOLVE_CUT(r) CU_ASSERT((r).p_sim < (r).p_solve_est)

/* The common checks: the kept state and P(kept) against the reference
 * built from M̃ (tight: only the simulator's and LAPACK's rounding remain),
 * nothing outside the real indices, and against M (unrounded) within the
 * tables' entry-rounding bound N·max_ℓ ‖F_ℓ‖max·π/2^(b+1) — a first-order
 * allowance (‖x‖-relative state error per unit entry error), not a
 * proven bound: measured 1.5e-5 against 1.1e-4 with n = 2 at 12 bits, and
 * the same as against M̃ with n = 1 (every entry of F_ℓ is its own
 * ‖F_ℓ‖max, which the tables hold exactly). The global phase divided out
 * comes out exactly +1 (the hierarchy keeps phases; printed, not
 * asserted). */
static void ss_check(const char *what, const char *text, unsigned bits, unsigned clock_bits, SsResult *r)
{
    ss_run(text, bits, clock_bits, r);
    ss_print(what, r);
    CU_ASSERT(r->err_state <= SS_TOL_STATE);
    CU_ASSERT(r->err_prob <= SS_TOL_PROB);
    CU_ASSERT(r->stray <= 1e-20);
    CU_ASSERT(r->ref_off <= 1e-20);
    CU_ASSERT(r->imag <= SS_TOL_STATE);
    CU_ASSERT(r->err_state_m <= r->ebound);
    /* the readout of the simulated state differs from gradient descent by
     * no more than the two classical errors (the simulation adds nothing) */
    CU_ASSERT(r->u_err <= r->u_trunc + r->u_filter + r->u_round + 1e-9);
}

#define GD_TINY(K)                                                                                                 \
    "gd structured_tiny { param u[1] = 0.5; eta = 0.2; T = 1; loss = 0.5 * u[0]^2 + 0.3 * u[0];"                  \
    " options { carleman_order = 1; carleman_form = paper; block_encoding = structured; kappa0 = " #K "; } }"
#define GD_CUBIC1(K)                                                                                               \
    "gd cubic1 { param u[1] = 0.5; eta = 0.1; T = 2; loss = 0.5*u[0]^2 + 0.1*u[0]^3 + 0.4*u[0];"                  \
    " options { carleman_order = 2; carleman_form = paper; kappa0 = " #K "; } }"
#define GD_N2(K)                                                                                                   \
    "gd b { param u[2] = [0.5, -0.3]; eta = 0.1; T = 1;"                                                          \
    " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.1*u[0]^3 - 0.2*u[1]^2*u[0] + 0.4*u[0] - 0.3*u[1];"     \
    " options { carleman_order = 2; carleman_form = paper; kappa0 = " #K "; } }"

/* examples/structured_tiny.qgd: n = 1, N = 1, T = 1, κ0 = 1.5 (p = 5) */
static void test_tiny(void)
{
    SsResult r;
    ss_check("structured_tiny", GD_TINY(1.5), 24, 0, &r);
    SS_P_SOLVE_CUT(r);
}

/* n = 1, N = 2, T = 2: F_0, F_1, F_2 all in the matrix (63 qubits) */
static void test_cubic1(void)
{
    SsResult r;
    ss_check("n=1 N=2 T=2", GD_CUBIC1(1.5), 24, 0, &r);
    SS_P_SOLVE_CUT(r);
}

/* n = 2, N = 2, T = 1 (64 qubits at 12 angle bits): entries of F_ℓ below
 * ‖F_ℓ‖max, so the tables round them — tight against M̃, within the
 * rounding bound against M */
static void test_n2(void)
{
    SsResult r;
    ss_check("n=2 N=2 T=1", GD_N2(1.5), 12, 0, &r);
    CU_ASSERT(r.err_state_m > 1e-9); /* the rounding is there, and M̃ accounts for it */
    SS_P_SOLVE_CUT(r);
}

/* u(T) read from the kept state against gradient descent, with κ0 large
 * enough that no singular value of M is near the cut: within 2% of
 * max|u(T)| (measured 0.34% for n = 1, N = 1, κ0 = 5, p = 7, where the
 * truncation is exact and all of it is the filter's; 1.5% for n = 1,
 * N = 2, T = 2, κ0 = 3, p = 6, truncation 6e-5). There estimate.h's
 * P_solve bound holds. */
static void test_readout(void)
{
    static const struct {
        const char *what, *text;
    } cs[] = {{"readout n=1 N=1 T=1 kappa0=5", GD_TINY(5)}, {"readout n=1 N=2 T=2 kappa0=3", GD_CUBIC1(3)}};
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        SsResult r;
        ss_check(cs[k].what, cs[k].text, 24, 0, &r);
        CU_ASSERT(r.fid_ideal >= 0.998);
        CU_ASSERT(r.u_err <= 0.02 * r.u_scale);
        CU_ASSERT(r.p_sim >= r.p_solve_est);
    }
}

void suite_structured_solve(void);
void suite_structured_solve(void)
{
    UNIT_SUITE("structured_solve",
               {"structured_tiny (n=1 N=1 T=1): kept state and P(kept) against LAPACK", test_tiny},
               {"n=1 N=2 T=2 (F_0, F_1, F_2): kept state and P(kept) against LAPACK", test_cubic1},
               {"n=2 N=2 T=1, 12 angle bits: against the rounded and the exact M", test_n2},
               {"readout: u(T) from the kept state against gradient descent", test_readout});
}
