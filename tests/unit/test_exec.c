/* test_exec.c — the circuit executor (src/sim/exec.c) against a slow,
 * obviously correct reference: every operation of a random circuit is
 * built as a full 2^n × 2^n matrix (a gate from its textbook definition
 * embedded on its operands, a control as "identity unless the controls
 * fire", inv as the conjugate transpose of the whole matrix, pow as a
 * matrix power, a call as the product of its body's matrices) and the
 * product is applied to a random state; amplitudes agree within 1e-12,
 * global phase included. Then measurement, reset, post-selection,
 * conditions, and the refusals (memory budget, operation limit,
 * probability-0 branch).
 *
 * Gate fusion (exec.h): the dense kernel sim_apply_mcdense against a
 * per-amplitude reference (1e-12); random circuits of random definitions
 * called with pow up to 2^12, inv, controls of both polarities and nested
 * calls, run fused (always, auto) and unfused: amplitudes agree within
 * 1e-10 (pow 2^12 of a body of ~10 operations: unfused rounding alone is
 * ~1e-12); sim_def_matrix against the reference product (1e-12) and, for
 * pow = 2^20 of a product of 1-qubit gates, against the exactly folded
 * powers of its factors (1e-9), with ‖U†U − I‖_F ≤ 1e-12 after
 * re-unitarisation; the fallback when the matrices do not fit. */
#include "unit.h"
#include "support/cmplx.h"
#include "support/consts.h"

#include <complex.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

#define TOL 1e-12

typedef double complex cplx;

/* ---- dense reference ---- */

static cplx *mat_new(uint64_t d) { return xcalloc(d * d, sizeof(cplx)); }

static cplx *mat_eye(uint64_t d)
{
    cplx *m = mat_new(d);
    for (uint64_t i = 0; i < d; i++)
        m[i * d + i] = 1;
    return m;
}

/* a ← b·a */
static void mat_lmul(cplx *a, const cplx *b, uint64_t d)
{
    cplx *r = mat_new(d);
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t k = 0; k < d; k++)
            if (b[i * d + k] != 0)
                for (uint64_t j = 0; j < d; j++)
                    r[i * d + j] += b[i * d + k] * a[k * d + j];
    memcpy(a, r, d * d * sizeof *r);
    free(r);
}

static void mat_adj(cplx *a, uint64_t d)
{
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = i; j < d; j++) {
            cplx x = a[i * d + j], y = a[j * d + i];
            a[i * d + j] = conj(y), a[j * d + i] = conj(x);
        }
}

static void mat_pow(cplx *a, uint64_t k, uint64_t d)
{
    cplx *base = mat_new(d);
    memcpy(base, a, d * d * sizeof *a);
    for (uint64_t i = 1; i < k; i++)
        mat_lmul(a, base, d);
    free(base);
}

static void m2(cplx *m, cplx a, cplx b, cplx c, cplx e) { m[0] = a, m[1] = b, m[2] = c, m[3] = e; }

static void rz(cplx *m, double t) { m2(m, cexp(-I * t / 2), 0, 0, cexp(I * t / 2)); }
static void ry(cplx *m, double t) { m2(m, cos(t / 2), -sin(t / 2), sin(t / 2), cos(t / 2)); }

/* The gate on its own qubits, local index bit j = operand j (textbook). */
static cplx *base_matrix(GateKind g, const double *p, int *k)
{
    *k = gate_info[g].nqubits;
    uint64_t d = (uint64_t)1 << *k;
    cplx *m = mat_new(d);
    double r = 1 / sqrt(2.0);
    switch (g) {
    case GATE_ID: m2(m, 1, 0, 0, 1); break;
    case GATE_H: m2(m, r, r, r, -r); break;
    case GATE_X: m2(m, 0, 1, 1, 0); break;
    case GATE_Y: m2(m, 0, -I, I, 0); break;
    case GATE_Z: m2(m, 1, 0, 0, -1); break;
    case GATE_S: m2(m, 1, 0, 0, I); break;
    case GATE_SDG: m2(m, 1, 0, 0, -I); break;
    case GATE_T: m2(m, 1, 0, 0, cexp(I * QGD_PI / 4)); break;
    case GATE_TDG: m2(m, 1, 0, 0, cexp(-I * QGD_PI / 4)); break;
    case GATE_SX: m2(m, (1 + I) / 2, (1 - I) / 2, (1 - I) / 2, (1 + I) / 2); break;
    case GATE_RX: m2(m, cos(p[0] / 2), -I * sin(p[0] / 2), -I * sin(p[0] / 2), cos(p[0] / 2)); break;
    case GATE_RY: ry(m, p[0]); break;
    case GATE_RZ: rz(m, p[0]); break;
    case GATE_P: m2(m, 1, 0, 0, cexp(I * p[0])); break;
    case GATE_U: { /* e^{i(φ+λ)/2} rz(φ) ry(θ) rz(λ) */
        cplx a[4], b[4], c[4];
        rz(a, p[2]), ry(b, p[0]), rz(c, p[1]);
        cplx ba[4] = {b[0] * a[0] + b[1] * a[2], b[0] * a[1] + b[1] * a[3], b[2] * a[0] + b[3] * a[2],
                      b[2] * a[1] + b[3] * a[3]};
        cplx ph = cexp(I * (p[1] + p[2]) / 2);
        m[0] = ph * (c[0] * ba[0] + c[1] * ba[2]), m[1] = ph * (c[0] * ba[1] + c[1] * ba[3]);
        m[2] = ph * (c[2] * ba[0] + c[3] * ba[2]), m[3] = ph * (c[2] * ba[1] + c[3] * ba[3]);
        break;
    }
    case GATE_CX: /* operand 0 controls operand 1 */
    case GATE_CZ:
    case GATE_SWAP:
    case GATE_CCX:
        for (uint64_t i = 0; i < d; i++) {
            uint64_t j = i;
            cplx v = 1;
            if (g == GATE_CX && (i & 1))
                j = i ^ 2;
            if (g == GATE_CZ && i == 3)
                v = -1;
            if (g == GATE_SWAP)
                j = (i >> 1 & 1) | (i & 1) << 1;
            if (g == GATE_CCX && (i & 3) == 3)
                j = i ^ 4;
            m[j * d + i] = v;
        }
        break;
    case GATE_GPHASE: m[0] = cexp(I * p[0]); break;
    case GATE_COUNT: break;
    }
    return m;
}

