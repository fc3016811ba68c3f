/* test_codegen.c — lowering, resource counts, OpenQASM output and the
 * physical estimate.
 *
 *   lowering: a hierarchical circuit and its lowering, both run by the
 *     executor on the same random input (ancillas in |0⟩), give the same
 *     state within 1e-12 up to a global phase, with the ancillas back in
 *     |0⟩; for every gate kind × {0,1,2,3 controls, random polarities} ×
 *     inv × pow, for π/4-multiple angles, for calls nested two deep with
 *     ctrl/inv/pow on the calls, for multiplexors with 0..4 selects (also
 *     under controls); the lowering has only basis gates and no modifiers;
 *   counts: res_count of a random hierarchical circuit equals res_count of
 *     its lowering in every field (per-kind counts, T, rotations, CCZ,
 *     measurements, qubits); depths are equal without calls and upper
 *     bounds with them; hand-counted decompositions (ccx ladder, cp, cU);
 *   QPE with 60 clock bits: pow(2^k) @ ctrl @ W for k < 60 plus an
 *     approximate inverse QFT, counted exactly against a closed form in
 *     under a second;
 *   OpenQASM: the hierarchical and flat text of small hand-made circuits
 *     against expected strings; angles read back exactly;
 *   physical estimate: against a hand computation of the estimator's
 *     formulas (trivial factory case), and the algorithm part of a case
 *     with rotations. */
#include "unit.h"
#include "support/cmplx.h"
#include "support/consts.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codegen/lower.h"
#include "codegen/qasm_emit.h"
#include "codegen/resources.h"
#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/json.h"
#include "support/util.h"

#define TOL 1e-12

/* ---- random circuits (splitmix64: reproducible, no allocation) ---- */

static UnitRng rng = {77};


static double rand_angle(void)
{
    double r = unit_urand(&rng);
    if (r < 0.3)
        return (double)((int)unit_irand(&rng, 17) - 8) * QGD_PI / 4; /* snaps to a Clifford+T word */
    if (r < 0.35)
        return 0;
    return (2 * unit_urand(&rng) - 1) * 4;
}

static uint64_t rand_pow(bool big)
{
    static const uint64_t pows[] = {1, 1, 1, 2, 3, 4, 5, 7};
    if (big && unit_urand(&rng) < 0.1)
        return ((uint64_t)1 << 33) + unit_irand(&rng, 8); /* folds; never repeated */
    return pows[unit_irand(&rng, 8)];
}

static Op *random_gate_kind(Circuit *c, Block *b, GateKind g, uint32_t n, uint32_t k)
{
    uint32_t own = (uint32_t)gate_info[g].nqubits, q[16];
    if (own + k > n)
        k = own > n ? 0 : n - own;
    unit_distinct(&rng, q, own + k, n);
    double p[3] = {rand_angle(), rand_angle(), rand_angle()};
    Op *op = circ_cgate(c, b, g, k, q, p);
    op->negctrl = unit_irand(&rng, 1u << k);
    op->inv = unit_urand(&rng) < 0.5;
    return op;
}

static void random_gate(Circuit *c, Block *b, uint32_t n, uint32_t maxctrl, bool bigpow)
{
    GateKind g;
    do
        g = (GateKind)unit_irand(&rng, GATE_COUNT);
    while ((uint32_t)gate_info[g].nqubits > n);
    random_gate_kind(c, b, g, n, unit_irand(&rng, maxctrl + 1))->pow = rand_pow(bigpow);
}

static void random_mux(Circuit *c, Block *b, uint32_t n, uint32_t maxsel)
{
    uint32_t k = unit_irand(&rng, maxsel + 1), q[16];
    if (k + 1 > n)
        k = n - 1;
    unit_distinct(&rng, q, k + 1, n);
    double a[64];
    for (uint32_t i = 0; i < (1u << k); i++)
        a[i] = rand_angle();
    circ_multiplex(c, b, unit_urand(&rng) < 0.5 ? GATE_RY : GATE_RZ, k, q, a);
}

/* def A(2): gates and a multiplexor; def B(3): A with modifiers, gates;
 * main: B with modifiers (up to 3 controls) and gates. */
static void build_nested(Circuit *c, uint32_t nmain, bool bigpow)
{
    uint32_t a = circuit_def(c, "A", 2, "inner");
    for (int i = 0; i < 4; i++)
        random_gate(c, circuit_def_body(c, a), 2, 1, bigpow);
    random_mux(c, circuit_def_body(c, a), 2, 1);
    uint32_t b = circuit_def(c, "B", 3, NULL);
    for (int i = 0; i < 3; i++) {
        uint32_t q[3], k = unit_irand(&rng, 2);
        unit_distinct(&rng, q, 3, 3);
        Op *op = circ_call(c, circuit_def_body(c, b), a, k, k ? q : q + 1);
        op->negctrl = unit_irand(&rng, 1u << k);
        op->inv = unit_urand(&rng) < 0.5;
        op->pow = 1 + unit_irand(&rng, 3);
        random_gate(c, circuit_def_body(c, b), 3, 1, bigpow);
    }
    for (int i = 0; i < 3; i++) {
        uint32_t q[8], k = unit_irand(&rng, nmain - 3 < 3 ? nmain - 2 : 4);
        unit_distinct(&rng, q, k + 3, nmain);
        Op *op = circ_call(c, &c->main, b, k, q);
        op->negctrl = unit_irand(&rng, 1u << k);
        op->inv = unit_urand(&rng) < 0.5;
        op->pow = 1 + unit_irand(&rng, 3);
        random_gate(c, &c->main, nmain, 2, bigpow);
    }
}

/* ---- checks ---- */

