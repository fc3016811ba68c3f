/* ring.c — Z[√2] and Z[ω] on GMP integers (see ring.h). */
#include "synth/ring.h"

void zr2_init(Zr2 *a) { mpz_inits(a->x, a->y, NULL); }
void zr2_clear(Zr2 *a) { mpz_clears(a->x, a->y, NULL); }
void zr2_set(Zr2 *r, const Zr2 *a)
{
    mpz_set(r->x, a->x);
    mpz_set(r->y, a->y);
}

void zr2_mul(Zr2 *r, const Zr2 *a, const Zr2 *b)
{
    mpz_t x, y, t;
    mpz_inits(x, y, t, NULL);
    mpz_mul(x, a->x, b->x);
    mpz_mul(t, a->y, b->y);
    mpz_addmul_ui(x, t, 2);
    mpz_mul(y, a->x, b->y);
    mpz_addmul(y, a->y, b->x);
    mpz_swap(r->x, x);
    mpz_swap(r->y, y);
    mpz_clears(x, y, t, NULL);
}

int zr2_sgn(const Zr2 *a)
{
    int sx = mpz_sgn(a->x), sy = mpz_sgn(a->y);
    if (sx >= 0 && sy >= 0) return sx || sy;
    if (sx <= 0 && sy <= 0) return -1;
    /* opposite signs: compare x² with 2y² */
    mpz_t u, v;
    mpz_inits(u, v, NULL);
    mpz_mul(u, a->x, a->x);
    mpz_mul(v, a->y, a->y);
    mpz_mul_2exp(v, v, 1);
    int c = mpz_cmp(u, v);
    mpz_clears(u, v, NULL);
    /* sign is that of the larger-magnitude part */
    return c > 0 ? sx : -sx;
}

void zr2_norm(mpz_t n, const Zr2 *a)
{
    mpz_t t;
    mpz_init(t);
    mpz_mul(t, a->y, a->y);
    mpz_mul_2exp(t, t, 1);
    mpz_mul(n, a->x, a->x);
    mpz_sub(n, n, t);
    mpz_clear(t);
}

void zw_init(Zw *a)
{
    for (int i = 0; i < 4; i++) mpz_init(a->c[i]);
}
void zw_clear(Zw *a)
{
    for (int i = 0; i < 4; i++) mpz_clear(a->c[i]);
}
void zw_set(Zw *r, const Zw *a)
{
    for (int i = 0; i < 4; i++) mpz_set(r->c[i], a->c[i]);
}
void zw_set_si(Zw *r, long c0, long c1, long c2, long c3)
{
    mpz_set_si(r->c[0], c0);
    mpz_set_si(r->c[1], c1);
    mpz_set_si(r->c[2], c2);
    mpz_set_si(r->c[3], c3);
}
void zw_set_zr2(Zw *r, const Zr2 *a)
{
    /* √2 = ω − ω³ */
    mpz_set(r->c[0], a->x);
    mpz_set(r->c[1], a->y);
    mpz_set_ui(r->c[2], 0);
    mpz_neg(r->c[3], a->y);
}
bool zw_is_zero(const Zw *a)
{
    for (int i = 0; i < 4; i++)
        if (mpz_sgn(a->c[i])) return false;
    return true;
}
bool zw_equal(const Zw *a, const Zw *b)
{
    for (int i = 0; i < 4; i++)
        if (mpz_cmp(a->c[i], b->c[i])) return false;
    return true;
}
void zw_add(Zw *r, const Zw *a, const Zw *b)
{
    for (int i = 0; i < 4; i++) mpz_add(r->c[i], a->c[i], b->c[i]);
}
void zw_sub(Zw *r, const Zw *a, const Zw *b)
{
    for (int i = 0; i < 4; i++) mpz_sub(r->c[i], a->c[i], b->c[i]);
}
void zw_neg(Zw *r, const Zw *a)
{
    for (int i = 0; i < 4; i++) mpz_neg(r->c[i], a->c[i]);
}

void zw_mul(Zw *r, const Zw *a, const Zw *b)
{
    mpz_t s[4];
    for (int n = 0; n < 4; n++) mpz_init(s[n]);
    for (int i = 0; i < 4; i++) {
        if (!mpz_sgn(a->c[i])) continue;
        for (int j = 0; j < 4; j++) {
            if (i + j < 4)
                mpz_addmul(s[i + j], a->c[i], b->c[j]);
            else
                mpz_submul(s[i + j - 4], a->c[i], b->c[j]);
        }
    }
    for (int n = 0; n < 4; n++) {
        mpz_swap(r->c[n], s[n]);
        mpz_clear(s[n]);
    }
}

void zw_mul_omega_pow(Zw *r, const Zw *a, int j)
{
    j = ((j % 8) + 8) % 8;
    if (r != a) zw_set(r, a);
    if (j >= 4) {
        zw_neg(r, r);
        j -= 4;
    }
    /* ω·(c0, c1, c2, c3) = (−c3, c0, c1, c2), by swaps */
    for (int i = 0; i < j; i++) {
        mpz_neg(r->c[3], r->c[3]);
        mpz_swap(r->c[3], r->c[2]);
        mpz_swap(r->c[2], r->c[1]);
        mpz_swap(r->c[1], r->c[0]);
    }
}

