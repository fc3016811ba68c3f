/* readout_ae.h — the read-out protocols of u(T), simulated honestly, and
 * the formulas that count them (docs/readout.md).
 *
 * Protocols (ReadoutProtocol, the option `readout`):
 *   shadows        the paper's count, m²·r³/ε² kept shots (Liu et al.,
 *                  supplement II.D: Clifford shadows of an r-sparse state,
 *                  1-norm error ε); a count only, nothing is simulated;
 *   l2_sampling    today's protocol of readout.h: N kept shots of the
 *                  solution register (magnitudes, normalised by block 0)
 *                  and N per parameter in an interference circuit (signs);
 *   amplitude_estimation
 *                  every probability the sampling protocol reads is
 *                  instead estimated by canonical amplitude estimation
 *                  (Brassard, Høyer, Mosca, Tapp 2002, "Quantum amplitude
 *                  amplification and estimation", Thm 11 and 12) on the
 *                  UN-post-selected solver unitary A: the good projector is
 *                  "every post-selected qubit at its kept value" ∧ the basis
 *                  outcome. Estimates: block 0 (a₀ = P·p₀), each parameter
 *                  pooled over the copies T..T+P (a_i = P·Σ_c p(T+c, 1, i)),
 *                  and the two outcomes of its sign circuit (a_i± = P·p_i±),
 *                  3n + 1 in all; P = P(kept) cancels in every ratio.
 *
 * Amplitude estimation, as simulated. With M clock states (t clock qubits,
 * M = 2^t), the Grover iterate Q = −A·S₀·A†·S_χ is applied M − 1 times under
 * phase estimation: 2(M − 1) + 1 = 2M − 1 uses of A or A† per estimate. For
 * good probability a = sin²θ, θ ∈ [0, π/2], the clock reads y with
 *     P(y) = ½ [D(y/M − θ/π) + D(y/M + θ/π)],
 *     D(δ) = sin²(Mπδ) / (M² sin²(πδ))   (D = 1 where sin(πδ) = 0),
 * and the estimate is ã = sin²(πy/M) (BHMT Thm 11). With probability at
 * least 8/π² the angle is within π/M, so |√ã − √a| ≤ π/M (Thm 12, k = 1).
 * Each estimate is the median of R such repetitions; readout_ae_estimate
 * draws y from this closed form with GSL's Mersenne Twister, given the
 * exact a of the simulated state (tests/unit/test_readout_ae.c builds the
 * QAE circuit, controlled Q under phase estimation, and checks that its
 * clock distribution equals this form to 1e-9).
 *
 * Solver calls. Sampling: one kept shot costs 1/P(kept) calls on average,
 * so calls = (kept shots over all circuits)/P. Amplitude estimation: calls
 * = uses of A or A† = estimates · R · (2M − 1); no post-selection.
 *
 * Error measures of u(T) (ReadoutMeasure):
 *   linf   max_i |ũ_i − u_i| ≤ ε       (qgdc's `precision`);
 *   l2     ‖ũ − u‖₂ ≤ ε·‖u‖₂           (relative ℓ2 of the vector).
 * readout_count gives, for the state at hand (its exact probabilities),
 * the kept shots or clock states needed for error ε with probability at
 * least 1 − fail, and the solver calls; readout_model_count gives the same
 * at model scale from r, ε, P alone. Derivations and constants:
 * docs/readout.md ("Bounds"). */
#ifndef QGDC_READOUT_AE_H
#define QGDC_READOUT_AE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/linear.h"
#include "ir/problem.h"
#include "passes/carleman.h"
#include "passes/dilate.h"
#include "passes/qsolve.h"
#include "passes/readout.h"
#include "sim/statevec.h"

/* The protocol, in the order of the option `readout` (shadows |
 * l2_sampling | amplitude_estimation), so that a value of that option's
 * enum converts by a cast. */
typedef enum ReadoutProtocol {
    RO_SHADOWS = 0,
    RO_L2_SAMPLING,
    RO_AMPLITUDE_ESTIMATION,
    RO_NPROTOCOLS
} ReadoutProtocol;

typedef enum ReadoutMeasure {
    READOUT_LINF = 0,
    READOUT_L2,
    READOUT_NMEASURES
} ReadoutMeasure;

/* "shadows", "l2_sampling", "amplitude_estimation"; "linf", "l2" */
extern const char *const readout_protocol_names[RO_NPROTOCOLS];
bool readout_protocol_parse(const char *name, ReadoutProtocol *out);
extern const char *const readout_measure_names[READOUT_NMEASURES];
bool readout_measure_parse(const char *name, ReadoutMeasure *out);