static bool counts_equal(const ResCounts *a, const ResCounts *b, bool depths)
{
    bool ok = true;
    for (int g = 0; g < GATE_COUNT; g++)
        ok = ok && !mpz_cmp(a->gate[g], b->gate[g]);
    for (int k = 0; k < RES_NOTHER; k++)
        ok = ok && !mpz_cmp(a->other[k], b->other[k]);
    ok = ok && !mpz_cmp(a->t_count, b->t_count) && !mpz_cmp(a->rotations, b->rotations) &&
         !mpz_cmp(a->ccz, b->ccz) && !mpz_cmp(a->measurements, b->measurements) &&
         !mpz_cmp(a->clifford, b->clifford) && !mpz_cmp(a->total, b->total);
    if (depths)
        ok = ok && !mpz_cmp(a->depth, b->depth) && !mpz_cmp(a->t_depth, b->t_depth) &&
             !mpz_cmp(a->rotation_depth, b->rotation_depth);
    else /* upper bounds */
        ok = ok && mpz_cmp(a->depth, b->depth) >= 0 && mpz_cmp(a->t_depth, b->t_depth) >= 0 &&
             mpz_cmp(a->rotation_depth, b->rotation_depth) >= 0;
    return ok;
}

static bool is_flat(const Circuit *c)
{
    if (c->ndefs)
        return false;
    for (size_t i = 0; i < c->main.n; i++) {
        const Op *op = c->main.ops[i];
        if (op->kind == OP_IF)
            op = op->then;
        if (op->kind == OP_CALL || op->kind == OP_MULTIPLEX || op->nctrl || op->inv || op->pow != 1)
            return false;
        if (op->kind == OP_GATE && (op->gate == GATE_U || op->gate == GATE_GPHASE || op->gate == GATE_ID))
            return false;
    }
    return true;
}

static int n_checked;

/* c and its lowering: same state (up to a global phase), ancillas back to
 * |0⟩, same counts. */
static void check_lowering(const Circuit *c)
{
    CU_ASSERT_FATAL(circuit_verify(c));
    Circuit low;
    char *err = NULL;
    CU_ASSERT_FATAL(lower_circuit(c, &low, NULL, &err));
    CU_ASSERT_FATAL(circuit_verify(&low));
    CU_ASSERT(is_flat(&low));

    /* counts */
    ResCounts rh, rl;
    res_init(&rh), res_init(&rl);
    res_count(c, &rh);
    res_count(&low, &rl);
    bool ok = counts_equal(&rh, &rl, rh.depth_exact);
    CU_ASSERT(ok);
    CU_ASSERT(rl.depth_exact);
    CU_ASSERT_EQUAL(rl.ancillas, 0);
    CU_ASSERT_EQUAL(rl.qubits, rh.qubits_peak);
    CU_ASSERT_EQUAL(low.nqubits, rh.qubits_peak);
    if (!ok) {
        fprintf(stderr, "\n  counts differ:\n");
        res_print(&rh, NULL, stderr);
        res_print(&rl, NULL, stderr);
        circuit_dump(c, stderr);
    }
    res_clear(&rh), res_clear(&rl);

    /* states */
    int n = (int)c->nqubits, N = (int)low.nqubits;
    uint64_t d = (uint64_t)1 << n;
    StateVec *a = sim_create(N, NULL), *b = sim_create(N, NULL);
    double complex *psi = xcalloc(a->dim, sizeof *psi);
    double s = 0;
    for (uint64_t i = 0; i < d; i++) {
        psi[i] = CMPLX(unit_urand(&rng) - 0.5, unit_urand(&rng) - 0.5);
        s += creal(psi[i] * conj(psi[i]));
    }
    for (uint64_t i = 0; i < d; i++)
        psi[i] /= sqrt(s);
    sim_set_amplitudes(a, psi, a->dim);
    sim_set_amplitudes(b, psi, b->dim);
    SimRunOptions opt = {.seed = 5};
    SimRunResult ra = {0}, rb = {0};
    CU_ASSERT_FATAL(sim_run(c, a, &opt, &ra, &err));
    CU_ASSERT_FATAL(sim_run(&low, b, &opt, &rb, &err));
    CU_ASSERT_EQUAL(ra.npost, rb.npost);
    if (ra.npost == rb.npost)
        ASSERT_CLOSE(ra.post_product, rb.post_product, 1e-12);
    double complex ov = 0;
    for (uint64_t i = 0; i < a->dim; i++)
        ov += conj(b->amp[i]) * a->amp[i];
    double complex ph = cabs(ov) > 0 ? ov / cabs(ov) : 1;
    double worst = 0;
    for (uint64_t i = 0; i < a->dim; i++) /* a is 0 wherever an ancilla is 1 */
        worst = fmax(worst, cabs(a->amp[i] - ph * b->amp[i]));
    if (worst > TOL) {
        fprintf(stderr, "\n  lowering differs by %g:\n", worst);
        circuit_dump(c, stderr);
    }
    CU_ASSERT(worst <= TOL);
    n_checked++;
    sim_run_result_free(&ra), sim_run_result_free(&rb);
    free(psi);
    sim_destroy(a), sim_destroy(b);
    circuit_free(&low);
}

/* ---- lowering = hierarchy ---- */

static void test_every_gate(void)
{
    n_checked = 0;
    for (int g = 0; g < GATE_COUNT; g++)
        for (uint32_t k = 0; k <= 3; k++)
            for (int inv = 0; inv < 2; inv++)
                for (int pw = 0; pw < 4; pw++)
                    for (int rep = 0; rep < 2; rep++) {
                        static const uint64_t pows[4] = {1, 2, 3, 5};
                        Circuit c;
                        circuit_init(&c);
                        circuit_qreg(&c, "q", 6);
                        Op *op = random_gate_kind(&c, &c.main, (GateKind)g, 6, k);
                        op->negctrl = rep ? unit_irand(&rng, 1u << op->nctrl) : 0;
                        op->inv = inv;
                        op->pow = pows[pw];
                        check_lowering(&c);
                        circuit_free(&c);
                    }
    CU_ASSERT_EQUAL(n_checked, GATE_COUNT * 4 * 2 * 4 * 2);
}

