/* test_sparse_be.c — the sparse-access block encoding (src/passes/
 * sparse_be.c) and its primitives (src/passes/sbe_qrom.c), checked against
 * independent computations:
 *   (a) table lookup, both decompositions: for random address sets
 *       (abits 0..5, sparse or contiguous), words and angles, the
 *       executor's output on every basis input equals |a⟩·RY(θ_a)|z ⊕ w_a⟩
 *       (identity on unstored addresses) within 1e-12, work qubits back in
 *       |0⟩; the resource counter on the built definition equals
 *       sbe_qrom_table_cost exactly (CCZ, T, rotations, qubits, lowering
 *       ancillas), and for contiguous tables sbe_qrom_cost too;
 *   (b) the fixed-point rotation (every t, b = 1..5: RY(π t/2^b), 1e-12)
 *       and the reflection 2|0⟩⟨0| − I (m = 1..6, exact signs), and their
 *       counts (b up to 30, m up to 12);
 *   (c) the colouring: proper (no row or column has a colour twice) with
 *       s colours, s the most nonzeros in a row or column (König), on
 *       random matrices up to n = 300;
 *   (d) the block: for random sparse matrices (n = 2..32, s = 1..4,
 *       symmetric and non-symmetric with the dilation, exact angles and
 *       b-bit angles, both table lookups) the executor's amplitudes
 *       ⟨y, 0|U|x, 0⟩ for every system basis state x equal S_yx/α within
 *       1e-10, S = A (symmetric) or [[0, A], [Aᵀ, 0]] padded with zeros
 *       (dilation), Ã (rounded angles, recomputed here from the angle
 *       formula) with bits; |Ã − A| ≤ ‖A‖max·π/2^(b+1);
 *       α = 2^⌈log2 s⌉·‖A‖max; on the states of up to 16 qubits, U² = I,
 *       ctrl-U and ctrl-W (control 0: identity, 1: the block) on every
 *       basis input, and the walk has the same block;
 *   (e) the walk: for each eigenpair (λ, v) of S/α (LAPACKE_dsyev),
 *       ψ = |v⟩|0⟩ satisfies W²ψ − 2(λ/α)Wψ + ψ = 0 within 1e-9 (the
 *       rotation by arccos(λ/α) of qubitization);
 *   (f) costs: res_count of each built definition (table, V, U, ctrl-U,
 *       walk, ctrl-walk) equals sparse_be_cost exactly, for every case of (d) and
 *       for larger builds without simulation; with angle bits and every
 *       row and column of A holding an entry, sparse_be_shape_cost from
 *       (n, s, bits) alone equals them too;
 *   (g) a shape of n = 10^9 is costed (checked against the formula
 *       evaluated here) in well under a second; refusals. */
#include "unit.h"

#include <complex.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codegen/lower.h"
#include "codegen/resources.h"
#include "ir/circuit.h"
#include "ir/linear.h"
#include "passes/sbe_qrom.h"
#include "passes/sparse_be.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/consts.h"
#include "support/util.h"

typedef double complex cplx;

static UnitRng rng = {0x5ba75eULL};

static uint64_t rand_below(uint64_t n) { return unit_next64(&rng) % n; }

static unsigned clog2(uint64_t n)
{
    unsigned m = 0;
    while (((uint64_t)1 << m) < n)
        m++;
    return m;
}

/* ---- helpers: counting and running one definition ---- */

/* Makes sure c has at least nq qubits (one register per call). */
static void ensure_qubits(Circuit *c, uint32_t nq)
{
    if (c->nqubits < nq) {
        char name[32];
        snprintf(name, sizeof name, "r%zu", c->nqregs);
        circuit_qreg(c, name, nq - c->nqubits);
    }
}

