/* test_qasm_read.c — the OpenQASM 3 reader (src/frontend/qasm_read.c):
 * small programs read and compared with their circuit_dump; every standard
 * gate run by the executor on a random state against its matrix written
 * from the OpenQASM 3 stdgates.inc definitions, and each gate the QDK adds
 * against its closed-form matrix (plain and under ctrl, negctrl, inv, pow;
 * 1e-12, global phase included); qgdc's own emitter
 * output read back to the same circuit; and the diagnostics (message,
 * line and column) of bad programs. */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/qasm_emit.h"
#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

#define TOL 1e-12
#define PI 3.14159265358979323846

typedef double complex cplx;

/* Reads text; returns true on success. *diag: the diagnostics (malloc'd). */
static bool read_text(const char *text, Circuit *c, char **diag)
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
    if (diag)
        *diag = buf;
    else
        free(buf);
    return ok;
}

__attribute__((noinline)) static char *dump(const Circuit *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    circuit_dump(c, mem);
    fclose(mem);
    return buf;
}

/* Reads text and compares its dump with want. */
static void check_dump(const char *text, const char *want)
{
    Circuit c;
    char *diag;
    bool ok = read_text(text, &c, &diag);
    if (!ok)
        fprintf(stderr, "\n  unexpected errors:\n%s", diag);
    CU_ASSERT_TRUE_FATAL(ok);
    char *got = dump(&c);
    if (strcmp(got, want))
        fprintf(stderr, "\n  dump:\n%s  expected:\n%s", got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    free(diag);
    circuit_free(&c);
}

#define HDR "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"

static void test_registers(void)
{
    check_dump(HDR "qubit[3] q;\nqubit a;\nqreg r[2];\nbit[2] c;\ncreg d[1];\nbit e;\n"
                   "h q[0];\ncx q[0], q[2];\nx a;\nswap r[0], r[1];\nrz(pi/4) q[-1];\n",
               "circuit: 6 qubits, 4 bits\n"
               "qreg q[3] at 0\nqreg a[1] at 3\nqreg r[2] at 4\n"
               "creg c[2] at 0\ncreg d[1] at 2\ncreg e[1] at 3\n"
               "main\n  h 0\n  cx 0, 2\n  x 3\n  swap 4, 5\n  rz(0.7853981633974483) 2\n");
}

static void test_broadcast(void)
{
    check_dump(HDR "qubit[3] q;\nqubit[3] r;\nqubit[4] s;\nh q;\ncx q, r;\ncx s[0], r;\nx s[1:2];\nz s[0:2:3];\n"
                   "reset q[0:1];\n",
               "circuit: 10 qubits, 0 bits\nqreg q[3] at 0\nqreg r[3] at 3\nqreg s[4] at 6\nmain\n"
               "  h 0\n  h 1\n  h 2\n  cx 0, 3\n  cx 1, 4\n  cx 2, 5\n  cx 6, 3\n  cx 6, 4\n  cx 6, 5\n"
               "  x 7\n  x 8\n  z 6\n  z 8\n  reset 0\n  reset 1\n");
}

static void test_stdgate_mapping(void)
{
    check_dump(HDR "qubit[3] q;\ncy q[0], q[1];\nch q[1], q[0];\ncrz(0.5) q[2], q[0];\ncswap q[0], q[1], q[2];\n"
                   "CX q[1], q[2];\nu1(0.25) q[0];\nu3(0.5, 0.25, 0.75) q[1];\ncu(1, 2, 3, 4) q[0], q[1];\n"
                   "U(1, 2, 3) q[2];\ngphase(0.5);\n",
               "circuit: 3 qubits, 0 bits\nqreg q[3] at 0\nmain\n"
               "  ctrl y 0, 1\n  ctrl h 1, 0\n  ctrl rz(0.5) 2, 0\n  ctrl swap 0, 1, 2\n  cx 1, 2\n  p(0.25) 0\n"
               "  gphase(-0.5)\n  U(0.5, 0.25, 0.75) 1\n  p(4) 0\n  ctrl U(1, 2, 3) 0, 1\n  U(1, 2, 3) 2\n"
               "  gphase(0.5)\n");
}

static void test_definitions(void)
{
    check_dump(HDR "gate bell a, b { h a; cx a, b; }\n"
                   "gate rot(θ, φ) a { rz(θ) a; rx(φ/2) a; }\n"
                   "gate two(t) a, b { rot(t, 2*t) a; bell a, b; }\n"
                   "qubit[2] q;\nbell q[0], q[1];\nrot(0.5, 1) q[0];\nrot(0.5, 1) q[1];\nrot(1, 1) q[0];\n"
                   "two(3) q[1], q[0];\n",
               "circuit: 2 qubits, 0 bits\nqreg q[2] at 0\n"
               "def bell(2 qubits)\n  h 0\n  cx 0, 1\n"
               "def rot_0(1 qubits)  # rot(0.5, 1)\n  rz(0.5) 0\n  rx(0.5) 0\n"
               "def rot_1(1 qubits)  # rot(1, 1)\n  rz(1) 0\n  rx(0.5) 0\n"
               "def rot_2(1 qubits)  # rot(3, 6)\n  rz(3) 0\n  rx(3) 0\n"
               "def two_0(2 qubits)  # two(3)\n  rot_2 0\n  bell 0, 1\n"
               "main\n  bell 0, 1\n  rot_0 0\n  rot_0 1\n  rot_1 0\n  two_0 1, 0\n");
}

static void test_modifiers(void)
{
    check_dump(HDR "gate g a, b { cx a, b; }\nqubit[5] q;\n"
                   "pow(3) @ inv @ ctrl @ negctrl @ g q[0], q[1], q[2], q[3];\n"
                   "ctrl @ pow(2) @ negctrl(2) @ inv @ x q[4], q[0], q[1], q[2];\n"
                   "inv @ inv @ s q[0];\npow(-2) @ t q[1];\npow(0) @ h q[2];\npow(2.0) @ pow(3) @ z q[3];\n"
                   "ctrl(2) @ gphase(0.5) q[0], q[1];\nnegctrl @ ccx q[0], q[1], q[2], q[3];\n",
               "circuit: 5 qubits, 0 bits\nqreg q[5] at 0\ndef g(2 qubits)\n  cx 0, 1\nmain\n"
               "  pow(3) inv ctrl negctrl g 0, 1, 2, 3\n"
               "  pow(2) inv ctrl negctrl negctrl x 4, 0, 1, 2\n"
               "  s 0\n  pow(2) inv t 1\n  pow(6) z 3\n  ctrl ctrl gphase(0.5) 0, 1\n"
               "  negctrl ccx 0, 1, 2, 3\n");
}

static void test_for_const(void)
{
    check_dump(HDR "const int n = 3;\nconst float th = pi / 2 + sin(0) * 2 ** 3;\nconst angle a = τ / 4;\n"
                   "const uint m = floor(7 / 2) + mod(7, 4) + ceiling(0.5);\n"
                   "qubit[n] q;\n"
                   "for uint i in [0:n-1] { rx(th * i) q[i]; }\n"
                   "for int i in [2:-2:0] x q[i];\n"
                   "for i in {1, 0} { cz q[i], q[2]; }\n"
                   "for i in [0:0] { p(a) q[0]; p(m) q[0]; p(sqrt(4) + ln(euler) + exp(0) + arctan(0) + cos(0)) q[0]; }\n",
               "circuit: 3 qubits, 0 bits\nqreg q[3] at 0\nmain\n"
               "  rx(0) 0\n  rx(1.5707963267948966) 1\n  rx(3.141592653589793) 2\n  x 2\n  x 0\n"
               "  cz 1, 2\n  cz 0, 2\n  p(1.5707963267948966) 0\n  p(7) 0\n  p(5) 0\n");
}

static void test_measure_if(void)
{
    check_dump(HDR "qubit[2] q;\nbit[2] c;\nbit d;\nc[0] = measure q[0];\nc = measure q;\nmeasure q[1] -> d;\n"
                   "measure q -> c;\nif (c[0] == 1) x q[0];\nif (c[1]) { h q; } else z q[1];\nif (!d) y q[0];\n"
                   "if (c == 2) { cx q[0], q[1]; reset q[0]; }\nbarrier q;\nbarrier;\nbit[2] e = measure q;\n",
               "circuit: 2 qubits, 5 bits\nqreg q[2] at 0\ncreg c[2] at 0\ncreg d[1] at 2\ncreg e[2] at 3\nmain\n"
               "  measure 0 -> b0\n  measure 0 -> b0\n  measure 1 -> b1\n  measure 1 -> b2\n"
               "  measure 0 -> b0\n  measure 1 -> b1\n  if b0 == 1: x 0\n  if b1 == 1: h 0\n  if b1 == 1: h 1\n"
               "  if b1 == 0: z 1\n  if b2 == 0: y 0\n  if b0 == 0: if b1 == 1: cx 0, 1\n"
               "  if b0 == 0: if b1 == 1: reset 0\n  barrier 0, 1\n  barrier\n  measure 0 -> b3\n  measure 1 -> b4\n");
}

/* Integer literals and integer arithmetic are exact (64-bit), also
 * beyond 2^53 where a double no longer tells integers apart. */
static void test_exact_integers(void)
{
    check_dump(HDR "qubit[2] q;\nconst int big = 9223372036854775807;\nconst int low = -9223372036854775808;\n"
                   "const uint odd = 2 ** 53 + 1;\n"
                   "pow(9007199254740993) @ x q[0];\npow(odd) @ z q[0];\npow(big) @ s q[0];\npow(low) @ t q[0];\n"
                   "pow(big - 0x7fffffffffffff00) @ y q[1];\npow(-(low + 1) % 1000) @ h q[1];\n"
                   "pow(mod(-9007199254740993, 9007199254740994)) @ sx q[1];\npow(9007199254740993 / 1) @ x q[1];\n"
                   "for i in [9223372036854775806:9223372036854775807] pow(i) @ x q[0];\n"
                   "for int i in {9007199254740993} pow(i) @ x q[0];\n"
                   "gate g(k) a { pow(k) @ x a; }\ng(9007199254740993) q[0];\ng(9007199254740992) q[0];\n"
                   "g(3) q[1];\ng(3.0) q[1];\n"
                   "for i in {9007199254740993 > 9007199254740992, 9007199254740993 == 9007199254740992.0} x q[i];\n",
               "circuit: 2 qubits, 0 bits\nqreg q[2] at 0\n"
               "def g_0(1 qubits)  # g(9007199254740993)\n  pow(9007199254740993) x 0\n"
               "def g_1(1 qubits)  # g(9007199254740992)\n  pow(9007199254740992) x 0\n"
               "def g_2(1 qubits)  # g(3)\n  pow(3) x 0\n"
               "main\n  pow(9007199254740993) x 0\n  pow(9007199254740993) z 0\n  pow(9223372036854775807) s 0\n"
               "  pow(9223372036854775808) inv t 0\n  pow(255) y 1\n  pow(807) h 1\n  sx 1\n"
               "  pow(9007199254740993) x 1\n  pow(9223372036854775806) x 0\n  pow(9223372036854775807) x 0\n"
               "  pow(9007199254740993) x 0\n  g_0 0\n  g_1 0\n  g_2 1\n  g_2 1\n  x 1\n  x 1\n");
}

/* A post-selection comment that names another qubit than the one measured:
 * a warning (the circuit is read as written). */
static void test_postselect_names_other_qubit(void)
{
    Circuit c;
    char *diag;
    const char *text = HDR "qubit[3] q;\nbit[3] ps;\n"
                           "// post-select: simulation keeps the branch q[2] == 0 and renormalises\nps[0] = measure q[1];\n"
                           "// post-select: simulation keeps the branch q[2] == 1 and renormalises\nps[1] = measure q[-1];\n"
                           "// post-select: keeps q[0] == 1\nps = measure q;\n";
    CU_ASSERT_TRUE_FATAL(read_text(text, &c, &diag));
    const char *want[] = {
        "test.qasm:6:1: warning: the post-selection comment names q[2], but this measurement measures q[1]: q[1] is "
        "post-selected\n",
        "test.qasm:5:1: note: the post-selection comment\n",
        "test.qasm:10:1: warning: the post-selection comment names q[0], but this measurement measures 3 qubits: all "
        "are post-selected\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(diag, want[i]))
            fprintf(stderr, "\n  missing '%s' in:\n%s", want[i], diag);
        CU_ASSERT_PTR_NOT_NULL(strstr(diag, want[i]));
    }
    CU_ASSERT_PTR_NULL(strstr(diag, "test.qasm:8:")); /* q[-1] is q[2]: no warning */
    char *got = dump(&c);
    CU_ASSERT_STRING_EQUAL(got, "circuit: 3 qubits, 0 bits\nqreg q[3] at 0\nmain\n  postselect=0 1\n  postselect=1 2\n"
                                "  postselect=1 0\n  postselect=1 1\n  postselect=1 2\n");
    free(got);
    free(diag);
    circuit_free(&c);
}

/* Nested constant loops meet the unroll limit before unrolling anything,
 * and so do loops whose body is empty: the error points at the outermost
 * loop, whose estimated work is over the limit, not at the operation deep
 * inside where the count tipped over after up to 16M operations were built
 * (before: 4:67, 4:23; 1 to 14 s). How long reading takes is measured by
 * bench/qasm_read_bench.c, not here. */
static void test_unroll_limit_at_once(void)
{
    const char *texts[] = {
        HDR "qubit q;\nfor i in [0:100000] { for j in [0:100000] { for k in [0:100000] { x q; } } }\n",
        HDR "qubit q;\nfor i in [0:100000] { for j in [0:100000] { } }\n",
        HDR "qubit q;\nx q;\nfor i in [0:10] { if (1 == 1) { for j in {1, 2} { for k in [0:2000000] { x q; } } } }\n",
    };
    const char *where[] = {"test.qasm:4:1: error: the program unrolls to more than 16777216 operations",
                           "test.qasm:4:1: error: the program unrolls to more than 16777216 operations",
                           "test.qasm:5:1: error: the program unrolls to more than 16777216 operations"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        Circuit c;
        char *diag;
        CU_ASSERT_FALSE(read_text(texts[i], &c, &diag));
        if (!strstr(diag, where[i]))
            fprintf(stderr, "\n  case %zu: expected '%s', got:\n%s", i, where[i], diag);
        CU_ASSERT_PTR_NOT_NULL(strstr(diag, where[i]));
        free(diag);
        circuit_free(&c);
    }
    /* a loop whose inner bounds depend on its variable is not refused early */
    check_dump(HDR "qubit q;\nfor i in [0:3] { for j in [i:2] { x q; } }\n",
               "circuit: 1 qubits, 0 bits\nqreg q[1] at 0\nmain\n  x 0\n  x 0\n  x 0\n  x 0\n  x 0\n  x 0\n");
}

/* Distinct argument lists are interned in O(1): 100,000 calls with
 * different arguments, each its own definition (before: a linear search
 * per call, 15 s for 64k; the time is bench/qasm_read_bench.c's). */
static void test_many_distinct_calls(void)
{
    enum { N = 50000 };
    StrBuf b = {0};
    sb_puts(&b, HDR "gate g(t) a { rz(t) a; }\nqubit q;\nqubit[2] r;\n");
    for (int i = 0; i < N; i++) /* a gate of the program, and a standard sequence under ctrl */
        sb_printf(&b, "g(%d.5) q;\nctrl @ rxx(%d) q, r[0], r[1];\n", i, i);
    Circuit c;
    char *diag;
    bool ok = read_text(b.s, &c, &diag);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(c.ndefs, 2 * N);
    free(diag);
    circuit_free(&c);
    sb_free(&b);
}

/* Declarations and else-if chains in linear time: 20,000 bit registers
 * (each register's uses were counted over the whole program: 23 s), and a
 * loop around an else-if chain of 60 (counted 2^60 times over: this one
 * would not end). The time is bench/qasm_read_bench.c's. */
static void test_linear_declarations(void)
{
    StrBuf b = {0};
    sb_puts(&b, HDR "qubit q;\nbit c;\n");
    for (int i = 0; i < 20000; i++)
        sb_printf(&b, "bit c%d;\n", i);
    sb_puts(&b, "c = measure q;\nfor i in [0:1] { if (c) x q; ");
    for (int i = 0; i < 60; i++)
        sb_puts(&b, "else if (c) x q; ");
    sb_puts(&b, "else z q; }\n");
    Circuit c;
    char *diag;
    bool ok = read_text(b.s, &c, &diag);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(c.nbits, 20001);
    free(diag);
    circuit_free(&c);
    sb_free(&b);
}

static void test_comments_postselect(void)
{
    check_dump("// a comment\nOPENQASM 3;\n/* block\n comment */ include \"stdgates.inc\";\nqubit[2] q;\nbit[1] c;\n"
               "bit[2] ps; // post-selected qubits, in program order\n"
               "// post-select: simulation keeps the branch q[1] == 1 and renormalises\nps[0] = measure q[1];\n"
               "c[0] = measure q[0];\n"
               "// post-select: simulation keeps the branch q[0] == 0 and renormalises\n"
               "if (c[0] == 1) { ps[1] = measure q[0]; }\n",
               "circuit: 2 qubits, 1 bits\nqreg q[2] at 0\ncreg c[1] at 0\nmain\n  postselect=1 1\n  measure 0 -> b0\n"
               "  if b0 == 1: postselect=0 0\n");
}

/* A circuit built by hand, emitted by qgdc's emitter, read back: the same dump. */
static void test_emitter_round_trip(void)
{
    Circuit c;
    circuit_init(&c);
    uint32_t q0 = circuit_qreg(&c, "q", 4);
    circuit_qreg(&c, "anc", 1);
    circuit_creg(&c, "m", 2);
    uint32_t w = circuit_def(&c, "w", 2, "a two-qubit block");
    uint32_t ab[4] = {0, 1, 2, 3};
    double th[3] = {0.25, -1.5, 3};
    circ_gate(&c, circuit_def_body(&c, w), GATE_H, ab, NULL);
    circ_gate(&c, circuit_def_body(&c, w), GATE_CX, ab, NULL);
    circ_gate(&c, circuit_def_body(&c, w), GATE_RZ, ab + 1, th);
    uint32_t v = circuit_def(&c, "v", 3, NULL);
    Op *op = circ_call(&c, circuit_def_body(&c, v), w, 1, ab);
    op->negctrl = 1;
    /* U itself is written decomposed (rz ry rz and a global phase); a gate
     * the emitter passes through keeps the dumps comparable */
    circ_gate(&c, circuit_def_body(&c, v), GATE_RY, ab + 2, th);
    uint32_t qs[4] = {q0 + 3, q0 + 1, q0 + 2, 4};
    op = circ_call(&c, &c.main, v, 1, qs);
    op->pow = 1ull << 40;
    op->inv = true;
    op = circ_cgate(&c, &c.main, GATE_P, 2, qs, th);
    op->negctrl = 2;
    circ_gate(&c, &c.main, GATE_GPHASE, NULL, th);
    circ_measure(&c, &c.main, 0, 1);
    circ_if(&c, &c.main, 1, 1, circ_gate(&c, NULL, GATE_X, qs, NULL));
    circ_postselect(&c, &c.main, 4, 0);
    circ_if(&c, &c.main, 1, 0, circ_postselect(&c, NULL, 2, 1));
    circ_barrier(&c, &c.main, 0, NULL);
    circ_reset(&c, &c.main, 3);
    CU_ASSERT_TRUE_FATAL(circuit_verify(&c));

    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CU_ASSERT_TRUE(qasm_emit(&c, false, mem, NULL));
    fclose(mem);
    Circuit back;
    char *diag;
    bool ok = read_text(text, &back, &diag);
    if (!ok)
        fprintf(stderr, "\n%s\n%s", text, diag);
    CU_ASSERT_TRUE_FATAL(ok);
    char *want = dump(&c), *got = dump(&back);
    /* the emitter writes barrier over all registers; docs are comments */
    char *bar = strstr(want, "  barrier\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bar);
    StrBuf fixed = {0};
    sb_printf(&fixed, "%.*s  barrier 0, 1, 2, 3, 4\n%s", (int)(bar - want), want, bar + strlen("  barrier\n"));
    char *d = strstr(fixed.s, "  # a two-qubit block");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    memmove(d, d + strlen("  # a two-qubit block"), strlen(d + strlen("  # a two-qubit block")) + 1);
    if (strcmp(fixed.s, got))
        fprintf(stderr, "\n%s\n  read back:\n%s  expected:\n%s", text, got, fixed.s);
    CU_ASSERT_STRING_EQUAL(got, fixed.s);
    sb_free(&fixed);
    free(want), free(got), free(text), free(diag);
    circuit_free(&back);
    circuit_free(&c);
}

/* ---- every standard gate against its matrix ---- */

#define NQ 5
#define DIM (1u << NQ)

static void u_matrix(double t, double f, double l, cplx m[4])
{
    m[0] = cos(t / 2), m[1] = -cexp(I * l) * sin(t / 2);
    m[2] = cexp(I * f) * sin(t / 2), m[3] = cexp(I * (f + l)) * cos(t / 2);
}

/* The gate as stdgates.inc defines it: ncontrols controls on a 1- or
 * 2-qubit base matrix. */
typedef struct RefGate {
    const char *name;
    int nparams, nctrl, ntarget;
} RefGate;

static const RefGate ref_gates[] = {
    {"p", 1, 0, 1}, {"x", 0, 0, 1}, {"y", 0, 0, 1}, {"z", 0, 0, 1}, {"h", 0, 0, 1}, {"s", 0, 0, 1},
    {"sdg", 0, 0, 1}, {"t", 0, 0, 1}, {"tdg", 0, 0, 1}, {"sx", 0, 0, 1}, {"rx", 1, 0, 1}, {"ry", 1, 0, 1},
    {"rz", 1, 0, 1}, {"cx", 0, 1, 1}, {"cy", 0, 1, 1}, {"cz", 0, 1, 1}, {"cp", 1, 1, 1}, {"crx", 1, 1, 1},
    {"cry", 1, 1, 1}, {"crz", 1, 1, 1}, {"ch", 0, 1, 1}, {"swap", 0, 0, 2}, {"ccx", 0, 2, 1}, {"cswap", 0, 1, 2},
    {"cu", 4, 1, 1}, {"CX", 0, 1, 1}, {"phase", 1, 0, 1}, {"cphase", 1, 1, 1}, {"id", 0, 0, 1}, {"u1", 1, 0, 1},
    {"u2", 2, 0, 1}, {"u3", 3, 0, 1}, {"U", 3, 0, 1},
    /* the QDK's additions (Qiskit's standard gates) */
    {"cu1", 1, 1, 1}, {"cu3", 3, 1, 1}, {"ccz", 0, 2, 1}, {"cs", 0, 1, 1}, {"csdg", 0, 1, 1}, {"csx", 0, 1, 1},
    {"c3x", 0, 3, 1}, {"c3sqrtx", 0, 3, 1}, {"sxdg", 0, 0, 1}, {"r", 2, 0, 1}, {"rxx", 1, 0, 2}, {"ryy", 1, 0, 2},
    {"rzz", 1, 0, 2}, {"rzx", 1, 0, 2}, {"dcx", 0, 0, 2}, {"ecr", 0, 0, 2}, {"xx_minus_yy", 2, 0, 2},
    {"xx_plus_yy", 2, 0, 2},
};

/* Y|v⟩ = y_phase(v)|1−v⟩ */
static cplx y_phase(int v) { return v ? -I : I; }

/* The two-qubit gates and r, sxdg from their closed forms (Qiskit's
 * matrices); basis index a + 2b for operands a, b. False for other names. */
static bool ref_ext(const char *n, const double *p, cplx *m)
{
    double c = cos(p[0] / 2), s = sin(p[0] / 2), r2 = sqrt(0.5);
    if (!strcmp(n, "sxdg")) {
        m[0] = m[3] = (1 - I) / 2, m[1] = m[2] = (1 + I) / 2;
        return true;
    }
    if (!strcmp(n, "r")) { /* cos(θ/2) I − i sin(θ/2) (cos φ X + sin φ Y) */
        m[0] = m[3] = c, m[1] = -I * cexp(-I * p[1]) * s, m[2] = -I * cexp(I * p[1]) * s;
        return true;
    }
    if (!strcmp(n, "xx_plus_yy")) {
        m[0] = m[15] = 1, m[5] = m[10] = c;
        m[1 * 4 + 2] = -I * s * cexp(-I * p[1]), m[2 * 4 + 1] = -I * s * cexp(I * p[1]);
        return true;
    }
    if (!strcmp(n, "xx_minus_yy")) {
        m[5] = m[10] = 1, m[0] = m[15] = c;
        m[0 * 4 + 3] = -I * s * cexp(-I * p[1]), m[3 * 4 + 0] = -I * s * cexp(I * p[1]);
        return true;
    }
    bool known = false;
    for (int j = 0; j < 4; j++) {
        int a = j & 1, b = j >> 1;
        double za = 1 - 2 * a, zb = 1 - 2 * b;
        if (!strcmp(n, "rxx")) /* cos I − i sin X⊗X */
            m[j * 4 + j] = c, m[(j ^ 3) * 4 + j] = -I * s, known = true;
        else if (!strcmp(n, "ryy"))
            m[j * 4 + j] = c, m[(j ^ 3) * 4 + j] = -I * s * y_phase(a) * y_phase(b), known = true;
        else if (!strcmp(n, "rzz"))
            m[j * 4 + j] = cexp(-I * p[0] / 2 * za * zb), known = true;
        else if (!strcmp(n, "rzx")) /* cos I − i sin Z_a X_b */
            m[j * 4 + j] = c, m[(j ^ 2) * 4 + j] = -I * s * za, known = true;
        else if (!strcmp(n, "ecr")) /* (X_a − Y_a X_b)/√2 */
            m[(j ^ 1) * 4 + j] = r2, m[(j ^ 3) * 4 + j] = -r2 * y_phase(a), known = true;
        else if (!strcmp(n, "dcx")) /* |a, b⟩ → |b, a ⊕ b⟩ */
            m[(b + 2 * (a ^ b)) * 4 + j] = 1, known = true;
    }
    return known;
}

/* Base matrix (2^ntarget square) of a gate with parameters p. */
static void ref_base(const char *n, const double *p, cplx *m)
{
    double s2 = sqrt(0.5);
    memset(m, 0, 16 * sizeof *m);
    if (ref_ext(n, p, m))
        return;
    if (!strcmp(n, "c3x") || !strcmp(n, "c3sqrtx"))
        n = n[2] == 'x' ? "x" : "sx";
    if (!strcmp(n, "swap") || !strcmp(n, "cswap")) {
        m[0] = m[4 * 1 + 2] = m[4 * 2 + 1] = m[15] = 1;
        return;
    }
    const char *b = n;
    if (n[0] == 'c' && strcmp(n, "cu") && strcmp(n, "cphase"))
        b = n + (n[1] == 'c' ? 2 : 1);
    if (!strcmp(n, "CX"))
        b = "x";
    if (!strcmp(n, "cphase"))
        b = "p";
    if (!strcmp(b, "p") || !strcmp(b, "phase") || !strcmp(b, "u1"))
        m[0] = 1, m[3] = cexp(I * p[0]);
    else if (!strcmp(b, "x"))
        m[1] = m[2] = 1;
    else if (!strcmp(b, "y"))
        m[1] = -I, m[2] = I;
    else if (!strcmp(b, "z"))
        m[0] = 1, m[3] = -1;
    else if (!strcmp(b, "h"))
        m[0] = m[1] = m[2] = s2, m[3] = -s2;
    else if (!strcmp(b, "s"))
        m[0] = 1, m[3] = I;
    else if (!strcmp(b, "sdg"))
        m[0] = 1, m[3] = -I;
    else if (!strcmp(b, "t"))
        m[0] = 1, m[3] = cexp(I * PI / 4);
    else if (!strcmp(b, "tdg"))
        m[0] = 1, m[3] = cexp(-I * PI / 4);
    else if (!strcmp(b, "sx"))
        m[0] = m[3] = (1 + I) / 2, m[1] = m[2] = (1 - I) / 2;
    else if (!strcmp(b, "rx"))
        m[0] = m[3] = cos(p[0] / 2), m[1] = m[2] = -I * sin(p[0] / 2);
    else if (!strcmp(b, "ry"))
        m[0] = m[3] = cos(p[0] / 2), m[1] = -sin(p[0] / 2), m[2] = sin(p[0] / 2);
    else if (!strcmp(b, "rz"))
        m[0] = cexp(-I * p[0] / 2), m[3] = cexp(I * p[0] / 2);
    else if (!strcmp(b, "id"))
        m[0] = m[3] = 1;
    else if (!strcmp(b, "U"))
        u_matrix(p[0], p[1], p[2], m);
    else if (!strcmp(b, "u2") || !strcmp(b, "u3")) {
        double t = b[1] == '2' ? PI / 2 : p[0], f = b[1] == '2' ? p[0] : p[1], l = b[1] == '2' ? p[1] : p[2];
        u_matrix(t, f, l, m);
        for (int k = 0; k < 4; k++)
            m[k] *= cexp(-I * (f + l) / 2);
    } else if (!strcmp(b, "cu")) { /* p(γ) on the control: e^{iγ} on the controlled block */
        u_matrix(p[0], p[1], p[2], m);
        for (int k = 0; k < 4; k++)
            m[k] *= cexp(I * p[3]);
    } else
        ICE("ref_base: %s", n);
}

/* state ← (ctrl on q[0..nc−1], polarity neg) base^pow (or its adjoint) on q[nc..] */
static void ref_apply(cplx *st, const cplx *base, int nt, int nc, uint64_t neg, const int *q, bool inv, int pw)
{
    int d = 1 << nt;
    cplx m[16] = {0}, r[16];
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            m[i * d + j] = inv ? conj(base[j * d + i]) : base[i * d + j];
    memcpy(r, m, sizeof m);
    for (int k = 1; k < pw; k++) {
        cplx t[16] = {0};
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int l = 0; l < d; l++)
                    t[i * d + j] += r[i * d + l] * m[l * d + j];
        memcpy(r, t, sizeof t);
    }
    for (uint32_t idx = 0; idx < DIM; idx++) {
        bool fire = true;
        for (int c = 0; c < nc; c++)
            fire = fire && ((idx >> q[c] & 1) != (neg >> c & 1));
        int loc = 0;
        for (int t = 0; t < nt; t++)
            loc |= (int)(idx >> q[nc + t] & 1) << t;
        if (!fire || loc != 0)
            continue;
        cplx in[4], out[4] = {0};
        uint32_t at[4];
        for (int j = 0; j < d; j++) {
            at[j] = idx;
            for (int t = 0; t < nt; t++)
                if (j >> t & 1)
                    at[j] |= 1u << q[nc + t];
            in[j] = st[at[j]];
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                out[i] += r[i * d + j] * in[j];
        for (int j = 0; j < d; j++)
            st[at[j]] = out[j];
    }
}

static void random_state(cplx *st, unsigned seed)
{
    srand(seed);
    double nrm = 0;
    for (uint32_t i = 0; i < DIM; i++) {
        st[i] = (rand() / (double)RAND_MAX - 0.5) + I * (rand() / (double)RAND_MAX - 0.5);
        nrm += creal(st[i] * conj(st[i]));
    }
    for (uint32_t i = 0; i < DIM; i++)
        st[i] /= sqrt(nrm);
}

/* mods: 0 plain, 1 ctrl @, 2 inv @ negctrl @, 3 pow(3) @ */
static void check_stdgate(const RefGate *g, int mods)
{
    static const double params[4] = {0.3, -1.1, 2.2, 0.7};
    static const int order[NQ] = {3, 0, 4, 1, 2};
    StrBuf prog = {0};
    sb_puts(&prog, HDR "qubit[5] q;\n");
    sb_puts(&prog, mods == 1 ? "ctrl @ " : mods == 2 ? "inv @ negctrl @ " : mods == 3 ? "pow(3) @ " : "");
    sb_puts(&prog, g->name);
    if (g->nparams) {
        sb_putc(&prog, '(');
        for (int i = 0; i < g->nparams; i++)
            sb_printf(&prog, "%s%.17g", i ? ", " : "", params[i]);
        sb_putc(&prog, ')');
    }
    int extra = mods == 1 || mods == 2;
    int nops = extra + g->nctrl + g->ntarget;
    for (int i = 0; i < nops; i++)
        sb_printf(&prog, "%sq[%d]", i ? ", " : " ", order[i]);
    sb_puts(&prog, ";\n");

    Circuit c;
    char *diag;
    bool ok = read_text(prog.s, &c, &diag);
    if (!ok)
        fprintf(stderr, "\n%s%s", prog.s, diag);
    CU_ASSERT_TRUE_FATAL(ok);
    cplx st[DIM], want[DIM];
    random_state(st, 7);
    memcpy(want, st, sizeof st);
    StateVec *sv = sim_create(NQ, NULL);
    sim_set_amplitudes(sv, st, DIM);
    SimRunOptions opt = {0};
    CU_ASSERT_TRUE(sim_run(&c, sv, &opt, NULL, NULL));
    cplx base[16] = {0};
    ref_base(g->name, params, base);
    ref_apply(want, base, g->ntarget, extra + g->nctrl, mods == 2 ? 1 : 0, order, mods == 2, mods == 3 ? 3 : 1);
    double worst = 0;
    for (uint32_t i = 0; i < DIM; i++)
        worst = fmax(worst, cabs(sv->amp[i] - want[i]));
    if (worst > TOL)
        fprintf(stderr, "\n  %s: differs by %g\n", prog.s, worst);
    CU_ASSERT(worst <= TOL);
    sim_destroy(sv);
    sb_free(&prog);
    free(diag);
    circuit_free(&c);
}

static void test_stdgates_simulated(void)
{
    for (size_t i = 0; i < sizeof ref_gates / sizeof *ref_gates; i++)
        for (int m = 0; m < 4; m++)
            check_stdgate(&ref_gates[i], m);
}

static void test_gphase_simulated(void)
{
    Circuit c;
    CU_ASSERT_TRUE_FATAL(read_text("OPENQASM 3;\nqubit[5] q;\ngphase(0.4);\nctrl @ gphase(-0.9) q[2];\n"
                                   "negctrl(2) @ gphase(1.3) q[0], q[4];\n",
                                   &c, NULL));
    cplx st[DIM], want[DIM];
    random_state(st, 11);
    for (uint32_t i = 0; i < DIM; i++) {
        want[i] = st[i] * cexp(0.4 * I);
        if (i >> 2 & 1)
            want[i] *= cexp(-0.9 * I);
        if (!(i & 1) && !(i >> 4 & 1))
            want[i] *= cexp(1.3 * I);
    }
    StateVec *sv = sim_create(NQ, NULL);
    sim_set_amplitudes(sv, st, DIM);
    SimRunOptions opt = {0};
    CU_ASSERT_TRUE(sim_run(&c, sv, &opt, NULL, NULL));
    for (uint32_t i = 0; i < DIM; i++)
        CU_ASSERT(cabs(sv->amp[i] - want[i]) <= TOL);
    sim_destroy(sv);
    circuit_free(&c);
}

/* The QDK's additional gates: available without the include, expanded in
 * place without modifiers, one definition per parameter list under them,
 * and a program's own gate of the same name wins. */
static void test_ext_gates(void)
{
    check_dump("OPENQASM 3.0;\nqubit[3] q;\nrzz(0.5) q[0], q[1];\nccz q[0], q[1], q[2];\nsxdg q[2];\n"
               "ctrl @ rzz(0.5) q[2], q[0], q[1];\ninv @ rzz(0.5) q[1], q[0];\nctrl @ rzz(0.25) q[2], q[0], q[1];\n"
               "pow(2) @ dcx q[0], q[1];\nctrl @ sxdg q[0], q[1];\ncu3(1, 2, 3) q[0], q[1];\n",
               "circuit: 3 qubits, 0 bits\nqreg q[3] at 0\n"
               "def rzz_0(2 qubits)  # rzz(0.5)\n  cx 0, 1\n  rz(0.5) 1\n  cx 0, 1\n"
               "def rzz_1(2 qubits)  # rzz(0.25)\n  cx 0, 1\n  rz(0.25) 1\n  cx 0, 1\n"
               "def dcx_0(2 qubits)  # dcx\n  cx 0, 1\n  cx 1, 0\n"
               "main\n  cx 0, 1\n  rz(0.5) 1\n  cx 0, 1\n  ctrl ctrl z 0, 1, 2\n  inv sx 2\n"
               "  ctrl rzz_0 2, 0, 1\n  inv rzz_0 1, 0\n  ctrl rzz_1 2, 0, 1\n  pow(2) dcx_0 0, 1\n"
               "  inv ctrl sx 0, 1\n  ctrl gphase(-2.5) 0\n  ctrl U(1, 2, 3) 0, 1\n");
    check_dump(HDR "gate rzz(t) a, b { rz(t) a; }\ngate ecr a, b { cz a, b; }\nqubit[2] q;\nrzz(0.5) q[0], q[1];\n"
                   "ecr q[1], q[0];\n",
               "circuit: 2 qubits, 0 bits\nqreg q[2] at 0\ndef ecr_(2 qubits)\n  cz 0, 1\n"
               "def rzz_0(2 qubits)  # rzz(0.5)\n  rz(0.5) 0\nmain\n  rzz_0 0, 1\n  ecr_ 1, 0\n");
}

/* ---- errors ---- */

typedef struct ErrCase {
    const char *text;
    const char *want; /* each line must appear in the diagnostics, in order */
} ErrCase;

static const ErrCase err_cases[] = {
    /* a syntax error quotes the token it did not expect */
    {HDR "qubit[2] q;\nh q[0] 3.5;\nmeasure \"abc\";\nx q[0] a_rather_long_name_that_goes_on_and_on_and_on;\n",
     "test.qasm:4:8: error: syntax error: unexpected number '3.5'; expected ';' or ','\n"
     "test.qasm:5:9: error: syntax error: unexpected string \"abc\"; expected name\n"
     "test.qasm:6:8: error: syntax error: unexpected name 'a_rather_long_name_that_goes_on_and_on_a…'"},
    /* integers are exact: out of range and overflow refused where they are */
    {HDR "qubit q;\nconst int b = 18446744073709551616;\n",
     "test.qasm:4:15: error: the integer 18446744073709551616 is out of range: integers are 64-bit, from "
     "-9223372036854775808 to 9223372036854775807"},
    {HDR "qubit q;\nconst int a = 9223372036854775808;\nconst int b = 9223372036854775806;\n"
         "const int c = 9223372036854775807 + 1;\nconst int d = 3037000500 * 3037000500;\npow(2 ** 63) @ x q;\n"
         "const int e = -(-9223372036854775807 - 1);\npow(2.0 ** 60) @ x q;\nconst int f = 1e300;\n"
         "for i in [-9223372036854775807 - 1:9223372036854775807] x q;\n",
     "test.qasm:4:15: error: the integer 9223372036854775808 is out of range: integers are 64-bit, from "
     "-9223372036854775808 to 9223372036854775807\n"
     "test.qasm:6:15: error: integer overflow: the value of this expression is out of range\n"
     "test.qasm:7:15: error: integer overflow\n"
     "test.qasm:8:5: error: integer overflow\n"
     "test.qasm:9:15: error: integer overflow\n"
     "test.qasm:10:5: error: the power must be an integer, not 1.152921504606847e+18 (a real number of magnitude 2^53 or "
     "more is not an exact integer: write an integer literal)\n"
     "test.qasm:11:15: error: the value 1e+300 does not fit 'int'\n"
     "test.qasm:12:1: error: this loop runs 2^64 times"},
    {"OPENQASM 4.0;\ninclude \"qelib1.inc\";\nqreg q[1];\n",
     "test.qasm:1:10: error: OpenQASM 4 is not supported: qgdc reads OpenQASM 2.0 and 3\n"
     "test.qasm:2:9: error: 'qelib1.inc' is the OpenQASM 2 library"},
    {HDR "qubit[2] q;\nh q[0]\nx q[1];\ncx q[0] q[1];\nx q[0];;\nrz(0.5 q[1];\n",
     "test.qasm:4:7: error: expected ';' at the end of the statement\n"
     "test.qasm:6:9: error: syntax error: unexpected name 'q'\n"
     "test.qasm:7:8: error: syntax error: unexpected ';'\n"
     "test.qasm:8:8: error: syntax error: unexpected name 'q'; expected ')'\n"
     "test.qasm:8:3: note: unclosed '(' opened here"},
    {HDR "qubit[2] q;\nfoo q[0];\ncx q[0];\nrx q[0];\nh(1) q[1];\n",
     "test.qasm:4:1: error: unknown gate 'foo'\n"
     "test.qasm:5:1: error: gate 'cx' takes 2 qubits, not 1\n"
     "test.qasm:6:1: error: gate 'rx' takes 1 parameter, not 0\n"
     "test.qasm:7:1: error: gate 'h' takes 0 parameters, not 1"},
    {HDR "qubit[2] q;\nbit[1] c;\nx q[2];\ncx q[1], q[1];\nc[1] = measure q[0];\nctrl @ x q[0], q[-3];\n",
     "test.qasm:5:5: error: index 2 is out of range for 'q' of size 2\n"
     "test.qasm:6:10: error: qubit q[1] is used twice in one gate\n"
     "test.qasm:7:3: error: index 1 is out of range for 'c' of size 1\n"
     "test.qasm:8:18: error: index -3 is out of range for 'q' of size 2"},
    {HDR "qubit[2] q;\npow(1/2) @ x q[0];\npow(0.5) @ inv @ z q[1];\n",
     "test.qasm:4:5: error: pow(0.5) is not supported: only integer powers\n"
     "test.qasm:5:5: error: pow(0.5) is not supported: only integer powers"},
    {HDR "qubit[1] q;\nint x = 3;\nwhile (true) { x q[0]; }\ndef f(qubit a) { h a; }\nx = 2;\n"
         "input float th;\ndelay[100ns] q[0];\nbox { x q[0]; }\nh q[0];\n",
     "test.qasm:5:1: error: this 'while' loop has run 1048576 times and its condition still holds\n"
     "test.qasm:8:13: error: input 'th' has no value"},
    {HDR "qubit[2] q;\ngate g a {\n  h a;\n", "test.qasm:5:7: error: syntax error: unexpected end of file\n"
                                              "test.qasm:4:10: note: unclosed '{' opened here"},
    {HDR "qubit[2] q;\nfor i in [0:100000000] { x q[0]; }\n",
     "test.qasm:4:1: error: this loop runs 100000001 times; loops are unrolled and at most 16777216 iterations are supported"},
    {"OPENQASM 3;\nqubit q;\nh q;\n",
     "test.qasm:3:1: error: unknown gate 'h' (it is in the standard library: add 'include \"stdgates.inc\";')"},
    {HDR "qubit[2] q;\nqubit[3] r;\ncx q, r;\ngate h a { x a; }\nqubit[1] q;\n",
     "test.qasm:5:7: error: registers of different sizes in one statement ('q' has 2 qubits, 'r' has 3)\n"
     "test.qasm:6:6: error: gate 'h' is already defined (by stdgates.inc)\n"
     "test.qasm:7:10: error: qubit register 'q' is already declared as a qubit register\n"
     "test.qasm:3:10: note: 'q' declared here"},
    {HDR "qubit[2] q;\nbit[2] c;\ngate g(t) a { rx(t) a; measure a; }\ng(1) q[0];\nif (c == 4) x q[0];\n"
         "if (c[0] == 1) { c[0] = measure q[0]; }\nmeasure q[0];\n",
     "test.qasm:5:24: error: 'measure' is not allowed in a gate definition (gates are unitary)\n"
     "test.qasm:7:10: error: 'c' has 2 bits: it never equals 4\n"
     "test.qasm:8:18: error: measuring into bit c[0], which the enclosing 'if' tests, is not supported\n"
     "test.qasm:9:1: error: a measurement needs a bit to write"},
    {HDR "qubit[1] q;\nx $1048576;\nrx(1 +) q[0];\nrx(unknown) q[0];\nrx(1/0) q[0];\n\"abc\n",
     "test.qasm:4:3: error: physical qubit '$1048576' is out of range\n"
     "test.qasm:5:7: error: syntax error: unexpected ')'\n"
     "test.qasm:8:1: error: unterminated string"},
    {HDR "qubit[1] q;\nrx(unknown) q[0];\nrx(1/0) q[0];\nrx(q) q[0];\n",
     "test.qasm:4:4: error: unknown name 'unknown'\n"
     "test.qasm:5:4: error: division by zero\n"
     "test.qasm:6:4: error: register 'q' cannot be used as a value"},
    {HDR "qubit[1] q;\n/* unterminated\nx q[0];\n", "test.qasm:4:1: error: unterminated comment"},
    {HDR "qubit[4] q;\nrccx q[0], q[1], q[2];\n  rc3x q[0], q[1], q[2], q[3];\nrzz q[0], q[1];\nccz q[0], q[1];\n",
     "test.qasm:4:1: error: gate 'rccx' (a Toffoli up to relative phases) is not supported; define it with 'gate' or use ccx "
     "(the QDK accepts 'rccx' but cannot run it)\n"
     "test.qasm:5:3: error: gate 'rc3x' (a Toffoli up to relative phases) is not supported; define it with 'gate' or use "
     "ctrl(3) @ x\n"
     "test.qasm:6:1: error: gate 'rzz' takes 1 parameter, not 0\n"
     "test.qasm:7:1: error: gate 'ccz' takes 3 qubits, not 2"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof err_cases / sizeof *err_cases; i++) {
        Circuit c;
        char *diag;
        bool ok = read_text(err_cases[i].text, &c, &diag);
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_EQUAL(c.nqubits, 0);
        /* every expected line, in order */
        const char *at = diag, *w = err_cases[i].want;
        bool found = true;
        while (*w && found) {
            size_t n = strcspn(w, "\n");
            char *line = xmalloc(n + 1);
            memcpy(line, w, n);
            line[n] = 0;
            const char *hit = strstr(at, line);
            if (!hit) {
                fprintf(stderr, "\n  case %zu: missing '%s' in:\n%s", i, line, diag);
                found = false;
            } else
                at = hit + n;
            free(line);
            w += n + (w[n] == '\n');
        }
        CU_ASSERT(found);
        free(diag);
        circuit_free(&c);
    }
}

static void test_load(void)
{
    Circuit c;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    diag_set_stream(mem);
    SrcFile *src;
    CU_ASSERT_FALSE(qasm_load("no/such/file.qasm", &c, &src));
    CU_ASSERT_PTR_NULL(src);
    fclose(mem);
    diag_set_stream(NULL);
    diag_reset();
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cannot read 'no/such/file.qasm'"));
    free(buf);
    circuit_free(&c);
}

void suite_qasm_read(void);
void suite_qasm_read(void)
{
    UNIT_SUITE("qasm_read", {"registers", test_registers}, {"broadcast", test_broadcast},
               {"stdgate mapping", test_stdgate_mapping}, {"definitions", test_definitions},
               {"modifiers", test_modifiers}, {"for and const", test_for_const}, {"measure and if", test_measure_if},
               {"comments and post-selection", test_comments_postselect},
               {"exact integers", test_exact_integers},
               {"post-selection comment names another qubit", test_postselect_names_other_qubit},
               {"unroll limit at once", test_unroll_limit_at_once}, {"many distinct calls", test_many_distinct_calls},
               {"linear declarations", test_linear_declarations},
               {"emitter round trip", test_emitter_round_trip}, {"stdgates simulated", test_stdgates_simulated},
               {"gphase simulated", test_gphase_simulated}, {"QDK's extra gates", test_ext_gates},
               {"errors", test_errors}, {"load", test_load});
}