static void test_special_angles(void)
{
    /* every rotation by every multiple of π/8 in [−2π, 2π], with 0 or 1
     * control: the π/4 multiples become Clifford+T words */
    static const GateKind rot[] = {GATE_RX, GATE_RY, GATE_RZ, GATE_P, GATE_GPHASE, GATE_U};
    for (size_t r = 0; r < sizeof rot / sizeof *rot; r++)
        for (int m = -16; m <= 16; m++)
            for (uint32_t k = 0; k <= 1; k++) {
                GateKind g = rot[r];
                if (g == GATE_GPHASE && k == 0)
                    continue;
                Circuit c;
                circuit_init(&c);
                circuit_qreg(&c, "q", 3);
                uint32_t q[2] = {0, 2};
                double p[3] = {m * QGD_PI / 8, m * QGD_PI / 4, -m * QGD_PI / 8};
                circ_cgate(&c, &c.main, g, k, g == GATE_GPHASE ? q : k ? q : q + 1, p);
                check_lowering(&c);
                circuit_free(&c);
            }
}

static void test_big_powers(void)
{
    /* pow(2^33 + r) folds: the lowering stays small */
    for (int trial = 0; trial < 60; trial++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", 4);
        for (int i = 0; i < 4; i++)
            random_gate(&c, &c.main, 4, 2, true);
        check_lowering(&c);
        circuit_free(&c);
    }
}

static void test_nested_calls(void)
{
    for (int trial = 0; trial < 60; trial++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", 7);
        build_nested(&c, 7, false);
        check_lowering(&c);
        circuit_free(&c);
    }
}

static void test_multiplexors(void)
{
    for (uint32_t k = 0; k <= 4; k++)
        for (int axis = 0; axis < 2; axis++)
            for (uint32_t nc = 0; nc <= 2; nc++) {
                /* a multiplexor in a definition called with nc controls */
                Circuit c;
                circuit_init(&c);
                circuit_qreg(&c, "q", k + 1 + nc);
                uint32_t d = circuit_def(&c, "m", k + 1, NULL), fq[8], q[8];
                double a[16];
                for (uint32_t j = 0; j <= k; j++)
                    fq[j] = j;
                for (uint32_t i = 0; i < (1u << k); i++)
                    a[i] = unit_urand(&rng) < 0.2 ? unit_irand(&rng, 8) * QGD_PI / 4 : 6 * unit_urand(&rng) - 3;
                circ_multiplex(&c, circuit_def_body(&c, d), axis ? GATE_RZ : GATE_RY, k, fq, a);
                unit_distinct(&rng, q, k + 1 + nc, k + 1 + nc);
                Op *op = circ_call(&c, &c.main, d, nc, q);
                op->negctrl = unit_irand(&rng, 1u << nc);
                op->inv = unit_urand(&rng) < 0.5;
                /* and one directly in main */
                circ_multiplex(&c, &c.main, axis ? GATE_RY : GATE_RZ, k, q + nc, a);
                check_lowering(&c);

                /* the decomposition's size: 2^k rotations and 2^k cx (k ≥ 1) */
                if (nc == 0) {
                    ResCounts r;
                    res_init(&r);
                    Circuit one;
                    circuit_init(&one);
                    circuit_qreg(&one, "q", k + 1);
                    double g[16];
                    for (uint32_t i = 0; i < (1u << k); i++)
                        g[i] = 4 * unit_urand(&rng) - 2;
                    circ_multiplex(&one, &one.main, GATE_RY, k, fq, g);
                    res_count(&one, &r);
                    CU_ASSERT_EQUAL(mpz_get_ui(r.gate[GATE_RY]), 1u << k);
                    CU_ASSERT_EQUAL(mpz_get_ui(r.gate[GATE_CX]), k ? 1u << k : 0);
                    res_clear(&r);
                    circuit_free(&one);
                }
                circuit_free(&c);
            }
}

static void test_measurement_and_if(void)
{
    /* post-selection, if, barrier and reset pass through the lowering */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 4);
    circuit_creg(&c, "c", 2);
    uint32_t q[4] = {0, 1, 2, 3};
    double th[1] = {1.1};
    circ_gate(&c, &c.main, GATE_H, q, NULL);
    circ_cgate(&c, &c.main, GATE_RY, 2, q, th);
    circ_postselect(&c, &c.main, 0, 1);
    circ_barrier(&c, &c.main, 2, q + 1);
    circ_barrier(&c, &c.main, 0, NULL);
    Op *g = circ_cgate(&c, NULL, GATE_RX, 2, q + 1, th);
    g->negctrl = 2;
    circ_if(&c, &c.main, 1, 0, g);
    /* barriers inside a definition: all its qubits, or some */
    uint32_t d = circuit_def(&c, "bar", 2, NULL);
    circ_gate(&c, circuit_def_body(&c, d), GATE_T, q, NULL);
    circ_barrier(&c, circuit_def_body(&c, d), 0, NULL);
    circ_cgate(&c, circuit_def_body(&c, d), GATE_RY, 1, q, th);
    circ_barrier(&c, circuit_def_body(&c, d), 1, q + 1);
    uint32_t cq[4] = {2, 3, 0, 1};
    Op *call = circ_call(&c, &c.main, d, 2, cq);
    call->pow = 2, call->negctrl = 1;
    check_lowering(&c);
    circuit_free(&c);
}

/* ---- counts ---- */

