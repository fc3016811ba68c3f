/* test_sim_fusion.c — flat fusion and cache blocking of the executor
 * (src/sim/flat.c, contract in exec.h) against the unfused walk, which is
 * the reference (itself tested against full matrices in test_exec.c).
 *
 * Random circuits of mixed gates (every built-in kind, with controls of
 * both polarities, inv and pow), multiplexors (selects on both sides of
 * the chunk bit, targets above it), calls of small definitions, barriers,
 * and the boundaries a flush must respect (measurements, resets,
 * post-selections, conditions on the bits, a call applied as a fused
 * dense matrix) run from the same random state with flat fusion off and
 * on, for chunk sizes from 2^2 amplitudes to the whole state, block sizes
 * 2 to 6, 1 and 2 threads: amplitudes agree within 1e-10, measured bits
 * exactly, post-selection probabilities within 1e-10. The counters show
 * that each path ran (dense blocks, diagonal tables, monomial blocks,
 * chunked sweeps, whole-state leaves), and the switches (sim_set_flat,
 * QGDC_SIM_FLAT, QGDC_SIM_FUSE) turn it off. */
#include "unit.h"
#include "support/cmplx.h"

#include <complex.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

#define TOL 1e-10

static UnitRng rng = {20261208};

static void add_gate(Circuit *c, Block *b, uint32_t n, uint32_t maxctrl)
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
    op->inv = unit_urand(&rng) < 0.3;
    static const uint64_t pows[] = {1, 1, 1, 1, 2, 3};
    op->pow = pows[unit_irand(&rng, 6)];
}

static void add_mux(Circuit *c, Block *b, uint32_t n, uint32_t maxsel)
{
    uint32_t k = unit_irand(&rng, maxsel + 1), q[16];
    if (k + 1 > n)
        k = n - 1;
    unit_distinct(&rng, q, k + 1, n);
    double a[1 << 10];
    for (uint32_t i = 0; i < (1u << k); i++)
        a[i] = unit_rand_angle(&rng);
    circ_multiplex(c, b, unit_urand(&rng) < 0.5 ? GATE_RY : GATE_RZ, k, q, a);
}

/* A deep random circuit on n qubits: nops operations, boundaries with
 * probability pb each (measure, reset, post-select, if), a few calls of
 * a 3-qubit definition (once with a controlled call). */
static void random_circuit(Circuit *c, uint32_t n, int nops, double pb)
{
    circuit_init(c);
    circuit_qreg(c, "q", n);
    circuit_creg(c, "b", 4);
    uint32_t d = circuit_def(c, "blk", 3, NULL);
    for (int i = 0; i < 6; i++)
        add_gate(c, circuit_def_body(c, d), 3, 1);
    add_mux(c, circuit_def_body(c, d), 3, 2);
    for (int i = 0; i < nops; i++) {
        double u = unit_urand(&rng);
        if (u < pb) {
            uint32_t q = unit_irand(&rng, n), bit = unit_irand(&rng, 4);
            switch (unit_irand(&rng, 4)) {
            case 0: circ_measure(c, &c->main, q, bit); break;
            case 1: circ_reset(c, &c->main, q); break;
            case 2: circ_postselect(c, &c->main, q, (int)unit_irand(&rng, 2)); break;
            default: {
                Op *then = circ_gate(c, NULL, GATE_H, &q, NULL);
                circ_if(c, &c->main, bit, (int)unit_irand(&rng, 2), then);
            }
            }
        } else if (u < pb + 0.08)
            add_mux(c, &c->main, n, 6);
        else if (u < pb + 0.10) {
            uint32_t q[4];
            unit_distinct(&rng, q, 4, n);
            Op *op = circ_call(c, &c->main, d, unit_urand(&rng) < 0.5, q);
            op->inv = unit_urand(&rng) < 0.5;
        } else if (u < pb + 0.11) {
            uint32_t q[2];
            unit_distinct(&rng, q, 2, n);
            circ_barrier(c, &c->main, 2, q);
        } else
            add_gate(c, &c->main, n, unit_urand(&rng) < 0.7 ? 0 : 3);
    }
    CU_ASSERT_FATAL(circuit_verify(c));
}

static StateVec *random_state(int n)
{
    StateVec *sv = sim_create(n, NULL);
    double s = 0;
    for (uint64_t i = 0; i < sv->dim; i++) {
        sv->amp[i] = CMPLX(unit_urand(&rng) - 0.5, unit_urand(&rng) - 0.5);
        s += creal(sv->amp[i] * conj(sv->amp[i]));
    }
    for (uint64_t i = 0; i < sv->dim; i++)
        sv->amp[i] /= sqrt(s);
    return sv;
}

typedef struct Outcome {
    bool ok;
    StateVec *sv;
    SimRunResult r;
} Outcome;

