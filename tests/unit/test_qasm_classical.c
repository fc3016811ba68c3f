/* test_qasm_classical.c — the classical part of OpenQASM 3 in the reader
 * (src/frontend/qasm_read.c): classical variables and assignment, while,
 * break/continue, def subroutines, let aliases and physical qubits. Each
 * program is read and its circuit compared (circuit_dump) with the same
 * circuit written out by hand, and bad programs give their located
 * messages (line and column). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "support/util.h"

#define HDR "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"

/* Reads text; true on success. *diag: the diagnostics (malloc'd). */
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
    *diag = buf;
    return ok;
}

static char *dump(const Circuit *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    circuit_dump(c, mem);
    fclose(mem);
    return buf;
}

/* text reads to the same circuit as want (a program without the classical
 * constructs). */
static void check_same(const char *text, const char *want)
{
    Circuit a, b;
    char *da, *db;
    bool oka = read_text(text, &a, &da), okb = read_text(want, &b, &db);
    if (!oka)
        fprintf(stderr, "\n  not read:\n%s\n%s", text, da);
    if (!okb)
        fprintf(stderr, "\n  expected program not read:\n%s\n%s", want, db);
    CU_ASSERT(oka && okb);
    if (oka && okb) {
        char *x = dump(&a), *y = dump(&b);
        if (strcmp(x, y))
            fprintf(stderr, "\n  circuits differ:\n%s\n--- got\n%s\n--- want\n%s", text, x, y);
        CU_ASSERT_STRING_EQUAL(x, y);
        free(x), free(y);
    }
    free(da), free(db);
    circuit_free(&a), circuit_free(&b);
}