static void test_counts_random(void)
{
    for (int trial = 0; trial < 80; trial++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", 7);
        circuit_creg(&c, "c", 2);
        if (trial % 2)
            build_nested(&c, 7, true);
        for (int i = 0; i < 8; i++) {
            double r = unit_urand(&rng);
            if (r < 0.15)
                random_mux(&c, &c.main, 7, 3);
            else if (r < 0.2)
                circ_measure(&c, &c.main, unit_irand(&rng, 7), unit_irand(&rng, 2));
            else if (r < 0.23)
                circ_reset(&c, &c.main, unit_irand(&rng, 7));
            else
                random_gate(&c, &c.main, 7, 3, true);
        }
        Circuit low;
        char *err = NULL;
        CU_ASSERT_FATAL(lower_circuit(&c, &low, NULL, &err));
        ResCounts rh, rl;
        res_init(&rh), res_init(&rl);
        res_count(&c, &rh);
        res_count(&low, &rl);
        bool same = counts_equal(&rh, &rl, rh.depth_exact);
        CU_ASSERT(same);
        if (!same) {
            fprintf(stderr, "\n  counts differ (hierarchy, lowering):\n");
            res_print(&rh, NULL, stderr);
            res_print(&rl, NULL, stderr);
            circuit_dump(&c, stderr);
        }
        CU_ASSERT_EQUAL(rh.depth_exact, !(trial % 2));
        CU_ASSERT_EQUAL(rl.qubits, rh.qubits_peak);
        res_clear(&rh), res_clear(&rl);
        circuit_free(&low);
        circuit_free(&c);
    }
}

static unsigned long count_of(const Circuit *c, GateKind g)
{
    ResCounts r;
    res_init(&r);
    res_count(c, &r);
    unsigned long n = mpz_get_ui(r.gate[g]);
    res_clear(&r);
    return n;
}

static void test_counts_by_hand(void)
{
    /* x with k controls: ccx ladder of 2(k−2)+1 ccx and k−2 ancillas */
    for (uint32_t k = 3; k <= 8; k++) {
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", k + 1);
        uint32_t q[16];
        for (uint32_t j = 0; j <= k; j++)
            q[j] = j;
        circ_cgate(&c, &c.main, GATE_X, k, q, NULL);
        ResCounts r;
        res_init(&r);
        res_count(&c, &r);
        CU_ASSERT_EQUAL(mpz_get_ui(r.ccz), 2 * (k - 2) + 1);
        CU_ASSERT_EQUAL(r.ancillas, k - 2);
        CU_ASSERT_EQUAL(mpz_get_ui(r.total), 2 * (k - 2) + 1);
        res_clear(&r);
        circuit_free(&c);
    }
    /* cp(0.3): 3 rotations, 2 cx; cs: 3 T; ct: 3 rotations; crz: 2 rotations */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 2);
    uint32_t q[2] = {0, 1};
    double th[3] = {0.3, 0.2, 0.1};
    circ_cgate(&c, &c.main, GATE_P, 1, q, th);
    CU_ASSERT_EQUAL(count_of(&c, GATE_P), 3);
    CU_ASSERT_EQUAL(count_of(&c, GATE_CX), 2);
    c.main.ops[0]->gate = GATE_S;
    CU_ASSERT_EQUAL(count_of(&c, GATE_T) + count_of(&c, GATE_TDG), 3);
    CU_ASSERT_EQUAL(count_of(&c, GATE_P), 0);
    c.main.ops[0]->gate = GATE_RZ;
    CU_ASSERT_EQUAL(count_of(&c, GATE_RZ), 2);
    c.main.ops[0]->gate = GATE_U; /* A·X·B·X·C: 5 rotations and p on the control */
    memcpy(c.main.ops[0]->param, th, sizeof th);
    CU_ASSERT_EQUAL(count_of(&c, GATE_RZ) + count_of(&c, GATE_RY), 5);
    CU_ASSERT_EQUAL(count_of(&c, GATE_P), 1);
    c.main.ops[0]->gate = GATE_H; /* ch: t, tdg */
    CU_ASSERT_EQUAL(count_of(&c, GATE_T) + count_of(&c, GATE_TDG), 2);
    c.main.ops[0]->gate = GATE_SWAP; /* plain swap */
    c.main.ops[0]->nctrl = 0;
    CU_ASSERT_EQUAL(count_of(&c, GATE_SWAP), 1);
    circuit_free(&c);
    /* the estimator's π/4 rule: rz(π/4) is a T, rz(π/2) a Clifford, rz(0.3) a rotation */
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    double a[3] = {QGD_PI / 4, QGD_PI / 2, 0.3};
    for (int i = 0; i < 3; i++)
        circ_gate(&c, &c.main, GATE_RZ, q, &a[i]);
    ResCounts r;
    res_init(&r);
    res_count(&c, &r);
    CU_ASSERT_EQUAL(mpz_get_ui(r.t_count), 1);
    CU_ASSERT_EQUAL(mpz_get_ui(r.rotations), 1);
    CU_ASSERT_EQUAL(mpz_get_ui(r.clifford), 1);
    CU_ASSERT_EQUAL(mpz_get_ui(r.depth), 3);
    CU_ASSERT_EQUAL(mpz_get_ui(r.t_depth), 1);
    CU_ASSERT_EQUAL(mpz_get_ui(r.rotation_depth), 1);
    res_clear(&r);
    circuit_free(&c);
    CU_ASSERT_EQUAL(lower_pi4_multiple(-QGD_PI / 4), 7);
    CU_ASSERT_EQUAL(lower_pi4_multiple(9 * QGD_PI / 4), 1);
    CU_ASSERT_EQUAL(lower_pi4_multiple(3e-15), 0);
    CU_ASSERT_EQUAL(lower_pi4_multiple(1e-14), -1);
}

