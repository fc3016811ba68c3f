/* statevec.h — the simulator's kernel layer: a state vector of n qubits,
 * the gate kernels specialised by gate class, measurement, sampling and
 * dumps. The circuit executor (src/sim, later) lowers each IR gate to one of
 * these calls; nothing here knows the circuit IR.
 *
 * Conventions
 *   Qubit q is bit q of the amplitude index: qubit 0 is the least
 *   significant bit (OpenQASM / Qiskit order). A basis label is printed
 *   with the highest qubit first.
 *   A 2×2 matrix is row-major {m00, m01, m10, m11}. A 4×4 matrix on
 *   (q0, q1) is row-major over the local index j = bit(q0) | bit(q1) << 1,
 *   so q0 is the less significant qubit of the matrix, whatever the
 *   positions of q0 and q1 in the register.
 *   Controls are a bit mask `ctrl` of control qubits and a mask
 *   `neg` ⊆ ctrl of the negative ones (they fire on |0⟩; the others on
 *   |1⟩). A controlled kernel reads and writes only the amplitudes whose
 *   controls fire.
 *   A multiplexor's control value is c = Σ_j bit(controls[j]) << j: the
 *   first control listed is the least significant bit of c.
 *   Ry(θ) = [[cos θ/2, −sin θ/2], [sin θ/2, cos θ/2]],
 *   Rz(θ) = diag(e^{−iθ/2}, e^{iθ/2}).
 *
 * Errors
 *   Misuse by the caller (a qubit out of range, a target that is also a
 *   control, neg ⊄ ctrl, a NULL pointer, a wrong length) is a bug in qgdc:
 *   an ICE that names the public function that was misused. Conditions a
 *   user's program can cause (a state vector too big for the memory budget,
 *   post-selecting a branch of probability 0) return false / NULL with a
 *   malloc'd message in *err for the caller to print and free; with
 *   err == NULL the message goes to diag_plain.
 *
 * Memory
 *   sim_create allocates the 2^n × 16-byte vector (64-byte aligned) after
 *   checking it against mem_budget(); sim_destroy frees it. Kernels
 *   allocate only small tables (sim_apply_mcdense: batch buffers of 4 MiB
 *   per thread): a multiplexor takes 16 KiB plus 16 bytes
 *   per control value (Ry, Rz); sim_probabilities takes 64 × 2^k × 8 bytes
 *   of scratch for registers of k ≤ 12 qubits, none above; sampling
 *   allocates 40 bytes per register value, checked against the budget.
 *
 * Threads
 *   Loops over the state run under OpenMP (schedule(static)) on as many
 *   threads as give each at least sim_parallel_min() iterations (default
 *   2^15; a gate kernel's iterations are the amplitude pairs or groups it
 *   visits), serially when fewer than 2 would. Reductions (norms,
 *   probabilities) are summed in 64 chunks fixed by the size alone, so
 *   every result, and so every sample, is bitwise the same for any number
 *   of threads. Idle threads wait passively once main has called
 *   sim_threads_init (qgdc's does). None of these functions may be called
 *   concurrently on the same state. */
#ifndef QGDC_STATEVEC_H
#define QGDC_STATEVEC_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The largest state the index arithmetic allows; the memory budget
 * refuses far smaller ones on any real machine. */
#define SIM_MAX_QUBITS 58

typedef struct StateVec {
    int nqubits;
    uint64_t dim;         /* 2^nqubits */
    double _Complex *amp; /* dim amplitudes, 64-byte aligned */
} StateVec;

/* ---- life cycle ---- */

/* A state of nqubits (0 ≤ nqubits) qubits in |0…0⟩, or NULL with a message
 * saying how many bytes it needs and what the budget is. */
StateVec *sim_create(int nqubits, char **err);
void sim_destroy(StateVec *sv); /* NULL is allowed */
void sim_reset_zero(StateVec *sv);
void sim_set_basis(StateVec *sv, uint64_t index);
/* Copies count == dim amplitudes; no normalisation. */
void sim_set_amplitudes(StateVec *sv, const double _Complex *amp, uint64_t count);
double sim_norm2(const StateVec *sv); /* Σ |a_i|² */
/* The mask of a list of distinct qubits. */
uint64_t sim_qubit_mask(const StateVec *sv, const int *qubits, int count);

/* A loop runs on as many threads as give each at least n iterations
 * (default 2^15), serially below 2 (tests and benchmarks set 1 to exercise
 * the parallel paths on small states; 0 counts as 1). */
void sim_set_parallel_min(uint64_t n);
uint64_t sim_parallel_min(void);
/* The threads a loop of n iterations runs on: min(omp_get_max_threads(),
 * n / sim_parallel_min()), at least 1. */
int sim_threads_for(uint64_t n);

/* Passive waiting for OpenMP's threads (threads.c): called first thing in
 * main with main's argv, it sets OMP_WAIT_POLICY=passive and executes the
 * program again when neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set and
 * OpenMP would use several threads; otherwise, or if that fails, returns. */
void sim_threads_init(char *const *argv);

/* ---- gates ---- */

/* Dense 1-qubit gate; a diagonal m is passed to the diagonal kernel and a
 * real m runs a real kernel. */
void sim_apply_1q(StateVec *sv, int target, const double _Complex m[4]);
void sim_apply_mc1q(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, const double _Complex m[4]);

/* diag(d0, d1) on target; a factor equal to 1 leaves its half untouched. */
void sim_apply_diag1(StateVec *sv, int target, double _Complex d0, double _Complex d1);
void sim_apply_mcdiag1(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, double _Complex d0,
                       double _Complex d1);

