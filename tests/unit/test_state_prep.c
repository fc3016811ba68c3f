/* test_state_prep.c — amplitude encoding (src/passes/state_prep.c), run by
 * the circuit executor and compared with the vector itself:
 *   - D|0…0⟩ = v/‖v‖ amplitude by amplitude, real and imaginary parts,
 *     within 1e-12 (so the global phase is exactly +1), for random vectors
 *     with signs and zeros, k = 0..8, dense and sparse constructions and
 *     the automatic choice; special vectors (basis states, negative basis
 *     states, one sign flipped, tiny entries);
 *   - inv @ D maps v/‖v‖ back to |0…0⟩ within 1e-12;
 *   - under a control in (|0⟩ + |1⟩)/√2, positive and negative: the state
 *     is (|0⟩|0…0⟩ + |1⟩|ψ⟩)/√2 (resp. with the roles swapped) within 1e-12;
 *   - the cost estimates against the resource counter (resources.h) on the
 *     lowering, both constructions, exactly (rotations, T, CCZ, cx), also
 *     for structured vectors whose angles are multiples of π/4; the
 *     automatic choice; the sparse construction's gate count grows with
 *     nnz, not with 2^k (k = 40);
 *   - refusals: non-finite entries, a zero vector, duplicate or
 *     out-of-range indices, sizes beyond the limits. */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "passes/state_prep.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

#define TOL 1e-12

/* splitmix64: reproducible */
static UnitRng rng = {0x5eed5eedULL};


/* A random vector of 2^k entries: about `density` of them nonzero (at
 * least one), values of both signs in ±[0.05, 1]. */
static double *random_vector(unsigned k, double density)
{
    uint64_t dim = (uint64_t)1 << k;
    double *v = xcalloc(dim, sizeof *v);
    bool any = false;
    for (uint64_t i = 0; i < dim; i++)
        if (unit_urand(&rng) < density) {
            v[i] = (0.05 + 0.95 * unit_urand(&rng)) * (unit_urand(&rng) < 0.5 ? -1 : 1);
            any = true;
        }
    if (!any)
        v[unit_next64(&rng) % dim] = -0.7;
    return v;
}

/* ‖v‖, scaled by max|v_i| so that 1e300 does not overflow */
static double vnorm(const double *v, uint64_t dim)
{
    double mx = 0, s = 0;
    for (uint64_t i = 0; i < dim; i++)
        mx = fmax(mx, fabs(v[i]));
    for (uint64_t i = 0; i < dim; i++)
        s += (v[i] / mx) * (v[i] / mx);
    return mx * sqrt(s);
}

/* max |a − b| over the state, b real. */
static double state_diff(const StateVec *sv, const double *b, double scale)
{
    double worst = 0;
    for (uint64_t i = 0; i < sv->dim; i++)
        worst = fmax(worst, cabs(sv->amp[i] - b[i] * scale));
    return worst;
}

/* Builds the definition in a circuit of k (+ extra) qubits; main empty. */
static uint32_t make_def(Circuit *c, unsigned k, unsigned extra, const double *v, StatePrepMethod m,
                         StatePrepInfo *info)
{
    circuit_init(c);
    circuit_qreg(c, "q", k + extra);
    uint32_t d = UINT32_MAX;
    char *err = NULL;
    bool ok = state_prep_def(c, "prep", k, v, m, &d, info, &err);
    if (!ok)
        fprintf(stderr, "\n  state_prep_def: %s\n", err);
    free(err);
    CU_ASSERT_FATAL(ok);
    return d;
}

