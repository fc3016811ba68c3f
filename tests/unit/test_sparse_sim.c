/* Tests of the sparse simulator (sim/sparse.h): against the dense
 * executor on random flat circuits, the lowering path, refusals, and the
 * structured Carleman block encoding (passes/carleman_be.h) checked entry
 * by entry against the matrix it should encode: ⟨0|U_M|0⟩ = M/α_M on the
 * real indices, with M from carleman_build + unroll_build. */
#include <CUnit/CUnit.h>
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codegen/lower.h"
#include "support/cmplx.h"
#include "support/consts.h"
#include "ir/linear.h"
#include "passes/carleman.h"
#include "passes/carleman_be.h"
#include "passes/sparse_be.h"
#include "passes/unroll.h"
#include "sim/exec.h"
#include "sim/sparse.h"
#include "sim/statevec.h"
#include "support/util.h"
#include "unit.h"


static bool verbose(void) { return getenv("QGDC_TEST_VERBOSE") != NULL; }

/* ---- random circuits (splitmix64, reproducible) ---- */

static UnitRng rng = {0x5eed5a11};



/* A random gate (every kind, gphase included), pow 1; with controls and
 * inverse when `modifiers`. */
static void random_gate(Circuit *c, Block *b, uint32_t n, bool modifiers)
{
    GateKind g;
    do
        g = (GateKind)unit_irand(&rng, GATE_COUNT);
    while ((uint32_t)gate_info[g].nqubits > n);
    uint32_t own = (uint32_t)gate_info[g].nqubits, k = modifiers ? unit_irand(&rng, 3) : 0;
    if (own + k > n)
        k = n - own;
    uint32_t q[16];
    unit_distinct(&rng, q, own + k, n);
    double p[3] = {unit_rand_angle(&rng), unit_rand_angle(&rng), unit_rand_angle(&rng)};
    Op *op = circ_cgate(c, b, g, k, q, p);
    if (modifiers) {
        op->negctrl = unit_irand(&rng, 1u << k);
        op->inv = unit_urand(&rng) < 0.5;
    }
}

/* ---- a. against the dense executor ---- */

/* Runs flat c from a start state (kind 0: a basis state, 1: a few basis
 * states, 2: dense) on both simulators; returns the largest difference. */
static double compare_dense(const Circuit *c, int kind)
{
    int n = (int)c->nqubits;
    uint64_t d = (uint64_t)1 << n;
    StateVec *sv = sim_create(n, NULL);
    SparseState *s = sparse_create((unsigned)n, d, NULL);
    CU_ASSERT_FATAL(sv && s);
    double complex *a = xcalloc(d + 4, sizeof *a); /* kind 1: up to 4 terms, repeats allowed */
    uint64_t *idx = xmalloc((d + 4) * sizeof *idx);
    size_t m = kind == 0 ? 1 : kind == 1 ? 1 + unit_irand(&rng, 4) : d;
    double nrm = 0;
    for (size_t k = 0; k < m; k++) {
        idx[k] = kind == 2 ? k : unit_next64(&rng) & (d - 1);
        double complex v = kind == 0 ? 1 : CMPLX(unit_urand(&rng) - 0.5, unit_urand(&rng) - 0.5);
        a[k] = v;
    }
    double complex *full = xcalloc(d, sizeof *full);
    for (size_t k = 0; k < m; k++)
        full[idx[k]] += a[k];
    for (uint64_t i = 0; i < d; i++)
        nrm += creal(full[i] * conj(full[i]));
    for (uint64_t i = 0; i < d; i++)
        full[i] /= sqrt(nrm);
    for (size_t k = 0; k < m; k++)
        a[k] /= sqrt(nrm);
    sim_set_amplitudes(sv, full, d);
    char *err = NULL;
    CU_ASSERT_FATAL(sparse_set_superposition(s, idx, a, m, &err));
    CU_ASSERT_FATAL(sim_run(c, sv, NULL, NULL, &err));
    bool ok = sparse_run(c, s, &err);
    if (!ok)
        fprintf(stderr, "\n  sparse_run: %s\n", err), free(err);
    CU_ASSERT_FATAL(ok);
    double worst = 0;
    for (uint64_t i = 0; i < d; i++)
        worst = fmax(worst, cabs(sparse_get(s, i) - sv->amp[i]));
    CU_ASSERT(sparse_nnz(s) <= d);
    free(a), free(idx), free(full);
    sparse_free(s);
    sim_destroy(sv);
    return worst;
}

