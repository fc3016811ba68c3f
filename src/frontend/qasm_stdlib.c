/* qasm_stdlib.c — the standard gates of the OpenQASM 3 reader: U and
 * gphase, the gates of stdgates.inc and those the QDK adds, each with how it
 * becomes the IR's built-in gates (qasm_internal.h). */
#include "frontend/qasm_internal.h"

#include <string.h>

#include "support/consts.h"
#include "support/util.h"

const StdGate std_gates[] = {
    {"U", 1, 3, GATE_U, 0, STD_DIRECT, true, false},
    {"gphase", 0, 1, GATE_GPHASE, 0, STD_DIRECT, true, false},
    {"p", 1, 1, GATE_P, 0, STD_DIRECT, false, false},
    {"phase", 1, 1, GATE_P, 0, STD_DIRECT, false, false},
    {"u1", 1, 1, GATE_P, 0, STD_DIRECT, false, false},
    {"x", 1, 0, GATE_X, 0, STD_DIRECT, false, false},
    {"y", 1, 0, GATE_Y, 0, STD_DIRECT, false, false},
    {"z", 1, 0, GATE_Z, 0, STD_DIRECT, false, false},
    {"h", 1, 0, GATE_H, 0, STD_DIRECT, false, false},
    {"s", 1, 0, GATE_S, 0, STD_DIRECT, false, false},
    {"sdg", 1, 0, GATE_SDG, 0, STD_DIRECT, false, false},
    {"t", 1, 0, GATE_T, 0, STD_DIRECT, false, false},
    {"tdg", 1, 0, GATE_TDG, 0, STD_DIRECT, false, false},
    {"sx", 1, 0, GATE_SX, 0, STD_DIRECT, false, false},
    {"rx", 1, 1, GATE_RX, 0, STD_DIRECT, false, false},
    {"ry", 1, 1, GATE_RY, 0, STD_DIRECT, false, false},
    {"rz", 1, 1, GATE_RZ, 0, STD_DIRECT, false, false},
    {"id", 1, 0, GATE_ID, 0, STD_DIRECT, false, false},
    {"cx", 2, 0, GATE_CX, 0, STD_DIRECT, false, false},
    {"CX", 2, 0, GATE_CX, 0, STD_DIRECT, false, false},
    {"cz", 2, 0, GATE_CZ, 0, STD_DIRECT, false, false},
    {"swap", 2, 0, GATE_SWAP, 0, STD_DIRECT, false, false},
    {"ccx", 3, 0, GATE_CCX, 0, STD_DIRECT, false, false},
    {"cy", 2, 0, GATE_Y, 1, STD_DIRECT, false, false},
    {"ch", 2, 0, GATE_H, 1, STD_DIRECT, false, false},
    {"cp", 2, 1, GATE_P, 1, STD_DIRECT, false, false},
    {"cphase", 2, 1, GATE_P, 1, STD_DIRECT, false, false},
    {"crx", 2, 1, GATE_RX, 1, STD_DIRECT, false, false},
    {"cry", 2, 1, GATE_RY, 1, STD_DIRECT, false, false},
    {"crz", 2, 1, GATE_RZ, 1, STD_DIRECT, false, false},
    {"cswap", 3, 0, GATE_SWAP, 1, STD_DIRECT, false, false},
    {"u2", 1, 2, GATE_U, 0, STD_U2, false, false},
    {"u3", 1, 3, GATE_U, 0, STD_U3, false, false},
    {"cu", 2, 4, GATE_U, 1, STD_CU, false, false},
    /* The gates the QDK's standard library adds to stdgates.inc
     * (qsharp-lang 1.32.5-dev, Std.OpenQASM.Intrinsic; Qiskit's standard
     * gates), each with its standard matrix, global phase included (it
     * shows under ctrl @): the matrix of Qiskit's definition, which the
     * QDK's documentation cites. rccx and rc3x are refused (gate_stmt). */
    {"cu1", 2, 1, GATE_P, 1, STD_DIRECT, false, true},
    {"cu3", 2, 3, GATE_U, 1, STD_U3, false, true},
    {"ccz", 3, 0, GATE_Z, 2, STD_DIRECT, false, true},
    {"cs", 2, 0, GATE_S, 1, STD_DIRECT, false, true},
    {"csdg", 2, 0, GATE_SDG, 1, STD_DIRECT, false, true},
    {"csx", 2, 0, GATE_SX, 1, STD_DIRECT, false, true},
    {"c3x", 4, 0, GATE_X, 3, STD_DIRECT, false, true},
    {"c3sqrtx", 4, 0, GATE_SX, 3, STD_DIRECT, false, true},
    {"sxdg", 1, 0, GATE_SX, 0, STD_SEQ, false, true},
    {"r", 1, 2, GATE_U, 0, STD_SEQ, false, true},
    {"rxx", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true},
    {"ryy", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true},
    {"rzz", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true},
    {"rzx", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true},
    {"dcx", 2, 0, GATE_COUNT, 0, STD_SEQ, false, true},
    {"ecr", 2, 0, GATE_COUNT, 0, STD_SEQ, false, true},
    {"xx_minus_yy", 2, 2, GATE_COUNT, 0, STD_SEQ, false, true},
    {"xx_plus_yy", 2, 2, GATE_COUNT, 0, STD_SEQ, false, true},
};

_Static_assert(sizeof std_gates / sizeof *std_gates == STD_NGATES, "STD_NGATES is the size of std_gates");