/* The k-qubit matrix b on operands q of an n-qubit space. */
static cplx *embed(const cplx *b, int k, const uint32_t *q, int n)
{
    uint64_t d = (uint64_t)1 << n, mask = 0, kd = (uint64_t)1 << k;
    for (int j = 0; j < k; j++)
        mask |= (uint64_t)1 << q[j];
    cplx *m = mat_new(d);
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++) {
            if ((i & ~mask) != (j & ~mask))
                continue;
            uint64_t li = 0, lj = 0;
            for (int t = 0; t < k; t++)
                li |= (i >> q[t] & 1) << t, lj |= (j >> q[t] & 1) << t;
            m[i * d + j] = b[li * kd + lj];
        }
    return m;
}

/* Identity on the rows where the controls do not fire. */
static void control(cplx *m, uint64_t ctrl, uint64_t neg, uint64_t d)
{
    for (uint64_t i = 0; i < d; i++)
        if ((i & ctrl) != (ctrl & ~neg))
            for (uint64_t j = 0; j < d; j++)
                m[i * d + j] = i == j;
}

static cplx *op_matrix(const Circuit *c, const Op *op, const uint32_t *map, int n);

static cplx *body_matrix(const Circuit *c, const GateDef *def, const uint32_t *map, int n)
{
    uint64_t d = (uint64_t)1 << n;
    cplx *m = mat_eye(d);
    for (size_t i = 0; i < def->body.n; i++) {
        cplx *o = op_matrix(c, def->body.ops[i], map, n);
        mat_lmul(m, o, d);
        free(o);
    }
    return m;
}

static cplx *op_matrix(const Circuit *c, const Op *op, const uint32_t *map, int n)
{
    uint64_t d = (uint64_t)1 << n, ctrl = 0, neg = 0;
    uint32_t q[16];
    for (uint32_t j = 0; j < op->nq; j++)
        q[j] = map ? map[op->q[j]] : op->q[j];
    for (uint32_t j = 0; j < op->nctrl; j++) {
        ctrl |= (uint64_t)1 << q[j];
        if (op->negctrl >> j & 1)
            neg |= (uint64_t)1 << q[j];
    }
    cplx *m;
    if (op->kind == OP_GATE) {
        int k;
        cplx *b = base_matrix(op->gate, op->param, &k);
        m = embed(b, k, q + op->nctrl, n);
        free(b);
    } else if (op->kind == OP_CALL)
        m = body_matrix(c, &c->defs[op->def], q + op->nctrl, n);
    else if (op->kind == OP_MULTIPLEX) {
        uint32_t k = op->nq - 1;
        m = mat_new(d);
        for (uint64_t i = 0; i < d; i++)
            for (uint64_t j = 0; j < d; j++) {
                if ((i ^ j) & ~((uint64_t)1 << q[k]))
                    continue;
                uint64_t s = 0;
                for (uint32_t t = 0; t < k; t++)
                    s |= (i >> q[t] & 1) << t;
                cplx r[4];
                (op->gate == GATE_RY ? ry : rz)(r, op->angles[s]);
                m[i * d + j] = r[(i >> q[k] & 1) * 2 + (j >> q[k] & 1)];
            }
    } else
        return mat_eye(d); /* barrier */
    if (op->inv)
        mat_adj(m, d);
    mat_pow(m, op->pow, d);
    control(m, ctrl, neg, d);
    return m;
}

/* ---- random circuits ---- */

/* splitmix64: reproducible and allocation-free */
static UnitRng rng = {20240607};



/* A random gate on n qubits (at most maxctrl controls), appended to b. */
static void random_gate(Circuit *c, Block *b, uint32_t n, uint32_t maxctrl)
{
    GateKind g;
    do
        g = (GateKind)unit_irand(&rng, GATE_COUNT);
    while ((uint32_t)gate_info[g].nqubits > n);
    uint32_t own = (uint32_t)gate_info[g].nqubits, k = unit_irand(&rng, maxctrl + 1);
    if (own + k > n)
        k = n - own;
    uint32_t q[16];
    unit_distinct(&rng, q, own + k, n);
    double p[3] = {unit_rand_angle(&rng), unit_rand_angle(&rng), unit_rand_angle(&rng)};
    Op *op = circ_cgate(c, b, g, k, q, p);
    op->negctrl = unit_irand(&rng, 1u << k);
    op->inv = unit_urand(&rng) < 0.5;
    static const uint64_t pows[] = {1, 1, 1, 2, 3, 4, 5, 7};
    op->pow = pows[unit_irand(&rng, 8)];
}

static void random_mux(Circuit *c, Block *b, uint32_t n, uint32_t maxsel)
{
    uint32_t k = unit_irand(&rng, maxsel + 1), q[16];
    if (k + 1 > n)
        k = n - 1;
    unit_distinct(&rng, q, k + 1, n);
    double a[64];
    for (uint32_t i = 0; i < (1u << k); i++)
        a[i] = unit_rand_angle(&rng);
    circ_multiplex(c, b, unit_urand(&rng) < 0.5 ? GATE_RY : GATE_RZ, k, q, a);
}

