/* qasm_read.c — OpenQASM 3 (and 2.0) → circuit IR (contract in qasm_read.h).
 * A program that starts 'OPENQASM 2.x;' is read with OpenQASM 2.0's gates:
 * U, CX and, with include "qelib1.inc", the v2 gates of qasm_stdlib.c (each
 * the exact matrix of Qiskit's qelib1.inc definition); no modifiers; a use
 * of an 'opaque' gate is an error at the call.
 * Needs: a source text. Runs the scanner and parser (qasm_lexer.l,
 * qasm_parser.y) to a tree, then elaborates the tree statement by
 * statement: registers become IR registers, standard gates become built-in
 * gates with controls, gate definitions become IR definitions (one per
 * distinct parameter list), loops are unrolled and conditions are put on
 * each operation. Guarantees: a circuit that passes circuit_verify, or
 * diagnostics and no circuit. The standard gates are in qasm_stdlib.c,
 * the values of expressions in qasm_expr.c, operands in qasm_operands.c;
 * what these files share (the Reader among it) in qasm_internal.h. */
#include "frontend/qasm_read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "frontend/qasm_ast.h"
#include "frontend/qasm_internal.h"
#include "frontend/lex_state.h"
#include "support/consts.h"
#include "qasm_parser.h"
#define YYSTYPE QASM_STYPE
#define YYLTYPE QASM_LTYPE
#include "qasm_lexer.h"

/* ---- the reader's state (its types: qasm_internal.h) ---- */

static const char *fmt_val(Val v, char *buf, size_t len)
{
    if (v.isint) {
        snprintf(buf, len, "%lld", v.i);
        return buf;
    }
    return fmt_double(v.f, buf, len);
}

/* Interned keys: an instance of a gate per list of argument values, a
 * definition of a STD_SEQ gate per parameter list. The key is the bytes of
 * the values (one tag byte and 8 value bytes each), so that equal lists
 * hash alike and lookups are O(1). */
typedef struct Intern {
    uint32_t def;
    UT_hash_handle hh;
    size_t len;
    unsigned char key[];
} Intern;

typedef struct KeyBuf {
    unsigned char *b;
    size_t len, cap;
} KeyBuf;

static void key_put(KeyBuf *k, unsigned char tag, const void *bytes)
{
    if (k->len + 9 > k->cap) {
        k->cap = 2 * k->cap + 64;
        k->b = xrealloc(k->b, k->cap);
    }
    k->b[k->len++] = tag;
    memcpy(k->b + k->len, bytes, 8);
    k->len += 8;
}

static Intern *intern_find(Intern *h, const KeyBuf *k)
{
    Intern *e;
    HASH_FIND(hh, h, k->b, k->len, e);
    return e;
}

static void intern_add(Intern **h, const KeyBuf *k, uint32_t def)
{
    Intern *e = xmalloc(sizeof *e + k->len + 1);
    e->def = def;
    e->len = k->len;
    if (k->len)
        memcpy(e->key, k->b, k->len);
    HASH_ADD(hh, *h, key, e->len, e);
}

static void intern_free(Intern **h)
{
    Intern *e, *tmp;
    HASH_ITER(hh, *h, e, tmp) {
        HASH_DEL(*h, e);
        free(e);
    }
}

/* Names to indices: the program's gates, the IR definitions' names. */
typedef struct NameIdx {
    const char *name;
    size_t idx;
    UT_hash_handle hh;
} NameIdx;

static void names_add(NameIdx **h, const char *name, size_t idx)
{
    NameIdx *e = xmalloc(sizeof *e);
    e->name = name;
    e->idx = idx;
    HASH_ADD_KEYPTR(hh, *h, e->name, strlen(e->name), e);
}

static NameIdx *names_find(NameIdx *h, const char *name)
{
    NameIdx *e;
    HASH_FIND_STR(h, name, e);
    return e;
}

static void names_free(NameIdx **h)
{
    NameIdx *e, *tmp;
    HASH_ITER(hh, *h, e, tmp) {
        HASH_DEL(*h, e);
        free(e);
    }
}

/* The limits (qasm_read.h). */
QasmLimits qasm_limits = {QASM_MAX_UNROLL, QASM_MAX_ITERATIONS};

/* An error that was reported already (by the lexer), or not to report. */
void qr_failed(Reader *R)
{
    if (!R->quiet)
        R->errors++;
}

/* A located message of the reader (an error counts), unless quiet. */
static void vreport(Reader *R, bool error, Loc loc, const char *fmt, va_list ap)
{
    if (R->quiet)
        return;
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (error) {
        diag_error(loc, "%s", msg);
        R->errors++;
    } else {
        diag_warning(loc, "%s", msg);
    }
}

__attribute__((format(printf, 3, 4))) void qr_err(Reader *R, Loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(R, true, loc, fmt, ap);
    va_end(ap);
}

/* A warning: reported, not counted as an error. */
__attribute__((format(printf, 3, 4))) static void warn(Reader *R, Loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(R, false, loc, fmt, ap);
    va_end(ap);
}

Reg *qr_find_reg(Reader *R, const char *name)
{
    for (size_t i = R->nlregs; i-- > R->lreg_base;) /* a subroutine's own first */
        if (!strcmp(R->lregs[i].name, name))
            return &R->lregs[i];
    NameIdx *e = names_find(R->reg_names, name);
    return e ? &R->regs[e->idx] : NULL;
}

UDef *qr_find_def(Reader *R, const char *name)
{
    NameIdx *e = names_find(R->def_sub_names, name);
    return e ? &R->defs[e->idx] : NULL;
}

/* A register local to the subroutine call being inlined. */
static void lreg_push(Reader *R, Reg r)
{
    if ((R->nlregs & (R->nlregs - 1)) == 0)
        R->lregs = xrealloc(R->lregs, (R->nlregs ? 2 * R->nlregs : 1) * sizeof *R->lregs);
    R->lregs[R->nlregs++] = r;
}

static UGate *find_gate(Reader *R, const char *name)
{
    NameIdx *e = names_find(R->gate_names, name);
    return e ? &R->gates[e->idx] : NULL;
}

/* A new IR definition, its name recorded for def_name_taken. */
static uint32_t reader_def(Reader *R, const char *name, uint32_t nqubits, const char *doc)
{
    uint32_t def = circuit_def(R->c, name, nqubits, doc);
    names_add(&R->def_names, R->c->defs[def].name, def);
    return def;
}

const Binding *qr_find_const(Reader *R, const char *name)
{
    NameIdx *e = names_find(R->const_names, name);
    return e ? &R->consts[e->idx] : NULL;
}

const Binding *qr_find_local(Reader *R, const char *name)
{
    for (size_t i = R->nscope; i-- > R->scope_base;)
        if (!strcmp(R->scope[i].name, name))
            return &R->scope[i];
    return NULL;
}

/* A variable (or argument) of the current scope, to assign; NULL when
 * there is none called name. */
static Binding *find_var(Reader *R, const char *name)
{
    for (size_t i = R->nscope; i-- > R->scope_base;)
        if (!strcmp(R->scope[i].name, name))
            return &R->scope[i];
    return NULL;
}

static void bind_push(Reader *R, Binding b)
{
    if ((R->nscope & (R->nscope - 1)) == 0)
        R->scope = xrealloc(R->scope, (R->nscope ? 2 * R->nscope : 1) * sizeof *R->scope);
    R->scope[R->nscope++] = b;
}

static void scope_push(Reader *R, const char *name, Loc loc, Val v) { bind_push(R, (Binding){name, loc, v, 0, 0, 0, false, 0, NULL, 0}); }

static bool is_constant_name(const char *n)
{
    return !strcmp(n, "pi") || !strcmp(n, "π") || !strcmp(n, "tau") || !strcmp(n, "τ") || !strcmp(n, "euler") ||
           !strcmp(n, "ℇ");
}

/* A global name already taken: says where, false when free. */
static bool name_taken(Reader *R, const char *name, Loc loc, const char *what)
{
    Loc prev = {0};
    const char *kind = NULL;
    const Reg *r = qr_find_reg(R, name);
    const UGate *g = find_gate(R, name);
    const Binding *b = qr_find_const(R, name);
    const UDef *d = qr_find_def(R, name);
    /* a variable of the program (not for a variable: an inner block's may shadow it) */
    const Binding *v = strcmp(what, "variable") && !R->frame && !R->in_gate ? qr_find_local(R, name) : NULL;
    if (v && v->mut)
        prev = v->loc, kind = "a variable";
    else if (r)
        prev = r->loc, kind = r->bit ? "a bit register" : "a qubit register";
    else if (g)
        prev = g->def->name_loc, kind = "a gate";
    else if (b)
        prev = b->loc, kind = "a constant";
    else if (d)
        prev = d->def->name_loc, kind = "a subroutine";
    if (kind) {
        qr_err(R, loc, "%s '%s' is already declared as %s", what, name, kind);
        diag_note(prev, "'%s' declared here", name);
        return true;
    }
    /* registers and constants may take a gate's name: the grammar keeps them apart */
    const StdGate *s = strcmp(what, "gate") ? NULL : R->v2 ? std_lookup2(name) : std_lookup(name);
    if (s && !s->ext && (s->builtin || (R->v2 ? R->qelib : R->stdgates))) {
        qr_err(R, loc, "%s '%s' is already defined (%s)", what, name,
            s->builtin ? "a built-in gate" : R->v2 ? "by qelib1.inc" : "by stdgates.inc");
        return true;
    }
    if (is_constant_name(name)) {
        qr_err(R, loc, "%s '%s' is a built-in constant", what, name);
        return true;
    }
    return false;
}

/* ---- placing operations ---- */

