/* circuit.c — construction, checking and the text form of the circuit IR
 * (see circuit.h). */
#include "ir/circuit.h"
#include "support/cmplx.h"

#include <stdio.h> /* before gmp.h: it declares its FILE functions only after stdio.h */
#include <gmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const GateInfo gate_info[GATE_COUNT] = {
#define X(id, name, nq, np, fl) [GATE_##id] = {name, nq, np, fl},
    QGD_GATES(X)
#undef X
};

GateKind gate_lookup(const char *name)
{
    for (int g = 0; g < GATE_COUNT; g++)
        if (!strcmp(gate_info[g].name, name))
            return (GateKind)g;
    return GATE_COUNT;
}

void circuit_init(Circuit *c) { memset(c, 0, sizeof *c); }

void circuit_free(Circuit *c)
{
    arena_free(&c->arena);
    free(c->qregs);
    free(c->cregs);
    for (size_t i = 0; i < c->ndefs; i++) {
        free(c->defs[i].body.ops);
        if (c->defs[i].declared) {
            mpz_clears(c->defs[i].declared->ccz, c->defs[i].declared->t, c->defs[i].declared->rotations, NULL);
            free(c->defs[i].declared);
        }
    }
    free(c->defs);
    free(c->main.ops);
    memset(c, 0, sizeof *c);
}

static uint32_t add_reg(Circuit *c, Register **regs, size_t *n, uint32_t *total, const char *name, uint32_t size)
{
    *regs = xrealloc(*regs, (*n + 1) * sizeof **regs);
    Register *r = &(*regs)[(*n)++];
    r->name = arena_strdup(&c->arena, name);
    r->offset = *total;
    r->size = size;
    if (size > UINT32_MAX - *total)
        ICE("register '%s' overflows the qubit numbering", name);
    *total += size;
    return r->offset;
}

uint32_t circuit_qreg(Circuit *c, const char *name, uint32_t size)
{
    return add_reg(c, &c->qregs, &c->nqregs, &c->nqubits, name, size);
}

uint32_t circuit_creg(Circuit *c, const char *name, uint32_t size)
{
    return add_reg(c, &c->cregs, &c->ncregs, &c->nbits, name, size);
}

uint32_t circuit_def(Circuit *c, const char *name, uint32_t nqubits, const char *doc)
{
    if (c->ndefs == c->capdefs) {
        c->capdefs = c->capdefs ? 2 * c->capdefs : 8;
        c->defs = xrealloc(c->defs, c->capdefs * sizeof *c->defs);
    }
    GateDef *d = &c->defs[c->ndefs];
    memset(d, 0, sizeof *d);
    d->name = arena_strdup(&c->arena, name);
    d->nqubits = nqubits;
    d->doc = doc ? arena_strdup(&c->arena, doc) : NULL;
    return (uint32_t)c->ndefs++;
}

uint32_t circuit_declare(Circuit *c, const char *name, uint32_t nqubits, const DeclaredCost *cost, const char *doc)
{
    uint32_t d = circuit_def(c, name, nqubits, doc);
    DeclaredCost *k = xmalloc(sizeof *k);
    mpz_init_set(k->ccz, cost->ccz);
    mpz_init_set(k->t, cost->t);
    mpz_init_set(k->rotations, cost->rotations);
    k->ancillas = cost->ancillas;
    c->defs[d].declared = k;
    return d;
}

static const char *opaque_in(const Circuit *c, const Block *b, unsigned char *seen)
{
    for (size_t i = 0; i < b->n; i++) {
        const Op *op = b->ops[i];
        while (op->kind == OP_IF)
            op = op->then;
        if (op->kind != OP_CALL || seen[op->def])
            continue;
        seen[op->def] = 1;
        const GateDef *d = &c->defs[op->def];
        if (d->declared)
            return d->name;
        const char *r = opaque_in(c, &d->body, seen);
        if (r)
            return r;
    }
    return NULL;
}

const char *circuit_opaque(const Circuit *c)
{
    bool any = false;
    for (size_t i = 0; i < c->ndefs && !any; i++)
        any = c->defs[i].declared != NULL;
    if (!any)
        return NULL;
    unsigned char *seen = xcalloc(c->ndefs + 1, 1);
    const char *r = opaque_in(c, &c->main, seen);
    free(seen);
    return r;
}

