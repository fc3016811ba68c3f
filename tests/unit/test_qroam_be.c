/* test_qroam_be.c — the select-swap table lookup (qroam.h) inside the
 * block encodings: sparse_be (SbeOptions.qrom = SBE_QROM_SELSWAP(_DIRTY))
 * and the structured Carleman encoding (CbeOptions), against the unary
 * lookup and the closed forms:
 *   (a) sparse_be: for random sparse matrices (n = 2..4, s = 1..2, both
 *       kinds, 2–3 angle bits) and block sizes k = 0..3 (clean and dirty,
 *       dirty registers holding random junk), U, the walk and ctrl-U map
 *       every basis input of their non-work formals exactly as the unary
 *       encoding's do (the sparse simulator, amplitudes within 1e-12),
 *       the work qubits back as they came; res_count of every part (table,
 *       V, U, ctrl-U, walk, ctrl-walk) equals sparse_be_cost, and, when
 *       every row and column holds an entry, sparse_be_shape_cost with the
 *       same k; SBE_QROAM_AUTO picks qroam_choose_k of the table's profile
 *       and the shape picks the same; refusals (exact angles, k beyond the
 *       address qubits);
 *   (b) the Carleman encoding with explicit oracles: U_M with the
 *       select-swap lookup (k = 1 clean and dirty, and k chosen under a
 *       budget) maps the real indices and the control exactly as with
 *       unary iteration; the counts of one controlled walk built from
 *       data equal those from the shape (oracles declared with
 *       sparse_be_shape_cost), F_1 with every row and column populated;
 *   (c) at shape level (n = 10^9, s = 4, the F_1 table), the oracle's
 *       table CCZ equals 4·Σ_{d=k+1}^{abits−1} ⌈L/2^d⌉ + 2·width·(2^k − 1)
 *       evaluated here, k is the cheapest admissible block size for the
 *       budget (checked here over all k), and the budget holds;
 *   (d) the model of examples/resnet7m.qgd (8 angle bits, as `qgdc
 *       estimate` picks): the unary F_1 / F_2 tables cost 1,907,467,282 and
 *       40,608,585,500 CCZ per call (estimate's figures); with select-swap
 *       under budgets of 10^3 … 10^6 extra qubits each costs no more, the
 *       cost falls as the budget grows, and each oracle stays within its
 *       budget. QGDC_TEST_VERBOSE=1 prints the table of
 *       docs/block_encoding.md. */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "ir/linear.h"
#include "ir/model.h"
#include "passes/carleman_be.h"
#include "passes/qroam.h"
#include "passes/sparse_be.h"
#include "sim/sparse.h"
#include "support/util.h"

static UnitRng rng = {0x40a3be11ULL};

static uint64_t rand_below(uint64_t n) { return unit_next64(&rng) % n; }

/* ---- helpers ---- */

/* main = one call of def on qubits 0..nq−1 */
static Block call_in_main(Circuit *c, uint32_t def)
{
    uint32_t nq = c->defs[def].nqubits;
    if (c->nqubits < nq) {
        char name[32];
        snprintf(name, sizeof name, "r%zu", c->nqregs);
        circuit_qreg(c, name, nq - c->nqubits);
    }
    Block saved = c->main;
    c->main = (Block){0};
    uint32_t *q = xmalloc((nq + 1) * sizeof *q);
    for (uint32_t j = 0; j < nq; j++)
        q[j] = j;
    circ_call(c, &c->main, def, 0, q);
    free(q);
    CU_ASSERT_FATAL(circuit_verify(c));
    return saved;
}

static void main_restore(Circuit *c, Block saved)
{
    free(c->main.ops);
    c->main = saved;
}

/* def run on basis state x: the state (caller frees) */
static SparseState *run_def(Circuit *c, uint32_t def, uint64_t x)
{
    Block saved = call_in_main(c, def);
    char *err = NULL;
    SparseState *s = sparse_create(c->nqubits, (size_t)1 << 16, &err);
    CU_ASSERT_FATAL(s != NULL);
    sparse_set_basis(s, x);
    bool ok = sparse_run_circuit(c, s, NULL, &err);
    if (!ok)
        fprintf(stderr, "\n  sparse run: %s\n", err), free(err);
    CU_ASSERT_FATAL(ok);
    main_restore(c, saved);
    return s;
}

/* Qubit maps between two layouts that differ by `extra` work qubits
 * inserted at position `at` (the selswap one has them). */