/* Saturating arithmetic for work estimates. */
static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b) { return b && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

static bool charge(Reader *R, Loc loc, uint64_t n)
{
    R->work = sat_add(R->work, n);
    if (R->work > qasm_limits.max_unroll) {
        if (!R->aborted)
            qr_err(R, loc, "the program unrolls to more than %llu operations (loops, broadcasts and subroutine calls are expanded by the reader)",
                (unsigned long long)qasm_limits.max_unroll);
        R->aborted = true;
        return false;
    }
    return true;
}

/* Where a new operation goes: straight into the block, or nowhere yet
 * when it will be wrapped in conditions by place(). */
static Block *dst(Reader *R) { return R->ncond ? NULL : R->block; }

static void place(Reader *R, Op *op)
{
    if (!R->ncond)
        return;
    for (int i = R->ncond - 1; i >= 1; i--)
        op = circ_if(R->c, NULL, R->cond[i].bit, R->cond[i].value, op);
    circ_if(R->c, R->block, R->cond[0].bit, R->cond[0].value, op);
}

/* ---- gates ---- */

typedef struct Mods {
    uint32_t nctrl;
    uint64_t neg;
    bool inv;
    uint64_t pow; /* 0: the identity */
} Mods;

static bool eval_mods(Reader *R, const QMod *m, Mods *M)
{
    memset(M, 0, sizeof *M);
    M->pow = 1;
    bool ok = true;
    for (; m; m = m->next) {
        long long k = 1;
        switch (m->kind) {
        case QM_CTRL:
        case QM_NEGCTRL:
            if (m->arg && !qr_eval_int(R, m->arg, &k, "the number of controls")) {
                ok = false;
                break;
            }
            if (k < 1 || k > 64) {
                qr_err(R, m->arg->loc, "the number of controls must be between 1 and 64, not %lld", k);
                ok = false;
                break;
            }
            if (M->nctrl + k > 64) {
                qr_err(R, m->loc, "more than 64 controls on one gate are not supported");
                ok = false;
                break;
            }
            if (m->kind == QM_NEGCTRL)
                for (long long i = 0; i < k; i++)
                    M->neg |= (uint64_t)1 << (M->nctrl + i);
            M->nctrl += (uint32_t)k;
            break;
        case QM_INV: M->inv = !M->inv; break;
        case QM_POW: {
            Val v;
            long long kp;
            if (!qr_eval(R, m->arg, &v)) {
                ok = false;
                break;
            }
            if (!v.isint && v.f != floor(v.f)) {
                char buf[40];
                qr_err(R, m->arg->loc, "pow(%s) is not supported: only integer powers", fmt_double(v.f, buf, sizeof buf));
                ok = false;
                break;
            }
            if (!qr_val_int(R, m->arg->loc, v, &kp, "the power")) {
                ok = false;
                break;
            }
            if (kp < 0)
                M->inv = !M->inv;
            /* |kp|, exactly (also for −2^63) */
            uint64_t p = kp < 0 ? (uint64_t)(-(kp + 1)) + 1 : (uint64_t)kp;
            if (p && M->pow > UINT64_MAX / p) {
                qr_err(R, m->loc, "the combined power is too large");
                ok = false;
                break;
            }
            M->pow *= p;
            break;
        }
        }
    }
    return ok;
}

/* The modifier controls come first among an operation's controls, so the
 * negative-control mask carries over as it is. */
static void set_mods(Op *op, const Mods *M)
{
    op->negctrl = M->neg;
    op->inv = M->inv;
    op->pow = M->pow;
}

static int instantiate(Reader *R, UGate *g, const Val *params);
static bool def_name_taken(Reader *R, const char *n);

/* A STD_SEQ gate. Without modifiers its steps go in place, on qubits q;
 * one step takes the modifiers itself (its controls after theirs, its
 * inverse combined with theirs); otherwise the sequence becomes an IR
 * definition (one per parameter list, made on first use, named after the
 * gate) called with the modifiers, so that inv @, pow(k) @ and ctrl @
 * apply to the whole sequence. */
static void apply_seq(Reader *R, const StdGate *s, const Mods *M, const double *p, const uint32_t *q)
{
    Circuit *c = R->c;
    Step st[STD_MAX_STEPS];
    int n = std_steps(s, p, st);
    uint32_t k = M->nctrl, qs[64 + 3];
    if (n == 1 || (k == 0 && !M->inv && M->pow == 1)) {
        for (int i = 0; i < n; i++) {
            uint32_t nq = (uint32_t)(st[i].nctrl + gate_info[st[i].gate].nqubits);
            memcpy(qs, q, k * sizeof *q);
            for (uint32_t j = 0; j < nq; j++)
                qs[k + j] = q[k + (uint32_t)st[i].q[j]];
            Op *op = circ_cgate(c, dst(R), st[i].gate, k + (uint32_t)st[i].nctrl, qs, st[i].p);
            set_mods(op, M);
            op->inv = M->inv != st[i].inv;
            place(R, op);
        }
        return;
    }
    int np = s->nparams;
    size_t si = (size_t)(s - std_gates);
    KeyBuf key = {0};
    uint64_t sk = si;
    key_put(&key, 's', &sk);
    for (int i = 0; i < np; i++)
        key_put(&key, 'f', &p[i]);
    Intern *hit = intern_find(R->seqdefs, &key);
    if (!hit) {
        StrBuf name = {0}, doc = {0};
        sb_printf(&name, "%s_%zu", s->name, R->nseq[si]++);
        while (def_name_taken(R, name.s))
            sb_putc(&name, '_');
        sb_puts(&doc, s->name);
        for (int i = 0; i < np; i++) {
            char buf[40];
            sb_printf(&doc, "%s%s", i ? ", " : "(", fmt_double(p[i], buf, sizeof buf));
        }
        if (np)
            sb_putc(&doc, ')');
        uint32_t def = reader_def(R, name.s, (uint32_t)s->nqubits, doc.s);
        Block *body = circuit_def_body(c, def);
        for (int i = 0; i < n; i++) {
            uint32_t nq = (uint32_t)(st[i].nctrl + gate_info[st[i].gate].nqubits);
            for (uint32_t t = 0; t < nq; t++)
                qs[t] = (uint32_t)st[i].q[t];
            Op *op = circ_cgate(c, body, st[i].gate, (uint32_t)st[i].nctrl, qs, st[i].p);
            op->inv = st[i].inv;
        }
        sb_free(&name);
        sb_free(&doc);
        intern_add(&R->seqdefs, &key, def);
        hit = intern_find(R->seqdefs, &key);
    }
    free(key.b);
    Op *op = circ_call(c, dst(R), hit->def, k, q);
    set_mods(op, M);
    place(R, op);
}

/* One application of a standard gate on qubits q (modifier controls, then
 * the gate's own operands). */
static void apply_std(Reader *R, const StdGate *s, const Mods *M, const double *p, const uint32_t *q)
{
    Circuit *c = R->c;
    uint32_t k = M->nctrl;
    Op *op;
    double ph[1], u[3];
    switch (s->kind) {
    case STD_DIRECT:
        op = circ_cgate(c, dst(R), s->gate, k + (uint32_t)s->nctrl, q, p);
        set_mods(op, M);
        place(R, op);
        return;
    case STD_U2:
    case STD_U3: {
        /* u3(θ,φ,λ) = gphase(−(φ+λ)/2) · U(θ,φ,λ); u2(φ,λ) = u3(π/2,φ,λ) */
        if (s->kind == STD_U2)
            u[0] = QGD_PI / 2, u[1] = p[0], u[2] = p[1];
        else
            u[0] = p[0], u[1] = p[1], u[2] = p[2];
        ph[0] = -(u[1] + u[2]) / 2;
        k += (uint32_t)s->nctrl; /* cu3: ctrl @ u3 */
        if (ph[0] != 0) {
            op = circ_cgate(c, dst(R), GATE_GPHASE, k, q, ph);
            set_mods(op, M);
            place(R, op);
        }
        op = circ_cgate(c, dst(R), GATE_U, k, q, u);
        set_mods(op, M);
        place(R, op);
        return;
    }
    case STD_CU: {
        /* cu(θ,φ,λ,γ) a, b = p(γ) a; ctrl @ U(θ,φ,λ) a, b — the two commute */
        if (p[3] != 0) {
            op = circ_cgate(c, dst(R), GATE_P, k, q, &p[3]);
            set_mods(op, M);
            place(R, op);
        }
        op = circ_cgate(c, dst(R), GATE_U, k + 1, q, p);
        set_mods(op, M);
        place(R, op);
        return;
    }
    case STD_SEQ:
        apply_seq(R, s, M, p, q);
        return;
    }
}

static void call_stmt(Reader *R, const QStmt *st, const UDef *d);

static void gate_stmt(Reader *R, const QStmt *st)
{
    const UDef *sub = qr_find_def(R, st->name);
    if (sub && !(R->in_gate && find_gate(R, st->name))) {
        call_stmt(R, st, sub);
        return;
    }
    Mods M;
    if (R->v2 && st->mods) {
        qr_err(R, st->mods->loc, "gate modifiers ('ctrl @', 'negctrl @', 'inv @', 'pow(k) @') are OpenQASM 3: "
            "an OpenQASM 2.0 program cannot use them");
        return;
    }
    if (!eval_mods(R, st->mods, &M))
        return;
    const StdGate *s = NULL;
    UGate *g = find_gate(R, st->name);
    if (g && R->in_gate && g->order >= R->in_gate->order)
        g = NULL; /* a gate may call only gates defined before it */
    if (g && g->def->type == 1) {
        qr_err(R, st->name_loc, "gate '%s' is opaque: it has no definition, so qgdc cannot simulate or count it "
            "(define it with 'gate')", st->name);
        diag_note(g->def->name_loc, "'%s' declared opaque here", st->name);
        return;
    }
    if (!g && R->v2) {
        s = std_lookup2(st->name);
        if (s && !s->builtin && !R->qelib) {
            qr_err(R, st->name_loc, "unknown gate '%s' (it is in qelib1.inc: add 'include \"qelib1.inc\";')",
                st->name);
            return;
        }
        if (!s) {
            if (R->in_gate && find_gate(R, st->name))
                qr_err(R, st->name_loc, "gate '%s' is defined after '%s': a gate may use only gates defined before it",
                    st->name, R->in_gate->def->name);
            else if (qr_find_reg(R, st->name))
                qr_err(R, st->name_loc, "'%s' is a register, not a gate", st->name);
            else
                qr_err(R, st->name_loc, "unknown gate '%s'%s", st->name,
                    std_lookup(st->name) ? " (an OpenQASM 3 gate, not one of OpenQASM 2.0's qelib1.inc)" : "");
            return;
        }
    } else if (!g) {
        s = std_lookup(st->name);
        if (s && !s->builtin && !s->ext && !R->stdgates) {
            qr_err(R, st->name_loc, "unknown gate '%s' (it is in the standard library: add 'include \"stdgates.inc\";')",
                st->name);
            return;
        }
        if (!s) {
            if (R->in_gate && find_gate(R, st->name))
                qr_err(R, st->name_loc, "gate '%s' is defined after '%s': a gate may use only gates defined before it",
                    st->name, R->in_gate->def->name);
            else if (qr_find_reg(R, st->name))
                qr_err(R, st->name_loc, "'%s' is a register, not a gate", st->name);
            else if (!strcmp(st->name, "rccx") || !strcmp(st->name, "rc3x"))
                qr_err(R, st->name_loc,
                    "gate '%s' (a Toffoli up to relative phases) is not supported; define it with 'gate' "
                    "or use %s (the QDK accepts '%s' but cannot run it)",
                    st->name, st->name[2] == 'c' ? "ccx" : "ctrl(3) @ x", st->name);
            else
                qr_err(R, st->name_loc, "unknown gate '%s'", st->name);
            return;
        }
    }
    int nparams = g ? g->def->params.n : s->nparams;
    uint32_t nq = g ? (uint32_t)g->def->qubits.n : (uint32_t)s->nqubits;
    bool ok = true;
    if (st->args_expr.n != nparams) {
        qr_err(R, st->name_loc, "gate '%s' takes %d parameter%s, not %d", st->name, nparams, nparams == 1 ? "" : "s",
            st->args_expr.n);
        ok = false;
    }
    if ((uint32_t)st->args.n != M.nctrl + nq) {
        if (M.nctrl)
            qr_err(R, st->name_loc, "gate '%s' with %u control%s takes %u qubit%s, not %d", st->name, M.nctrl,
                M.nctrl == 1 ? "" : "s", M.nctrl + nq, M.nctrl + nq == 1 ? "" : "s", st->args.n);
        else
            qr_err(R, st->name_loc, "gate '%s' takes %u qubit%s, not %d", st->name, nq, nq == 1 ? "" : "s", st->args.n);
        ok = false;
    }
    double *p = xcalloc((size_t)nparams + 1, sizeof *p);
    Val *pv = xcalloc((size_t)nparams + 1, sizeof *pv);
    for (int i = 0; i < st->args_expr.n && i < nparams; i++) {
        ok = qr_eval(R, st->args_expr.v[i], &pv[i]) && ok;
        /* one form for one number: an integer a double holds exactly is
         * passed as that double (g(1) and g(1.0) are one instance) */
        if (pv[i].isint && pv[i].i > -(1LL << 53) && pv[i].i < (1LL << 53))
            pv[i] = vreal((double)pv[i].i);
        p[i] = vf(pv[i]);
    }
    if (!ok) {
        free(p);
        free(pv);
        return;
    }
    QList *lists = xcalloc((size_t)st->args.n + 1, sizeof *lists);
    uint32_t len;
    if (!qr_resolve_all(R, &st->args, lists, &len) || M.pow == 0 || !charge(R, st->loc, len)) {
        qr_free_lists(lists, st->args.n);
        free(lists);
        free(p);
        free(pv);
        return;
    }
    int def = -1;
    if (g && (def = instantiate(R, g, pv)) < 0)
        len = 0;
    uint32_t *q = xcalloc((size_t)st->args.n + 1, sizeof *q);
    for (uint32_t k = 0; k < len; k++) {
        bool distinct = true;
        for (int i = 0; i < st->args.n && distinct; i++) {
            q[i] = qr_pick(&lists[i], k);
            for (int j = 0; j < i; j++)
                if (q[j] == q[i]) {
                    char buf[64];
                    qr_err(R, st->args.v[i]->loc, "qubit %s is used twice in one gate",
                        qr_qubit_name(R, q[i], false, buf, sizeof buf));
                    distinct = false;
                    break;
                }
        }
        if (!distinct)
            continue;
        if (g) {
            Op *op = circ_call(R->c, dst(R), (uint32_t)def, M.nctrl, q);
            set_mods(op, &M);
            place(R, op);
        } else {
            apply_std(R, s, &M, p, q);
        }
    }
    free(q);
    qr_free_lists(lists, st->args.n);
    free(lists);
    free(p);
    free(pv);
}

/* ---- definitions ---- */

static void stmts(Reader *R, const QStmtList *l);

static bool def_name_taken(Reader *R, const char *n)
{
    return gate_lookup(n) != GATE_COUNT || std_lookup(n) || names_find(R->def_names, n);
}

/* The IR definition of gate g for these parameter values (made on first
 * use); −1 when its body has errors. */
static int instantiate(Reader *R, UGate *g, const Val *params)
{
    const QStmt *d = g->def;
    int np = d->params.n;
    KeyBuf key = {0};
    uint64_t n64 = (uint64_t)np;
    key_put(&key, 'n', &n64);
    for (int i = 0; i < np; i++)
        if (params[i].isint)
            key_put(&key, 'i', &params[i].i);
        else
            key_put(&key, 'f', &params[i].f);
    Intern *hit = intern_find(g->inst, &key);
    if (hit || g->bad) {
        free(key.b);
        return hit ? (int)hit->def : -1;
    }
    /* elaborate the body in a context of its own */
    Block *save_block = R->block;
    const UGate *save_gate = R->in_gate;
    int save_ncond = R->ncond, save_ps = R->postselect, save_depth = R->depth;
    const char *save_psq = R->ps_qubit;
    size_t save_base = R->scope_base, save_n = R->nscope, save_lbase = R->lreg_base;
    Frame *save_frame = R->frame;
    int save_loops = R->loops;
    Block body = {0};
    R->block = &body;
    R->in_gate = g;
    R->frame = NULL;
    R->loops = 0;
    R->lreg_base = R->nlregs;
    R->ncond = 0;
    R->postselect = -1;
    R->depth = 0;
    R->scope_base = R->nscope;
    for (int i = 0; i < np; i++)
        scope_push(R, d->params.v[i], d->params.loc[i], params[i]);
    int before = R->errors;
    stmts(R, &d->body);
    R->block = save_block;
    R->in_gate = save_gate;
    R->ncond = save_ncond;
    R->postselect = save_ps;
    R->ps_qubit = save_psq;
    R->depth = save_depth;
    R->scope_base = save_base;
    R->nscope = save_n;
    R->frame = save_frame;
    R->loops = save_loops;
    R->lreg_base = save_lbase;
    R->flow = FLOW_NONE;
    if (R->errors > before) {
        g->bad = true;
        free(body.ops);
        free(key.b);
        return -1;
    }
    StrBuf name = {0}, doc = {0};
    sb_puts(&name, d->name);
    if (np) {
        sb_printf(&name, "_%zu", g->ninst);
        sb_printf(&doc, "%s(", d->name);
        for (int i = 0; i < np; i++) {
            char buf[40];
            sb_printf(&doc, "%s%s", i ? ", " : "", fmt_val(params[i], buf, sizeof buf));
        }
        sb_putc(&doc, ')');
    }
    while (def_name_taken(R, name.s))
        sb_putc(&name, '_');
    uint32_t def = reader_def(R, name.s, (uint32_t)d->qubits.n, np ? doc.s : NULL);
    R->c->defs[def].body = body;
    sb_free(&name);
    sb_free(&doc);
    intern_add(&g->inst, &key, def);
    g->ninst++;
    free(key.b);
    return (int)def;
}

static void gate_def(Reader *R, const QStmt *st)
{
    if (name_taken(R, st->name, st->name_loc, "gate"))
        return;
    bool ok = true;
    for (int i = 0; i < st->params.n; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(st->params.v[i], st->params.v[j])) {
                qr_err(R, st->params.loc[i], "parameter '%s' appears twice", st->params.v[i]);
                ok = false;
            }
    for (int i = 0; i < st->qubits.n; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(st->qubits.v[i], st->qubits.v[j])) {
                qr_err(R, st->qubits.loc[i], "qubit argument '%s' appears twice", st->qubits.v[i]);
                ok = false;
            }
        for (int j = 0; j < st->params.n; j++)
            if (!strcmp(st->qubits.v[i], st->params.v[j])) {
                qr_err(R, st->qubits.loc[i], "'%s' is both a parameter and a qubit argument", st->qubits.v[i]);
                ok = false;
            }
    }
    if (R->ngates == R->capgates) {
        R->capgates = R->capgates ? 2 * R->capgates : 16;
        R->gates = xrealloc(R->gates, R->capgates * sizeof *R->gates);
    }
    UGate *g = &R->gates[R->ngates];
    memset(g, 0, sizeof *g);
    g->def = st;
    names_add(&R->gate_names, st->name, R->ngates);
    g->order = (int)R->ngates++;
    g->bad = !ok;
    if (ok && st->params.n == 0 && st->type != 1) /* type 1: opaque, no body */
        instantiate(R, g, NULL);
}

