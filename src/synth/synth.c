/* synth.c — approximate synthesis of Rz(θ) (Ross–Selinger), and the cache.
 *
 * The grid problem.  Z[ω] embeds as a lattice L in R⁴ by α ↦ (α, α•).  The
 * candidates at exponent k are the α ∈ Z[ω] with α/√2^k in the ε-region
 * {u : |u| ≤ 1, Re(u z̄) ≥ 1 − ε²/2} of z = e^{−iθ/2} and α•/√2^k in the
 * unit disk.  The ε-region lies in the ellipse of axes √2·ε²/4 (along z) and
 * √2·ε (across z) centred at (1 − ε²/4) z, so the candidates lie in the
 * four-dimensional ellipsoid F(v − √2^k c) ≤ 2·2^k with
 *   F(v) = (v·z)²/(2(ε²/4)²) + (v·iz)²/(2ε²) + |v•|²,   c = ((1 − ε²/4) z, 0).
 * F does not depend on k, so one LLL reduction of L under F per angle
 * serves every k; each k then enumerates the ellipsoid (Fincke–Pohst on the
 * reduced basis) and filters the points exactly.  This replaces
 * Ross–Selinger's grid-operator reduction of the two ellipses by a generic
 * lattice reduction of the same lattice; the candidates, and so the T
 * counts, are those of the grid problem.  Candidates divisible by √2 were
 * candidates at k − 1 and are skipped. */
#include "synth/synth_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4

typedef struct Grid {
    unsigned long prec;
    mpf_t W[N][N];  /* reduced basis, in F's Euclidean coordinates */
    mpz_t C[N][N];  /* its rows as coefficient vectors in 1, ω, ω², ω³ */
    mpf_t Ws[N][N]; /* Gram–Schmidt vectors */
    mpf_t B[N], mu[N][N];
    mpf_t t0[N]; /* the centre c (k = 0) in reduced coordinates */
    mpf_t zx, zy; /* the target z = u's ideal value */
    mpf_t av[N][4]; /* (Re α, Im α, Re α•, Im α•) of the reduced basis vectors */
    int l;        /* the determinant ω^l of the unitary sought */
    /* enumeration state */
    mpf_t tc[N], x[N], cen[N], rem[N + 1], tmp, tmp2;
} Grid;

static void grid_init(Grid *g, unsigned long prec)
{
    g->prec = prec;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            mpf_init2(g->W[i][j], prec);
            mpz_init(g->C[i][j]);
            mpf_init2(g->Ws[i][j], prec);
            mpf_init2(g->mu[i][j], prec);
        }
        mpf_init2(g->B[i], prec);
        mpf_init2(g->t0[i], prec);
        mpf_init2(g->tc[i], prec);
        mpf_init2(g->x[i], prec);
        mpf_init2(g->cen[i], prec);
    }
    for (int i = 0; i <= N; i++) mpf_init2(g->rem[i], prec);
    mpf_init2(g->zx, prec);
    mpf_init2(g->zy, prec);
    for (int i = 0; i < N; i++)
        for (int q = 0; q < 4; q++) mpf_init2(g->av[i][q], prec);
    mpf_init2(g->tmp, prec);
    mpf_init2(g->tmp2, prec);
}

static void grid_clear(Grid *g)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            mpf_clear(g->W[i][j]);
            mpz_clear(g->C[i][j]);
            mpf_clear(g->Ws[i][j]);
            mpf_clear(g->mu[i][j]);
        }
        mpf_clear(g->B[i]);
        mpf_clear(g->t0[i]);
        mpf_clear(g->tc[i]);
        mpf_clear(g->x[i]);
        mpf_clear(g->cen[i]);
    }
    for (int i = 0; i <= N; i++) mpf_clear(g->rem[i]);
    mpf_clear(g->zx);
    mpf_clear(g->zy);
    for (int i = 0; i < N; i++)
        for (int q = 0; q < 4; q++) mpf_clear(g->av[i][q]);
    mpf_clear(g->tmp);
    mpf_clear(g->tmp2);
}

static void dot(mpf_t r, mpf_t a[N], mpf_t b[N], mpf_t t)
{
    mpf_mul(r, a[0], b[0]);
    for (int i = 1; i < N; i++) {
        mpf_mul(t, a[i], b[i]);
        mpf_add(r, r, t);
    }
}

static void gso(Grid *g)
{
    for (int i = 0; i < N; i++) {
        for (int q = 0; q < N; q++) mpf_set(g->Ws[i][q], g->W[i][q]);
        for (int j = 0; j < i; j++) {
            dot(g->mu[i][j], g->W[i], g->Ws[j], g->tmp);
            mpf_div(g->mu[i][j], g->mu[i][j], g->B[j]);
            for (int q = 0; q < N; q++) {
                mpf_mul(g->tmp, g->mu[i][j], g->Ws[j][q]);
                mpf_sub(g->Ws[i][q], g->Ws[i][q], g->tmp);
            }
        }
        dot(g->B[i], g->Ws[i], g->Ws[i], g->tmp);
    }
}

