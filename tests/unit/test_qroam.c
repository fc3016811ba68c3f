/* test_qroam.c — the select-swap table lookup (src/passes/qroam.c),
 * checked against the unary-iteration lookup of sbe_qrom.c and against
 * formulas evaluated here:
 *   (a) action: for random tables (abits 0..6, contiguous or scattered
 *       addresses, widths 1..4, L from 1 to 2^abits) and every block size
 *       k = 0..abits within the simulator's 64 qubits (k = 0, and K ≥ L,
 *       included), both variants, the definition maps every basis input
 *       |a⟩|z⟩ exactly as sbe_qrom_def(SBE_QROM_UNARY) does (and as
 *       |a⟩|z ⊕ w_a⟩), with amplitude 1; the flags and clean registers
 *       come back |0⟩, dirty registers (random contents) come back
 *       unchanged;
 *   (b) counts: res_count of every built definition equals
 *       qroam_table_cost field by field (CCZ, T, rotations, qubits,
 *       lowering ancillas, no measurement), qroam_cost_contiguous for
 *       contiguous tables, and sbe_qrom_table_cost(UNARY) at k = 0; the
 *       closed form 4(2^(m−k) − 2) + 2w(2^k − 1) (clean) and
 *       4(2^(m−k) − 2) + 4w(2^k − 1) (dirty) on full tables of 2^m
 *       entries, m up to 60;
 *   (c) the chooser: for random profiles and budgets, its k has at most
 *       the budget of extra qubits, and no admissible k has fewer CCZ (nor
 *       as many with a smaller k); an unlimited budget at L = 2^30, w = 34
 *       picks K near √(2L/w). */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "passes/qroam.h"
#include "passes/sbe_qrom.h"
#include "sim/sparse.h"
#include "support/util.h"

static UnitRng rng = {0x9e0a4d17ULL};

static uint64_t rand_below(uint64_t n) { return unit_next64(&rng) % n; }

/* main = one call of def on qubits 0..nq−1 (the circuit grows to nq) */
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

/* The image of basis state x under def (a permutation of basis states):
 * false when the output is not a single basis state of amplitude 1. */
static bool image(Circuit *c, uint32_t def, uint64_t x, uint64_t *y)
{
    Block saved = call_in_main(c, def);
    char *err = NULL;
    SparseState *s = sparse_create(c->nqubits, 64, &err);
    CU_ASSERT_FATAL(s != NULL);
    sparse_set_basis(s, x);
    bool ok = sparse_run_circuit(c, s, NULL, &err);
    if (!ok)
        fprintf(stderr, "\n  sparse run: %s\n", err), free(err);
    double _Complex a = 0;
    if (ok && sparse_nnz(s) == 1)
        sparse_entry(s, 0, y, &a);
    ok = ok && sparse_nnz(s) == 1 && cabs(a - 1) < 1e-12;
    sparse_free(s);
    main_restore(c, saved);
    return ok;
}

/* res_count of one call of def equals k field by field */
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

/* ---- (a), (b) ---- */

static unsigned nchecked = 0;