/* ---- statements ---- */

static bool top_level_only(Reader *R, const QStmt *st, const char *what)
{
    if (R->in_gate || R->depth || R->frame) {
        qr_err(R, st->loc, "%s is allowed only at the top level of the program", what);
        return false;
    }
    return true;
}

static void declare(Reader *R, const QStmt *st, bool bit, bool dropped)
{
    long long size = 1;
    if (st->size && !qr_eval_int(R, st->size, &size, "a register size"))
        return;
    if (size < 1 || size > QASM_MAX_REGISTER) {
        qr_err(R, st->size->loc, "a register size must be between 1 and %u, not %lld", QASM_MAX_REGISTER, size);
        return;
    }
    uint32_t total = bit ? R->c->nbits : R->c->nqubits;
    if ((uint64_t)total + (uint64_t)size > QASM_MAX_REGISTER) {
        qr_err(R, st->loc, "more than %u %s in all", QASM_MAX_REGISTER, bit ? "bits" : "qubits");
        return;
    }
    if (name_taken(R, st->name, st->name_loc, bit ? "bit register" : "qubit register"))
        return;
    R->regs = xrealloc(R->regs, (R->nregs + 1) * sizeof *R->regs);
    names_add(&R->reg_names, st->name, R->nregs);
    Reg *r = &R->regs[R->nregs++];
    memset(r, 0, sizeof *r);
    r->name = st->name;
    r->loc = st->name_loc;
    r->bit = bit;
    r->single = st->size == NULL;
    r->dropped = dropped;
    r->size = (uint32_t)size;
    r->offset = dropped ? 0 : bit ? circuit_creg(R->c, st->name, r->size) : circuit_qreg(R->c, st->name, r->size);
}

/* Does text ("q[2]", "q[-1]", "a" for a one-qubit register) name qubit q? */
static bool names_qubit(Reader *R, const char *text, uint32_t q)
{
    size_t n = strcspn(text, "[");
    for (size_t i = 0; i < R->nregs; i++) {
        const Reg *r = &R->regs[i];
        if (r->bit || r->map || q < r->offset || q >= r->offset + r->size || !strcmp(r->name, "$"))
            continue;
        if (strlen(r->name) != n || strncmp(r->name, text, n))
            return false;
        if (!text[n])
            return r->size == 1;
        char *end;
        errno = 0;
        long long k = strtoll(text + n + 1, &end, 10);
        if (errno || end == text + n + 1 || strcmp(end, "]"))
            return false;
        return k == (long long)(q - r->offset) || k == (long long)(q - r->offset) - (long long)r->size;
    }
    return false;
}

/* A post-selection marker says which qubit it keeps a branch of: warn when
 * the measurement after it measures another one (or several). */
static void check_ps_qubit(Reader *R, const QStmt *st, const QList *qs)
{
    char buf[64];
    if (qs->n == 1 && names_qubit(R, R->ps_qubit, qs->v[0]))
        return;
    if (qs->n == 1)
        warn(R, st->loc, "the post-selection comment names %s, but this measurement measures %s: %s is post-selected",
             R->ps_qubit, qr_qubit_name(R, qs->v[0], false, buf, sizeof buf), buf);
    else
        warn(R, st->loc, "the post-selection comment names %s, but this measurement measures %u qubits: all are post-selected",
             R->ps_qubit, qs->n);
    diag_note(R->ps_loc, "the post-selection comment");
}

static void emit_measure(Reader *R, const QStmt *st, QList *qs, QList *bs, Loc tloc);

static void measure(Reader *R, const QStmt *st, const QArg *target)
{
    if (R->in_gate) {
        qr_err(R, st->loc, "'measure' is not allowed in a gate definition (gates are unitary)");
        return;
    }
    QList qs, bs = {0};
    if (!qr_resolve(R, st->args.v[0], false, &qs))
        return;
    int ps = R->postselect;
    const Reg *tr = target ? qr_find_reg(R, target->name) : NULL;
    if (!target && ps < 0) {
        qr_err(R, st->loc, "a measurement needs a bit to write: write 'c[0] = measure q[0];' or 'measure q -> c;'");
        free(qs.v);
        return;
    }
    if (tr && tr->arg) {
        qr_err(R, target->loc, "'%s' is a bit argument of '%s', passed by value: measuring into it is not supported "
            "(return the result instead: '-> bit')", tr->name, R->frame ? R->frame->def->def->name : "?");
        free(qs.v);
        return;
    }
    bool have = target && !(tr && tr->dropped && ps >= 0);
    if (have && !qr_resolve(R, target, true, &bs)) {
        free(qs.v);
        return;
    }
    emit_measure(R, st, &qs, have ? &bs : NULL, target ? target->loc : st->loc);
}

/* Measures qs into bs (NULL: none; then a post-selection marker came
 * before, and they are post-selected), checked; frees both lists. */
static void emit_measure(Reader *R, const QStmt *st, QList *qs_, QList *bs_, Loc tloc)
{
    QList qs = *qs_, bs = bs_ ? *bs_ : (QList){0};
    int ps = R->postselect;
    if (bs_) {
        if (bs.n != qs.n) {
            qr_err(R, st->loc, "measuring %u qubit%s into %u bit%s", qs.n, qs.n == 1 ? "" : "s", bs.n, bs.n == 1 ? "" : "s");
            free(qs.v), free(bs.v);
            return;
        }
        for (uint32_t k = 0; k < bs.n; k++)
            for (int i = 0; i < R->ncond; i++)
                if (R->cond[i].bit == bs.v[k]) {
                    char buf[64];
                    qr_err(R, tloc,
                        "measuring into bit %s, which the enclosing 'if' tests, is not supported (the condition is put on each operation)",
                        qr_qubit_name(R, bs.v[k], true, buf, sizeof buf));
                    free(qs.v), free(bs.v);
                    return;
                }
    }
    if (ps >= 0 && R->ps_qubit)
        check_ps_qubit(R, st, &qs);
    if (charge(R, st->loc, qs.n))
        for (uint32_t k = 0; k < qs.n; k++) {
            Op *op = ps >= 0 ? circ_postselect(R->c, dst(R), qs.v[k], ps) : circ_measure(R->c, dst(R), qs.v[k], bs.v[k]);
            place(R, op);
        }
    free(qs.v), free(bs.v);
}

static void reset_or_barrier(Reader *R, const QStmt *st)
{
    bool reset = st->kind == QS_RESET;
    if (reset && R->in_gate) {
        qr_err(R, st->loc, "'reset' is not allowed in a gate definition (gates are unitary)");
        return;
    }
    QList all = {0};
    for (int i = 0; i < st->args.n; i++) {
        QList l;
        if (!qr_resolve(R, st->args.v[i], false, &l))
            continue;
        for (uint32_t k = 0; k < l.n; k++)
            ql_push(&all, l.v[k]);
        free(l.v);
    }
    ql_unique(&all);
    if (charge(R, st->loc, all.n + 1)) {
        if (reset)
            for (uint32_t k = 0; k < all.n; k++)
                place(R, circ_reset(R->c, dst(R), all.v[k]));
        else if (all.n || !st->args.n)
            place(R, circ_barrier(R->c, dst(R), all.n, all.v));
    }
    free(all.v);
}

/* Whether e names a register anywhere. */
static bool uses_reg(Reader *R, const QExpr *e)
{
    if (!e)
        return false;
    if ((e->kind == QE_ID || e->kind == QE_INDEX) && !qr_find_local(R, e->name) && !qr_find_const(R, e->name) &&
        qr_find_reg(R, e->name))
        return true;
    if (uses_reg(R, e->a) || uses_reg(R, e->b))
        return true;
    for (int i = 0; i < e->args.n; i++)
        if (uses_reg(R, e->args.v[i]))
            return true;
    return false;
}

/* The condition of an if as bit tests; false (reported) when it has
 * another form. A condition on constants only (inputs, bit-string
 * constants) is decided here: *n = -1 and out[0].value its truth. */
