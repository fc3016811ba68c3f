/* poly.c — see poly.h. */
#include "frontend/poly.h"
#include "support/util.h"

#include <stdlib.h>
#include <string.h>

PolyLimits poly_limits = {20000000, QGD_POLY_MAX_DEGREE};

static size_t key_bytes(unsigned d) { return (size_t)(d + 1) * sizeof(uint32_t); }

Poly *poly_new(void) { return xcalloc(1, sizeof(Poly)); }

Poly *poly_const(double c)
{
    Poly *p = poly_new();
    poly_add_term(p, NULL, 0, c);
    return p;
}

Poly *poly_var(uint32_t index)
{
    Poly *p = poly_new();
    poly_add_term(p, &index, 1, 1.0);
    return p;
}

void poly_free(Poly *p)
{
    if (!p)
        return;
    Term *t, *tmp;
    HASH_ITER(hh, p->terms, t, tmp) {
        HASH_DEL(p->terms, t);
        free(t);
    }
    free(p);
}

size_t poly_nterms(const Poly *p) { return HASH_COUNT(p->terms); }

/* Adds c to the term with the given (already sorted) key. */
static PolyStatus add_key(Poly *p, const uint32_t *key, double c)
{
    unsigned d = key[0];
    Term *t;
    HASH_FIND(hh, p->terms, key, key_bytes(d), t);
    if (t) {
        t->coef += c;
        return POLY_OK;
    }
    if (d > poly_limits.max_degree)
        return POLY_DEGREE_TOO_HIGH;
    if (HASH_COUNT(p->terms) >= poly_limits.max_terms)
        return POLY_TOO_MANY_TERMS;
    t = xmalloc(sizeof *t + key_bytes(d));
    memcpy(t->key, key, key_bytes(d));
    t->coef = c;
    HASH_ADD(hh, p->terms, key, key_bytes(d), t);
    if (d > p->degree)
        p->degree = d;
    return POLY_OK;
}

PolyStatus poly_add_term(Poly *a, const uint32_t *idx, unsigned d, double c)
{
    if (d > poly_limits.max_degree)
        return POLY_DEGREE_TOO_HIGH;
    uint32_t *key = xmalloc(key_bytes(d));
    key[0] = d;
    if (d)
        memcpy(key + 1, idx, d * sizeof *idx);
    qsort(key + 1, d, sizeof *key, cmp_u32);
    PolyStatus st = add_key(a, key, c);
    free(key);
    return st;
}

Poly *poly_copy(const Poly *p)
{
    Poly *q = poly_new();
    for (const Term *t = p->terms; t; t = t->hh.next)
        add_key(q, t->key, t->coef); /* cannot exceed limits p already met */
    q->degree = p->degree;
    return q;
}

bool poly_is_const(const Poly *p, double *c)
{
    double v = 0;
    for (const Term *t = p->terms; t; t = t->hh.next) {
        if (t->key[0] > 0 && t->coef != 0.0)
            return false;
        if (t->key[0] == 0)
            v = t->coef;
    }
    if (c)
        *c = v;
    return true;
}

PolyStatus poly_add_scaled(Poly *a, const Poly *b, double s)
{
    for (const Term *t = b->terms; t; t = t->hh.next) {
        PolyStatus st = add_key(a, t->key, s * t->coef);
        if (st != POLY_OK)
            return st;
    }
    return POLY_OK;
}

void poly_scale(Poly *a, double s)
{
    for (Term *t = a->terms; t; t = t->hh.next)
        t->coef *= s;
}

/* Merges two sorted index lists into key (with its degree in key[0]). */
static void merge_keys(const uint32_t *x, const uint32_t *y, uint32_t *key)
{
    unsigned dx = x[0], dy = y[0], i = 0, j = 0, k = 1;
    key[0] = dx + dy;
    while (i < dx && j < dy)
        key[k++] = x[1 + i] <= y[1 + j] ? x[1 + i++] : y[1 + j++];
    while (i < dx)
        key[k++] = x[1 + i++];
    while (j < dy)
        key[k++] = y[1 + j++];
}

