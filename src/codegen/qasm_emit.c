/* qasm_emit.c — OpenQASM 3 writer (contract in qasm_emit.h). */
#include "codegen/qasm_emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "codegen/lower.h"
#include "support/consts.h"
#include "support/diag.h"

/* Identifiers a definition or register may not take: stdgates.inc and the
 * OpenQASM 3 keywords and built-ins. */
static const char *const reserved[] = {
    "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp", "crx", "cry",
    "crz", "ch", "swap", "ccx", "cswap", "cu", "CX", "phase", "cphase", "id", "u1", "u2", "u3", "U", "gphase",
    "OPENQASM", "include", "defcalgrammar", "def", "cal", "defcal", "gate", "extern", "box", "let", "break",
    "continue", "if", "else", "end", "return", "for", "while", "in", "switch", "case", "default", "const",
    "readonly", "mutable", "qreg", "qubit", "creg", "bool", "bit", "int", "uint", "float", "angle", "complex",
    "array", "void", "duration", "stretch", "inv", "pow", "ctrl", "negctrl", "delay", "reset", "measure",
    "barrier", "true", "false", "pi", "tau", "euler", "input", "output", "durationof", "sizeof", "dt", "ns",
    "us", "ms", "im", "nop", "pragma", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "exp", "log", "sqrt",
    "ceiling", "floor", "mod", "popcount", "rotl", "rotr", "real", "imag"};

typedef struct NameEnt {
    const char *s;
    UT_hash_handle hh;
} NameEnt;

/* The names taken, in order, and as a set. */
typedef struct Names {
    char **s;
    size_t n, cap;
    NameEnt *set;
    bool v2; /* OpenQASM 2.0: qelib1.inc and 2.0's keywords are taken too */
} Names;

/* OpenQASM 2.0's keywords and built-ins and the gates of qelib1.inc (Qiskit's,
 * the largest in use). */
static const char *const reserved2[] = {
    "OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier", "if", "pi", "sin",
    "cos", "tan", "exp", "ln", "sqrt", "U", "CX", "u3", "u2", "u1", "u0", "u", "cx", "id", "p", "x", "y", "z",
    "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "sx", "sxdg", "cz", "cy", "swap", "ch", "ccx", "cswap", "crx",
    "cry", "crz", "cu1", "cp", "cu3", "csx", "cu", "rxx", "rzz", "rccx", "rc3x", "c3x", "c3sqrtx", "c4x"};

static bool taken(const Names *N, const char *s)
{
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (!strcmp(reserved[i], s))
            return true;
    for (size_t i = 0; N->v2 && i < sizeof reserved2 / sizeof *reserved2; i++)
        if (!strcmp(reserved2[i], s))
            return true;
    NameEnt *e;
    HASH_FIND_STR(N->set, s, e);
    return e != NULL;
}

/* A name not yet taken, from `base` (underscores appended). */
static const char *claim(Names *N, const char *base)
{
    StrBuf b = {0};
    if (N->v2 && !(*base >= 'a' && *base <= 'z'))
        sb_putc(&b, 'r'); /* a 2.0 identifier starts with a lower-case letter */
    sb_puts(&b, base);
    while (taken(N, b.s))
        sb_putc(&b, '_');
    if (N->n == N->cap) {
        N->cap = N->cap ? 2 * N->cap : 16;
        N->s = xrealloc(N->s, N->cap * sizeof *N->s);
    }
    N->s[N->n++] = b.s;
    NameEnt *e = xmalloc(sizeof *e);
    e->s = b.s;
    HASH_ADD_KEYPTR(hh, N->set, e->s, strlen(e->s), e);
    return b.s;
}

typedef struct Emit {
    const Circuit *c;
    FILE *out;
    Names names;
    const char **def;    /* emitted name of each definition */
    const char **qreg, **creg;
    const char *ps;      /* post-selection register */
    uint32_t nps, ips;
    const char *formal;  /* prefix of formal qubits */
    size_t nmux, imux;   /* multiplexor gates: how many, next to use */
    const char *mux_base;
    uint32_t def_nq;     /* qubits of the definition being written */
    unsigned *npow;      /* per definition: helper gates for its powers 2^1..2^npow */
    const char ***pow;   /* their names, pow[def][j] for 2^j, j ≥ 1 */
} Emit;

