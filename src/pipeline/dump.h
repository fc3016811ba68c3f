/* dump.h — the named passes of the compiler and --dump-after=PASS: the IR
 * after any pass as stable text (STYLE.md §3).
 *
 * Each pass that produces an IR calls dump_after() with its id; when that
 * is the pass the user asked for, its IR is printed (once) to the hook's
 * stream. The passes of each pipeline, in order, are listed in
 * pipeline/compile.h. */
#ifndef QGDC_DUMP_H
#define QGDC_DUMP_H

#include <stdbool.h>
#include <stdio.h>

typedef enum PassId {
    PASS_PROBLEM,  /* the problem IR (check --dump-ir's text) */
    PASS_CARLEMAN, /* the truncated Carleman matrix and right-hand side */
    PASS_UNROLL,   /* the unrolled linear system M x = B */
    PASS_DILATE,   /* the Hermitian dilation H and b */
    PASS_ENCODE,   /* the circuit after the block encoding: its definitions */
    PASS_SOLVER,   /* the assembled solver circuit (hierarchical) */
    PASS_LOWER,    /* the circuit lowered to basis gates (what --flat writes) */
    PASS_COUNT
} PassId;

extern const char *const pass_names[PASS_COUNT];
/* A one-line description of each pass, for --dump-after=list. */
extern const char *const pass_docs[PASS_COUNT];

typedef struct DumpAfter {
    int pass;  /* a PassId, or −1: none */
    FILE *out;
    bool done; /* the dump was written */
} DumpAfter;

/* The pass named name, or −1. */
int pass_lookup(const char *name);

/* True when d asks for pass and has not printed it yet: the caller then
 * prints its IR to d->out and calls dump_done(d). NULL d: false. */
bool dump_wants(const DumpAfter *d, PassId pass);
void dump_done(DumpAfter *d);

#endif
