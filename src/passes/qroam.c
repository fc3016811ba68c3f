/* qroam.c — select-swap table lookup, clean and dirty, with its exact
 * closed-form cost and the choice of the block size (see qroam.h). */
#include "passes/qroam.h"

#include <stdlib.h>
#include <string.h>

#include "support/util.h"

/* ---- address profiles ---- */

void qroam_prefix_init(QroamPrefix *p, unsigned abits)
{
    if (abits > SBE_MAX_ABITS)
        ICE("qroam_prefix_init: %u address bits", abits);
    p->abits = abits;
    p->N = xmalloc(((size_t)abits + 1) * sizeof *p->N);
    for (unsigned d = 0; d <= abits; d++)
        mpz_init(p->N[d]);
}

void qroam_prefix_clear(QroamPrefix *p)
{
    for (unsigned d = 0; d <= p->abits; d++)
        mpz_clear(p->N[d]);
    free(p->N);
    p->N = NULL;
}

void qroam_prefix_contiguous(QroamPrefix *p, const mpz_t L)
{
    mpz_t top;
    mpz_init(top);
    mpz_setbit(top, p->abits);
    if (mpz_sgn(L) < 0 || mpz_cmp(L, top) > 0)
        ICE("qroam_prefix_contiguous: a table of more entries than 2^%u addresses", p->abits);
    mpz_clear(top);
    for (unsigned d = 0; d <= p->abits; d++)
        mpz_cdiv_q_2exp(p->N[d], L, d);
}

static uint64_t addr_of(const SbeTable *t, size_t l) { return t->addr ? t->addr[l] : (uint64_t)l; }

void qroam_prefix_table(QroamPrefix *p, const SbeTable *t)
{
    if (p->abits != t->abits)
        ICE("qroam_prefix_table: a profile of %u address bits for a table of %u", p->abits, t->abits);
    for (unsigned d = 0; d <= p->abits; d++) {
        uint64_t nd = 0;
        for (size_t l = 0; l < t->L; l++)
            if (l == 0 || addr_of(t, l) >> d != addr_of(t, l - 1) >> d) /* d ≤ abits ≤ 62 */
                nd++;
        mpz_set_ui(p->N[d], 0);
        mpz_add_ui(p->N[d], p->N[d], (unsigned long)nd);
    }
}

/* ---- sizes ---- */

static unsigned nflags(unsigned k, unsigned abits) { return abits - k >= 2 ? abits - k - 1 : 0; }

void qroam_work_mpz(unsigned k, unsigned abits, unsigned width, mpz_t work, mpz_t regs)
{
    if (k > abits)
        ICE("qroam: block size 2^%u beyond %u address bits", k, abits);
    mpz_set_ui(regs, 0);
    if (k >= 1) {
        mpz_setbit(regs, k);
        mpz_mul_ui(regs, regs, width);
    }
    mpz_add_ui(work, regs, nflags(k, abits));
}

uint64_t qroam_work(unsigned k, unsigned abits, unsigned width, uint64_t *regs)
{
    mpz_t w, r;
    mpz_inits(w, r, NULL);
    qroam_work_mpz(k, abits, width, w, r);
    if (mpz_sizeinbase(w, 2) > 64)
        ICE("qroam_work: block size 2^%u of %u-bit words needs more than 2^64 qubits", k, width);
    uint64_t out = mpz_get_ui(w); /* unsigned long is 64 bits on the supported targets */
    if (regs)
        *regs = mpz_get_ui(r);
    mpz_clears(w, r, NULL);
    return out;
}

void qroam_extra_qubits(unsigned k, unsigned abits, unsigned width, mpz_t out)
{
    mpz_t r;
    mpz_init(r);
    qroam_work_mpz(k, abits, width, out, r);
    mpz_sub_ui(out, out, abits >= 2 ? abits - 1 : 0);
    mpz_clear(r);
}

/* ---- building ---- */

typedef struct Build {
    Circuit *c;
    Block *b;
    const SbeTable *t;
    unsigned k;
    uint32_t data0, regs0; /* formals of data bit 0 and of R_0's bit 0 */
} Build;

/* SELECT's leaf: the stored entries of one block into their registers
 * (k = 0: into the data register). */