static void test_depths(void)
{
    /* the estimator's layering: t q0; rz q1; cx q0,q1; rz q0; ccx; rz q2.
     * layers: t@0 (q0), rz@0 (q1); cx syncs q0,q1 at 1; rz q0 @1;
     * ccx(q0,q1,q2) @2; rz q2 @3 → rotation layers {0, 1, 3} = 3 */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 3);
    uint32_t q[3] = {0, 1, 2};
    double th[1] = {0.3};
    circ_gate(&c, &c.main, GATE_T, q, NULL);
    circ_gate(&c, &c.main, GATE_RZ, q + 1, th);
    circ_gate(&c, &c.main, GATE_CX, q, NULL);
    circ_gate(&c, &c.main, GATE_RZ, q, th);
    circ_gate(&c, &c.main, GATE_CCX, q, NULL);
    circ_gate(&c, &c.main, GATE_RZ, q + 2, th);
    ResCounts r;
    res_init(&r);
    res_count(&c, &r);
    CU_ASSERT_EQUAL(mpz_get_ui(r.rotation_depth), 3);
    CU_ASSERT_EQUAL(mpz_get_ui(r.depth), 5);  /* t|rz, cx, rz, ccx, rz */
    CU_ASSERT_EQUAL(mpz_get_ui(r.t_depth), 1);
    CU_ASSERT(r.depth_exact);
    res_clear(&r);
    circuit_free(&c);
}

/* QPE-shaped: 60 clock qubits, 2 system qubits; h on the clock;
 * pow(2^k) @ ctrl @ W for k < 60; an approximate inverse QFT (controlled
 * phases −π/2^d for distances d ≤ 30, then h); measure the clock.
 * Under one control W = {h s0; cx s0,s1; rz(0.3) s1; t s0} lowers to
 * ch (2 T, 1 cx, h 2, s 1, sdg 1), ccx (1 CCZ), crz (2 rotations, 2 cx),
 * ct = cp(π/4) (3 rotations, 2 cx): T 2, R 5, CCZ 1, cx 5 per copy, and
 * there are Σ_k 2^k = 2^60 − 1 copies. The QFT has 60 − d pairs at
 * distance d: d = 1 gives cp(−π/2) = tdg, t, tdg (3 T), d = 2..30 give 3
 * rotations, every pair 2 cx: T 177, R 3·Σ_{d=2}^{30}(60−d) = 3828,
 * cx 2·Σ_{d=1}^{30}(60−d) = 2670. */
static void test_qpe_60(void)
{
    clock_t t0 = clock();
    const uint32_t P = 60;
    Circuit c;
    circuit_init(&c);
    uint32_t clk = circuit_qreg(&c, "clock", P), sys = circuit_qreg(&c, "sys", 2);
    circuit_creg(&c, "m", P);
    uint32_t w = circuit_def(&c, "W", 2, "walk");
    Block *wb = circuit_def_body(&c, w);
    uint32_t f[2] = {0, 1};
    double th[1] = {0.3};
    circ_gate(&c, wb, GATE_H, f, NULL);
    circ_gate(&c, wb, GATE_CX, f, NULL);
    circ_gate(&c, wb, GATE_RZ, f + 1, th);
    circ_gate(&c, wb, GATE_T, f, NULL);
    for (uint32_t k = 0; k < P; k++) {
        uint32_t q = clk + k;
        circ_gate(&c, &c.main, GATE_H, &q, NULL);
    }
    for (uint32_t k = 0; k < P; k++) {
        uint32_t q[3] = {clk + k, sys, sys + 1};
        circ_call(&c, &c.main, w, 1, q)->pow = (uint64_t)1 << k;
    }
    for (uint32_t j = 0; j < P; j++) {
        for (uint32_t m = 0; m < j; m++)
            if (j - m <= 30) {
                uint32_t q[2] = {clk + m, clk + j};
                double la[1] = {-QGD_PI / (double)((uint64_t)1 << (j - m))};
                circ_cgate(&c, &c.main, GATE_P, 1, q, la);
            }
        uint32_t q = clk + j;
        circ_gate(&c, &c.main, GATE_H, &q, NULL);
    }
    for (uint32_t k = 0; k < P; k++)
        circ_measure(&c, &c.main, clk + k, k);
    CU_ASSERT_FATAL(circuit_verify(&c));

    ResCounts r;
    res_init(&r);
    res_count(&c, &r);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CU_ASSERT(secs < 1.0);

    mpz_t copies, e;
    mpz_inits(copies, e, NULL);
    mpz_ui_pow_ui(copies, 2, 60);
    mpz_sub_ui(copies, copies, 1);
    mpz_mul_ui(e, copies, 2), mpz_add_ui(e, e, 177);
    CU_ASSERT(!mpz_cmp(r.t_count, e));
    mpz_mul_ui(e, copies, 5), mpz_add_ui(e, e, 3828);
    CU_ASSERT(!mpz_cmp(r.rotations, e));
    CU_ASSERT(!mpz_cmp(r.ccz, copies));
    mpz_mul_ui(e, copies, 5), mpz_add_ui(e, e, 2670);
    CU_ASSERT(!mpz_cmp(r.gate[GATE_CX], e));
    mpz_mul_ui(e, copies, 2), mpz_add_ui(e, e, 120);
    CU_ASSERT(!mpz_cmp(r.gate[GATE_H], e));
    CU_ASSERT(!mpz_cmp(r.gate[GATE_S], copies));
    CU_ASSERT(!mpz_cmp(r.gate[GATE_SDG], copies));
    CU_ASSERT_EQUAL(mpz_get_ui(r.measurements), 60);
    /* total: per copy ch 7 + ccx 1 + crz 4 + ct 5 = 17 gates */
    mpz_mul_ui(e, copies, 17), mpz_add_ui(e, e, 120 + 5 * 1335 + 60);
    CU_ASSERT(!mpz_cmp(r.total, e));
    CU_ASSERT_EQUAL(r.qubits_peak, 62);
    CU_ASSERT_EQUAL(r.ancillas, 0);
    CU_ASSERT(!r.depth_exact);
    CU_ASSERT(mpz_cmp(r.depth, copies) > 0); /* the copies run one after another */
    mpz_clears(copies, e, NULL);

    /* the physical estimate runs on counts this large */
    ResPhysical p;
    res_phys_init(&p);
    char *err = NULL;
    bool ok = res_physical(&r, NULL, &p, &err);
    if (!ok) /* the distance may exceed 50 at these sizes: the message says so */
        CU_ASSERT(err && strstr(err, "code distance"));
    free(err);
    res_phys_clear(&p);
    res_clear(&r);
    circuit_free(&c);
}