static void random_state(StateVec *sv, uint64_t dim)
{
    double complex *a = xcalloc(sv->dim, sizeof *a);
    double s = 0;
    for (uint64_t i = 0; i < dim; i++) {
        a[i] = CMPLX(unit_urand(&rng) - 0.5, unit_urand(&rng) - 0.5);
        s += creal(a[i] * conj(a[i]));
    }
    for (uint64_t i = 0; i < dim; i++)
        a[i] /= sqrt(s);
    sim_set_amplitudes(sv, a, sv->dim);
    free(a);
}

/* Runs c on a random state and compares with the reference product. */
static void check_against_reference(const Circuit *c)
{
    CU_ASSERT_FATAL(circuit_verify(c));
    int n = (int)c->nqubits;
    uint64_t d = (uint64_t)1 << n;
    StateVec *sv = sim_create(n, NULL);
    random_state(sv, d);
    double complex *psi = xmalloc(d * sizeof *psi);
    memcpy(psi, sv->amp, d * sizeof *psi);
    cplx *m = mat_eye(d);
    for (size_t i = 0; i < c->main.n; i++) {
        cplx *o = op_matrix(c, c->main.ops[i], NULL, n);
        mat_lmul(m, o, d);
        free(o);
    }
    char *err = NULL;
    CU_ASSERT_FATAL(sim_run(c, sv, NULL, NULL, &err));
    double worst = 0;
    for (uint64_t i = 0; i < d; i++) {
        cplx e = 0;
        for (uint64_t j = 0; j < d; j++)
            e += m[i * d + j] * psi[j];
        worst = fmax(worst, cabs(e - sv->amp[i]));
    }
    if (worst > TOL) {
        fprintf(stderr, "\n  executor differs from the reference by %g:\n", worst);
        circuit_dump(c, stderr);
    }
    CU_ASSERT(worst <= TOL);
    free(m);
    free(psi);
    sim_destroy(sv);
}

/* ---- tests ---- */

static void test_every_gate(void)
{
    /* each gate kind, with 0..2 controls of either polarity, inv, pow */
    for (int g = 0; g < GATE_COUNT; g++)
        for (uint32_t k = 0; k <= 2; k++)
            for (int inv = 0; inv < 2; inv++)
                for (uint64_t pw = 1; pw <= 3; pw++) {
                    Circuit c;
                    circuit_init(&c);
                    circuit_qreg(&c, "q", 5);
                    uint32_t q[5];
                    unit_distinct(&rng, q, 5, 5);
                    double p[3] = {unit_rand_angle(&rng), unit_rand_angle(&rng), unit_rand_angle(&rng)};
                    Op *op = circ_cgate(&c, &c.main, (GateKind)g, k, q, p);
                    op->negctrl = unit_irand(&rng, 1u << k);
                    op->inv = inv;
                    op->pow = pw;
                    check_against_reference(&c);
                    circuit_free(&c);
                }
}

static void test_random_flat(void)
{
    for (int trial = 0; trial < 40; trial++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", 5);
        for (int i = 0; i < 12; i++) {
            if (unit_urand(&rng) < 0.2)
                random_mux(&c, &c.main, 5, 3);
            else
                random_gate(&c, &c.main, 5, 3);
        }
        check_against_reference(&c);
        circuit_free(&c);
    }
}

/* def A(2): gates and a multiplexor; def B(3): A with modifiers and
 * gates; main: B with modifiers. */
static void build_nested(Circuit *c, uint32_t nmain)
{
    uint32_t a = circuit_def(c, "A", 2, "inner");
    for (int i = 0; i < 4; i++)
        random_gate(c, circuit_def_body(c, a), 2, 1);
    random_mux(c, circuit_def_body(c, a), 2, 1);
    uint32_t b = circuit_def(c, "B", 3, NULL);
    for (int i = 0; i < 3; i++) {
        uint32_t q[3];
        unit_distinct(&rng, q, 3, 3);
        uint32_t k = unit_irand(&rng, 2);
        Op *op = circ_call(c, circuit_def_body(c, b), a, k, k ? q : q + 1);
        op->negctrl = unit_irand(&rng, 1u << k);
        op->inv = unit_urand(&rng) < 0.5;
        op->pow = 1 + unit_irand(&rng, 3);
        random_gate(c, circuit_def_body(c, b), 3, 1);
    }
    for (int i = 0; i < 3; i++) {
        uint32_t q[8], k = unit_irand(&rng, nmain - 2 > 3 ? 4 : nmain - 2);
        unit_distinct(&rng, q, k + 3, nmain);
        Op *op = circ_call(c, &c->main, b, k, q);
        op->negctrl = unit_irand(&rng, 1u << k);
        op->inv = unit_urand(&rng) < 0.5;
        op->pow = 1 + unit_irand(&rng, 3);
        random_gate(c, &c->main, nmain, 2);
    }
}

static void test_nested_calls(void)
{
    for (int trial = 0; trial < 30; trial++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", 6);
        build_nested(&c, 6);
        check_against_reference(&c);
        circuit_free(&c);
    }
}

static void test_gphase_and_id(void)
{
    /* gphase alone is a global phase; controlled it is a phase on the controls */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 3);
    uint32_t q[2] = {1, 2};
    double th[1] = {0.7};
    circ_gate(&c, &c.main, GATE_GPHASE, NULL, th);
    Op *op = circ_cgate(&c, &c.main, GATE_GPHASE, 2, q, th);
    op->negctrl = 1, op->pow = 3, op->inv = true;
    circ_gate(&c, &c.main, GATE_ID, q, NULL);
    check_against_reference(&c);
    circuit_free(&c);
}