static bool condition(Reader *R, const QExpr *e, Cond *out, int *n)
{
    if (e->kind == QE_BIN && e->op == QOP_AND && uses_reg(R, e)) { /* both: the tests of each */
        Cond *a = xmalloc(2 * MAX_COND_BITS * sizeof *a), *b = a + MAX_COND_BITS; /* off the stack: && chains nest deep */
        int na, nb;
        bool ok = condition(R, e->a, a, &na) && condition(R, e->b, b, &nb);
        if (ok && ((na < 0 && !a[0].value) || (nb < 0 && !b[0].value))) { /* false whatever the bits */
            out[0] = (Cond){0, 0};
            *n = -1;
        } else if (ok) {
            na = na < 0 ? 0 : na, nb = nb < 0 ? 0 : nb;
            if (na + nb > MAX_COND_BITS) {
                qr_err(R, e->loc, "a condition on more than %d bits is not supported", MAX_COND_BITS);
                ok = false;
            } else {
                memcpy(out, a, (size_t)na * sizeof *a);
                memcpy(out + na, b, (size_t)nb * sizeof *b);
                *n = na + nb;
            }
        }
        free(a);
        return ok;
    }
    if (!uses_reg(R, e)) {
        Val v;
        if (!qr_eval(R, e, &v))
            return false;
        out[0] = (Cond){0, v.isint ? v.i != 0 : v.f != 0};
        *n = -1;
        return true;
    }
    const QExpr *lhs = e, *rhs = NULL;
    bool neg = false;
    if (e->kind == QE_NOT)
        lhs = e->a, neg = true;
    else if (e->kind == QE_BIN && (e->op == QOP_EQ || e->op == QOP_NE)) {
        lhs = e->a, rhs = e->b;
        neg = e->op == QOP_NE;
        if (lhs->kind != QE_ID && lhs->kind != QE_INDEX && lhs->kind != QE_CAST)
            lhs = e->b, rhs = e->a;
    }
    /* int[n](c) / uint[n](c): the value of the register c, c[0] the least
     * significant bit; int[n] reads it in two's complement */
    const QExpr *cast = NULL;
    if (lhs->kind == QE_CAST && (lhs->op == 'i' || lhs->op == 'u') && lhs->b->kind == QE_ID)
        cast = lhs, lhs = lhs->b;
    const Reg *r = (lhs->kind == QE_ID || lhs->kind == QE_INDEX) ? qr_find_reg(R, lhs->name) : NULL;
    if (!r || !r->bit) {
        qr_err(R, e->loc, "this condition on measurement results is not supported: write 'c[i] == 0/1', 'c == n' or 'c[i]' "
            "with c a bit register, or several joined with '&&'");
        return false;
    }
    long long v = 1;
    if (rhs && !qr_eval_int(R, rhs, &v, "the value compared with"))
        return false;
    if (cast) {
        long long w = r->size;
        if (cast->a && !qr_eval_int(R, cast->a, &w, "the width of a cast"))
            return false;
        if (w != (long long)r->size) {
            qr_err(R, cast->loc, "%s[%lld](%s): '%s' has %u bit%s; a cast of a bit register needs the same width", cast->op == 'i' ? "int" : "uint",
                w, r->name, r->name, r->size, r->size > 1 ? "s" : "");
            return false;
        }
        if (!rhs) {
            qr_err(R, e->loc, "compare the cast with a value: '%s(%s) == k'", cast->op == 'i' ? "int" : "uint", r->name);
            return false;
        }
        /* int[n]: the value compared is converted to int[n] too, modulo
         * 2^n (two's complement): int[3](c) == 5 and == -3 both test 101 */
        if (cast->op == 'i' && r->size <= 63 && v < 0 && v >= -(1LL << (r->size - 1)))
            v += 1LL << r->size;
        if (r->size == 1 && lhs->kind == QE_ID) { /* one bit: the value 0 or 1 (−1 in int[1]) */
            if (v != 0 && v != 1) {
                qr_err(R, rhs->loc, "'%s' has 1 bit: it never equals %lld", r->name, v);
                return false;
            }
        }
    }
    if (lhs->kind == QE_INDEX || r->size == 1) {
        uint32_t k = 0;
        if (lhs->kind == QE_INDEX && !qr_index_of(R, lhs->a, r, &k))
            return false;
        if (v != 0 && v != 1) {
            qr_err(R, rhs->loc, "a bit is 0 or 1: this condition never holds");
            return false;
        }
        out[0] = (Cond){reg_at(r, k), neg ? !v : (int)v};
        *n = 1;
        return true;
    }
    if (neg) {
        qr_err(R, e->loc, "'!=' on a register of several bits is not supported");
        return false;
    }
    if (r->size > MAX_COND_BITS) {
        qr_err(R, e->loc, "a condition on a register of more than %d bits is not supported", MAX_COND_BITS);
        return false;
    }
    if (v < 0 || (uint64_t)v >> r->size) {
        qr_err(R, rhs->loc, "'%s' has %u bits: it never equals %lld", r->name, r->size, v);
        return false;
    }
    for (uint32_t k = 0; k < r->size; k++)
        out[k] = (Cond){reg_at(r, k), (int)((uint64_t)v >> k & 1)};
    *n = (int)r->size;
    return true;
}

static void if_stmt(Reader *R, const QStmt *st)
{
    if (R->in_gate) {
        qr_err(R, st->loc, "'if' is not allowed in a gate definition (gates are unitary)");
        return;
    }
    Cond c[MAX_COND_BITS];
    int n;
    if (!condition(R, st->cond, c, &n))
        return;
    if (n < 0) { /* decided now: one branch runs */
        R->depth++;
        stmts(R, c[0].value ? &st->body : &st->orelse);
        R->depth--;
        return;
    }
    if (R->ncond + n > (int)(sizeof R->cond / sizeof *R->cond)) {
        qr_err(R, st->loc, "conditions nested too deeply");
        return;
    }
    if (st->type && n != 1) {
        qr_err(R, st->loc, "'else' after a condition on several bits is not supported");
        return;
    }
    int save = R->ncond;
    memcpy(&R->cond[R->ncond], c, (size_t)n * sizeof *c);
    R->ncond += n;
    R->depth++;
    stmts(R, &st->body);
    if (st->type) {
        R->cond[save].value = !R->cond[save].value;
        stmts(R, &st->orelse);
    }
    R->depth--;
    R->ncond = save;
}

/* The number of values of the range [lo:step:hi] (step ≠ 0), exactly;
 * UINT64_MAX stands for 2^64. */
static uint64_t range_count(long long lo, long long hi, long long step)
{
    if (step > 0 ? hi < lo : lo < hi)
        return 0;
    uint64_t diff = step > 0 ? (uint64_t)hi - (uint64_t)lo : (uint64_t)lo - (uint64_t)hi;
    uint64_t ustep = step > 0 ? (uint64_t)step : (uint64_t)(-(step + 1)) + 1;
    return sat_add(diff / ustep, 1);
}

/* The k-th value of the range (k below its count): lo + k·step, which is
 * between lo and hi, computed without overflow. */
static long long range_value(long long lo, long long step, uint64_t k)
{
    uint64_t v = (uint64_t)lo + k * (uint64_t)step; /* modulo 2^64 */
    return v <= (uint64_t)LLONG_MAX ? (long long)v : -(long long)(~v) - 1;
}

/* Does e use one of the names bound[0..n)? */
static bool uses_name(const QExpr *e, const char *const *bound, size_t n)
{
    if (!e)
        return false;
    if (e->kind == QE_ID || e->kind == QE_INDEX)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(e->name, bound[i]))
                return true;
    if (uses_name(e->a, bound, n) || uses_name(e->b, bound, n))
        return true;
    for (int i = 0; i < e->args.n; i++)
        if (uses_name(e->args.v[i], bound, n))
            return true;
    return false;
}

/* Does e use a variable (whose value may change before e is evaluated)
 * or call a subroutine? */
static bool uses_var(Reader *R, const QExpr *e)
{
    if (!e)
        return false;
    if (e->kind == QE_ID || e->kind == QE_INDEX) {
        const Binding *b = qr_find_local(R, e->name);
        if (b && b->mut)
            return true;
    }
    if (e->kind == QE_CALL && qr_find_def(R, e->name))
        return true;
    if (uses_var(R, e->a) || uses_var(R, e->b))
        return true;
    for (int i = 0; i < e->args.n; i++)
        if (uses_var(R, e->args.v[i]))
            return true;
    return false;
}

/* Can l leave a loop early (break or return, at any depth)? */
static bool may_leave(const QStmtList *l)
{
    for (int i = 0; i < l->n; i++) {
        const QStmt *st = l->v[i];
        if ((st->kind == QS_FLOW && st->type == 'b') || st->kind == QS_RETURN)
            return true;
        if (may_leave(&st->body) || may_leave(&st->orelse))
            return true;
    }
    return false;
}

/* The iterations of a 'for' whose bounds can be known before the loops
 * around it run (they use none of the names in bound), else 0. */
static uint64_t static_count(Reader *R, const QStmt *st, const char *const *bound, size_t nbound)
{
    if (st->set.n)
        return (uint64_t)st->set.n;
    if (!st->lo || !st->hi || uses_name(st->lo, bound, nbound) || uses_name(st->hi, bound, nbound) ||
        uses_name(st->step, bound, nbound) || uses_var(R, st->lo) || uses_var(R, st->hi) || uses_var(R, st->step))
        return 0;
    long long lo, hi, step = 1;
    R->quiet++; /* a trial: the loop reports its own errors when it runs */
    bool ok = qr_eval_int(R, st->lo, &lo, "") && qr_eval_int(R, st->hi, &hi, "") &&
              (!st->step || qr_eval_int(R, st->step, &step, ""));
    R->quiet--;
    return ok && step != 0 ? range_count(lo, hi, step) : 0;
}

/* A lower bound of the work (charge) that elaborating l costs, found
 * without elaborating it, so that nested loops meet the unroll limit at
 * once rather than after unrolling up to it: a loop iteration costs 1, a
 * gate, measurement, reset or barrier at least 1 (a gate under pow(k) @
 * perhaps 0: counted 0), an 'if' its branches, a nested loop its
 * iterations times (1 + its body) when its bounds are known. bound: the
 * loop variables of the enclosing loops of l that are not bound yet.
 * Saturates at UINT64_MAX. */
static uint64_t min_work(Reader *R, const QStmtList *l, const char **bound, size_t nbound)
{
    uint64_t w = 0;
    for (int i = 0; i < l->n && w < UINT64_MAX; i++) {
        const QStmt *st = l->v[i];
        switch (st->kind) {
        case QS_GATE: {
            bool pow = false;
            for (const QMod *m = st->mods; m; m = m->next)
                pow = pow || m->kind == QM_POW;
            w = sat_add(w, !pow);
            break;
        }
        case QS_MEASURE:
        case QS_RESET:
        case QS_BARRIER: w = sat_add(w, 1); break;
        case QS_IF:
            w = sat_add(w, min_work(R, &st->body, bound, nbound));
            w = sat_add(w, min_work(R, &st->orelse, bound, nbound));
            break;
        case QS_FOR: {
            uint64_t n = static_count(R, st, bound, nbound);
            if (n) {
                bound[nbound] = st->name;
                w = sat_add(w, sat_mul(n, sat_add(1, min_work(R, &st->body, bound, nbound + 1))));
            }
            break;
        }
        default: break;
        }
    }
    return w;
}

/* The depth of nested 'for' statements in l (the size min_work's bound needs). */
static size_t for_depth(const QStmtList *l)
{
    size_t d = 0;
    for (int i = 0; i < l->n; i++) {
        const QStmt *st = l->v[i];
        size_t k = 0;
        if (st->kind == QS_FOR)
            k = 1 + for_depth(&st->body);
        else if (st->kind == QS_IF) { /* each branch once: else-if chains stay linear */
            size_t a = for_depth(&st->body), b = for_depth(&st->orelse);
            k = a > b ? a : b;
        }
        if (k > d)
            d = k;
    }
    return d;
}

/* Refuses (as charge would) work that would take the program past the
 * unroll limit, before any of it is done. */
static bool budget(Reader *R, Loc loc, uint64_t need)
{
    if (sat_add(R->work, need) <= qasm_limits.max_unroll)
        return true;
    return charge(R, loc, need);
}

static void for_stmt(Reader *R, const QStmt *st)
{
    Val *set = NULL;
    uint64_t n;
    long long lo = 0, hi = 0, step = 1;
    if (st->value) { /* for x in a: the elements of array a, as they are now */
        const Binding *b = qr_find_local(R, st->value->name);
        if (!b || !b->arr) {
            qr_err(R, st->value->loc, "'%s' is not an array: a 'for' loop runs over a range [a:b], a set {…} or an array",
                st->value->name);
            return;
        }
        n = (uint64_t)b->len;
        set = xmalloc((size_t)n * sizeof *set);
        memcpy(set, b->arr, (size_t)n * sizeof *set);
    } else if (st->set.n) {
        n = (uint64_t)st->set.n;
        set = xmalloc((size_t)n * sizeof *set);
        for (int i = 0; i < st->set.n; i++)
            if (!qr_eval(R, st->set.v[i], &set[i])) {
                free(set);
                return;
            }
    } else {
        if (!st->lo || !st->hi) {
            qr_err(R, st->loc, "a 'for' range needs both ends: [a:b] or [a:step:b]");
            return;
        }
        if (!qr_eval_int(R, st->lo, &lo, "a loop bound") || !qr_eval_int(R, st->hi, &hi, "a loop bound") ||
            (st->step && !qr_eval_int(R, st->step, &step, "a loop step")))
            return;
        if (step == 0) {
            qr_err(R, st->step->loc, "the step of a 'for' range cannot be 0");
            return;
        }
        n = range_count(lo, hi, step);
        if (n > qasm_limits.max_unroll && !may_leave(&st->body)) {
            char buf[24];
            if (n == UINT64_MAX)
                snprintf(buf, sizeof buf, "2^64");
            else
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
            qr_err(R, st->loc, "this loop runs %s times; loops are unrolled and at most %llu iterations are supported",
                buf, (unsigned long long)qasm_limits.max_unroll);
            return;
        }
    }
    /* the loop variable's values: checked against its type */
    bool isint = st->type == 'i' || st->type == 'u';
    for (uint64_t k = 0; k < n && set; k++) {
        long long v;
        if (isint && !qr_val_int(R, st->set.n ? st->set.v[k]->loc : st->value->loc, set[k], &v,
                                 "a value of an integer loop variable")) {
            free(set);
            return;
        }
        if (isint)
            set[k] = vint(v);
        else if (st->type)
            set[k] = vreal(vf(set[k]));
    }
    if (st->type == 'u' && n > 0) { /* a set: every value; a range: its ends */
        long long last = set ? 0 : range_value(lo, step, n - 1), bad = lo < last ? lo : last;
        for (uint64_t k = 0; k < n && set; k++)
            if (set[k].i < bad)
                bad = set[k].i;
        if (bad < 0) {
            qr_err(R, st->name_loc, "the loop variable '%s' is declared uint but takes the value %lld", st->name, bad);
            free(set);
            return;
        }
    }
    /* the work it will do at least, refused now if too much */
    size_t depth = for_depth(&st->body) + 1;
    const char **bound = xmalloc(depth * sizeof *bound);
    bound[0] = st->name;
    uint64_t need = may_leave(&st->body) ? 0 : sat_mul(n, sat_add(1, min_work(R, &st->body, bound, 1)));
    free(bound);
    if (!budget(R, st->loc, need)) {
        free(set);
        return;
    }
    R->depth++;
    R->loops++;
    int save_lc = R->loop_ncond;
    R->loop_ncond = R->ncond;
    for (uint64_t k = 0; k < n && !R->aborted; k++) {
        if (!charge(R, st->loc, 1))
            break;
        int before = R->errors;
        Val v = set ? set[k] : vint(range_value(lo, step, k));
        if (!set && st->type && !isint)
            v = vreal(vf(v));
        scope_push(R, st->name, st->name_loc, v);
        stmts(R, &st->body);
        R->nscope--;
        if (R->flow == FLOW_CONTINUE)
            R->flow = FLOW_NONE;
        if (R->flow == FLOW_BREAK) {
            R->flow = FLOW_NONE;
            break;
        }
        if (R->errors > before || R->flow == FLOW_RETURN)
            break; /* one report, not one per iteration */
    }
    R->loop_ncond = save_lc;
    R->loops--;
    R->depth--;
    free(set);
}