/* main = one call of def on qubits 0..nq−1; the old main is returned. */
static Block main_call(Circuit *c, uint32_t def)
{
    uint32_t nq = c->defs[def].nqubits;
    ensure_qubits(c, nq);
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

/* res_count of one call of def equals k (qubits: the definition's). */
static void check_cost(Circuit *c, uint32_t def, const SbeCost *k, const char *what)
{
    Block saved = main_call(c, def);
    ResCounts r;
    res_init(&r);
    res_count(c, &r);
    bool ok = mpz_cmp(r.ccz, k->ccz) == 0 && mpz_cmp(r.t_count, k->t) == 0 &&
              mpz_cmp(r.rotations, k->rotations) == 0 && mpz_cmp_ui(k->qubits, c->defs[def].nqubits) == 0 &&
              mpz_cmp_ui(k->ancillas, r.ancillas) == 0 && mpz_sgn(r.measurements) == 0;
    if (!ok) {
        fprintf(stderr, "\n  %s (%s): counted ", what, c->defs[def].name);
        mpz_out_str(stderr, 10, r.ccz);
        fputs(" CCZ, ", stderr);
        mpz_out_str(stderr, 10, r.t_count);
        fputs(" T, ", stderr);
        mpz_out_str(stderr, 10, r.rotations);
        fprintf(stderr, " rotations, %u qubits, %u ancillas; formula ", c->defs[def].nqubits, r.ancillas);
        sbe_cost_print(k, stderr);
    }
    CU_ASSERT(ok);
    res_clear(&r);
    main_restore(c, saved);
}

/* ---- (a) table lookup ---- */

static void check_table(SbeQromKind kind, unsigned abits, size_t L, bool contiguous, unsigned width, bool rot)
{
    Circuit c;
    circuit_init(&c);
    uint64_t *addr = xmalloc((L + 1) * sizeof *addr), *word = xmalloc((L + 1) * sizeof *word);
    double *theta = xmalloc((L + 1) * sizeof *theta);
    /* L distinct sorted addresses below 2^abits */
    uint64_t space = (uint64_t)1 << abits;
    if (contiguous)
        for (size_t l = 0; l < L; l++)
            addr[l] = l;
    else {
        size_t l = 0;
        for (uint64_t a = 0; a < space && l < L; a++)
            if (rand_below(space - a) < L - l) /* selection sampling */
                addr[l++] = a;
    }
    for (size_t l = 0; l < L; l++) {
        word[l] = rand_below((uint64_t)1 << width);
        double u = unit_urand(&rng);
        theta[l] = u < 0.15 ? 0 : u < 0.3 ? QGD_PI / 2 : u < 0.4 ? QGD_PI : 4 * unit_urand(&rng) - 2;
    }
    SbeTable t = {abits, L, contiguous ? NULL : addr, width, word, rot ? theta : NULL, (unsigned)rand_below(width)};
    uint32_t def = sbe_qrom_def(&c, "tab", &t, kind);
    unsigned nwork = sbe_qrom_work(kind, abits), nio = abits + width;
    CU_ASSERT(c.defs[def].nqubits == nio + nwork);

    /* simulation: every basis input of address and data */
    Block saved = main_call(&c, def);
    StateVec *sv = sim_create((int)c.nqubits, NULL);
    CU_ASSERT_FATAL(sv != NULL);
    double worst = 0;
    for (uint64_t x = 0; x < ((uint64_t)1 << nio); x++) {
        sim_set_basis(sv, x);
        CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
        uint64_t a = x & (space - 1), z = x >> abits;
        cplx expect[2] = {0, 0};
        uint64_t y0 = x;
        size_t l = 0;
        while (l < L && (contiguous ? l : addr[l]) != a)
            l++;
        if (l < L) { /* stored: XOR, then RY on rot_bit */
            uint64_t z2 = z ^ word[l];
            double th = rot ? theta[l] : 0;
            unsigned r = t.rot_bit, bit = (unsigned)(z2 >> r & 1);
            uint64_t base = a | (z2 & ~((uint64_t)1 << r)) << abits;
            /* RY = [[c, −s], [s, c]] on bit r */
            expect[0] = bit ? -sin(th / 2) : cos(th / 2);
            expect[1] = bit ? cos(th / 2) : sin(th / 2);
            y0 = base;
            for (uint64_t y = 0; y < sv->dim; y++) {
                cplx e = y == base ? expect[0] : y == (base | (uint64_t)1 << (abits + r)) ? expect[1] : 0;
                worst = fmax(worst, cabs(sv->amp[y] - e));
            }
        } else
            for (uint64_t y = 0; y < sv->dim; y++)
                worst = fmax(worst, cabs(sv->amp[y] - (y == y0 ? 1 : 0)));
    }
    if (worst > 1e-12)
        fprintf(stderr, "\n  table kind %d abits %u L %zu width %u rot %d: error %.3g\n", (int)kind, abits, L, width,
                rot, worst);
    CU_ASSERT(worst <= 1e-12);
    sim_destroy(sv);
    main_restore(&c, saved);

    SbeCost k;
    sbe_cost_init(&k);
    sbe_qrom_table_cost(kind, &t, &k);
    check_cost(&c, def, &k, "table");
    if (contiguous && !rot) {
        mpz_t mL;
        mpz_init_set_ui(mL, L);
        SbeCost k2;
        sbe_cost_init(&k2);
        sbe_qrom_cost(kind, abits, mL, width, &k2);
        check_cost(&c, def, &k2, "contiguous table formula");
        sbe_cost_clear(&k2);
        mpz_clear(mL);
    }
    sbe_cost_clear(&k);
    free(addr), free(word), free(theta);
    circuit_free(&c);
}

static void test_qrom(void)
{
    for (int kind = 0; kind < 2; kind++)
        for (unsigned abits = 0; abits <= 5; abits++) {
            uint64_t space = (uint64_t)1 << abits;
            for (int rep = 0; rep < 3; rep++) {
                size_t L = (size_t)(rep == 0 ? space : 1 + rand_below(space));
                unsigned width = 1 + (unsigned)rand_below(abits >= 4 ? 3 : 4);
                check_table((SbeQromKind)kind, abits, L, rep != 2, width, rep == 1);
                check_table((SbeQromKind)kind, abits, L, rep == 2, width, rep != 1);
            }
        }
    /* the unary count on a full table: 2L − 4 CCZ (Babbush et al.'s L − 2, doubled) */
    for (unsigned m = 2; m <= 40; m++) {
        mpz_t L;
        mpz_init_set_ui(L, 1);
        mpz_mul_2exp(L, L, m);
        SbeCost k;
        sbe_cost_init(&k);
        sbe_qrom_cost(SBE_QROM_UNARY, m, L, 1, &k);
        mpz_mul_ui(L, L, 2);
        mpz_sub_ui(L, L, 4);
        CU_ASSERT(mpz_cmp(k.ccz, L) == 0);
        CU_ASSERT(mpz_cmp_ui(k.qubits, m + 1 + (m - 1)) == 0);
        sbe_cost_clear(&k);
        mpz_clear(L);
    }
}

/* ---- (b) fixed-point rotation, reflection ---- */

static void test_rot_reflect(void)
{
    for (unsigned b = 1; b <= 30; b++) {
        Circuit c;
        circuit_init(&c);
        uint32_t def = sbe_rot_fixed_def(&c, "rot", b);
        SbeCost k;
        sbe_cost_init(&k);
        sbe_rot_fixed_cost(b, &k);
        CU_ASSERT(mpz_cmp_ui(k.t, 2) == 0 && mpz_cmp_ui(k.rotations, 2 * (b - 1)) == 0 && mpz_sgn(k.ccz) == 0);
        check_cost(&c, def, &k, "fixed rotation");
        if (b <= 5) {
            Block saved = main_call(&c, def);
            StateVec *sv = sim_create((int)c.nqubits, NULL);
            double worst = 0;
            for (uint64_t t = 0; t < ((uint64_t)1 << b); t++)
                for (int in = 0; in < 2; in++) {
                    sim_set_basis(sv, t | (uint64_t)in << b);
                    CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                    double th = 3.14159265358979323846 * (double)t / (double)((uint64_t)1 << b);
                    cplx e0 = in ? -sin(th / 2) : cos(th / 2), e1 = in ? cos(th / 2) : sin(th / 2);
                    for (uint64_t y = 0; y < sv->dim; y++) {
                        cplx e = y == t ? e0 : y == (t | (uint64_t)1 << b) ? e1 : 0;
                        worst = fmax(worst, cabs(sv->amp[y] - e));
                    }
                }
            CU_ASSERT(worst <= 1e-12);
            sim_destroy(sv);
            main_restore(&c, saved);
        }
        sbe_cost_clear(&k);
        circuit_free(&c);
    }
    for (unsigned m = 1; m <= 12; m++) {
        Circuit c;
        circuit_init(&c);
        uint32_t def = sbe_reflect_def(&c, "refl", m);
        SbeCost k;
        sbe_cost_init(&k);
        sbe_reflect_cost(m, &k);
        check_cost(&c, def, &k, "reflection");
        if (m <= 6) {
            Block saved = main_call(&c, def);
            StateVec *sv = sim_create((int)c.nqubits, NULL);
            double worst = 0;
            for (uint64_t x = 0; x < ((uint64_t)1 << m); x++) {
                sim_set_basis(sv, x);
                CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                for (uint64_t y = 0; y < sv->dim; y++)
                    worst = fmax(worst, cabs(sv->amp[y] - (y == x ? (x == 0 ? 1 : -1) : 0)));
            }
            CU_ASSERT(worst <= 1e-12);
            sim_destroy(sv);
            main_restore(&c, saved);
        }
        sbe_cost_clear(&k);
        circuit_free(&c);
    }
}

/* ---- random sparse matrices ---- */

/* At most s nonzeros in any row and column; symmetric when sym; every row
 * and column holds an entry when full (the diagonal first). Values in
 * ±[0.05, 1], a tenth of them ±1 (the largest, angle 0) and a tenth ±1/2
 * (the T-gate angle) when special. */
static void random_matrix(size_t n, unsigned s, bool sym, bool full, bool special, SpMat *A)
{
    unsigned char *has = xcalloc(n * n, 1);
    unsigned *rd = xcalloc(n, sizeof *rd), *cd = xcalloc(n, sizeof *cd);
    SpBuilder b;
    sp_builder_init(&b, n, n);
    size_t tries = full ? n : 0, target = n * s;
    for (size_t t = 0; t < 4 * target + tries; t++) {
        size_t i = t < tries ? t : rand_below(n), j = t < tries ? t : rand_below(n);
        if (has[i * n + j] || rd[i] >= s || cd[j] >= s || (sym && i != j && (rd[j] >= s || cd[i] >= s)))
            continue;
        if (!full && t >= tries && unit_urand(&rng) < 0.3)
            continue;
        double u = unit_urand(&rng), v = special && u < 0.1 ? 1 : special && u < 0.2 ? 0.5 : 0.05 + 0.95 * unit_urand(&rng);
        if (unit_urand(&rng) < 0.5)
            v = -v;
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

static unsigned max_degree(const SpMat *A)
{
    unsigned s = 0, *cd = xcalloc(A->cols, sizeof *cd);
    for (size_t i = 0; i < A->rows; i++) {
        unsigned r = (unsigned)(A->rowptr[i + 1] - A->rowptr[i]);
        s = r > s ? r : s;
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++)
            if (++cd[A->col[e]] > s)
                s = cd[A->col[e]];
    }
    free(cd);
    return s;
}

/* The entry the block holds (×‖A‖max), computed from the angle formula. */
static double rounded(double v, unsigned b)
{
    if (b == 0)
        return v;
    double th = 2 * acos(sqrt(fabs(v)));
    double t = nearbyint(th / 3.14159265358979323846 * (double)((uint64_t)1 << b));
    if (t > (double)(((uint64_t)1 << b) - 1))
        t = (double)(((uint64_t)1 << b) - 1);
    double c = cos(3.14159265358979323846 * t / (double)((uint64_t)1 << (b + 1)));
    return (v < 0 ? -1 : 1) * c * c;
}

/* The matrix the block should hold, dim × dim (dim = 2^nsys), ×1/α. */
static double *expected_block(const SpMat *A, SbeKind kind, unsigned bits, double *alpha, size_t *dim_out)
{
    size_t n = A->rows;
    unsigned q = clog2(n) ? clog2(n) : 1, s = max_degree(A);
    double amax = 0;
    for (size_t e = 0; e < A->nnz; e++)
        amax = fmax(amax, fabs(A->val[e]));
    *alpha = (double)((uint64_t)1 << clog2(s)) * amax;
    size_t half = (size_t)1 << q, dim = kind == SBE_DILATION ? 2 * half : half;
    double *S = xcalloc(dim * dim, sizeof *S);
    for (size_t i = 0; i < n; i++)
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++) {
            size_t j = A->col[e];
            double v = rounded(A->val[e] / amax, bits) * amax / *alpha;
            CU_ASSERT(fabs(rounded(A->val[e] / amax, bits) * amax - A->val[e]) <=
                      amax * 3.14159265358979323846 / (double)((uint64_t)1 << (bits + 1)) + 1e-15);
            if (kind == SBE_DILATION) {
                S[i * dim + half + j] = v;
                S[(half + j) * dim + i] = v;
            } else
                S[i * dim + j] = v;
        }
    *dim_out = dim;
    return S;
}

/* All costs of a built encoding against the counter. */
static void check_all_costs(Circuit *c, const SparseBE *be, const SbeCosts *k)
{
    check_cost(c, be->qrom, &k->qrom, "table");
    if (be->opt.bits)
        check_cost(c, be->rot, &k->rot, "rotation");
    check_cost(c, be->v, &k->v, "V");
    check_cost(c, be->u, &k->u, "U");
    check_cost(c, be->cu, &k->cu, "ctrl-U");
    check_cost(c, be->walk, &k->walk, "walk");
    check_cost(c, be->cwalk, &k->cwalk, "ctrl-walk");
}

static void check_colouring(const SpMat *A, const SparseBE *be)
{
    unsigned s = max_degree(A);
    CU_ASSERT(be->s == s);
    unsigned char *seen_r = xcalloc(A->rows * s, 1), *seen_c = xcalloc(A->cols * s, 1);
    bool ok = true;
    for (size_t i = 0; i < A->rows; i++)
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++) {
            uint32_t k = be->colour[e];
            if (k >= s || seen_r[i * s + k] || seen_c[A->col[e] * s + k]) {
                ok = false;
                continue;
            }
            seen_r[i * s + k] = seen_c[A->col[e] * s + k] = 1;
        }
    CU_ASSERT(ok);
    free(seen_r), free(seen_c);
}