/* ---- operands ---- */

static void put_qubit(Emit *E, bool in_def, uint32_t q)
{
    if (in_def) {
        fprintf(E->out, "%s%u", E->formal, q);
        return;
    }
    for (size_t i = 0; i < E->c->nqregs; i++) {
        const Register *r = &E->c->qregs[i];
        if (q >= r->offset && q < r->offset + r->size) {
            fprintf(E->out, "%s[%u]", E->qreg[i], q - r->offset);
            return;
        }
    }
    ICE("qasm_emit: qubit %u in no register", q);
}

static void put_bit(Emit *E, uint32_t b)
{
    for (size_t i = 0; i < E->c->ncregs; i++) {
        const Register *r = &E->c->cregs[i];
        if (b >= r->offset && b < r->offset + r->size) {
            fprintf(E->out, "%s[%u]", E->creg[i], b - r->offset);
            return;
        }
    }
    ICE("qasm_emit: bit %u in no register", b);
}

static void put_operands(Emit *E, bool in_def, const uint32_t *q, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        fputs(i ? ", " : " ", E->out);
        put_qubit(E, in_def, q[i]);
    }
}

static void put_comment(Emit *E, const char *indent, const char *text)
{
    fprintf(E->out, "%s// ", indent);
    for (const char *p = text; *p; p++)
        if (*p == '\n')
            fprintf(E->out, "\n%s// ", indent);
        else
            fputc(*p, E->out);
    fputc('\n', E->out);
}

/* An angle as a float literal: fmt_double's shortest exact text, with
 * ".0" added to a whole number (the QDK will not cast an int literal to an
 * angle: ry(1) fails where ry(1.0) runs). */
static void put_angle(Emit *E, double v)
{
    char buf[48];
    const char *t = fmt_double(v, buf, sizeof buf);
    fputs(t, E->out);
    if (!strpbrk(t, ".eEni"))
        fputs(".0", E->out);
}

static void put_gate_name(Emit *E, GateKind g, const double *p)
{
    fputs(gate_info[g].name, E->out);
    if (gate_info[g].nparams) {
        fputc('(', E->out);
        for (int k = 0; k < gate_info[g].nparams; k++) {
            if (k)
                fputs(", ", E->out);
            put_angle(E, p[k]);
        }
        fputc(')', E->out);
    }
}

/* Runs of controls of one polarity as ctrl(k) @ / negctrl(k) @ (the QDK's
 * type checker gives up on long chains of single modifiers). */
static void put_controls(Emit *E, const Op *op)
{
    for (uint32_t i = 0; i < op->nctrl;) {
        bool neg = i < 64 && (op->negctrl >> i & 1);
        uint32_t j = i + 1;
        while (j < op->nctrl && (j < 64 && (op->negctrl >> j & 1)) == neg)
            j++;
        if (j - i == 1)
            fputs(neg ? "negctrl @ " : "ctrl @ ", E->out);
        else
            fprintf(E->out, "%s(%u) @ ", neg ? "negctrl" : "ctrl", j - i);
        i = j;
    }
}

static void put_modifiers(Emit *E, const Op *op)
{
    if (op->pow != 1)
        fprintf(E->out, "pow(%llu) @ ", (unsigned long long)op->pow);
    if (op->inv)
        fputs("inv @ ", E->out);
    put_controls(E, op);
}

/* ---- gates ----
 * OpenQASM 3 gate parameters are angles, taken modulo 2π, and the QDK
 * converts them so: rx/ry/rz(θ + 2π) = −rx/ry/rz(θ), a sign that matters
 * under control. So a rotation whose phase can matter is written with its
 * angle in [0, 2π) and, when that changed the sign, a gphase(π) with the
 * same modifiers. The QDK's U(θ, φ, λ) carries an extra phase e^{iθ/2}, so U
 * is written as rz(λ) ry(θ) rz(φ) gphase((φ+λ)/2), which means the same
 * everywhere. */

/* θ = r + 2π·m with r in [0, 2π); returns whether m is odd. */
static bool reduce_2pi(double theta, double *r)
{
    const double tau = 2 * QGD_PI;
    double x = remainder(theta, tau); /* [−π, π] */
    double m = nearbyint((theta - x) / tau);
    if (x < 0) {
        if (x + tau < tau)
            x += tau, m -= 1;
        else
            x = 0; /* −0 or a tiny negative angle: 0 */
    }
    *r = x == 0 ? 0 : x;
    return fmod(fabs(m), 2) == 1;
}