typedef struct Map {
    uint32_t at, extra;
    uint64_t junk; /* the inserted qubits' expected contents (dirty registers) */
} Map;

static uint64_t widen(const Map *m, uint64_t x) /* unary index → selswap index */
{
    uint64_t lo = x & (((uint64_t)1 << m->at) - 1), hi = x >> m->at;
    return lo | m->junk << m->at | hi << (m->at + m->extra);
}

/* max |ψ_s − widen(ψ_u)| over both supports: ψ_s's entries outside the
 * image (work qubits not restored) count in full. */
static double state_diff(SparseState *su, SparseState *ss, const Map *m)
{
    double worst = 0;
    for (size_t e = 0; e < sparse_nnz(su); e++) {
        uint64_t key;
        double _Complex a;
        sparse_entry(su, e, &key, &a);
        worst = fmax(worst, cabs(sparse_get(ss, widen(m, key)) - a));
    }
    double mass_u = sparse_norm2(su), mass_s = sparse_norm2(ss);
    return fmax(worst, fabs(mass_u - mass_s)); /* equal norms: nothing of ψ_s lies elsewhere */
}

static bool counts_equal(Circuit *c, uint32_t def, const SbeCost *k, const char *what)
{
    Block saved = call_in_main(c, def);
    ResCounts r;
    res_init(&r);
    res_count(c, &r);
    bool ok = mpz_cmp(r.ccz, k->ccz) == 0 && mpz_cmp(r.t_count, k->t) == 0 &&
              mpz_cmp(r.rotations, k->rotations) == 0 && mpz_cmp_ui(k->qubits, c->defs[def].nqubits) == 0 &&
              mpz_cmp_ui(k->ancillas, r.ancillas) == 0 && mpz_sgn(r.measurements) == 0;
    if (!ok) {
        gmp_fprintf(stderr, "\n  %s (%s): counted %Zd CCZ, %Zd T, %Zd rotations, %u qubits, %u ancillas; formula ",
                    what, c->defs[def].name, r.ccz, r.t_count, r.rotations, c->defs[def].nqubits, r.ancillas);
        sbe_cost_print(k, stderr);
    }
    res_clear(&r);
    main_restore(c, saved);
    return ok;
}

static bool costs_equal(const SbeCost *a, const SbeCost *b)
{
    return !mpz_cmp(a->ccz, b->ccz) && !mpz_cmp(a->t, b->t) && !mpz_cmp(a->rotations, b->rotations) &&
           !mpz_cmp(a->qubits, b->qubits) && !mpz_cmp(a->ancillas, b->ancillas);
}

/* ---- (a) sparse_be ---- */

/* every row and column holds an entry when full; at most s per row/column */
static void random_matrix(size_t n, unsigned s, bool sym, bool full, SpMat *A)
{
    unsigned char *has = xcalloc(n * n, 1);
    unsigned *rd = xcalloc(n, sizeof *rd), *cd = xcalloc(n, sizeof *cd);
    SpBuilder b;
    sp_builder_init(&b, n, n);
    size_t tries = full ? n : 0;
    for (size_t t = 0; t < 4 * n * s + tries; t++) {
        size_t i = t < tries ? t : rand_below(n), j = t < tries ? t : rand_below(n);
        if (has[i * n + j] || rd[i] >= s || cd[j] >= s || (sym && i != j && (rd[j] >= s || cd[i] >= s)))
            continue;
        if (!full && t >= tries && unit_urand(&rng) < 0.3)
            continue;
        double v = (0.05 + 0.95 * unit_urand(&rng)) * (unit_urand(&rng) < 0.5 ? -1 : 1);
        has[i * n + j] = 1, rd[i]++, cd[j]++;
        sp_push(&b, i, j, v);
        if (sym && i != j) {
            has[j * n + i] = 1, rd[j]++, cd[i]++;
            sp_push(&b, j, i, v);
        }
    }
    if (b.n == 0)
        sp_push(&b, 0, 0, 0.7);
    sp_builder_finish(&b, A);
    free(has), free(rd), free(cd);
}

static unsigned sbe_cases = 0;

