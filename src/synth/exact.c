/* exact.c — exact synthesis of single-qubit Clifford+T unitaries
 * (Kliuchnikov–Maslov–Mosca 2013; the greedy column reduction of
 * Matsumoto–Amano normal forms).  A unitary U with entries in Z[ω]/√2^k is
 * written U = T^{m1} H T^{m2} H … T^{mn} H · R: each step picks m ∈ 0..3
 * with sde(|(H T^{−m} U)₀₀|²) = sde(|U₀₀|²) − 1 (one exists while the sde is
 * at least 4), and the residual R, of small denominator exponent, is looked
 * up in a table of all such unitaries (modulo global phase) built once by a
 * shortest-path search over {H, S, T} that minimises the T count, then the
 * gate count. */
#include "synth/synth_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gatebuf_push(GateBuf *g, char c)
{
    if (g->n + 2 > g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->s = realloc(g->s, g->cap);
        if (!g->s) abort();
    }
    g->s[g->n++] = c;
    g->s[g->n] = 0;
}

/* ---- the small table, on 64-bit integers ---- */

#define TBL_KMAX 3
typedef struct SmallU {
    int64_t c[16]; /* 4 entries × 4 coordinates, row-major */
    int k;
} SmallU;

static void small_mul_omega(int64_t *e, int j)
{
    for (int r = 0; r < j; r++) {
        int64_t t = e[3];
        e[3] = e[2];
        e[2] = e[1];
        e[1] = e[0];
        e[0] = -t;
    }
}

static void small_reduce(SmallU *u)
{
    for (;;) {
        if (u->k == 0) return;
        for (int i = 0; i < 4; i++) {
            int64_t *a = u->c + 4 * i;
            if (((a[0] ^ a[2]) & 1) || ((a[1] ^ a[3]) & 1)) return;
        }
        for (int i = 0; i < 4; i++) {
            int64_t *a = u->c + 4 * i;
            int64_t s0 = (a[1] - a[3]) / 2, s1 = (a[0] + a[2]) / 2, s2 = (a[1] + a[3]) / 2, s3 = (a[2] - a[0]) / 2;
            a[0] = s0, a[1] = s1, a[2] = s2, a[3] = s3;
        }
        u->k--;
    }
}

/* canonical representative modulo the global phases ω^j */
static void small_canon(SmallU *u)
{
    small_reduce(u);
    SmallU best = *u, cur = *u;
    for (int j = 1; j < 8; j++) {
        for (int i = 0; i < 4; i++) small_mul_omega(cur.c + 4 * i, 1);
        if (memcmp(cur.c, best.c, sizeof cur.c) < 0) best = cur;
    }
    *u = best;
}

/* g·u for g = 'H', 'S', 'T' */
static void small_apply(SmallU *u, char g)
{
    if (g == 'H') {
        for (int col = 0; col < 2; col++)
            for (int q = 0; q < 4; q++) {
                int64_t a = u->c[4 * col + q], b = u->c[4 * (2 + col) + q];
                u->c[4 * col + q] = a + b;
                u->c[4 * (2 + col) + q] = a - b;
            }
        u->k++;
    } else {
        int j = g == 'T' ? 1 : 2;
        small_mul_omega(u->c + 8, j);
        small_mul_omega(u->c + 12, j);
    }
}

typedef struct TblNode {
    SmallU u;
    int parent; /* -1 for the identity */
    char gate;  /* applied last (leftmost) */
    int dist;   /* 1024·(T count) + gate count */
    bool done;
} TblNode;

static TblNode *tbl;
static int tbl_n, tbl_cap;
static int *tbl_hash;
static unsigned tbl_hmask;