/* ---- (d)–(f) one case ---- */

typedef struct Case {
    size_t n;
    unsigned s;
    SbeKind kind;
    SbeQromKind qrom;
    unsigned bits;
    bool full, special;
    int sim;        /* 0: costs only; 1: the block; 2: also U², ctrl-U, the walk */
} Case;

static double worst_block = 0;

static double now_s(void);

static void run_case(const Case *cs)
{
    double t_start = now_s();
    SpMat A;
    random_matrix(cs->n, cs->s, cs->kind == SBE_SYMMETRIC, cs->full, cs->special, &A);
    Circuit c;
    circuit_init(&c);
    SparseBE be;
    SbeOptions opt = {.kind = cs->kind, .qrom = cs->qrom, .bits = cs->bits};
    char *err = NULL;
    bool built = sparse_be_build(&c, "sbe", &A, &opt, &be, &err);
    if (!built)
        fprintf(stderr, "\n  build refused: %s\n", err ? err : "?");
    CU_ASSERT_FATAL(built);
    check_colouring(&A, &be);
    double alpha;
    size_t dim;
    double *S = expected_block(&A, cs->kind, cs->bits, &alpha, &dim);
    ASSERT_CLOSE(be.alpha, alpha, 1e-15);
    CU_ASSERT(dim == (size_t)1 << be.lay.nsys);

    /* U², ctrl-U and the walk on the smaller states only (time) */
    int sim = cs->sim == 2 && be.lay.n > 16 ? 1 : cs->sim;
    if (sim) {
        Block saved = main_call(&c, be.u);
        StateVec *sv = sim_create((int)c.nqubits, NULL);
        CU_ASSERT_FATAL(sv != NULL);
        double worst = 0, u2 = 0;
        for (uint64_t x = 0; x < dim; x++) {
            sim_set_basis(sv, x);
            CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
            for (uint64_t y = 0; y < dim; y++) /* flags and work |0⟩: index y */
                worst = fmax(worst, cabs(sv->amp[y] - S[y * dim + x]));
            if (sim >= 2) { /* U² = I */
                CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                for (uint64_t y = 0; y < sv->dim; y++)
                    u2 = fmax(u2, cabs(sv->amp[y] - (y == x ? 1 : 0)));
            }
        }
        sim_destroy(sv);
        main_restore(&c, saved);
        if (worst > 1e-10)
            fprintf(stderr, "\n  n %zu s %u kind %d qrom %d bits %u: block error %.3g\n", cs->n, cs->s, (int)cs->kind,
                    (int)cs->qrom, cs->bits, worst);
        CU_ASSERT(worst <= 1e-10);
        CU_ASSERT(u2 <= 1e-10);
        worst_block = fmax(worst_block, worst);

        if (sim >= 2) {
            /* the walk: same block; W²ψ − 2(λ/α)Wψ + ψ = 0 for eigenvectors */
            double *Hs = xmalloc(dim * dim * sizeof *Hs), *lam = xmalloc(dim * sizeof *lam);
            memcpy(Hs, S, dim * dim * sizeof *Hs);
            CU_ASSERT_FATAL(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)dim, Hs, (lapack_int)dim, lam) == 0);
            saved = main_call(&c, be.walk);
            sv = sim_create((int)c.nqubits, NULL);
            cplx *psi = xcalloc(sv->dim, sizeof *psi), *w1 = xmalloc(sv->dim * sizeof *w1);
            double ww = 0, wb = 0;
            for (uint64_t x = 0; x < dim; x++) {
                sim_set_basis(sv, x);
                CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                for (uint64_t y = 0; y < dim; y++)
                    wb = fmax(wb, cabs(sv->amp[y] - S[y * dim + x]));
            }
            for (size_t e = 0; e < dim; e++) {
                memset(psi, 0, sv->dim * sizeof *psi);
                for (size_t y = 0; y < dim; y++)
                    psi[y] = Hs[y * dim + e]; /* column e: eigenvector of S/α, eigenvalue lam[e] */
                sim_set_amplitudes(sv, psi, sv->dim);
                CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                memcpy(w1, sv->amp, sv->dim * sizeof *w1);
                CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                for (uint64_t y = 0; y < sv->dim; y++)
                    ww = fmax(ww, cabs(sv->amp[y] - 2 * lam[e] * w1[y] + psi[y]));
            }
            CU_ASSERT(wb <= 1e-10);
            CU_ASSERT(ww <= 1e-9);
            free(psi), free(w1), free(Hs), free(lam);
            sim_destroy(sv);
            main_restore(&c, saved);

            /* ctrl-U, ctrl-W: control (the last formal) 0 → identity, 1 → the
             * block; on the states ψ of the walk test, ctrl-W with the
             * control set gives Wψ exactly, global phase included */
            for (int which = 0; which < 2; which++) {
                saved = main_call(&c, which ? be.cwalk : be.cu);
                sv = sim_create((int)c.nqubits, NULL);
                double cw = 0;
                uint64_t ctl = (uint64_t)1 << be.lay.n;
                for (uint64_t x = 0; x < dim; x++) {
                    sim_set_basis(sv, x);
                    CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                    for (uint64_t y = 0; y < sv->dim; y++)
                        cw = fmax(cw, cabs(sv->amp[y] - (y == x ? 1 : 0)));
                    sim_set_basis(sv, x | ctl);
                    CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
                    for (uint64_t y = 0; y < dim; y++)
                        cw = fmax(cw, cabs(sv->amp[y | ctl] - S[y * dim + x]));
                }
                CU_ASSERT(cw <= 1e-10);
                sim_destroy(sv);
                main_restore(&c, saved);
            }
        }
    }
    /* costs (after the runs: counting adds registers, the runs want the fewest qubits) */
    SbeCosts k;
    sbe_costs_init(&k);
    sparse_be_cost(&be, &k);
    check_all_costs(&c, &be, &k);
    if (cs->bits && cs->full) { /* from the shape alone */
        SbeShape sh;
        sbe_shape_init(&sh);
        sh.kind = cs->kind, sh.qrom = cs->qrom, sh.bits = cs->bits, sh.s = max_degree(&A);
        mpz_set_ui(sh.n, cs->n);
        SbeCosts ks;
        sbe_costs_init(&ks);
        CU_ASSERT_FATAL(sparse_be_shape_cost(&sh, &ks, NULL));
        CU_ASSERT(mpz_cmp(ks.L, k.L) == 0);
        check_all_costs(&c, &be, &ks);
        sbe_costs_clear(&ks);
        sbe_shape_clear(&sh);
    }
    sbe_costs_clear(&k);

    if (getenv("SBE_TIMING"))
        fprintf(stderr, "\n  case n %zu s %u kind %d qrom %d bits %u sim %d: %u qubits, %.3f s", cs->n, cs->s,
                (int)cs->kind, (int)cs->qrom, cs->bits, cs->sim, be.lay.n, now_s() - t_start);
    free(S);
    sparse_be_free(&be);
    circuit_free(&c);
    sp_free(&A);
}

