/* qasm_stdlib.c — the standard gates of the OpenQASM 3 reader: U and
 * gphase, the gates of stdgates.inc and those the QDK adds, each with how it
 * becomes the IR's built-in gates (qasm_internal.h). */
#include "frontend/qasm_internal.h"

#include <string.h>

#include "support/consts.h"
#include "support/util.h"

const StdGate std_gates[] = {
    {"U", 1, 3, GATE_U, 0, STD_DIRECT, true, false, false},
    {"gphase", 0, 1, GATE_GPHASE, 0, STD_DIRECT, true, false, false},
    {"p", 1, 1, GATE_P, 0, STD_DIRECT, false, false, false},
    {"phase", 1, 1, GATE_P, 0, STD_DIRECT, false, false, false},
    {"u1", 1, 1, GATE_P, 0, STD_DIRECT, false, false, false},
    {"x", 1, 0, GATE_X, 0, STD_DIRECT, false, false, false},
    {"y", 1, 0, GATE_Y, 0, STD_DIRECT, false, false, false},
    {"z", 1, 0, GATE_Z, 0, STD_DIRECT, false, false, false},
    {"h", 1, 0, GATE_H, 0, STD_DIRECT, false, false, false},
    {"s", 1, 0, GATE_S, 0, STD_DIRECT, false, false, false},
    {"sdg", 1, 0, GATE_SDG, 0, STD_DIRECT, false, false, false},
    {"t", 1, 0, GATE_T, 0, STD_DIRECT, false, false, false},
    {"tdg", 1, 0, GATE_TDG, 0, STD_DIRECT, false, false, false},
    {"sx", 1, 0, GATE_SX, 0, STD_DIRECT, false, false, false},
    {"rx", 1, 1, GATE_RX, 0, STD_DIRECT, false, false, false},
    {"ry", 1, 1, GATE_RY, 0, STD_DIRECT, false, false, false},
    {"rz", 1, 1, GATE_RZ, 0, STD_DIRECT, false, false, false},
    {"id", 1, 0, GATE_ID, 0, STD_DIRECT, false, false, false},
    {"cx", 2, 0, GATE_CX, 0, STD_DIRECT, false, false, false},
    {"CX", 2, 0, GATE_CX, 0, STD_DIRECT, false, false, false},
    {"cz", 2, 0, GATE_CZ, 0, STD_DIRECT, false, false, false},
    {"swap", 2, 0, GATE_SWAP, 0, STD_DIRECT, false, false, false},
    {"ccx", 3, 0, GATE_CCX, 0, STD_DIRECT, false, false, false},
    {"cy", 2, 0, GATE_Y, 1, STD_DIRECT, false, false, false},
    {"ch", 2, 0, GATE_H, 1, STD_DIRECT, false, false, false},
    {"cp", 2, 1, GATE_P, 1, STD_DIRECT, false, false, false},
    {"cphase", 2, 1, GATE_P, 1, STD_DIRECT, false, false, false},
    {"crx", 2, 1, GATE_RX, 1, STD_DIRECT, false, false, false},
    {"cry", 2, 1, GATE_RY, 1, STD_DIRECT, false, false, false},
    {"crz", 2, 1, GATE_RZ, 1, STD_DIRECT, false, false, false},
    {"cswap", 3, 0, GATE_SWAP, 1, STD_DIRECT, false, false, false},
    {"u2", 1, 2, GATE_U, 0, STD_U2, false, false, false},
    {"u3", 1, 3, GATE_U, 0, STD_U3, false, false, false},
    {"cu", 2, 4, GATE_U, 1, STD_CU, false, false, false},
    /* The gates the QDK's standard library adds to stdgates.inc
     * (qsharp-lang 1.32.5-dev, Std.OpenQASM.Intrinsic; Qiskit's standard
     * gates), each with its standard matrix, global phase included (it
     * shows under ctrl @): the matrix of Qiskit's definition, which the
     * QDK's documentation cites. rccx and rc3x are refused (gate_stmt). */
    {"cu1", 2, 1, GATE_P, 1, STD_DIRECT, false, true, false},
    {"cu3", 2, 3, GATE_U, 1, STD_U3, false, true, false},
    {"ccz", 3, 0, GATE_Z, 2, STD_DIRECT, false, true, false},
    {"cs", 2, 0, GATE_S, 1, STD_DIRECT, false, true, false},
    {"csdg", 2, 0, GATE_SDG, 1, STD_DIRECT, false, true, false},
    {"csx", 2, 0, GATE_SX, 1, STD_DIRECT, false, true, false},
    {"c3x", 4, 0, GATE_X, 3, STD_DIRECT, false, true, false},
    {"c3sqrtx", 4, 0, GATE_SX, 3, STD_DIRECT, false, true, false},
    {"sxdg", 1, 0, GATE_SX, 0, STD_SEQ, false, true, false},
    {"r", 1, 2, GATE_U, 0, STD_SEQ, false, true, false},
    {"rxx", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"ryy", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"rzz", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"rzx", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"dcx", 2, 0, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"ecr", 2, 0, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"xx_minus_yy", 2, 2, GATE_COUNT, 0, STD_SEQ, false, true, false},
    {"xx_plus_yy", 2, 2, GATE_COUNT, 0, STD_SEQ, false, true, false},
    /* OpenQASM 2.0: the built-ins U and CX, and the gates of Qiskit's
     * qelib1.inc, each the exact matrix of its definition there, global
     * phase included, with U the U of OpenQASM 3 (Qiskit's UGate), as
     * Qiskit reads it. So u3 and u are U (no gphase, unlike stdgates.inc's
     * u3), u1 and p are p, rz(φ) = u1(φ) is p(φ) (stdgates' rz times
     * e^{iφ/2}), cu3 is ctrl @ U, and sx, sxdg, ch and rxx carry the phases
     * of their definitions (std_steps). The v2 gates marked ext are those
     * Qiskit added after the OpenQASM 2.0 paper's qelib1.inc: a program's
     * own gate of the same name wins. */
    {"U", 1, 3, GATE_U, 0, STD_DIRECT, true, false, true},
    {"CX", 2, 0, GATE_CX, 0, STD_DIRECT, true, false, true},
    {"u3", 1, 3, GATE_U, 0, STD_DIRECT, false, false, true},
    {"u2", 1, 2, GATE_U, 0, STD_SEQ, false, false, true},
    {"u1", 1, 1, GATE_P, 0, STD_DIRECT, false, false, true},
    {"cx", 2, 0, GATE_CX, 0, STD_DIRECT, false, false, true},
    {"id", 1, 0, GATE_ID, 0, STD_DIRECT, false, false, true},
    {"u0", 1, 1, GATE_ID, 0, STD_SEQ, false, true, true},
    {"u", 1, 3, GATE_U, 0, STD_DIRECT, false, true, true},
    {"p", 1, 1, GATE_P, 0, STD_DIRECT, false, true, true},
    {"x", 1, 0, GATE_X, 0, STD_DIRECT, false, false, true},
    {"y", 1, 0, GATE_Y, 0, STD_DIRECT, false, false, true},
    {"z", 1, 0, GATE_Z, 0, STD_DIRECT, false, false, true},
    {"h", 1, 0, GATE_H, 0, STD_DIRECT, false, false, true},
    {"s", 1, 0, GATE_S, 0, STD_DIRECT, false, false, true},
    {"sdg", 1, 0, GATE_SDG, 0, STD_DIRECT, false, false, true},
    {"t", 1, 0, GATE_T, 0, STD_DIRECT, false, false, true},
    {"tdg", 1, 0, GATE_TDG, 0, STD_DIRECT, false, false, true},
    {"rx", 1, 1, GATE_RX, 0, STD_DIRECT, false, false, true},
    {"ry", 1, 1, GATE_RY, 0, STD_DIRECT, false, false, true},
    {"rz", 1, 1, GATE_P, 0, STD_DIRECT, false, false, true},
    {"sx", 1, 0, GATE_SX, 0, STD_SEQ, false, true, true},
    {"sxdg", 1, 0, GATE_SX, 0, STD_SEQ, false, true, true},
    {"cz", 2, 0, GATE_CZ, 0, STD_DIRECT, false, false, true},
    {"cy", 2, 0, GATE_Y, 1, STD_DIRECT, false, false, true},
    {"swap", 2, 0, GATE_SWAP, 0, STD_DIRECT, false, true, true},
    {"ch", 2, 0, GATE_H, 1, STD_SEQ, false, false, true},
    {"ccx", 3, 0, GATE_CCX, 0, STD_DIRECT, false, false, true},
    {"cswap", 3, 0, GATE_SWAP, 1, STD_DIRECT, false, true, true},
    {"crx", 2, 1, GATE_RX, 1, STD_DIRECT, false, true, true},
    {"cry", 2, 1, GATE_RY, 1, STD_DIRECT, false, true, true},
    {"crz", 2, 1, GATE_RZ, 1, STD_DIRECT, false, false, true},
    {"cu1", 2, 1, GATE_P, 1, STD_DIRECT, false, false, true},
    {"cp", 2, 1, GATE_P, 1, STD_DIRECT, false, true, true},
    {"cu3", 2, 3, GATE_U, 1, STD_DIRECT, false, false, true},
    {"csx", 2, 0, GATE_SX, 1, STD_DIRECT, false, true, true},
    {"cu", 2, 4, GATE_U, 1, STD_CU, false, true, true},
    {"rxx", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, true},
    {"rzz", 2, 1, GATE_COUNT, 0, STD_SEQ, false, true, true},
    {"rccx", 3, 0, GATE_COUNT, 0, STD_SEQ, false, true, true},
    {"rc3x", 4, 0, GATE_COUNT, 0, STD_SEQ, false, true, true},
    {"c3x", 4, 0, GATE_X, 3, STD_DIRECT, false, true, true},
    {"c3sqrtx", 4, 0, GATE_SX, 3, STD_DIRECT, false, true, true},
    {"c4x", 5, 0, GATE_X, 4, STD_DIRECT, false, true, true},
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
static int qelib_steps(const char *name, const double *p, Step *s);

int std_steps(const StdGate *g, const double *p, Step *s)
{
    if (g->v2)
        return qelib_steps(g->name, p, s);
    const char *name = g->name;
    int n = 0;
#define STEP(g, c, i, q0, q1, q2, a0, a1, a2) (s[n++] = (Step){g, c, i, {q0, q1, q2, 0, 0}, {a0, a1, a2}})
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

/* The sequences of OpenQASM 2.0's STD_SEQ gates: each the exact matrix of
 * its definition in Qiskit's qelib1.inc (U the U of OpenQASM 3):
 *   u2(φ, λ) = U(π/2, φ, λ); u0(γ) = U(0, 0, 0) = id;
 *   sx = sdg; h; sdg = e^{−iπ/4} SX; sxdg = s; h; s = e^{iπ/4} SX†;
 *   ch = e^{iπ/4} ctrl @ h (its last step, s a, gives the phase);
 *   rxx(θ) = e^{−iθ/2} exp(−iθ/2 X⊗X); rzz(θ) = cx; u1(θ) b; cx
 *   = e^{iθ/2} exp(−iθ/2 Z⊗Z);
 *   rccx and rc3x as written there, with u2(0, π) = h, u1(±π/4) = t, tdg. */
static int qelib_steps(const char *name, const double *p, Step *s)
{
    int n = 0;
#define STEP(g, c, i, q0, q1, a0, a1, a2) (s[n++] = (Step){g, c, i, {q0, q1, 0, 0, 0}, {a0, a1, a2}})
#define G1(g, a, th) STEP(GATE_##g, 0, false, a, 0, th, 0, 0)
#define CX(a, b) STEP(GATE_CX, 0, false, a, b, 0, 0, 0)
#define GPH(th) STEP(GATE_GPHASE, 0, false, 0, 0, th, 0, 0)
    if (!strcmp(name, "u2")) {
        STEP(GATE_U, 0, false, 0, 0, QGD_PI / 2, p[0], p[1]);
    } else if (!strcmp(name, "u0")) {
        G1(ID, 0, 0);
    } else if (!strcmp(name, "sx")) {
        GPH(-QGD_PI / 4), G1(SX, 0, 0);
    } else if (!strcmp(name, "sxdg")) {
        GPH(QGD_PI / 4), STEP(GATE_SX, 0, true, 0, 0, 0, 0, 0);
    } else if (!strcmp(name, "ch")) {
        GPH(QGD_PI / 4), STEP(GATE_H, 1, false, 0, 1, 0, 0, 0);
    } else if (!strcmp(name, "rxx")) {
        GPH(-p[0] / 2), G1(H, 0, 0), G1(H, 1, 0), CX(0, 1), G1(RZ, 1, p[0]), CX(0, 1), G1(H, 0, 0), G1(H, 1, 0);
    } else if (!strcmp(name, "rzz")) {
        CX(0, 1), G1(P, 1, p[0]), CX(0, 1);
    } else if (!strcmp(name, "rccx")) {
        G1(H, 2, 0), G1(T, 2, 0), CX(1, 2), G1(TDG, 2, 0), CX(0, 2), G1(T, 2, 0), CX(1, 2), G1(TDG, 2, 0), G1(H, 2, 0);
    } else if (!strcmp(name, "rc3x")) {
        G1(H, 3, 0), G1(T, 3, 0), CX(2, 3), G1(TDG, 3, 0), G1(H, 3, 0), CX(0, 3), G1(T, 3, 0), CX(1, 3);
        G1(TDG, 3, 0), CX(0, 3), G1(T, 3, 0), CX(1, 3), G1(TDG, 3, 0), G1(H, 3, 0), G1(T, 3, 0), CX(2, 3);
        G1(TDG, 3, 0), G1(H, 3, 0);
    } else
        ICE("qelib_steps: %s", name);
#undef STEP
#undef G1
#undef CX
#undef GPH
    if (n > STD_MAX_STEPS)
        ICE("qelib_steps: %s has %d steps", name, n);
    return n;
}

const StdGate *std_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof std_gates / sizeof *std_gates; i++)
        if (!std_gates[i].v2 && !strcmp(std_gates[i].name, name))
            return &std_gates[i];
    return NULL;
}

const StdGate *std_lookup2(const char *name)
{
    for (size_t i = 0; i < sizeof std_gates / sizeof *std_gates; i++)
        if (std_gates[i].v2 && !strcmp(std_gates[i].name, name))
            return &std_gates[i];
    return NULL;
}

