/* exec_internal.h — what the circuit walker (exec.c) and gate fusion
 * (fuse.c) share. Not for use outside src/sim. */
#ifndef QGDC_EXEC_INTERNAL_H
#define QGDC_EXEC_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"

typedef struct Fuse Fuse;

/* The state of one walk over a circuit. */
typedef struct Exec {
    const Circuit *c;
    StateVec *sv;
    gsl_rng *rng;
    SimRunResult *res;
    size_t cappost;
    char **err;
    Fuse *fu; /* gate fusion; NULL: off */
} Exec;

static inline uint64_t bit(uint32_t q) { return (uint64_t)1 << q; }

/* One pass over a definition's body, reversed and inverted under inv
 * (exec.c). */
bool exec_body(Exec *X, const GateDef *d, const uint32_t *fmap, uint64_t ctrl, uint64_t neg, bool inv);

/* Fusion (fuse.c). state_bytes: the state the run works on, which the
 * cache must leave room for. */
Fuse *sim_fuse_new(const Circuit *c, SimFuse mode, double state_bytes, SimRunResult *stats);
void sim_fuse_free(Fuse *F);
/* A call (its controls already in ctrl/neg, inv the combined inverse)
 * applied as one dense matrix; false: run the body instead. */
bool sim_fuse_call(Exec *X, const Op *op, const uint32_t *fmap, uint64_t ctrl, uint64_t neg, bool inv);

#endif