/* `<indent><mods><controls of op>name(p) q…;` */
static void put_line(Emit *E, const char *indent, const char *mods, const Op *op, GateKind g, const double *p,
                     const uint32_t *q, uint32_t nq, bool in_def)
{
    fprintf(E->out, "%s%s", indent, mods);
    if (op)
        put_controls(E, op);
    put_gate_name(E, g, p);
    put_operands(E, in_def, q, nq);
    fputs(";\n", E->out);
}

/* rx/ry/rz on the last of q[0..nq) (controls first). */
static void put_rotation(Emit *E, const char *indent, const char *mods, const Op *op, GateKind g, double theta,
                         const uint32_t *q, uint32_t nq, bool in_def, bool phase_matters)
{
    double r = theta;
    if (phase_matters && reduce_2pi(theta, &r)) {
        double pi = QGD_PI;
        put_line(E, indent, mods, op, GATE_GPHASE, &pi, q, op ? op->nctrl : 0, in_def);
    }
    put_line(E, indent, mods, op, g, &r, q, nq, in_def);
}

/* One gate item (after folding) with the op's controls and no other modifier. */
static void put_item(Emit *E, const char *indent, const Op *op, const LowerItem *it, bool in_def)
{
    const uint32_t *q = op->q;
    uint32_t n = op->nq, nc = op->nctrl;
    bool ph = in_def || nc > 0;
    switch (it->g) {
    case GATE_RX:
    case GATE_RY:
    case GATE_RZ: put_rotation(E, indent, "", op, it->g, it->p[0], q, n, in_def, ph); return;
    case GATE_U: { /* U(θ,φ,λ) = rz(λ) ry(θ) rz(φ) · e^{i(φ+λ)/2} */
        double g = (it->p[1] + it->p[2]) / 2;
        static const GateKind axis[3] = {GATE_RZ, GATE_RY, GATE_RZ};
        const double angle[3] = {it->p[2], it->p[0], it->p[1]};
        for (int k = 0; k < 3; k++)
            if (angle[k] != 0)
                put_rotation(E, indent, "", op, axis[k], angle[k], q, n, in_def, ph);
        if (ph && g != 0)
            put_line(E, indent, "", op, GATE_GPHASE, &g, q, nc, in_def);
        return;
    }
    case GATE_GPHASE:
        if (ph)
            put_line(E, indent, "", op, GATE_GPHASE, it->p, q, nc, in_def);
        return;
    default: put_line(E, indent, "", op, it->g, it->p, q, n, in_def); return;
    }
}

/* A gate operation, as one or more statements. Inside a gate body the QDK
 * cannot control `pow(k) @`, and U must be rewritten: both are folded
 * (lower_gate_power: exact, phase included). */
static void put_gate_stmts(Emit *E, const char *indent, const Op *op, bool in_def)
{
    if (op->gate == GATE_U || (in_def && op->pow != 1)) {
        LowerItem it[2];
        int n = lower_gate_power(op->gate, op->param, op->inv, op->pow, it);
        if (n == 0)
            fprintf(E->out, "%s// pow(%llu)%s @ %s: the identity\n", indent, (unsigned long long)op->pow,
                    op->inv ? " @ inv" : "", gate_info[op->gate].name);
        for (int i = 0; i < n; i++)
            put_item(E, indent, op, &it[i], in_def);
        return;
    }
    char mods[48] = "";
    if (op->pow != 1)
        snprintf(mods, sizeof mods, "pow(%llu) @ ", (unsigned long long)op->pow);
    if (op->inv)
        strcat(mods, "inv @ ");
    if (op->gate == GATE_RX || op->gate == GATE_RY || op->gate == GATE_RZ)
        put_rotation(E, indent, mods, op, op->gate, op->param[0], op->q, op->nq, in_def, in_def || op->nctrl > 0);
    else
        put_line(E, indent, mods, op, op->gate, op->param, op->q, op->nq, in_def);
}

/* A call inside a gate body with pow(k): calls of the helper gates for the
 * powers of two in k. */