static uint64_t small_hash(const SmallU *u)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)u->k;
    for (int i = 0; i < 16; i++) {
        h ^= (uint64_t)u->c[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int tbl_find(const SmallU *u)
{
    for (uint64_t h = small_hash(u) & tbl_hmask;; h = (h + 1) & tbl_hmask) {
        int i = tbl_hash[h];
        if (i < 0) return -1;
        if (tbl[i].u.k == u->k && !memcmp(tbl[i].u.c, u->c, sizeof u->c)) return i;
    }
}

static int tbl_insert(const SmallU *u)
{
    if (tbl_n == tbl_cap) {
        tbl_cap = tbl_cap ? 2 * tbl_cap : 1024;
        tbl = realloc(tbl, (size_t)tbl_cap * sizeof *tbl);
        if (!tbl) abort();
    }
    uint64_t h = small_hash(u) & tbl_hmask;
    while (tbl_hash[h] >= 0) h = (h + 1) & tbl_hmask;
    tbl_hash[h] = tbl_n;
    tbl[tbl_n].u = *u;
    return tbl_n++;
}

static void tbl_build(void)
{
    tbl_hmask = (1u << 17) - 1;
    tbl_hash = malloc((tbl_hmask + 1) * sizeof *tbl_hash);
    if (!tbl_hash) abort();
    memset(tbl_hash, 0xff, (tbl_hmask + 1) * sizeof *tbl_hash);
    SmallU id = {{0}, 0};
    id.c[0] = 1;
    id.c[12] = 1;
    small_canon(&id);
    int root = tbl_insert(&id);
    tbl[root].parent = -1;
    tbl[root].gate = 0;
    tbl[root].dist = 0;
    tbl[root].done = false;
    /* Dijkstra on cost 1024·(T gates) + (gates): the fewest T gates, then
     * the fewest gates; a binary heap of (cost, index) */
    size_t hcap = 1024, hn = 0;
    int64_t *heap = malloc(hcap * sizeof *heap);
    if (!heap) abort();
#define HKEY(d, i) (((int64_t)(d) << 24) | (int64_t)(i))
    heap[hn++] = HKEY(0, root);
    static const char gates[3] = {'H', 'S', 'T'};
    while (hn) {
        int64_t top = heap[0];
        heap[0] = heap[--hn];
        for (size_t x = 0;;) {
            size_t l = 2 * x + 1, r = l + 1, m = x;
            if (l < hn && heap[l] < heap[m]) m = l;
            if (r < hn && heap[r] < heap[m]) m = r;
            if (m == x) break;
            int64_t t = heap[x];
            heap[x] = heap[m];
            heap[m] = t;
            x = m;
        }
        int i = (int)(top & 0xffffff);
        if (tbl[i].done || (top >> 24) != tbl[i].dist) continue;
        tbl[i].done = true;
        for (int g = 0; g < 3; g++) {
            SmallU v = tbl[i].u;
            small_apply(&v, gates[g]);
            small_canon(&v);
            if (v.k > TBL_KMAX) continue;
            int d = tbl[i].dist + (gates[g] == 'T' ? 1025 : 1);
            int j = tbl_find(&v);
            if (j < 0) {
                j = tbl_insert(&v);
                tbl[j].done = false;
            } else if (tbl[j].done || tbl[j].dist <= d) {
                continue;
            }
            tbl[j].dist = d;
            tbl[j].parent = i;
            tbl[j].gate = gates[g];
            if (hn == hcap) {
                hcap *= 2;
                heap = realloc(heap, hcap * sizeof *heap);
                if (!heap) abort();
            }
            size_t x = hn++;
            heap[x] = HKEY(d, j);
            while (x > 0 && heap[(x - 1) / 2] > heap[x]) {
                int64_t t = heap[x];
                heap[x] = heap[(x - 1) / 2];
                heap[(x - 1) / 2] = t;
                x = (x - 1) / 2;
            }
        }
    }
#undef HKEY
    free(heap);
}

/* ---- the greedy reduction on GMP integers ---- */

/* valuation of x + y√2 at √2: 2·min(v₂(x), v₂(y)), plus 1 when v₂(x) > v₂(y) */
static int zr2_val_sqrt2(const Zr2 *a)
{
    if (!mpz_sgn(a->x) && !mpz_sgn(a->y)) return 1 << 20;
    mp_bitcnt_t vx = mpz_sgn(a->x) ? mpz_scan1(a->x, 0) : (mp_bitcnt_t)-1;
    mp_bitcnt_t vy = mpz_sgn(a->y) ? mpz_scan1(a->y, 0) : (mp_bitcnt_t)-1;
    return vx <= vy ? 2 * (int)vx : 2 * (int)vy + 1;
}

/* sde(|u|²) for u/√2^k */
static int sde_abs2(const Zw *u, int k, Zr2 *scratch)
{
    zw_abs2(scratch, u);
    int v = zr2_val_sqrt2(scratch);
    return v >= (1 << 20) ? -(1 << 20) : 2 * k - v;
}

static bool fits_small(Zw m[4], SmallU *s, int k)
{
    for (int i = 0; i < 4; i++)
        for (int q = 0; q < 4; q++) {
            if (!mpz_fits_slong_p(m[i].c[q])) return false;
            s->c[4 * i + q] = mpz_get_si(m[i].c[q]);
        }
    s->k = k;
    return true;
}

/* The reduction works on the first column (u, t) alone: a unitary with that
 * column and determinant ω^l is [[u, −t† ω^l], [t, u† ω^l]], and each step
 * H T^{−m} multiplies the determinant by −ω^{−m}. */
bool exact_synth_col(const Zw *u_in, const Zw *t_in, int l, int k, GateBuf *out, char *err, size_t errlen)
{
    /* the table is built once, on first use (by one thread) */
#pragma omp critical(qgdc_synth_table)
    {
        if (!tbl) tbl_build();
    }
    Zw u, t, w, a, b;
    Zr2 sc;
    zr2_init(&sc);
    zw_init(&u);
    zw_init(&t);
    zw_init(&w);
    zw_init(&a);
    zw_init(&b);
    zw_set(&u, u_in);
    zw_set(&t, t_in);
    while (k > 0 && zw_div_sqrt2_p(&u) && zw_div_sqrt2_p(&t)) {
        zw_div_sqrt2(&u, &u);
        zw_div_sqrt2(&t, &t);
        k--;
    }
    GateBuf steps = {0}; /* the m_i, in order (leftmost first) */
    bool ok = true;
    for (;;) {
        int sde = sde_abs2(&u, k, &sc);
        if (sde <= 3 && k <= TBL_KMAX) break;
        int bj = -1, bs = sde;
        for (int j = 0; j < 4; j++) {
            zw_mul_omega_pow(&w, &t, -j);
            zw_add(&a, &u, &w);
            int sj = sde_abs2(&a, k + 1, &sc);
            if (sj < bs) {
                bs = sj;
                bj = j;
            }
        }
        if (bj < 0) {
            snprintf(err, errlen, "exact synthesis: no reducing step at sde %d (k = %d)", sde, k);
            ok = false;
            break;
        }
        gatebuf_push(&steps, (char)('0' + bj));
        zw_mul_omega_pow(&w, &t, -bj);
        zw_add(&a, &u, &w);
        zw_sub(&b, &u, &w);
        zw_set(&u, &a);
        zw_set(&t, &b);
        k++;
        while (k > 0 && zw_div_sqrt2_p(&u) && zw_div_sqrt2_p(&t)) {
            zw_div_sqrt2(&u, &u);
            zw_div_sqrt2(&t, &t);
            k--;
        }
        l = (l + 4 - bj + 8) % 8;
    }
    if (ok) {
        Zw m[4];
        for (int i = 0; i < 4; i++) zw_init(&m[i]);
        zw_set(&m[0], &u);
        zw_set(&m[2], &t);
        zw_conj(&m[1], &t);
        zw_mul_omega_pow(&m[1], &m[1], l + 4);
        zw_conj(&m[3], &u);
        zw_mul_omega_pow(&m[3], &m[3], l);
        SmallU s;
        int idx = -1;
        if (fits_small(m, &s, k)) {
            small_canon(&s);
            idx = tbl_find(&s);
        }
        for (int i = 0; i < 4; i++) zw_clear(&m[i]);
        if (idx < 0) {
            snprintf(err, errlen, "exact synthesis: residual of exponent %d not in the table", k);
            ok = false;
        } else {
            /* residual R = g_n … g_1 (g_n = gate of idx): time order g_1 … g_n */
            size_t start = out->n;
            for (int i = idx; tbl[i].parent >= 0; i = tbl[i].parent) gatebuf_push(out, tbl[i].gate);
            for (size_t x = start, y = out->n; x + 1 < y; x++, y--) {
                char c = out->s[x];
                out->s[x] = out->s[y - 1];
                out->s[y - 1] = c;
            }
            /* then H, T^{m_n}, …, H, T^{m_1} */
            for (size_t i = steps.n; i-- > 0;) {
                gatebuf_push(out, 'H');
                for (int q = 0; q < steps.s[i] - '0'; q++) gatebuf_push(out, 'T');
            }
        }
    }
    free(steps.s);
    zr2_clear(&sc);
    zw_clear(&u);
    zw_clear(&t);
    zw_clear(&w);
    zw_clear(&a);
    zw_clear(&b);
    return ok;
}

bool exact_synth_ut(const Zw *u, const Zw *t, int k, GateBuf *out, char *err, size_t errlen)
{
    return exact_synth_col(u, t, 0, k, out, err, errlen);
}

void gates_simplify(char *s)
{
    size_t o = 0;
    int d = 0; /* pending diagonal power of T, mod 8 */
    static const char *const pw[8] = {"", "T", "S", "ST", "Z", "ZT", "s", "t"};
    for (size_t i = 0;; i++) {
        char c = s[i];
        int dd = c == 'T' ? 1 : c == 'S' ? 2 : c == 'Z' ? 4 : c == 's' ? 6 : c == 't' ? 7 : -1;
        if (dd >= 0) {
            d = (d + dd) % 8;
            continue;
        }
        /* flush: a run of n diagonal letters becomes at most min(n, 2)
         * letters, so writing never overtakes reading */
        if (d) {
            for (const char *p = pw[d]; *p; p++) s[o++] = *p;
            d = 0;
        }
        if (!c) break;
        if (c == 'H' && o > 0 && s[o - 1] == 'H') {
            o--;
            /* H·H = I: the diagonal gates before it join the next run */
            while (o > 0 && strchr("TSZst", s[o - 1])) {
                char e = s[--o];
                d = (d + (e == 'T' ? 1 : e == 'S' ? 2 : e == 'Z' ? 4 : e == 's' ? 6 : 7)) % 8;
            }
        } else {
            s[o++] = c;
        }
    }
    s[o] = 0;
}
