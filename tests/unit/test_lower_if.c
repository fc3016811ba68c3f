/* test_lower_if.c — the flat lowering of classically controlled operations.
 *
 * `if (c == k)` on a register of several bits is a chain of single-bit ifs
 * in the IR (one per bit), and so is an if inside an if or an else branch.
 * The flat lowering must keep the whole chain on every operation it emits
 * (it used to stop with "internal compiler error: lower: nested if").
 *
 * Each program is read, lowered, written by qasm_emit --flat and read back;
 * the exact distribution of its classical bits (every mid-circuit outcome
 * enumerated as a branch, post-selections applied) is computed for the
 * hierarchical and the flat circuit and must agree to 1e-12, with the same
 * post-selection probability. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"
#include "codegen/qasm_emit.h"
#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/diag.h"
#include "support/util.h"

#define TOL 1e-12

static bool read_text(const char *text, Circuit *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    diag_set_stream(mem);
    diag_reset();
    SrcFile *src = srcfile_from_string("test.qasm", text, strlen(text));
    bool ok = qasm_read(src, c);
    srcfile_free(src);
    fclose(mem);
    diag_set_stream(NULL);
    diag_reset();
    if (!ok)
        fprintf(stderr, "\n%s", buf);
    free(buf);
    return ok;
}

/* The exact branching simulation: dist[v] += weight of the branch ending
 * with bit value v (bits ≤ 16), weights unnormalised by post-selection. */
typedef struct Enum {
    const Circuit *c;
    double *dist;
} Enum;

static void run_one(const Enum *E, const Op *op, StateVec *sv)
{
    Circuit one = *E->c; /* the same definitions, main = this operation */
    Op *ops[1] = {(Op *)op};
    one.main.ops = ops;
    one.main.n = 1;
    SimRunOptions ro = {1, 0};
    char *err = NULL;
    bool ok = sim_run(&one, sv, &ro, NULL, &err);
    CU_ASSERT_FATAL(ok);
    free(err);
}

static void walk(const Enum *E, size_t i, StateVec *sv, uint32_t bits, double w)
{
    for (; i < E->c->main.n; i++) {
        const Op *op = E->c->main.ops[i];
        bool on = true;
        while (op->kind == OP_IF) {
            on = on && ((bits >> op->bit & 1) == (uint32_t)op->value);
            op = op->then;
        }
        if (!on)
            continue;
        if (op->kind == OP_MEASURE || op->kind == OP_RESET) {
            double p1 = sim_prob_one(sv, (int)op->q[0]);
            for (int o = 0; o < 2; o++) {
                double p = o ? p1 : 1 - p1;
                if (p < 1e-14)
                    continue;
                StateVec *b = sim_create(sv->nqubits, NULL);
                sim_set_amplitudes(b, sv->amp, sv->dim);
                CU_ASSERT_FATAL(sim_postselect(b, (int)op->q[0], o, NULL, NULL));
                uint32_t nb = bits;
                if (op->kind == OP_MEASURE)
                    nb = (bits & ~(1u << op->bit)) | (uint32_t)o << op->bit;
                else if (o)
                    sim_apply_x(b, (int)op->q[0]);
                walk(E, i + 1, b, nb, w * p);
                sim_destroy(b);
            }
            return;
        }
        if (op->kind == OP_POSTSELECT) {
            double p1 = sim_prob_one(sv, (int)op->q[0]);
            double p = op->value ? p1 : 1 - p1;
            if (p < 1e-14)
                return;
            CU_ASSERT_FATAL(sim_postselect(sv, (int)op->q[0], op->value, NULL, NULL));
            w *= p;
            continue;
        }
        run_one(E, op, sv);
    }
    E->dist[bits] += w;
}

static void exact(const Circuit *c, double *dist)
{
    CU_ASSERT_FATAL(c->nbits <= 16);
    memset(dist, 0, ((size_t)1 << c->nbits) * sizeof *dist);
    StateVec *sv = sim_create((int)c->nqubits, NULL);
    CU_ASSERT_FATAL(sv != NULL);
    Enum E = {c, dist};
    walk(&E, 0, sv, 0, 1.0);
    sim_destroy(sv);
}

static int count_ifs(const Block *b)
{
    int n = 0;
    for (size_t i = 0; i < b->n; i++)
        for (const Op *op = b->ops[i]; op->kind == OP_IF; op = op->then)
            n++;
    return n;
}

