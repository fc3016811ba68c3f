/* test_qasm2.c — OpenQASM 2.0 programs (src/frontend/qasm_read.c with the
 * 2.0 gates of qasm_stdlib.c): every gate of qelib1.inc, and the built-ins
 * U and CX, run by the executor on a random 5-qubit state and compared, to
 * 1e-12 and global phase included, with its matrix written here in closed
 * form: the matrix of the gate's definition in Qiskit's qelib1.inc with U
 * the U of OpenQASM 3 (so u1 = p = rz = diag(1, e^{iλ}), u3 = U,
 * cu3 = ctrl @ U, sx = e^{−iπ/4} SX, ch = e^{iπ/4} ctrl @ h, …; the phases
 * were worked out from the definitions). Then what a 2.0 program becomes
 * (its circuit_dump), and that an OpenQASM 3 program still reads u3, rz
 * and cu3 as stdgates.inc and the QDK do. */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

#define TOL 1e-12
#define PI 3.14159265358979323846
#define SQRT1_2 0.70710678118654752440
#define NQ 5
#define DIM (1u << NQ)

typedef double complex cplx;

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

/* ---- closed-form matrices: m[row * d + col], bit i of an index is operand i ---- */

typedef struct Mat {
    int k; /* qubits */
    cplx m[32 * 32];
} Mat;

static void m_identity(Mat *a, int k)
{
    memset(a, 0, sizeof *a);
    a->k = k;
    for (int i = 0; i < 1 << k; i++)
        a->m[i * (1 << k) + i] = 1;
}

static void m_1q(Mat *a, cplx m00, cplx m01, cplx m10, cplx m11)
{
    memset(a, 0, sizeof *a);
    a->k = 1;
    a->m[0] = m00, a->m[1] = m01, a->m[2] = m10, a->m[3] = m11;
}

/* OpenQASM 3's U(θ, φ, λ) (Qiskit's UGate) */
static void m_u(Mat *a, double t, double f, double l)
{
    double c = cos(t / 2), s = sin(t / 2);
    m_1q(a, c, -cexp(I * l) * s, cexp(I * f) * s, cexp(I * (f + l)) * c);
}

/* nc controls (operands 0..nc−1) on the gate b (operands nc..) */
static void m_ctrl(Mat *a, const Mat *b, int nc)
{
    int k = nc + b->k, d = 1 << k, db = 1 << b->k, all = (1 << nc) - 1;
    m_identity(a, k);
    for (int r = 0; r < db; r++)
        for (int c = 0; c < db; c++)
            a->m[((r << nc) | all) * d + ((c << nc) | all)] = b->m[r * db + c];
}

static void m_phase(Mat *a, cplx ph)
{
    for (int i = 0; i < 1 << (2 * a->k); i++)
        a->m[i] *= ph;
}