static void leaf(void *vctx, SbeFlag f, size_t first, size_t last)
{
    Build *B = vctx;
    const SbeTable *t = B->t;
    uint64_t pmask = ((uint64_t)1 << B->k) - 1;
    for (size_t l = first; l < last; l++) {
        uint32_t r = B->k == 0 ? B->data0 : B->regs0 + (uint32_t)(addr_of(t, l) & pmask) * t->width;
        for (unsigned j = 0; j < t->width; j++)
            if (t->word[l] >> j & 1)
                sbe_flagged(B->c, B->b, f, GATE_X, r + j, 0);
    }
}

static void select(Build *B)
{
    sbe_unary_iterate(B->c, B->b, B->t, B->k, B->t->abits + B->t->width, leaf, B);
}

/* The swap network (R_0 ← R_p), or its inverse (the layers reversed). */
static void swaps(Build *B, bool inverse)
{
    unsigned k = B->k, w = B->t->width;
    uint32_t K = (uint32_t)1 << k;
    for (unsigned s = 0; s < k; s++) {
        unsigned j = inverse ? k - 1 - s : s;
        uint32_t half = (uint32_t)1 << j;
        for (uint32_t i = 0; i < K; i += 2 * half)
            for (unsigned x = 0; x < w; x++) {
                uint32_t q[3] = {j, B->regs0 + i * w + x, B->regs0 + (i + half) * w + x};
                circ_cgate(B->c, B->b, GATE_SWAP, 1, q, NULL);
            }
    }
}

/* data ^= R_0 */
static void copy_out(Build *B)
{
    for (unsigned x = 0; x < B->t->width; x++) {
        uint32_t q[2] = {B->regs0 + x, B->data0 + x};
        circ_gate(B->c, B->b, GATE_CX, q, NULL);
    }
}

uint32_t qroam_def(Circuit *c, const char *name, const SbeTable *t, QroamVariant v, unsigned k)
{
    sbe_check_name(c, name);
    if (t->theta)
        ICE("qroam_def: '%s' has angles; select-swap lookup takes fixed-point tables only (theta NULL)", name);
    sbe_table_check(t);
    if (v != QROAM_CLEAN && v != QROAM_DIRTY)
        ICE("qroam_def: unknown variant %d", (int)v);
    if (k > t->abits)
        ICE("qroam_def: block size 2^%u beyond %u address bits", k, t->abits);
    uint64_t regs = 0, work = qroam_work(k, t->abits, t->width, &regs);
    if (regs > QROAM_MAX_BUILD_REGQUBITS)
        ICE("qroam_def: %llu register qubits (block size 2^%u, %u-bit words) beyond the build limit",
            (unsigned long long)regs, k, t->width);
    uint32_t nq = (uint32_t)(t->abits + t->width + work);
    const char *doc = k == 0 ? "table lookup by unary iteration (select-swap, block size 1)"
                      : v == QROAM_CLEAN ? "table lookup, select-swap with clean registers (Berry et al. 2019)"
                                         : "table lookup, select-swap with borrowed registers (Berry et al. 2019)";
    uint32_t def = circuit_def(c, name, nq, doc);
    Build B = {c, circuit_def_body(c, def), t, k, t->abits, t->abits + t->width + nflags(k, t->abits)};
    if (t->L == 0)
        return def;
    if (k == 0)
        select(&B);
    else if (v == QROAM_CLEAN) {
        select(&B);
        swaps(&B, false);
        copy_out(&B);
        swaps(&B, true);
        select(&B);
    } else {
        swaps(&B, false);
        copy_out(&B);
        swaps(&B, true);
        select(&B);
        swaps(&B, false);
        copy_out(&B);
        swaps(&B, true);
        select(&B);
    }
    return def;
}

/* ---- costs ---- */

/* CCZ at block size 2^k given U_k = Σ_{d=k+1}^{abits−1} N_d. */
static void ccz_of(QroamVariant v, unsigned k, const mpz_t uk, const mpz_t L, unsigned width, mpz_t out)
{
    if (mpz_sgn(L) == 0) {
        mpz_set_ui(out, 0);
        return;
    }
    if (k == 0) {
        mpz_mul_ui(out, uk, 2);
        return;
    }
    mpz_set_ui(out, 0);
    mpz_setbit(out, k);
    mpz_sub_ui(out, out, 1);
    mpz_mul_ui(out, out, (unsigned long)width * (v == QROAM_CLEAN ? 2 : 4));
    mpz_addmul_ui(out, uk, 4);
}