/* LLL (δ = 0.99) on the rows of W, the same operations on C */
static void lll(Grid *g)
{
    mpf_t q, half, lhs, mu, bb;
    mpz_t qz, t;
    mpf_init2(mu, g->prec);
    mpf_init2(bb, g->prec);
    mpf_init2(q, g->prec);
    mpf_init2(half, g->prec);
    mpf_init2(lhs, g->prec);
    mpz_inits(qz, t, NULL);
    mpf_set_d(half, 0.5);
    gso(g);
    int k = 1;
    for (long iter = 0; k < N && iter < 100000; iter++) {
        for (int j = k - 1; j >= 0; j--) {
            mpf_add(q, g->mu[k][j], half);
            mpf_floor(q, q);
            if (!mpf_sgn(q)) continue;
            mpz_set_f(qz, q);
            for (int c = 0; c < N; c++) {
                mpf_mul(g->tmp, q, g->W[j][c]);
                mpf_sub(g->W[k][c], g->W[k][c], g->tmp);
                mpz_submul(g->C[k][c], qz, g->C[j][c]);
            }
            for (int l = 0; l < j; l++) {
                mpf_mul(g->tmp, q, g->mu[j][l]);
                mpf_sub(g->mu[k][l], g->mu[k][l], g->tmp);
            }
            mpf_sub(g->mu[k][j], g->mu[k][j], q);
        }
        /* Lovász: B_k ≥ (δ − μ²) B_{k−1} */
        mpf_mul(lhs, g->mu[k][k - 1], g->mu[k][k - 1]);
        mpf_set_d(g->tmp, 0.99);
        mpf_sub(lhs, g->tmp, lhs);
        mpf_mul(lhs, lhs, g->B[k - 1]);
        if (mpf_cmp(g->B[k], lhs) >= 0) {
            k++;
        } else {
            for (int c = 0; c < N; c++) {
                mpf_swap(g->W[k][c], g->W[k - 1][c]);
                mpz_swap(g->C[k][c], g->C[k - 1][c]);
            }
            /* the Gram–Schmidt data after the swap (Cohen, Algorithm 2.6.3) */
            mpf_set(mu, g->mu[k][k - 1]);
            mpf_mul(bb, mu, mu);
            mpf_mul(bb, bb, g->B[k - 1]);
            mpf_add(bb, bb, g->B[k]);
            mpf_mul(g->mu[k][k - 1], mu, g->B[k - 1]);
            mpf_div(g->mu[k][k - 1], g->mu[k][k - 1], bb);
            mpf_mul(g->B[k], g->B[k], g->B[k - 1]);
            mpf_div(g->B[k], g->B[k], bb);
            mpf_set(g->B[k - 1], bb);
            for (int j = 0; j < k - 1; j++) mpf_swap(g->mu[k - 1][j], g->mu[k][j]);
            for (int i = k + 1; i < N; i++) {
                mpf_set(q, g->mu[i][k]);
                mpf_mul(g->tmp, mu, q);
                mpf_sub(g->mu[i][k], g->mu[i][k - 1], g->tmp);
                mpf_mul(g->tmp, g->mu[k][k - 1], g->mu[i][k]);
                mpf_add(g->mu[i][k - 1], q, g->tmp);
            }
            if (k > 1) k--;
        }
    }
    gso(g);
    mpf_clear(q);
    mpf_clear(half);
    mpf_clear(lhs);
    mpf_clear(mu);
    mpf_clear(bb);
    mpz_clears(qz, t, NULL);
}

typedef struct Search {
    Grid *g;
    double eps;
    int k;
    mpf_t S, bound, sq2inv;
    long long visited, limit; /* lattice points reached, and the most allowed */
    long long nodes, node_limit; /* enumeration nodes, and the most allowed */
    unsigned long budget;
    /* result */
    bool found;
    Zw u, t;
    int tried;
} Search;