static void sbe_case(size_t n, unsigned s, SbeKind kind, unsigned bits, SbeQromKind qk, unsigned k, bool full)
{
    SpMat A;
    random_matrix(n, s, kind == SBE_SYMMETRIC, full, &A);
    Circuit c;
    circuit_init(&c);
    SbeOptions ou = {.kind = kind, .qrom = SBE_QROM_UNARY, .bits = bits};
    SbeOptions os = {.kind = kind, .qrom = qk, .bits = bits, .qroam_k = k};
    SparseBE bu, bs;
    char *err = NULL;
    CU_ASSERT_FATAL(sparse_be_build(&c, "un", &A, &ou, &bu, &err));
    bool ok = sparse_be_build(&c, "ss", &A, &os, &bs, &err);
    if (!ok) { /* k beyond the address qubits: refused, nothing to compare */
        CU_ASSERT(k > bs.lay.q + bs.lay.w + 1 || k > bu.w + bu.q + 1);
        CU_ASSERT(err && strstr(err, "beyond"));
        free(err);
        sparse_be_free(&bu);
        circuit_free(&c);
        sp_free(&A);
        return;
    }
    CU_ASSERT(bs.qroam_k == k);
    uint32_t nw = bu.lay.work; /* the non-work formals: the same in both */
    CU_ASSERT_FATAL(bs.lay.work == nw);
    uint64_t regs = 0, work = qroam_work(k, bs.table.abits, bs.table.width, &regs);
    CU_ASSERT_FATAL(bs.lay.nwork == work);
    if (bs.lay.n > 62) {
        fprintf(stderr, "\n  %u qubits: skipped\n", bs.lay.n);
        goto costs;
    }
    {
        uint32_t flags_s = (uint32_t)(work - regs); /* the flags, then the registers */
        uint64_t ninputs = (uint64_t)1 << nw;
        double worst = 0;
        for (int part = 0; part < 3; part++) { /* U, walk, ctrl-U (control set) */
            uint32_t du = part == 0 ? bu.u : part == 1 ? bu.walk : bu.cu;
            uint32_t ds = part == 0 ? bs.u : part == 1 ? bs.walk : bs.cu;
            for (uint64_t r = 0; r < (ninputs > 512 ? 512 : ninputs); r++) {
                uint64_t x = ninputs > 512 ? rand_below(ninputs) : r;
                uint64_t junk = qk == SBE_QROM_SELSWAP_DIRTY && regs ? unit_next64(&rng) & (((uint64_t)1 << regs) - 1) : 0;
                /* unary: [non-work][flags, abits − 1][control];
                 * selswap: [non-work][flags_s][registers][control] */
                CU_ASSERT_FATAL(bu.lay.nwork >= flags_s);
                uint64_t xu = x, xs = x | junk << (nw + flags_s);
                if (part == 2) {
                    xu |= (uint64_t)1 << bu.lay.n;
                    xs |= (uint64_t)1 << bs.lay.n;
                }
                SparseState *su = run_def(&c, du, xu), *ss = run_def(&c, ds, xs);
                /* map: unary keys have all work qubits 0; drop its surplus flags
                 * (nwork_u − flags_s of them) before widening */
                uint32_t drop = bu.lay.nwork - flags_s;
                Map mm = {nw + flags_s, (uint32_t)regs, junk};
                SparseState *sd = sparse_create(bs.lay.n + 1 > c.nqubits ? bs.lay.n + 1 : c.nqubits,
                                                (size_t)1 << 16, NULL);
                sparse_clear(sd); /* created as |0…0⟩ */
                for (size_t e = 0; e < sparse_nnz(su); e++) {
                    uint64_t key;
                    double _Complex a;
                    sparse_entry(su, e, &key, &a);
                    uint64_t surplus = key >> (nw + flags_s) & (((uint64_t)1 << drop) - 1);
                    if (surplus) { /* a unary work qubit left set: the unary encoding itself is wrong */
                        worst = INFINITY;
                        continue;
                    }
                    uint64_t lo = key & (((uint64_t)1 << (nw + flags_s)) - 1), hi = key >> (nw + flags_s + drop);
                    CU_ASSERT(sparse_set(sd, lo | hi << (nw + flags_s), a, NULL));
                }
                worst = fmax(worst, state_diff(sd, ss, &mm));
                sparse_free(sd), sparse_free(su), sparse_free(ss);
            }
        }
        if (worst > 1e-12)
            fprintf(stderr, "\n  n %zu s %u kind %d bits %u qrom %d k %u: differs from unary by %.3g\n", n, s, (int)kind,
                    bits, (int)qk, k, worst);
        CU_ASSERT(worst <= 1e-12);
    }
costs : {
    SbeCosts kc;
    sbe_costs_init(&kc);
    sparse_be_cost(&bs, &kc);
    CU_ASSERT(kc.qroam_k == k);
    CU_ASSERT(kc.borrowable == (qk == SBE_QROM_SELSWAP_DIRTY ? regs : 0));
    CU_ASSERT(counts_equal(&c, bs.qrom, &kc.qrom, "table"));
    CU_ASSERT(counts_equal(&c, bs.v, &kc.v, "V"));
    CU_ASSERT(counts_equal(&c, bs.u, &kc.u, "U"));
    CU_ASSERT(counts_equal(&c, bs.cu, &kc.cu, "ctrl-U"));
    CU_ASSERT(counts_equal(&c, bs.walk, &kc.walk, "walk"));
    CU_ASSERT(counts_equal(&c, bs.cwalk, &kc.cwalk, "ctrl-walk"));
    if (full) { /* the shape alone: the same counts */
        SbeShape sh;
        sbe_shape_init(&sh);
        sh.kind = kind, sh.qrom = qk, sh.qroam_k = k, sh.bits = bits, sh.s = bs.s;
        mpz_set_ui(sh.n, n);
        SbeCosts ks;
        sbe_costs_init(&ks);
        CU_ASSERT_FATAL(sparse_be_shape_cost(&sh, &ks, NULL));
        CU_ASSERT(costs_equal(&ks.qrom, &kc.qrom) && costs_equal(&ks.cu, &kc.cu) &&
                  costs_equal(&ks.cwalk, &kc.cwalk) && ks.qroam_k == k && ks.borrowable == kc.borrowable);
        sbe_costs_clear(&ks);
        sbe_shape_clear(&sh);
    }
    sbe_costs_clear(&kc);
}
    sparse_be_free(&bu), sparse_be_free(&bs);
    circuit_free(&c);
    sp_free(&A);
    sbe_cases++;
}

