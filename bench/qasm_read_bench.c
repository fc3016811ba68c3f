/* qasm_read_bench.c — how long the OpenQASM reader takes on the inputs that
 * were once quadratic or worse (issue 13, docs/bench.md): calls with
 * distinct arguments (interned by hash), many bit-register declarations,
 * an else-if chain in a loop, and nested loops that meet the unroll limit.
 * Each input is generated here, read by qasm_read (elaboration into the
 * circuit IR, as `qgdc count` and `qgdc sim` do), and timed; best of 3.
 * Run: make bench (or build/release/bench/qasm_read_bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "support/diag.h"
#include "support/util.h"

#define HDR "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"

static void distinct_calls(StrBuf *b, int n)
{
    sb_puts(b, HDR "gate g(t) a { rz(t) a; }\nqubit q;\n");
    for (int i = 0; i < n; i++)
        sb_printf(b, "g(%d.25) q;\n", i);
}

static void bit_declarations(StrBuf *b, int n)
{
    sb_puts(b, HDR "qubit q;\nbit c;\n");
    for (int i = 0; i < n; i++)
        sb_printf(b, "bit c%d;\n", i);
    sb_puts(b, "c = measure q;\n");
}

static void else_if_chain(StrBuf *b, int n)
{
    sb_puts(b, HDR "qubit q;\nbit c;\nc = measure q;\nfor i in [0:1] { if (c) x q; ");
    for (int i = 0; i < n; i++)
        sb_puts(b, "else if (c) x q; ");
    sb_puts(b, "else z q; }\n");
}

static void nested_loops(StrBuf *b, int n)
{
    sb_printf(b, HDR "qubit q;\nfor i in [0:%d] { for j in [0:%d] { x q; } }\n", n, n);
}

/* Seconds to read text (best of 3); *ok whether it was accepted. */
static double time_read(const char *name, const char *text, bool *ok)
{
    double best = 1e300;
    FILE *null = tmpfile(); /* diagnostics of refused inputs, not shown */
    diag_set_stream(null);
    for (int r = 0; r < 3; r++) {
        SrcFile *src = srcfile_from_string(name, text, strlen(text));
        Circuit c;
        diag_reset();
        double t0 = monotonic_seconds();
        *ok = qasm_read(src, &c);
        double dt = monotonic_seconds() - t0;
        if (*ok)
            circuit_free(&c);
        srcfile_free(src);
        if (dt < best)
            best = dt;
    }
    diag_set_stream(NULL);
    diag_reset();
    if (null)
        fclose(null);
    return best;
}

int main(void)
{
    static const struct {
        const char *what;
        void (*gen)(StrBuf *, int);
        int n;
    } cases[] = {
        {"calls with distinct arguments", distinct_calls, 64000},
        {"calls with distinct arguments", distinct_calls, 300000},
        {"bit-register declarations", bit_declarations, 20000},
        {"else-if chain in a loop", else_if_chain, 60},
        {"nested loops, 10^5 x 10^5 (refused)", nested_loops, 100000},
    };
    printf("OpenQASM reader (qasm_read), best of 3\n");
    printf("%-38s %8s %10s %10s\n", "input", "n", "seconds", "result");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        StrBuf b = {0};
        cases[i].gen(&b, cases[i].n);
        bool ok;
        double t = time_read("bench.qasm", b.s, &ok);
        printf("%-38s %8d %10.3f %10s\n", cases[i].what, cases[i].n, t, ok ? "read" : "refused");
        sb_free(&b);
    }
    return 0;
}
