/* poly.h — multivariate polynomials with double coefficients over the
 * parameters u_0..u_{n−1}, as the front end expands a loss or an update.
 * A monomial is a sorted multiset of variable indices; terms live in a
 * uthash table keyed by it. Sizes are bounded (terms, degree) so that no
 * input can make expansion run away; the caller turns a failure into a
 * diagnostic. */
#ifndef QGDC_POLY_H
#define QGDC_POLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uthash.h>

#define QGD_POLY_MAX_DEGREE 64

typedef struct Term {
    UT_hash_handle hh;
    double coef;
    uint32_t key[]; /* key[0] = degree d, key[1..d] = sorted indices */
} Term;

typedef struct Poly {
    Term *terms;
    unsigned degree; /* largest degree of a stored term */
} Poly;

typedef enum PolyStatus { POLY_OK, POLY_TOO_MANY_TERMS, POLY_DEGREE_TOO_HIGH } PolyStatus;

/* Limits shared by all polynomials of one expansion. */
typedef struct PolyLimits {
    size_t max_terms;   /* per polynomial */
    unsigned max_degree;
} PolyLimits;

extern PolyLimits poly_limits;

Poly *poly_new(void);
Poly *poly_const(double c);
Poly *poly_var(uint32_t index);
void poly_free(Poly *p);
Poly *poly_copy(const Poly *p);
size_t poly_nterms(const Poly *p);

/* The polynomial is a constant (no term of degree ≥ 1); *c gets its value. */
bool poly_is_const(const Poly *p, double *c);

/* a += s·b */
PolyStatus poly_add_scaled(Poly *a, const Poly *b, double s);
void poly_scale(Poly *a, double s);
/* *out = a·b */
PolyStatus poly_mul(const Poly *a, const Poly *b, Poly **out);
/* *out = a^k, k ≥ 0 */
PolyStatus poly_pow(const Poly *a, unsigned long k, Poly **out);
/* *out = ∂a/∂u_index */
Poly *poly_diff(const Poly *a, uint32_t index);
/* Value at the point u. */
double poly_eval(const Poly *a, const double *u);
/* Adds c·monomial(idx[0..d−1], any order). */
PolyStatus poly_add_term(Poly *a, const uint32_t *idx, unsigned d, double c);
/* Removes terms whose coefficient is exactly zero. */
void poly_prune(Poly *a);

#endif