static void test_measure_reset_post(void)
{
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 3);
    circuit_creg(&c, "c", 3);
    uint32_t q0 = 0, q1 = 1, q2 = 2;
    circ_gate(&c, &c.main, GATE_X, &q0, NULL);
    circ_measure(&c, &c.main, 0, 0);              /* 1 */
    circ_reset(&c, &c.main, 0);                   /* back to 0 */
    circ_measure(&c, &c.main, 0, 1);              /* 0 */
    circ_gate(&c, &c.main, GATE_H, &q1, NULL);
    circ_postselect(&c, &c.main, 1, 1);           /* p = 1/2 */
    double th[1] = {2 * acos(sqrt(0.3))};         /* P(1) = 0.7 */
    circ_gate(&c, &c.main, GATE_RY, &q2, th);
    circ_postselect(&c, &c.main, 2, 0);           /* p = 0.3 */
    circ_if(&c, &c.main, 0, 1, circ_gate(&c, NULL, GATE_X, &q0, NULL)); /* bit 0 is 1: fires */
    circ_if(&c, &c.main, 1, 1, circ_gate(&c, NULL, GATE_X, &q2, NULL)); /* bit 1 is 0: not */
    circ_measure(&c, &c.main, 0, 2);              /* 1 */
    circ_barrier(&c, &c.main, 0, NULL);
    CU_ASSERT_FATAL(circuit_verify(&c));
    SimRunResult res = {0};
    SimRunOptions opt = {.seed = 7};
    char *err = NULL;
    StateVec *sv = sim_run_new(&c, &opt, &res, &err);
    CU_ASSERT_FATAL(sv != NULL);
    CU_ASSERT_EQUAL(res.nbits, 3);
    CU_ASSERT_EQUAL(res.bits[0], 1);
    CU_ASSERT_EQUAL(res.bits[1], 0);
    CU_ASSERT_EQUAL(res.bits[2], 1);
    CU_ASSERT_EQUAL(res.npost, 2);
    ASSERT_CLOSE(res.post_prob[0], 0.5, 1e-12);
    ASSERT_CLOSE(res.post_prob[1], 0.3, 1e-12);
    ASSERT_CLOSE(res.post_product, 0.15, 1e-12);
    /* final state |q2 q1 q0> = |0 1 1> */
    ASSERT_CLOSE(cabs(sv->amp[3]), 1, 1e-12);
    sim_destroy(sv);
    sim_run_result_free(&res);
    circuit_free(&c);
}

static void test_measurement_statistics(void)
{
    /* 2000 runs of h; measure: the count of ones is Binomial(2000, 1/2);
     * the same seed gives the same outcome */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    circuit_creg(&c, "c", 1);
    uint32_t q = 0;
    circ_gate(&c, &c.main, GATE_H, &q, NULL);
    circ_measure(&c, &c.main, 0, 0);
    int ones = 0;
    for (unsigned long s = 1; s <= 2000; s++) {
        SimRunOptions opt = {.seed = s};
        SimRunResult r1 = {0}, r2 = {0};
        StateVec *a = sim_run_new(&c, &opt, &r1, NULL), *b = sim_run_new(&c, &opt, &r2, NULL);
        CU_ASSERT_EQUAL(r1.bits[0], r2.bits[0]);
        ones += r1.bits[0];
        sim_destroy(a), sim_destroy(b);
        sim_run_result_free(&r1), sim_run_result_free(&r2);
    }
    CU_ASSERT(ones > 1000 - 5 * 23 && ones < 1000 + 5 * 23); /* 5 sigma */
    circuit_free(&c);
}

static void test_refusals(void)
{
    char *err = NULL;
    /* a state over the memory budget */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 60);
    CU_ASSERT(sim_run_new(&c, NULL, NULL, &err) == NULL);
    CU_ASSERT(err && strstr(err, "60 qubits"));
    free(err), err = NULL;
    circuit_free(&c);
    /* too many operations: pow(2^50) on a call */
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    uint32_t d = circuit_def(&c, "g", 1, NULL), q = 0;
    circ_gate(&c, circuit_def_body(&c, d), GATE_H, &q, NULL);
    circ_call(&c, &c.main, d, 0, &q)->pow = (uint64_t)1 << 50;
    ASSERT_CLOSE(sim_run_cost(&c), ldexp(1, 50), 0);
    CU_ASSERT(sim_run_new(&c, NULL, NULL, &err) == NULL);
    CU_ASSERT(err && strstr(err, "more than the limit"));
    free(err), err = NULL;
    circuit_free(&c);
    /* post-selecting a branch of probability 0 */
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    circ_postselect(&c, &c.main, 0, 1);
    CU_ASSERT(sim_run_new(&c, NULL, NULL, &err) == NULL);
    CU_ASSERT(err != NULL);
    free(err);
    circuit_free(&c);
}