static void test_sparse_be_equal(void)
{
    for (int rep = 0; rep < 10; rep++) {
        size_t n = 2 + (size_t)rand_below(3);
        unsigned s = 1 + (unsigned)rand_below(2), bits = 2 + (unsigned)rand_below(2);
        SbeKind kind = rep % 2 ? SBE_DILATION : SBE_SYMMETRIC;
        bool full = rep % 3 != 2;
        for (unsigned k = 0; k <= 2; k++) {
            sbe_case(n, s, kind, bits, SBE_QROM_SELSWAP, k, full);
            sbe_case(n, s, kind, bits, SBE_QROM_SELSWAP_DIRTY, k, full);
        }
    }
    sbe_case(2, 1, SBE_DILATION, 2, SBE_QROM_SELSWAP, 3, true); /* K = 8 ≥ L = 4 */
    CU_ASSERT(sbe_cases >= 60);
}

/* SBE_QROAM_AUTO: the chooser on the table's profile, the same from the
 * shape (full matrices); refusals */
static void test_sparse_be_auto(void)
{
    SpMat A;
    random_matrix(16, 2, false, true, &A);
    uint64_t budgets[] = {0, 5, 20, 40, 100, 1000};
    for (size_t i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        Circuit c;
        circuit_init(&c);
        SbeOptions o = {.kind = SBE_DILATION, .qrom = SBE_QROM_SELSWAP, .bits = 3, .qroam_k = SBE_QROAM_AUTO,
                        .qroam_max_extra = budgets[i]};
        SparseBE be;
        CU_ASSERT_FATAL(sparse_be_build(&c, "x", &A, &o, &be, NULL));
        QroamPrefix p;
        qroam_prefix_init(&p, be.table.abits);
        qroam_prefix_table(&p, &be.table);
        CU_ASSERT(be.qroam_k == qroam_choose_k(QROAM_CLEAN, &p, be.table.width, budgets[i]));
        qroam_prefix_clear(&p);
        /* extra qubits over the unary encoding within the budget */
        unsigned abits = be.table.abits;
        CU_ASSERT(be.lay.nwork <= (abits - 1) + budgets[i]);
        SbeCosts kc, ks;
        sbe_costs_init(&kc), sbe_costs_init(&ks);
        sparse_be_cost(&be, &kc);
        CU_ASSERT(counts_equal(&c, be.cwalk, &kc.cwalk, "ctrl-walk (auto)"));
        SbeShape sh;
        sbe_shape_init(&sh);
        sh.kind = SBE_DILATION, sh.qrom = SBE_QROM_SELSWAP, sh.bits = 3, sh.s = be.s;
        sh.qroam_k = SBE_QROAM_AUTO, sh.qroam_max_extra = budgets[i];
        mpz_set_ui(sh.n, 16);
        CU_ASSERT_FATAL(sparse_be_shape_cost(&sh, &ks, NULL));
        CU_ASSERT(ks.qroam_k == be.qroam_k && costs_equal(&ks.cwalk, &kc.cwalk));
        if (i == sizeof budgets / sizeof *budgets - 1)
            CU_ASSERT(be.qroam_k >= 2); /* a large budget buys a real block */
        sbe_shape_clear(&sh);
        sbe_costs_clear(&kc), sbe_costs_clear(&ks);
        sparse_be_free(&be);
        circuit_free(&c);
    }
    /* refusals: exact angles; a block size beyond the address qubits (shape) */
    Circuit c;
    circuit_init(&c);
    SbeOptions o = {.kind = SBE_DILATION, .qrom = SBE_QROM_SELSWAP, .bits = 0};
    SparseBE be;
    char *err = NULL;
    CU_ASSERT(!sparse_be_build(&c, "x", &A, &o, &be, &err) && err && strstr(err, "fixed-point"));
    free(err), err = NULL;
    CU_ASSERT(c.ndefs == 0);
    SbeShape sh;
    sbe_shape_init(&sh);
    sh.kind = SBE_DILATION, sh.qrom = SBE_QROM_SELSWAP, sh.bits = 3, sh.s = 2, sh.qroam_k = 40;
    mpz_set_ui(sh.n, 16);
    SbeCosts ks;
    sbe_costs_init(&ks);
    CU_ASSERT(!sparse_be_shape_cost(&sh, &ks, &err) && err && strstr(err, "beyond"));
    free(err), err = NULL;
    mpz_set_ui(sh.n, 0), mpz_setbit(sh.n, 60);
    sh.qroam_k = 40; /* 2^40 registers */
    CU_ASSERT(!sparse_be_shape_cost(&sh, &ks, &err) && err && strstr(err, "2^32"));
    free(err);
    sbe_costs_clear(&ks);
    sbe_shape_clear(&sh);
    circuit_free(&c);
    sp_free(&A);
}

