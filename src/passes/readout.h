/* readout.h — pass_readout for gradient descent: from the solver's kept
 * branch to u(T) (DESIGN.md, "Readout"; Liu et al. 2024, II.D).
 *
 * The solution x of the unrolled system holds ŷ(t) in time block t; block
 * 0 is ŷ_in exactly, u(T) is level 1 of block T and of its idle copies
 * T+1..T+P. A normalised state |x⟩ hides the scale, so the readout uses the
 * known block 0:
 *   magnitudes  |u_i(T)| = ‖ŷ_in‖·√(P(T, i)/P(0)), P(T, i) the frequency of
 *               the basis state (t, level 1, i) pooled over the copies and
 *               divided by their number, P(0) that of all of block 0;
 *   signs       sign(u_i) = sign(ŷ_in[r])·sign(P(+) − P(−)) from an
 *               interference circuit per parameter: a cx network from one
 *               qubit k where the indices a = (0, r) and b = (T, 1, i)
 *               differ onto the other differing qubits, then h on k, so
 *               that the two outcomes left hold (x_a ± x_b)/√2; r is the
 *               entry of ŷ_in of largest magnitude (its sign is known);
 *   shot noise  σ_i of |u_i| by the delta method on the multinomial
 *               counts, σ_i²/u_i² = ¼((1 − p_i)/(N p_i) + (1 − p_0)/(N p_0)
 *               + 2/N); the budget uses 3σ;
 *   the paper's tomography bound m²·r³/ε² (II.D, m = log2 of the solution
 *   dimension, r = n entries read, ε the precision) beside the shots used.
 * readout_exact applies the same rule to an exact vector, so the stages
 * of the error budget compare like with like. */
#ifndef QGDC_READOUT_H
#define QGDC_READOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/linear.h"
#include "sim/statevec.h"

typedef struct ReadoutPlan {
    size_t n;          /* parameters */
    size_t ncopies;    /* blocks T..T+P */
    size_t *pos;       /* [ncopies·n]: index of (T + c, level 1, i) at pos[c·n + i] */
    size_t nblock0;    /* Δ: the rows of block 0 */
    const double *y0;  /* ŷ_in (block 0 of the right-hand side), borrowed */
    double norm_y0;
    size_t ref;        /* argmax |ŷ_in| */
} ReadoutPlan;

void readout_plan(const LinSystem *s, ReadoutPlan *out);
void readout_plan_free(ReadoutPlan *pl);

/* u(T) from an exact solution vector x[dim] by the rule above (signs from
 * the vector itself, aligned so that ⟨x(0), ŷ_in⟩ > 0). */
void readout_exact(const ReadoutPlan *pl, const double *x, double *u);

typedef struct ReadoutResult {
    double *u;          /* [n] read-out u(T) */
    double *sigma;      /* [n] predicted standard deviation of |u_i| */
    uint64_t shots_magnitude, shots_sign, shots_total;
    uint64_t count0;    /* shots that landed in block 0 */
    uint64_t *count;    /* [n] pooled over the copies */
    double tomography_bound; /* m²·r³/ε² */
    unsigned wrong_risk;     /* parameters whose sign test had |P+ − P−| under 3σ */
} ReadoutResult;

/* Samples the solution register of a post-selected state: qubits sq[0..k−1]
 * hold the solution index (sq[0] least significant). `shots` shots for the
 * magnitudes and `shots` per parameter for the signs (each sign circuit
 * runs on a copy of sv). False with a message when a copy does not fit or
 * block 0 was never seen. */
bool readout_sample(const ReadoutPlan *pl, const StateVec *sv, const int *sq, unsigned k, uint64_t shots,
                    unsigned long seed, double precision, ReadoutResult *out, char **err);
void readout_result_free(ReadoutResult *r);

/* The sign circuit of the pair of solution indices (a, b), a ≠ b, on a new
 * copy of sv: cx from the lowest differing qubit k onto the other differing
 * ones, then h on k. The register values *lo and *hi then hold
 * (x_lo ± x_hi)/√2, so P(lo) − P(hi) has the sign of x_a·x_b. NULL with a
 * message when the copy does not fit. */
StateVec *readout_interfere(const StateVec *sv, const int *sq, unsigned k, size_t a, size_t b, size_t *lo, size_t *hi,
                            char **err);

#endif