/* D|0⟩ = v/‖v‖ and D†(v/‖v‖) = |0⟩. */
static void check_prepares(unsigned k, const double *v, StatePrepMethod method)
{
    uint64_t dim = (uint64_t)1 << k;
    double nv = vnorm(v, dim);
    Circuit c;
    StatePrepInfo info;
    uint32_t d = make_def(&c, k, 0, v, method, &info);
    CU_ASSERT(method == SP_AUTO || info.method == method);
    ASSERT_CLOSE(info.norm, nv, 1e-14);
    uint32_t q[64];
    for (unsigned j = 0; j < k; j++)
        q[j] = j;
    circ_call(&c, &c.main, d, 0, q);
    CU_ASSERT_FATAL(circuit_verify(&c));
    char *err = NULL;
    StateVec *sv = sim_run_new(&c, NULL, NULL, &err);
    CU_ASSERT_FATAL(sv != NULL);
    double diff = state_diff(sv, v, 1 / nv);
    if (diff > TOL)
        fprintf(stderr, "\n  k = %u (%s): state differs by %g\n", k, state_prep_method_name(info.method), diff);
    CU_ASSERT(diff <= TOL);
    /* the inverse takes v/‖v‖ back to |0…0⟩ */
    c.main.ops[0]->inv = true;
    double complex *a = xmalloc(dim * sizeof *a);
    for (uint64_t i = 0; i < dim; i++)
        a[i] = v[i] / nv;
    sim_set_amplitudes(sv, a, dim);
    CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, &err));
    double *e0 = xcalloc(dim, sizeof *e0);
    e0[0] = 1;
    diff = state_diff(sv, e0, 1);
    if (diff > TOL)
        fprintf(stderr, "\n  k = %u (%s): inverse leaves %g off |0>\n", k, state_prep_method_name(info.method), diff);
    CU_ASSERT(diff <= TOL);
    free(e0);
    free(a);
    sim_destroy(sv);
    circuit_free(&c);
}

static void test_dense_random(void)
{
    for (unsigned k = 0; k <= 8; k++)
        for (int trial = 0; trial < 6; trial++) {
            double *v = random_vector(k, trial < 3 ? 1.0 : 0.6);
            check_prepares(k, v, SP_DENSE);
            free(v);
        }
}

static void test_sparse_random(void)
{
    static const double dens[] = {0.02, 0.1, 0.3, 0.7, 1.0};
    for (unsigned k = 0; k <= 8; k++)
        for (int di = 0; di < 5; di++)
            for (int trial = 0; trial < 3; trial++) {
                double *v = random_vector(k, dens[di]);
                check_prepares(k, v, SP_SPARSE);
                check_prepares(k, v, SP_AUTO);
                free(v);
            }
}

static void test_special_vectors(void)
{
    for (unsigned k = 0; k <= 5; k++) {
        uint64_t dim = (uint64_t)1 << k;
        double *v = xcalloc(dim, sizeof *v);
        for (int method = SP_DENSE; method <= SP_SPARSE; method++) {
            /* ±basis states, including −|0⟩ and −|1…1⟩ */
            for (uint64_t i = 0; i < dim; i++)
                for (int sg = -1; sg <= 1; sg += 2) {
                    memset(v, 0, dim * sizeof *v);
                    v[i] = 3.0 * sg;
                    check_prepares(k, v, (StatePrepMethod)method);
                }
            /* uniform with one sign flipped; two entries; tiny next to large */
            for (uint64_t i = 0; i < dim; i++)
                v[i] = 1;
            v[dim - 1] = -1;
            check_prepares(k, v, (StatePrepMethod)method);
            memset(v, 0, dim * sizeof *v);
            v[0] = -2, v[dim - 1] = 1e-9;
            check_prepares(k, v, (StatePrepMethod)method);
            v[0] = 1e300, v[dim - 1] = -1e300; /* no overflow in the norms */
            check_prepares(k, v, (StatePrepMethod)method);
        }
        free(v);
    }
}