/* ---- (b) the Carleman encoding ---- */

#define GD_CUBIC                                                                                                   \
    "gd b { param u[2] = [0.5, -0.3]; eta = 0.1; T = 1;"                                                          \
    " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.1*u[0]^3 - 0.2*u[1]^2*u[0] + 0.4*u[0] - 0.3*u[1];"     \
    " options { carleman_order = 2; carleman_form = paper; } }"
#define GD_LINEAR                                                                                                  \
    "gd a { param u[2] = [0.5, -0.3]; eta = 0.1; T = 2;"                                                          \
    " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.4*u[0] - 0.3*u[1];"                                     \
    " options { carleman_order = 2; carleman_form = paper; } }"

static void cbe_equal(const char *text, SbeQromKind qk, unsigned k, uint64_t budget)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    Circuit c;
    circuit_init(&c);
    CarlemanBE bu, bs;
    CbeOptions ou = {.bits = 3, .explicit_oracles = true};
    CbeOptions os = {.bits = 3, .qrom = qk, .explicit_oracles = true, .qroam_k = k, .qroam_max_extra = budget};
    CU_ASSERT_FATAL(cbe_build(&c, "cu", &m, p, &ou, &bu, &err));
    bool ok = cbe_build(&c, "cs", &m, p, &os, &bs, &err);
    if (!ok)
        fprintf(stderr, "\n  cbe_build: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(ok);
    CU_ASSERT_FATAL(bs.pool == bu.pool && bs.npool >= bu.npool);
    if (k != SBE_QROAM_AUTO)
        for (unsigned l = 1; l <= bs.q && l <= bs.N; l++)
            if (m.F[l].present)
                CU_ASSERT(bs.oracle_cost[l].qroam_k == k);
    if (bs.nformals > 64) {
        fprintf(stderr, "\n  the encoding has %u qubits, beyond the sparse simulator\n", bs.nformals);
        CU_FAIL("too many qubits");
    } else {
        /* every system basis state with the control set: U_M's images agree,
         * the extra pool qubits back in |0⟩ */
        uint32_t at = bu.pool + bu.npool, extra = bs.npool - bu.npool;
        double worst = 0;
        for (uint64_t x = 0; x < ((uint64_t)1 << bu.nsys); x++) {
            SparseState *su = run_def(&c, bu.def_um, x | (uint64_t)1 << bu.control);
            SparseState *ss = run_def(&c, bs.def_um, x | (uint64_t)1 << bs.control);
            Map mm = {at, extra, 0};
            worst = fmax(worst, state_diff(su, ss, &mm));
            sparse_free(su), sparse_free(ss);
        }
        if (worst > 1e-12)
            fprintf(stderr, "\n  Carleman encoding with qrom %d k %u: differs from unary by %.3g\n", (int)qk, k, worst);
        CU_ASSERT(worst <= 1e-12);
    }
    cbe_free(&bu), cbe_free(&bs);
    circuit_free(&c);
    model_free(&m);
    problem_set_free(&ps);
}