/* ---- physical estimate ---- */

static void set_counts(ResCounts *r, unsigned q, unsigned t, unsigned rot, unsigned rdepth, unsigned ccz,
                       unsigned meas)
{
    r->qubits = r->qubits_peak = q;
    mpz_set_ui(r->t_count, t);
    mpz_set_ui(r->rotations, rot);
    mpz_set_ui(r->rotation_depth, rdepth);
    mpz_set_ui(r->ccz, ccz);
    mpz_set_ui(r->measurements, meas);
}

/* Q = 10, T = 100, M = 10, qubit_gate_us_e3 (T error 1e-6), budget 1e-3:
 *   no rotations → ε_log = ε_T = 5e-4;
 *   Q' = 2·10 + ⌈√80⌉ + 1 = 30; C = M + T = 110; N = T = 100;
 *   ε_log/(Q'·C) = 1.515e-7 → d = ⌈2 ln(0.03/1.515e-7)/ln(0.01/0.001) − 1⌉|1 = 11
 *     (p_L(11) = 0.03·0.1^6 = 3e-8 ≤ 1.515e-7 < p_L(9) = 3e-7);
 *   logical cycle (4·100 µs + 2·100 µs)·11 = 6.6 ms;
 *   required T error 5e-4/100 = 5e-6 > 1e-6: the trivial 1-to-1 factory at
 *     d = 11: 2·11² = 242 qubits, one cycle, one state per run;
 *   a factory makes ⌊110·6.6e6/6.6e6⌋ = 110 states in the run time, so
 *     factories ⌈100/110⌉ = 1, runs ⌈100/(1·1)⌉ = 100;
 *   physical qubits 30·242 + 242 = 7502; runtime 110·6.6 ms = 0.726 s;
 *   rQOPS ⌈30·10^9/6.6e6⌉ = 4546. */
static void test_physical_by_hand(void)
{
    ResCounts r;
    res_init(&r);
    set_counts(&r, 10, 100, 0, 0, 0, 10);
    ResPhysical p;
    res_phys_init(&p);
    ResPhysOptions o = {.qubit = res_qubit_model("qubit_gate_us_e3")};
    char *err = NULL;
    CU_ASSERT_FATAL(o.qubit != NULL);
    CU_ASSERT_FATAL(res_physical(&r, &o, &p, &err));
    ASSERT_CLOSE(p.budget_logical, 5e-4, 1e-15);
    ASSERT_CLOSE(p.budget_tstates, 5e-4, 1e-15);
    CU_ASSERT_EQUAL(p.budget_rotations, 0);
    CU_ASSERT_EQUAL(mpz_get_ui(p.layout_qubits), 30);
    CU_ASSERT_EQUAL(mpz_get_ui(p.logical_depth), 110);
    CU_ASSERT_EQUAL(mpz_get_ui(p.cycles), 110);
    CU_ASSERT_EQUAL(mpz_get_ui(p.tstates), 100);
    CU_ASSERT_EQUAL(p.code_distance, 11);
    ASSERT_CLOSE(p.cycle_ns, 6.6e6, 0);
    ASSERT_CLOSE(p.logical_error, 3e-8, 1e-12);
    CU_ASSERT(p.has_factory);
    CU_ASSERT_STRING_EQUAL(p.factory.round[0].unit, "trivial 1-to-1");
    CU_ASSERT_EQUAL(p.factory.qubits, 242);
    CU_ASSERT_EQUAL(mpz_get_ui(p.factories), 1);
    CU_ASSERT_EQUAL(mpz_get_ui(p.factory_runs), 100);
    CU_ASSERT_EQUAL(mpz_get_ui(p.qubits_algorithm), 7260);
    CU_ASSERT_EQUAL(mpz_get_ui(p.qubits), 7502);
    CU_ASSERT_EQUAL(mpz_get_ui(p.runtime_ns), 726000000);
    ASSERT_CLOSE(p.rqops, 4546, 0);
    res_phys_clear(&p);
    res_clear(&r);
}

/* Q = 5, R = 20, D_R = 4, CCZ = 2, M = 5, qubit_gate_ns_e3, budget 1e-3:
 *   thirds 3.33e-4; n_R = ⌈0.53·log2(20/3.33e-4) + 4.86⌉ = ⌈13.27⌉ = 14;
 *   Q' = 10 + ⌈√40⌉ + 1 = 18; C = 5 + 20 + 3·2 + 14·4 = 87;
 *   N = 4·2 + 14·20 = 288; ε_log/(Q'·C) = 2.13e-7 → d = 11 (3e-8);
 *   algorithm qubits 18·2·121 = 4356; cycle (4·50 + 2·100)·11 = 4400 ns.
 * The factory: distilled (1e-3 > 3.33e-4/288), output error within the
 * requirement, enough copies for N states in C cycles. */
