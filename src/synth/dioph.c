/* dioph.c — the norm equation β β† = ξ over Z[ω] for a totally positive
 * ξ ∈ Z[√2] (Ross–Selinger §6): factor n = ξ ξ• over the integers, split
 * each prime in Z[ω] by a gcd with a root of −1, −2 or of x⁸ = 1 modulo p,
 * collect one Z[ω] factor per conjugate pair, and correct the unit λ²ʲ
 * (λ = 1 + √2) at the end.  Factoring is bounded (trial division, then
 * Pollard–Brent rho with a step budget, primality by Miller–Rabin): a
 * candidate whose n does not factor within it is refused, and the caller
 * moves to the next candidate. */
#include "synth/synth_internal.h"

#include <stdlib.h>

typedef struct Factor {
    mpz_t p;
    unsigned e;
} Factor;

typedef struct Factors {
    Factor *f;
    unsigned n, cap;
} Factors;

static void factors_add(Factors *fs, const mpz_t p, unsigned e)
{
    for (unsigned i = 0; i < fs->n; i++)
        if (!mpz_cmp(fs->f[i].p, p)) {
            fs->f[i].e += e;
            return;
        }
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->f = realloc(fs->f, fs->cap * sizeof *fs->f);
        if (!fs->f) abort();
    }
    mpz_init_set(fs->f[fs->n].p, p);
    fs->f[fs->n].e = e;
    fs->n++;
}

static void factors_free(Factors *fs)
{
    for (unsigned i = 0; i < fs->n; i++) mpz_clear(fs->f[i].p);
    free(fs->f);
}

/* a nontrivial factor of the odd composite m into f (Brent's variant of
 * Pollard's rho, gcds batched by 64 steps); false when the budget runs out */
static bool rho(mpz_t f, const mpz_t m, unsigned long budget)
{
    mpz_t x, y, ys, q, t;
    mpz_inits(x, y, ys, q, t, NULL);
    bool found = false;
    for (unsigned long c = 1; c < 6 && !found && budget; c++) {
        mpz_set_ui(y, 2);
        mpz_set_ui(q, 1);
        mpz_set_ui(f, 1);
        unsigned long r = 1;
        while (mpz_cmp_ui(f, 1) == 0 && budget) {
            mpz_set(x, y);
            for (unsigned long i = 0; i < r; i++) {
                mpz_mul(y, y, y);
                mpz_add_ui(y, y, c);
                mpz_mod(y, y, m);
            }
            unsigned long k = 0;
            while (k < r && mpz_cmp_ui(f, 1) == 0 && budget) {
                mpz_set(ys, y);
                unsigned long lim = r - k < 64 ? r - k : 64;
                for (unsigned long i = 0; i < lim; i++) {
                    mpz_mul(y, y, y);
                    mpz_add_ui(y, y, c);
                    mpz_mod(y, y, m);
                    mpz_sub(t, x, y);
                    mpz_mul(q, q, t);
                    mpz_mod(q, q, m);
                }
                budget = budget > lim ? budget - lim : 0;
                mpz_gcd(f, q, m);
                k += lim;
            }
            r *= 2;
        }
        if (mpz_cmp(f, m) == 0) {
            /* backtrack one step at a time from ys */
            do {
                mpz_mul(ys, ys, ys);
                mpz_add_ui(ys, ys, c);
                mpz_mod(ys, ys, m);
                mpz_sub(t, x, ys);
                mpz_gcd(f, t, m);
            } while (mpz_cmp_ui(f, 1) == 0);
        }
        found = mpz_cmp_ui(f, 1) > 0 && mpz_cmp(f, m) < 0;
    }
    mpz_clears(x, y, ys, q, t, NULL);
    return found;
}

static bool factor_rec(Factors *fs, const mpz_t m, unsigned e, unsigned long *budget)
{
    if (mpz_cmp_ui(m, 1) == 0) return true;
    if (mpz_probab_prime_p(m, 20)) {
        factors_add(fs, m, e);
        return true;
    }
    if (!*budget) return false;
    mpz_t f, g;
    mpz_inits(f, g, NULL);
    unsigned long before = *budget;
    bool ok = rho(f, m, *budget);
    *budget = before / 2; /* each split spends at most half what remains */
    if (ok) {
        mpz_divexact(g, m, f);
        ok = factor_rec(fs, f, e, budget) && factor_rec(fs, g, e, budget);
    }
    mpz_clears(f, g, NULL);
    return ok;
}