/* Multiplies by e^{iφ} the amplitudes whose qubits in `qubits` are all 1,
 * except those in neg ⊆ qubits, which must be 0: P, Z, S, T, CZ, CP, CCZ,
 * …; qubits == 0 is a global phase (gphase). Touches dim / 2^popcount(qubits)
 * amplitudes. */
void sim_apply_mcphase(StateVec *sv, uint64_t qubits, uint64_t neg, double phi);

/* Permutations: amplitudes are swapped, no arithmetic. */
void sim_apply_x(StateVec *sv, int target);
void sim_apply_cx(StateVec *sv, int control, int target);
void sim_apply_ccx(StateVec *sv, int control0, int control1, int target);
void sim_apply_mcx(StateVec *sv, int target, uint64_t ctrl, uint64_t neg);
void sim_apply_swap(StateVec *sv, int q0, int q1);
void sim_apply_mcswap(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg);

/* Dense 4×4 gate on (q0, q1), local index bit(q0) | bit(q1) << 1. */
void sim_apply_2q(StateVec *sv, int q0, int q1, const double _Complex m[16]);
void sim_apply_mc2q(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg, const double _Complex m[16]);

/* Dense 2^k × 2^k gate m (row-major) on targets[0..k), local index
 * j = Σ_t bit(targets[t]) << t (targets[0] is the least significant, as for
 * the 4×4 gates), under controls: touches only the amplitudes whose
 * controls fire. 0 ≤ k ≤ SIM_DENSE_MAX_QUBITS; k = 0 multiplies the firing
 * amplitudes by m[0]. The amplitudes are gathered in groups of 2^k, up to
 * 2^17 amplitudes at a time, and multiplied by m with one zgemm per batch
 * (OpenBLAS, one thread per batch; batches fixed by the sizes, shared out
 * by OpenMP). Allocates 2 × 2 MiB of batch buffers per thread (more for
 * k > 17). The executor's gate fusion (exec.h) applies fused calls here. */
#define SIM_DENSE_MAX_QUBITS 20
void sim_apply_mcdense(StateVec *sv, const int *targets, int k, uint64_t ctrl, uint64_t neg,
                       const double _Complex *m);

/* Uniformly controlled (multiplexed) gates: for each control value c,
 * the gate with parameter c on target. ncontrols may be 0. */
void sim_apply_uc1q(StateVec *sv, int target, const int *controls, int ncontrols,
                    const double _Complex *m /* 4 · 2^ncontrols, m + 4c for c */);
void sim_apply_ucry(StateVec *sv, int target, const int *controls, int ncontrols,
                    const double *angles /* 2^ncontrols */);
void sim_apply_ucrz(StateVec *sv, int target, const int *controls, int ncontrols,
                    const double *angles /* 2^ncontrols */);

/* ---- measurement ---- */

double sim_prob_one(const StateVec *sv, int q); /* Σ |a_i|² over bit q = 1 */
/* Draws the outcome of q from rng (one gsl_rng_uniform), projects onto it
 * and renormalises. Returns 0 or 1; *prob (may be NULL) gets the
 * probability the outcome had. */
int sim_measure(StateVec *sv, int q, gsl_rng *rng, double *prob);
/* Projects q onto value and renormalises; *prob (may be NULL) gets the
 * branch probability. A branch of probability 0 is refused (state
 * unchanged). */
bool sim_postselect(StateVec *sv, int q, int value, double *prob, char **err);
/* Measures q and flips it to |0⟩ if it was 1; returns the outcome. */
int sim_reset_qubit(StateVec *sv, int q, gsl_rng *rng);

/* Marginal distribution of the register qubits[0..k): out[v] for
 * v = Σ_j bit(qubits[j]) << j, 2^k entries. Unnormalised if the state is. */
void sim_probabilities(const StateVec *sv, const int *qubits, int k, double *out);

/* Draws nshots outcomes of the register from the current state without
 * touching it, with a Mersenne Twister seeded by seed (gsl_rng_mt19937;
 * as in GSL, seed 0 means 4357): the same seed gives the same shots.
 * sim_sample adds them into counts[2^k] (zeroed first); sim_sample_shots
 * writes them in order into shots[nshots]. False with a message when the
 * 2^k-entry tables do not fit the memory left beside the state. */
bool sim_sample(const StateVec *sv, const int *qubits, int k, uint64_t nshots, unsigned long seed,
                uint64_t *counts, char **err);
bool sim_sample_shots(const StateVec *sv, const int *qubits, int k, uint64_t nshots, unsigned long seed,
                      uint64_t *shots, char **err);

/* ---- output ---- */

/* One line per basis state with |a|² > eps: "|b…b> re im prob". */
void sim_dump_amplitudes(const StateVec *sv, FILE *fp, double eps);
/* One line per register value with p > eps: "|b…b> prob". */
void sim_dump_probabilities(const StateVec *sv, const int *qubits, int k, FILE *fp, double eps);

/* A progress bar on stderr, drawn only when stderr is a terminal and the
 * run has lasted half a second; done == total ends the line. Call from
 * one thread; a call with done == 0 starts a new run. */
void sim_progress(uint64_t done, uint64_t total);
/* The bar's text ("[####....]  45%  450/1000"), for sim_progress and tests. */
void sim_progress_text(char *buf, size_t len, uint64_t done, uint64_t total, int width);

#endif