/* the matrix of qelib1.inc's gate name for parameters p; false if unknown */
static bool ref_matrix(const char *n, const double *p, Mat *a)
{
    Mat b;
    double c = cos(p[0] / 2), s = sin(p[0] / 2);
    const cplx sx0 = (1 + I) / 2, sx1 = (1 - I) / 2;
    if (!strcmp(n, "U") || !strcmp(n, "u3") || !strcmp(n, "u"))
        m_u(a, p[0], p[1], p[2]);
    else if (!strcmp(n, "u2"))
        m_u(a, PI / 2, p[0], p[1]);
    else if (!strcmp(n, "u1") || !strcmp(n, "p") || !strcmp(n, "rz")) /* rz(φ) is u1(φ) */
        m_1q(a, 1, 0, 0, cexp(I * p[0]));
    else if (!strcmp(n, "id") || !strcmp(n, "u0"))
        m_identity(a, 1);
    else if (!strcmp(n, "x"))
        m_1q(a, 0, 1, 1, 0);
    else if (!strcmp(n, "y"))
        m_1q(a, 0, -I, I, 0);
    else if (!strcmp(n, "z"))
        m_1q(a, 1, 0, 0, -1);
    else if (!strcmp(n, "h"))
        m_1q(a, SQRT1_2, SQRT1_2, SQRT1_2, -SQRT1_2);
    else if (!strcmp(n, "s") || !strcmp(n, "sdg") || !strcmp(n, "t") || !strcmp(n, "tdg"))
        m_1q(a, 1, 0, 0, cexp(I * PI / (n[0] == 's' ? 2 : 4) * (n[1] == 'd' ? -1 : 1)));
    else if (!strcmp(n, "rx"))
        m_1q(a, c, -I * s, -I * s, c);
    else if (!strcmp(n, "ry"))
        m_1q(a, c, -s, s, c);
    else if (!strcmp(n, "sx")) /* sdg; h; sdg */
        m_1q(a, sx0, sx1, sx1, sx0), m_phase(a, cexp(-I * PI / 4));
    else if (!strcmp(n, "sxdg")) /* s; h; s */
        m_1q(a, conj(sx0), conj(sx1), conj(sx1), conj(sx0)), m_phase(a, cexp(I * PI / 4));
    else if (!strcmp(n, "cx") || !strcmp(n, "CX") || !strcmp(n, "cy") || !strcmp(n, "cz") || !strcmp(n, "ch") ||
             !strcmp(n, "crx") || !strcmp(n, "cry") || !strcmp(n, "cu1") || !strcmp(n, "cp")) {
        const char *base = !strcmp(n, "CX") ? "x" : !strcmp(n, "cu1") || !strcmp(n, "cp") ? "p" : n + 1;
        ref_matrix(base, p, &b);
        m_ctrl(a, &b, 1);
        if (!strcmp(n, "ch")) /* its last step, s a, leaves e^{iπ/4} */
            m_phase(a, cexp(I * PI / 4));
    } else if (!strcmp(n, "csx")) { /* h b; cu1(π/2) a, b; h b: ctrl @ SX, no phase */
        m_1q(&b, sx0, sx1, sx1, sx0);
        m_ctrl(a, &b, 1);
    } else if (!strcmp(n, "crz")) {
        m_1q(&b, cexp(-I * p[0] / 2), 0, 0, cexp(I * p[0] / 2));
        m_ctrl(a, &b, 1);
    } else if (!strcmp(n, "cu3") || !strcmp(n, "cu")) {
        m_u(&b, p[0], p[1], p[2]);
        m_ctrl(a, &b, 1);
        if (!strcmp(n, "cu")) /* p(γ) on the control */
            for (int r = 0; r < 4; r++)
                for (int col = 0; col < 4; col++)
                    if (r & 1)
                        a->m[r * 4 + col] *= cexp(I * p[3]);
    } else if (!strcmp(n, "ccx") || !strcmp(n, "c3x") || !strcmp(n, "c4x")) {
        ref_matrix("x", p, &b);
        m_ctrl(a, &b, n[1] == 'c' ? 2 : n[1] - '0');
    } else if (!strcmp(n, "c3sqrtx")) {
        m_1q(&b, sx0, sx1, sx1, sx0);
        m_ctrl(a, &b, 3);
    } else if (!strcmp(n, "swap") || !strcmp(n, "cswap")) {
        m_identity(&b, 2);
        b.m[1 * 4 + 1] = b.m[2 * 4 + 2] = 0;
        b.m[1 * 4 + 2] = b.m[2 * 4 + 1] = 1;
        if (n[0] == 'c')
            m_ctrl(a, &b, 1);
        else
            *a = b;
    } else if (!strcmp(n, "rxx")) { /* e^{−iθ/2} exp(−iθ/2 X⊗X) */
        m_identity(a, 2);
        for (int i = 0; i < 4; i++)
            a->m[i * 4 + i] = c, a->m[i * 4 + (3 - i)] = -I * s;
        m_phase(a, cexp(-I * p[0] / 2));
    } else if (!strcmp(n, "rzz")) { /* cx; u1(θ); cx = diag(1, e^{iθ}, e^{iθ}, 1) */
        m_identity(a, 2);
        a->m[1 * 4 + 1] = a->m[2 * 4 + 2] = cexp(I * p[0]);
    } else if (!strcmp(n, "rccx")) { /* |a b c⟩: 011 → i·111, 111 → −i·011, 101 → −101 (bits c b a) */
        m_identity(a, 3);
        a->m[3 * 8 + 3] = a->m[7 * 8 + 7] = 0;
        a->m[7 * 8 + 3] = I, a->m[3 * 8 + 7] = -I, a->m[5 * 8 + 5] = -1;
    } else if (!strcmp(n, "rc3x")) { /* a = b = 1: c = d = 0 → i, c = 0, d = 1 → −i; c = 1 swaps d with phases −1, 1 */
        m_identity(a, 4);
        a->m[3 * 16 + 3] = I, a->m[11 * 16 + 11] = -I;
        a->m[7 * 16 + 7] = a->m[15 * 16 + 15] = 0;
        a->m[15 * 16 + 7] = -1, a->m[7 * 16 + 15] = 1;
    } else
        return false;
    return true;
}