static const unsigned small_primes[] = {
    3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,  59,  61,  67,  71,  73,  79,
    83,  89,  97,  101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
    193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307, 311,
    313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439,
    443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509, 521, 523, 541, 547, 557, 563, 569, 571, 577,
    587, 593, 599, 601, 607, 613, 617, 619, 631, 641, 643, 647, 653, 659, 661, 673, 677, 683, 691, 701, 709,
    719, 727, 733, 739, 743, 751, 757, 761, 769, 773, 787, 797, 809, 811, 821, 823, 827, 829, 839, 853, 857,
    859, 863, 877, 881, 883, 887, 907, 911, 919, 929, 937, 941, 947, 953, 967, 971, 977, 983, 991, 997};

/* n = Π p^e; false when not factored within the budget */
static bool factor(Factors *fs, const mpz_t n, unsigned long budget)
{
    mpz_t m, p;
    mpz_init_set(m, n);
    mpz_init(p);
    unsigned e = (unsigned)mpz_scan1(m, 0);
    if (e) {
        mpz_set_ui(p, 2);
        factors_add(fs, p, e);
        mpz_tdiv_q_2exp(m, m, e);
    }
    for (unsigned i = 0; i < sizeof small_primes / sizeof *small_primes; i++) {
        if (!mpz_divisible_ui_p(m, small_primes[i])) continue;
        e = 0;
        while (mpz_divisible_ui_p(m, small_primes[i])) {
            mpz_divexact_ui(m, m, small_primes[i]);
            e++;
        }
        mpz_set_ui(p, small_primes[i]);
        factors_add(fs, p, e);
    }
    bool ok = true;
    /* a perfect power of a prime (common for squares of a prime = 7 mod 8) */
    if (mpz_cmp_ui(m, 1) > 0 && !mpz_probab_prime_p(m, 20) && mpz_perfect_square_p(m)) {
        mpz_sqrt(p, m);
        ok = factor_rec(fs, p, 2, &budget);
    } else {
        ok = factor_rec(fs, m, 1, &budget);
    }
    mpz_clears(m, p, NULL);
    return ok;
}

/* a quadratic non-residue modulo the odd prime p into c */
static void nonresidue(mpz_t c, const mpz_t p)
{
    for (mpz_set_ui(c, 2);; mpz_add_ui(c, c, 1))
        if (mpz_jacobi(c, p) == -1) return;
}

/* the multiplicity of π in ξ, dividing it out of *x */
static unsigned multiplicity(Zw *x, const Zw *pi)
{
    unsigned m = 0;
    Zw q;
    zw_init(&q);
    while (!zw_is_zero(x) && zw_divexact(&q, x, pi)) {
        zw_set(x, &q);
        m++;
    }
    zw_clear(&q);
    return m;
}

static void mul_pow(Zw *r, const Zw *a, unsigned e)
{
    for (unsigned i = 0; i < e; i++) zw_mul(r, r, a);
}