/* ---- the exact probabilities of a simulated, post-selected state ---- */

typedef struct ReadoutProbs {
    size_t n;
    double p_kept;   /* P(kept) of one solver call (the run's post_product) */
    double p0;       /* block 0, given kept */
    double *p;       /* [n] Σ over the copies of p(T + c, level 1, i), given kept */
    double *pplus, *pminus; /* [n] the sign circuit's two outcomes, given kept */
    double *u_limit; /* [n] what the protocols converge to: sign(p+ − p−)·sign(ŷ_in[ref])·‖ŷ_in‖·√(p_i/(L·p0)), L copies */
} ReadoutProbs;

/* From sv as readout_sample reads it (sq[0..k−1] the solution register);
 * p_kept from the run. False with a message when a copy of sv does not fit
 * or block 0 has probability 0. */
bool readout_probs(const ReadoutPlan *pl, const StateVec *sv, const int *sq, unsigned k, double p_kept,
                   ReadoutProbs *out, char **err);
void readout_probs_free(ReadoutProbs *pr);

/* ---- canonical amplitude estimation (BHMT 2002) ---- */

/* out[y] = P(y), y = 0..M−1, for good probability a ∈ [0, 1], M ≥ 2. */
void qae_distribution(double a, uint64_t M, double *out);
/* sin²(πy/M) */
double qae_value(uint64_t y, uint64_t M);
/* Repetitions R (odd) whose median is within π/M of the angle for all of
 * `estimates` estimates with probability ≥ 1 − fail: Hoeffding on the
 * count of repetitions that miss (each misses with probability ≤ 1 − 8/π²):
 * R = ⌈ln(estimates/fail) / (2(8/π² − ½)²)⌉, made odd. */
unsigned qae_reps(double estimates, double fail);

/* ---- one read-out ---- */

typedef struct ReadoutEstimate {
    size_t n;
    double *u;             /* [n] the read-out u(T) */
    double calls;          /* solver calls it took */
    uint64_t kept_shots;   /* sampling: kept shots over all its circuits */
    unsigned clock_bits;   /* AE: t, M = 2^t clock states */
    unsigned reps;         /* AE: R */
    unsigned estimates;    /* AE: probabilities estimated (3n + 1) */
} ReadoutEstimate;

/* l2_sampling: readout_sample (today's protocol, bit for bit) with `shots`
 * kept shots per circuit; calls = its shots_total / P(kept). */
bool readout_estimate_sampling(const ReadoutPlan *pl, const ReadoutProbs *pr, const StateVec *sv, const int *sq,
                               unsigned k, uint64_t shots, unsigned long seed, ReadoutEstimate *out, char **err);
/* amplitude_estimation with 2^clock_bits clock states (1 ≤ clock_bits ≤
 * 24) and reps repetitions (odd, ≥ 1) per estimate. */
bool readout_estimate_ae(const ReadoutPlan *pl, const ReadoutProbs *pr, unsigned clock_bits, unsigned reps,
                         unsigned long seed, ReadoutEstimate *out, char **err);
void readout_estimate_free(ReadoutEstimate *e);

/* max_i |a_i − b_i|; ‖a − b‖₂ / ‖b‖₂ (the ℓ2 measure, relative to b). */
double readout_err_linf(const double *a, const double *b, size_t n);
double readout_err_l2(const double *a, const double *b, size_t n);

/* ---- what a target error costs, for the state at hand ---- */

typedef struct ReadoutCount {
    ReadoutProtocol protocol;
    ReadoutMeasure measure;
    double eps, fail;
    /* sampling */
    uint64_t shots;        /* kept shots per circuit */
    unsigned circuits;     /* 1 + n (magnitudes, then a sign circuit per parameter) */
    /* amplitude estimation */
    unsigned clock_bits;   /* t: M = 2^t clock states, M − 1 Grover iterates */
    unsigned reps, estimates;
    double calls;          /* solver calls */
} ReadoutCount;

/* The shots (l2_sampling) or the clock bits and repetitions
 * (amplitude_estimation) that make the read-out's error at most eps in
 * `measure` with probability ≥ 1 − fail, by the bounds of docs/readout.md,
 * evaluated on the exact probabilities pr; calls as above. False with a
 * message for shadows, eps ≤ 0, fail ∉ (0, 1), or counts beyond 2^63 /
 * 24 clock bits. */