Block *circuit_def_body(Circuit *c, uint32_t def)
{
    if (def < c->ndefs && c->defs[def].declared)
        ICE("circuit_def_body: '%s' is opaque (declared counts, no body)", c->defs[def].name);
    if (def >= c->ndefs)
        ICE("circuit_def_body: no definition %u", def);
    return &c->defs[def].body;
}

static Op *push(Circuit *c, Block *b, OpKind kind, uint32_t nq, const uint32_t *q)
{
    Op *op = arena_alloc(&c->arena, sizeof *op);
    op->kind = kind;
    op->pow = 1;
    op->nq = nq;
    if (nq) {
        op->q = arena_alloc(&c->arena, nq * sizeof *op->q);
        memcpy(op->q, q, nq * sizeof *q);
    }
    if (b) {
        if (b->n == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 16;
            b->ops = xrealloc(b->ops, b->cap * sizeof *b->ops);
        }
        b->ops[b->n++] = op;
    }
    return op;
}

Op *circ_cgate(Circuit *c, Block *b, GateKind g, uint32_t nctrl, const uint32_t *q, const double *params)
{
    if (g >= GATE_COUNT)
        ICE("circ_cgate: bad gate %d", (int)g);
    Op *op = push(c, b, OP_GATE, nctrl + (uint32_t)gate_info[g].nqubits, q);
    op->gate = g;
    op->nctrl = nctrl;
    for (int k = 0; k < gate_info[g].nparams; k++)
        op->param[k] = params[k];
    return op;
}

Op *circ_gate(Circuit *c, Block *b, GateKind g, const uint32_t *q, const double *params)
{
    return circ_cgate(c, b, g, 0, q, params);
}

Op *circ_call(Circuit *c, Block *b, uint32_t def, uint32_t nctrl, const uint32_t *q)
{
    if (def >= c->ndefs)
        ICE("circ_call: no definition %u", def);
    Op *op = push(c, b, OP_CALL, nctrl + c->defs[def].nqubits, q);
    op->def = def;
    op->nctrl = nctrl;
    return op;
}

Op *circ_multiplex(Circuit *c, Block *b, GateKind axis, uint32_t nselect, const uint32_t *q, const double *angles)
{
    if (axis != GATE_RY && axis != GATE_RZ)
        ICE("circ_multiplex: axis must be RY or RZ");
    if (nselect > 30)
        ICE("circ_multiplex: %u select qubits", nselect);
    Op *op = push(c, b, OP_MULTIPLEX, nselect + 1, q);
    op->gate = axis;
    size_t n = (size_t)1 << nselect;
    op->angles = arena_alloc(&c->arena, n * sizeof *op->angles);
    memcpy(op->angles, angles, n * sizeof *angles);
    return op;
}

Op *circ_measure(Circuit *c, Block *b, uint32_t qubit, uint32_t bit)
{
    Op *op = push(c, b, OP_MEASURE, 1, &qubit);
    op->bit = bit;
    return op;
}

Op *circ_reset(Circuit *c, Block *b, uint32_t qubit) { return push(c, b, OP_RESET, 1, &qubit); }

Op *circ_postselect(Circuit *c, Block *b, uint32_t qubit, int value)
{
    Op *op = push(c, b, OP_POSTSELECT, 1, &qubit);
    op->value = value;
    return op;
}

Op *circ_barrier(Circuit *c, Block *b, uint32_t nq, const uint32_t *q) { return push(c, b, OP_BARRIER, nq, q); }

Op *circ_if(Circuit *c, Block *b, uint32_t bit, int value, Op *then)
{
    Op *op = push(c, b, OP_IF, 0, NULL);
    op->bit = bit;
    op->value = value;
    op->then = then;
    return op;
}

/* ---- folding powers of rotations ---- */

