/* report/sim.h — `qgdc sim`'s report: the distribution of the measured
 * bits (exact, or sampled), post-selections, and the state with --state. */
#ifndef QGDC_REPORT_SIM_H
#define QGDC_REPORT_SIM_H

#include <stdio.h>

#include "sim/distribution.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/json.h"

/* Bits in OpenQASM notation, c[n-1] … c[0]. */
void report_sim(const char *path, uint32_t nqubits, const SimDistribution *d, const SimRunResult *res,
                const StateVec *state, FILE *fp);
void report_sim_json(uint32_t nqubits, const SimDistribution *d, const SimRunResult *res, JsonWriter *w);

#endif