void zw_conj(Zw *r, const Zw *a)
{
    /* ω̄ = −ω³, ω̄² = −ω², ω̄³ = −ω */
    mpz_t t;
    mpz_init_set(t, a->c[1]);
    mpz_set(r->c[0], a->c[0]);
    mpz_neg(r->c[1], a->c[3]);
    mpz_neg(r->c[2], a->c[2]);
    mpz_neg(r->c[3], t);
    mpz_clear(t);
}

void zw_bullet(Zw *r, const Zw *a)
{
    mpz_set(r->c[0], a->c[0]);
    mpz_neg(r->c[1], a->c[1]);
    mpz_set(r->c[2], a->c[2]);
    mpz_neg(r->c[3], a->c[3]);
}

void zw_abs2(Zr2 *r, const Zw *a)
{
    /* |a0 + a1ω + a2ω² + a3ω³|² = Σ ai² + √2 (a0a1 + a1a2 + a2a3 − a3a0) */
    mpz_mul(r->x, a->c[0], a->c[0]);
    for (int i = 1; i < 4; i++) mpz_addmul(r->x, a->c[i], a->c[i]);
    mpz_mul(r->y, a->c[0], a->c[1]);
    mpz_addmul(r->y, a->c[1], a->c[2]);
    mpz_addmul(r->y, a->c[2], a->c[3]);
    mpz_submul(r->y, a->c[3], a->c[0]);
}

void zw_norm(mpz_t n, const Zw *a)
{
    Zr2 t;
    zr2_init(&t);
    zw_abs2(&t, a);
    zr2_norm(n, &t);
    zr2_clear(&t);
}

bool zw_div_sqrt2_p(const Zw *a)
{
    return mpz_even_p(a->c[0]) == mpz_even_p(a->c[2]) && mpz_even_p(a->c[1]) == mpz_even_p(a->c[3]);
}

void zw_div_sqrt2(Zw *r, const Zw *a)
{
    /* a·(ω − ω³)/2 = ((a1 − a3), (a0 + a2), (a1 + a3), (a2 − a0)) / 2 */
    mpz_t s[4];
    for (int n = 0; n < 4; n++) mpz_init(s[n]);
    mpz_sub(s[0], a->c[1], a->c[3]);
    mpz_add(s[1], a->c[0], a->c[2]);
    mpz_add(s[2], a->c[1], a->c[3]);
    mpz_sub(s[3], a->c[2], a->c[0]);
    for (int n = 0; n < 4; n++) {
        mpz_divexact_ui(r->c[n], s[n], 2);
        mpz_clear(s[n]);
    }
}

/* a · b† · b• · b•† (so that the product with b is N(b)) */
static void cofactor(Zw *r, const Zw *b)
{
    Zw c, d;
    zw_init(&c);
    zw_init(&d);
    zw_conj(&c, b);
    zw_bullet(&d, b);
    zw_mul(&c, &c, &d);
    zw_conj(&d, &d);
    zw_mul(r, &c, &d);
    zw_clear(&c);
    zw_clear(&d);
}

bool zw_divexact(Zw *r, const Zw *a, const Zw *b)
{
    Zw t;
    mpz_t n;
    zw_init(&t);
    mpz_init(n);
    zw_norm(n, b);
    cofactor(&t, b);
    zw_mul(&t, a, &t);
    bool ok = mpz_sgn(n) != 0;
    for (int i = 0; ok && i < 4; i++) ok = mpz_divisible_p(t.c[i], n);
    if (ok)
        for (int i = 0; i < 4; i++) mpz_divexact(r->c[i], t.c[i], n);
    zw_clear(&t);
    mpz_clear(n);
    return ok;
}

/* r = a − round(a/b)·b; the rounded quotient's remainder has smaller norm */
static void zw_rem(Zw *r, const Zw *a, const Zw *b)
{
    Zw t, q;
    mpz_t n, n2;
    zw_init(&t);
    zw_init(&q);
    mpz_inits(n, n2, NULL);
    zw_norm(n, b);
    mpz_mul_2exp(n2, n, 1);
    cofactor(&t, b);
    zw_mul(&t, a, &t);
    for (int i = 0; i < 4; i++) {
        /* round(t/n) = floor((2t + n) / 2n) */
        mpz_mul_2exp(q.c[i], t.c[i], 1);
        mpz_add(q.c[i], q.c[i], n);
        mpz_fdiv_q(q.c[i], q.c[i], n2);
    }
    zw_mul(&q, &q, b);
    zw_sub(r, a, &q);
    zw_clear(&t);
    zw_clear(&q);
    mpz_clears(n, n2, NULL);
}

void zw_gcd(Zw *r, const Zw *a, const Zw *b)
{
    Zw x, y, t;
    zw_init(&x);
    zw_init(&y);
    zw_init(&t);
    zw_set(&x, a);
    zw_set(&y, b);
    while (!zw_is_zero(&y)) {
        zw_rem(&t, &x, &y);
        zw_set(&x, &y);
        zw_set(&y, &t);
    }
    zw_set(r, &x);
    zw_clear(&x);
    zw_clear(&y);
    zw_clear(&t);
}