/* a lattice point: filter exactly, then the norm equation */
static bool visit(Search *s)
{
    Grid *g = s->g;
    Zw a;
    zw_init(&a);
    mpz_t xi, acc;
    mpz_inits(xi, acc, NULL);
    for (int j = 0; j < N; j++) {
        mpz_set_ui(acc, 0);
        for (int i = 0; i < N; i++) {
            mpz_set_f(xi, g->x[i]);
            mpz_addmul(acc, xi, g->C[i][j]);
        }
        mpz_set(a.c[j], acc);
    }
    mpz_clears(xi, acc, NULL);
    bool done = false;
    s->visited++;
    if (s->k > 0 && zw_div_sqrt2_p(&a)) goto out;
    /* ξ = 2^k − |α|² ≥ 0 and ξ• = 2^k − |α•|² ≥ 0 */
    Zr2 xi2;
    zr2_init(&xi2);
    zw_abs2(&xi2, &a);
    mpz_neg(xi2.x, xi2.x);
    mpz_neg(xi2.y, xi2.y);
    {
        mpz_t p2;
        mpz_init(p2);
        mpz_setbit(p2, (mp_bitcnt_t)s->k);
        mpz_add(xi2.x, xi2.x, p2);
        mpz_clear(p2);
    }
    bool in = zr2_sgn(&xi2) >= 0;
    if (in) {
        Zr2 b;
        zr2_init(&b);
        mpz_set(b.x, xi2.x);
        mpz_neg(b.y, xi2.y);
        in = zr2_sgn(&b) >= 0;
        zr2_clear(&b);
    }
    if (in) {
        /* Re(α z̄) ≥ √2^k (1 − ε²/2): α = (c0 + (c1 − c3)/√2) + i (c2 + (c1 + c3)/√2) */
        mpf_t ax, ay, t;
        mpf_init2(ax, g->prec);
        mpf_init2(ay, g->prec);
        mpf_init2(t, g->prec);
        mpz_t d;
        mpz_init(d);
        mpz_sub(d, a.c[1], a.c[3]);
        mpf_set_z(ax, d);
        mpf_mul(ax, ax, s->sq2inv);
        mpf_set_z(t, a.c[0]);
        mpf_add(ax, ax, t);
        mpz_add(d, a.c[1], a.c[3]);
        mpf_set_z(ay, d);
        mpf_mul(ay, ay, s->sq2inv);
        mpf_set_z(t, a.c[2]);
        mpf_add(ay, ay, t);
        mpf_mul(ax, ax, g->zx);
        mpf_mul(ay, ay, g->zy);
        mpf_add(ax, ax, ay);
        mpf_set_d(t, s->eps);
        mpf_mul(t, t, t);
        mpf_div_2exp(t, t, 1);
        mpf_ui_sub(t, 1, t);
        mpf_mul(t, t, s->S);
        in = mpf_cmp(ax, t) >= 0;
        mpf_clear(ax);
        mpf_clear(ay);
        mpf_clear(t);
        mpz_clear(d);
    }
    if (in) {
        s->tried++;
        Zw b;
        zw_init(&b);
        if (dioph_solve(&b, &xi2, s->budget)) {
            zw_set(&s->u, &a);
            zw_set(&s->t, &b);
            s->found = true;
            done = true;
        }
        zw_clear(&b);
    }
    zr2_clear(&xi2);
out:
    zw_clear(&a);
    return done;
}

/* Narrows the last level's range [lo, hi] to the x₀ whose point lies in the
 * region itself (not only in the enclosing ellipsoid): along the line
 * α(x₀) = A + x₀a the conditions Re(α z̄) ≥ √2^k(1 − ε²/2), |α|² ≤ 2^k and
 * |α•|² ≤ 2^k each hold on an interval.  Where the lattice decouples (z
 * near a multiple of π/8) the ellipsoid holds long runs of points outside
 * the region; this skips them.  One integer of margin each side: the exact
 * checks in visit() decide. */
static bool clip_line(Search *s, mpf_t lo, mpf_t hi)
{
    Grid *g = s->g;
    unsigned long prec = g->prec;
    mpf_t A[4], t, u, b, c, d, r, L;
    for (int q = 0; q < 4; q++) {
        mpf_init2(A[q], prec);
        mpf_set_ui(A[q], 0);
    }
    mpf_init2(t, prec);
    mpf_init2(u, prec);
    mpf_init2(b, prec);
    mpf_init2(c, prec);
    mpf_init2(d, prec);
    mpf_init2(r, prec);
    mpf_init2(L, prec);
    for (int j = 1; j < N; j++)
        for (int q = 0; q < 4; q++) {
            mpf_mul(t, g->x[j], g->av[j][q]);
            mpf_add(A[q], A[q], t);
        }
    bool any = true;
    /* the half-line of Re(α z̄) ≥ L */
    mpf_set_d(L, s->eps);
    mpf_mul(L, L, L);
    mpf_div_2exp(L, L, 1);
    mpf_ui_sub(L, 1, L);
    mpf_mul(L, L, s->S);
    mpf_mul(r, g->av[0][0], g->zx);
    mpf_mul(t, g->av[0][1], g->zy);
    mpf_add(r, r, t); /* Re(a z̄) */
    mpf_mul(c, A[0], g->zx);
    mpf_mul(t, A[1], g->zy);
    mpf_add(c, c, t); /* Re(A z̄) */
    mpf_sub(c, L, c); /* need x₀ r ≥ L − Re(A z̄) */
    if (mpf_sgn(r)) {
        mpf_div(t, c, r);
        if (mpf_sgn(r) > 0) {
            mpf_floor(t, t);
            mpf_sub_ui(t, t, 1);
            if (mpf_cmp(t, lo) > 0) mpf_set(lo, t);
        } else {
            mpf_ceil(t, t);
            mpf_add_ui(t, t, 1);
            if (mpf_cmp(t, hi) < 0) mpf_set(hi, t);
        }
    }
    /* the two discs: |a|² x² + 2 Re(A ā) x + |A|² − 2^k ≤ 0 */
    for (int h = 0; h < 4 && any; h += 2) {
        mpf_mul(u, g->av[0][h], g->av[0][h]);
        mpf_mul(t, g->av[0][h + 1], g->av[0][h + 1]);
        mpf_add(u, u, t); /* |a|² */
        mpf_mul(b, A[h], g->av[0][h]);
        mpf_mul(t, A[h + 1], g->av[0][h + 1]);
        mpf_add(b, b, t);
        mpf_mul(c, A[h], A[h]);
        mpf_mul(t, A[h + 1], A[h + 1]);
        mpf_add(c, c, t);
        mpf_set_ui(t, 1);
        mpf_mul_2exp(t, t, (mp_bitcnt_t)s->k);
        mpf_sub(c, c, t);
        mpf_mul(d, b, b);
        mpf_mul(t, u, c);
        mpf_sub(d, d, t);
        if (mpf_sgn(d) < 0) {
            any = false;
            break;
        }
        mpf_sqrt(d, d);
        mpf_neg(b, b);
        mpf_sub(t, b, d);
        mpf_div(t, t, u);
        mpf_floor(t, t);
        mpf_sub_ui(t, t, 1);
        if (mpf_cmp(t, lo) > 0) mpf_set(lo, t);
        mpf_add(t, b, d);
        mpf_div(t, t, u);
        mpf_ceil(t, t);
        mpf_add_ui(t, t, 1);
        if (mpf_cmp(t, hi) < 0) mpf_set(hi, t);
    }
    for (int q = 0; q < 4; q++) mpf_clear(A[q]);
    mpf_clear(t);
    mpf_clear(u);
    mpf_clear(b);
    mpf_clear(c);
    mpf_clear(d);
    mpf_clear(r);
    mpf_clear(L);
    return any && mpf_cmp(lo, hi) <= 0;
}