static Outcome run_with(const Circuit *c, const StateVec *init, int flat, int chunk, int kmax)
{
    Outcome o = {0};
    o.sv = sim_create(init->nqubits, NULL);
    memcpy(o.sv->amp, init->amp, init->dim * sizeof *init->amp);
    sim_set_flat(flat, chunk, kmax);
    SimRunOptions opt = {.seed = 7};
    char *err = NULL;
    o.ok = sim_run(c, o.sv, &opt, &o.r, &err);
    free(err);
    sim_set_flat(-1, 0, 0);
    return o;
}

static void outcome_free(Outcome *o)
{
    sim_destroy(o->sv);
    sim_run_result_free(&o->r);
}

/* The state's largest amplitude difference; bits and post-selections
 * compared. */
static double compare(const Outcome *a, const Outcome *b)
{
    CU_ASSERT_EQUAL_FATAL(a->ok, b->ok);
    CU_ASSERT_EQUAL(a->r.nbits, b->r.nbits);
    CU_ASSERT(memcmp(a->r.bits, b->r.bits, a->r.nbits) == 0);
    CU_ASSERT_EQUAL_FATAL(a->r.npost, b->r.npost);
    for (size_t i = 0; i < a->r.npost; i++)
        CU_ASSERT(fabs(a->r.post_prob[i] - b->r.post_prob[i]) <= TOL);
    CU_ASSERT_EQUAL(a->r.ops, b->r.ops);
    double worst = 0;
    for (uint64_t i = 0; i < a->sv->dim; i++)
        worst = fmax(worst, cabs(a->sv->amp[i] - b->sv->amp[i]));
    return worst;
}

/* Fused against unfused on random circuits, every chunk size and block size. */
static void test_flat_random(void)
{
    uint64_t dense = 0, diag = 0, mono = 0, sweeps = 0, full = 0, leaves = 0;
    double worst = 0;
    const uint64_t pmin = sim_parallel_min();
    const int threads = omp_get_max_threads();
    sim_set_fuse(SIM_FUSE_OFF, false); /* calls run their bodies: their leaves are queued */
    for (int trial = 0; trial < 24; trial++) {
        uint32_t n = 5 + unit_irand(&rng, 6); /* 5..10 */
        Circuit c;
        random_circuit(&c, n, 150 + (int)unit_irand(&rng, 300), trial % 3 == 0 ? 0.0 : 0.02);
        StateVec *init = random_state((int)n);
        Outcome ref = run_with(&c, init, 0, 0, 0);
        CU_ASSERT_EQUAL(ref.r.flat_leaves, 0);
        static const int chunks[] = {2, 3, 4, 0};
        for (int ci = 0; ci < 4; ci++) {
            int kmax = 2 + (trial + ci) % 5; /* 2..6 */
            omp_set_num_threads(1 + (trial + ci) % 2);
            sim_set_parallel_min(ci % 2 ? 1 : pmin);
            Outcome o = run_with(&c, init, ci == 3 ? 1 : 2, chunks[ci], kmax); /* 2: every block fused */
            double w = compare(&ref, &o);
            if (w > TOL)
                fprintf(stderr, "\n  trial %d: %u qubits, chunk %d, kmax %d: %.3g\n", trial, n, chunks[ci], kmax, w);
            worst = fmax(worst, w);
            CU_ASSERT(o.r.flat_leaves > 0);
            dense += o.r.flat_dense, diag += o.r.flat_diag, sweeps += o.r.flat_sweeps;
            full += o.r.flat_full, mono += o.r.flat_mono, leaves += o.r.flat_leaves;
            outcome_free(&o);
        }
        sim_set_parallel_min(pmin);
        omp_set_num_threads(threads);
        outcome_free(&ref);
        sim_destroy(init);
        circuit_free(&c);
    }
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    CU_ASSERT(worst <= TOL);
    /* every path ran */
    CU_ASSERT(dense > 0);
    CU_ASSERT(diag > 0);
    CU_ASSERT(sweeps > 0);
    CU_ASSERT(full > 0);
    CU_ASSERT(mono > 0);
    CU_ASSERT(leaves > 0);
}

/* Diagonal circuits (rz, p, t, cz, controlled phases, rz multiplexors)
 * fuse into diagonal tables, with multiplexor selects and targets on both
 * sides of the chunk bit. */