double circuit_fold_angle(double theta, uint64_t k, unsigned m)
{
    if (k == 1 || !isfinite(theta) || theta == 0)
        return theta;
    /* π·2^256, truncated */
    static const char pi256[] = "3243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89";
    int e;
    double f = frexp(fabs(theta), &e); /* |θ| = f·2^e, f in [0.5, 1) */
    e -= 53;                           /* |θ| = M·2^e with M a 53-bit integer */
    long D = e < 0 ? 256 - e : 256;    /* common scale 2^−D */
    mpz_t a, p, t;
    mpz_init_set_d(a, ldexp(f, 53));
    mpz_init_set_str(p, pi256, 16);
    mpz_init(t);
    mpz_set_ui(t, (unsigned long)(k >> 32));
    mpz_mul_2exp(t, t, 32);
    mpz_add_ui(t, t, (unsigned long)(k & 0xffffffffu));
    mpz_mul(a, a, t);                  /* |θ|·k = a·2^e */
    mpz_mul_2exp(a, a, (mp_bitcnt_t)(e + D));
    mpz_mul_ui(p, p, m);
    mpz_mul_2exp(p, p, (mp_bitcnt_t)(D - 256)); /* period·2^D */
    if (theta < 0)
        mpz_neg(a, a);
    mpz_fdiv_r(a, a, p);               /* [0, period) */
    mpz_tdiv_q_2exp(t, p, 1);
    if (mpz_cmp(a, t) > 0)
        mpz_sub(a, a, p);              /* (−period/2, period/2] */
    /* a·2^−D rounded to the nearest double (ties to even) */
    bool neg = mpz_sgn(a) < 0;
    mpz_abs(a, a);
    size_t nb = mpz_sizeinbase(a, 2);
    long shift = nb > 53 ? (long)nb - 53 : 0;
    if (shift > 0) {
        mpz_tdiv_r_2exp(t, a, (mp_bitcnt_t)shift); /* the bits dropped */
        mpz_tdiv_q_2exp(a, a, (mp_bitcnt_t)shift);
        mpz_set_ui(p, 1);
        mpz_mul_2exp(p, p, (mp_bitcnt_t)(shift - 1)); /* half a unit in the last place */
        int c = mpz_cmp(t, p);
        if (c > 0 || (c == 0 && mpz_odd_p(a)))
            mpz_add_ui(a, a, 1);
    }
    double d = ldexp(mpz_get_d(a), (int)(shift - D));
    mpz_clears(a, p, t, NULL);
    return neg ? -d : d;
}

/* ---- verifier ---- */

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "qgdc: circuit verifier: %s op %zu: ", where, k); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            return false;                                                     \
        }                                                                     \
    } while (0)

static bool verify_op(const Circuit *c, const Op *op, uint32_t nqubits, uint32_t self, const char *where, size_t k)
{
    CHECK(op->pow >= 1, "power 0");
    for (uint32_t i = 0; i < op->nq; i++)
        CHECK(op->q[i] < nqubits, "qubit %u out of range (%u)", op->q[i], nqubits);
    if (op->nq <= 16) {
        for (uint32_t i = 0; i < op->nq; i++)
            for (uint32_t j = 0; j < i; j++)
                CHECK(op->q[i] != op->q[j], "qubit %u used twice", op->q[i]);
    } else { /* sorted, so that an operation on n qubits costs n log n */
        uint32_t *s = xmalloc(op->nq * sizeof *s), dup = UINT32_MAX;
        memcpy(s, op->q, op->nq * sizeof *s);
        qsort(s, op->nq, sizeof *s, cmp_u32);
        for (uint32_t i = 1; i < op->nq && dup == UINT32_MAX; i++)
            if (s[i] == s[i - 1])
                dup = s[i];
        free(s);
        CHECK(dup == UINT32_MAX, "qubit %u used twice", dup);
    }
    CHECK(op->nctrl <= op->nq, "more controls than operands");
    CHECK(op->nctrl >= 64 || (op->negctrl >> op->nctrl) == 0, "negative-control mask beyond the controls");
    switch (op->kind) {
    case OP_GATE:
        CHECK(op->gate < GATE_COUNT, "bad gate");
        CHECK(op->nq == op->nctrl + (uint32_t)gate_info[op->gate].nqubits, "%s takes %d qubits", gate_info[op->gate].name,
              gate_info[op->gate].nqubits);
        break;
    case OP_CALL:
        CHECK(op->def < c->ndefs, "call of undefined gate %u", op->def);
        CHECK(self == UINT32_MAX || op->def < self, "definition %u calls %u: definitions may call only earlier ones",
              self, op->def);
        CHECK(op->nq == op->nctrl + c->defs[op->def].nqubits, "'%s' takes %u qubits", c->defs[op->def].name,
              c->defs[op->def].nqubits);
        break;
    case OP_MULTIPLEX:
        CHECK(op->gate == GATE_RY || op->gate == GATE_RZ, "multiplexor axis");
        CHECK(op->nq >= 1 && op->angles, "multiplexor operands");
        CHECK(op->nctrl == 0 && !op->inv && op->pow == 1, "modifiers on a multiplexor");
        break;
    case OP_MEASURE:
        CHECK(op->nq == 1 && op->bit < c->nbits, "measure operands");
        break;
    case OP_RESET:
    case OP_POSTSELECT:
        CHECK(op->nq == 1, "one qubit");
        CHECK(op->value == 0 || op->value == 1, "value");
        break;
    case OP_BARRIER: break;
    case OP_IF:
        CHECK(op->then && op->bit < c->nbits && (op->value == 0 || op->value == 1), "if");
        return verify_op(c, op->then, nqubits, self, where, k);
    }
    return true;
}

