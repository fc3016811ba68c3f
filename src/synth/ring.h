/* ring.h — exact arithmetic in Z[√2] and Z[ω] (ω = e^{iπ/4}) on GMP integers,
 * the rings of the Clifford+T group: a single-qubit Clifford+T unitary has
 * entries α/√2^k with α ∈ Z[ω].  Used by the rotation synthesis (synth.c,
 * exact.c, grid.c, dioph.c); internal to src/synth. */
#ifndef QGDC_SYNTH_RING_H
#define QGDC_SYNTH_RING_H

#include <gmp.h>
#include <stdbool.h>

/* x + y√2 */
typedef struct Zr2 {
    mpz_t x, y;
} Zr2;

/* c0 + c1 ω + c2 ω² + c3 ω³, ω⁴ = −1 */
typedef struct Zw {
    mpz_t c[4];
} Zw;

void zr2_init(Zr2 *a);
void zr2_clear(Zr2 *a);
void zr2_set(Zr2 *r, const Zr2 *a);
void zr2_mul(Zr2 *r, const Zr2 *a, const Zr2 *b);
/* sign of x + y√2 (−1, 0, 1), exact */
int zr2_sgn(const Zr2 *a);
/* N(a) = x² − 2y² */
void zr2_norm(mpz_t n, const Zr2 *a);

void zw_init(Zw *a);
void zw_clear(Zw *a);
void zw_set(Zw *r, const Zw *a);
void zw_set_si(Zw *r, long c0, long c1, long c2, long c3);
void zw_set_zr2(Zw *r, const Zr2 *a);
bool zw_is_zero(const Zw *a);
bool zw_equal(const Zw *a, const Zw *b);
void zw_add(Zw *r, const Zw *a, const Zw *b);
void zw_sub(Zw *r, const Zw *a, const Zw *b);
void zw_neg(Zw *r, const Zw *a);
void zw_mul(Zw *r, const Zw *a, const Zw *b);   /* r may alias a or b */
void zw_mul_omega_pow(Zw *r, const Zw *a, int j); /* a·ω^j, any j */
void zw_conj(Zw *r, const Zw *a);                 /* complex conjugate */
void zw_bullet(Zw *r, const Zw *a);               /* √2 ↦ −√2 (ω ↦ −ω) */
/* a a† ∈ Z[√2] */
void zw_abs2(Zr2 *r, const Zw *a);
/* N(a) = |a|²·|a•|², a non-negative integer */
void zw_norm(mpz_t n, const Zw *a);
/* a divisible by √2 in Z[ω]? */
bool zw_div_sqrt2_p(const Zw *a);
/* r = a/√2 (a must be divisible) */
void zw_div_sqrt2(Zw *r, const Zw *a);
/* exact quotient a/b when b divides a (returns false, r untouched, otherwise) */
bool zw_divexact(Zw *r, const Zw *a, const Zw *b);
/* a greatest common divisor (Euclid's algorithm; Z[ω] is norm-Euclidean) */
void zw_gcd(Zw *r, const Zw *a, const Zw *b);

#endif