static void test_random_flat(void)
{
    double worst = 0;
    for (int rep = 0; rep < 120; rep++) {
        uint32_t n = 1 + unit_irand(&rng, 10);
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", n);
        int nops = 5 + (int)unit_irand(&rng, 60);
        for (int i = 0; i < nops; i++)
            random_gate(&c, &c.main, n, rep % 2 == 1);
        CU_ASSERT_FATAL(circuit_verify(&c));
        double w = compare_dense(&c, rep % 3);
        if (w > 1e-12) {
            fprintf(stderr, "\n  sparse differs from dense by %g (start kind %d):\n", w, rep % 3);
            circuit_dump(&c, stderr);
        }
        worst = fmax(worst, w);
        circuit_free(&c);
    }
    if (verbose())
        printf("\n  random flat: max difference %.3g\n", worst);
    CU_ASSERT(worst <= 1e-12);
}

/* Permutations and diagonal gates keep the nonzero count; h branches. */
static void test_counts_and_wide(void)
{
    SparseState *s = sparse_create(64, 16, NULL);
    CU_ASSERT_FATAL(s != NULL);
    char *err = NULL;
    uint32_t q[3] = {63, 0, 40};
    CU_ASSERT(sparse_apply_gate(s, GATE_X, NULL, &q[0], 0, 0, false, &err));
    CU_ASSERT(sparse_apply_gate(s, GATE_H, NULL, &q[1], 0, 0, false, &err));
    CU_ASSERT_EQUAL(sparse_nnz(s), 2);
    CU_ASSERT(sparse_apply_gate(s, GATE_CCX, NULL, q, 0, 0, false, &err)); /* 63 ∧ 0 → 40 */
    double th = 0.7;
    CU_ASSERT(sparse_apply_gate(s, GATE_RZ, &th, &q[2], 0, 0, false, &err));
    CU_ASSERT(sparse_apply_gate(s, GATE_SWAP, NULL, &q[1], 0, 0, false, &err)); /* 0 ↔ 40 */
    CU_ASSERT(sparse_apply_gate(s, GATE_T, NULL, &q[0], 0, 0, false, &err));
    CU_ASSERT_EQUAL(sparse_nnz(s), 2);
    double r = 1 / sqrt(2.0);
    uint64_t hi = (uint64_t)1 << 63;
    double complex t = CMPLX(r, r), e = CMPLX(cos(0.35), sin(0.35));
    ASSERT_CLOSE(cabs(sparse_get(s, hi) - r * t * conj(e)), 0, 1e-15);
    ASSERT_CLOSE(cabs(sparse_get(s, hi | 1 | (uint64_t)1 << 40) - r * t * e), 0, 1e-15);
    ASSERT_CLOSE(sparse_norm2(s), 1, 1e-15);
    /* h twice: back to two nonzeros (the cancelled ones are dropped) */
    CU_ASSERT(sparse_apply_gate(s, GATE_H, NULL, &q[2], 0, 0, false, &err));
    CU_ASSERT_EQUAL(sparse_nnz(s), 4);
    CU_ASSERT(sparse_apply_gate(s, GATE_H, NULL, &q[2], 0, 0, false, &err));
    CU_ASSERT_EQUAL(sparse_nnz(s), 2);
    /* projection without renormalisation */
    sparse_project(s, 0, 1);
    CU_ASSERT_EQUAL(sparse_nnz(s), 1);
    ASSERT_CLOSE(sparse_norm2(s), 0.5, 1e-15);
    CU_ASSERT(sparse_normalize(s));
    ASSERT_CLOSE(sparse_norm2(s), 1, 1e-15);
    sparse_free(s);
}