static void put_def_power(Emit *E, const Op *op)
{
    FILE *out = E->out;
    for (unsigned j = 0; j < 64; j++)
        if (op->pow >> j & 1) {
            fputs("  ", out);
            if (op->inv)
                fputs("inv @ ", out);
            put_controls(E, op);
            fputs(j ? E->pow[op->def][j] : E->def[op->def], out);
            put_operands(E, true, op->q, op->nq);
            fputs(";\n", out);
        }
}

/* One operation as a statement (without indentation or newline). */
static void put_op(Emit *E, const Op *op, bool in_def)
{
    FILE *out = E->out;
    switch (op->kind) {
    case OP_GATE: ICE("qasm_emit: gates go through put_gate_stmts");
    case OP_CALL:
        put_modifiers(E, op);
        fputs(E->def[op->def], out);
        put_operands(E, in_def, op->q, op->nq);
        fputc(';', out);
        return;
    case OP_MULTIPLEX:
        fprintf(out, "%s%zu", E->mux_base, E->imux++);
        put_operands(E, in_def, op->q, op->nq);
        fputc(';', out);
        return;
    case OP_MEASURE:
        put_bit(E, op->bit);
        fputs(" = measure ", out);
        put_qubit(E, in_def, op->q[0]);
        fputc(';', out);
        return;
    case OP_RESET:
        fputs("reset ", out);
        put_qubit(E, in_def, op->q[0]);
        fputc(';', out);
        return;
    case OP_POSTSELECT:
        fprintf(out, "%s[%u] = measure ", E->ps, E->ips++);
        put_qubit(E, in_def, op->q[0]);
        fputc(';', out);
        return;
    case OP_BARRIER:
        fputs("barrier", out);
        if (op->nq)
            put_operands(E, in_def, op->q, op->nq);
        else if (in_def) /* all the gate's qubits */
            for (uint32_t j = 0; j < E->def_nq; j++)
                fprintf(out, "%s%s%u", j ? ", " : " ", E->formal, j);
        else
            for (size_t i = 0; i < E->c->nqregs; i++)
                fprintf(out, "%s%s", i ? ", " : " ", E->qreg[i]);
        fputc(';', out);
        return;
    case OP_IF:
        fputs("if (", out);
        put_bit(E, op->bit);
        fprintf(out, " == %d) {", op->value);
        if (op->then->kind == OP_GATE) {
            fputc('\n', out);
            put_gate_stmts(E, "  ", op->then, in_def);
            fputc('}', out);
        } else {
            fputc(' ', out);
            put_op(E, op->then, in_def);
            fputs(" }", out);
        }
        return;
    }
}

static void put_stmt(Emit *E, const Op *op, bool in_def)
{
    const char *indent = in_def ? "  " : "";
    if (op->comment)
        put_comment(E, indent, op->comment);
    if (in_def && op->pow != 1 && op->kind == OP_CALL) {
        put_def_power(E, op);
        return;
    }
    if (op->kind == OP_GATE) {
        put_gate_stmts(E, indent, op, in_def);
        return;
    }
    const Op *ps = op->kind == OP_IF ? op->then : op;
    if (ps->kind == OP_POSTSELECT) {
        fprintf(E->out, "%s// post-select: simulation keeps the branch ", indent);
        put_qubit(E, in_def, ps->q[0]);
        fprintf(E->out, " == %d and renormalises\n", ps->value);
    }
    fputs(indent, E->out);
    put_op(E, op, in_def);
    fputc('\n', E->out);
}

/* ---- multiplexor gates ---- */

typedef struct MuxSink {
    LowerSink sink;
    Emit *E;
} MuxSink;

static void mux_gate(LowerSink *s, GateKind g, const uint32_t *q, const double *p)
{
    Emit *E = ((MuxSink *)s)->E;
    if (g == GATE_RY || g == GATE_RZ)
        put_rotation(E, "  ", "", NULL, g, p[0], q, 1, true, true);
    else
        put_line(E, "  ", "", NULL, g, p, q, (uint32_t)gate_info[g].nqubits, true);
}

static void mux_barrier(LowerSink *s, uint32_t nq, const uint32_t *q)
{
    (void)s, (void)nq, (void)q;
    ICE("qasm_emit: barrier in a multiplexor");
}