static void test_fold_angle(void)
{
    /* against exact rational arithmetic with π to 256 bits (computed
     * outside), and against plain products where those are exact */
    CU_ASSERT(circuit_fold_angle(1.0, (uint64_t)1 << 40, 4) == -2.723842610921788);
    CU_ASSERT(circuit_fold_angle(-0.7, ((uint64_t)1 << 33) + 5, 4) == -2.287371405070686);
    CU_ASSERT(circuit_fold_angle(2.5, 1000000000000000007ull, 2) == 1.3032640300696812);
    CU_ASSERT(circuit_fold_angle(0.3, 3, 2) == 0.8999999999999999);
    CU_ASSERT(circuit_fold_angle(0.25, 4, 4) == 1.0);
    CU_ASSERT(circuit_fold_angle(-0.5, 7, 4) == -3.5);
    CU_ASSERT(circuit_fold_angle(0.7, 1, 2) == 0.7); /* k = 1: unchanged, even outside the range */
    CU_ASSERT(circuit_fold_angle(9.0, 1, 2) == 9.0);
    ASSERT_CLOSE(circuit_fold_angle(QGD_PI / 2, 3, 2), -QGD_PI / 2, 1e-15); /* 3π/2 → −π/2 */
    ASSERT_CLOSE(circuit_fold_angle(QGD_PI / 4, 8, 4), 2 * QGD_PI, 1e-15);  /* the period 4π: 2π stays */
    for (int i = 0; i < 1000; i++) { /* small k: the fold is θ·k reduced */
        double th = (unit_urand(&rng) - 0.5) * 20;
        uint64_t k = 2 + unit_irand(&rng, 50);
        double f = circuit_fold_angle(th, k, 4), d = remainder(th * (double)k, 4 * QGD_PI);
        CU_ASSERT(fabs(f - d) < 1e-12 || fabs(fabs(f - d) - 4 * QGD_PI) < 1e-12);
    }
}

static void test_controlled_mux_large(void)
{
    /* a multiplexor under many controls: the extended table */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 7);
    uint32_t d = circuit_def(&c, "m", 4, NULL);
    uint32_t mq[4] = {0, 1, 2, 3};
    double a[8];
    for (int i = 0; i < 8; i++)
        a[i] = unit_rand_angle(&rng);
    circ_multiplex(&c, circuit_def_body(&c, d), GATE_RZ, 3, mq, a);
    uint32_t q[7] = {6, 5, 4, 0, 1, 2, 3};
    Op *op = circ_call(&c, &c.main, d, 3, q);
    op->negctrl = 5;
    op->inv = true;
    check_against_reference(&c);
    circuit_free(&c);
}

/* ---- gate fusion ---- */

/* A random complex matrix with entries in the unit square (the kernel is
 * linear: no need for unitarity). */
static void random_matrix(cplx *m, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        double re = 2 * unit_urand(&rng) - 1, im = 2 * unit_urand(&rng) - 1;
        m[i] = re + im * I;
    }
}

/* out = the dense gate m on targets under (ctrl, neg), amplitude by
 * amplitude from the definition: out[i] = Σ_j m[row(i)][j]·psi[i with the
 * targets set to j] where the controls fire, psi[i] elsewhere. */
static void ref_dense(const cplx *psi, cplx *out, int n, const int *t, int k, uint64_t ctrl, uint64_t neg,
                      const cplx *m)
{
    uint64_t d = (uint64_t)1 << n, kd = (uint64_t)1 << k, tmask = 0;
    for (int j = 0; j < k; j++)
        tmask |= (uint64_t)1 << t[j];
    for (uint64_t i = 0; i < d; i++) {
        if ((i & ctrl) != (ctrl & ~neg)) {
            out[i] = psi[i];
            continue;
        }
        uint64_t row = 0;
        for (int j = 0; j < k; j++)
            row |= (i >> t[j] & 1) << j;
        cplx s = 0;
        for (uint64_t col = 0; col < kd; col++) {
            uint64_t src = i & ~tmask;
            for (int j = 0; j < k; j++)
                src |= (col >> j & 1) << t[j];
            s += m[row * kd + col] * psi[src];
        }
        out[i] = s;
    }
}

/* One random case of the kernel on n qubits, k targets; serial and with
 * the parallel paths forced, which must agree bitwise. */
static void dense_case(int n, int k, int nctrl)
{
    uint32_t q[64];
    unit_distinct(&rng, q, (uint32_t)(k + nctrl), (uint32_t)n);
    int t[64];
    for (int j = 0; j < k; j++)
        t[j] = (int)q[j];
    uint64_t ctrl = 0, neg = 0;
    for (int j = 0; j < nctrl; j++) {
        ctrl |= (uint64_t)1 << q[k + j];
        if (unit_urand(&rng) < 0.5)
            neg |= (uint64_t)1 << q[k + j];
    }
    uint64_t d = (uint64_t)1 << n, kd = (uint64_t)1 << k;
    cplx *m = xmalloc(kd * kd * sizeof *m), *psi = xmalloc(d * sizeof *psi), *want = xmalloc(d * sizeof *want);
    random_matrix(m, kd * kd);
    StateVec *a = sim_create(n, NULL), *b = sim_create(n, NULL);
    random_state(a, d);
    memcpy(psi, a->amp, d * sizeof *psi);
    sim_set_amplitudes(b, psi, d);
    ref_dense(psi, want, n, t, k, ctrl, neg, m);
    uint64_t saved = sim_parallel_min();
    sim_set_parallel_min((uint64_t)1 << 62);
    sim_apply_mcdense(a, t, k, ctrl, neg, m);
    sim_set_parallel_min(1);
    sim_apply_mcdense(b, t, k, ctrl, neg, m);
    sim_set_parallel_min(saved);
    double worst = 0;
    for (uint64_t i = 0; i < d; i++)
        worst = fmax(worst, cabs(a->amp[i] - want[i]));
    if (worst > TOL)
        fprintf(stderr, "\n  mcdense n=%d k=%d ctrl=%#llx neg=%#llx: off by %g\n", n, k, (unsigned long long)ctrl,
                (unsigned long long)neg, worst);
    CU_ASSERT(worst <= TOL);
    CU_ASSERT(memcmp(a->amp, b->amp, d * sizeof *psi) == 0);
    sim_destroy(a), sim_destroy(b);
    free(m), free(psi), free(want);
}