static void test_physical_rotations(void)
{
    ResCounts r;
    res_init(&r);
    set_counts(&r, 5, 0, 20, 4, 2, 5);
    ResPhysical p;
    res_phys_init(&p);
    char *err = NULL;
    CU_ASSERT_FATAL(res_physical(&r, NULL, &p, &err));
    CU_ASSERT_STRING_EQUAL(p.qubit->name, "qubit_gate_ns_e3");
    ASSERT_CLOSE(p.budget_rotations, 1e-3 / 3, 1e-15);
    CU_ASSERT_EQUAL(p.ts_per_rotation, 14);
    CU_ASSERT_EQUAL(mpz_get_ui(p.layout_qubits), 18);
    CU_ASSERT_EQUAL(mpz_get_ui(p.logical_depth), 87);
    CU_ASSERT_EQUAL(mpz_get_ui(p.tstates), 288);
    CU_ASSERT_EQUAL(p.code_distance, 11);
    ASSERT_CLOSE(p.cycle_ns, 4400, 0);
    CU_ASSERT_EQUAL(mpz_get_ui(p.qubits_algorithm), 4356);
    CU_ASSERT_FATAL(p.has_factory);
    const ResFactory *F = &p.factory;
    CU_ASSERT(F->nrounds >= 1);
    CU_ASSERT(F->output_error <= p.required_tstate_error);
    ASSERT_CLOSE(p.required_tstate_error, 1e-3 / 3 / 288, 1e-12);
    CU_ASSERT(F->duration_ns <= mpz_get_d(p.cycles) * p.cycle_ns);
    /* ⌈N / (⌊C·cycle/duration⌋·outputs)⌉ */
    double want = ceil(288.0 / (floor(mpz_get_d(p.cycles) * p.cycle_ns / F->duration_ns) * (double)F->outputs));
    ASSERT_CLOSE(mpz_get_d(p.factories), want, 0);
    ASSERT_CLOSE(mpz_get_d(p.qubits), 4356 + want * (double)F->qubits, 0);
    /* text and JSON carry the numbers */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    res_print(&r, &p, m);
    JsonWriter w;
    json_init(&w, m);
    res_json(&r, &p, &w);
    json_finish(&w);
    fclose(m);
    CU_ASSERT(strstr(buf, "code distance          11") != NULL);
    CU_ASSERT(strstr(buf, "\"codeDistance\": 11") != NULL);
    CU_ASSERT(strstr(buf, "\"tStatesPerRotation\": 14") != NULL);
    free(buf);
    res_phys_clear(&p);
    /* Majorana with the Floquet code, and refusals */
    ResPhysOptions o = {.qubit = res_qubit_model("qubit_maj_ns_e4"), .qec = RES_FLOQUET_CODE};
    res_phys_init(&p);
    CU_ASSERT(res_physical(&r, &o, &p, &err));
    ASSERT_CLOSE(p.cycle_ns, 3 * 100.0 * p.code_distance, 0);
    res_phys_clear(&p);
    o.qubit = res_qubit_model("qubit_gate_ns_e3");
    res_phys_init(&p);
    CU_ASSERT(!res_physical(&r, &o, &p, &err));
    free(err), err = NULL;
    res_phys_clear(&p);
    set_counts(&r, 5, 0, 0, 0, 0, 0);
    res_phys_init(&p);
    CU_ASSERT(!res_physical(&r, NULL, &p, &err));
    CU_ASSERT(err && strstr(err, "no operations"));
    free(err);
    res_phys_clear(&p);
    res_clear(&r);
}

/* ---- OpenQASM ---- */

static char *emit_to_string(const Circuit *c, bool flat)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    bool ok = qasm_emit(c, flat, m, &err);
    fclose(m);
    CU_ASSERT(ok);
    free(err);
    return buf;
}

static void build_small(Circuit *c)
{
    circuit_init(c);
    circuit_qreg(c, "q", 3);
    circuit_creg(c, "c", 2);
    uint32_t bell = circuit_def(c, "bell", 2, "Bell pair");
    uint32_t f[2] = {0, 1};
    circ_gate(c, circuit_def_body(c, bell), GATE_H, f, NULL);
    circ_gate(c, circuit_def_body(c, bell), GATE_CX, f, NULL);
    uint32_t cp = circuit_def(c, "cp", 1, NULL); /* a stdgates name: renamed */
    double th[1] = {0.1};
    circ_gate(c, circuit_def_body(c, cp), GATE_RZ, f, th);
    uint32_t q[3] = {2, 0, 1};
    Op *op = circ_call(c, &c->main, bell, 1, q);
    op->pow = 2, op->inv = true, op->negctrl = 1;
    op->comment = "twice";
    circ_call(c, &c->main, cp, 0, q + 2);
    double a[2] = {0.5, -0.25};
    circ_multiplex(c, &c->main, GATE_RY, 1, q + 1, a);
    double u[3] = {-QGD_PI / 2, 0, 1.0 / 3};
    circ_cgate(c, &c->main, GATE_U, 1, q, u);
    circ_postselect(c, &c->main, 2, 1);
    circ_measure(c, &c->main, 0, 1);
    uint32_t q1 = 1;
    circ_if(c, &c->main, 1, 1, circ_gate(c, NULL, GATE_X, &q1, NULL));
    circ_barrier(c, &c->main, 0, NULL);
}

