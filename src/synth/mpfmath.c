/* mpfmath.c — π, cos and sin on GMP floats (GMP has no transcendental
 * functions and MPFR is not a dependency): Machin's formula for π, and a
 * Taylor series on x/2¹² followed by twelve angle doublings for cos and sin. */
#include "synth/synth_internal.h"

/* atan(1/x) */
static void atan_inv(mpf_t r, unsigned long x, unsigned long prec)
{
    mpf_t term, t, eps;
    mpf_init2(term, prec);
    mpf_init2(t, prec);
    mpf_init2(eps, prec);
    mpf_set_ui(eps, 1);
    mpf_div_2exp(eps, eps, prec + 8);
    mpf_set_ui(term, 1);
    mpf_div_ui(term, term, x); /* 1/x^{2n+1} */
    mpf_set(r, term);
    unsigned long x2 = x * x;
    for (unsigned long n = 1;; n++) {
        mpf_div_ui(term, term, x2);
        mpf_div_ui(t, term, 2 * n + 1);
        if (mpf_cmp(t, eps) < 0) break;
        if (n % 2)
            mpf_sub(r, r, t);
        else
            mpf_add(r, r, t);
    }
    mpf_clear(term);
    mpf_clear(t);
    mpf_clear(eps);
}

void synth_mpf_pi(mpf_t pi, unsigned long prec)
{
    mpf_t a, b;
    mpf_init2(a, prec + 32);
    mpf_init2(b, prec + 32);
    atan_inv(a, 5, prec + 32);
    atan_inv(b, 239, prec + 32);
    mpf_mul_ui(a, a, 16);
    mpf_mul_ui(b, b, 4);
    mpf_sub(pi, a, b);
    mpf_clear(a);
    mpf_clear(b);
}

void synth_mpf_cossin(mpf_t c, mpf_t s, double x, unsigned long prec)
{
    mpf_t X;
    mpf_init2(X, prec + 64);
    mpf_set_d(X, x);
    synth_mpf_cossin_f(c, s, X, prec);
    mpf_clear(X);
}

void synth_mpf_cossin_f(mpf_t c, mpf_t s, const mpf_t x, unsigned long prec)
{
    mpf_t pi;
    mpf_init2(pi, prec + 64);
    synth_mpf_pi(pi, prec + 64);
    synth_mpf_cossin_pi(c, s, x, pi, prec);
    mpf_clear(pi);
}

void synth_mpf_cossin_pi(mpf_t c, mpf_t s, const mpf_t x, const mpf_t pi, unsigned long prec)
{
    const int r = 12;
    unsigned long wp = prec + 64;
    mpf_t X, pi2, n, y, y2, term, cs, sn, t, eps;
    mpf_init2(X, wp);
    mpf_init2(pi2, wp);
    mpf_init2(n, wp);
    mpf_init2(y, wp);
    mpf_init2(y2, wp);
    mpf_init2(term, wp);
    mpf_init2(cs, wp);
    mpf_init2(sn, wp);
    mpf_init2(t, wp);
    mpf_init2(eps, wp);
    /* x mod 2π into [−π, π] */
    mpf_set(X, x);
    mpf_mul_2exp(pi2, pi, 1);
    mpf_div(n, X, pi2);
    mpf_set_d(t, 0.5);
    mpf_add(n, n, t);
    mpf_floor(n, n);
    mpf_mul(t, n, pi2);
    mpf_sub(X, X, t);
    mpf_div_2exp(y, X, r);
    mpf_mul(y2, y, y);
    mpf_set_ui(eps, 1);
    mpf_div_2exp(eps, eps, wp);
    /* sin y */
    mpf_set(sn, y);
    mpf_set(term, y);
    for (unsigned long k = 1;; k++) {
        mpf_mul(term, term, y2);
        mpf_div_ui(term, term, (2 * k) * (2 * k + 1));
        mpf_neg(term, term);
        mpf_add(sn, sn, term);
        mpf_abs(t, term);
        if (mpf_cmp(t, eps) < 0) break;
    }
    /* cos y */
    mpf_set_ui(cs, 1);
    mpf_set_ui(term, 1);
    for (unsigned long k = 1;; k++) {
        mpf_mul(term, term, y2);
        mpf_div_ui(term, term, (2 * k - 1) * (2 * k));
        mpf_neg(term, term);
        mpf_add(cs, cs, term);
        mpf_abs(t, term);
        if (mpf_cmp(t, eps) < 0) break;
    }
    for (int i = 0; i < r; i++) {
        /* sin 2y = 2 sin y cos y, cos 2y = cos² y − sin² y */
        mpf_mul(t, sn, cs);
        mpf_mul_2exp(t, t, 1);
        mpf_mul(y, cs, cs);
        mpf_mul(y2, sn, sn);
        mpf_sub(cs, y, y2);
        mpf_set(sn, t);
    }
    mpf_set(c, cs);
    mpf_set(s, sn);
    mpf_clear(X);
    mpf_clear(pi2);
    mpf_clear(n);
    mpf_clear(y);
    mpf_clear(y2);
    mpf_clear(term);
    mpf_clear(cs);
    mpf_clear(sn);
    mpf_clear(t);
    mpf_clear(eps);
}