/* The states here are small and most kernels touch a few hundred
 * amplitudes under many controls: threads would cost more than they save. */
static uint64_t saved_parallel_min;

static void serial_begin(void)
{
    saved_parallel_min = sim_parallel_min();
    sim_set_parallel_min(UINT64_MAX);
}

static void serial_end(void) { sim_set_parallel_min(saved_parallel_min); }

static void test_block_unary(void)
{
    serial_begin();
    /* unary iteration: work qubits in the state, so small sizes */
    for (int kind = 0; kind < 2; kind++)
        for (size_t n = 2; n <= 8; n *= 2)
            for (unsigned s = 1; s <= (n <= 4 ? 3u : 2u); s++)
                for (unsigned bits = 0; bits <= 2; bits += 2) {
                    if (n == 8 && bits)
                        continue;
                    Case cs = {n, s, (SbeKind)kind, SBE_QROM_UNARY, bits, s % 2 == 1, true, n <= 4 ? 2 : 1};
                    run_case(&cs);
                }
    Case odd = {3, 2, SBE_DILATION, SBE_QROM_UNARY, 0, false, true, 2};
    run_case(&odd);
    Case odd2 = {3, 3, SBE_SYMMETRIC, SBE_QROM_UNARY, 3, true, false, 2};
    run_case(&odd2);
    serial_end();
}