/* Binds st's name to v (a bit string of `bits` bits when bits > 0). */
static void add_const(Reader *R, const QStmt *st, Val v, int bits)
{
    if (R->frame) { /* a constant of the subroutine */
        for (size_t i = R->block_base; i < R->nscope; i++)
            if (!strcmp(R->scope[i].name, st->name)) {
                qr_err(R, st->name_loc, "'%s' is already declared in this block", st->name);
                diag_note(R->scope[i].loc, "'%s' declared here", st->name);
                return;
            }
        bind_push(R, (Binding){st->name, st->name_loc, v, bits, 0, 0, false, 0, NULL, 0});
        return;
    }
    if (name_taken(R, st->name, st->name_loc, "constant"))
        return;
    R->consts = xrealloc(R->consts, (R->nconsts + 1) * sizeof *R->consts);
    names_add(&R->const_names, st->name, R->nconsts);
    R->consts[R->nconsts++] = (Binding){st->name, st->name_loc, v, bits, 0, 0, false, 0, NULL, 0};
}

static void const_decl(Reader *R, const QStmt *st)
{
    if (R->frame && !R->depth && !R->in_gate)
        ; /* at the top of a subroutine's body: its own */
    else if (!top_level_only(R, st, "a 'const' declaration"))
        return;
    Val v;
    if (st->type == 'b') { /* const bit[n] b = "0101"; — b[0] is the last character */
        long long n = 1;
        if (st->size && !qr_eval_int(R, st->size, &n, "the size of a bit register"))
            return;
        if (n < 1 || n > 63) {
            qr_err(R, st->size->loc, "a bit-string constant has 1 to 63 bits, not %lld", n);
            return;
        }
        long long x = 0;
        if (st->text) {
            size_t len = strlen(st->text);
            if (len != (size_t)n || strspn(st->text, "01") != len) {
                qr_err(R, st->text_loc, "\"%s\" is not a string of %lld bit%s (0s and 1s)", st->text, n, n > 1 ? "s" : "");
                return;
            }
            for (const char *p = st->text; *p; p++)
                x = x << 1 | (*p - '0');
        } else {
            if (!qr_eval_int(R, st->value, &x, "the value of a bit register"))
                return;
            if (x < 0 || (unsigned long long)x >> n) {
                qr_err(R, st->value->loc, "%lld does not fit in %lld bit%s", x, n, n > 1 ? "s" : "");
                return;
            }
        }
        add_const(R, st, vint(x), (int)n);
        return;
    }
    if (!qr_eval(R, st->value, &v))
        return;
    if (st->type == 'i' || st->type == 'u') {
        bool fits = v.isint || (v.f == floor(v.f) && fabs(v.f) < TWO53);
        if (fits && !v.isint)
            v = vint((long long)v.f);
        if (!fits || (st->type == 'u' && v.i < 0)) {
            char buf[40];
            qr_err(R, st->value->loc, "the value %s does not fit '%s'%s", fmt_val(v, buf, sizeof buf),
                st->type == 'i' ? "int" : "uint",
                !v.isint && v.f == floor(v.f) ? " (a real number of magnitude 2^53 or more is not an exact integer)" : "");
            return;
        }
    } else if (st->type == 'f' || st->type == 'a')
        v = vreal(vf(v));
    else if (st->type == 'B')
        v = vint(v.isint ? v.i != 0 : v.f != 0);
    add_const(R, st, v, 0);
}

QasmInputs qasm_inputs;

/* An input declaration: its value from qasm_inputs ("name=value"), as a
 * constant of the declared type. */
static void input_decl(Reader *R, const QStmt *st)
{
    if (!top_level_only(R, st, "an 'input' declaration"))
        return;
    size_t nl = strlen(st->name);
    const char *text = NULL;
    for (int i = 0; i < qasm_inputs.n; i++)
        if (!strncmp(qasm_inputs.v[i], st->name, nl) && qasm_inputs.v[i][nl] == '=') {
            text = qasm_inputs.v[i] + nl + 1;
            if (R->input_used)
                R->input_used[i] = true;
        }
    static const char *const tn[] = {['i'] = "int", ['u'] = "uint", ['f'] = "float", ['a'] = "angle", ['b'] = "bit"};
    long long nbits = 0;
    if (st->type == 'b') {
        nbits = 1;
        if (st->size && !qr_eval_int(R, st->size, &nbits, "the size of a bit input"))
            return;
        if (nbits < 1 || nbits > 63) {
            qr_err(R, st->size->loc, "a bit input has 1 to 63 bits, not %lld", nbits);
            return;
        }
    }
    /* after an error the name is still bound (to 0), so that its uses do
     * not each report it unknown */
    Val zero = st->type == 'f' || st->type == 'a' ? vreal(0) : vint(0);
    if (!text) {
        qr_err(R, st->name_loc, "input '%s' has no value: give it on the command line with --input %s=VALUE (a%s %s)",
            st->name, st->name, st->type == 'i' || st->type == 'u' || st->type == 'a' ? "n" : "", tn[st->type]);
        add_const(R, st, zero, (int)nbits);
        return;
    }
    Val v;
    char *end = NULL;
    errno = 0;
    bool good = *text != 0;
    if (st->type == 'b') {
        long long x = 0;
        good = good && (long long)strlen(text) == nbits && strspn(text, "01") == strlen(text);
        for (const char *p = text; good && *p; p++)
            x = x << 1 | (*p - '0');
        v = vint(x);
        if (!good) {
            qr_err(R, st->name_loc, "--input %s=%s: input '%s' is %s: give %lld character%s 0 or 1%s", st->name, text, st->name,
                nbits > 1 ? "a bit string" : "a bit", nbits, nbits > 1 ? "s" : "", nbits > 1 ? ", the last one bit 0" : "");
            add_const(R, st, zero, (int)nbits);
            return;
        }
    } else if (st->type == 'i' || st->type == 'u') {
        long long x = strtoll(text, &end, 0);
        good = good && *end == 0 && errno != ERANGE && !(st->type == 'u' && x < 0);
        v = vint(x);
    } else {
        double x = strtod(text, &end);
        good = good && *end == 0 && isfinite(x);
        v = vreal(x);
    }
    if (!good) {
        qr_err(R, st->name_loc, "--input %s=%s: '%s' is not a%s %s (the type of input '%s')", st->name, text, text,
            st->type == 'i' || st->type == 'u' || st->type == 'a' ? "n" : "", tn[st->type], st->name);
        add_const(R, st, zero, (int)nbits);
        return;
    }
    add_const(R, st, v, (int)nbits);
}

/* A bit register written only by measurements after a post-selection
 * marker (the one qgdc's emitter declares for them) is not a register of
 * the circuit. The uses of every name are counted in one pass over the
 * program (per register it would be quadratic in the declarations). */
typedef struct Use {
    const char *name;
    int psuse, other; /* writes by post-selected measurements; any other use */
    UT_hash_handle hh;
} Use;

static Use *use_of(Use **h, const char *name)
{
    Use *u;
    HASH_FIND_STR(*h, name, u);
    if (!u) {
        u = xcalloc(1, sizeof *u);
        u->name = name;
        HASH_ADD_KEYPTR(hh, *h, u->name, strlen(u->name), u);
    }
    return u;
}

static void expr_uses(Use **h, const QExpr *e)
{
    if (!e)
        return;
    if (e->kind == QE_ID || e->kind == QE_INDEX)
        use_of(h, e->name)->other++;
    expr_uses(h, e->a);
    expr_uses(h, e->b);
    for (int i = 0; i < e->args.n; i++)
        expr_uses(h, e->args.v[i]);
}

static void count_uses(Use **h, const QStmtList *l, int ps)
{
    for (int i = 0; i < l->n; i++) {
        const QStmt *s = l->v[i];
        int p = s->postselect >= 0 ? s->postselect : ps;
        if (s->kind == QS_MEASURE && s->target) {
            Use *u = use_of(h, s->target->name);
            (*(p >= 0 ? &u->psuse : &u->other))++;
        }
        if (s->kind == QS_CREG && s->args.n)
            use_of(h, s->name)->other++;
        if (s->kind == QS_IF)
            expr_uses(h, s->cond);
        count_uses(h, &s->body, p);
        count_uses(h, &s->orelse, p);
    }
}

/* Timing (duration and stretch declarations, delay, box): qgdc simulates
 * and counts without time, so it is ignored, with one note per file; a
 * box's body runs as a plain block, a delay's operands are checked. */
static void timing(Reader *R, const QStmt *st)
{
    if (!R->timing_noted && !R->quiet) {
        diag_note(st->loc, "timing is ignored: qgdc simulates and counts without time ('duration', 'stretch', "
                           "'delay' and 'box' have no effect; a box's body runs as a plain block)");
        R->timing_noted = true;
    }
    for (int i = 0; i < st->args.n; i++) {
        QList l = {0};
        if (qr_resolve(R, st->args.v[i], false, &l))
            free(l.v);
    }
    if (st->type == 1) {
        R->depth++;
        stmts(R, &st->body);
        R->depth--;
    }
}

/* ---- classical variables, while, subroutines, aliases ---- */

/* The width of a variable's type (int[w], uint[w]; 0: none given). */
static bool type_width(Reader *R, int type, const QExpr *size, int *w)
{
    *w = 0;
    if (!size)
        return true;
    long long n;
    if (!qr_eval_int(R, size, &n, "the width of a type"))
        return false;
    if ((type == 'i' || type == 'u') && (n < 1 || n > 64)) {
        qr_err(R, size->loc, "an integer type has 1 to 64 bits, not %lld", n);
        return false;
    }
    if (n < 1) {
        qr_err(R, size->loc, "a type's width must be positive, not %lld", n);
        return false;
    }
    *w = type == 'i' || type == 'u' ? (int)n : 0;
    return true;
}

static const char *type_name(int type)
{
    switch (type) {
    case 'i': return "int";
    case 'u': return "uint";
    case 'f': return "float";
    case 'a': return "angle";
    case 'B': return "bool";
    case 'b': return "bit";
    default: return "?";
    }
}

/* The largest array. */
#define MAX_ARRAY (1 << 20)

/* The elements of array[type, n] st: st->value's, converted, or zeros. */
static bool array_value(Reader *R, const QStmt *st, int w, Val **arr, int *len)
{
    if (st->args_expr.n != 1) {
        qr_err(R, st->args_expr.v[1]->loc, "arrays of more than one dimension are not supported");
        return false;
    }
    long long n;
    if (!qr_eval_int(R, st->args_expr.v[0], &n, "the length of an array"))
        return false;
    if (n < 1 || n > MAX_ARRAY) {
        qr_err(R, st->args_expr.v[0]->loc, "an array has 1 to %d elements, not %lld", MAX_ARRAY, n);
        return false;
    }
    if (!charge(R, st->loc, (uint64_t)n))
        return false;
    Val *a = arena_alloc(R->arena, (size_t)n * sizeof *a);
    for (long long i = 0; i < n; i++)
        a[i] = st->type == 'f' || st->type == 'a' ? vreal(0) : vint(0);
    const QExpr *init = st->value;
    if (init) {
        if (init->kind != QE_ARRAY || init->args.n != n) {
            qr_err(R, init->loc, "'%s' has %lld element%s: give %lld values in braces ({…})", st->name, n, n == 1 ? "" : "s", n);
            return false;
        }
        for (long long i = 0; i < n; i++) {
            const QExpr *e = init->args.v[i];
            if (e->kind == QE_ARRAY) {
                qr_err(R, e->loc, "arrays of more than one dimension are not supported");
                return false;
            }
            if (!qr_eval(R, e, &a[i]) || !qr_convert(R, e->loc, st->type, w, a[i], &a[i], "an element"))
                return false;
        }
    }
    *arr = a;
    *len = (int)n;
    return true;
}

/* The element of array b that index expression e names (negative counts
 * from the end), in *k. */