static void test_qasm_hierarchical(void)
{
    Circuit c;
    build_small(&c);
    CU_ASSERT_FATAL(circuit_verify(&c));
    char *s = emit_to_string(&c, false);
    const char *want = "OPENQASM 3.0;\n"
                       "include \"stdgates.inc\";\n"
                       "// uniformly controlled ry, 1 select qubit (Mottonen et al.)\n"
                       "gate mux0 _q0, _q1 {\n"
                       "  ry(0.125) _q1;\n"
                       "  cx _q0, _q1;\n"
                       "  ry(0.375) _q1;\n"
                       "  cx _q0, _q1;\n"
                       "}\n"
                       "// Bell pair\n"
                       "gate bell _q0, _q1 {\n"
                       "  h _q0;\n"
                       "  cx _q0, _q1;\n"
                       "}\n"
                       "gate cp_ _q0 {\n"
                       "  rz(0.1) _q0;\n"
                       "}\n"
                       "qubit[3] q;\n"
                       "bit[2] c;\n"
                       "bit[1] ps; // post-selected qubits, in program order\n"
                       "// twice\n"
                       "pow(2) @ inv @ negctrl @ bell q[2], q[0], q[1];\n"
                       "cp_ q[1];\n"
                       "mux0 q[0], q[1];\n"
                       "ctrl @ rz(0.3333333333333333) q[2], q[0];\n"
                       "ctrl @ gphase(3.141592653589793) q[2];\n"
                       "ctrl @ ry(4.71238898038469) q[2], q[0];\n"
                       "ctrl @ gphase(0.16666666666666666) q[2];\n"
                       "// post-select: simulation keeps the branch q[2] == 1 and renormalises\n"
                       "ps[0] = measure q[2];\n"
                       "c[1] = measure q[0];\n"
                       "if (c[1] == 1) {\n"
                       "  x q[1];\n"
                       "}\n"
                       "barrier q;\n";
    CU_ASSERT_STRING_EQUAL(s, want);
    if (strcmp(s, want))
        fprintf(stderr, "\n---- got\n%s---- want\n%s", s, want);
    free(s);
    circuit_free(&c);
}

static void test_qasm_flat(void)
{
    /* ctrl @ s and negctrl @ x, flat: t c; cx; tdg t; cx; t t and x; cx; x */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 3);
    circuit_creg(&c, "c", 1);
    uint32_t q[2] = {0, 1}, r[2] = {2, 0};
    circ_cgate(&c, &c.main, GATE_S, 1, q, NULL);
    circ_cgate(&c, &c.main, GATE_X, 1, r, NULL)->negctrl = 1;
    double th[1] = {-0.7};
    circ_gate(&c, &c.main, GATE_RY, q + 1, th);
    circ_measure(&c, &c.main, 1, 0);
    char *s = emit_to_string(&c, true);
    const char *want = "OPENQASM 3.0;\n"
                       "include \"stdgates.inc\";\n"
                       "qubit[3] q;\n"
                       "bit[1] c;\n"
                       "t q[0];\n"
                       "cx q[0], q[1];\n"
                       "tdg q[1];\n"
                       "cx q[0], q[1];\n"
                       "t q[1];\n"
                       "x q[2];\n"
                       "cx q[2], q[0];\n"
                       "x q[2];\n"
                       "ry(-0.7) q[1];\n"
                       "c[0] = measure q[1];\n";
    CU_ASSERT_STRING_EQUAL(s, want);
    if (strcmp(s, want))
        fprintf(stderr, "\n---- got\n%s---- want\n%s", s, want);
    free(s);
    circuit_free(&c);

    /* a flat form needing ancillas declares them; only basis gates appear */
    build_small(&c);
    uint32_t q4[3] = {0, 1, 2};
    circ_cgate(&c, &c.main, GATE_H, 2, q4, NULL);
    s = emit_to_string(&c, true);
    CU_ASSERT(strstr(s, "qubit[1] anc;\n") != NULL);
    CU_ASSERT(strstr(s, "gate ") == NULL);
    CU_ASSERT(strstr(s, "@") == NULL);
    CU_ASSERT(strstr(s, "U(") == NULL);
    free(s);
    circuit_free(&c);
}

static void test_qasm_angles_read_back(void)
{
    /* every printed angle parses back to the same double */
    for (int i = 0; i < 200; i++) {
        double x = (2 * unit_urand(&rng) - 1) * pow(10, (int)unit_irand(&rng, 12) - 6);
        char buf[40];
        fmt_double(x, buf, sizeof buf);
        CU_ASSERT(strtod(buf, NULL) == x);
    }
    /* and a refused flat form says why */
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", 1);
    uint32_t d = circuit_def(&c, "g", 1, NULL), q = 0;
    circ_gate(&c, circuit_def_body(&c, d), GATE_H, &q, NULL);
    circ_call(&c, &c.main, d, 0, &q)->pow = (uint64_t)1 << 40;
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CU_ASSERT(!qasm_emit(&c, true, m, &err));
    fclose(m);
    CU_ASSERT(err && strstr(err, "1099511627776 operations"));
    free(err);
    free(buf);
    circuit_free(&c);
}

void suite_codegen(void);
void suite_codegen(void)
{
    UNIT_SUITE("codegen", {"lowering: every gate x controls x inv x pow", test_every_gate},
               {"lowering: angles at multiples of pi/8", test_special_angles},
               {"lowering: folded powers", test_big_powers}, {"lowering: nested calls", test_nested_calls},
               {"lowering: multiplexors 0..4 selects", test_multiplexors},
               {"lowering: post-selection, if, barrier", test_measurement_and_if},
               {"counts: hierarchy = lowering", test_counts_random}, {"counts: by hand", test_counts_by_hand},
               {"counts: depths", test_depths}, {"counts: QPE with 60 clock bits", test_qpe_60},
               {"physical: by hand", test_physical_by_hand}, {"physical: rotations", test_physical_rotations},
               {"qasm: hierarchical text", test_qasm_hierarchical}, {"qasm: flat text", test_qasm_flat},
               {"qasm: angles and refusals", test_qasm_angles_read_back});
}