static void test_dense_kernel(void)
{
    for (int n = 1; n <= 8; n++)
        for (int k = 0; k <= n && k <= 6; k++)
            for (int rep = 0; rep < 3; rep++)
                dense_case(n, k, (int)unit_irand(&rng, (uint32_t)(n - k + 1) < 4 ? (uint32_t)(n - k + 1) : 4));
    /* several batches of groups (2^17 amplitudes each) shared between threads */
    dense_case(19, 9, 1);
    int threads = omp_get_max_threads();
    omp_set_num_threads(threads > 1 ? 1 : 2); /* a different thread count: the same bits */
    dense_case(12, 5, 2);
    omp_set_num_threads(threads);
}

/* A random definition on w qubits: gates and multiplexors, and calls of
 * the definitions subs[0..nsubs) with random modifiers. */
static uint32_t random_def(Circuit *c, const char *name, uint32_t w, int nops, const uint32_t *subs, int nsubs)
{
    uint32_t d = circuit_def(c, name, w, NULL);
    for (int i = 0; i < nops; i++) {
        double r = unit_urand(&rng);
        if (nsubs && r < 0.25) {
            uint32_t s = subs[unit_irand(&rng, (uint32_t)nsubs)], sw = c->defs[s].nqubits;
            if (sw > w)
                continue;
            uint32_t k = unit_irand(&rng, w - sw + 1 < 3 ? w - sw + 1 : 3), q[16];
            unit_distinct(&rng, q, k + sw, w);
            Op *op = circ_call(c, circuit_def_body(c, d), s, k, q);
            op->negctrl = unit_irand(&rng, 1u << k);
            op->inv = unit_urand(&rng) < 0.5;
            op->pow = 1 + unit_irand(&rng, 3);
        } else if (r < 0.4 && w > 1)
            random_mux(c, circuit_def_body(c, d), w, 2);
        else
            random_gate(c, circuit_def_body(c, d), w, 2);
    }
    return d;
}

/* Runs c from the same random state unfused, fused always and fused by
 * the estimate; the largest difference from the unfused amplitudes. */
static double fused_vs_unfused(const Circuit *c, int n, uint64_t *fused_always)
{
    CU_ASSERT_FATAL(circuit_verify(c));
    uint64_t d = (uint64_t)1 << n;
    uint64_t seed = rng.s;
    double worst = 0;
    cplx *ref = NULL;
    uint64_t ops = 0;
    static const SimFuse modes[] = {SIM_FUSE_OFF, SIM_FUSE_ALWAYS, SIM_FUSE_AUTO};
    for (int m = 0; m < 3; m++) {
        rng.s = seed;
        StateVec *sv = sim_create(n, NULL);
        random_state(sv, d);
        sim_set_fuse(modes[m], false);
        SimRunResult res = {0};
        char *err = NULL;
        CU_ASSERT_FATAL(sim_run(c, sv, NULL, &res, &err));
        if (m == 0) {
            CU_ASSERT_EQUAL(res.fused, 0);
            ref = xmalloc(d * sizeof *ref);
            memcpy(ref, sv->amp, d * sizeof *ref);
            ops = res.ops;
        } else {
            for (uint64_t i = 0; i < d; i++)
                worst = fmax(worst, cabs(sv->amp[i] - ref[i]));
            CU_ASSERT_EQUAL(res.ops, ops); /* counted as if run */
            CU_ASSERT(res.fuse_drift < 1e-12);
            if (m == 1 && fused_always)
                *fused_always = res.fused;
        }
        sim_run_result_free(&res);
        sim_destroy(sv);
    }
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    free(ref);
    return worst;
}

#define FUSE_TOL 1e-10

static void test_fused_random(void)
{
    static const uint64_t pows[] = {1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 255, 1000, 1024, 2049, 4095, 4096};
    for (int trial = 0; trial < 16; trial++) {
        Circuit c;
        circuit_init(&c);
        uint32_t n = 5 + unit_irand(&rng, 3);
        circuit_qreg(&c, "q", n);
        uint32_t defs[4];
        defs[0] = random_def(&c, "a", 1 + unit_irand(&rng, 2), 5, NULL, 0);
        defs[1] = random_def(&c, "b", 2 + unit_irand(&rng, 2), 6, defs, 1);
        defs[2] = random_def(&c, "c", 3, 5, defs, 2);
        defs[3] = random_def(&c, "e", 1 + unit_irand(&rng, n - 1), 6, defs, 3);
        for (int i = 0; i < 6; i++) {
            uint32_t def = defs[unit_irand(&rng, 4)], w = c.defs[def].nqubits, k = unit_irand(&rng, n - w + 1 < 3 ? n - w + 1 : 3), q[16];
            unit_distinct(&rng, q, k + w, n);
            Op *op = circ_call(&c, &c.main, def, k, q);
            op->negctrl = unit_irand(&rng, 1u << k);
            op->inv = unit_urand(&rng) < 0.5;
            op->pow = pows[unit_irand(&rng, sizeof pows / sizeof *pows)];
            random_gate(&c, &c.main, n, 2);
        }
        uint64_t fused = 0;
        double worst = fused_vs_unfused(&c, (int)n, &fused);
        if (worst > FUSE_TOL) {
            fprintf(stderr, "\n  fused differs from unfused by %g:\n", worst);
            circuit_dump(&c, stderr);
        }
        CU_ASSERT(worst <= FUSE_TOL);
        CU_ASSERT(fused >= 6); /* every call in main qualifies */
        circuit_free(&c);
    }
}