static void test_flat_diagonal(void)
{
    for (int trial = 0; trial < 6; trial++) {
        uint32_t n = 8 + (uint32_t)trial % 3;
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", n);
        static const GateKind diag[] = {GATE_RZ, GATE_P, GATE_T, GATE_S, GATE_Z, GATE_CZ, GATE_TDG};
        for (int i = 0; i < 300; i++) {
            if (i % 10 == 9) {
                uint32_t k = 1 + unit_irand(&rng, 5), q[8];
                unit_distinct(&rng, q, k + 1, n);
                double a[64];
                for (uint32_t j = 0; j < (1u << k); j++)
                    a[j] = unit_rand_angle(&rng);
                circ_multiplex(&c, &c.main, i % 20 == 9 ? GATE_RZ : GATE_RY, k, q, a);
                continue;
            }
            GateKind g = diag[unit_irand(&rng, 7)];
            uint32_t own = (uint32_t)gate_info[g].nqubits, k = unit_irand(&rng, 3), q[8];
            unit_distinct(&rng, q, own + k, n);
            double p[3] = {unit_rand_angle(&rng), 0, 0};
            circ_cgate(&c, &c.main, g, k, q, p)->negctrl = unit_irand(&rng, 1u << k);
        }
        CU_ASSERT_FATAL(circuit_verify(&c));
        StateVec *init = random_state((int)n);
        Outcome ref = run_with(&c, init, 0, 0, 0);
        Outcome o = run_with(&c, init, 2, 3 + trial % 3, 4);
        CU_ASSERT(compare(&ref, &o) <= TOL);
        CU_ASSERT(o.r.flat_diag > 0);
        outcome_free(&o);
        outcome_free(&ref);
        sim_destroy(init);
        circuit_free(&c);
    }
}

/* A call applied as one dense matrix (definition fusion) in the middle of
 * a flat run: the queue is flushed before it. */
static void test_flat_with_fused_call(void)
{
    Circuit c;
    circuit_init(&c);
    uint32_t n = 9;
    circuit_qreg(&c, "q", n);
    uint32_t d = circuit_def(&c, "w", 4, NULL);
    for (int i = 0; i < 12; i++)
        add_gate(&c, circuit_def_body(&c, d), 4, 1);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 40; i++)
            add_gate(&c, &c.main, n, 1);
        uint32_t q[4];
        unit_distinct(&rng, q, 4, n);
        circ_call(&c, &c.main, d, 0, q)->pow = 5;
    }
    CU_ASSERT_FATAL(circuit_verify(&c));
    StateVec *init = random_state((int)n);
    sim_set_fuse(SIM_FUSE_OFF, false);
    Outcome ref = run_with(&c, init, 0, 0, 0);
    sim_set_fuse(SIM_FUSE_ALWAYS, false);
    Outcome o = run_with(&c, init, 1, 4, 4);
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    CU_ASSERT(compare(&ref, &o) <= TOL);
    CU_ASSERT_EQUAL(o.r.fused, 4);
    CU_ASSERT(o.r.flat_leaves > 0);
    outcome_free(&o);
    outcome_free(&ref);
    sim_destroy(init);
    circuit_free(&c);
}

/* The switches: sim_set_flat, QGDC_SIM_FLAT, and QGDC_SIM_FUSE=0 (which
 * turns every fusion off). */
static void test_flat_switches(void)
{
    Circuit c;
    random_circuit(&c, 6, 50, 0);
    StateVec *init = random_state(6);
    const char *old_flat = getenv("QGDC_SIM_FLAT"), *old_fuse = getenv("QGDC_SIM_FUSE");
    char *sf = old_flat ? xstrdup(old_flat) : NULL, *su = old_fuse ? xstrdup(old_fuse) : NULL;
    unsetenv("QGDC_SIM_FLAT");
    unsetenv("QGDC_SIM_FUSE");
    Outcome o = run_with(&c, init, -1, 0, 0);
    CU_ASSERT(o.r.flat_leaves > 0);
    outcome_free(&o);
    setenv("QGDC_SIM_FLAT", "off", 1);
    o = run_with(&c, init, -1, 0, 0);
    CU_ASSERT_EQUAL(o.r.flat_leaves, 0);
    outcome_free(&o);
    setenv("QGDC_SIM_FLAT", "0", 1);
    o = run_with(&c, init, -1, 0, 0);
    CU_ASSERT_EQUAL(o.r.flat_leaves, 0);
    outcome_free(&o);
    unsetenv("QGDC_SIM_FLAT");
    setenv("QGDC_SIM_FUSE", "0", 1);
    o = run_with(&c, init, -1, 0, 0);
    CU_ASSERT_EQUAL(o.r.flat_leaves, 0);
    outcome_free(&o);
    o = run_with(&c, init, 1, 0, 0); /* an explicit setting wins */
    CU_ASSERT(o.r.flat_leaves > 0);
    outcome_free(&o);
    if (sf)
        setenv("QGDC_SIM_FLAT", sf, 1);
    else
        unsetenv("QGDC_SIM_FLAT");
    if (su)
        setenv("QGDC_SIM_FUSE", su, 1);
    else
        unsetenv("QGDC_SIM_FUSE");
    free(sf);
    free(su);
    sim_destroy(init);
    circuit_free(&c);
}

void suite_sim_fusion(void);
void suite_sim_fusion(void)
{
    UNIT_SUITE("sim_fusion", {"random circuits, fused against unfused", test_flat_random},
               {"diagonal fusion", test_flat_diagonal}, {"with a fused call", test_flat_with_fused_call},
               {"switches", test_flat_switches});
}
