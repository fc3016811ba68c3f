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
typedef struct Flat Flat;

/* One leaf operation as the kernels see it, in state qubits: what a gate
 * or multiplexor of the IR becomes once its controls, inverse and power
 * are folded in. The unfused walk applies it at once (leaf_apply); flat
 * fusion (flat.c) queues it. */
typedef enum LeafKind {
    LEAF_1Q,    /* m (2×2) on t0 under ctrl/neg (sim_apply_mc1q) */
    LEAF_X,     /* X on t0 under ctrl/neg (sim_apply_mcx) */
    LEAF_PHASE, /* e^{i·phi} where the qubits of ctrl fire (sim_apply_mcphase) */
    LEAF_SWAP,  /* SWAP t0, t1 under ctrl/neg */
    LEAF_UCRY,  /* multiplexed Ry/Rz on t0, selects sel[0..nsel), angles[2^nsel] */
    LEAF_UCRZ,
} LeafKind;

typedef struct Leaf {
    LeafKind kind;
    int t0, t1;
    uint64_t ctrl, neg;
    double phi;
    double _Complex m[4];
    int nsel;
    int *sel;       /* malloc'd (multiplexors) */
    double *angles; /* malloc'd (multiplexors) */
} Leaf;

/* The leaf's kernel call on sv (the unfused path, the reference). */
void leaf_apply(StateVec *sv, const Leaf *L);
void leaf_free(Leaf *L);

/* The state of one walk over a circuit. */
typedef struct Exec {
    const Circuit *c;
    StateVec *sv;
    gsl_rng *rng;
    SimRunResult *res;
    size_t cappost;
    char **err;
    Fuse *fu; /* gate fusion; NULL: off */
    Flat *fl; /* flat fusion and cache blocking of leaves; NULL: off */
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

/* Flat fusion (flat.c): leaves are queued and applied, fused and cache
 * blocked, at the next flush; a flush comes before any measurement,
 * reset, post-selection or dense application and at the end of a run. */
Flat *sim_flat_new(const StateVec *sv);
void sim_flat_free(Flat *F);
/* Queues L (taking its tables); flushes when the queue is full. */
void sim_flat_push(Exec *X, Leaf *L);
void sim_flat_flush(Exec *X);
/* Adds the counters of the run to res. */
void sim_flat_stats(const Flat *F, SimRunResult *res);

#endif