/* The sequence of a STD_SEQ gate for parameters p; returns its length.
 * Qiskit's definitions, which the QDK's documentation cites:
 *   rxx(θ) = exp(−iθ/2 X⊗X), ryy(θ) = exp(−iθ/2 Y⊗Y), rzz(θ) =
 *   exp(−iθ/2 Z⊗Z), rzx(θ) a, b = exp(−iθ/2 Z_a X_b) (the QDK's rzx uses
 *   u1 for rz, an extra phase e^{iθ/2});
 *   ecr a, b = rzx(π/4) a, b; x a; rzx(−π/4) a, b = (X_a − Y_a X_b)/√2;
 *   dcx a, b = cx a, b; cx b, a;
 *   r(θ, φ) = u3(θ, φ − π/2, π/2 − φ) = U(θ, φ − π/2, π/2 − φ);
 *   sxdg = inv @ sx;
 *   xx_minus_yy(θ, β), xx_plus_yy(θ, β): Qiskit's sequences (below),
 *   equal to its matrices exactly; the QDK's xx_plus_yy differs (it is
 *   Qiskit's with −θ, −β). */
int std_steps(const char *name, const double *p, Step *s)
{
    int n = 0;
#define STEP(g, c, i, q0, q1, q2, a0, a1, a2) (s[n++] = (Step){g, c, i, {q0, q1, q2}, {a0, a1, a2}})
#define G1(g, a, th) STEP(GATE_##g, 0, false, a, 0, 0, th, 0, 0)
#define CX(a, b) STEP(GATE_CX, 0, false, a, b, 0, 0, 0, 0)
    if (!strcmp(name, "sxdg")) {
        STEP(GATE_SX, 0, true, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(name, "r")) {
        STEP(GATE_U, 0, false, 0, 0, 0, p[0], p[1] - QGD_PI / 2, QGD_PI / 2 - p[1]);
    } else if (!strcmp(name, "rxx")) {
        G1(H, 0, 0), G1(H, 1, 0), CX(0, 1), G1(RZ, 1, p[0]), CX(0, 1), G1(H, 0, 0), G1(H, 1, 0);
    } else if (!strcmp(name, "ryy")) {
        G1(RX, 0, QGD_PI / 2), G1(RX, 1, QGD_PI / 2), CX(0, 1), G1(RZ, 1, p[0]), CX(0, 1);
        G1(RX, 0, -QGD_PI / 2), G1(RX, 1, -QGD_PI / 2);
    } else if (!strcmp(name, "rzz")) {
        CX(0, 1), G1(RZ, 1, p[0]), CX(0, 1);
    } else if (!strcmp(name, "rzx")) {
        G1(H, 1, 0), CX(0, 1), G1(RZ, 1, p[0]), CX(0, 1), G1(H, 1, 0);
    } else if (!strcmp(name, "dcx")) {
        CX(0, 1), CX(1, 0);
    } else if (!strcmp(name, "ecr")) {
        G1(H, 1, 0), CX(0, 1), G1(RZ, 1, QGD_PI / 4), CX(0, 1), G1(H, 1, 0);
        G1(X, 0, 0);
        G1(H, 1, 0), CX(0, 1), G1(RZ, 1, -QGD_PI / 4), CX(0, 1), G1(H, 1, 0);
    } else if (!strcmp(name, "xx_minus_yy")) {
        /* rz(−β) b; rz(−π/2) a; sx a; rz(π/2) a; s b; cx a, b; ry(θ/2) a;
         * ry(−θ/2) b; cx a, b; sdg b; rz(−π/2) a; sxdg a; rz(π/2) a; rz(β) b */
        G1(RZ, 1, -p[1]), G1(RZ, 0, -QGD_PI / 2), G1(SX, 0, 0), G1(RZ, 0, QGD_PI / 2), G1(S, 1, 0), CX(0, 1);
        G1(RY, 0, p[0] / 2), G1(RY, 1, -p[0] / 2), CX(0, 1), G1(SDG, 1, 0), G1(RZ, 0, -QGD_PI / 2);
        STEP(GATE_SX, 0, true, 0, 0, 0, 0, 0, 0);
        G1(RZ, 0, QGD_PI / 2), G1(RZ, 1, p[1]);
    } else if (!strcmp(name, "xx_plus_yy")) {
        /* Qiskit's rules (its docstring, which the QDK follows, swaps the
         * roles of a and b and the sign of θ): rz(β) a; rz(−π/2) b; sx b;
         * rz(π/2) b; s a; cx b, a; ry(−θ/2) b; ry(−θ/2) a; cx b, a; sdg a;
         * rz(−π/2) b; sxdg b; rz(π/2) b; rz(−β) a */
        G1(RZ, 0, p[1]), G1(RZ, 1, -QGD_PI / 2), G1(SX, 1, 0), G1(RZ, 1, QGD_PI / 2), G1(S, 0, 0), CX(1, 0);
        G1(RY, 1, -p[0] / 2), G1(RY, 0, -p[0] / 2), CX(1, 0), G1(SDG, 0, 0), G1(RZ, 1, -QGD_PI / 2);
        STEP(GATE_SX, 0, true, 1, 0, 0, 0, 0, 0);
        G1(RZ, 1, QGD_PI / 2), G1(RZ, 0, -p[1]);
    } else
        ICE("std_steps: %s", name);
#undef STEP
#undef G1
#undef CX
    if (n > STD_MAX_STEPS)
        ICE("std_steps: %s has %d steps", name, n);
    return n;
}

const StdGate *std_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof std_gates / sizeof *std_gates; i++)
        if (!strcmp(std_gates[i].name, name))
            return &std_gates[i];
    return NULL;
}