static void check_case(unsigned abits, size_t L, bool contiguous, unsigned width, QroamVariant v, unsigned k)
{
    uint64_t space = (uint64_t)1 << abits;
    uint64_t *addr = xmalloc((L + 1) * sizeof *addr), *word = xmalloc((L + 1) * sizeof *word);
    if (contiguous)
        for (size_t l = 0; l < L; l++)
            addr[l] = l;
    else {
        size_t l = 0;
        for (uint64_t a = 0; a < space && l < L; a++)
            if (rand_below(space - a) < L - l) /* selection sampling */
                addr[l++] = a;
    }
    for (size_t l = 0; l < L; l++)
        word[l] = rand_below((uint64_t)1 << width);
    SbeTable t = {abits, L, contiguous ? NULL : addr, width, word, NULL, 0};
    Circuit c;
    circuit_init(&c);
    uint32_t du = sbe_qrom_def(&c, "unary", &t, SBE_QROM_UNARY);
    uint32_t dq = qroam_def(&c, "qroam", &t, v, k);
    uint64_t regs = 0, work = qroam_work(k, abits, width, &regs);
    uint32_t nio = abits + width, nflag = (uint32_t)(work - regs);
    CU_ASSERT_FATAL(c.defs[dq].nqubits == nio + work);
    CU_ASSERT(nflag == (abits >= k + 2 ? abits - k - 1 : 0));
    CU_ASSERT(regs == (k ? ((uint64_t)width << k) : 0));

    /* every basis input of address and data; dirty registers random */
    bool same = true;
    for (uint64_t x = 0; x < ((uint64_t)1 << nio); x++) {
        uint64_t junk = 0;
        if (v == QROAM_DIRTY && regs)
            junk = unit_next64(&rng) & (regs >= 64 ? UINT64_MAX : ((uint64_t)1 << regs) - 1);
        uint64_t xin = x | junk << (nio + nflag), yq = 0, yu = 0;
        bool ok = image(&c, dq, xin, &yq) && image(&c, du, x, &yu);
        uint64_t a = x & (space - 1), z = x >> abits, want = z;
        for (size_t l = 0; l < L; l++)
            if ((contiguous ? l : addr[l]) == a)
                want ^= word[l];
        uint64_t expect = a | want << abits;
        ok = ok && yu == expect && yq == (yu | junk << (nio + nflag));
        if (!ok && same)
            fprintf(stderr, "\n  abits %u L %zu %s width %u %s k %u: input %llx junk %llx gives %llx (unary %llx)\n",
                    abits, L, contiguous ? "contiguous" : "scattered", width, v == QROAM_CLEAN ? "clean" : "dirty", k,
                    (unsigned long long)x, (unsigned long long)junk, (unsigned long long)yq, (unsigned long long)yu);
        same = same && ok;
    }
    CU_ASSERT(same);

    SbeCost kc;
    sbe_cost_init(&kc);
    qroam_table_cost(v, k, &t, &kc);
    CU_ASSERT(counts_equal(&c, dq, &kc, "qroam table"));
    if (contiguous) {
        mpz_t mL;
        mpz_init_set_ui(mL, L);
        qroam_cost_contiguous(v, k, abits, mL, width, &kc);
        CU_ASSERT(counts_equal(&c, dq, &kc, "qroam contiguous formula"));
        mpz_clear(mL);
    }
    if (k == 0) { /* the unary lookup itself */
        sbe_qrom_table_cost(SBE_QROM_UNARY, &t, &kc);
        CU_ASSERT(counts_equal(&c, dq, &kc, "qroam k = 0 as unary"));
    }
    sbe_cost_clear(&kc);
    circuit_free(&c);
    free(addr), free(word);
    nchecked++;
}

static void test_action_and_counts(void)
{
    for (unsigned abits = 0; abits <= 6; abits++) {
        uint64_t space = (uint64_t)1 << abits;
        for (int rep = 0; rep < 4; rep++) {
            size_t L = (size_t)(rep == 0 ? space : 1 + rand_below(space));
            bool contiguous = rep < 2;
            unsigned width = 1 + (unsigned)rand_below(4);
            for (unsigned k = 0; k <= abits; k++) {
                uint64_t regs = k ? (uint64_t)width << k : 0;
                if (abits + width + abits + regs > 40) /* keep the runs small */
                    continue;
                check_case(abits, L, contiguous, width, QROAM_CLEAN, k);
                check_case(abits, L, contiguous, width, QROAM_DIRTY, k);
            }
        }
    }
    /* K ≥ L: a few entries in one block, and a single entry */
    check_case(5, 3, true, 2, QROAM_CLEAN, 2);
    check_case(5, 3, false, 3, QROAM_DIRTY, 3);
    check_case(4, 1, false, 4, QROAM_CLEAN, 2);
    check_case(3, 0, true, 2, QROAM_CLEAN, 1); /* empty: the identity, nothing counted */
    CU_ASSERT(nchecked > 100);
}

/* the closed forms on full tables of 2^m entries */
static void test_closed_form(void)
{
    for (unsigned m = 1; m <= 60; m += (m < 8 ? 1 : 7))
        for (unsigned k = 0; k <= m; k++)
            for (int v = 0; v < 2; v++) {
                unsigned w = 1 + (unsigned)rand_below(60);
                mpz_t L, want, t;
                mpz_inits(L, want, t, NULL);
                mpz_setbit(L, m);
                SbeCost kc;
                sbe_cost_init(&kc);
                qroam_cost_contiguous((QroamVariant)v, k, m, L, w, &kc);
                /* U_k = Σ_{d=k+1}^{m−1} 2^(m−d) = 2^(m−k) − 2 (k ≤ m − 1), 0 (k = m) */
                if (k + 1 <= m) {
                    mpz_setbit(want, m - k);
                    mpz_sub_ui(want, want, 2);
                }
                mpz_mul_ui(want, want, k == 0 ? 2 : 4);
                if (k >= 1) {
                    mpz_setbit(t, k);
                    mpz_sub_ui(t, t, 1);
                    mpz_addmul_ui(want, t, (unsigned long)w * (v == QROAM_CLEAN ? 2 : 4));
                }
                CU_ASSERT(mpz_cmp(kc.ccz, want) == 0);
                /* qubits: address, data, flags, registers */
                mpz_set_ui(want, m + w + (m >= k + 2 ? m - k - 1 : 0));
                if (k >= 1) {
                    mpz_set_ui(t, 0);
                    mpz_setbit(t, k);
                    mpz_addmul_ui(want, t, w);
                }
                CU_ASSERT(mpz_cmp(kc.qubits, want) == 0);
                CU_ASSERT(mpz_sgn(kc.t) == 0 && mpz_sgn(kc.rotations) == 0 && mpz_sgn(kc.ancillas) == 0);
                if (k == 0) { /* the unary lookup */
                    SbeCost ku;
                    sbe_cost_init(&ku);
                    sbe_qrom_cost(SBE_QROM_UNARY, m, L, w, &ku);
                    CU_ASSERT(mpz_cmp(ku.ccz, kc.ccz) == 0 && mpz_cmp(ku.qubits, kc.qubits) == 0);
                    sbe_cost_clear(&ku);
                }
                sbe_cost_clear(&kc);
                mpz_clears(L, want, t, NULL);
            }
}