static void test_cbe_equal(void)
{
    cbe_equal(GD_CUBIC, SBE_QROM_SELSWAP, 1, 0);
    cbe_equal(GD_CUBIC, SBE_QROM_SELSWAP_DIRTY, 1, 0);
    cbe_equal(GD_LINEAR, SBE_QROM_SELSWAP, 2, 0);
    cbe_equal(GD_LINEAR, SBE_QROM_SELSWAP, SBE_QROAM_AUTO, 20);
}

/* res_count of one call of def */
static void count_def(Circuit *c, uint32_t def, ResCounts *r)
{
    Block saved = call_in_main(c, def);
    res_count(c, r);
    main_restore(c, saved);
}

/* one controlled walk, oracles built vs declared from the shape */
static void test_cbe_counts_built_vs_shape(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(GD_LINEAR, &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    for (int v = 0; v < 3; v++) {
        CbeOptions o = {.bits = 4,
                        .qrom = v == 2 ? SBE_QROM_SELSWAP_DIRTY : SBE_QROM_SELSWAP,
                        .qroam_k = v == 0 ? SBE_QROAM_AUTO : 1 + (unsigned)v,
                        .qroam_max_extra = 30};
        Circuit ca, cb;
        circuit_init(&ca), circuit_init(&cb);
        CarlemanBE ba, bb;
        o.explicit_oracles = true;
        CU_ASSERT_FATAL(cbe_build(&ca, "e", &m, p, &o, &ba, &err));
        o.explicit_oracles = false;
        CU_ASSERT_FATAL(cbe_build(&cb, "e", &m, NULL, &o, &bb, &err));
        CU_ASSERT(!ba.oracle_opaque && bb.oracle_opaque);
        CU_ASSERT(ba.oracle_cost[1].qroam_k == bb.oracle_cost[1].qroam_k);
        CU_ASSERT(costs_equal(&ba.oracle_cost[1].cu, &bb.oracle_cost[1].cu));
        CU_ASSERT(costs_equal(&ba.oracle_cost[1].qrom, &bb.oracle_cost[1].qrom));
        ResCounts ra, rb;
        res_init(&ra), res_init(&rb);
        count_def(&ca, ba.def_walk_c, &ra);
        count_def(&cb, bb.def_walk_c, &rb);
        CU_ASSERT(mpz_cmp(ra.ccz, rb.ccz) == 0);
        CU_ASSERT(mpz_cmp(ra.t_count, rb.t_count) == 0);
        CU_ASSERT_EQUAL(ra.qubits, rb.qubits);
        CU_ASSERT_EQUAL(ra.ancillas, rb.ancillas);
        CU_ASSERT_EQUAL(ba.nformals, bb.nformals);
        res_clear(&ra), res_clear(&rb);
        cbe_free(&ba), cbe_free(&bb);
        circuit_free(&ca), circuit_free(&cb);
    }
    model_free(&m);
    problem_set_free(&ps);
}

/* ---- (c) shape level at n = 10^9 ---- */

static void test_cbe_shape_formula(void)
{
    ModelProblem m;
    model_init(&m);
    m.name = strdup("big");
    mpz_set_ui(m.n, 1000000000ul);
    m.q = 1;
    m.F[1].present = true;
    m.F[1].sparsity = 4;
    mpz_set(m.F[1].rows, m.n);
    mpz_set(m.F[1].cols, m.n);
    mpz_mul_ui(m.F[1].nnz, m.n, 4);
    m.F[1].max_abs = 0.01;
    m.F[0].present = true;
    m.F[0].norm2 = 0.1;
    m.F[0].max_abs = 0.01;
    m.u_norm = 10;
    mpz_set_ui(m.r, 100000000ul);
    m.T = 100, m.N = 2, m.P = 0, m.kappa0 = 202, m.eps = 1e-2, m.uploads = 1;
    unsigned q = 30, w = 2, abits = w + q + 1, bits = 10, width = q + 3 + bits;
    uint64_t budgets[] = {0, 100, 1000, 10000, 100000, 1000000};
    mpz_t L, sum, nd, ccz, best, extra;
    mpz_inits(L, sum, nd, ccz, best, extra, NULL);
    mpz_mul_ui(L, m.n, 8); /* 2n·s' */
    for (size_t i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        Circuit c;
        circuit_init(&c);
        CarlemanBE be;
        CbeOptions o = {.bits = bits, .qrom = SBE_QROM_SELSWAP, .qroam_k = SBE_QROAM_AUTO,
                        .qroam_max_extra = budgets[i]};
        char *err = NULL;
        bool ok = cbe_build(&c, "big", &m, NULL, &o, &be, &err);
        if (!ok)
            fprintf(stderr, "\n  %s\n", err), free(err);
        CU_ASSERT_FATAL(ok);
        unsigned k = be.oracle_cost[1].qroam_k;
        /* the formula, and the minimum over admissible k, evaluated here */
        unsigned kbest = 0;
        for (unsigned kk = 0; kk <= abits; kk++) {
            mpz_set_ui(extra, 0);
            if (kk) {
                mpz_setbit(extra, kk);
                mpz_mul_ui(extra, extra, width);
            }
            mpz_add_ui(extra, extra, abits >= kk + 2 ? abits - kk - 1 : 0);
            mpz_sub_ui(extra, extra, abits - 1);
            if (mpz_cmp_ui(extra, budgets[i]) > 0)
                continue;
            mpz_set_ui(sum, 0);
            for (unsigned d = kk + 1; d < abits; d++) {
                mpz_cdiv_q_2exp(nd, L, d);
                mpz_add(sum, sum, nd);
            }
            mpz_mul_ui(ccz, sum, kk ? 4 : 2);
            if (kk) {
                mpz_set_ui(nd, 0);
                mpz_setbit(nd, kk);
                mpz_sub_ui(nd, nd, 1);
                mpz_addmul_ui(ccz, nd, 2ul * width);
            }
            if (kk == k)
                CU_ASSERT(mpz_cmp(ccz, be.oracle_cost[1].qrom.ccz) == 0);
            if (kk == 0 || mpz_cmp(ccz, best) < 0)
                mpz_set(best, ccz), kbest = kk;
        }
        CU_ASSERT(k == kbest);
        CU_ASSERT(mpz_cmp(best, be.oracle_cost[1].qrom.ccz) == 0);
        /* the declared oracle carries the cu count */
        ResCounts r;
        res_init(&r);
        count_def(&c, be.def_oracle[1], &r);
        CU_ASSERT(mpz_cmp(r.ccz, be.oracle_cost[1].cu.ccz) == 0);
        res_clear(&r);
        if (getenv("QGDC_TEST_VERBOSE"))
            gmp_printf("\n  n = 1e9, s = 4, %u bits, budget %llu: k = %u, table CCZ %Zd", bits,
                       (unsigned long long)budgets[i], k, be.oracle_cost[1].qrom.ccz);
        cbe_free(&be);
        circuit_free(&c);
    }
    mpz_clears(L, sum, nd, ccz, best, extra, NULL);
    model_free(&m);
}

/* ---- (d) the resnet7m tables ---- */

static const char *const resnet7m = /* examples/resnet7m.qgd */
    "const eta = 0.01;\n"
    "model resnet7m {\n"
    "    n = 7451044;\n"
    "    F0 = vector(norm = eta * 1, max = eta);\n"
    "    F1 = sparse(sparsity = 64, max = eta * 10);\n"
    "    F2 = sparse(sparsity = 64, max = eta * 10, nnz = 32 * 7451044);\n"
    "    kept = 745104;\n"
    "    u_norm = 0.1 * sqrt(kept);\n"
    "    T = 100;\n"
    "    uploads = 100;\n"
    "    options { carleman_order = 2; precision = 1e-2; }\n"
    "}\n";

static void test_resnet7m_tables(void)
{
    ProblemSet ps;
    unit_compile_ok(resnet7m, &ps);
    CU_ASSERT_FATAL(ps.nmodel == 1);
    const ModelProblem *m = ps.model[0];
    static const struct {
        SbeQromKind qrom;
        uint64_t budget;
    } rows[] = {{SBE_QROM_UNARY, 0},           {SBE_QROM_SELSWAP, 1000},        {SBE_QROM_SELSWAP, 10000},
                {SBE_QROM_SELSWAP, 100000},    {SBE_QROM_SELSWAP, 1000000},     {SBE_QROM_SELSWAP_DIRTY, 10000},
                {SBE_QROM_SELSWAP_DIRTY, 100000}};
    mpz_t prev[3], unary[3], unary_q[3];
    for (int l = 0; l < 3; l++)
        mpz_inits(prev[l], unary[l], unary_q[l], NULL);
    bool verbose = getenv("QGDC_TEST_VERBOSE") != NULL;
    if (verbose)
        gmp_printf("\n  resnet7m, 8 angle bits (F_2: %Zd rows, %Zd columns): per-call table CCZ (k; extra qubits of "
                   "the oracle)",
                   m->F[2].rows, m->F[2].cols);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        Circuit c;
        circuit_init(&c);
        CarlemanBE be;
        CbeOptions o = {.bits = 8, .qrom = rows[i].qrom, .qroam_k = SBE_QROAM_AUTO, .qroam_max_extra = rows[i].budget};
        char *err = NULL;
        bool ok = cbe_build(&c, "r", m, NULL, &o, &be, &err);
        if (!ok)
            fprintf(stderr, "\n  %s\n", err), free(err);
        CU_ASSERT_FATAL(ok);
        if (verbose)
            printf("\n  %-12s budget %8llu:", rows[i].qrom == SBE_QROM_UNARY ? "unary" : rows[i].qrom == SBE_QROM_SELSWAP ? "clean" : "dirty",
                   (unsigned long long)rows[i].budget);
        for (unsigned l = 1; l <= 2; l++) {
            const SbeCosts *k = &be.oracle_cost[l];
            if (i == 0) {
                mpz_set(unary[l], k->qrom.ccz);
                mpz_set(unary_q[l], k->u.qubits);
                mpz_set(prev[l], k->qrom.ccz);
            } else {
                CU_ASSERT(mpz_cmp(k->qrom.ccz, unary[l]) < 0);
                if (rows[i].qrom == rows[i - 1].qrom)
                    CU_ASSERT(mpz_cmp(k->qrom.ccz, prev[l]) <= 0);
                mpz_set(prev[l], k->qrom.ccz);
                mpz_t extra;
                mpz_init(extra);
                mpz_sub(extra, k->u.qubits, unary_q[l]);
                CU_ASSERT(mpz_cmp_ui(extra, rows[i].budget) <= 0);
                mpz_clear(extra);
            }
            if (verbose) {
                mpz_t extra;
                mpz_init(extra);
                mpz_sub(extra, k->u.qubits, unary_q[l]);
                gmp_printf("  F_%u %.3e (k = %u; +%Zd)", l, mpz_get_d(k->qrom.ccz), k->qroam_k, extra);
                mpz_clear(extra);
            }
        }
        cbe_free(&be);
        circuit_free(&c);
    }
    CU_ASSERT(mpz_cmp_ui(unary[1], 1907467282ul) == 0);
    CU_ASSERT(mpz_cmp_ui(unary[2], 40608585500ul) == 0);
    for (int l = 0; l < 3; l++)
        mpz_clears(prev[l], unary[l], unary_q[l], NULL);
    problem_set_free(&ps);
}

void suite_qroam_be(void);
void suite_qroam_be(void)
{
    UNIT_SUITE("qroam_be", {"sparse_be with select-swap equals unary; counts", test_sparse_be_equal},
               {"sparse_be: the block size chosen under a budget; refusals", test_sparse_be_auto},
               {"Carleman encoding with select-swap equals unary", test_cbe_equal},
               {"Carleman encoding: counts built vs shape", test_cbe_counts_built_vs_shape},
               {"Carleman encoding: the table formula at n = 1e9", test_cbe_shape_formula},
               {"resnet7m: F_1 and F_2 tables under qubit budgets", test_resnet7m_tables});
}
