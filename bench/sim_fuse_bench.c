/* sim_fuse_bench.c — gate fusion in the executor (src/sim/exec.h): phase
 * estimation of a qubitized walk, run fused against unfused; the unitarity
 * drift of repeated squaring with and without re-unitarisation; and the
 * constants of the fusion cost estimate, measured. Not part of `make test`.
 *
 * The walk is built as qgdc's block encoding builds it (passes/
 * block_encode.c): PREP, a cascade of Ry multiplexors on the m index
 * qubits; SELECT, one Pauli string on the s system qubits per index value
 * under m controls; W = R·PREP†·SELECT·PREP with R = 2|0⟩⟨0| − I on the
 * index (random angles and strings, fixed seed). Phase estimation applies
 * pow(2^k) @ ctrl(clock[k]) @ W for k < p, either as a controlled call of
 * W ("ctrl@W", w = s + m) or as a call of a definition that takes the
 * control as its formal 0 and controls only SELECT and R ("walk_c",
 * w = 1 + s + m, as passes/qsolve.c does); the circuit runs it, a
 * multiplexed rotation of an ancilla by the clock, and its inverse.
 *
 * Usage: sim_fuse_bench [quick | full]
 * Each phase-estimation case runs 3 times unfused and 3 times fused,
 * alternating, and keeps the best of each.
 *   quick: only the p = 6 cases, once each, and part of the drift table.
 *   full: adds p = 11 (once each) and the drift of w = 10 at 2^20. */
#include <cblas.h>
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/circuit.h"
#include "support/consts.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 12345;

static uint64_t next64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double urand(void) { return (double)(next64() >> 11) * 0x1p-53; }

/* ---- the walk ---- */

typedef struct {
    uint32_t s, m, w, walk, walk_c;
    double leaves; /* leaf operations of one W */
} Walk;

static Walk build_walk(Circuit *c, uint32_t s, uint32_t m, uint32_t nterms)
{
    Walk k = {.s = s, .m = m};
    uint32_t q[64];
    /* PREP */
    uint32_t prep = circuit_def(c, "prep", m, NULL);
    for (uint32_t j = 0; j < m; j++) {
        double ang[64];
        for (uint32_t v = 0; v < (1u << j); v++)
            ang[v] = QGD_PI * urand();
        for (uint32_t i = 0; i <= j; i++)
            q[i] = i;
        circ_multiplex(c, circuit_def_body(c, prep), GATE_RY, j, q, ang);
    }
    /* SELECT: index qubits s..s+m−1 control the strings on 0..s−1
     * (a definition calls only earlier ones: the strings first) */
    uint32_t first = (uint32_t)c->ndefs;
    for (uint32_t t = 0; t < nterms; t++) {
        char name[32];
        snprintf(name, sizeof name, "term%u", t);
        uint32_t d = circuit_def(c, name, s, NULL);
        if (urand() < 0.5) {
            double pi = QGD_PI;
            circ_gate(c, circuit_def_body(c, d), GATE_GPHASE, NULL, &pi);
        }
        for (uint32_t i = 0; i < s; i++) {
            double r = urand();
            if (r < 0.75)
                circ_gate(c, circuit_def_body(c, d), r < 0.25 ? GATE_X : r < 0.5 ? GATE_Y : GATE_Z, &i, NULL);
        }
    }
    uint32_t sel = circuit_def(c, "select", s + m, NULL);
    for (uint32_t t = 0; t < nterms; t++) {
        uint32_t d = first + t;
        for (uint32_t i = 0; i < m; i++)
            q[i] = s + i;
        for (uint32_t i = 0; i < s; i++)
            q[m + i] = i;
        Op *op = circ_call(c, circuit_def_body(c, sel), d, m, q);
        op->negctrl = ~(uint64_t)t & (((uint64_t)1 << m) - 1);
    }
    /* W and the controlled walk */
    double pi = QGD_PI;
    for (int ctl = 0; ctl < 2; ctl++) {
        uint32_t o = (uint32_t)ctl, d = circuit_def(c, ctl ? "walk_c" : "walk", o + s + m, NULL);
        Block *b = circuit_def_body(c, d);
        for (uint32_t i = 0; i < o + s + m; i++)
            q[i] = i;
        circ_call(c, b, prep, 0, q + o + s);
        circ_call(c, b, sel, o, q);
        circ_call(c, b, prep, 0, q + o + s)->inv = true;
        uint32_t rq[65];
        rq[0] = 0;
        for (uint32_t i = 0; i < m; i++)
            rq[o + i] = o + s + i;
        Op *r = circ_cgate(c, b, GATE_GPHASE, o + m, rq, &pi);
        r->negctrl = (((uint64_t)1 << m) - 1) << o;
        circ_cgate(c, b, GATE_GPHASE, o, rq, &pi);
        if (ctl)
            k.walk_c = d;
        else
            k.walk = d;
    }
    k.w = s + m;
    return k;
}