static void emit_mux_def(Emit *E, const Op *op)
{
    uint32_t *formal = xmalloc(op->nq * sizeof *formal);
    for (uint32_t j = 0; j < op->nq; j++)
        formal[j] = j;
    fprintf(E->out, "// uniformly controlled %s, %u select qubit%s (Mottonen et al.)\n",
            op->gate == GATE_RY ? "ry" : "rz", op->nq - 1, op->nq == 2 ? "" : "s");
    fprintf(E->out, "gate %s%zu", E->mux_base, E->nmux++);
    put_operands(E, true, formal, op->nq);
    fputs(" {\n", E->out);
    MuxSink ms = {{mux_gate, mux_barrier, op->nq, 0, 0, false}, E};
    lower_multiplex(&ms.sink, op, formal, LOWER_NONE, false);
    fputs("}\n", E->out);
    free(formal);
}

static void mux_defs_in(Emit *E, const Op *op)
{
    if (op->kind == OP_MULTIPLEX)
        emit_mux_def(E, op);
    else if (op->kind == OP_IF)
        mux_defs_in(E, op->then);
}

static uint32_t count_ps(const Op *op)
{
    return op->kind == OP_POSTSELECT ? 1 : op->kind == OP_IF ? count_ps(op->then) : 0;
}

/* ---- the file ---- */

static void emit_header(Emit *E) { fputs("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n", E->out); }

static void emit_registers(Emit *E)
{
    const Circuit *c = E->c;
    for (size_t i = 0; i < c->nqregs; i++)
        fprintf(E->out, "qubit[%u] %s;\n", c->qregs[i].size, E->qreg[i]);
    for (size_t i = 0; i < c->ncregs; i++)
        fprintf(E->out, "bit[%u] %s;\n", c->cregs[i].size, E->creg[i]);
    if (E->nps)
        fprintf(E->out, "bit[%u] %s; // post-selected qubits, in program order\n", E->nps, E->ps);
}