static bool verify_block(const Circuit *c, const Block *b, uint32_t nqubits, uint32_t self, const char *where)
{
    for (size_t k = 0; k < b->n; k++)
        if (!verify_op(c, b->ops[k], nqubits, self, where, k))
            return false;
    return true;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool circuit_verify(const Circuit *c)
{
    /* distinct names: sorted, then neighbours compared (O(n log n); an
     * encoding may have 10^5 definitions) */
    if (c->ndefs > 1) {
        const char **names = xmalloc(c->ndefs * sizeof *names);
        for (size_t i = 0; i < c->ndefs; i++)
            names[i] = c->defs[i].name;
        qsort(names, c->ndefs, sizeof *names, name_cmp);
        for (size_t i = 1; i < c->ndefs; i++)
            if (!strcmp(names[i], names[i - 1])) {
                fprintf(stderr, "qgdc: circuit verifier: definition '%s' appears twice\n", names[i]);
                free(names);
                return false;
            }
        free(names);
    }
    for (size_t i = 0; i < c->ndefs; i++) {
        if (gate_lookup(c->defs[i].name) != GATE_COUNT) {
            fprintf(stderr, "qgdc: circuit verifier: definition '%s' shadows a built-in gate\n", c->defs[i].name);
            return false;
        }
        for (size_t k = 0; k < c->defs[i].body.n; k++) {
            const Op *op = c->defs[i].body.ops[k];
            OpKind kd = op->kind == OP_IF ? op->then->kind : op->kind;
            if (kd == OP_MEASURE || kd == OP_RESET || kd == OP_POSTSELECT || op->kind == OP_IF) {
                fprintf(stderr, "qgdc: circuit verifier: definition '%s' is not unitary (op %zu)\n", c->defs[i].name, k);
                return false;
            }
        }
        if (!verify_block(c, &c->defs[i].body, c->defs[i].nqubits, (uint32_t)i, c->defs[i].name))
            return false;
    }
    return verify_block(c, &c->main, c->nqubits, UINT32_MAX, "main");
}

/* ---- text form ---- */

static void dump_op(const Circuit *c, const Op *op, FILE *out)
{
    char buf[40];
    if (op->comment)
        fprintf(out, "# %s\n  ", op->comment);
    if (op->pow != 1)
        fprintf(out, "pow(%llu) ", (unsigned long long)op->pow);
    if (op->inv)
        fputs("inv ", out);
    for (uint32_t i = 0; i < op->nctrl; i++)
        fputs(i < 64 && (op->negctrl >> i & 1) ? "negctrl " : "ctrl ", out);
    switch (op->kind) {
    case OP_GATE:
        fputs(gate_info[op->gate].name, out);
        if (gate_info[op->gate].nparams) {
            fputc('(', out);
            for (int k = 0; k < gate_info[op->gate].nparams; k++)
                fprintf(out, "%s%s", k ? ", " : "", fmt_double(op->param[k], buf, sizeof buf));
            fputc(')', out);
        }
        break;
    case OP_CALL: fputs(c->defs[op->def].name, out); break;
    case OP_MULTIPLEX: {
        fprintf(out, "multiplex_%s[", op->gate == GATE_RY ? "ry" : "rz");
        size_t n = (size_t)1 << (op->nq - 1);
        for (size_t k = 0; k < n; k++)
            fprintf(out, "%s%s", k ? ", " : "", fmt_double(op->angles[k], buf, sizeof buf));
        fputc(']', out);
        break;
    }
    case OP_MEASURE: fputs("measure", out); break;
    case OP_RESET: fputs("reset", out); break;
    case OP_POSTSELECT: fprintf(out, "postselect=%d", op->value); break;
    case OP_BARRIER: fputs("barrier", out); break;
    case OP_IF:
        fprintf(out, "if b%u == %d: ", op->bit, op->value);
        dump_op(c, op->then, out);
        return;
    }
    for (uint32_t i = 0; i < op->nq; i++)
        fprintf(out, "%s%u", i ? ", " : " ", op->q[i]);
    if (op->kind == OP_MEASURE)
        fprintf(out, " -> b%u", op->bit);
    fputc('\n', out);
}

static void dump_block(const Circuit *c, const Block *b, FILE *out)
{
    for (size_t k = 0; k < b->n; k++) {
        fputs("  ", out);
        dump_op(c, b->ops[k], out);
    }
}

void circuit_dump(const Circuit *c, FILE *out)
{
    fprintf(out, "circuit: %u qubits, %u bits\n", c->nqubits, c->nbits);
    for (size_t i = 0; i < c->nqregs; i++)
        fprintf(out, "qreg %s[%u] at %u\n", c->qregs[i].name, c->qregs[i].size, c->qregs[i].offset);
    for (size_t i = 0; i < c->ncregs; i++)
        fprintf(out, "creg %s[%u] at %u\n", c->cregs[i].name, c->cregs[i].size, c->cregs[i].offset);
    for (size_t i = 0; i < c->ndefs; i++) {
        fprintf(out, "def %s(%u qubits)%s%s\n", c->defs[i].name, c->defs[i].nqubits, c->defs[i].doc ? "  # " : "",
                c->defs[i].doc ? c->defs[i].doc : "");
        dump_block(c, &c->defs[i].body, out);
    }
    fputs("main\n", out);
    dump_block(c, &c->main, out);
}

/* v = e^{iγ}(cos(α/2) I − i sin(α/2) n·σ): kα and kγ folded exactly. */
void circuit_unitary_power(double _Complex v[4], uint64_t k)
{
    double complex det = v[0] * v[3] - v[1] * v[2];
    double gamma = carg(det) / 2;
    double complex ph = cexp(-I * gamma), w[4] = {v[0] * ph, v[1] * ph, v[2] * ph, v[3] * ph};
    double c = creal(w[0] + w[3]) / 2;
    double nz = (cimag(w[3]) - cimag(w[0])) / 2, nx = -(cimag(w[1]) + cimag(w[2])) / 2,
           ny = (creal(w[2]) - creal(w[1])) / 2;
    double s = sqrt(nx * nx + ny * ny + nz * nz);
    if (s > 0)
        nx /= s, ny /= s, nz /= s;
    else
        nx = ny = 0, nz = 1;
    double beta = circuit_fold_angle(2 * atan2(s, c), k, 4), g = circuit_fold_angle(gamma, k, 2);
    double cb = cos(beta / 2), sb = sin(beta / 2);
    double complex e = cexp(I * g);
    v[0] = e * CMPLX(cb, -sb * nz);
    v[1] = e * CMPLX(-sb * ny, -sb * nx);
    v[2] = e * CMPLX(sb * ny, -sb * nx);
    v[3] = e * CMPLX(cb, sb * nz);
}