/* Clock 0..p−1, system, index, ancilla: prepare, qpe, a rotation of the
 * ancilla by the clock, qpe†. */
static void build_qpe_circuit(Circuit *c, uint32_t p, uint32_t s, uint32_t m, uint32_t nterms, bool walk_c,
                              Walk *out)
{
    circuit_init(c);
    uint32_t n = p + s + m + 1;
    circuit_qreg(c, "q", n);
    Walk k = build_walk(c, s, m, nterms);
    uint32_t w = s + m, qpe = circuit_def(c, "qpe", p + w, NULL), q[128];
    Block *b = circuit_def_body(c, qpe);
    for (uint32_t j = 0; j < p; j++)
        circ_gate(c, b, GATE_H, &j, NULL);
    for (uint32_t j = 0; j < p; j++) {
        q[0] = j;
        for (uint32_t i = 0; i < w; i++)
            q[1 + i] = p + i;
        Op *op = circ_call(c, b, walk_c ? k.walk_c : k.walk, walk_c ? 0 : 1, q);
        op->pow = (uint64_t)1 << j;
    }
    for (uint32_t i = 0; i < w; i++) {
        uint32_t t = p + i;
        double th = QGD_PI * urand();
        circ_gate(c, &c->main, GATE_RY, &t, &th);
    }
    for (uint32_t i = 0; i < p + w; i++)
        q[i] = i;
    circ_call(c, &c->main, qpe, 0, q);
    double *ang = xmalloc(((size_t)1 << p) * sizeof *ang);
    for (uint32_t v = 0; v < (1u << p); v++)
        ang[v] = QGD_PI * urand();
    for (uint32_t i = 0; i < p; i++)
        q[i] = i;
    q[p] = n - 1;
    circ_multiplex(c, &c->main, GATE_RY, p, q, ang);
    free(ang);
    for (uint32_t i = 0; i < p + w; i++)
        q[i] = i;
    circ_call(c, &c->main, qpe, 0, q)->inv = true;
    if (!circuit_verify(c)) {
        fprintf(stderr, "sim_fuse_bench: circuit does not verify\n");
        exit(1);
    }
    /* leaf operations of one W: the run's count over the 2·(2^p − 1) walks */
    k.leaves = 0;
    *out = k;
}

/* Unfused and fused runs alternate, reps times each; the best time of each
 * (the host may be shared). */
static void qpe_case(uint32_t p, uint32_t s, uint32_t m, uint32_t nterms, bool walk_c, int reps)
{
    Circuit c;
    Walk k;
    build_qpe_circuit(&c, p, s, m, nterms, walk_c, &k);
    uint32_t n = c.nqubits;
    double t[2] = {1e30, 1e30}, worst = 0;
    SimRunResult res[2] = {{0}, {0}};
    StateVec *sv[2] = {sim_create((int)n, NULL), sim_create((int)n, NULL)};
    for (int r = 0; r < reps; r++)
        for (int f = 0; f < 2; f++) {
            sim_set_fuse(f ? SIM_FUSE_AUTO : SIM_FUSE_OFF, false);
            sim_reset_zero(sv[f]);
            double t0 = now();
            if (!sim_run(&c, sv[f], NULL, &res[f], NULL))
                exit(1);
            t[f] = fmin(t[f], now() - t0);
        }
    for (uint64_t i = 0; i < sv[0]->dim; i++)
        worst = fmax(worst, cabs(sv[0]->amp[i] - sv[1]->amp[i]));
    printf("| %s | %u | %u | %u | %u | %.0f | %.2f | %.2f | %.1fx | %llu | %llu | %llu | %llu | %.1e |\n",
           walk_c ? "walk_c" : "ctrl@W", n, p, walk_c ? k.w + 1 : k.w, nterms,
           (double)res[0].ops / (2 * (ldexp(1, (int)p) - 1)), t[0], t[1], t[0] / t[1],
           (unsigned long long)res[1].fused, (unsigned long long)res[1].fuse_builds,
           (unsigned long long)res[1].fuse_products, (unsigned long long)res[1].fuse_polar, worst);
    fflush(stdout);
    for (int f = 0; f < 2; f++) {
        sim_destroy(sv[f]);
        sim_run_result_free(&res[f]);
    }
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    circuit_free(&c);
}