static void emit_circuit(const Circuit *c, FILE *out, bool flat)
{
    Emit E = {.c = c, .out = out};
    E.qreg = xcalloc(c->nqregs + 1, sizeof *E.qreg);
    E.creg = xcalloc(c->ncregs + 1, sizeof *E.creg);
    E.def = xcalloc(c->ndefs + 1, sizeof *E.def);
    for (size_t i = 0; i < c->nqregs; i++)
        E.qreg[i] = claim(&E.names, c->qregs[i].name);
    for (size_t i = 0; i < c->ncregs; i++)
        E.creg[i] = claim(&E.names, c->cregs[i].name);
    for (size_t i = 0; i < c->ndefs; i++)
        E.def[i] = claim(&E.names, c->defs[i].name);
    for (size_t i = 0; i < c->main.n; i++)
        E.nps += count_ps(c->main.ops[i]);
    E.ps = E.nps ? claim(&E.names, "ps") : "";
    /* formal qubits: a prefix no register starts a digit-suffixed name with */
    StrBuf fp = {0};
    sb_puts(&fp, "_q");
    for (bool clash = true; clash;) {
        clash = false;
        for (size_t i = 0; i < E.names.n && !clash; i++) {
            size_t n = fp.len;
            clash = !strncmp(E.names.s[i], fp.s, n) && E.names.s[i][n] >= '0' && E.names.s[i][n] <= '9';
        }
        if (clash)
            sb_putc(&fp, '_');
    }
    E.formal = fp.s;
    StrBuf mb = {0};
    sb_puts(&mb, "mux");
    for (bool clash = true; clash;) {
        clash = false;
        for (size_t i = 0; i < E.names.n && !clash; i++)
            clash = !strncmp(E.names.s[i], mb.s, mb.len);
        if (clash)
            sb_putc(&mb, '_');
    }
    E.mux_base = mb.s;
    E.npow = xcalloc(c->ndefs + 1, sizeof *E.npow);
    E.pow = xcalloc(c->ndefs + 1, sizeof *E.pow);
    for (size_t i = 0; i < c->ndefs && !flat; i++)
        for (size_t k = 0; k < c->defs[i].body.n; k++) {
            const Op *op = c->defs[i].body.ops[k];
            if (op->kind == OP_CALL && op->pow > 1) {
                unsigned j = 63;
                while (!(op->pow >> j & 1))
                    j--;
                if (j > E.npow[op->def])
                    E.npow[op->def] = j;
            }
        }
    for (size_t i = 0; i < c->ndefs; i++) {
        if (!E.npow[i])
            continue;
        E.pow[i] = xcalloc(E.npow[i] + 1, sizeof *E.pow[i]);
        for (unsigned j = 1; j <= E.npow[i]; j++) {
            char name[64];
            StrBuf nb = {0};
            snprintf(name, sizeof name, "_pow%llu", 1ull << j);
            sb_puts(&nb, E.def[i]);
            sb_puts(&nb, name);
            E.pow[i][j] = claim(&E.names, nb.s);
            sb_free(&nb);
        }
    }

    emit_header(&E);
    if (!flat) {
        for (size_t i = 0; i < c->ndefs; i++)
            for (size_t k = 0; k < c->defs[i].body.n; k++)
                mux_defs_in(&E, c->defs[i].body.ops[k]);
        for (size_t k = 0; k < c->main.n; k++)
            mux_defs_in(&E, c->main.ops[k]);
        for (size_t i = 0; i < c->ndefs; i++) {
            const GateDef *d = &c->defs[i];
            if (d->doc)
                put_comment(&E, "", d->doc);
            fprintf(out, "gate %s", E.def[i]);
            for (uint32_t j = 0; j < d->nqubits; j++)
                fprintf(out, "%s%s%u", j ? ", " : " ", E.formal, j);
            fputs(" {\n", out);
            E.def_nq = d->nqubits;
            for (size_t k = 0; k < d->body.n; k++)
                put_stmt(&E, d->body.ops[k], true);
            fputs("}\n", out);
            for (unsigned j = 1; j <= E.npow[i]; j++) { /* g^(2^j) = g^(2^(j−1)) twice */
                fprintf(out, "gate %s", E.pow[i][j]);
                for (uint32_t a = 0; a < d->nqubits; a++)
                    fprintf(out, "%s%s%u", a ? ", " : " ", E.formal, a);
                fputs(" {\n", out);
                for (int twice = 0; twice < 2; twice++) {
                    fprintf(out, "  %s", j > 1 ? E.pow[i][j - 1] : E.def[i]);
                    for (uint32_t a = 0; a < d->nqubits; a++)
                        fprintf(out, "%s%s%u", a ? ", " : " ", E.formal, a);
                    fputs(";\n", out);
                }
                fputs("}\n", out);
            }
        }
    }
    emit_registers(&E);
    for (size_t k = 0; k < c->main.n; k++)
        put_stmt(&E, c->main.ops[k], false);

    NameEnt *ne, *ntmp;
    HASH_ITER(hh, E.names.set, ne, ntmp) {
        HASH_DEL(E.names.set, ne);
        free(ne);
    }
    for (size_t i = 0; i < E.names.n; i++)
        free(E.names.s[i]);
    free(E.names.s);
    for (size_t i = 0; i < c->ndefs; i++)
        free(E.pow[i]);
    free(E.pow), free(E.npow);
    free(E.qreg), free(E.creg), free(E.def);
    sb_free(&fp);
    sb_free(&mb);
}

bool qasm_emit(const Circuit *c, bool flat, FILE *out, char **err)
{
    const char *opq = circuit_opaque(c);
    if (opq)
        return diag_refuse(err, "the definition '%s' is only counted (its counts are declared, it has no gates), so "
                           "the circuit cannot be written as OpenQASM",
                           opq);
    if (flat) {
        Circuit low;
        LowerOptions lo = {QASM_FLAT_MAX_OPS};
        if (!lower_circuit(c, &low, &lo, err))
            return false;
        emit_circuit(&low, out, true);
        circuit_free(&low);
    } else
        emit_circuit(c, out, false);
    return true; /* write errors are the output file's to report (out_commit) */
}

/* ---- OpenQASM 2.0 (contract in qasm_emit.h) ---- */

/* A 2.0 real has a decimal point: "1e-05" is written "1.0e-05". */
static void put_real2(FILE *out, double v)
{
    char buf[48];
    const char *t = fmt_double(v, buf, sizeof buf);
    if (strchr(t, '.')) {
        fputs(t, out);
        return;
    }
    const char *e = strpbrk(t, "eE");
    size_t n = e ? (size_t)(e - t) : strlen(t);
    fprintf(out, "%.*s.0%s", (int)n, t, e ? e : "");
}

