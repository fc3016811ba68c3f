/* synth.h — Clifford+T synthesis of z-rotations.
 *
 * synth_rz(θ, ε) finds a single-qubit Clifford+T circuit U with
 * ‖U − e^{iφ} Rz(θ)‖ ≤ ε for some global phase φ (operator norm), where
 * Rz(θ) = diag(e^{−iθ/2}, e^{iθ/2}), by the Ross–Selinger method: a
 * candidate u ∈ Z[ω]/√2^k in the ε-region of e^{−iθ/2} whose √2-conjugate
 * lies in the unit disk (a two-dimensional grid problem, solved here by
 * lattice reduction of the four-dimensional embedding of Z[ω]), for k =
 * 0, 1, 2, …; for each candidate the norm equation t†t = 1 − u†u is solved
 * over Z[ω] by factoring; the first success gives the exact unitary
 * [[u, −t†], [t, u†]], decomposed into H, S, T by exact synthesis.  Typical
 * T count 3·log2(1/ε) + O(log log(1/ε)).  GMP throughout: exact ring
 * arithmetic on mpz, the real arithmetic on mpf at a precision that grows
 * with log(1/ε).
 *
 * The gate string is in time order (first applied first), one letter a
 * gate: H, S (s), sdg (s), T (T), tdg (t), Z.  It equals Rz(θ) up to the
 * global phase. */
#ifndef QGDC_SYNTH_H
#define QGDC_SYNTH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct SynthSeq {
    char *gates;    /* NUL-terminated, letters H S s T t Z */
    int t_count;    /* T and tdg gates */
    int k;          /* √2 exponent of the exact unitary's denominator */
    int candidates; /* grid points tried (norm equations attempted) */
} SynthSeq;

/* ε in (0, 0.5], θ finite.  False with a message on a bad argument or when
 * no solution was found within the search limits. */
bool synth_rz(double theta, double eps, SynthSeq *out, char *err, size_t errlen);
void synth_seq_free(SynthSeq *s);

/* min over φ of ‖U − e^{iφ} Rz(θ)‖ for the gate string's unitary U,
 * computed from U's exact entries in Z[ω]/√2^k on GMP floats (the distance
 * of two 2×2 unitaries up to phase is sqrt(2 − |tr(Rz(θ)† U)|)). */
double synth_seq_distance(const char *gates, double theta);

/* The letter's OpenQASM gate name ("h", "s", "sdg", "t", "tdg", "z"). */
const char *synth_gate_name(char letter);

/* A cache of synthesized angles keyed on the bits of θ and ε (compiled
 * circuits repeat the same angles many times). */
typedef struct SynthCache SynthCache;
SynthCache *synth_cache_new(void);
/* the sequence for (θ, ε), synthesized on first use; owned by the cache */
const SynthSeq *synth_cache_rz(SynthCache *c, double theta, double eps, char *err, size_t errlen);
/* lookups answered from the cache / synthesized */
void synth_cache_stats(const SynthCache *c, size_t *hits, size_t *misses);
void synth_cache_free(SynthCache *c);

#endif