/* Fincke–Pohst: x_i over the integers with Σ_{j≥i} B_j d_j² ≤ bound */
static bool enumerate(Search *s, int i)
{
    Grid *g = s->g;
    if (s->visited >= s->limit || ++s->nodes > s->node_limit) return false;
    /* cen_i = tc_i − Σ_{j>i} μ_ji (x_j − tc_j) */
    mpf_set(g->cen[i], g->tc[i]);
    for (int j = i + 1; j < N; j++) {
        mpf_sub(g->tmp, g->x[j], g->tc[j]);
        mpf_mul(g->tmp, g->tmp, g->mu[j][i]);
        mpf_sub(g->cen[i], g->cen[i], g->tmp);
    }
    if (mpf_sgn(g->rem[i + 1]) < 0) return false;
    mpf_div(g->tmp, g->rem[i + 1], g->B[i]);
    mpf_sqrt(g->tmp, g->tmp);
    mpf_t hi;
    mpf_init2(hi, g->prec);
    mpf_add(hi, g->cen[i], g->tmp);
    mpf_floor(hi, hi);
    mpf_sub(g->x[i], g->cen[i], g->tmp);
    mpf_ceil(g->x[i], g->x[i]);
    bool stop = false;
    if (i == 0 && !clip_line(s, g->x[0], hi)) {
        mpf_clear(hi);
        return false;
    }
    for (; !stop && mpf_cmp(g->x[i], hi) <= 0; mpf_add_ui(g->x[i], g->x[i], 1)) {
        mpf_sub(g->tmp2, g->x[i], g->cen[i]);
        mpf_mul(g->tmp2, g->tmp2, g->tmp2);
        mpf_mul(g->tmp2, g->tmp2, g->B[i]);
        mpf_sub(g->rem[i], g->rem[i + 1], g->tmp2);
        if (mpf_sgn(g->rem[i]) < 0) continue;
        if (i == 0)
            stop = visit(s);
        else
            stop = enumerate(s, i - 1);
        if (s->visited >= s->limit || s->nodes > s->node_limit) break;
    }
    mpf_clear(hi);
    return stop;
}