/* The qelib1.inc name of a basis gate of the flat lowering. */
static const char *qelib1_name(GateKind g)
{
    switch (g) {
    case GATE_P: return "u1";  /* u1(λ) = p(λ), the same matrix */
    case GATE_U: return "u3";  /* u3 = U */
    default: return gate_info[g].name; /* h s sdg t tdg x y z sx rx ry rz cx cz swap ccx id */
    }
}

/* The condition of an if chain as one 2.0 `if (creg == k)`: every bit of
 * one register named, each with one value. *inner: the operation under the
 * chain; *never: the chain asks a bit for both values (the operation never
 * runs). False with a message naming the condition otherwise. */
static bool cond2(Emit *E, const Op *op, size_t *reg, uint64_t *k, const Op **inner, bool *never, char **err)
{
    const Circuit *c = E->c;
    uint64_t seen = 0;
    *k = 0, *never = false;
    size_t first = SIZE_MAX;
    uint32_t b0 = 0;
    for (; op->kind == OP_IF; op = op->then) {
        size_t r = 0;
        while (op->bit >= c->cregs[r].offset + c->cregs[r].size)
            r++;
        uint32_t b = op->bit - c->cregs[r].offset;
        if (first == SIZE_MAX)
            first = r, b0 = b;
        if (r != first)
            return diag_refuse(err, "OpenQASM 2.0 cannot write the condition on %s[%u] and %s[%u] (bits of two "
                               "registers): its if compares one whole classical register with an integer",
                               E->creg[first], b0, E->creg[r], b);
        if (c->cregs[r].size > 64)
            return diag_refuse(err, "OpenQASM 2.0 output: the condition on %s[%u] tests a register of %u bits (at "
                               "most 64 are written)", E->creg[r], b, c->cregs[r].size);
        uint64_t m = 1ull << b;
        if ((seen & m) && ((*k & m) != 0) != (op->value != 0))
            *never = true;
        seen |= m;
        if (op->value)
            *k |= m;
    }
    *inner = op;
    *reg = first;
    if (op->kind == OP_BARRIER || op->kind == OP_POSTSELECT)
        return diag_refuse(err, "OpenQASM 2.0 cannot write a conditional %s (its if takes a gate, measure or reset)",
                           op->kind == OP_BARRIER ? "barrier" : "post-selection");
    uint32_t size = c->cregs[first].size;
    uint64_t all = size == 64 ? ~0ull : (1ull << size) - 1;
    if (seen != all && !*never) {
        uint32_t nseen = 0;
        for (uint32_t b = 0; b < size; b++)
            nseen += seen >> b & 1;
        return diag_refuse(err, "OpenQASM 2.0 cannot write the condition if (%s[%u] == %d): it tests %u of the %u "
                           "bits of register %s, and 2.0's if compares a whole register with an integer "
                           "(if (%s == k))",
                           E->creg[first], b0, (int)(*k >> b0 & 1), nseen, size, E->creg[first], E->creg[first]);
    }
    return true;
}