bool readout_count(ReadoutProtocol p, ReadoutMeasure m, const ReadoutPlan *pl, const ReadoutProbs *pr, double eps,
                   double fail, ReadoutCount *out, char **err);

/* ---- what a target error costs, at model scale ---- */

/* The read-out of an upload at model scale: the r-entry vector
 * ψ = u(T)/‖u(T)‖ is read from the solver, each call landing in the
 * read-out blocks (success ∧ t ≥ T ∧ level 1) with probability p_success
 * (estimate.h's P_solve·P_read); eps is the error of ψ in `measure`
 * (ℓ∞: max_i |ψ̃_i − ψ_i|, i.e. |ũ_i − u_i| ≤ ε‖u‖; ℓ2: ‖ψ̃ − ψ‖₂ ≤ ε).
 * Counts (long double: r up to 1e9 and beyond), with probability ≥ 1 − fail:
 *   shadows, either measure: S = ⌈m²r³/ε²⌉ kept shots (the paper's bound,
 *     m qubits), calls = S/P;
 *   l2_sampling, l2: the bound of docs/readout.md ("The ℓ2 bound of
 *     sampling"), for the model protocol of readout_estimate_sampling_model:
 *     K read-out shots for the magnitudes (ψ̃_i = √(k_i/K)) and one sign
 *     batch of N' read-out-equivalent shots (interference with a uniform
 *     reference), with D_m = readout_l2_mag_dev(r, fail/2) and
 *     D_s = readout_l2_sign_dev(r, fail/2) (fail/4 when rP > 1, plus the
 *     union bound N' ≥ rP·ln(4rP/fail)):
 *       K = D_m^⅓ (D_m^⅓ + D_s^⅓)²/ε²,  N' = D_s^⅓ (D_m^⅓ + D_s^⅓)²/ε²,
 *     the cheapest split of ε between √(D_m/K) and √(D_s/N'); about
 *     9.8 r/ε² in all at large r; samples = ⌈K⌉ + ⌈N'⌉, calls = samples/P.
 *     samples_kp keeps Kerenidis–Prakash 2018 (arXiv:1808.09266, Thm 4.3)
 *     as a reference figure: 2·⌈252 r ln r/ε²⌉ (N = 36 r ln r/δ² samples
 *     for ‖ψ̃ − ψ‖₂ ≤ √7·δ, δ = ε/√7, N for the magnitudes and N for the
 *     signs; r < 2 counts as 2);
 *   l2_sampling, linf: magnitudes to δ = ε/7 with N₁ = ⌈ln(4r/fail)/δ²⌉
 *     (Chernoff with KL ≥ Hellinger²: P(|√p̂ − √p| ≥ δ) ≤ 2e^(−Nδ²)),
 *     the same reference-state sign batch with N₂ = ⌈ln(8r/fail)/δ²⌉:
 *     flipped signs only where |ψ_i| ≤ 3δ, error ≤ 7δ = ε; calls = (N₁+N₂)/P;
 *   amplitude_estimation, linf: the 3r + 1 estimates (r magnitudes, the
 *     normalising P, 2r sign outcomes against the reference state) each
 *     with M = 2^⌈log2(16π/(ε√P))⌉ clock states and R = qae_reps(3r + 1,
 *     fail) repetitions: calls = (3r + 1)·R·(2M − 1);
 *   amplitude_estimation, l2: the same with ε/√r per entry (‖·‖₂ ≤
 *     √r·‖·‖∞), calls ∝ r^1.5 log r/ε, rigorous; calls_vacgn holds van
 *     Apeldoorn–Cornelissen–Gilyén–Nannicini 2023's O(r log(r/fail)/ε)
 *     with constant 1 and the same 1/√P, r·ln(r/fail)/(ε√P): the paper
 *     states the order only, so it is a reference figure, not a bound.
 * calls is rounded up into the mpz. */
typedef struct ReadoutModelCost {
    long double samples;   /* kept shots (shadows, sampling) or uses of A per estimate·R (AE) */
    long double calls;     /* solver calls per upload */
    long double calls_vacgn; /* AE l2 only: the vACGN-order figure (constant 1); else 0 */
    long double samples_mag, samples_sign; /* sampling l2: K and N' (samples = their sum); else 0 */
    long double samples_kp; /* sampling l2: Kerenidis–Prakash's 2·⌈252 r ln r/ε²⌉ (reference); else 0 */
    unsigned clock_bits, reps; /* AE */
    const char *bound;     /* the bound used, in words */
} ReadoutModelCost;