/* ---- drift ---- */

/* ‖U†U − I‖_F */
static double drift(const double complex *u, uint64_t d)
{
    double complex *t = xmalloc(d * d * sizeof *t), one = 1, zero = 0;
    cblas_zgemm(CblasRowMajor, CblasConjTrans, CblasNoTrans, (blasint)d, (blasint)d, (blasint)d, &one, u,
                (blasint)d, u, (blasint)d, &zero, t, (blasint)d);
    double s = 0;
    for (uint64_t i = 0; i < d; i++)
        for (uint64_t j = 0; j < d; j++) {
            double complex e = t[i * d + j] - (i == j);
            s += creal(e) * creal(e) + cimag(e) * cimag(e);
        }
    free(t);
    return sqrt(s);
}

static void drift_table(uint32_t s, uint32_t m, uint32_t nterms, const int *ks, int nk)
{
    Circuit c;
    circuit_init(&c);
    Walk k = build_walk(&c, s, m, nterms);
    circuit_qreg(&c, "q", k.w);
    uint64_t d = (uint64_t)1 << k.w;
    double complex *u = xmalloc(d * d * sizeof *u);
    for (int i = 0; i < nk; i++) {
        double e[2], tm[2];
        SimRunResult res[2] = {{0}, {0}};
        for (int raw = 1; raw >= 0; raw--) {
            sim_set_fuse(SIM_FUSE_DEFAULT, raw);
            double t0 = now();
            char *err = NULL;
            if (!sim_def_matrix(&c, k.walk, false, (uint64_t)1 << ks[i], u, &res[raw], &err)) {
                fprintf(stderr, "sim_fuse_bench: %s\n", err);
                exit(1);
            }
            tm[raw] = now() - t0;
            e[raw] = drift(u, d);
        }
        printf("| %2u | 2^%-2d | %.2e | %.2e | %llu | %.2f |\n", k.w, ks[i], e[1], e[0],
               (unsigned long long)res[0].fuse_polar, tm[0]);
        fflush(stdout);
    }
    sim_set_fuse(SIM_FUSE_DEFAULT, false);
    free(u);
    circuit_free(&c);
}

/* ---- the estimate's constants ---- */

/* Seconds per call of f, best of reps, each rep running it `inner` times. */
#define TIME_BEST(out, reps, inner, stmt)                                                                          \
    do {                                                                                                           \
        (out) = 1e30;                                                                                              \
        for (int r_ = 0; r_ < (reps); r_++) {                                                                      \
            double t0_ = now();                                                                                    \
            for (int i_ = 0; i_ < (inner); i_++) {                                                                 \
                stmt;                                                                                              \
            }                                                                                                      \
            double t_ = (now() - t0_) / (inner);                                                                   \
            if (t_ < (out))                                                                                        \
                (out) = t_;                                                                                        \
        }                                                                                                          \
    } while (0)