static void check_args(QroamVariant v, unsigned k, const QroamPrefix *p, unsigned width)
{
    if (v != QROAM_CLEAN && v != QROAM_DIRTY)
        ICE("qroam_cost: unknown variant %d", (int)v);
    if (k > p->abits)
        ICE("qroam_cost: block size 2^%u beyond %u address bits", k, p->abits);
    if (width < 1)
        ICE("qroam_cost: %u data bits", width);
}

void qroam_cost(QroamVariant v, unsigned k, const QroamPrefix *p, unsigned width, SbeCost *out)
{
    check_args(v, k, p, width);
    mpz_t uk, regs;
    mpz_inits(uk, regs, NULL);
    for (unsigned d = k + 1; d < p->abits; d++)
        mpz_add(uk, uk, p->N[d]);
    ccz_of(v, k, uk, p->N[0], width, out->ccz);
    mpz_set_ui(out->t, 0);
    mpz_set_ui(out->rotations, 0);
    mpz_set_ui(out->ancillas, 0);
    qroam_work_mpz(k, p->abits, width, out->qubits, regs);
    mpz_add_ui(out->qubits, out->qubits, (unsigned long)p->abits + width);
    mpz_clears(uk, regs, NULL);
}

void qroam_cost_contiguous(QroamVariant v, unsigned k, unsigned abits, const mpz_t L, unsigned width, SbeCost *out)
{
    QroamPrefix p;
    qroam_prefix_init(&p, abits);
    qroam_prefix_contiguous(&p, L);
    qroam_cost(v, k, &p, width, out);
    qroam_prefix_clear(&p);
}

void qroam_table_cost(QroamVariant v, unsigned k, const SbeTable *t, SbeCost *out)
{
    if (t->theta)
        ICE("qroam_table_cost: select-swap lookup takes fixed-point tables only (theta NULL)");
    sbe_table_check(t);
    QroamPrefix p;
    qroam_prefix_init(&p, t->abits);
    qroam_prefix_table(&p, t);
    qroam_cost(v, k, &p, t->width, out);
    qroam_prefix_clear(&p);
}

/* ---- the block size ---- */

unsigned qroam_choose_k(QroamVariant v, const QroamPrefix *p, unsigned width, uint64_t max_extra)
{
    check_args(v, 0, p, width);
    unsigned A = p->abits, best = 0;
    mpz_t uk, ccz, bestccz, extra, cap;
    mpz_inits(uk, ccz, bestccz, extra, cap, NULL);
    mpz_set_ui(cap, 0);
    mpz_add_ui(cap, cap, (unsigned long)max_extra);
    for (unsigned d = 1; d < A; d++) /* U_0 */
        mpz_add(uk, uk, p->N[d]);
    ccz_of(v, 0, uk, p->N[0], width, bestccz);
    for (unsigned k = 1; k <= A; k++) {
        if (k < A) /* U_k = U_{k−1} − N_k (U_abits = U_{abits−1} = 0) */
            mpz_sub(uk, uk, p->N[k]);
        qroam_extra_qubits(k, A, width, extra);
        if (mpz_cmp(extra, cap) > 0)
            break; /* the extra qubits grow with k (K·width doubles, the flags shrink by one) */
        ccz_of(v, k, uk, p->N[0], width, ccz);
        if (mpz_cmp(ccz, bestccz) < 0)
            mpz_set(bestccz, ccz), best = k;
    }
    mpz_clears(uk, ccz, bestccz, extra, cap, NULL);
    return best;
}

unsigned qroam_choose_k_contiguous(QroamVariant v, unsigned abits, const mpz_t L, unsigned width, uint64_t max_extra)
{
    QroamPrefix p;
    qroam_prefix_init(&p, abits);
    qroam_prefix_contiguous(&p, L);
    unsigned k = qroam_choose_k(v, &p, width, max_extra);
    qroam_prefix_clear(&p);
    return k;
}
