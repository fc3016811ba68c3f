/* qasm_fuzz.c — libFuzzer harness for the OpenQASM 3 reader (make fuzz).
 *
 * Every input goes through what `qgdc count`, `qgdc qasm`, `qgdc qasm
 * --flat` and `qgdc sim` do with a .qasm file: the lexer, the parser and the
 * elaboration into the circuit IR (qasm_read), then, when that succeeds,
 * the exact resource count (res_count, and for one input in 16 the
 * physical estimate), the
 * hierarchical OpenQASM output (qasm_emit), the lowering to the flat basis
 * (lower_circuit, then its text) and, for small circuits, a state-vector
 * simulation (sim_run_new). Diagnostics and outputs go to /dev/null. The
 * limits are small — 100,000 unrolled operations, 100,000 flat operations,
 * simulation only up to 10 qubits and 100,000 leaf operations, a 64 MiB
 * memory budget — so that no input can take long or use much memory;
 * everything else is exactly the code of the real binary. A crash, a
 * sanitizer report, a leak, an ICE (abort) or a timeout here is a bug in
 * qgdc. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "codegen/lower.h"
#include "codegen/qasm_emit.h"
#include "codegen/resources.h"
#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/diag.h"
#include "support/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void setup(void)
{
    devnull = fopen("/dev/null", "w");
    if (!devnull) {
        perror("qasm_fuzz: /dev/null");
        abort();
    }
    diag_set_stream(devnull);
    qasm_limits.max_unroll = 100000;
    mem_set_budget((size_t)64 << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();
    diag_reset();

    SrcFile *src = srcfile_from_string("fuzz.qasm", (const char *)data, size);
    Circuit c;
    if (qasm_read(src, &c)) {
        /* qgdc count */
        ResCounts rc;
        res_init(&rc);
        res_count(&c, &rc);
        res_print(&rc, NULL, devnull);
        char *err = NULL;
        /* The physical estimate depends on the counts alone (a few numbers)
         * and its factory search takes most of a run's time: one input in
         * 16 (by its length) gets it, the others stay fast. */
        if (size % 16 == 0) {
            ResPhysOptions po = {0};
            ResPhysical ph;
            res_phys_init(&ph);
            if (res_physical(&rc, &po, &ph, &err))
                res_print(&rc, &ph, devnull);
            free(err);
            err = NULL;
            res_phys_clear(&ph);
        }
        res_clear(&rc);

        /* qgdc qasm */
        if (!qasm_emit(&c, false, devnull, &err)) {
            free(err);
            err = NULL;
        }

        /* qgdc qasm --flat, with a small operation limit */
        if (!circuit_opaque(&c)) {
            Circuit low;
            LowerOptions lo = {100000};
            if (lower_circuit(&c, &low, &lo, &err)) {
                qasm_emit(&low, false, devnull, &err);
                circuit_free(&low);
            }
            free(err);
            err = NULL;
        }

        /* qgdc sim, small circuits only */
        if (c.nqubits <= 10 && sim_run_cost(&c) <= 100000) {
            SimRunOptions so = {1, 100000};
            SimRunResult res = {0};
            StateVec *sv = sim_run_new(&c, &so, &res, &err);
            sim_destroy(sv);
            sim_run_result_free(&res);
            free(err);
        }
        circuit_free(&c);
    }
    srcfile_free(src);
    return 0;
}