/* F's coordinates of the basis ω^j, its LLL reduction, and the centre */
static void grid_setup(Grid *g, Search *s, double eps)
{
    unsigned long prec = g->prec;
    /* the basis ω^j in R⁴ = (Re α, Im α, Re α•, Im α•), then F's coordinates */
    {
        mpf_t v[N][N], ha, hw, a, b, t;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) mpf_init2(v[i][j], prec);
        mpf_init2(ha, prec);
        mpf_init2(hw, prec);
        mpf_init2(a, prec);
        mpf_init2(b, prec);
        mpf_init2(t, prec);
        mpf_set_ui(v[0][0], 1);
        mpf_set_ui(v[0][2], 1);
        mpf_set(v[1][0], s->sq2inv);
        mpf_set(v[1][1], s->sq2inv);
        mpf_neg(v[1][2], s->sq2inv);
        mpf_neg(v[1][3], s->sq2inv);
        mpf_set_ui(v[2][1], 1);
        mpf_set_ui(v[2][3], 1);
        mpf_neg(v[3][0], s->sq2inv);
        mpf_set(v[3][1], s->sq2inv);
        mpf_set(v[3][2], s->sq2inv);
        mpf_neg(v[3][3], s->sq2inv);
        /* √2·ha = √2 ε²/4, √2·hw = √2 ε */
        mpf_set_d(ha, eps);
        mpf_mul(ha, ha, ha);
        mpf_div_2exp(ha, ha, 2);
        mpf_div(ha, ha, s->sq2inv);
        mpf_set_d(hw, eps);
        mpf_div(hw, hw, s->sq2inv);
        for (int i = 0; i < N; i++) {
            /* w0 = (v·z)/(√2 ha), w1 = (v·iz)/(√2 hw) with v·z = v0 zx + v1 zy, v·iz = −v0 zy + v1 zx */
            mpf_mul(a, v[i][0], g->zx);
            mpf_mul(t, v[i][1], g->zy);
            mpf_add(a, a, t);
            mpf_div(g->W[i][0], a, ha);
            mpf_mul(b, v[i][1], g->zx);
            mpf_mul(t, v[i][0], g->zy);
            mpf_sub(b, b, t);
            mpf_div(g->W[i][1], b, hw);
            mpf_set(g->W[i][2], v[i][2]);
            mpf_set(g->W[i][3], v[i][3]);
            for (int j = 0; j < N; j++) mpz_set_ui(g->C[i][j], i == j);
        }
        lll(g);
        for (int i = 0; i < N; i++) {
            /* Re α = c0 + (c1 − c3)/√2, Im α = c2 + (c1 + c3)/√2; α•: √2 ↦ −√2 */
            mpz_t dz;
            mpz_init(dz);
            mpz_sub(dz, g->C[i][1], g->C[i][3]);
            mpf_set_z(a, dz);
            mpf_mul(a, a, s->sq2inv);
            mpf_set_z(t, g->C[i][0]);
            mpf_add(g->av[i][0], t, a);
            mpf_sub(g->av[i][2], t, a);
            mpz_add(dz, g->C[i][1], g->C[i][3]);
            mpf_set_z(a, dz);
            mpf_mul(a, a, s->sq2inv);
            mpf_set_z(t, g->C[i][2]);
            mpf_add(g->av[i][1], t, a);
            mpf_sub(g->av[i][3], t, a);
            mpz_clear(dz);
        }
        /* the centre: w = ((1 − ε²/4)/(√2 ha), 0, 0, 0); solve Σ t_i W_i = w by the GSO */
        mpf_t w[N];
        for (int q = 0; q < N; q++) mpf_init2(w[q], prec);
        mpf_set_d(t, eps);
        mpf_mul(t, t, t);
        mpf_div_2exp(t, t, 2);
        mpf_ui_sub(t, 1, t);
        mpf_div(w[0], t, ha);
        for (int i = N - 1; i >= 0; i--) {
            dot(g->t0[i], w, g->Ws[i], t);
            mpf_div(g->t0[i], g->t0[i], g->B[i]);
            for (int j = i + 1; j < N; j++) {
                mpf_mul(t, g->mu[j][i], g->t0[j]);
                mpf_sub(g->t0[i], g->t0[i], t);
            }
        }
        for (int q = 0; q < N; q++) mpf_clear(w[q]);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) mpf_clear(v[i][j]);
        mpf_clear(ha);
        mpf_clear(hw);
        mpf_clear(a);
        mpf_clear(b);
        mpf_clear(t);
    }

}

static unsigned long prec_for(double eps)
{
    return (unsigned long)(3.5 * log2(1.0 / eps)) + 96;
}

const char *synth_gate_name(char letter)
{
    switch (letter) {
    case 'H': return "h";
    case 'S': return "s";
    case 's': return "sdg";
    case 'T': return "t";
    case 't': return "tdg";
    case 'Z': return "z";
    case 'X': return "x";
    default: return "?";
    }
}

static void finish(SynthSeq *out, GateBuf *gb)
{
    if (!gb->s) gatebuf_push(gb, 'H'), gb->n = 0, gb->s[0] = 0;
    gates_simplify(gb->s);
    out->gates = gb->s;
    out->t_count = 0;
    for (const char *p = out->gates; *p; p++) out->t_count += *p == 'T' || *p == 't';
}

/* rz(θ) for θ given exactly on GMP floats (at least prec_for(eps) + 64
 * bits); theta_d only names it in messages. split: whether a search that
 * runs out of its limits may fall back to rz(θ + a)·rz(−a). */
