/* test_synth.c — Clifford+T synthesis of z-rotations (src/synth).
 *
 * Every synthesized gate string is checked independently of the synthesis:
 * its exact unitary is recomputed here by multiplying the gates' matrices
 * over Z[ω]/√2^k with this file's own integer arithmetic, and its distance
 * to Rz(θ) up to a global phase, ‖U − e^{iφ}Rz(θ)‖ minimised over φ,
 * = sqrt(2 − |tr(Rz(θ)† U)|) for 2×2 unitaries, is evaluated on GMP floats
 * and must be at most ε.
 *
 * T counts are compared with Ross and Selinger, "Optimal ancilla-free
 * Clifford+T approximation of z-rotations", QIC 16 (2016), arXiv:1403.2975:
 * typical T count 3·log2(1/ε) + O(log log(1/ε)) (abstract and Section 7).
 * The bound checked is the mean over the random angles within
 * 3·log2(1/ε) ± 8 and every angle within 3·log2(1/ε) + 20. */
#include "unit.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "synth/synth.h"
#include "synth/synth_internal.h"

/* ---- this file's exact arithmetic: a + bω + cω² + dω³ as long-free mpz ---- */

typedef struct Ent {
    mpz_t a[4];
} Ent;

typedef struct Mat {
    Ent e[2][2]; /* over √2^k */
    int k;
} Mat;

static void mat_init_id(Mat *m)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int q = 0; q < 4; q++) mpz_init_set_si(m->e[i][j].a[q], i == j && q == 0);
    m->k = 0;
}

static void mat_clear(Mat *m)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int q = 0; q < 4; q++) mpz_clear(m->e[i][j].a[q]);
}

/* x·ω^p in place (ω⁴ = −1) */
static void ent_rot(Ent *x, int p)
{
    for (int r = 0; r < ((p % 8) + 8) % 8; r++) {
        mpz_neg(x->a[3], x->a[3]);
        mpz_swap(x->a[3], x->a[2]);
        mpz_swap(x->a[2], x->a[1]);
        mpz_swap(x->a[1], x->a[0]);
    }
}

/* U ← G·U for the gate letter g */
static void mat_apply(Mat *m, char g)
{
    if (g == 'H') {
        for (int j = 0; j < 2; j++)
            for (int q = 0; q < 4; q++) {
                mpz_add(m->e[0][j].a[q], m->e[0][j].a[q], m->e[1][j].a[q]);
                mpz_mul_2exp(m->e[1][j].a[q], m->e[1][j].a[q], 1);
                mpz_sub(m->e[1][j].a[q], m->e[0][j].a[q], m->e[1][j].a[q]);
            }
        m->k++;
        return;
    }
    int p = g == 'T' ? 1 : g == 'S' ? 2 : g == 'Z' ? 4 : g == 's' ? 6 : g == 't' ? 7 : -1;
    CU_ASSERT_FATAL(p >= 0);
    for (int j = 0; j < 2; j++) ent_rot(&m->e[1][j], p);
}

/* the value of x/√2^k as a complex number on mpf */
static void ent_value(mpf_t re, mpf_t im, const Ent *x, int k, unsigned long prec)
{
    mpf_t r2, t;
    mpf_init2(r2, prec);
    mpf_init2(t, prec);
    mpf_sqrt_ui(r2, 2);
    mpz_t d;
    mpz_init(d);
    mpz_sub(d, x->a[1], x->a[3]);
    mpf_set_z(re, d);
    mpf_div(re, re, r2);
    mpf_set_z(t, x->a[0]);
    mpf_add(re, re, t);
    mpz_add(d, x->a[1], x->a[3]);
    mpf_set_z(im, d);
    mpf_div(im, im, r2);
    mpf_set_z(t, x->a[2]);
    mpf_add(im, im, t);
    mpf_div_2exp(re, re, (mp_bitcnt_t)(k / 2));
    mpf_div_2exp(im, im, (mp_bitcnt_t)(k / 2));
    if (k % 2) {
        mpf_div(re, re, r2);
        mpf_div(im, im, r2);
    }
    mpz_clear(d);
    mpf_clear(r2);
    mpf_clear(t);
}