/* Control qubit k in (|0⟩ + |1⟩)/√2 (h), then [neg]ctrl @ D on 0..k−1. */
static void check_controlled(unsigned k, const double *v, StatePrepMethod method, bool neg)
{
    uint64_t dim = (uint64_t)1 << k;
    double nv = vnorm(v, dim);
    Circuit c;
    uint32_t d = make_def(&c, k, 1, v, method, NULL);
    uint32_t q[64], ctl = k;
    q[0] = ctl;
    for (unsigned j = 0; j < k; j++)
        q[j + 1] = j;
    circ_gate(&c, &c.main, GATE_H, &ctl, NULL);
    Op *op = circ_call(&c, &c.main, d, 1, q);
    op->negctrl = neg;
    CU_ASSERT_FATAL(circuit_verify(&c));
    StateVec *sv = sim_run_new(&c, NULL, NULL, NULL);
    CU_ASSERT_FATAL(sv != NULL);
    double *want = xcalloc(2 * dim, sizeof *want);
    uint64_t fire = neg ? 0 : dim, idle = neg ? dim : 0; /* control bit value × 2^k */
    want[idle] += 1 / sqrt(2.0);
    for (uint64_t i = 0; i < dim; i++)
        want[fire + i] += v[i] / nv / sqrt(2.0);
    double diff = state_diff(sv, want, 1);
    if (diff > TOL)
        fprintf(stderr, "\n  controlled k = %u (%s%s): state differs by %g\n", k, state_prep_method_name(method),
                neg ? ", negctrl" : "", diff);
    CU_ASSERT(diff <= TOL);
    /* control in |0⟩ (resp. |1⟩ for negctrl): nothing happens */
    c.main.n = 1;
    c.main.ops[0] = circ_gate(&c, NULL, neg ? GATE_X : GATE_ID, &ctl, NULL);
    circ_call(&c, &c.main, d, 1, q)->negctrl = neg;
    sim_reset_zero(sv);
    CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
    memset(want, 0, 2 * dim * sizeof *want);
    want[neg ? dim : 0] = 1;
    CU_ASSERT(state_diff(sv, want, 1) <= TOL);
    free(want);
    sim_destroy(sv);
    circuit_free(&c);
}

static void test_controlled(void)
{
    for (unsigned k = 0; k <= 6; k++)
        for (int trial = 0; trial < 4; trial++) {
            double *v = random_vector(k, trial % 2 ? 0.15 : 1.0);
            for (int method = SP_DENSE; method <= SP_SPARSE; method++) {
                check_controlled(k, v, (StatePrepMethod)method, false);
                check_controlled(k, v, (StatePrepMethod)method, true);
            }
            free(v);
        }
}

/* Counts of one uncontrolled call of the definition, by the resource counter. */
static void count_def(unsigned k, const double *v, StatePrepMethod method, StatePrepInfo *info, ResCounts *r)
{
    Circuit c;
    uint32_t d = make_def(&c, k, 0, v, method, info);
    uint32_t q[64];
    for (unsigned j = 0; j < k; j++)
        q[j] = j;
    circ_call(&c, &c.main, d, 0, q);
    CU_ASSERT_FATAL(circuit_verify(&c));
    res_count(&c, r);
    circuit_free(&c);
}

static void test_cost_estimates(void)
{
    for (unsigned k = 1; k <= 9; k++)
        for (int trial = 0; trial < 4; trial++) {
            double *v = random_vector(k, trial == 0 ? 1.0 : trial == 1 ? 0.5 : 4.0 / (double)(1u << k));
            StatePrepInfo in;
            ResCounts r;
            res_init(&r);
            count_def(k, v, SP_SPARSE, &in, &r);
            CU_ASSERT(mpz_cmp_ui(r.rotations, in.sparse.rotations) == 0);
            CU_ASSERT(mpz_cmp_ui(r.t_count, in.sparse.t) == 0);
            CU_ASSERT(mpz_cmp_ui(r.ccz, in.sparse.ccz) == 0);
            CU_ASSERT(in.sparse_cost == in.sparse.rotations + in.sparse.t + in.sparse.ccz);
            res_clear(&r);
            res_init(&r);
            count_def(k, v, SP_DENSE, &in, &r);
            CU_ASSERT(mpz_cmp_ui(r.rotations, in.dense.rotations) == 0);
            CU_ASSERT(mpz_cmp_ui(r.t_count, in.dense.t) == 0);
            CU_ASSERT(mpz_cmp_ui(r.ccz, 0) == 0 && in.dense.ccz == 0);
            CU_ASSERT(mpz_cmp_ui(r.gate[GATE_CX], in.dense.cx) == 0);
            CU_ASSERT(in.dense.rotations + in.dense.t <= (1u << k) - 1);
            CU_ASSERT(in.dense.cx == (1u << k) - 2);
            res_clear(&r);
            free(v);
        }
}

/* Structured vectors: angles that are multiples of π/4 (uniform
 * superpositions, sign patterns, basis states) must be counted as the
 * lowering counts them (Clifford or T, not rotations). */