static void calibrate(void)
{
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    StateVec *sv = sim_create(20, NULL), *tiny = sim_create(4, NULL);
    const double r = sqrt(0.5);
    const double complex h[4] = {r, r, r, -r};
    double ang[32];
    for (int i = 0; i < 32; i++)
        ang[i] = 0.1 * i;
    int sel[5] = {0, 1, 2, 3, 4}, tg[9];
    for (int i = 0; i < 9; i++)
        tg[i] = 11 + i;
    double complex *u = xmalloc(512 * 512 * sizeof *u), *v = xmalloc(512 * 512 * sizeof *v);
    for (int i = 0; i < 512 * 512; i++)
        u[i] = (urand() - 0.5) / 512;
    double t1q, tmux, tdense, tgemm, tcall, tcallmux;
    TIME_BEST(t1q, 5, 10, sim_apply_1q(sv, 5 + i_ % 4, h));
    TIME_BEST(tmux, 5, 10, sim_apply_ucry(sv, 6 + i_ % 4, sel, 5, ang));
    TIME_BEST(tdense, 3, 1, sim_apply_mcdense(sv, tg, 9, 0, 0, u));
    openblas_set_num_threads(1);
    const double complex one = 1, zero = 0;
    TIME_BEST(tgemm, 3, 1,
              cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 512, 512, 512, &one, u, 512, u, 512, &zero, v,
                          512));
    TIME_BEST(tcall, 5, 1000, sim_apply_1q(tiny, i_ % 4, h));
    TIME_BEST(tcallmux, 5, 1000, sim_apply_ucry(tiny, 3, sel, 3, ang));
    double visit = t1q / ldexp(1, 20);
    printf("| quantity | measured | in visits | exec.c uses |\n|---|---|---|---|\n");
    printf("| visit: 1-qubit gate, 20 qubits, per amplitude | %.3f ns | 1 | 1 |\n", 1e9 * visit);
    printf("| multiplexor (5 selects), per amplitude | %.3f ns | %.2f | FUSE_MUX 1.4 |\n", 1e9 * tmux / ldexp(1, 20),
           tmux / ldexp(1, 20) / visit);
    printf("| dense application (w = 9), per multiply-add | %.3f ns | %.2f | FUSE_MAC 0.4 |\n",
           1e9 * tdense / ldexp(1, 29), tdense / ldexp(1, 29) / visit);
    printf("| zgemm 512^3, per multiply-add | %.3f ns | %.2f | FUSE_MAC 0.4 |\n", 1e9 * tgemm / ldexp(1, 27),
           tgemm / ldexp(1, 27) / visit);
    printf("| 1-qubit gate on 4 qubits, per call | %.0f ns | %.0f | FUSE_CALL 2048 |\n", 1e9 * tcall, tcall / visit);
    printf("| multiplexor (3 selects) on 4 qubits, per call | %.0f ns | %.0f | FUSE_CALL 2048 |\n", 1e9 * tcallmux,
           tcallmux / visit);
    fflush(stdout);
    free(u), free(v);
    sim_destroy(sv), sim_destroy(tiny);
    omp_set_num_threads(threads);
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && !strcmp(argv[1], "quick"), full = argc > 1 && !strcmp(argv[1], "full");
    if (argc > 1 && !quick && !full) {
        fprintf(stderr, "usage: sim_fuse_bench [quick | full]\n");
        return 2;
    }
    printf("sim_fuse_bench: %d OpenMP threads\n\n", omp_get_max_threads());
    printf("Cost-estimate constants (1 thread):\n\n");
    calibrate();

    printf("\nPhase estimation, forward and inverse (2(2^p - 1) walks), unfused vs fused (auto):\n\n");
    printf("| form | n | p | w | terms | ops/W | unfused s | fused s | speedup | fused | builds | products | polar "
           "| max diff |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    int reps = quick ? 1 : 3;
    qpe_case(6, 4, 5, 25, false, reps);
    qpe_case(6, 4, 5, 25, true, reps);
    if (!quick) {
        qpe_case(9, 4, 5, 25, false, reps);
        qpe_case(9, 4, 5, 25, true, reps);
        qpe_case(9, 5, 5, 32, false, reps);
        qpe_case(9, 5, 5, 32, true, reps);
        qpe_case(9, 6, 5, 32, false, reps);
    }
    if (full) {
        qpe_case(11, 4, 4, 16, false, 1);
        qpe_case(11, 4, 4, 16, true, 1);
    }

    printf("\nUnitarity drift ||U^k^dag U^k - I||_F of U^k = W^k by repeated squaring (sim_def_matrix):\n\n");
    printf("| w | k | raw | re-unitarised | polar steps | s |\n|---|---|---|---|---|---|\n");
    static const int ks[] = {0, 4, 8, 12, 16, 20};
    drift_table(3, 5, 25, ks, quick ? 3 : 6);
    if (full) {
        static const int k20[] = {20};
        drift_table(5, 5, 32, k20, 1);
    }
    return 0;
}