bool readout_model_count(ReadoutProtocol p, ReadoutMeasure m, long double r, double eps, double p_success,
                         double fail, unsigned m_qubits, mpz_t calls, ReadoutModelCost *out, char **err);

/* ---- the ℓ2 bound of sampling (docs/readout.md, "The ℓ2 bound of sampling") ---- */

/* Magnitudes. With K shots of an n-outcome distribution p and p̂ the
 * frequencies, Z = Σ_i (√p̂_i − √p_i)² ≤ D_m/K with probability ≥ 1 − f,
 *     D_m = min(n − 1 + 4√(nL) + 2L, n·ln(2n/f)),  L = ln(2/f);
 * 0 for n ≤ 1 (the direction of one entry is exact). */
double readout_l2_mag_dev(double n, double f);
/* Signs. n entries of a unit vector ψ, each sign read wrong (ties
 * included) with probability ≤ e^(−N'ψ_i²), independently given the pair
 * totals: 4·Σ_{wrong} ψ_i² ≤ D_s/N' with probability ≥ 1 − f,
 *     D_s = 4(√(n/e) + √ln(1/f))². */
double readout_l2_sign_dev(double n, double f);
/* The model count's split (readout_model_count, l2_sampling, l2): K and N'
 * of the header comment above, before rounding up; P = p_success. */
void readout_l2_model_shots(long double r, double eps, double fail, double p_success, long double *mag,
                            long double *sign);
/* The bound for the state at hand (readout_count, l2_sampling, l2):
 * with N kept shots per circuit (the register, then one sign circuit per
 * parameter, as readout_sample), ‖ũ − u‖₂ ≤ B(N)·‖u‖₂ with probability
 * ≥ 1 − fail, u = pr->u_limit; B(N) = √(D_m/K_min) + E_s(N) + R(N), the
 * direction, sign and block-0 scale terms of docs/readout.md. INFINITY
 * when N is too small for the bound to say anything. */
double readout_l2_bound(const ReadoutPlan *pl, const ReadoutProbs *pr, uint64_t N, double fail);

/* The model protocol, simulated on a unit vector psi[r] (normalised here)
 * that the solver writes into its read-out blocks with probability p_read
 * per call (0 < p_read ≤ 1):
 *   magnitudes  the first `shots` calls that land in the read-out blocks:
 *               counts k ~ Multinomial(shots, ψ²), ψ̃_i = √(k_i/shots);
 *   signs       ⌈sign_shots/p_read⌉ calls of one interference circuit: a
 *               control qubit in |+⟩ selects the solver or a reference
 *               state Σ_i |i⟩/√r on the read-out entries, then h on the
 *               control; outcome (±, i) has probability
 *               (√p_read·ψ_i ± 1/√r)²/4, the rest (1 − p_read)/2; the sign
 *               of ψ̃_i is + when n_i+ ≥ n_i−.
 * Both batches drawn exactly (binomial splits, GSL's Mersenne Twister
 * seeded with seed). calls = calls landing (shots/p_read, the expectation)
 * + the sign batch's; kept_shots = shots + sign_shots. */
bool readout_estimate_sampling_model(const double *psi, size_t r, double p_read, uint64_t shots,
                                     uint64_t sign_shots, unsigned long seed, ReadoutEstimate *out, char **err);

/* ---- a simulated solver to read from (tests, benchmarks) ---- */

/* The state `qgdc run` reads out at default options (no amplification):
 * Carleman, unroll, qsolve_build with the file's κ0, clock bits and
 * precision, simulated with the file's seed; the plan, the solution
 * register, P(kept), the exact probabilities and u_state, the exact
 * u(x_q) of the kept state by readout_exact (run's "state" column). */
typedef struct ReadoutSetup {
    Carleman cm;
    LinSystem s;
    QSolve qs;
    StateVec *sv;          /* post-selected */
    ReadoutPlan pl;
    int sq[DILATE_MAX_QUBITS];
    unsigned k;
    double p_kept;
    ReadoutProbs pr;
    double *u_state;       /* [n] */
} ReadoutSetup;

bool readout_setup_gd(const GdProblem *p, ReadoutSetup *out, char **err);
void readout_setup_free(ReadoutSetup *rs);

/* ---- the measured scaling ---- */

/* Least-squares line through (ln x_i, ln y_i): slope, intercept; points
 * with x or y not positive are skipped. False when fewer than 2 remain. */
bool readout_fit_loglog(const double *x, const double *y, size_t n, double *slope, double *intercept);

#endif