/* text is refused with every line of want, in order. */
static void check_errors(const char *text, const char *want)
{
    Circuit c;
    char *diag;
    bool ok = read_text(text, &c, &diag);
    CU_ASSERT_FALSE(ok);
    const char *at = diag, *w = want;
    bool found = true;
    while (*w && found) {
        size_t n = strcspn(w, "\n");
        char *line = xmalloc(n + 1);
        memcpy(line, w, n);
        line[n] = 0;
        const char *hit = strstr(at, line);
        if (!hit) {
            fprintf(stderr, "\n  missing '%s' in:\n%s", line, diag);
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

static void test_variables(void)
{
    /* declarations, assignment, compound assignment, the types' ranges */
    check_same(HDR "qubit[4] q;\nint n = 2;\nn += 3;\nn *= 2;\nn -= 1;\nn /= 3;\nn %= 2;\n" /* ((2+3)*2-1)/3 = 3, % 2 = 1 */
                   "x q[n];\nfloat t = 0.5;\nt *= 2;\nrx(t) q[0];\nbool b = n == 1 && t > 0.9;\nif (b) h q[2];\n"
                   "uint[3] w = 7;\nw += 2;\nry(w) q[3];\n"                  /* 9 wraps to 1 in 3 bits */
                   "int[4] s = 7;\ns += 1;\nrz(s) q[3];\n"                   /* 8 is -8 in int[4] */
                   "angle a = 3 * pi;\nrx(a) q[3];\n"                         /* pi */
                   "int m = 6;\nm <<= 2;\nm |= 1;\nm &= 13;\nm >>= 1;\nrz(m) q[0];\n" /* 24|1 = 25, &13 = 9, >>1 = 4 */
                   "int u;\nbool v;\nif (!v && u == 0) z q[1];\nconst bool k = 3;\nif (k == true) s q[1];\n",
               HDR "qubit[4] q;\nx q[1];\nrx(1.0) q[0];\nh q[2];\nry(1) q[3];\nrz(-8) q[3];\nrx(pi) q[3];\nrz(4) q[0];\n"
                   "z q[1];\ns q[1];\n");
    /* variables live in their block; a loop body's are new each time */
    check_same(HDR "qubit[3] q;\nint n = 0;\nfor int i in [0:2] {\n  int k = i * 2;\n  n += k;\n  rz(k) q[i];\n}\n"
                   "rx(n) q[0];\n",
               HDR "qubit[3] q;\nrz(0) q[0];\nrz(2) q[1];\nrz(4) q[2];\nrx(6) q[0];\n");
    /* a variable as a gate's parameter and as a loop bound */
    check_same(HDR "gate g(t) a { rx(t) a; }\nqubit q;\nfloat th = 0.25;\nint reps = 1;\nreps += 1;\n"
                   "for int i in [1:reps] g(th * i) q;\n",
               HDR "gate g(t) a { rx(t) a; }\nqubit q;\ng(0.25) q;\ng(0.5) q;\n");
}

static void test_while(void)
{
    check_same(HDR "qubit q;\nint n = 5;\nwhile (n > 0) {\n  rx(n) q;\n  n -= 2;\n}\n",
               HDR "qubit q;\nrx(5) q;\nrx(3) q;\nrx(1) q;\n");
    /* break and continue, in while and for */
    check_same(HDR "qubit[4] q;\nint i = 0;\nwhile (true) {\n  i += 1;\n  if (i == 2) continue;\n  if (i > 3) break;\n"
                   "  x q[i];\n}\nfor int j in [0:1000000000000] {\n  if (j == 2) break;\n  h q[j];\n}\n",
               HDR "qubit[4] q;\nx q[1];\nx q[3];\nh q[0];\nh q[1];\n");
    /* a while that never ends is stopped at the limit, at its place */
    uint64_t save = qasm_limits.max_iterations;
    qasm_limits.max_iterations = 1000;
    check_errors(HDR "qubit q;\nint n = 0;\nwhile (n >= 0) { n += 1; }\n",
                 "test.qasm:5:1: error: this 'while' loop has run 1000 times and its condition still holds: qgdc runs "
                 "loops as it reads the program, at most 1000 iterations");
    qasm_limits.max_iterations = save;
}

static void test_def(void)
{
    /* qubit and classical arguments, a classical result, recursion */
    check_same(HDR "def rot(qubit a, angle t, int k) {\n  for int i in [1:k] rz(t) a;\n}\n"
                   "def fact(int n) -> int {\n  if (n <= 1) return 1;\n  return n * fact(n - 1);\n}\n"
                   "def pair(qubit[2] p) { h p[0]; cx p[0], p[1]; }\n"
                   "qubit[3] q;\nrot(q[1], 0.5, 2);\nrx(fact(4)) q[0];\npair(q[1:2]);\n",
               HDR "qubit[3] q;\nrz(0.5) q[1];\nrz(0.5) q[1];\nrx(24) q[0];\nh q[1];\ncx q[1], q[2];\n");
    /* bit results: 'return measure' and a returned bit register are the
     * caller's bits; other bits of a subroutine are bits of their own */
    check_same(HDR "def xm(qubit t) -> bit { h t; return measure t; }\n"
                   "def two(qubit[2] t) -> bit[2] { bit[2] r; r = measure t; return r; }\n"
                   "qubit[3] q;\nbit[2] c;\nbit d;\nc[1] = xm(q[0]);\nc = two(q[1:2]);\nbit e = xm(q[2]);\n",
               HDR "qubit[3] q;\nbit[2] c;\nbit d;\nh q[0];\nc[1] = measure q[0];\nc[0] = measure q[1];\n"
                   "c[1] = measure q[2];\nbit e;\nh q[2];\ne = measure q[2];\n");
    /* a bit argument is tested at run time, under the caller's conditions */
    check_same(HDR "def fix(qubit t, bit b) { if (b) x t; }\nqubit[2] q;\nbit[2] c;\nc[0] = measure q[0];\n"
                   "fix(q[1], c[0]);\nif (c[1]) fix(q[0], c[0]);\n",
               HDR "qubit[2] q;\nbit[2] c;\nc[0] = measure q[0];\nif (c[0]) x q[1];\nif (c[1] && c[0]) x q[0];\n");
    /* a local bit register not returned: the circuit's f_m, the same at each call */
    check_same(HDR "def f(qubit t) { bit m = measure t; if (m) x t; }\nqubit[2] q;\nf(q[0]);\nf(q[1]);\n",
               HDR "qubit[2] q;\nbit f_m;\nf_m = measure q[0];\nif (f_m) x q[0];\nf_m = measure q[1];\n"
                   "if (f_m) x q[1];\n");
}

static void test_arrays(void)
{
    check_same(HDR "qubit[3] q;\narray[int[4], 3] a = {2, 0, 7};\narray[angle, 2] t;\na[2] += 2;\nt[-1] = 3 * pi;\n"
                   "for int x in a rx(x) q[0];\nrz(t[1]) q[1];\nx q[sizeof(a) - 1];\nint s = 0;\n"
                   "for int i in [0:sizeof(a, 0) - 1] s += a[i];\nry(s) q[2];\n",
               HDR "qubit[3] q;\nrx(2) q[0];\nrx(0) q[0];\nrx(-7) q[0];\nrz(pi) q[1];\nx q[2];\nry(-5) q[2];\n");
    check_errors(HDR "qubit q;\narray[int, 2, 2] m;\narray[int, 3] a = {1, 2};\narray[int, 2] b;\nb[2] = 1;\n"
                     "b = 3;\nrx(b) q;\narray[float, 0] z;\n",
                 "test.qasm:4:15: error: arrays of more than one dimension are not supported\n"
                 "test.qasm:5:19: error: 'a' has 3 elements: give 3 values in braces\n"
                 "test.qasm:7:3: error: index 2 is out of range for 'b' of 2 elements\n"
                 "test.qasm:8:1: error: 'b' is an array: assign its elements\n"
                 "test.qasm:9:4: error: 'b' is an array: index it\n"
                 "test.qasm:10:14: error: an array has 1 to 1048576 elements, not 0");
}

static void test_blocks(void)
{
    /* bits of an int or uint variable, read and written */
    check_same(HDR "qubit[4] q;\nuint[4] a = 5;\nint b = 0;\nb[2] = 1;\na[1] = true;\nfor int i in [0:3] {\n"
                   "  if (bool(a[i])) x q[i];\n}\nrx(b) q[3];\n",
               HDR "qubit[4] q;\nx q[0];\nx q[1];\nx q[2];\nrx(4) q[3];\n");
    /* a bit register and a let in a loop body: made once, the same bits
     * at each iteration; index sets; a subroutine called gate-style */
    check_same(HDR "def bp(qubit[2] p) { h p[0]; cx p[0], p[1]; }\nqubit[4] q;\nfor int i in [0:1] {\n"
                   "  let pair = q[{2 * i + 1, 2 * i}];\n  bit[2] m;\n  bp pair;\n  m[0] = measure pair[0];\n"
                   "  if (m[0]) x pair[1];\n}\n",
               HDR "qubit[4] q;\nbit[2] m;\nh q[1];\ncx q[1], q[0];\nm[0] = measure q[1];\nif (m[0]) x q[0];\n"
                   "h q[3];\ncx q[3], q[2];\nm[0] = measure q[3];\nif (m[0]) x q[2];\n");
    check_errors(HDR "qubit q;\nint[4] a;\na[4] = 1;\nfloat f;\nf[0] = 1;\n",
                 "test.qasm:5:3: error: bit 4 of 'a' is out of range: it has 4 bits\n"
                 "test.qasm:7:1: error: 'f' is a float: it cannot be indexed");
}

static void test_let_physical(void)
{
    check_same(HDR "qubit[2] a;\nqubit[2] b;\nbit[4] c;\nlet all = a ++ b[1] ++ b[0];\nlet mid = all[1:2];\n"
                   "h mid;\ncx all[0], all[3];\nc = measure all;\nlet cc = c[2:3];\nif (cc == 2) x all[0];\n",
               HDR "qubit[2] a;\nqubit[2] b;\nbit[4] c;\nh a[1];\nh b[1];\ncx a[0], b[0];\nc[0] = measure a[0];\n"
                   "c[1] = measure a[1];\nc[2] = measure b[1];\nc[3] = measure b[0];\nif (c[2] == 0 && c[3] == 1) x a[0];\n");
    /* $0 … $2: a register 'phys' of 3 qubits, first ('phys_' when taken) */
    check_same(HDR "bit[2] c;\nh $0;\ncx $0, $2;\nc[0] = measure $2;\n",
               HDR "qubit[3] phys;\nbit[2] c;\nh phys[0];\ncx phys[0], phys[2];\nc[0] = measure phys[2];\n");
    check_same(HDR "qubit phys;\nx $1;\nx phys;\n", HDR "qubit[2] phys_;\nqubit phys;\nx phys_[1];\nx phys;\n");
}

static void test_errors(void)
{
    /* a loop or a value that depends on a measurement: located, no hang */
    check_errors(HDR "qubit q;\nbit b;\nint k = 0;\nb = measure q;\nwhile (b == 1) { x q; b = measure q; }\n"
                     "if (b) k = 1;\nfor int i in [0:3] { if (b) break; }\nint j = b;\n",
                 "test.qasm:7:8: error: this 'while' condition depends on measurement results ('b'), known only when "
                 "the circuit runs\n"
                 "test.qasm:8:10: error: assigning 'k' under a condition on measurement results (b) is not supported\n"
                 "test.qasm:9:29: error: 'break' under a condition on measurement results (b) is not supported\n"
                 "test.qasm:10:9: error: register 'b' cannot be used as a value: its bits are measurement results");
    check_errors(HDR "def f(int a) -> int { if (a > 0) return a; }\ndef g(qubit t) -> bit { return measure t; }\n"
                     "def h2(qubit t, bit b) { b = measure t; }\nqubit[2] q;\nbit c;\nint z = f(-1);\ng(q[0]);\n"
                     "f(1, 2);\nint w = g(q[0]);\nh2(q[0], c);\n",
                 "test.qasm:8:9: error: subroutine 'f' ended without returning a value (it returns int)\n"
                 "test.qasm:3:5: note: 'f' declared here\n"
                 "test.qasm:4:25: error: the result of 'g' is a measurement: assign it to bits where 'g' is called\n"
                 "test.qasm:10:1: error: subroutine 'f' takes 1 argument, not 2\n"
                 "test.qasm:11:9: error: subroutine 'g' returns bits (measurement results), known only when the circuit runs\n"
                 "test.qasm:5:26: error: 'b' is a bit argument of 'h2', passed by value: measuring into it is not supported");
    check_errors(HDR "def r(int n) -> int { return r(n + 1); }\nint x = r(0);\n",
                 "test.qasm:3:30: error: subroutine calls nested more than 100 deep (unbounded recursion?)");
    check_errors(HDR "qubit[2] q;\nint x = 1;\nx[0:1] = 1;\nfor int i in [0:1] { i = 2; }\nbreak;\nreturn;\n"
                     "const int k = 1;\nk = 2;\nbool b = 1.5;\nint y = 0.5;\nlet a = q[0] ++ q[0];\nx $0[1];\n",
                 "test.qasm:5:1: error: 'x' is an int: it cannot be indexed as several elements\n"
                 "test.qasm:6:22: error: 'i' cannot be assigned (a loop variable or gate parameter)\n"
                 "test.qasm:7:1: error: 'break' outside a loop\n"
                 "test.qasm:8:1: error: 'return' outside a subroutine\n"
                 "test.qasm:10:1: error: 'k' is a constant: it cannot be assigned\n"
                 "test.qasm:12:9: error: the initial value: 0.5 is not an integer\n"
                 "test.qasm:13:1: error: 'let' names one qubit twice\n"
                 "test.qasm:14:3: error: a physical qubit ('$0') cannot be indexed");
    check_errors(HDR "qubit q;\nbit[2] f = \"11\";\nbit[2] c;\nc = 1;\ngate g a { int k = 1; x a; }\n",
                 "test.qasm:4:12: error: bits start at 0 and are written by measurements: initialising 'f' to \"11\" "
                 "is not supported\n"
                 "test.qasm:6:5: error: bits are written by measurements ('c = measure q;') or by a subroutine\n"
                 "test.qasm:7:12: error: a classical variable cannot be declared in a gate definition");
}

void suite_qasm_classical(void);
void suite_qasm_classical(void)
{
    UNIT_SUITE("qasm_classical", {"variables and assignment", test_variables}, {"while, break, continue", test_while},
               {"def subroutines", test_def}, {"arrays", test_arrays},
               {"bits of integers, bits and let in blocks, index sets", test_blocks}, {"let and physical qubits", test_let_physical},
               {"located errors", test_errors});
}