static bool synth_rz_at(const mpf_t TH, double theta_d, double eps, SynthSeq *out, char *err, size_t errlen,
                        bool split)
{
    memset(out, 0, sizeof *out);
    unsigned long prec = prec_for(eps);
    GateBuf gb = {0};
    bool ok = false;
    mpf_t PI;
    mpf_init2(PI, prec + 64);
    synth_mpf_pi(PI, prec + 64);

    /* an angle within ε of a multiple of π/4 is that power of T exactly:
     * ‖diag(1, e^{iθ}) − e^{iφ} diag(1, e^{imπ/4})‖ = 2 sin(|θ − mπ/4|/4) */
    {
        mpf_t pi, m, d;
        mpf_init2(pi, prec);
        mpf_init2(m, prec);
        mpf_init2(d, prec);
        mpf_div_2exp(pi, PI, 2);
        mpf_set(d, TH);
        mpf_div(m, d, pi);
        mpf_set_d(d, 0.5);
        mpf_add(m, m, d);
        mpf_floor(m, m);
        mpf_set(d, TH);
        mpf_mul(pi, pi, m);
        mpf_sub(d, d, pi);
        mpf_abs(d, d);
        double dd = mpf_get_d(d);
        bool near = 2.0 * sin(dd / 4.0) <= eps * (1 - 1e-12);
        if (near) {
            mpf_set_ui(d, 8);
            mpf_div(d, m, d);
            mpf_floor(d, d);
            mpf_mul_ui(d, d, 8);
            mpf_sub(m, m, d); /* m mod 8 */
            long mm = mpf_get_si(m);
            for (long i = 0; i < mm; i++) gatebuf_push(&gb, 'T');
        }
        mpf_clear(pi);
        mpf_clear(m);
        mpf_clear(d);
        if (near) {
            finish(out, &gb);
            out->k = 0;
            mpf_clear(PI);
            return true;
        }
    }

    /* Two problems per angle: U = [[u, −t†], [t, u†]] ≈ Rz(θ) (determinant 1,
     * u ≈ e^{−iθ/2}) and U = [[u, −t†ω], [t, u†ω]] ≈ e^{iπ/8} Rz(θ)
     * (determinant ω, u ≈ e^{i(π/8 − θ/2)}); each k tries both, so the
     * first solution is one of least k over both (Ross–Selinger's
     * approximation up to a phase). */
    Grid gv[2];
    Search s;
    memset(&s, 0, sizeof s);
    s.eps = eps;
    mpf_init2(s.S, prec);
    mpf_init2(s.bound, prec);
    mpf_init2(s.sq2inv, prec);
    zw_init(&s.u);
    zw_init(&s.t);
    mpf_set_ui(s.sq2inv, 2);
    mpf_sqrt(s.sq2inv, s.sq2inv);
    mpf_ui_div(s.sq2inv, 1, s.sq2inv);
    for (int var = 0; var < 2; var++) {
        Grid *g = &gv[var];
        grid_init(g, prec);
        g->l = var;
        mpf_t arg, pi8;
        mpf_init2(arg, prec + 64);
        mpf_init2(pi8, prec + 64);
        mpf_set(arg, TH);
        mpf_div_2exp(arg, arg, 1);
        if (var) {
            mpf_div_2exp(pi8, PI, 3);
            mpf_sub(arg, arg, pi8);
        }
        synth_mpf_cossin_pi(g->zx, g->zy, arg, PI, prec);
        mpf_neg(g->zy, g->zy); /* z = e^{−i arg} */
        mpf_clear(arg);
        mpf_clear(pi8);
        grid_setup(g, &s, eps);
    }

    double l2 = log2(1.0 / eps);
    int kmax = (int)(1.5 * l2) + 60;
    s.limit = 2000000;
    s.node_limit = split ? 100000 : 4000000;
    s.budget = 4000;
    for (int k = 0; k <= kmax && !s.found && s.visited < s.limit; k++) {
        s.k = k;
        /* S = √2^k */
        mpf_set_ui(s.S, 1);
        mpf_mul_2exp(s.S, s.S, (mp_bitcnt_t)(k / 2));
        if (k % 2) mpf_div(s.S, s.S, s.sq2inv);
        for (int var = 0; var < 2 && !s.found; var++) {
            Grid *g = &gv[var];
            s.g = g;
            for (int i = 0; i < N; i++) mpf_mul(g->tc[i], g->t0[i], s.S);
            mpf_set_ui(g->rem[N], 2);
            mpf_mul_2exp(g->rem[N], g->rem[N], (mp_bitcnt_t)k);
            enumerate(&s, N - 1);
        }
    }
    if (s.found) {
        out->k = s.k;
        out->candidates = s.tried;
        ok = exact_synth_col(&s.u, &s.t, s.g->l, s.k, &gb, err, errlen);
        if (ok) finish(out, &gb);
    } else if (split) {
        /* The search ran out of its limits: θ within a few ε of a multiple
         * of π/4, where the lattice nearly decouples along z and the
         * enumeration meets long runs of points outside the region.
         * rz(θ) = rz(θ + a)·rz(−a) exactly, for an a that takes both
         * angles far from every multiple of π/4; each to ε/2 (the errors
         * add). About 6·log2(1/ε) T gates instead of 4·log2(1/ε). */
        static const double as[] = {1.0, 0.6, 1.4, 0.35};
        mpf_t A, B, q;
        mpf_init2(A, prec + 64);
        mpf_init2(B, prec + 64);
        mpf_init2(q, prec + 64);
        double a = 0;
        for (size_t i = 0; i < sizeof as / sizeof *as && a == 0; i++) {
            mpf_set_d(A, as[i]);
            mpf_add(A, A, TH);
            bool far = true;
            for (int w = 0; w < 2; w++) {
                /* distance of A (then of a) from the nearest multiple of π/4 */
                mpf_set_d(q, as[i]);
                mpf_set(B, w ? q : A);
                mpf_div_2exp(q, PI, 2);
                mpf_div(q, B, q);
                mpf_set_d(B, 0.5);
                mpf_add(q, q, B);
                mpf_floor(q, q);
                mpf_div_2exp(B, PI, 2);
                mpf_mul(q, q, B);
                mpf_set_d(B, as[i]);
                mpf_sub(q, w ? B : A, q);
                far = far && fabs(mpf_get_d(q)) >= 0.1;
            }
            if (far) a = as[i];
        }
        SynthSeq p1, p2;
        char e1[256];
        if (a == 0) {
            snprintf(err, errlen, "no Clifford+T approximation of rz(%.17g) to %g found", theta_d, eps);
        } else {
            mpf_set_d(B, -a);
            if (synth_rz_at(A, theta_d + a, eps / 2, &p1, e1, sizeof e1, false)) {
                if (synth_rz_at(B, -a, eps / 2, &p2, e1, sizeof e1, false)) {
                    for (const char *p = p2.gates; *p; p++) gatebuf_push(&gb, *p);
                    for (const char *p = p1.gates; *p; p++) gatebuf_push(&gb, *p);
                    finish(out, &gb);
                    out->k = p1.k > p2.k ? p1.k : p2.k;
                    out->candidates = s.tried + p1.candidates + p2.candidates;
                    ok = true;
                    synth_seq_free(&p2);
                }
                synth_seq_free(&p1);
            }
            if (!ok) snprintf(err, errlen, "no Clifford+T approximation of rz(%.17g) to %g found: %s", theta_d, eps, e1);
        }
        mpf_clear(A);
        mpf_clear(B);
        mpf_clear(q);
    } else {
        snprintf(err, errlen, "no Clifford+T approximation of rz(%.17g) to %g found (%lld grid points)", theta_d, eps,
                 s.visited);
    }
    if (!ok) free(gb.s);
    mpf_clear(s.S);
    mpf_clear(s.bound);
    mpf_clear(s.sq2inv);
    zw_clear(&s.u);
    zw_clear(&s.t);
    grid_clear(&gv[0]);
    grid_clear(&gv[1]);
    mpf_clear(PI);
    return ok;
}