/* One operation of the flat circuit as a 2.0 statement. */
static bool put_op2(Emit *E, const Op *op, char **err)
{
    FILE *out = E->out;
    if (op->comment)
        put_comment(E, "", op->comment);
    switch (op->kind) {
    case OP_IF: {
        size_t r = 0;
        uint64_t k = 0;
        const Op *in = NULL;
        bool never = false;
        if (!cond2(E, op, &r, &k, &in, &never, err))
            return false;
        if (never) {
            fputs("// an operation under contradictory conditions (it never runs) left out\n", out);
            return true;
        }
        if (in->kind == OP_GATE && in->gate == GATE_GPHASE)
            return true; /* a global phase, conditional or not, changes no distribution */
        fprintf(out, "if (%s == %llu) ", E->creg[r], (unsigned long long)k);
        const char *save = in->comment;
        ((Op *)in)->comment = NULL; /* the chain's comment is written; the inner one would split the line */
        bool ok = put_op2(E, in, err);
        ((Op *)in)->comment = save;
        return ok;
    }
    case OP_GATE:
        if (op->gate == GATE_GPHASE)
            return true; /* the flat lowering emits none; a global phase changes no distribution */
        if (op->nctrl || op->inv || op->pow != 1)
            ICE("qasm_emit: a modifier in the flat circuit");
        fputs(qelib1_name(op->gate), out);
        if (gate_info[op->gate].nparams) {
            fputc('(', out);
            for (int j = 0; j < gate_info[op->gate].nparams; j++) {
                if (j)
                    fputs(", ", out);
                put_real2(out, op->param[j]);
            }
            fputc(')', out);
        }
        put_operands(E, false, op->q, op->nq);
        break;
    case OP_MEASURE:
    case OP_POSTSELECT:
        if (op->kind == OP_POSTSELECT) {
            fputs("// post-select: simulation keeps the branch ", out);
            put_qubit(E, false, op->q[0]);
            fprintf(out, " == %d and renormalises\n", op->value);
        }
        fputs("measure ", out);
        put_qubit(E, false, op->q[0]);
        fputs(" -> ", out);
        if (op->kind == OP_POSTSELECT)
            fprintf(out, "%s[%u]", E->ps, E->ips++);
        else
            put_bit(E, op->bit);
        break;
    case OP_RESET:
        fputs("reset ", out);
        put_qubit(E, false, op->q[0]);
        break;
    case OP_BARRIER:
        fputs("barrier", out);
        if (op->nq)
            put_operands(E, false, op->q, op->nq);
        else
            for (size_t i = 0; i < E->c->nqregs; i++)
                fprintf(out, "%s%s", i ? ", " : " ", E->qreg[i]);
        break;
    case OP_CALL:
    case OP_MULTIPLEX: ICE("qasm_emit: a call or multiplexor in the flat circuit");
    }
    fputs(";\n", out);
    return true;
}

static bool emit_circuit2(const Circuit *c, FILE *out, uint32_t *npost, char **err)
{
    Emit E = {.c = c, .out = out};
    E.names.v2 = true;
    E.qreg = xcalloc(c->nqregs + 1, sizeof *E.qreg);
    E.creg = xcalloc(c->ncregs + 1, sizeof *E.creg);
    for (size_t i = 0; i < c->nqregs; i++)
        E.qreg[i] = claim(&E.names, c->qregs[i].name);
    for (size_t i = 0; i < c->ncregs; i++)
        E.creg[i] = claim(&E.names, c->cregs[i].name);
    for (size_t i = 0; i < c->main.n; i++)
        E.nps += count_ps(c->main.ops[i]);
    E.ps = E.nps ? claim(&E.names, "ps") : "";
    *npost = E.nps;
    bool ok = true;
    for (size_t k = 0; k < c->main.n && ok; k++) { /* refuse before writing anything */
        const Op *op = c->main.ops[k], *in;
        size_t r;
        uint64_t v;
        bool never;
        if (op->kind == OP_IF)
            ok = cond2(&E, op, &r, &v, &in, &never, err);
    }
    if (ok)
        fputs("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n", out);
    for (size_t i = 0; i < c->nqregs && ok; i++)
        fprintf(out, "qreg %s[%u];\n", E.qreg[i], c->qregs[i].size);
    for (size_t i = 0; i < c->ncregs && ok; i++)
        fprintf(out, "creg %s[%u];\n", E.creg[i], c->cregs[i].size);
    if (E.nps && ok)
        fprintf(out, "creg %s[%u]; // post-selected qubits, in program order\n", E.ps, E.nps);
    for (size_t k = 0; k < c->main.n && ok; k++)
        ok = put_op2(&E, c->main.ops[k], err);

    NameEnt *ne, *ntmp;
    HASH_ITER(hh, E.names.set, ne, ntmp) {
        HASH_DEL(E.names.set, ne);
        free(ne);
    }
    for (size_t i = 0; i < E.names.n; i++)
        free(E.names.s[i]);
    free(E.names.s);
    free(E.qreg), free(E.creg);
    return ok;
}

bool qasm_emit2(const Circuit *c, FILE *out, uint32_t *npost, char **err)
{
    const char *opq = circuit_opaque(c);
    *npost = 0;
    if (opq)
        return diag_refuse(err, "the definition '%s' is only counted (its counts are declared, it has no gates), so "
                           "the circuit cannot be written as OpenQASM",
                           opq);
    Circuit low;
    LowerOptions lo = {QASM_FLAT_MAX_OPS};
    if (!lower_circuit(c, &low, &lo, err))
        return false;
    bool ok = emit_circuit2(&low, out, npost, err);
    circuit_free(&low);
    return ok;
}