static void test_refusals(void)
{
    char *err = NULL;
    CU_ASSERT(sparse_create(65, 10, &err) == NULL);
    CU_ASSERT(err && strstr(err, "65 qubits"));
    free(err), err = NULL;
    /* the cap */
    SparseState *s = sparse_create(12, 100, NULL);
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 12);
    for (uint32_t k = 0; k < 12; k++)
        circ_gate(&c, &c.main, GATE_H, &k, NULL);
    CU_ASSERT(!sparse_run(&c, s, &err));
    CU_ASSERT(err && strstr(err, "more than 100 nonzero"));
    free(err), err = NULL;
    sparse_free(s);
    /* a state too small, a measurement, a call */
    s = sparse_create(11, 100, NULL);
    CU_ASSERT(!sparse_run(&c, s, &err));
    CU_ASSERT(err && strstr(err, "12 qubits"));
    free(err), err = NULL;
    sparse_free(s);
    circuit_free(&c);
    circuit_init(&c);
    circuit_qreg(&c, "q", 2);
    circuit_creg(&c, "b", 1);
    circ_measure(&c, &c.main, 0, 0);
    s = sparse_create(2, 4, NULL);
    CU_ASSERT(!sparse_run(&c, s, &err));
    CU_ASSERT(err && strstr(err, "measure"));
    free(err), err = NULL;
    circuit_free(&c);
    circuit_init(&c);
    circuit_qreg(&c, "q", 2);
    uint32_t d = circuit_def(&c, "g", 1, NULL), z = 0;
    circ_gate(&c, circuit_def_body(&c, d), GATE_H, &z, NULL);
    circ_call(&c, &c.main, d, 0, &z);
    CU_ASSERT(!sparse_run(&c, s, &err));
    CU_ASSERT(err && strstr(err, "lower the circuit first"));
    free(err), err = NULL;
    /* but the hierarchical entry point lowers it */
    CU_ASSERT(sparse_run_hier(&c, s, 0, &err));
    ASSERT_CLOSE(cabs(sparse_get(s, 1)), 1 / sqrt(2.0), 1e-15);
    circuit_free(&c);
    sparse_free(s);
}

/* max_i |s(i) − φ·sc·dense(i)| with the global phase φ fitted on the
 * largest dense amplitude (asserted of modulus 1) */
static double diff_to_dense(SparseState *s, const StateVec *sv, double sc)
{
    uint64_t big = 0;
    for (uint64_t i = 0; i < sv->dim; i++)
        if (cabs(sv->amp[i]) > cabs(sv->amp[big]))
            big = i;
    double complex ph = sparse_get(s, big) / (sv->amp[big] * sc);
    CU_ASSERT(fabs(cabs(ph) - 1) < 1e-12);
    ph /= cabs(ph);
    double w = 0;
    for (uint64_t i = 0; i < sv->dim; i++)
        w = fmax(w, cabs(sparse_get(s, i) - ph * sc * sv->amp[i]));
    return w;
}

/* Hierarchical circuits with multi-controlled calls (the lowering needs
 * ancillas) and post-selection: sparse_run_hier (lowered) and
 * sparse_run_circuit (the hierarchy walked, no ancillas) against sim_run
 * on the unlowered circuit, up to the global phase the lowering drops;
 * the sparse runs do not renormalise after post-selecting. */