static bool array_index(Reader *R, const Binding *b, const QExpr *e, int *k)
{
    long long i;
    if (!qr_eval_int(R, e, &i, "an index"))
        return false;
    long long j = i < 0 ? i + b->len : i;
    if (j < 0 || j >= b->len) {
        qr_err(R, e->loc, "index %lld is out of range for '%s' of %d element%s", i, b->name, b->len, b->len == 1 ? "" : "s");
        return false;
    }
    *k = (int)j;
    return true;
}

bool qr_array_elem(Reader *R, const Binding *b, const QExpr *e, Val *out)
{
    int k;
    if (!array_index(R, b, e, &k))
        return false;
    *out = b->arr[k];
    return true;
}

bool qr_int_bit(Reader *R, const Binding *b, const QExpr *e, int *k)
{
    long long i;
    int w = b->width ? b->width : 64;
    if (!qr_eval_int(R, e, &i, "a bit index"))
        return false;
    if (i < 0 || i >= w) {
        qr_err(R, e->loc, "bit %lld of '%s' is out of range: it has %d bits", i, b->name, w);
        return false;
    }
    *k = (int)i;
    return true;
}

/* type name; or type name = value; — a classical variable. */
static void var_decl(Reader *R, const QStmt *st)
{
    if (R->in_gate) {
        qr_err(R, st->loc, "a classical variable cannot be declared in a gate definition");
        return;
    }
    for (size_t i = R->block_base; i < R->nscope; i++)
        if (!strcmp(R->scope[i].name, st->name)) {
            qr_err(R, st->name_loc, "'%s' is already declared in this block", st->name);
            diag_note(R->scope[i].loc, "'%s' declared here", st->name);
            return;
        }
    if (!R->frame && name_taken(R, st->name, st->name_loc, "variable"))
        return;
    int w;
    Val v = st->type == 'f' || st->type == 'a' ? vreal(0) : vint(0);
    if (!type_width(R, st->type, st->size, &w))
        return;
    if (st->value && !st->args_expr.n &&
        (!qr_eval(R, st->value, &v) || !qr_convert(R, st->value->loc, st->type, w, v, &v, "the initial value")))
        v = st->type == 'f' || st->type == 'a' ? vreal(0) : vint(0); /* still declared: its uses are not each reported */
    Val *arr = NULL;
    int len = 0;
    if (st->args_expr.n && !array_value(R, st, w, &arr, &len))
        return;
    bind_push(R, (Binding){st->name, st->name_loc, v, 0, st->type, w, true, R->ncond, arr, len});
}

static bool call_def(Reader *R, const UDef *u, const QExprList *args, Loc loc, const QList *target, Val *ret);

/* Bits written by a subroutine's result: target = f(…); (bs: the bits of
 * target). */
static void assign_bits(Reader *R, const QStmt *st, const QArg *target, const QExpr *value)
{
    const UDef *d = value->kind == QE_CALL ? qr_find_def(R, value->name) : NULL;
    if (!d) {
        qr_err(R, value->loc, "bits are written by measurements ('%s = measure q;') or by a subroutine that returns "
            "them ('%s = f(q);'); assigning other values to bits is not supported", target->name, target->name);
        return;
    }
    if (d->def->type != 'b') {
        qr_err(R, value->loc, "subroutine '%s' returns %s, not bits", d->def->name, d->def->type ? type_name(d->def->type) : "no value");
        diag_note(d->def->name_loc, "'%s' declared here", d->def->name);
        return;
    }
    const Reg *tr = qr_find_reg(R, target->name);
    if (tr && tr->arg) {
        qr_err(R, target->loc, "'%s' is a bit argument of '%s', passed by value: assigning it is not supported", tr->name,
            R->frame ? R->frame->def->def->name : "?");
        return;
    }
    QList bs;
    if (!qr_resolve(R, target, true, &bs))
        return;
    long long w = 1;
    if (d->def->rsize && !qr_eval_int(R, d->def->rsize, &w, "the width of a result"))
        w = -1;
    if (w >= 0 && (long long)bs.n != w)
        qr_err(R, st->loc, "subroutine '%s' returns %lld bit%s, assigned to %u bit%s", d->def->name, w, w == 1 ? "" : "s",
            bs.n, bs.n == 1 ? "" : "s");
    else if (w >= 0)
        call_def(R, d, &value->args, value->loc, &bs, NULL);
    free(bs.v);
}

/* target = value; (compound assignments arrive as target = target op e). */
static void assign(Reader *R, const QStmt *st)
{
    const QArg *t = st->target;
    if (R->in_gate) {
        qr_err(R, st->loc, "assignments are not allowed in a gate definition");
        return;
    }
    Binding *b = find_var(R, t->name);
    if (b && !b->mut) {
        qr_err(R, t->loc, "'%s' cannot be assigned (a loop variable or gate parameter)", t->name);
        return;
    }
    if (b) {
        if (b->arr && t->kind != QA_INDEX) {
            qr_err(R, t->loc, "'%s' is an array: assign its elements ('%s[i] = …;')", t->name, t->name);
            return;
        }
        if (!b->arr && (t->kind == QA_SLICE || t->kind == QA_SET || (t->kind == QA_INDEX && b->type != 'i' && b->type != 'u'))) {
            bool an = b->type == 'i' || b->type == 'u' || b->type == 'a';
            qr_err(R, t->loc, "'%s' is a%s %s: it cannot be indexed%s", t->name, an ? "n" : "", type_name(b->type),
                b->type == 'i' || b->type == 'u' ? " as several elements" : "");
            return;
        }
        if (R->ncond > b->ncond) {
            char buf[64];
            qr_err(R, st->name_loc, "assigning '%s' under a condition on measurement results (%s) is not supported: qgdc "
                "computes classical variables as it reads the program, and this value would be known only when the "
                "circuit runs", t->name, qr_qubit_name(R, R->cond[b->ncond].bit, true, buf, sizeof buf));
            return;
        }
        int type = b->type, w = b->width, k = 0;
        Val v;
        bool bitw = !b->arr && t->kind == QA_INDEX; /* a bit of an int or uint */
        if (b->arr && !array_index(R, b, t->index, &k))
            return;
        if (bitw && !qr_int_bit(R, b, t->index, &k))
            return;
        if (!qr_eval(R, st->value, &v) ||
            !qr_convert(R, st->value->loc, bitw ? 'B' : type, w, v, &v, "the value assigned"))
            return;
        b = find_var(R, t->name); /* the scope may have moved (a subroutine call) */
        if (b->arr)
            b->arr[k] = v;
        else if (bitw) {
            unsigned long long u = (unsigned long long)b->value.i & ~(1ULL << k);
            if (!qr_convert(R, t->loc, type, w, vint((long long)(u | (unsigned long long)v.i << k)), &b->value, "the value"))
                return;
        } else
            b->value = v;
        return;
    }
    if (qr_find_const(R, t->name) || qr_find_local(R, t->name)) {
        qr_err(R, t->loc, "'%s' is a constant: it cannot be assigned", t->name);
        return;
    }
    const Reg *r = qr_find_reg(R, t->name);
    if (r && r->bit) {
        assign_bits(R, st, t, st->value);
        return;
    }
    if (r)
        qr_err(R, t->loc, "'%s' is a qubit register: it cannot be assigned", t->name);
    else if (t->name[0] == '$')
        qr_err(R, t->loc, "'%s' is a physical qubit: it cannot be assigned", t->name);
    else
        qr_err(R, t->loc, "unknown variable '%s'", t->name);
}

/* The first bit register e uses, or NULL. */
static const char *reg_in(Reader *R, const QExpr *e)
{
    if (!e)
        return NULL;
    if ((e->kind == QE_ID || e->kind == QE_INDEX) && !qr_find_local(R, e->name) && !qr_find_const(R, e->name)) {
        const Reg *r = qr_find_reg(R, e->name);
        if (r && r->bit)
            return r->name;
    }
    const char *n = reg_in(R, e->a);
    if (!n)
        n = reg_in(R, e->b);
    for (int i = 0; i < e->args.n && !n; i++)
        n = reg_in(R, e->args.v[i]);
    return n;
}

/* while (cond) body: run as the program is read, the condition decided
 * before each iteration; at most qasm_limits.max_iterations of them. */
static void while_stmt(Reader *R, const QStmt *st)
{
    if (R->in_gate) {
        qr_err(R, st->loc, "'while' is not allowed in a gate definition");
        return;
    }
    const char *reg = reg_in(R, st->cond);
    if (reg) {
        qr_err(R, st->cond->loc, "this 'while' condition depends on measurement results ('%s'), known only when the "
            "circuit runs: qgdc runs loops as it reads the program, so a loop that repeats until a measurement gives "
            "some value is not supported (write a fixed number of rounds: 'for' with an 'if' on the bits)", reg);
        return;
    }
    R->depth++;
    R->loops++;
    int save_lc = R->loop_ncond;
    R->loop_ncond = R->ncond;
    for (uint64_t k = 0; !R->aborted; k++) {
        Val v;
        if (!qr_eval(R, st->cond, &v) || !(v.isint ? v.i != 0 : v.f != 0))
            break;
        if (k >= qasm_limits.max_iterations) {
            qr_err(R, st->loc, "this 'while' loop has run %llu times and its condition still holds: qgdc runs loops as it "
                "reads the program, at most %llu iterations", (unsigned long long)k,
                (unsigned long long)qasm_limits.max_iterations);
            break;
        }
        if (!charge(R, st->loc, 1))
            break;
        int before = R->errors;
        stmts(R, &st->body);
        if (R->flow == FLOW_CONTINUE)
            R->flow = FLOW_NONE;
        if (R->flow == FLOW_BREAK) {
            R->flow = FLOW_NONE;
            break;
        }
        if (R->errors > before || R->flow == FLOW_RETURN)
            break;
    }
    R->loop_ncond = save_lc;
    R->loops--;
    R->depth--;
}

static void flow_stmt(Reader *R, const QStmt *st)
{
    const char *what = st->type == 'b' ? "break" : "continue";
    if (!R->loops)
        qr_err(R, st->loc, "'%s' outside a loop", what);
    else if (R->ncond > R->loop_ncond) {
        char buf[64];
        qr_err(R, st->loc, "'%s' under a condition on measurement results (%s) is not supported: qgdc runs loops as "
            "it reads the program, so a loop cannot end on a value known only when the circuit runs", what,
            qr_qubit_name(R, R->cond[R->loop_ncond].bit, true, buf, sizeof buf));
    } else
        R->flow = st->type == 'b' ? FLOW_BREAK : FLOW_CONTINUE;
}

/* Does a 'return NAME;' in l return name? */
static bool returns_name(const QStmtList *l, const char *name)
{
    for (int i = 0; i < l->n; i++) {
        const QStmt *st = l->v[i];
        if (st->kind == QS_RETURN && st->value && st->value->kind == QE_ID && !strcmp(st->value->name, name))
            return true;
        if (returns_name(&st->body, name) || returns_name(&st->orelse, name))
            return true;
    }
    return false;
}

static void return_stmt(Reader *R, const QStmt *st)
{
    Frame *F = R->frame;
    if (!F) {
        qr_err(R, st->loc, "'return' outside a subroutine");
        return;
    }
    const QStmt *d = F->def->def;
    if (R->ncond > F->ncond) {
        char buf[64];
        qr_err(R, st->loc, "'return' under a condition on measurement results (%s) is not supported: qgdc inlines "
            "subroutines as it reads the program", qr_qubit_name(R, R->cond[F->ncond].bit, true, buf, sizeof buf));
        return;
    }
    int rt = d->type;
    if (st->type == 1) { /* return measure q; */
        if (rt != 'b')
            qr_err(R, st->loc, "'return measure' in '%s', which does not return bits (declare '-> bit' or '-> bit[n]')", d->name);
        else if (!F->target)
            qr_err(R, st->loc, "the result of '%s' is a measurement: assign it to bits where '%s' is called ('c = %s(…);')",
                d->name, d->name, d->name);
        else {
            QList qs, bs = {0};
            if (qr_resolve(R, st->args.v[0], false, &qs)) {
                for (uint32_t k = 0; k < F->target->n; k++)
                    ql_push(&bs, F->target->v[k]);
                emit_measure(R, st, &qs, &bs, st->loc);
            }
        }
    } else if (st->value) {
        if (!rt)
            qr_err(R, st->value->loc, "subroutine '%s' has no result type ('-> type'): it cannot return a value", d->name);
        else if (rt == 'b') {
            /* the bits are the caller's already when they are a bit
             * register declared in the subroutine (local_creg) */
            const Reg *r = st->value->kind == QE_ID ? qr_find_reg(R, st->value->name) : NULL;
            bool same = r && r->bit && F->target && r->size == F->target->n;
            for (uint32_t k = 0; same && k < r->size; k++)
                same = reg_at(r, k) == F->target->v[k];
            if (F->target && !same)
                qr_err(R, st->value->loc, "a subroutine's bit result must be a measurement ('return measure q;') or a bit "
                    "register declared in it ('bit[n] b; … return b;')");
        } else {
            int w;
            Val v;
            if (type_width(R, rt, d->rsize, &w) && qr_eval(R, st->value, &v) &&
                qr_convert(R, st->value->loc, rt, w, v, &v, "the result")) {
                F->ret = v;
                F->has_ret = true;
            }
        }
    } else if (rt)
        qr_err(R, st->loc, "'return' without a value in '%s', which returns %s", d->name, type_name(rt));
    R->flow = FLOW_RETURN;
}