/* Reads text, lowers it, writes and re-reads the flat form; the exact
 * distributions agree (expect_kept: the kept probability, < 0: unknown). */
static void check_flat(const char *text, double expect_kept)
{
    Circuit h, f, r;
    CU_ASSERT_FATAL(read_text(text, &h));
    char *err = NULL;
    CU_ASSERT_FATAL(lower_circuit(&h, &f, NULL, &err));
    CU_ASSERT_FATAL(circuit_verify(&f));
    CU_ASSERT(count_ifs(&f.main) >= count_ifs(&h.main));
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    CU_ASSERT_FATAL(qasm_emit(&f, true, mem, &err));
    fclose(mem);
    CU_ASSERT_FATAL(read_text(buf, &r));
    CU_ASSERT_EQUAL(r.nbits, h.nbits);

    size_t n = (size_t)1 << h.nbits;
    double *dh = xcalloc(n, sizeof *dh), *df = xcalloc(n, sizeof *df), *dr = xcalloc(n, sizeof *dr);
    exact(&h, dh);
    exact(&f, df);
    exact(&r, dr);
    double kh = 0, kf = 0, kr = 0;
    for (size_t v = 0; v < n; v++)
        kh += dh[v], kf += df[v], kr += dr[v];
    if (expect_kept >= 0)
        ASSERT_CLOSE(kh, expect_kept, 1e-9);
    CU_ASSERT(kh > 0.05);
    ASSERT_CLOSE(kf, kh, TOL);
    ASSERT_CLOSE(kr, kh, TOL);
    for (size_t v = 0; v < n; v++) {
        ASSERT_CLOSE(df[v] / kf, dh[v] / kh, TOL);
        ASSERT_CLOSE(dr[v] / kr, dh[v] / kh, TOL);
    }
    free(dh), free(df), free(dr), free(buf);
    circuit_free(&h), circuit_free(&f), circuit_free(&r);
}

/* if (c == k) over a 3-bit register, on gates, a multi-controlled gate, a
 * call, a measurement and a reset. */
static void test_register_condition(void)
{
    check_flat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"
               "gate g(t) a, b { h a; cx a, b; rz(t) b; t b; }\n"
               "qubit[5] q;\nbit[3] c;\nbit[2] d;\n"
               "h q[0]; h q[1]; ry(0.7) q[2]; h q[4];\n"
               "c = measure q[0:2];\n"
               "if (c == 5) x q[0];\n"
               "if (c == 3) { ry(0.3) q[3]; ctrl(3) @ x q[0], q[1], q[4], q[3]; }\n"
               "if (c == 7) { ctrl(2) @ inv @ g(0.25) q[0], q[4], q[1], q[3]; pow(3) @ g(0.5) q[3], q[4]; }\n"
               "if (c == 6) { d[0] = measure q[4]; reset q[2]; }\n"
               "if (c == 1) negctrl @ ry(1.1) q[1], q[3];\n"
               "d[1] = measure q[3];\n"
               "c = measure q[0:2];\n",
               1.0);
}

/* An if inside an if, if/else chains, and a post-selection. */
static void test_nested_and_else(void)
{
    check_flat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"
               "qubit[4] q;\nbit[2] c;\nbit[2] d;\nbit[1] ps;\n"
               "h q[0]; ry(1.3) q[1]; h q[3];\n"
               "c = measure q[0:1];\n"
               "if (c[0] == 1) { if (c[1] == 0) { h q[2]; } else { rz(0.4) q[2]; ry(0.9) q[2]; cx q[2], q[3]; } }\n"
               "if (c[1]) h q[3]; else if (c[0]) ry(1.2) q[3]; else { if (c == 0) ctrl(2) @ rx(0.6) q[3], q[2], q[1]; }\n"
               "// post-select: simulation keeps the branch q[3] == 0 and renormalises\n"
               "ps[0] = measure q[3];\n"
               "if (c == 2) { if (c[0] == 0) { x q[2]; } }\n"
               "d[0] = measure q[2];\n"
               "d[1] = measure q[1];\n",
               -1);
}

void suite_lower_if(void);
void suite_lower_if(void)
{
    UNIT_SUITE("lower_if", {"register condition", test_register_condition},
               {"nested ifs and else", test_nested_and_else});
}