static void test_block_mcx(void)
{
    /* one multi-controlled leaf per slot: no work qubits, up to n = 32 */
    serial_begin();
    static const size_t ns[] = {2, 3, 6, 13, 32};
    for (int kind = 0; kind < 2; kind++)
        for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
            for (unsigned s = 1; s <= 4; s++) {
                size_t n = ns[a];
                if (s > n || (n == 32 && s != 1 && s != 4)) /* time: two of the largest */
                    continue;
                /* angle bits on a third of the cases, fewer (or none) where the
                 * state would pass 2^17 qubits' worth (time) */
                unsigned base = 2 * (clog2(n) + 1) + clog2(s) + 3;
                unsigned bits = (a + s) % 3 != 0 ? 0 : base + 3 <= 17 ? 3 : base + 1 <= 17 ? 1 : 0;
                Case cs = {n, s, (SbeKind)kind, SBE_QROM_MCX, bits, (a + s) % 2 == 0, true, n <= 6 ? 2 : 1};
                run_case(&cs);
            }
    fprintf(stderr, " [largest block error %.2g] ", worst_block);
    serial_end();
}

static void test_costs_larger(void)
{
    /* no simulation: the colouring and the counts, up to n = 300, s = 9 */
    for (int rep = 0; rep < 12; rep++) {
        Case cs = {20 + rand_below(280), 1 + (unsigned)rand_below(9), (SbeKind)(rep % 2),
                   (SbeQromKind)(rep / 2 % 2), rep % 3 == 0 ? 0 : 1 + (unsigned)rand_below(12),
                   rep % 4 < 2, rep % 5 != 0, 0};
        run_case(&cs);
    }
}