/* def name(params) [-> type] { body } */
static void def_decl(Reader *R, const QStmt *st)
{
    if (!top_level_only(R, st, "a subroutine definition"))
        return;
    if (R->v2) {
        qr_err(R, st->loc, "'def' is OpenQASM 3: an OpenQASM 2.0 program cannot define subroutines");
        return;
    }
    if (name_taken(R, st->name, st->name_loc, "subroutine"))
        return;
    bool ok = true;
    for (int i = 0; i < st->dparams.n; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(st->dparams.v[i].name, st->dparams.v[j].name)) {
                qr_err(R, st->dparams.v[i].loc, "argument '%s' appears twice", st->dparams.v[i].name);
                ok = false;
            }
    R->defs = xrealloc(R->defs, (R->ndefs + 1) * sizeof *R->defs);
    names_add(&R->def_sub_names, st->name, R->ndefs);
    R->defs[R->ndefs++] = (UDef){st, !ok};
}

#define MAX_CALL_DEPTH 100

/* Binds argument i of a call (in the caller's scope): a qubit or bit
 * operand as a local register in *reg, a value in *bind. */
static bool bind_arg(Reader *R, const QStmt *d, int i, const QExpr *a, Reg *reg, Binding *bind)
{
    const QParam *p = &d->dparams.v[i];
    long long size = 1;
    if ((p->type == 'q' || p->type == 'b') && p->size && !qr_eval_int(R, p->size, &size, "the size of an argument"))
        return false;
    const Reg *ar = (a->kind == QE_ID || a->kind == QE_INDEX || a->kind == QE_SLICE) && !qr_find_local(R, a->name) &&
                            !qr_find_const(R, a->name) ? qr_find_reg(R, a->name) : NULL;
    if (p->type == 'q' || (p->type == 'b' && ar)) {
        QArg qa;
        QList l;
        if (!qr_expr_arg(a, &qa)) {
            qr_err(R, a->loc, "argument '%s' of '%s' is a %s: pass a register, an element or a slice", p->name, d->name,
                p->type == 'q' ? "qubit" : "bit");
            return false;
        }
        if (!qr_resolve(R, &qa, p->type == 'b', &l))
            return false;
        if ((long long)l.n != size) {
            qr_err(R, a->loc, "argument '%s' of '%s' is %s %lld %s%s; %u given", p->name, d->name, p->size ? "a register of" : "",
                size, p->type == 'q' ? "qubit" : "bit", size == 1 ? "" : "s", l.n);
            free(l.v);
            return false;
        }
        uint32_t *map = arena_alloc(R->arena, (size_t)l.n * sizeof *map);
        memcpy(map, l.v, (size_t)l.n * sizeof *map);
        free(l.v);
        *reg = (Reg){p->name, p->loc, p->type == 'b', p->size == NULL, false, 0, (uint32_t)size, map, p->type == 'b'};
        return true;
    }
    Val v;
    if (!qr_eval(R, a, &v))
        return false;
    if (p->type == 'b') { /* a constant bit string */
        long long x;
        if (!qr_val_int(R, a->loc, v, &x, "a bit value"))
            return false;
        if (size > 63 || x < 0 || (unsigned long long)x >> size) {
            qr_err(R, a->loc, "%lld does not fit in %lld bit%s", x, size, size > 1 ? "s" : "");
            return false;
        }
        *bind = (Binding){p->name, p->loc, vint(x), (int)size, 0, 0, false, 0, NULL, 0};
        return true;
    }
    int w;
    if (!type_width(R, p->type, p->size, &w) || !qr_convert(R, a->loc, p->type, w, v, &v, "an argument"))
        return false;
    *bind = (Binding){p->name, p->loc, v, 0, p->type, w, true, R->ncond, NULL, 0};
    return true;
}

/* Inlines a call of u: its body elaborated here with its arguments bound;
 * target: the caller's bits for a bit result; *ret: a classical result. */
static bool call_def(Reader *R, const UDef *u, const QExprList *args, Loc loc, const QList *target, Val *ret)
{
    const QStmt *d = u->def;
    if (R->quiet)
        return false; /* a trial evaluation: nothing may be emitted */
    if (u->bad) {
        qr_failed(R);
        return false;
    }
    if (R->in_gate) {
        qr_err(R, loc, "a gate body cannot call the subroutine '%s' (call it outside the gate)", d->name);
        return false;
    }
    if (!charge(R, loc, 1)) /* each call is work: calls that emit nothing still end */
        return false;
    if (R->ncalls >= MAX_CALL_DEPTH) {
        qr_err(R, loc, "subroutine calls nested more than %d deep (unbounded recursion?)", MAX_CALL_DEPTH);
        R->aborted = true;
        return false;
    }
    if (args->n != d->dparams.n) {
        qr_err(R, loc, "subroutine '%s' takes %d argument%s, not %d", d->name, d->dparams.n, d->dparams.n == 1 ? "" : "s",
            args->n);
        diag_note(d->name_loc, "'%s' declared here", d->name);
        return false;
    }
    int n = args->n;
    Reg *regs = xcalloc((size_t)n + 1, sizeof *regs);
    Binding *binds = xcalloc((size_t)n + 1, sizeof *binds);
    bool ok = true;
    for (int i = 0; i < n; i++)
        ok = bind_arg(R, d, i, args->v[i], &regs[i], &binds[i]) && ok;
    /* one qubit in two arguments would be one qubit under two names */
    for (int i = 0; i < n && ok; i++)
        for (int j = 0; j < i && ok && regs[i].map && !regs[i].bit; j++)
            for (uint32_t x = 0; x < regs[i].size && ok && regs[j].map && !regs[j].bit; x++)
                for (uint32_t y = 0; y < regs[j].size && ok; y++)
                    if (regs[i].map[x] == regs[j].map[y]) {
                        char buf[64];
                        qr_err(R, args->v[i]->loc, "qubit %s is passed to '%s' twice",
                            qr_qubit_name(R, regs[i].map[x], false, buf, sizeof buf), d->name);
                        ok = false;
                    }
    if (!ok) {
        free(regs), free(binds);
        return false;
    }
    Frame F = {u, target, false, vint(0), R->ncond, R->frame};
    size_t save_base = R->scope_base, save_n = R->nscope, save_bb = R->block_base, save_lbase = R->lreg_base,
           save_nl = R->nlregs;
    int save_depth = R->depth, save_loops = R->loops, save_lc = R->loop_ncond;
    R->scope_base = R->block_base = R->nscope;
    R->lreg_base = R->nlregs;
    for (int i = 0; i < n; i++)
        if (regs[i].map)
            lreg_push(R, regs[i]);
        else
            bind_push(R, binds[i]);
    free(regs), free(binds);
    R->frame = &F;
    R->depth = 0;
    R->loops = 0;
    R->ncalls++;
    int before = R->errors;
    stmts(R, &d->body);
    R->ncalls--;
    R->flow = FLOW_NONE;
    R->frame = F.up;
    R->depth = save_depth, R->loops = save_loops, R->loop_ncond = save_lc;
    R->scope_base = save_base, R->nscope = save_n, R->block_base = save_bb;
    R->lreg_base = save_lbase, R->nlregs = save_nl;
    if (R->errors > before)
        return false;
    if (d->type && d->type != 'b' && !F.has_ret) {
        qr_err(R, loc, "subroutine '%s' ended without returning a value (it returns %s)", d->name, type_name(d->type));
        diag_note(d->name_loc, "'%s' declared here", d->name);
        return false;
    }
    if (ret)
        *ret = F.ret;
    return true;
}

bool qr_call_value(Reader *R, const UDef *d, const QExprList *args, Loc loc, Val *ret)
{
    if (R->quiet)
        return false;
    if (!d->def->type) {
        qr_err(R, loc, "subroutine '%s' returns no value", d->def->name);
        return false;
    }
    if (d->def->type == 'b') {
        qr_err(R, loc, "subroutine '%s' returns bits (measurement results), known only when the circuit runs: assign "
            "them to bits ('c = %s(…);') and test those in an 'if'", d->def->name, d->def->name);
        return false;
    }
    return call_def(R, d, args, loc, NULL, ret);
}

/* f(args); — a call for its effect (a result is dropped). */
static void call_stmt(Reader *R, const QStmt *st, const UDef *d)
{
    if (st->mods) {
        qr_err(R, st->mods->loc, "modifiers apply to gates; '%s' is a subroutine", st->name);
        return;
    }
    if (!st->args.n) {
        call_def(R, d, &st->args_expr, st->name_loc, NULL, NULL);
        return;
    }
    /* f(a) q, r; — the older form, qubit arguments after the parentheses:
     * the arguments in order */
    QExprList all = {0};
    for (int i = 0; i < st->args_expr.n; i++)
        qast_expr_push(R->arena, &all, st->args_expr.v[i]);
    for (int i = 0; i < st->args.n; i++) {
        const QArg *a = st->args.v[i];
        QExpr *e = arena_alloc(R->arena, sizeof *e);
        memset(e, 0, sizeof *e);
        e->kind = a->kind == QA_WHOLE ? QE_ID : a->kind == QA_INDEX ? QE_INDEX : a->kind == QA_SLICE ? QE_SLICE : QE_INDEXSET;
        e->loc = a->loc, e->name = a->name;
        e->a = a->kind == QA_INDEX ? a->index : a->lo, e->b = a->hi, e->step = a->step, e->args = a->set;
        qast_expr_push(R->arena, &all, e);
    }
    call_def(R, d, &all, st->name_loc, NULL, NULL);
}

/* Bits a declaration gives an initial value: = f(…) (a subroutine's
 * result) or a constant; bits start at 0, so only 0 is a constant they
 * can take. */
static void init_bits(Reader *R, const QStmt *st, const QArg *whole)
{
    if (st->text) {
        if (strspn(st->text, "0") != strlen(st->text))
            qr_err(R, st->text_loc, "bits start at 0 and are written by measurements: initialising '%s' to \"%s\" is "
                "not supported", st->name, st->text);
        return;
    }
    if (st->value->kind == QE_CALL && qr_find_def(R, st->value->name)) {
        assign_bits(R, st, whole, st->value);
        return;
    }
    Val v;
    if (qr_eval(R, st->value, &v) && (v.isint ? v.i != 0 : v.f != 0))
        qr_err(R, st->value->loc, "bits start at 0 and are written by measurements: initialising '%s' to a value other "
            "than 0 is not supported", st->name);
}

/* A bit register declared in a subroutine or a block: the caller's bits
 * when the subroutine returns it (c = f(…)); else bits of the circuit of
 * their own, made at the declaration's first run and the same at each
 * later run ("<subroutine>_<name>" in a subroutine, "…_<k>" in the k-th
 * nested call of the same subroutine; "<name>" in a block of the program). */
static void local_creg(Reader *R, const QStmt *st)
{
    long long size = 1;
    if (st->size && !qr_eval_int(R, st->size, &size, "a register size"))
        return;
    if (size < 1 || size > 64) {
        qr_err(R, st->size ? st->size->loc : st->loc, "a bit register declared in a %s has 1 to 64 bits, not %lld",
            R->frame ? "subroutine" : "block", size);
        return;
    }
    for (size_t i = R->lreg_base; i < R->nlregs; i++)
        if (!strcmp(R->lregs[i].name, st->name)) {
            qr_err(R, st->name_loc, "'%s' is already declared in this %s", st->name, R->frame ? "subroutine" : "block");
            diag_note(R->lregs[i].loc, "'%s' declared here", st->name);
            return;
        }
    if (!R->frame && name_taken(R, st->name, st->name_loc, "bit register"))
        return;
    Frame *F = R->frame;
    Reg r = {st->name, st->name_loc, true, st->size == NULL, false, 0, (uint32_t)size, NULL, false};
    if (F && F->target && F->target->n == (uint32_t)size && returns_name(&F->def->def->body, st->name)) {
        uint32_t *map = arena_alloc(R->arena, (size_t)size * sizeof *map);
        memcpy(map, F->target->v, (size_t)size * sizeof *map);
        r.map = map;
    } else {
        int k = 1;
        for (const Frame *up = F ? F->up : NULL; up; up = up->up)
            k += up->def == F->def;
        const BlockBits *found = NULL;
        for (size_t i = 0; i < R->nbbits && !found; i++)
            if (R->bbits[i].st == st && R->bbits[i].k == k)
                found = &R->bbits[i];
        if (found && found->size != (uint32_t)size) {
            qr_err(R, st->loc, "bit register '%s' has another size than where it was declared before", st->name);
            return;
        }
        if (found)
            r.offset = found->offset;
        else {
            StrBuf nm = {0};
            if (F)
                sb_printf(&nm, "%s_%s", F->def->def->name, st->name);
            else
                sb_puts(&nm, st->name);
            if (k > 1)
                sb_printf(&nm, "_%d", k);
            for (bool taken = true; taken;) {
                taken = names_find(R->reg_names, nm.s) || qr_find_const(R, nm.s) || find_gate(R, nm.s) ||
                        qr_find_def(R, nm.s);
                for (size_t i = 0; i < R->c->ncregs && !taken; i++)
                    taken = !strcmp(R->c->cregs[i].name, nm.s);
                for (size_t i = 0; i < R->c->nqregs && !taken; i++)
                    taken = !strcmp(R->c->qregs[i].name, nm.s);
                if (taken)
                    sb_putc(&nm, '_');
            }
            r.offset = circuit_creg(R->c, nm.s, r.size);
            sb_free(&nm);
            R->bbits = xrealloc(R->bbits, (R->nbbits + 1) * sizeof *R->bbits);
            R->bbits[R->nbbits++] = (BlockBits){st, k, r.offset, r.size};
        }
    }
    lreg_push(R, r);
    QArg whole = {QA_WHOLE, st->name, st->name_loc, NULL, NULL, NULL, NULL, {0}};
    if (st->args.n)
        measure(R, st, &whole);
    else if (st->value || st->text)
        init_bits(R, st, &whole);
}