bool synth_rz(double theta, double eps, SynthSeq *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!isfinite(theta)) {
        snprintf(err, errlen, "rotation angle is not finite");
        return false;
    }
    if (!(eps > 0 && eps <= 0.5)) {
        snprintf(err, errlen, "synthesis precision %g is outside (0, 0.5]", eps);
        return false;
    }
    if (eps < 1e-100) {
        snprintf(err, errlen, "synthesis precision %g is below the supported 1e-100", eps);
        return false;
    }
    mpf_t TH;
    mpf_init2(TH, prec_for(eps / 2) + 64);
    mpf_set_d(TH, theta);
    bool ok = synth_rz_at(TH, theta, eps, out, err, errlen, true);
    mpf_clear(TH);
    return ok;
}

double synth_seq_distance(const char *gates, double theta)
{
    Zw m[4];
    for (int i = 0; i < 4; i++) zw_init(&m[i]);
    zw_set_si(&m[0], 1, 0, 0, 0);
    zw_set_si(&m[3], 1, 0, 0, 0);
    int k = 0;
    for (const char *p = gates; *p; p++) {
        if (*p == 'H') {
            for (int col = 0; col < 2; col++) {
                zw_add(&m[col], &m[col], &m[2 + col]);
                zw_add(&m[2 + col], &m[2 + col], &m[2 + col]);
                zw_sub(&m[2 + col], &m[col], &m[2 + col]);
            }
            k++;
        } else {
            int j = *p == 'T' ? 1 : *p == 'S' ? 2 : *p == 'Z' ? 4 : *p == 's' ? 6 : *p == 't' ? 7 : 0;
            zw_mul_omega_pow(&m[2], &m[2], j);
            zw_mul_omega_pow(&m[3], &m[3], j);
        }
    }
    unsigned long prec = 4 * (unsigned long)k + 256;
    mpf_t c, s, v[4], r2, t, tr, ti;
    mpf_init2(c, prec);
    mpf_init2(s, prec);
    mpf_init2(r2, prec);
    mpf_init2(t, prec);
    mpf_init2(tr, prec);
    mpf_init2(ti, prec);
    for (int i = 0; i < 4; i++) mpf_init2(v[i], prec);
    synth_mpf_cossin(c, s, theta / 2, prec);
    mpf_sqrt_ui(r2, 2);
    /* U00 = v0 + i v1, U11 = v2 + i v3 (times 2^{−k/2}) */
    for (int e = 0; e < 2; e++) {
        const Zw *a = &m[3 * e];
        mpz_t d;
        mpz_init(d);
        mpz_sub(d, a->c[1], a->c[3]);
        mpf_set_z(v[2 * e], d);
        mpf_div(v[2 * e], v[2 * e], r2);
        mpf_set_z(t, a->c[0]);
        mpf_add(v[2 * e], v[2 * e], t);
        mpz_add(d, a->c[1], a->c[3]);
        mpf_set_z(v[2 * e + 1], d);
        mpf_div(v[2 * e + 1], v[2 * e + 1], r2);
        mpf_set_z(t, a->c[2]);
        mpf_add(v[2 * e + 1], v[2 * e + 1], t);
        mpz_clear(d);
    }
    for (int i = 0; i < 4; i++) {
        mpf_div_2exp(v[i], v[i], (mp_bitcnt_t)(k / 2));
        if (k % 2) mpf_div(v[i], v[i], r2);
    }
    /* tr(Rz(θ)† U) = e^{iθ/2} U00 + e^{−iθ/2} U11 */
    mpf_mul(tr, c, v[0]);
    mpf_mul(t, s, v[1]);
    mpf_sub(tr, tr, t);
    mpf_mul(t, c, v[2]);
    mpf_add(tr, tr, t);
    mpf_mul(t, s, v[3]);
    mpf_add(tr, tr, t);
    mpf_mul(ti, c, v[1]);
    mpf_mul(t, s, v[0]);
    mpf_add(ti, ti, t);
    mpf_mul(t, c, v[3]);
    mpf_add(ti, ti, t);
    mpf_mul(t, s, v[2]);
    mpf_sub(ti, ti, t);
    /* 2 − |tr| = (4 − |tr|²)/(2 + |tr|) */
    mpf_mul(tr, tr, tr);
    mpf_mul(ti, ti, ti);
    mpf_add(tr, tr, ti);
    mpf_sqrt(ti, tr);
    mpf_ui_sub(tr, 4, tr);
    mpf_add_ui(ti, ti, 2);
    mpf_div(tr, tr, ti);
    double d2 = mpf_get_d(tr);
    mpf_clear(c);
    mpf_clear(s);
    mpf_clear(r2);
    mpf_clear(t);
    mpf_clear(tr);
    mpf_clear(ti);
    for (int i = 0; i < 4; i++) {
        mpf_clear(v[i]);
        zw_clear(&m[i]);
    }
    return d2 <= 0 ? 0 : sqrt(d2);
}