static void test_hier_vs_dense(void)
{
    double worst = 0, worst_walk = 0;
    for (int rep = 0; rep < 20; rep++) {
        uint32_t n = 4 + unit_irand(&rng, 4);
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", n);
        uint32_t d = circuit_def(&c, "w", 3, NULL);
        for (int i = 0; i < 12; i++)
            random_gate(&c, circuit_def_body(&c, d), 3, true);
        for (int i = 0; i < 8; i++) {
            if (unit_urand(&rng) < 0.5) {
                uint32_t q[8], k = 1 + unit_irand(&rng, n - 3 < 3 ? n - 3 : 3);
                unit_distinct(&rng, q, k + 3, n);
                Op *op = circ_call(&c, &c.main, d, k, q);
                op->negctrl = unit_irand(&rng, 1u << k);
                op->inv = unit_urand(&rng) < 0.5;
            } else
                random_gate(&c, &c.main, n, true);
        }
        uint32_t pq = unit_irand(&rng, n);
        circ_postselect(&c, &c.main, pq, 0);
        CU_ASSERT_FATAL(circuit_verify(&c));
        char *err = NULL;
        SimRunResult res = {0};
        StateVec *sv = sim_run_new(&c, NULL, &res, &err);
        if (!sv) { /* a branch of probability 0: skip */
            free(err);
            sim_run_result_free(&res);
            circuit_free(&c);
            continue;
        }
        Circuit flat;
        uint32_t ao, an;
        CU_ASSERT_FATAL(sparse_lower(&c, &flat, 0, &ao, &an, &err));
        CU_ASSERT_EQUAL(ao, n);
        CU_ASSERT_EQUAL(flat.nqubits, n + an);
        SparseState *s = sparse_create(flat.nqubits, 1u << flat.nqubits, NULL);
        CU_ASSERT_FATAL(sparse_run(&flat, s, &err));
        ASSERT_CLOSE(sparse_norm2(s), res.post_product, 1e-12);
        /* ancillas back in |0⟩ */
        for (size_t k = 0; k < sparse_nnz(s); k++) {
            uint64_t key;
            double complex amp;
            sparse_entry(s, k, &key, &amp);
            CU_ASSERT(key >> n == 0 || cabs(amp) < 1e-12);
        }
        double sc = sqrt(res.post_product);
        worst = fmax(worst, diff_to_dense(s, sv, sc));
        sparse_free(s);
        /* the same circuit walked without lowering: no ancillas */
        s = sparse_create(n, 1u << n, NULL);
        uint64_t gates = 0;
        CU_ASSERT_FATAL(sparse_run_circuit(&c, s, &gates, &err));
        CU_ASSERT(gates > 0);
        ASSERT_CLOSE(sparse_norm2(s), res.post_product, 1e-12);
        worst_walk = fmax(worst_walk, diff_to_dense(s, sv, sc));
        sparse_free(s);
        circuit_free(&flat);
        sim_destroy(sv);
        sim_run_result_free(&res);
        circuit_free(&c);
    }
    if (verbose())
        printf("\n  hierarchical: max difference %.3g lowered, %.3g walked\n", worst, worst_walk);
    CU_ASSERT(worst <= 1e-12);
    CU_ASSERT(worst_walk <= 1e-12);
}

/* ---- b. the structured Carleman block encoding ---- */

typedef struct RealIdx {
    uint64_t be;   /* basis index over U_M's system qubits */
    size_t row;    /* unroll's row */
    uint64_t t;
    unsigned j;
    uint32_t i[MODEL_MAX_ORDER];
} RealIdx;

/* Every real index (t, j, i_1..i_j): unroll's row t·D + off[j] + Σ i_m n^(j−m). */
static RealIdx *real_indices(const CarlemanBE *be, const LinSystem *sys, uint32_t n, size_t *count)
{
    size_t cap = sys->dim_sz, k = 0;
    RealIdx *r = xcalloc(cap, sizeof *r);
    for (uint64_t t = 0; t <= be->T + be->P; t++)
        for (unsigned j = 1; j <= be->N; j++) {
            size_t nj = 1;
            for (unsigned m = 0; m < j; m++)
                nj *= n;
            for (size_t pos = 0; pos < nj; pos++) {
                RealIdx *x = &r[k++];
                x->t = t, x->j = j;
                size_t rem = pos;
                for (unsigned m = j; m-- > 0;) /* i_j least significant */
                    x->i[m] = (uint32_t)(rem % n), rem /= n;
                x->be = cbe_real_index(be, t, j, x->i);
                x->row = t * sys->block_sz + sys->lv.off[j] + pos;
            }
        }
    *count = k;
    return r;
}

static const char *real_name(const RealIdx *x, char *buf, size_t len)
{
    int w = snprintf(buf, len, "t%llu y%u(", (unsigned long long)x->t, x->j);
    for (unsigned m = 0; m < x->j && w > 0 && (size_t)w < len; m++)
        w += snprintf(buf + w, len - (size_t)w, m ? ",%u" : "%u", x->i[m]);
    if (w > 0 && (size_t)w < len)
        snprintf(buf + w, len - (size_t)w, ")");
    return buf;
}

