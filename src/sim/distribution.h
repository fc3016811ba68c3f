/* distribution.h — the distribution of a circuit's classical bits, as
 * `qgdc sim` reports it.
 *
 * When every measurement is terminal (no measurement, reset or classical
 * control before the last gate), the body runs once and the measured
 * qubits' joint distribution is read off the state exactly (a qubit
 * measured into several bits gives them all its value; bits never
 * measured read 0), and shots are sampled from it. Otherwise the circuit
 * runs once per shot (seed + 7919·s for shot s) and only counts are
 * known. Post-selections are those of the (last) run.
 *
 * The bits shown: all the circuit's classical bits when it has at most
 * SIM_DIST_MAX_BITS of them; otherwise only those some measurement writes
 * (the others always read 0), in increasing order, as long as there are at
 * most SIM_DIST_MAX_BITS of those (the tables take 2^n × 16 bytes). So a
 * file that declares `bit[32] c;` and measures three bits is simulated,
 * and its distribution is over those three. */
#ifndef QGDC_DISTRIBUTION_H
#define QGDC_DISTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"

#define SIM_DIST_MAX_BITS 24

typedef struct SimDistribution {
    uint32_t nbits;   /* bits shown: value bit i is circuit bit shown[i] */
    uint32_t *shown;  /* [nbits] */
    uint32_t declared;/* the circuit's classical bits */
    bool exact;       /* terminal measurements: prob is exact */
    double *prob;     /* [2^nbits]: bit value v (bit i = c[shown[i]]) */
    uint64_t *counts; /* [2^nbits]: sampled shots */
    uint64_t shots;
    unsigned long seed;
} SimDistribution;

/* Index of the first terminal measurement or barrier of main, SIZE_MAX
 * when a measurement, reset or classical control comes earlier. */
size_t sim_terminal_start(const Circuit *c);

/* The bits a distribution of c shows (above) into shown[0..] (c->nbits
 * entries), and their number; more than SIM_DIST_MAX_BITS: too many to
 * show (shown then holds the first SIM_DIST_MAX_BITS + 1 of them). */
uint32_t sim_dist_shown(const Circuit *c, uint32_t *shown);

/* Runs circ (main is restored) and fills d; returns the final state
 * (of the last shot when not exact) for --state, with the run's
 * post-selections in *res; NULL with *err on a simulation error. The
 * caller checks sim_dist_shown(circ) ≤ SIM_DIST_MAX_BITS first (ICE
 * otherwise). progress: a progress
 * line on stderr for long per-shot runs. */
StateVec *sim_distribution(Circuit *circ, uint64_t shots, unsigned long seed, bool progress, SimDistribution *d,
                           SimRunResult *res, char **err);
void sim_distribution_free(SimDistribution *d);

#endif