/* Phase estimation's shape: pow(2^k) @ ctrl(clock[k]) @ W inside a qpe
 * definition, and the same with a controlled walk whose control is its
 * formal 0 (A; ctrl @ B or negctrl @ B; inv @ A: the matrix is a control on
 * formal 0 only numerically, through A†A = I); the qpe run forward, then
 * inverted under a negative control. */
static void test_fused_qpe(void)
{
    for (int trial = 0; trial < 8; trial++) {
        bool walk_c = trial % 2;
        uint32_t p = 3 + unit_irand(&rng, 2), w = 2 + unit_irand(&rng, 2), n = p + w + 1;
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", n);
        uint32_t wd;
        if (!walk_c)
            wd = random_def(&c, "W", w, 8, NULL, 0);
        else {
            uint32_t a = random_def(&c, "A", w, 4, NULL, 0), b = random_def(&c, "B", w, 5, NULL, 0);
            wd = circuit_def(&c, "Wc", w + 1, NULL);
            uint32_t q[16];
            for (uint32_t i = 0; i <= w; i++)
                q[i] = i;
            circ_call(&c, circuit_def_body(&c, wd), a, 0, q + 1);
            circ_call(&c, circuit_def_body(&c, wd), b, 1, q)->negctrl = trial % 4 == 3; /* either polarity */
            circ_call(&c, circuit_def_body(&c, wd), a, 0, q + 1)->inv = true;
        }
        uint32_t qpe = circuit_def(&c, "qpe", p + w, NULL);
        for (uint32_t k = 0; k < p; k++)
            circ_gate(&c, circuit_def_body(&c, qpe), GATE_H, &k, NULL);
        for (uint32_t k = 0; k < p; k++) {
            uint32_t q[16];
            q[0] = k;
            for (uint32_t i = 0; i < w; i++)
                q[1 + i] = p + i;
            Op *op = circ_call(&c, circuit_def_body(&c, qpe), wd, walk_c ? 0 : 1, q);
            op->pow = (uint64_t)1 << (k + 9 - p); /* up to 2^8 */
        }
        uint32_t q[32];
        for (uint32_t i = 0; i < p + w; i++)
            q[i] = i;
        for (uint32_t i = 0; i < w; i++) {
            uint32_t t = p + i;
            circ_gate(&c, &c.main, GATE_H, &t, NULL);
        }
        circ_call(&c, &c.main, qpe, 0, q);
        q[p + w] = p + w; /* control: the last qubit, negative */
        uint32_t cq[33];
        cq[0] = p + w;
        memcpy(cq + 1, q, (p + w) * sizeof *q);
        Op *op = circ_call(&c, &c.main, qpe, 1, cq);
        op->inv = true, op->negctrl = 1;
        double worst = fused_vs_unfused(&c, (int)n, NULL);
        CU_ASSERT(worst <= FUSE_TOL);
        circuit_free(&c);
    }
}

static void test_def_matrix(void)
{
    /* against the reference product of the body, inv and small pows */
    for (int trial = 0; trial < 20; trial++) {
        Circuit c;
        circuit_init(&c);
        uint32_t subs[2];
        subs[0] = random_def(&c, "a", 2, 5, NULL, 0);
        subs[1] = random_def(&c, "b", 3, 6, subs, 1);
        uint32_t w = 3 + unit_irand(&rng, 2), def = random_def(&c, "top", w, 8, subs, 2);
        circuit_qreg(&c, "q", w);
        CU_ASSERT_FATAL(circuit_verify(&c));
        bool inv = unit_urand(&rng) < 0.5;
        uint64_t pow = 1 + unit_irand(&rng, 40), d = (uint64_t)1 << w;
        uint32_t ident[16];
        for (uint32_t i = 0; i < w; i++)
            ident[i] = i;
        cplx *want = body_matrix(&c, &c.defs[def], ident, (int)w), *got = xmalloc(d * d * sizeof *got);
        if (inv)
            mat_adj(want, d);
        mat_pow(want, pow, d);
        SimRunResult res = {0};
        CU_ASSERT_FATAL(sim_def_matrix(&c, def, inv, pow, got, &res, NULL));
        double worst = 0;
        for (uint64_t i = 0; i < d * d; i++)
            worst = fmax(worst, cabs(got[i] - want[i]));
        CU_ASSERT(worst <= TOL);
        CU_ASSERT(res.fuse_builds >= 1);
        free(want), free(got);
        circuit_free(&c);
    }
}

static void test_def_matrix_controlled(void)
{
    /* A; ctrl(formal 0) @ B; inv @ A (either polarity): stored as a matrix
     * on the other formals, returned whole */
    for (int trial = 0; trial < 8; trial++) {
        Circuit c;
        circuit_init(&c);
        uint32_t w = 2 + unit_irand(&rng, 2), q[16];
        uint32_t a = random_def(&c, "A", w, 4, NULL, 0), b = random_def(&c, "B", w, 5, NULL, 0);
        uint32_t wd = circuit_def(&c, "Wc", w + 1, NULL);
        for (uint32_t i = 0; i <= w; i++)
            q[i] = i;
        circ_call(&c, circuit_def_body(&c, wd), a, 0, q + 1);
        circ_call(&c, circuit_def_body(&c, wd), b, 1, q)->negctrl = trial % 2;
        circ_call(&c, circuit_def_body(&c, wd), a, 0, q + 1)->inv = true;
        circuit_qreg(&c, "q", w + 1);
        CU_ASSERT_FATAL(circuit_verify(&c));
        uint64_t d = (uint64_t)1 << (w + 1), pow = 1 + unit_irand(&rng, 9);
        cplx *want = body_matrix(&c, &c.defs[wd], q, (int)(w + 1)), *got = xmalloc(d * d * sizeof *got);
        mat_pow(want, pow, d);
        CU_ASSERT_FATAL(sim_def_matrix(&c, wd, false, pow, got, NULL, NULL));
        double worst = 0;
        for (uint64_t i = 0; i < d * d; i++)
            worst = fmax(worst, cabs(got[i] - want[i]));
        CU_ASSERT(worst <= TOL);
        free(want), free(got);
        circuit_free(&c);
    }
}