static void test_cost_structured(void)
{
    for (unsigned k = 1; k <= 8; k++) {
        uint64_t dim = (uint64_t)1 << k;
        double *v = xcalloc(dim, sizeof *v);
        for (int kind = 0; kind < 5; kind++) {
            for (uint64_t i = 0; i < dim; i++) {
                switch (kind) {
                case 0: v[i] = 1; break;                            /* uniform */
                case 1: v[i] = i < dim / 2 || dim == 2 ? 1 : 0; break; /* half */
                case 2: v[i] = i % 2 ? -1 : 1; break;               /* alternating signs */
                case 3: v[i] = i == dim - 1 ? -1 : 0; break;        /* −|1…1⟩ */
                default: v[i] = (i % 3 == 0) ? 1 : 0; break;        /* every third */
                }
            }
            for (int method = SP_DENSE; method <= SP_SPARSE; method++) {
                StatePrepInfo in;
                ResCounts r;
                res_init(&r);
                count_def(k, v, (StatePrepMethod)method, &in, &r);
                const SpCost *e = method == SP_DENSE ? &in.dense : &in.sparse;
                bool ok = mpz_cmp_ui(r.rotations, e->rotations) == 0 && mpz_cmp_ui(r.t_count, e->t) == 0 &&
                          mpz_cmp_ui(r.ccz, e->ccz) == 0;
                if (!ok)
                    gmp_fprintf(stderr, "\n  k = %u kind %d %s: counted %Zd rot %Zd t %Zd ccz, estimated %llu %llu %llu\n",
                                k, kind, state_prep_method_name((StatePrepMethod)method), r.rotations, r.t_count,
                                r.ccz, (unsigned long long)e->rotations, (unsigned long long)e->t,
                                (unsigned long long)e->ccz);
                CU_ASSERT(ok);
                res_clear(&r);
                check_prepares(k, v, (StatePrepMethod)method);
            }
        }
        free(v);
    }
}

static void test_auto_choice(void)
{
    /* a few nonzeros in 2^8: sparse; a full vector: dense; and the rule */
    for (unsigned k = 3; k <= 8; k++) {
        uint64_t dim = (uint64_t)1 << k;
        double *v = xcalloc(dim, sizeof *v);
        v[1] = 0.3, v[dim - 2] = -0.4, v[dim / 2 + 1] = 0.5;
        Circuit c;
        StatePrepInfo in;
        make_def(&c, k, 0, v, SP_AUTO, &in);
        CU_ASSERT(in.nnz == 3);
        CU_ASSERT(in.method == (in.sparse_cost < in.dense_cost ? SP_SPARSE : SP_DENSE));
        if (k >= 5)
            CU_ASSERT(in.method == SP_SPARSE);
        circuit_free(&c);
        free(v);
        v = random_vector(k, 1.0);
        make_def(&c, k, 0, v, SP_AUTO, &in);
        CU_ASSERT(in.method == SP_DENSE);
        CU_ASSERT(in.sparse_cost > in.dense_cost);
        circuit_free(&c);
        free(v);
    }
}