/* min over φ of ‖U − e^{iφ} Rz(θ)‖ for the gate string, as a double */
static double seq_distance(const char *gates, double theta, unsigned long prec)
{
    Mat m;
    mat_init_id(&m);
    for (const char *p = gates; *p; p++) mat_apply(&m, *p);
    mpf_t c, s, ar, ai, br, bi, tr, ti, x;
    mpf_init2(c, prec);
    mpf_init2(s, prec);
    mpf_init2(ar, prec);
    mpf_init2(ai, prec);
    mpf_init2(br, prec);
    mpf_init2(bi, prec);
    mpf_init2(tr, prec);
    mpf_init2(ti, prec);
    mpf_init2(x, prec);
    synth_mpf_cossin(c, s, theta / 2, prec);
    ent_value(ar, ai, &m.e[0][0], m.k, prec);
    ent_value(br, bi, &m.e[1][1], m.k, prec);
    /* tr = e^{iθ/2} U00 + e^{−iθ/2} U11 */
    mpf_mul(tr, c, ar);
    mpf_mul(x, s, ai);
    mpf_sub(tr, tr, x);
    mpf_mul(x, c, br);
    mpf_add(tr, tr, x);
    mpf_mul(x, s, bi);
    mpf_add(tr, tr, x);
    mpf_mul(ti, c, ai);
    mpf_mul(x, s, ar);
    mpf_add(ti, ti, x);
    mpf_mul(x, c, bi);
    mpf_add(ti, ti, x);
    mpf_mul(x, s, br);
    mpf_sub(ti, ti, x);
    /* 2 − |tr| = (4 − |tr|²) / (2 + |tr|) */
    mpf_mul(tr, tr, tr);
    mpf_mul(ti, ti, ti);
    mpf_add(tr, tr, ti); /* |tr|² */
    mpf_sqrt(ti, tr);
    mpf_ui_sub(tr, 4, tr);
    mpf_add_ui(ti, ti, 2);
    mpf_div(tr, tr, ti);
    double d2 = mpf_get_d(tr);
    mpf_clear(c);
    mpf_clear(s);
    mpf_clear(ar);
    mpf_clear(ai);
    mpf_clear(br);
    mpf_clear(bi);
    mpf_clear(tr);
    mpf_clear(ti);
    mpf_clear(x);
    mat_clear(&m);
    return d2 <= 0 ? 0 : sqrt(d2);
}

static int count_t(const char *g)
{
    int n = 0;
    for (; *g; g++) n += *g == 'T' || *g == 't';
    return n;
}

/* ---- tests ---- */

static void test_cossin(void)
{
    /* the mpf cos/sin against libm, and cos² + sin² = 1 at 400 bits */
    UnitRng r = {19};
    mpf_t c, s, t;
    mpf_init2(c, 400);
    mpf_init2(s, 400);
    mpf_init2(t, 400);
    for (int i = 0; i < 50; i++) {
        double x = (unit_urand(&r) - 0.5) * 40;
        synth_mpf_cossin(c, s, x, 400);
        ASSERT_CLOSE(mpf_get_d(c), cos(x), 1e-14);
        ASSERT_CLOSE(mpf_get_d(s), sin(x), 1e-14);
        mpf_mul(c, c, c);
        mpf_mul(s, s, s);
        mpf_add(c, c, s);
        mpf_sub_ui(c, c, 1);
        mpf_abs(c, c);
        mpf_set_ui(t, 1);
        mpf_div_2exp(t, t, 380);
        CU_ASSERT(mpf_cmp(c, t) < 0);
    }
    mpf_clear(c);
    mpf_clear(s);
    mpf_clear(t);
}