typedef struct CbeCheck {
    double max_err;   /* max |B − M/α_M| on real × real (after the phase) */
    double max_errq;  /* the same against M̃, M with sparse_be's quantised entries */
    double bound;     /* the bound on max_err from the angle rounding */
    double pad_mass;  /* max over real columns of Σ |amp|² on non-real rows (flags 0) */
    double pad_real;  /* U_M: max over padding columns of Σ |amp|² on real rows (flags 0) */
    unsigned npad;    /* padding columns run */
    double seconds;
    size_t peak_nnz;
    uint32_t qubits;
    size_t ops;
    unsigned nreal;
    double alpha;
} CbeCheck;

/* B (and for U_H its transposed half Bt) against ref/α: the largest
 * difference after dividing out one global phase (taken from the largest
 * entry); entries off by more than tol are printed. */
static double compare_block(const double complex *B, const double complex *Bt, size_t nr, const RealIdx *rl,
                            const LinSystem *sys, double alpha, double tol, const char *label)
{
    size_t bk = 0;
    for (size_t k = 0; k < nr * nr; k++)
        if (cabs(B[k]) > cabs(B[bk]))
            bk = k;
    double ref_big = sp_get(&sys->M, rl[bk / nr].row, rl[bk % nr].row) / alpha;
    if (ref_big == 0) {
        fprintf(stderr, "\n  %s: the largest entry of the block is 0 in M", label);
        return INFINITY;
    }
    double complex ph = B[bk] / ref_big;
    ph /= cabs(ph);
    double worst = 0;
    for (int half = 0; half < (Bt ? 2 : 1); half++)
        for (size_t k = 0; k < nr; k++)
            for (size_t l = 0; l < nr; l++) {
                /* U_H, half 1: ⟨y, d 1|U_H|x, d 0⟩ = M_xy/α */
                double ref = half == 0 ? sp_get(&sys->M, rl[k].row, rl[l].row) : sp_get(&sys->M, rl[l].row, rl[k].row);
                double complex got = (half == 0 ? B : Bt)[k * nr + l] * conj(ph);
                double e = cabs(got - ref / alpha);
                worst = fmax(worst, e);
                if (e > tol) {
                    char b1[96], b2[96];
                    fprintf(stderr, "\n  %s%s: row %s col %s: got %.10g%+.3gi, M/alpha %.10g (M %.10g)", label,
                            Bt ? (half ? " (M^T half)" : " (M half)") : "", real_name(&rl[k], b1, sizeof b1),
                            real_name(&rl[l], b2, sizeof b2), creal(got), cimag(got), ref / alpha, ref);
                }
            }
    return worst;
}

/* Rounds the entries of F_ℓ (ℓ ≥ 1) as sparse_be's fixed-point tables do
 * (sparse_be_quantise, relative to ‖F_ℓ‖max), so that carleman_build gives
 * M̃, the matrix the circuit encodes exactly. Needs distinct (row,
 * multi-index) entries, as sparse_be sees the merged matrix. */
static void quantise_problem(GdProblem *p, const ModelProblem *m, unsigned bits)
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

/* Builds U_M (uh = false) or U_H (uh = true) for the problem, lowers it and
 * reads its block on the real indices column by column.
 *   U_M: ⟨y, flags 0, ctl 1, anc 0| U_M |x, flags 0, ctl 1, anc 0⟩ = M_yx/α_M.
 *   U_H: ⟨y, d 0| U_H |x, d 1⟩ = M_yx/α_M and ⟨y, d 1| U_H |x, d 0⟩ = M_xy/α_M
 *        (flags, helper and anc 0).
 * Compared with M (within the bound of the angle rounding) and with M̃
 * (within tolq). */
