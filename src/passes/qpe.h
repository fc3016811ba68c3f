/* qpe.h — pass_qpe: quantum phase estimation of a unitary given as a gate
 * definition (the qubitized walk W of block_encode.h), and the quantum
 * Fourier transform it ends with.
 *
 * Conventions. A clock register of p qubits clock[0..p−1] holds the
 * integer j = Σ_k bit(clock[k])·2^k (clock[0] least significant, the
 * multiplexor select order of circuit.h). qft_def builds
 *     QFT |j⟩ = 2^(−p/2) Σ_k e^{2πi·jk/2^p} |k⟩
 * exactly (Hadamards, controlled phases p(π/2^d), then swaps that reverse
 * the register), global phase included.
 *
 * pass_qpe defines `qpe` on the formals (clock[0..p−1], target[0..w−1]):
 *     h on every clock qubit; for k = 0..p−1: pow(2^k) @ ctrl(clock[k]) @ U
 *     on the target; inv @ qft on the clock.
 * For U|ψ⟩ = e^{2πiφ}|ψ⟩ the clock then holds the p-bit estimate of 2^p·φ
 * (exactly j when 2^p·φ = j is an integer; otherwise the usual sinc²
 * distribution around it). For the walk with eigenphases ±arccos(λ/α)
 * both branches give the same α·cos(2πj/2^p), which is what the inversion
 * (invert.h) reads. The controlled powers stay single nodes: the QPE of a
 * 60-bit clock is 60 calls. The definition acts on registers only, so the
 * uncompute step is its inverse call (solver.h).
 *
 * Needs: u a definition of c, 1 ≤ p ≤ 63. Gives: the
 * definition index (added to c), with the qft definition it calls. */
#ifndef QGDC_QPE_H
#define QGDC_QPE_H

#include <stdint.h>

#include "ir/circuit.h"

/* The p-qubit QFT as a definition named `name`; returns its index. */
uint32_t qft_def(Circuit *c, const char *name, unsigned p);
/* The phase-estimation definition of U = def u with p clock qubits;
 * returns its index. With u_controlled, u is already the controlled
 * unitary |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U with the control as formal 0 (cheaper
 * than a ctrl modifier when only part of U needs the control, as in the
 * walk: ctrl-(A†BA) = A†(ctrl-B)A), and is called as pow(2^k) @ u(clock[k],
 * target) without a modifier; the target has u's width less one. */
uint32_t pass_qpe(Circuit *c, uint32_t u, unsigned p, bool u_controlled);

#endif