static void test_norm_equation(void)
{
    /* ξ = |β|² for random β: a solution must be found and satisfy it */
    UnitRng r = {23};
    int solved = 0, total = 0;
    for (int i = 0; i < 400; i++) {
        Zw b, out;
        Zr2 xi, chk;
        zw_init(&b);
        zw_init(&out);
        zr2_init(&xi);
        zr2_init(&chk);
        long lim = 1 + i * 50;
        for (int q = 0; q < 4; q++) mpz_set_si(b.c[q], (long)unit_irand(&r, (uint32_t)(2 * lim + 1)) - lim);
        if (!zw_is_zero(&b)) {
            zw_abs2(&xi, &b);
            total++;
            if (dioph_solve(&out, &xi, 1000000)) {
                solved++;
                zw_abs2(&chk, &out);
                CU_ASSERT(!mpz_cmp(chk.x, xi.x) && !mpz_cmp(chk.y, xi.y));
            }
        }
        zw_clear(&b);
        zw_clear(&out);
        zr2_clear(&xi);
        zr2_clear(&chk);
    }
    CU_ASSERT_EQUAL(solved, total);
    /* 7 (a prime = 7 mod 8) to an odd power is not a norm */
    Zw out;
    Zr2 xi;
    zw_init(&out);
    zr2_init(&xi);
    mpz_set_ui(xi.x, 7);
    CU_ASSERT(!dioph_solve(&out, &xi, 100000));
    mpz_set_ui(xi.x, 49);
    CU_ASSERT(dioph_solve(&out, &xi, 100000));
    zw_clear(&out);
    zr2_clear(&xi);
}

static void test_exact_synthesis(void)
{
    /* random words over H, S, T: the exact synthesis of their unitary
     * gives the same unitary up to phase, with no more T gates */
    UnitRng r = {29};
    for (int i = 0; i < 200; i++) {
        char w[121];
        int n = (int)unit_irand(&r, 120);
        int l = 0;
        for (int j = 0; j < n; j++) {
            uint32_t x = unit_irand(&r, 3);
            w[j] = x == 0 ? 'H' : x == 1 ? 'T' : 'S';
            l += w[j] == 'H' ? 4 : w[j] == 'T' ? 1 : 2;
        }
        w[n] = 0;
        Mat m;
        mat_init_id(&m);
        for (int j = 0; j < n; j++) mat_apply(&m, w[j]);
        Zw u, t;
        zw_init(&u);
        zw_init(&t);
        for (int q = 0; q < 4; q++) {
            mpz_set(u.c[q], m.e[0][0].a[q]);
            mpz_set(t.c[q], m.e[1][0].a[q]);
        }
        GateBuf gb = {0};
        char err[200];
        bool ok = exact_synth_col(&u, &t, l % 8, m.k, &gb, err, sizeof err);
        if (!ok) fprintf(stderr, "\n  %s: %s\n", w, err);
        CU_ASSERT_FATAL(ok);
        gatebuf_push(&gb, 0);
        gates_simplify(gb.s);
        /* compare the two unitaries up to phase: M' = ω^j M for some j */
        Mat m2;
        mat_init_id(&m2);
        for (const char *p = gb.s; *p; p++) mat_apply(&m2, *p);
        /* bring both to the same exponent */
        Mat *lo = m.k < m2.k ? &m : &m2;
        int dk = abs(m.k - m2.k);
        for (int d = 0; d < dk; d++) {
            /* multiply every entry by √2 = ω − ω³ */
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) {
                    Ent x, y;
                    for (int q = 0; q < 4; q++) {
                        mpz_init_set(x.a[q], lo->e[a][b].a[q]);
                        mpz_init_set(y.a[q], lo->e[a][b].a[q]);
                    }
                    ent_rot(&x, 1);
                    ent_rot(&y, 3);
                    for (int q = 0; q < 4; q++) {
                        mpz_sub(lo->e[a][b].a[q], x.a[q], y.a[q]);
                        mpz_clear(x.a[q]);
                        mpz_clear(y.a[q]);
                    }
                }
            lo->k++;
        }
        bool same = false;
        for (int j = 0; j < 8 && !same; j++) {
            same = true;
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    for (int q = 0; q < 4; q++) same = same && !mpz_cmp(m.e[a][b].a[q], m2.e[a][b].a[q]);
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++) ent_rot(&m2.e[a][b], 1);
        }
        if (!same) fprintf(stderr, "\n  %s -> %s differ\n", w, gb.s);
        CU_ASSERT(same);
        CU_ASSERT(count_t(gb.s) <= count_t(w));
        free(gb.s);
        mat_clear(&m);
        mat_clear(&m2);
        zw_clear(&u);
        zw_clear(&t);
    }
}