/* ---- (g) the shape at scale ---- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void test_shape_1e9(void)
{
    SbeShape sh;
    sbe_shape_init(&sh);
    mpz_set_ui(sh.n, 1000000000ul);
    sh.s = 4;
    sh.bits = 20;
    sh.kind = SBE_DILATION;
    SbeCosts k;
    sbe_costs_init(&k);
    double t0 = now_s();
    int reps = 100;
    bool ok = true;
    for (int r = 0; r < reps; r++)
        ok = ok && sparse_be_shape_cost(&sh, &k, NULL);
    double per = (now_s() - t0) / reps;
    CU_ASSERT_FATAL(ok);
    /* q = 30, w = 2, 33 address qubits, L = 2·10^9·4 slots */
    CU_ASSERT(k.q == 30 && k.w == 2 && k.abits == 33 && k.width == 53);
    CU_ASSERT(mpz_cmp_ui(k.L, 8000000000ul) == 0);
    /* CCZ of U: 2 tables, each 2·Σ_{d=1}^{32} ⌈L/2^d⌉, summed here in doubles (exact below 2^53) */
    double sum = 0;
    for (int d = 1; d <= 32; d++)
        sum += ceil(8e9 / ldexp(1.0, d));
    CU_ASSERT(mpz_get_d(k.u.ccz) == 4 * sum);
    CU_ASSERT(mpz_cmp_ui(k.u.t, 4) == 0 && mpz_cmp_ui(k.u.rotations, 4 * 19) == 0);
    CU_ASSERT(mpz_cmp_ui(k.u.qubits, 2 * 31 + 2 + 3 + 20 + 32) == 0);
    CU_ASSERT(mpz_get_d(k.cu.ccz) == 4 * sum + 32);
    /* reflection on q + w + 4 + b = 56 flags: 2·54 CCZ, 54 ancillas */
    CU_ASSERT(mpz_get_d(k.walk.ccz) == 4 * sum + 108 && mpz_cmp_ui(k.walk.ancillas, 54) == 0);
    CU_ASSERT(mpz_get_d(k.cwalk.ccz) == 4 * sum + 32 + 110 && mpz_cmp_ui(k.cwalk.ancillas, 55) == 0);
    CU_ASSERT(per < 1e-3);
    fprintf(stderr, " [n = 1e9 shape: %.1f us per cost] ", per * 1e6);
    /* a dimension of 10^300 still costs */
    mpz_ui_pow_ui(sh.n, 10, 300);
    sh.s = 1000;
    CU_ASSERT(sparse_be_shape_cost(&sh, &k, NULL));
    CU_ASSERT(k.q == 997 && k.w == 10);
    sbe_costs_clear(&k);
    sbe_shape_clear(&sh);
}