bool dioph_solve(Zw *beta, const Zr2 *xi, unsigned long budget)
{
    if (zr2_sgn(xi) < 0) return false;
    if (zr2_sgn(xi) == 0) {
        zw_set_si(beta, 0, 0, 0, 0);
        return true;
    }
    mpz_t n, p, h, t, ex;
    mpz_inits(n, p, h, t, ex, NULL);
    zr2_norm(n, xi);
    bool ok = mpz_sgn(n) > 0;
    Factors fs = {0};
    if (ok) ok = factor(&fs, n, budget);
    Zw b, rest, pi, pi2, g;
    zw_init(&b);
    zw_init(&rest);
    zw_init(&pi);
    zw_init(&pi2);
    zw_init(&g);
    zw_set_si(&b, 1, 0, 0, 0);
    zw_set_zr2(&rest, xi);
    for (unsigned i = 0; ok && i < fs.n; i++) {
        mpz_set(p, fs.f[i].p);
        unsigned e = fs.f[i].e;
        unsigned long r8 = mpz_fdiv_ui(p, 8);
        Zw pz;
        zw_init(&pz);
        mpz_set(pz.c[0], p);
        if (mpz_cmp_ui(p, 2) == 0) {
            zw_set_si(&pi, 1, 1, 0, 0); /* δ = 1 + ω, δδ† = √2 λ */
            mul_pow(&b, &pi, e);
        } else if (r8 == 3 || r8 == 5) {
            /* p inert in Z[√2], p = π π† in Z[ω] */
            if (e % 2) ok = false;
            if (ok) {
                if (r8 == 3) {
                    /* h² = −2: h = (−2)^((p+1)/4) */
                    mpz_sub_ui(t, p, 2);
                    mpz_add_ui(ex, p, 1);
                    mpz_tdiv_q_2exp(ex, ex, 2);
                    mpz_powm(h, t, ex, p);
                    zw_set_si(&g, 0, 1, 0, 1); /* i√2 = ω + ω³ */
                } else {
                    /* h² = −1: h = c^((p−1)/4) */
                    nonresidue(t, p);
                    mpz_sub_ui(ex, p, 1);
                    mpz_tdiv_q_2exp(ex, ex, 2);
                    mpz_powm(h, t, ex, p);
                    zw_set_si(&g, 0, 0, 1, 0); /* i */
                }
                mpz_add(g.c[0], g.c[0], h);
                zw_gcd(&pi, &pz, &g);
                mul_pow(&b, &pi, e / 2);
            }
        } else if (r8 == 1) {
            /* p splits completely: primes (p, ω − ζ^j), j odd, ζ of order 8 */
            nonresidue(t, p);
            mpz_sub_ui(ex, p, 1);
            mpz_tdiv_q_2exp(ex, ex, 3);
            mpz_powm(h, t, ex, p); /* ζ */
            zw_set_si(&g, 0, 1, 0, 0);
            mpz_sub(g.c[0], g.c[0], h);
            zw_gcd(&pi, &pz, &g);
            mpz_powm_ui(h, h, 3, p);
            zw_set_si(&g, 0, 1, 0, 0);
            mpz_sub(g.c[0], g.c[0], h);
            zw_gcd(&pi2, &pz, &g);
            unsigned a = multiplicity(&rest, &pi), c = multiplicity(&rest, &pi2);
            if (a + c != e)
                ok = false;
            else {
                mul_pow(&b, &pi, a);
                mul_pow(&b, &pi2, c);
            }
        } else {
            /* p = 7 mod 8: p = η η• in Z[√2], η inert in Z[ω]: even powers only */
            mpz_add_ui(ex, p, 1);
            mpz_tdiv_q_2exp(ex, ex, 2);
            mpz_set_ui(t, 2);
            mpz_powm(h, t, ex, p); /* √2 mod p */
            zw_set_si(&g, 0, 1, 0, -1);
            mpz_add(g.c[0], g.c[0], h);
            zw_gcd(&pi, &pz, &g);
            zw_bullet(&pi2, &pi);
            unsigned a = multiplicity(&rest, &pi), c = multiplicity(&rest, &pi2);
            if (a % 2 || c % 2 || a + c != e)
                ok = false;
            else {
                mul_pow(&b, &pi, a / 2);
                mul_pow(&b, &pi2, c / 2);
            }
        }
        zw_clear(&pz);
    }
    if (ok) {
        /* v = ξ / (b b†) must be a totally positive unit λ^{2j}: β = b λ^j */
        Zw bb, v, lam;
        zw_init(&bb);
        zw_init(&v);
        zw_init(&lam);
        zw_conj(&bb, &b);
        zw_mul(&bb, &b, &bb);
        zw_set_zr2(&v, xi);
        ok = zw_divexact(&v, &v, &bb);
        /* v = x + y√2 read back: c = (x, y, 0, −y) */
        for (int guard = 0; ok && guard < 4096; guard++) {
            if (mpz_sgn(v.c[2]) || mpz_cmp_si(v.c[0], 0) <= 0) {
                ok = false;
                break;
            }
            int sy = mpz_sgn(v.c[1]);
            if (sy == 0) break;
            Zw step;
            zw_init(&step);
            if (sy > 0) {
                /* v = λ^{2j}, j > 0: v·λ⁻², b·λ */
                zw_set_si(&step, 3, -2, 0, 2); /* λ⁻² = 3 − 2√2 */
                zw_set_si(&lam, 1, 1, 0, -1);  /* λ = 1 + √2 */
            } else {
                zw_set_si(&step, 3, 2, 0, -2); /* λ² */
                zw_set_si(&lam, -1, 1, 0, -1); /* λ⁻¹ = √2 − 1 */
            }
            zw_mul(&v, &v, &step);
            zw_mul(&b, &b, &lam);
            zw_clear(&step);
        }
        if (ok) ok = mpz_cmp_ui(v.c[0], 1) == 0 && !mpz_sgn(v.c[1]) && !mpz_sgn(v.c[2]) && !mpz_sgn(v.c[3]);
        if (ok) {
            /* the check: β β† = ξ exactly */
            Zr2 chk;
            zr2_init(&chk);
            zw_abs2(&chk, &b);
            ok = !mpz_cmp(chk.x, xi->x) && !mpz_cmp(chk.y, xi->y);
            zr2_clear(&chk);
        }
        if (ok) zw_set(beta, &b);
        zw_clear(&bb);
        zw_clear(&v);
        zw_clear(&lam);
    }
    zw_clear(&b);
    zw_clear(&rest);
    zw_clear(&pi);
    zw_clear(&pi2);
    zw_clear(&g);
    factors_free(&fs);
    mpz_clears(n, p, h, t, ex, NULL);
    return ok;
}