/* n random angles at ε: every distance ≤ ε, T counts near 3·log2(1/ε) */
static void check_eps(double eps, int n, uint64_t seed)
{
    UnitRng r = {seed};
    double l2 = log2(1 / eps), tsum = 0;
    unsigned long prec = (unsigned long)(6 * l2) + 128;
    int counted = 0;
    for (int i = 0; i < n; i++) {
        double theta = (unit_urand(&r) - 0.5) * 4 * 3.141592653589793;
        SynthSeq s;
        char err[200];
        bool ok = synth_rz(theta, eps, &s, err, sizeof err);
        if (!ok) fprintf(stderr, "\n  rz(%.17g) at %g: %s\n", theta, eps, err);
        CU_ASSERT_FATAL(ok);
        double d = seq_distance(s.gates, theta, prec);
        if (!(d <= eps)) fprintf(stderr, "\n  rz(%.17g) at %g: distance %g\n", theta, eps, d);
        CU_ASSERT(d <= eps);
        CU_ASSERT_EQUAL(count_t(s.gates), s.t_count);
        CU_ASSERT(s.t_count <= 3 * l2 + 20);
        tsum += s.t_count;
        counted++;
        synth_seq_free(&s);
    }
    double mean = tsum / counted;
    if (fabs(mean - 3 * l2) > 8) fprintf(stderr, "\n  eps %g: mean T count %.1f vs 3 log2(1/eps) = %.1f\n", eps, mean, 3 * l2);
    CU_ASSERT(fabs(mean - 3 * l2) <= 8);
}

static void test_rz_1e3(void) { check_eps(1e-3, 1000, 31); }
static void test_rz_1e5(void) { check_eps(1e-5, 300, 37); }
static void test_rz_1e10(void) { check_eps(1e-10, 200, 41); }
static void test_rz_1e15(void) { check_eps(1e-15, 40, 43); }
static void test_rz_1e20(void) { check_eps(1e-20, 20, 47); }
static void test_rz_1e30(void) { check_eps(1e-30, 5, 53); }

