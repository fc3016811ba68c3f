/* dump.c — see dump.h. */
#include "pipeline/dump.h"

#include <string.h>

const char *const pass_names[PASS_COUNT] = {"problem", "carleman", "unroll", "dilate", "encode", "solver", "lower"};

const char *const pass_docs[PASS_COUNT] = {
    "the problem IR, as check --dump-ir prints it",
    "Carleman truncation: the matrix C on the lifted vector and its constant",
    "the unrolled system M x = B over T steps and the idle blocks",
    "the Hermitian dilation H of M and its right-hand side b",
    "the circuit after the block encoding: its definitions (PREP, SELECT, oracles)",
    "the assembled solver circuit: registers, definitions, main block",
    "the solver circuit lowered to basis gates (the --flat form)",
};

int pass_lookup(const char *name)
{
    for (int i = 0; i < PASS_COUNT; i++)
        if (!strcmp(name, pass_names[i]))
            return i;
    return -1;
}

bool dump_wants(const DumpAfter *d, PassId pass) { return d && d->pass == (int)pass && !d->done; }

void dump_done(DumpAfter *d) { d->done = true; }