/* let name = a ++ b …; — a name for qubits (or bits) already declared. */
static void let_stmt(Reader *R, const QStmt *st)
{
    if (R->in_gate) {
        qr_err(R, st->loc, "'let' is not allowed in a gate definition");
        return;
    }
    QList all = {0};
    int bits = -1;
    for (int i = 0; i < st->args.n; i++) {
        const QArg *a = st->args.v[i];
        const Reg *r = a->name[0] == '$' ? NULL : qr_find_reg(R, a->name);
        int b = r && r->bit;
        if (bits >= 0 && b != bits) {
            qr_err(R, a->loc, "'let' cannot join qubits and bits");
            free(all.v);
            return;
        }
        bits = b;
        QList l;
        if (!qr_resolve(R, a, b, &l)) {
            free(all.v);
            return;
        }
        for (uint32_t k = 0; k < l.n; k++)
            ql_push(&all, l.v[k]);
        free(l.v);
    }
    uint32_t n = all.n;
    ql_unique(&all);
    if (all.n != n) {
        qr_err(R, st->loc, "'let' names one %s twice", bits ? "bit" : "qubit");
        free(all.v);
        return;
    }
    uint32_t *map = arena_alloc(R->arena, (size_t)n * sizeof *map);
    memcpy(map, all.v, (size_t)n * sizeof *map);
    free(all.v);
    bool single = st->args.n == 1 && (st->args.v[0]->kind == QA_INDEX || st->args.v[0]->name[0] == '$' ||
                                      (qr_find_reg(R, st->args.v[0]->name) && qr_find_reg(R, st->args.v[0]->name)->single &&
                                       st->args.v[0]->kind == QA_WHOLE));
    Reg r = {st->name, st->name_loc, bits == 1, single, false, 0, n, map, false};
    if (R->frame || R->depth) { /* the subroutine's or the block's */
        for (size_t i = R->lreg_base; i < R->nlregs; i++)
            if (!strcmp(R->lregs[i].name, st->name)) {
                qr_err(R, st->name_loc, "'%s' is already declared here", st->name);
                diag_note(R->lregs[i].loc, "'%s' declared here", st->name);
                return;
            }
        lreg_push(R, r);
        return;
    }
    if (name_taken(R, st->name, st->name_loc, "alias"))
        return;
    R->regs = xrealloc(R->regs, (R->nregs + 1) * sizeof *R->regs);
    names_add(&R->reg_names, st->name, R->nregs);
    R->regs[R->nregs++] = r;
}

static void stmt(Reader *R, const QStmt *st)
{
    if (R->aborted)
        return;
    int save_ps = R->postselect;
    const char *save_psq = R->ps_qubit;
    Loc save_psloc = R->ps_loc;
    if (st->postselect >= 0)
        R->postselect = st->postselect, R->ps_qubit = st->ps_qubit, R->ps_loc = st->ps_loc;
    switch (st->kind) {
    case QS_VERSION: break; /* checked in qasm_read */
    case QS_INCLUDE:
        if (!top_level_only(R, st, "'include'"))
            break;
        if (R->v2) {
            if (!strcmp(st->name, "qelib1.inc"))
                R->qelib = true;
            else if (!strcmp(st->name, "stdgates.inc"))
                qr_err(R, st->name_loc, "'stdgates.inc' is the OpenQASM 3 library; OpenQASM 2.0 programs include \"qelib1.inc\"");
            else
                qr_err(R, st->name_loc, "including \"%s\" is not supported (only \"qelib1.inc\")", st->name);
        } else if (!strcmp(st->name, "stdgates.inc"))
            R->stdgates = true;
        else if (!strcmp(st->name, "qelib1.inc"))
            qr_err(R, st->name_loc, "'qelib1.inc' is the OpenQASM 2 library; OpenQASM 3 programs include \"stdgates.inc\"");
        else
            qr_err(R, st->name_loc, "including \"%s\" is not supported (only \"stdgates.inc\")", st->name);
        break;
    case QS_QREG:
        if (top_level_only(R, st, "a qubit declaration"))
            declare(R, st, false, false);
        break;
    case QS_CREG: /* at the top level, elaborate() declares it */
        if (!R->in_gate && (R->frame || R->depth))
            local_creg(R, st);
        else
            top_level_only(R, st, "a bit declaration");
        break;
    case QS_VAR: var_decl(R, st); break;
    case QS_ASSIGN: assign(R, st); break;
    case QS_WHILE: while_stmt(R, st); break;
    case QS_FLOW: flow_stmt(R, st); break;
    case QS_RETURN: return_stmt(R, st); break;
    case QS_DEF: def_decl(R, st); break;
    case QS_LET: let_stmt(R, st); break;
    case QS_CONST: const_decl(R, st); break;
    case QS_GATEDEF:
        if (top_level_only(R, st, "a gate definition"))
            gate_def(R, st);
        break;
    case QS_GATE: gate_stmt(R, st); break;
    case QS_MEASURE: measure(R, st, st->target); break;
    case QS_RESET:
    case QS_BARRIER: reset_or_barrier(R, st); break;
    case QS_IF: if_stmt(R, st); break;
    case QS_FOR: for_stmt(R, st); break;
    case QS_TIMING: timing(R, st); break;
    case QS_INPUT: input_decl(R, st); break;
    case QS_BAD: R->errors++; break;
    }
    R->postselect = save_ps, R->ps_qubit = save_psq, R->ps_loc = save_psloc;
}

/* A block: its variables and bit registers end with it; a break,
 * continue or return leaves it. */
static void stmts(Reader *R, const QStmtList *l)
{
    size_t save_n = R->nscope, save_bb = R->block_base, save_nl = R->nlregs;
    R->block_base = R->nscope;
    for (int i = 0; i < l->n && !R->aborted && !R->flow; i++)
        stmt(R, l->v[i]);
    R->nscope = save_n;
    R->block_base = save_bb;
    R->nlregs = save_nl;
}

/* ---- driver ---- */

/* The physical qubits $0 … $(nphys − 1): a register of the circuit,
 * first, named "phys" (or phys_, … when the program declares that name). */
static void physical_qubits(Reader *R, const QProgram *prog, Loc loc)
{
    StrBuf nm = {0};
    sb_puts(&nm, "phys");
    for (bool taken = true; taken;) {
        taken = false;
        for (int i = 0; i < prog->stmts.n && !taken; i++)
            taken = prog->stmts.v[i]->name && !strcmp(prog->stmts.v[i]->name, nm.s);
        if (taken)
            sb_putc(&nm, '_');
    }
    R->phys_offset = circuit_qreg(R->c, nm.s, R->nphys);
    sb_free(&nm);
    R->regs = xrealloc(R->regs, (R->nregs + 1) * sizeof *R->regs);
    R->regs[R->nregs++] = (Reg){"$", loc, false, false, false, R->phys_offset, R->nphys, NULL, false};
}

static void elaborate(Reader *R, const QProgram *prog, Loc phys_loc)
{
    Use *uses = NULL, *u, *tmp;
    if (R->nphys)
        physical_qubits(R, prog, phys_loc);
    for (int i = 0; i < prog->stmts.n; i++) {
        const QStmt *st = prog->stmts.v[i];
        if (st->kind == QS_VERSION) {
            if (i != 0)
                qr_err(R, st->loc, "'OPENQASM' must be the first statement");
            if (i == 0 && st->num >= 2 && st->num < 3)
                R->v2 = true;
            else if (!(st->num >= 3 && st->num < 4)) {
                char buf[40];
                qr_err(R, st->name_loc, "OpenQASM %s is not supported: qgdc reads OpenQASM 2.0 and 3",
                    fmt_double(st->num, buf, sizeof buf));
            }
        }
    }
    for (int i = 0; i < prog->stmts.n && !R->aborted; i++) {
        const QStmt *st = prog->stmts.v[i];
        if (st->kind == QS_CREG) {
            int save_ps = R->postselect;
            const char *save_psq = R->ps_qubit;
            Loc save_psloc = R->ps_loc;
            if (st->postselect >= 0)
                R->postselect = st->postselect, R->ps_qubit = st->ps_qubit, R->ps_loc = st->ps_loc;
            if (top_level_only(R, st, "a bit declaration")) {
                if (!uses)
                    count_uses(&uses, &prog->stmts, -1);
                const Use *use = use_of(&uses, st->name);
                declare(R, st, true, use->psuse > 0 && use->other == 0);
                QArg whole = {QA_WHOLE, st->name, st->name_loc, NULL, NULL, NULL, NULL, {0}};
                if (st->args.n && qr_find_reg(R, st->name))
                    measure(R, st, &whole);
                else if ((st->value || st->text) && qr_find_reg(R, st->name))
                    init_bits(R, st, &whole);
            }
            R->postselect = save_ps, R->ps_qubit = save_psq, R->ps_loc = save_psloc;
        } else
            stmt(R, st);
    }
    HASH_ITER(hh, uses, u, tmp) {
        HASH_DEL(uses, u);
        free(u);
    }
}

bool qasm_read(const SrcFile *src, Circuit *out)
{
    circuit_init(out);
    int before = diag_error_count();
    Arena arena = {0};
    QProgram prog;
    memset(&prog, 0, sizeof prog);

    QasmParserState ps;
    memset(&ps, 0, sizeof ps);
    ps.lex.src = src;
    ps.lex.arena = &arena;
    ps.lex.line = 1;
    ps.lex.col = 1;
    ps.prog = &prog;
    yyscan_t scanner;
    if (qasm_lex_init_extra((LexState *)&ps, &scanner) != 0)
        ICE("cannot initialise the scanner");
    YY_BUFFER_STATE buf = qasm__scan_bytes(src->text, (int)src->len, scanner);
    qasm_parse(scanner);
    qasm__delete_buffer(buf, scanner);
    qasm_lex_destroy(scanner);
    free(ps.lex.open);

    bool ok = diag_error_count() == before;
    if (ok) {
        Reader R;
        memset(&R, 0, sizeof R);
        R.c = out;
        R.block = &out->main;
        R.postselect = -1;
        R.input_used = xcalloc((size_t)qasm_inputs.n + 1, sizeof *R.input_used);
        R.arena = &arena;
        R.nphys = ps.nphys;
        elaborate(&R, &prog, ps.phys_loc);
        for (int i = 0; i < qasm_inputs.n && !R.aborted; i++)
            if (!R.input_used[i]) {
                size_t nl = strcspn(qasm_inputs.v[i], "=");
                qr_err(&R, (Loc){src, 1, 1, 1, 1}, "--input %s: the program declares no input '%.*s'", qasm_inputs.v[i],
                    (int)nl, qasm_inputs.v[i]);
            }
        free(R.input_used);
        ok = R.errors == 0 && diag_error_count() == before;
        for (size_t i = 0; i < R.ngates; i++)
            intern_free(&R.gates[i].inst);
        free(R.gates);
        names_free(&R.gate_names);
        names_free(&R.def_names);
        names_free(&R.reg_names);
        names_free(&R.const_names);
        names_free(&R.def_sub_names);
        free(R.defs);
        free(R.lregs);
        free(R.bbits);
        intern_free(&R.seqdefs);
        free(R.regs);
        free(R.consts);
        free(R.scope);
        if (ok && !circuit_verify(out))
            ICE("qasm_read built a circuit that fails the verifier");
    }
    arena_free(&arena);
    if (!ok) {
        circuit_free(out);
        circuit_init(out);
    }
    return ok;
}

bool qasm_load(const char *path, Circuit *out, SrcFile **src_out)
{
    circuit_init(out);
    if (src_out)
        *src_out = NULL;
    SrcFile *src = srcfile_load(path);
    if (!src) {
        diag_plain("cannot read '%s': %s", path, strerror(errno));
        return false;
    }
    bool ok = qasm_read(src, out);
    if (src_out)
        *src_out = src;
    else
        srcfile_free(src);
    return ok;
}