static void test_special_angles(void)
{
    /* multiples of π/4 are T powers exactly; 0 is the empty string */
    SynthSeq s;
    char err[200];
    CU_ASSERT_FATAL(synth_rz(0, 1e-10, &s, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(s.gates, "");
    synth_seq_free(&s);
    CU_ASSERT_FATAL(synth_rz(3.141592653589793 / 4, 1e-10, &s, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(s.gates, "T");
    synth_seq_free(&s);
    CU_ASSERT_FATAL(synth_rz(-3.141592653589793 / 2, 1e-10, &s, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(s.gates, "s");
    synth_seq_free(&s);
    CU_ASSERT_FATAL(synth_rz(3.141592653589793, 1e-10, &s, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(s.gates, "Z");
    synth_seq_free(&s);
    /* but at ε below the double's distance from π/4, a real synthesis */
    CU_ASSERT_FATAL(synth_rz(3.141592653589793 / 4, 1e-20, &s, err, sizeof err));
    CU_ASSERT(s.t_count > 1);
    CU_ASSERT(seq_distance(s.gates, 3.141592653589793 / 4, 400) <= 1e-20);
    synth_seq_free(&s);
    /* just outside the shortcut, beside multiples of π/4 and of π/8 (where
     * the grid problem decouples and the ellipsoid holds long runs of
     * points outside the region) */
    static const double near[] = {0.78539816339, 1.5707963268, 0.3926990817, 1e-9, -2.35619449019};
    for (size_t i = 0; i < sizeof near / sizeof *near; i++) {
        bool ok = synth_rz(near[i], 1e-10, &s, err, sizeof err);
        if (!ok) fprintf(stderr, "\n  rz(%.17g): %s\n", near[i], err);
        CU_ASSERT_FATAL(ok);
        CU_ASSERT(seq_distance(s.gates, near[i], 300) <= 1e-10);
        synth_seq_free(&s);
    }
    /* a few ε from a multiple of π/4 at 1e-15 and 1e-20: the search runs
     * out of its limits and falls back to rz(θ + a)·rz(−a), each to ε/2 */
    static const double hard[][2] = {{1.5707963267948997, 1e-15}, {1e-19, 1e-20}};
    for (size_t i = 0; i < 2; i++) {
        bool ok = synth_rz(hard[i][0], hard[i][1], &s, err, sizeof err);
        if (!ok) fprintf(stderr, "\n  rz(%.17g): %s\n", hard[i][0], err);
        CU_ASSERT_FATAL(ok);
        CU_ASSERT(seq_distance(s.gates, hard[i][0], 400) <= hard[i][1]);
        CU_ASSERT(s.t_count <= 6.5 * log2(1 / hard[i][1]) + 20);
        synth_seq_free(&s);
    }
    /* bad arguments */
    CU_ASSERT(!synth_rz(1, 0, &s, err, sizeof err));
    CU_ASSERT(!synth_rz(1, 0.7, &s, err, sizeof err));
    CU_ASSERT(!synth_rz(NAN, 1e-3, &s, err, sizeof err));
}

static void test_library_distance(void)
{
    /* synth_seq_distance (the library's, used by qgdc synth) against this
     * file's independent evaluation, on sequences and on plain words */
    UnitRng r = {59};
    for (int i = 0; i < 20; i++) {
        double theta = (unit_urand(&r) - 0.5) * 8, eps = i % 2 ? 1e-6 : 1e-14;
        SynthSeq s;
        char err[200];
        CU_ASSERT_FATAL(synth_rz(theta, eps, &s, err, sizeof err));
        double a = synth_seq_distance(s.gates, theta), b = seq_distance(s.gates, theta, 400);
        CU_ASSERT(fabs(a - b) <= 1e-6 * b + 1e-300);
        CU_ASSERT(a <= eps);
        synth_seq_free(&s);
    }
    /* t is rz(π/4) up to phase */
    ASSERT_CLOSE(synth_seq_distance("T", 3.141592653589793 / 4), 0, 1e-15);
    ASSERT_CLOSE(synth_seq_distance("HTH", 0.3), seq_distance("HTH", 0.3, 200), 1e-12);
    /* rz(0) vs z: diag(1, −1) up to phase is rz(π), distance 2 sin(π/4) */
    ASSERT_CLOSE(synth_seq_distance("Z", 0), sqrt(2), 1e-12);
}

static void test_cache(void)
{
    SynthCache *c = synth_cache_new();
    char err[200];
    const SynthSeq *a = synth_cache_rz(c, 0.123, 1e-8, err, sizeof err);
    CU_ASSERT_FATAL(a != NULL);
    char *first = strdup(a->gates);
    for (int i = 0; i < 200; i++) CU_ASSERT_FATAL(synth_cache_rz(c, 0.001 * i + 1, 1e-4, err, sizeof err) != NULL);
    const SynthSeq *b = synth_cache_rz(c, 0.123, 1e-8, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(b->gates, first);
    const SynthSeq *d = synth_cache_rz(c, 0.123, 1e-9, err, sizeof err);
    CU_ASSERT(d->t_count > b->t_count - 10);
    CU_ASSERT(seq_distance(d->gates, 0.123, 300) <= 1e-9);
    size_t hits, misses;
    synth_cache_stats(c, &hits, &misses);
    CU_ASSERT_EQUAL(hits, 1);
    CU_ASSERT_EQUAL(misses, 202);
    free(first);
    synth_cache_free(c);
}

void suite_synth(void);
void suite_synth(void)
{
    UNIT_SUITE("synth", {"mpf cos/sin", test_cossin}, {"norm equation", test_norm_equation},
               {"exact synthesis of random words", test_exact_synthesis}, {"special angles", test_special_angles},
               {"rz at 1e-3", test_rz_1e3}, {"rz at 1e-5", test_rz_1e5}, {"rz at 1e-10", test_rz_1e10},
               {"rz at 1e-15", test_rz_1e15}, {"rz at 1e-20", test_rz_1e20}, {"rz at 1e-30", test_rz_1e30},
               {"library distance", test_library_distance}, {"cache", test_cache});
}