void synth_seq_free(SynthSeq *s)
{
    free(s->gates);
    s->gates = NULL;
}

/* ---- the cache ---- */

typedef struct CacheEntry {
    uint64_t th, ep;
    SynthSeq seq;
    bool used;
} CacheEntry;

struct SynthCache {
    CacheEntry *e;
    size_t n, cap; /* cap a power of two */
    size_t hits, misses;
};

SynthCache *synth_cache_new(void)
{
    SynthCache *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->cap = 64;
    c->e = calloc(c->cap, sizeof *c->e);
    if (!c->e) abort();
    return c;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return h;
}

static CacheEntry *slot(CacheEntry *e, size_t cap, uint64_t th, uint64_t ep)
{
    for (size_t i = mix(th, ep) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!e[i].used || (e[i].th == th && e[i].ep == ep)) return &e[i];
}

const SynthSeq *synth_cache_rz(SynthCache *c, double theta, double eps, char *err, size_t errlen)
{
    uint64_t th, ep;
    if (theta == 0) theta = 0; /* −0 and +0 share an entry */
    memcpy(&th, &theta, sizeof th);
    memcpy(&ep, &eps, sizeof ep);
    CacheEntry *e = slot(c->e, c->cap, th, ep);
    if (e->used) {
        c->hits++;
        return &e->seq;
    }
    SynthSeq s;
    if (!synth_rz(theta, eps, &s, err, errlen)) return NULL;
    c->misses++;
    if (2 * (c->n + 1) > c->cap) {
        size_t nc = 2 * c->cap;
        CacheEntry *ne = calloc(nc, sizeof *ne);
        if (!ne) abort();
        for (size_t i = 0; i < c->cap; i++)
            if (c->e[i].used) *slot(ne, nc, c->e[i].th, c->e[i].ep) = c->e[i];
        free(c->e);
        c->e = ne;
        c->cap = nc;
        e = slot(c->e, c->cap, th, ep);
    }
    e->used = true;
    e->th = th;
    e->ep = ep;
    e->seq = s;
    c->n++;
    return &e->seq;
}

void synth_cache_stats(const SynthCache *c, size_t *hits, size_t *misses)
{
    *hits = c->hits;
    *misses = c->misses;
}

void synth_cache_free(SynthCache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->cap; i++)
        if (c->e[i].used) synth_seq_free(&c->e[i].seq);
    free(c->e);
    free(c);
}