/* ---- refusals ---- */

static void test_refusals(void)
{
    char *err = NULL;
    SbeShape sh;
    sbe_shape_init(&sh);
    SbeCosts k;
    sbe_costs_init(&k);
    mpz_set_ui(sh.n, 0);
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "at least 1"));
    free(err), err = NULL;
    mpz_set_ui(sh.n, 10);
    sh.s = 0;
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "sparsity"));
    free(err), err = NULL;
    sh.s = 11;
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "sparsity"));
    free(err), err = NULL;
    sh.s = 2;
    sh.bits = 0;
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "angle bits"));
    free(err), err = NULL;
    sh.bits = SBE_MAX_BITS + 1;
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "angle bits"));
    free(err), err = NULL;
    sh.bits = 8;
    mpz_set_si(sh.L, -1);
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "L must"));
    free(err), err = NULL;
    mpz_set_ui(sh.L, 0);
    mpz_ui_pow_ui(sh.n, 2, SBE_MAX_SHAPE_BITS + 5);
    CU_ASSERT(!sparse_be_shape_cost(&sh, &k, &err) && err && strstr(err, "beyond"));
    free(err), err = NULL;
    sbe_costs_clear(&k);
    sbe_shape_clear(&sh);

    Circuit c;
    circuit_init(&c);
    SparseBE be;
    SpBuilder b;
    SpMat A;
    sp_builder_init(&b, 3, 4);
    sp_push(&b, 0, 1, 1.0);
    sp_builder_finish(&b, &A);
    CU_ASSERT(!sparse_be_build(&c, "x", &A, NULL, &be, &err) && err && strstr(err, "square"));
    free(err), err = NULL;
    sp_free(&A);
    sp_builder_init(&b, 3, 3);
    sp_builder_finish(&b, &A);
    CU_ASSERT(!sparse_be_build(&c, "x", &A, NULL, &be, &err) && err && strstr(err, "no nonzero"));
    free(err), err = NULL;
    sp_free(&A);
    sp_builder_init(&b, 3, 3);
    sp_push(&b, 0, 1, 1.0);
    sp_push(&b, 1, 0, 0.5);
    sp_builder_finish(&b, &A);
    CU_ASSERT(!sparse_be_build(&c, "x", &A, NULL, &be, &err) && err && strstr(err, "not symmetric"));
    free(err), err = NULL;
    SbeOptions o = {.kind = SBE_DILATION, .qrom = SBE_QROM_UNARY, .bits = SBE_MAX_BITS + 1};
    CU_ASSERT(!sparse_be_build(&c, "x", &A, &o, &be, &err) && err && strstr(err, "angle bits"));
    free(err), err = NULL;
    CU_ASSERT(c.ndefs == 0);
    o.bits = 0;
    CU_ASSERT(sparse_be_build(&c, "x", &A, &o, &be, &err)); /* the dilation takes it */
    sparse_be_free(&be);
    sp_free(&A);
    circuit_free(&c);
}

void suite_sparse_be(void);
void suite_sparse_be(void)
{
    UNIT_SUITE("sparse_be", {"table lookup: action and count", test_qrom},
               {"fixed-point rotation and reflection", test_rot_reflect},
               {"block = A/alpha, unary iteration", test_block_unary},
               {"block = A/alpha, multi-controlled leaves, n to 32", test_block_mcx},
               {"colouring and counts, n to 300", test_costs_larger}, {"n = 1e9 from the shape", test_shape_1e9},
               {"refusals", test_refusals});
}