/* ---- (c) ---- */

static void check_choice(QroamVariant v, const QroamPrefix *p, unsigned width, uint64_t budget)
{
    unsigned kk = qroam_choose_k(v, p, width, budget);
    CU_ASSERT_FATAL(kk <= p->abits);
    mpz_t extra;
    mpz_init(extra);
    qroam_extra_qubits(kk, p->abits, width, extra);
    CU_ASSERT(mpz_cmp_ui(extra, budget) <= 0);
    SbeCost best, other;
    sbe_cost_init(&best), sbe_cost_init(&other);
    qroam_cost(v, kk, p, width, &best);
    for (unsigned k = 0; k <= p->abits && k < 62; k++) {
        qroam_extra_qubits(k, p->abits, width, extra);
        if (mpz_cmp_ui(extra, budget) > 0)
            continue;
        qroam_cost(v, k, p, width, &other);
        int cmp = mpz_cmp(other.ccz, best.ccz);
        CU_ASSERT(cmp > 0 || (cmp == 0 && k >= kk));
        if (!(cmp > 0 || (cmp == 0 && k >= kk)))
            gmp_fprintf(stderr, "\n  chooser: k %u (%Zd CCZ) beats the pick %u (%Zd) at budget %llu\n", k, other.ccz,
                        kk, best.ccz, (unsigned long long)budget);
    }
    sbe_cost_clear(&best), sbe_cost_clear(&other);
    mpz_clear(extra);
}

static void test_chooser(void)
{
    /* random scattered tables: counted profiles */
    for (int rep = 0; rep < 60; rep++) {
        unsigned abits = 1 + (unsigned)rand_below(14), width = 1 + (unsigned)rand_below(40);
        uint64_t space = (uint64_t)1 << abits;
        size_t L = 1 + (size_t)rand_below(space);
        uint64_t *addr = xmalloc(L * sizeof *addr), *word = xcalloc(L, sizeof *word);
        size_t l = 0;
        for (uint64_t a = 0; a < space && l < L; a++)
            if (rand_below(space - a) < L - l)
                addr[l++] = a;
        SbeTable t = {abits, L, addr, width, word, NULL, 0};
        QroamPrefix p;
        qroam_prefix_init(&p, abits);
        qroam_prefix_table(&p, &t);
        uint64_t budgets[] = {0, 1, (uint64_t)width, 2ull * width, 5ull * width, rand_below(1000), UINT64_MAX};
        for (size_t b = 0; b < sizeof budgets / sizeof *budgets; b++) {
            check_choice(QROAM_CLEAN, &p, width, budgets[b]);
            check_choice(QROAM_DIRTY, &p, width, budgets[b]);
        }
        qroam_prefix_clear(&p);
        free(addr), free(word);
    }
    /* contiguous, large: budget 0 is unary; unlimited: K near √(2L/w) */
    mpz_t L;
    mpz_init(L);
    mpz_setbit(L, 30);
    CU_ASSERT(qroam_choose_k_contiguous(QROAM_CLEAN, 31, L, 34, 0) == 0);
    unsigned k = qroam_choose_k_contiguous(QROAM_CLEAN, 31, L, 34, UINT64_MAX);
    CU_ASSERT(k == 13); /* √(2^31/34) ≈ 7.9e3 ≈ 2^13 */
    QroamPrefix p;
    qroam_prefix_init(&p, 31);
    qroam_prefix_contiguous(&p, L);
    for (uint64_t budget = 1; budget < ((uint64_t)1 << 24); budget = budget * 3 + 7)
        check_choice(QROAM_CLEAN, &p, 34, budget);
    qroam_prefix_clear(&p);
    mpz_clear(L);
}

void suite_qroam(void);
void suite_qroam(void)
{
    UNIT_SUITE("qroam", {"select-swap lookup: action like unary iteration, counts", test_action_and_counts},
               {"select-swap lookup: closed forms", test_closed_form},
               {"select-swap lookup: the block-size chooser", test_chooser});
}