/* st ← a on the qubits q[0..a->k) (operand i on qubit q[i]) */
static void apply(cplx *st, const Mat *a, const int *q)
{
    int d = 1 << a->k;
    cplx out[DIM] = {0};
    for (uint32_t idx = 0; idx < DIM; idx++) {
        int loc = 0;
        uint32_t rest = idx;
        for (int t = 0; t < a->k; t++) {
            loc |= (int)(idx >> q[t] & 1) << t;
            rest &= ~(1u << q[t]);
        }
        for (int r = 0; r < d; r++) {
            uint32_t to = rest;
            for (int t = 0; t < a->k; t++)
                if (r >> t & 1)
                    to |= 1u << q[t];
            out[to] += a->m[r * d + loc] * st[idx];
        }
    }
    memcpy(st, out, sizeof out);
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

typedef struct G2 {
    const char *name;
    int nq, np;
} G2;

/* qelib1.inc's gates (Qiskit's, 2021 on) and the built-ins */
static const G2 qelib[] = {
    {"U", 1, 3}, {"CX", 2, 0}, {"u3", 1, 3}, {"u2", 1, 2}, {"u1", 1, 1}, {"cx", 2, 0}, {"id", 1, 0},
    {"u0", 1, 1}, {"u", 1, 3}, {"p", 1, 1}, {"x", 1, 0}, {"y", 1, 0}, {"z", 1, 0}, {"h", 1, 0},
    {"s", 1, 0}, {"sdg", 1, 0}, {"t", 1, 0}, {"tdg", 1, 0}, {"rx", 1, 1}, {"ry", 1, 1}, {"rz", 1, 1},
    {"sx", 1, 0}, {"sxdg", 1, 0}, {"cz", 2, 0}, {"cy", 2, 0}, {"swap", 2, 0}, {"ch", 2, 0},
    {"ccx", 3, 0}, {"cswap", 3, 0}, {"crx", 2, 1}, {"cry", 2, 1}, {"crz", 2, 1}, {"cu1", 2, 1},
    {"cp", 2, 1}, {"cu3", 2, 3}, {"csx", 2, 0}, {"cu", 2, 4}, {"rxx", 2, 1}, {"rzz", 2, 1},
    {"rccx", 3, 0}, {"rc3x", 4, 0}, {"c3x", 4, 0}, {"c3sqrtx", 4, 0}, {"c4x", 5, 0},
};

/* Runs "NAME(params) operands;" of a 2.0 (v2) or 3 program on a random
 * state; the largest difference from the matrix m. */
static double run_gate(bool v2, const char *name, int nq, int np, const Mat *m)
{
    static const double params[4] = {0.3, -1.1, 2.2, 0.7};
    static const int order[NQ] = {3, 0, 4, 1, 2};
    StrBuf prog = {0};
    sb_puts(&prog, v2 ? "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[5];\n" : "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[5] q;\n");
    sb_puts(&prog, name);
    for (int i = 0; i < np; i++)
        sb_printf(&prog, "%s%.17g%s", i ? ", " : "(", params[i], i == np - 1 ? ")" : "");
    for (int i = 0; i < nq; i++)
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
    apply(want, m, order);
    double worst = 0;
    for (uint32_t i = 0; i < DIM; i++)
        worst = fmax(worst, cabs(sv->amp[i] - want[i]));
    if (worst > TOL)
        fprintf(stderr, "\n  %s: differs by %g\n", prog.s, worst);
    sim_destroy(sv);
    sb_free(&prog);
    free(diag);
    circuit_free(&c);
    return worst;
}

static void test_qelib_gates(void)
{
    static const double params[4] = {0.3, -1.1, 2.2, 0.7};
    for (size_t i = 0; i < sizeof qelib / sizeof *qelib; i++) {
        Mat m;
        CU_ASSERT_TRUE_FATAL(ref_matrix(qelib[i].name, params, &m));
        CU_ASSERT_EQUAL(m.k, qelib[i].nq);
        CU_ASSERT(run_gate(true, qelib[i].name, qelib[i].nq, qelib[i].np, &m) <= TOL);
    }
}

/* The same names in OpenQASM 3 keep stdgates.inc's (and the QDK's)
 * meaning: rz is exp(−iθZ/2), u3 carries gphase(−(φ+λ)/2), cu3 is
 * ctrl @ u3, sx has no phase. */
static void test_v3_unchanged(void)
{
    static const double params[4] = {0.3, -1.1, 2.2, 0.7};
    Mat m, b;
    m_1q(&m, cexp(-I * 0.15), 0, 0, cexp(I * 0.15));
    CU_ASSERT(run_gate(false, "rz", 1, 1, &m) <= TOL);
    m_u(&m, params[0], params[1], params[2]);
    m_phase(&m, cexp(-I * (params[1] + params[2]) / 2));
    CU_ASSERT(run_gate(false, "u3", 1, 3, &m) <= TOL);
    m_u(&b, params[0], params[1], params[2]);
    m_phase(&b, cexp(-I * (params[1] + params[2]) / 2));
    m_ctrl(&m, &b, 1);
    CU_ASSERT(run_gate(false, "cu3", 2, 3, &m) <= TOL);
    m_1q(&m, (1 + I) / 2, (1 - I) / 2, (1 - I) / 2, (1 + I) / 2);
    CU_ASSERT(run_gate(false, "sx", 1, 0, &m) <= TOL);
}

static char *dump_of(const char *text)
{
    Circuit c;
    char *diag;
    bool ok = read_text(text, &c, &diag);
    if (!ok)
        fprintf(stderr, "\n%s", diag);
    free(diag);
    CU_ASSERT_TRUE_FATAL(ok);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    circuit_dump(&c, mem);
    fclose(mem);
    circuit_free(&c);
    return buf;
}

/* What a 2.0 program becomes: registers, measure ->, if (c == k) on every
 * bit of c (c[0] least significant), opaque declared and not used, barrier,
 * reset, a gate of its own. */
static void test_program(void)
{
    char *d = dump_of("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nopaque secret(a) x, y;\n"
                      "gate g(t) a, b { U(t, 0, 0) a; CX a, b; }\nqreg q[2];\ncreg c[2];\n"
                      "g(0.5) q[0], q[1];\nrz(0.25) q[1];\nbarrier q;\nmeasure q -> c;\nif (c == 2) u1(0.5) q[0];\n"
                      "reset q[1];\nmeasure q[1] -> c[1];\n");
    const char *want = "circuit: 2 qubits, 2 bits\nqreg q[2] at 0\ncreg c[2] at 0\n"
                       "def g_0(2 qubits)  # g(0.5)\n  U(0.5, 0, 0) 0\n  cx 0, 1\n"
                       "main\n  g_0 0, 1\n  p(0.25) 1\n  barrier 0, 1\n  measure 0 -> b0\n  measure 1 -> b1\n"
                       "  if b0 == 0: if b1 == 1: p(0.5) 0\n  reset 1\n  measure 1 -> b1\n";
    if (strcmp(d, want))
        fprintf(stderr, "\n got:\n%s want:\n%s", d, want);
    CU_ASSERT_STRING_EQUAL(d, want);
    free(d);
}

void suite_qasm2(void);
void suite_qasm2(void)
{
    UNIT_SUITE("qasm2", {"qelib1.inc gates against their matrices", test_qelib_gates},
               {"OpenQASM 3 gates unchanged", test_v3_unchanged}, {"a 2.0 program", test_program});
}
