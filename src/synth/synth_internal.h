/* synth_internal.h — the pieces of the rotation synthesis (src/synth). */
#ifndef QGDC_SYNTH_INTERNAL_H
#define QGDC_SYNTH_INTERNAL_H

#include <stddef.h>

#include "synth/ring.h"
#include "synth/synth.h"

/* A growing gate string (time order, letters as in synth.h). */
typedef struct GateBuf {
    char *s;
    size_t n, cap;
} GateBuf;
void gatebuf_push(GateBuf *g, char c);

/* β with β β† = ξ, for ξ ∈ Z[√2] with ξ ≥ 0 and ξ• ≥ 0; false when there is
 * none or N(ξ) did not factor within budget (Pollard rho steps). */
bool dioph_solve(Zw *beta, const Zr2 *xi, unsigned long budget);

/* Exact synthesis (Kliuchnikov–Maslov–Mosca): the unitary
 * [[u, −t†], [t, u†]] / √2^k (which must be unitary) as H, S, T gates,
 * appended to out in time order, up to a global phase.  False only on an
 * internal failure (message in err). */
bool exact_synth_ut(const Zw *u, const Zw *t, int k, GateBuf *out, char *err, size_t errlen);
/* The same for any Clifford+T unitary, given by its first column (u, t)/√2^k
 * and its determinant ω^l: [[u, −t† ω^l], [t, u† ω^l]] / √2^k. */
bool exact_synth_col(const Zw *u, const Zw *t, int l, int k, GateBuf *out, char *err, size_t errlen);


/* Peephole: merge runs of diagonal gates into T-powers (t, s, z, sdg, tdg),
 * cancel H·H; in place. */
void gates_simplify(char *s);

/* mpf helpers at a given precision (bits) */
void synth_mpf_pi(mpf_t pi, unsigned long prec);
/* cos x and sin x of the exact binary value x */
void synth_mpf_cossin(mpf_t c, mpf_t s, double x, unsigned long prec);
void synth_mpf_cossin_f(mpf_t c, mpf_t s, const mpf_t x, unsigned long prec);
/* the same with π given (at least prec + 64 bits) */
void synth_mpf_cossin_pi(mpf_t c, mpf_t s, const mpf_t x, const mpf_t pi, unsigned long prec);

#endif