PolyStatus poly_mul(const Poly *a, const Poly *b, Poly **out)
{
    *out = NULL;
    if (a->degree + b->degree > poly_limits.max_degree) {
        /* the product of the top terms may still vanish, but a degree this
         * high is outside what qgdc accepts anyway */
        bool a_has = false, b_has = false;
        for (const Term *t = a->terms; t && !a_has; t = t->hh.next)
            a_has = t->key[0] == a->degree && t->coef != 0.0;
        for (const Term *t = b->terms; t && !b_has; t = t->hh.next)
            b_has = t->key[0] == b->degree && t->coef != 0.0;
        if (a_has && b_has)
            return POLY_DEGREE_TOO_HIGH;
    }
    Poly *p = poly_new();
    uint32_t *key = xmalloc(key_bytes(a->degree + b->degree));
    for (const Term *s = a->terms; s; s = s->hh.next) {
        if (s->coef == 0.0)
            continue;
        for (const Term *t = b->terms; t; t = t->hh.next) {
            if (t->coef == 0.0)
                continue;
            merge_keys(s->key, t->key, key);
            PolyStatus st = add_key(p, key, s->coef * t->coef);
            if (st != POLY_OK) {
                free(key);
                poly_free(p);
                return st;
            }
        }
    }
    free(key);
    *out = p;
    return POLY_OK;
}

PolyStatus poly_pow(const Poly *a, unsigned long k, Poly **out)
{
    *out = NULL;
    Poly *result = poly_const(1.0);
    if (k == 0) {
        *out = result;
        return POLY_OK;
    }
    double c;
    if (poly_is_const(a, &c) && k > 1) { /* constants: no expansion work at all */
        poly_free(result);
        Poly *p = poly_new();
        double v = 1.0, base = c;
        for (unsigned long e = k; e; e >>= 1, base *= base)
            if (e & 1)
                v *= base;
        poly_add_term(p, NULL, 0, v);
        *out = p;
        return POLY_OK;
    }
    if (k > poly_limits.max_degree)
        return poly_free(result), POLY_DEGREE_TOO_HIGH;
    for (unsigned long e = 0; e < k; e++) {
        Poly *next;
        PolyStatus st = poly_mul(result, a, &next);
        poly_free(result);
        if (st != POLY_OK)
            return st;
        result = next;
    }
    *out = result;
    return POLY_OK;
}

Poly *poly_diff(const Poly *a, uint32_t index)
{
    Poly *p = poly_new();
    uint32_t *key = xmalloc(key_bytes(a->degree ? a->degree : 1));
    for (const Term *t = a->terms; t; t = t->hh.next) {
        unsigned d = t->key[0], mult = 0, pos = 0;
        for (unsigned i = 1; i <= d; i++)
            if (t->key[i] == index) {
                if (!mult)
                    pos = i;
                mult++;
            }
        if (!mult)
            continue;
        key[0] = d - 1;
        for (unsigned i = 1, k = 1; i <= d; i++)
            if (i != pos)
                key[k++] = t->key[i];
        add_key(p, key, t->coef * mult);
    }
    free(key);
    return p;
}

double poly_eval(const Poly *a, const double *u)
{
    double s = 0;
    for (const Term *t = a->terms; t; t = t->hh.next) {
        double m = t->coef;
        for (unsigned i = 1; i <= t->key[0]; i++)
            m *= u[t->key[i]];
        s += m;
    }
    return s;
}

void poly_prune(Poly *a)
{
    Term *t, *tmp;
    a->degree = 0;
    HASH_ITER(hh, a->terms, t, tmp) {
        if (t->coef == 0.0) {
            HASH_DEL(a->terms, t);
            free(t);
        } else if (t->key[0] > a->degree) {
            a->degree = t->key[0];
        }
    }
}