/* ‖U†U − I‖_F */
static double unitarity_error(const cplx *u, uint64_t d)
{
    double s = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++) {
            cplx e = -(cplx)(i == j);
            for (uint64_t k = 0; k < d; k++)
                e += conj(u[k * d + i]) * u[k * d + j];
            s += creal(e) * creal(e) + cimag(e) * cimag(e);
        }
    return sqrt(s);
}

static void test_def_matrix_high_power(void)
{
    /* def: a U gate on each of 4 qubits, a gphase. U^k = gphase(k·θ) ⊗_q u_q^k,
     * each factor exactly by circuit_unitary_power; 20 squarings */
    Circuit c;
    circuit_init(&c);
    uint32_t w = 4, def = circuit_def(&c, "prod", w, NULL);
    cplx f[4][4];
    for (uint32_t q = 0; q < w; q++) {
        double p[3] = {unit_rand_angle(&rng), unit_rand_angle(&rng), unit_rand_angle(&rng)};
        circ_gate(&c, circuit_def_body(&c, def), GATE_U, &q, p);
        int k;
        cplx *b = base_matrix(GATE_U, p, &k);
        memcpy(f[q], b, sizeof f[q]);
        free(b);
    }
    double th = 0.3;
    circ_gate(&c, circuit_def_body(&c, def), GATE_GPHASE, NULL, &th);
    circuit_qreg(&c, "q", w);
    CU_ASSERT_FATAL(circuit_verify(&c));
    uint64_t pow = (uint64_t)1 << 20, d = (uint64_t)1 << w;
    for (uint32_t q = 0; q < w; q++)
        circuit_unitary_power(f[q], pow);
    cplx ph = cexp(I * circuit_fold_angle(th, pow, 2));
    cplx *got = xmalloc(d * d * sizeof *got);
    for (int raw = 0; raw < 2; raw++) {
        sim_set_fuse(SIM_FUSE_DEFAULT, raw);
        SimRunResult res = {0};
        CU_ASSERT_FATAL(sim_def_matrix(&c, def, false, pow, got, &res, NULL));
        double worst = 0;
        for (uint64_t r = 0; r < d; r++)
            for (uint64_t col = 0; col < d; col++) {
                cplx e = ph;
                for (uint32_t q = 0; q < w; q++)
                    e *= f[q][2 * (r >> q & 1) + (col >> q & 1)];
                worst = fmax(worst, cabs(got[r * d + col] - e));
            }
        CU_ASSERT(worst <= 1e-9);
        CU_ASSERT_EQUAL(res.fuse_products, 20);
        if (!raw)
            CU_ASSERT(unitarity_error(got, d) <= 1e-12);
    }
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    free(got);
    circuit_free(&c);
}

static void test_fuse_memory_fallback(void)
{
    /* a budget that holds the state but not the cache: the body runs */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 8);
    uint32_t def = random_def(&c, "big", 6, 10, NULL, 0), q[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    Op *op = circ_call(&c, &c.main, def, 1, q);
    op->pow = 77;
    size_t saved = mem_budget();
    mem_set_budget(16 << 8 | 4096); /* the state, and less than 2 × a 64 KiB matrix */
    uint64_t fused = 1;
    double worst = fused_vs_unfused(&c, 8, &fused);
    CU_ASSERT(worst <= FUSE_TOL);
    CU_ASSERT_EQUAL(fused, 0);
    mem_set_budget(saved);
    circuit_free(&c);
    /* a definition that measures (circuit_verify refuses it; sim_def_matrix
     * checks for itself) */
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    circuit_creg(&c, "c", 1);
    def = circuit_def(&c, "m", 1, NULL);
    uint32_t z = 0;
    circ_gate(&c, circuit_def_body(&c, def), GATE_H, &z, NULL);
    circ_measure(&c, circuit_def_body(&c, def), 0, 0);
    char *err = NULL;
    cplx m[4];
    CU_ASSERT(!sim_def_matrix(&c, def, false, 1, m, NULL, &err));
    CU_ASSERT(err && strstr(err, "not unitary"));
    free(err);
    circuit_free(&c);
}

void suite_exec(void);
void suite_exec(void)
{
    UNIT_SUITE("exec", {"every gate kind x controls x inv x pow", test_every_gate},
               {"random flat circuits", test_random_flat}, {"calls nested two deep", test_nested_calls},
               {"gphase and id", test_gphase_and_id}, {"measure, reset, post-select, if", test_measure_reset_post},
               {"measurement statistics and seeds", test_measurement_statistics},
               {"refusals", test_refusals}, {"controlled multiplexor", test_controlled_mux_large},
               {"folding powers of rotations", test_fold_angle},
               {"dense kernel vs reference", test_dense_kernel},
               {"fused vs unfused: random definitions", test_fused_random},
               {"fused vs unfused: phase estimation", test_fused_qpe},
               {"fused matrix vs reference product", test_def_matrix},
               {"fused matrix: 2^20 by squaring", test_def_matrix_high_power},
               {"fused matrix of a controlled definition", test_def_matrix_controlled},
               {"fusion: memory fallback, non-unitary", test_fuse_memory_fallback});
}