static void test_sparse_input_large(void)
{
    /* 6 nonzeros on 40 qubits: a few dozen operations; and the sparse entry
     * point agrees with the dense one on a small case (same definition) */
    uint64_t idx[6] = {(uint64_t)1 << 39, 5, 0, ((uint64_t)1 << 40) - 1, 123456789, (uint64_t)3 << 30};
    double val[6] = {0.5, -0.25, 0.125, -1, 0.75, 0.3};
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 40);
    uint32_t d;
    StatePrepInfo in;
    char *err = NULL;
    CU_ASSERT_FATAL(state_prep_def_sparse(&c, "big", 40, 6, idx, val, SP_AUTO, &d, &in, &err));
    CU_ASSERT(in.method == SP_SPARSE);
    CU_ASSERT(in.nnz == 6);
    CU_ASSERT(in.sparse_ops <= 5 + 6 * 40);
    CU_ASSERT(c.defs[d].body.n == in.sparse_ops);
    CU_ASSERT(in.dense_cost == 0 && in.dense.rotations == 0); /* dense impossible */
    CU_ASSERT(circuit_verify(&c));
    CU_ASSERT(!state_prep_def_sparse(&c, "big2", 40, 6, idx, val, SP_DENSE, &d, &in, &err));
    CU_ASSERT(err && strstr(err, "dense"));
    free(err), err = NULL;
    circuit_free(&c);

    /* k = 7 through the sparse entry point (unsorted input, a zero value) */
    uint64_t i2[5] = {100, 3, 64, 127, 9};
    double v2[5] = {0.2, -0.9, 0.0, 0.4, -0.1};
    double *v = xcalloc(128, sizeof *v);
    for (int t = 0; t < 5; t++)
        v[i2[t]] = v2[t];
    circuit_init(&c);
    circuit_qreg(&c, "q", 7);
    CU_ASSERT_FATAL(state_prep_def_sparse(&c, "prep7", 7, 5, i2, v2, SP_SPARSE, &d, &in, &err));
    CU_ASSERT(in.nnz == 4);
    uint32_t q[7] = {0, 1, 2, 3, 4, 5, 6};
    circ_call(&c, &c.main, d, 0, q);
    StateVec *sv = sim_run_new(&c, NULL, NULL, NULL);
    CU_ASSERT_FATAL(sv != NULL);
    CU_ASSERT(state_diff(sv, v, 1 / vnorm(v, 128)) <= TOL);
    sim_destroy(sv);
    circuit_free(&c);
    free(v);
}

static void test_refusals(void)
{
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 3);
    uint32_t d;
    char *err = NULL;
    double v[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    v[3] = NAN;
    CU_ASSERT(!state_prep_def(&c, "a", 3, v, SP_AUTO, &d, NULL, &err));
    CU_ASSERT(err && strstr(err, "entry 3") && strstr(err, "finite"));
    free(err), err = NULL;
    v[3] = -INFINITY;
    CU_ASSERT(!state_prep_def(&c, "a", 3, v, SP_SPARSE, &d, NULL, &err));
    CU_ASSERT(err && strstr(err, "finite"));
    free(err), err = NULL;
    memset(v, 0, sizeof v);
    CU_ASSERT(!state_prep_def(&c, "a", 3, v, SP_DENSE, &d, NULL, &err));
    CU_ASSERT(err && strstr(err, "zero"));
    free(err), err = NULL;
    uint64_t idx[3] = {1, 5, 1};
    double val[3] = {1, 2, 3};
    CU_ASSERT(!state_prep_def_sparse(&c, "a", 3, 3, idx, val, SP_AUTO, &d, NULL, &err));
    CU_ASSERT(err && strstr(err, "twice"));
    free(err), err = NULL;
    idx[2] = 8;
    CU_ASSERT(!state_prep_def_sparse(&c, "a", 3, 3, idx, val, SP_AUTO, &d, NULL, &err));
    CU_ASSERT(err && strstr(err, "out of range"));
    free(err), err = NULL;
    CU_ASSERT(!state_prep_def(&c, "a", SP_MAX_DENSE_QUBITS + 1, v, SP_AUTO, &d, NULL, &err));
    CU_ASSERT(err != NULL);
    free(err), err = NULL;
    CU_ASSERT(!state_prep_def_sparse(&c, "a", SP_MAX_QUBITS + 1, 1, idx, val, SP_AUTO, &d, NULL, &err));
    CU_ASSERT(err != NULL);
    free(err), err = NULL;
    CU_ASSERT(c.ndefs == 0); /* nothing was added */
    circuit_free(&c);
}

void suite_state_prep(void);
void suite_state_prep(void)
{
    UNIT_SUITE("state_prep", {"dense tree, random vectors k = 0..8", test_dense_random},
               {"sparse loader and auto, random vectors", test_sparse_random},
               {"basis states, signs, extreme scales", test_special_vectors},
               {"under a control, positive and negative", test_controlled},
               {"cost estimates against the resource counter", test_cost_estimates},
               {"cost estimates, structured vectors", test_cost_structured},
               {"automatic choice", test_auto_choice}, {"sparse input, 40 qubits", test_sparse_input_large},
               {"refusals", test_refusals});
}