static void check_cbe(const char *text, unsigned bits, bool uh, double tolq, CbeCheck *out)
{
    memset(out, 0, sizeof *out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    Circuit c;
    circuit_init(&c);
    CarlemanBE be;
    CbeOptions co = {.bits = bits, .explicit_oracles = true};
    bool ok = cbe_build(&c, "cb", &m, p, &co, &be, &err);
    if (!ok)
        fprintf(stderr, "\n  cbe_build: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(ok);
    out->alpha = be.alpha_M;
    /* the angle rounding: an entry of F_ℓ is off by at most ‖F_ℓ‖max·π/2^(bits+1)
     * (sparse_be.h); an entry of M sums at most N of them (one per position);
     * the block divides by α_M */
    double fmx = 0;
    for (unsigned l = 1; l <= p->q; l++)
        if (m.F[l].present)
            fmx = fmax(fmx, m.F[l].max_abs);
    out->bound = be.N * fmx * QGD_PI * ldexp(1.0, -(int)bits - 1) / be.alpha_M + tolq;

    /* main: U_M with its control set, or U_H */
    uint32_t nsys = be.nsys, nq = uh ? be.nsys + 1 + be.nflags + 1 : be.nformals;
    uint32_t r = circuit_qreg(&c, "q", nq);
    uint32_t *q = xmalloc(nq * sizeof *q);
    for (uint32_t k = 0; k < nq; k++)
        q[k] = r + k;
    if (!uh) {
        uint32_t ctl = r + be.control;
        circ_gate(&c, &c.main, GATE_X, &ctl, NULL);
    }
    circ_call(&c, &c.main, uh ? be.def_uh : be.def_um, 0, q);
    free(q);
    CU_ASSERT_FATAL(circuit_verify(&c));
    Circuit flat;
    ok = sparse_lower(&c, &flat, 0, NULL, NULL, &err);
    if (!ok)
        fprintf(stderr, "\n  lower: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(ok);
    out->qubits = flat.nqubits;
    out->ops = flat.main.n;
    if (flat.nqubits > SPARSE_MAX_QUBITS) {
        fprintf(stderr, "\n  the lowered encoding has %u qubits, beyond the sparse simulator's %d\n", flat.nqubits,
                SPARSE_MAX_QUBITS);
        CU_FAIL("too many qubits");
        circuit_free(&flat);
        cbe_free(&be);
        circuit_free(&c);
        model_free(&m);
        problem_set_free(&ps);
        return;
    }

    /* the real indices (unroll's layout) */
    Carleman cm;
    LinSystem sys;
    CU_ASSERT_FATAL(carleman_build(p, (int)m.N, FORM_PAPER, &cm, &err));
    CU_ASSERT_FATAL(unroll_build(&cm, m.P, &sys, &err));
    size_t nr;
    RealIdx *rl = real_indices(&be, &sys, p->n, &nr);
    out->nreal = (unsigned)nr;
    uint64_t sysmask = ((uint64_t)1 << nsys) - 1;
    size_t *where = xmalloc(((size_t)1 << nsys) * sizeof *where);
    for (uint64_t v = 0; v <= sysmask; v++)
        where[v] = SIZE_MAX;
    for (size_t k = 0; k < nr; k++)
        where[rl[k].be] = k;

    /* the block B[row k][column l] (and, for U_H, its transposed half) */
    double complex *B = xcalloc(nr * nr, sizeof *B), *Bt = uh ? xcalloc(nr * nr, sizeof *Bt) : NULL;
    SparseState *s = sparse_create(flat.nqubits, (size_t)1 << 22, NULL);
    CU_ASSERT_FATAL(s != NULL);
    uint64_t dbit = (uint64_t)1 << nsys; /* U_H: d right after the system */
    uint64_t want_ctl = uh ? 0 : (uint64_t)1 << be.control;
    ok = true;
    for (int half = 0; half < (uh ? 2 : 1) && ok; half++) {
        for (size_t l = 0; l < nr && ok; l++) {
            sparse_set_basis(s, rl[l].be | (uh && half == 0 ? dbit : 0));
            ok = sparse_run(&flat, s, &err);
            if (!ok) {
                fprintf(stderr, "\n  sparse_run: %s\n", err), free(err), err = NULL;
                CU_FAIL("sparse run refused");
                break;
            }
            double pad = 0;
            for (size_t e = 0; e < sparse_nnz(s); e++) {
                uint64_t key;
                double complex a;
                sparse_entry(s, e, &key, &a);
                uint64_t sv = key & sysmask, rest = key >> nsys;
                if (uh) {
                    /* d flips: column d = 1 → row d = 0 and back; all else 0 */
                    if ((rest >> 1) != 0 || (rest & 1) != (half == 0 ? 0u : 1u))
                        continue;
                } else if ((key & ~sysmask) != want_ctl)
                    continue;
                if (where[sv] == SIZE_MAX)
                    pad += creal(a * conj(a));
                else
                    (half == 0 ? B : Bt)[where[sv] * nr + l] = a;
            }
            out->pad_mass = fmax(out->pad_mass, pad);
        }
    }
    /* U_M: padding columns (every system value that is not real) never reach
     * a real row */
    for (uint64_t v = 0; v <= sysmask && ok && !uh; v++) {
        if (where[v] != SIZE_MAX)
            continue;
        sparse_set_basis(s, v);
        ok = sparse_run(&flat, s, &err);
        if (!ok) {
            fprintf(stderr, "\n  sparse_run: %s\n", err), free(err), err = NULL;
            CU_FAIL("sparse run refused");
            break;
        }
        out->npad++;
        double mass = 0;
        for (size_t e = 0; e < sparse_nnz(s); e++) {
            uint64_t key;
            double complex a;
            sparse_entry(s, e, &key, &a);
            if ((key & ~sysmask) == want_ctl && where[key & sysmask] != SIZE_MAX)
                mass += creal(a * conj(a));
        }
        out->pad_real = fmax(out->pad_real, mass);
    }
    out->peak_nnz = sparse_peak_nnz(s);
    if (ok) {
        const char *lab = uh ? "U_H" : "U_M";
        out->max_err = compare_block(B, Bt, nr, rl, &sys, be.alpha_M, out->bound, lab);
        /* M̃: the same system from the quantised F_ℓ */
        Carleman cmq;
        LinSystem sysq;
        quantise_problem(p, &m, bits);
        CU_ASSERT_FATAL(carleman_build(p, (int)m.N, FORM_PAPER, &cmq, &err));
        CU_ASSERT_FATAL(unroll_build(&cmq, m.P, &sysq, &err));
        out->max_errq = compare_block(B, Bt, nr, rl, &sysq, be.alpha_M, tolq, uh ? "U_H vs quantised M" : "U_M vs quantised M");
        lin_system_free(&sysq);
        carleman_free(&cmq);
    } else
        out->max_err = out->max_errq = INFINITY;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    sparse_free(s);
    free(B), free(Bt), free(where), free(rl);
    lin_system_free(&sys);
    carleman_free(&cm);
    circuit_free(&flat);
    cbe_free(&be);
    circuit_free(&c);
    model_free(&m);
    problem_set_free(&ps);
}

/* Tolerances: against M̃ (the entries rounded exactly as the tables round
 * them) only the simulation's rounding remains: 1e-12. Against M, the
 * bound of the angle rounding: N·max_ℓ ‖F_ℓ‖max·π/2^(bits+1)/α_M
 * (sparse_be.h: |Ã_ij − A_ij| ≤ ‖A‖max·π/2^(b+1); an entry of M sums at
 * most N such terms). bits = 20: about 1e-7; measured 3e-8 to 5e-8, and
 * ~1e-16 with n = 1 (every F_ℓ entry is its own ‖F_ℓ‖max: no rounding). */
#define CBE_TOLQ 1e-12

static void cbe_case(const char *what, const char *text, unsigned bits, bool uh)
{
    CbeCheck r;
    check_cbe(text, bits, uh, CBE_TOLQ, &r);
    if (verbose())
        printf("\n  %s%s, %u bits: %u real indices, %u qubits, %zu ops, peak %zu nonzeros, alpha %.4g, max error vs M "
               "%.3g (bound %.3g), vs quantised M %.3g, real->padding mass %.3g, padding->real mass %.3g (%u columns), %.3f s",
               what, uh ? " (U_H)" : "", bits, r.nreal, r.qubits, r.ops, r.peak_nnz, r.alpha, r.max_err, r.bound,
               r.max_errq, r.pad_mass, r.pad_real, r.npad, r.seconds);
    CU_ASSERT(r.max_err <= r.bound);
    CU_ASSERT(r.max_errq <= CBE_TOLQ);
    CU_ASSERT(r.pad_mass <= 1e-24);
    CU_ASSERT(r.pad_real <= 1e-24);
}

#define GD1(T, N, P)                                                                                               \
    "gd a { param u[1] = 0.5; eta = 0.1; T = " #T "; loss = 0.5*u[0]^2 + 0.3*u[0]^3/3 + 0.4*u[0];"               \
    " options { carleman_order = " #N "; carleman_form = paper; idle_blocks = " #P "; } }"
#define GD2(T, N, P)                                                                                               \
    "gd b { param u[2] = [0.5, -0.3]; eta = 0.1; T = " #T ";"                                                     \
    " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.1*u[0]^3 - 0.2*u[1]^2*u[0] + 0.4*u[0] - 0.3*u[1];"     \
    " options { carleman_order = " #N "; carleman_form = paper; idle_blocks = " #P "; } }"

#define GD3(T, N, P)                                                                                               \
    "gd c { param u[3] = [0.5, -0.3, 0.2]; eta = 0.1; T = " #T ";"                                                \
    " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.9*u[2]^2 + 0.3*u[0]*u[1] - 0.2*u[1]*u[2] + 0.1*u[0]^3"                  \
    " - 0.2*u[1]^2*u[2] + 0.15*u[2]^3 + 0.4*u[0] - 0.3*u[2];"                                                    \
    " options { carleman_order = " #N "; carleman_form = paper; idle_blocks = " #P "; } }"

/* ⟨0|U_M|0⟩ = M/α_M on the real indices, and padding never reached from
 * them (flags 0): F_0, F_1, F_2 present; n = 1, 2; N = 1, 2; T = 1, 2; one
 * idle block. */
static void test_cbe_block(void)
{
    cbe_case("n=1 N=1 T=1", GD1(1, 1, 0), 20, false);
    cbe_case("n=1 N=2 T=1", GD1(1, 2, 0), 20, false);
    cbe_case("n=1 N=2 T=2", GD1(2, 2, 0), 20, false);
    cbe_case("n=1 N=2 T=1 P=1", GD1(1, 2, 1), 20, false);
    cbe_case("n=2 N=1 T=1", GD2(1, 1, 0), 20, false);
    cbe_case("n=2 N=1 T=2", GD2(2, 1, 0), 20, false);
    cbe_case("n=2 N=2 T=1", GD2(1, 2, 0), 20, false);
    cbe_case("n=2 N=2 T=2", GD2(2, 2, 0), 20, false);
    cbe_case("n=2 N=2 T=2 P=1", GD2(2, 2, 1), 12, false);
    cbe_case("n=2 N=2 T=1", GD2(1, 2, 0), 28, false);
    cbe_case("n=3 N=2 T=1", GD3(1, 2, 0), 12, false);
    cbe_case("n=2 N=3 T=1", GD2(1, 3, 0), 12, false);
}

static void test_cbe_dilation(void)
{
    cbe_case("n=1 N=2 T=1", GD1(1, 2, 0), 20, true);
    cbe_case("n=2 N=2 T=1", GD2(1, 2, 0), 20, true);
}

void suite_sparse_sim(void);
void suite_sparse_sim(void)
{
    UNIT_SUITE("sparse_sim", {"random flat circuits against the dense executor", test_random_flat},
               {"nonzero counts, 64 qubits, projection", test_counts_and_wide}, {"refusals", test_refusals},
               {"lowered hierarchical circuits against the dense executor", test_hier_vs_dense},
               {"Carleman encoding: <0|U_M|0> = M/alpha_M", test_cbe_block},
               {"Carleman encoding: <0|U_H|0> = [[0,M],[M^T,0]]/alpha_M", test_cbe_dilation});
}
