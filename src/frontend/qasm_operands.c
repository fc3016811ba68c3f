/* qasm_operands.c — the OpenQASM 3 reader's operands (qasm_internal.h):
 * q, q[i], q[a:b], q[a:s:b] as lists of qubit (or bit) numbers, the
 * formal qubits inside a gate body, and broadcasts over registers. */
#include "frontend/qasm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/util.h"

void ql_push(QList *l, uint32_t q)
{
    if ((l->n & (l->n - 1)) == 0)
        l->v = xrealloc(l->v, (l->n ? 2 * (size_t)l->n : 1) * sizeof *l->v);
    l->v[l->n++] = q;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Drops the repeats of a qubit from l, keeping the first of each in
 * order; O(n log n) (a register of 2^24 qubits is not quadratic). */
void ql_unique(QList *l)
{
    if (l->n < 2)
        return;
    uint64_t *key = xmalloc((size_t)l->n * sizeof *key);
    for (uint32_t i = 0; i < l->n; i++)
        key[i] = (uint64_t)l->v[i] << 32 | i;
    qsort(key, l->n, sizeof *key, cmp_u64);
    bool *drop = xcalloc(l->n, sizeof *drop);
    for (uint32_t i = 1; i < l->n; i++)
        if (key[i] >> 32 == key[i - 1] >> 32)
            drop[(uint32_t)key[i]] = true;
    uint32_t m = 0;
    for (uint32_t i = 0; i < l->n; i++)
        if (!drop[i])
            l->v[m++] = l->v[i];
    l->n = m;
    free(drop);
    free(key);
}

bool qr_index_of(Reader *R, const QExpr *e, const Reg *r, uint32_t *out)
{
    long long i;
    if (!qr_eval_int(R, e, &i, "an index"))
        return false;
    long long j = i < 0 ? i + (long long)r->size : i;
    if (j < 0 || j >= (long long)r->size) {
        qr_err(R, e->loc, "index %lld is out of range for '%s' of size %u", i, r->name, r->size);
        return false;
    }
    *out = (uint32_t)j;
    return true;
}

bool qr_expr_arg(const QExpr *e, QArg *a)
{
    memset(a, 0, sizeof *a);
    a->name = e->name;
    a->loc = e->loc;
    switch (e->kind) {
    case QE_ID: a->kind = QA_WHOLE; return true;
    case QE_INDEX: a->kind = QA_INDEX, a->index = e->a; return true;
    case QE_SLICE: a->kind = QA_SLICE, a->lo = e->a, a->step = e->step, a->hi = e->b; return true;
    case QE_INDEXSET: a->kind = QA_SET, a->set = e->args; return true;
    default: return false;
    }
}

/* A physical qubit $k. */
static bool physical(Reader *R, const QArg *a, bool bits, QList *out)
{
    if (R->in_gate) {
        qr_err(R, a->loc, "a gate body may use only its qubit arguments, not the physical qubit '%s'", a->name);
        return false;
    }
    if (bits) {
        qr_err(R, a->loc, "'%s' is a physical qubit; a bit is expected here", a->name);
        return false;
    }
    if (a->kind != QA_WHOLE) {
        qr_err(R, a->loc, "a physical qubit ('%s') cannot be indexed", a->name);
        return false;
    }
    unsigned long k = strtoul(a->name + 1, NULL, 10);
    if (k >= R->nphys) { /* out of range: reported by the lexer */
        qr_failed(R);
        return false;
    }
    ql_push(out, R->phys_offset + (uint32_t)k);
    return true;
}

/* Resolves an operand to global qubit (bits: bit) numbers, or to formal
 * numbers inside a gate body. */
bool qr_resolve(Reader *R, const QArg *a, bool bits, QList *out)
{
    memset(out, 0, sizeof *out);
    if (a->name[0] == '$')
        return physical(R, a, bits, out);
    if (R->in_gate && !bits) {
        const QNameList *f = &R->in_gate->def->qubits;
        for (int j = 0; j < f->n; j++)
            if (!strcmp(f->v[j], a->name)) {
                if (a->kind != QA_WHOLE) {
                    qr_err(R, a->loc, "the qubit argument '%s' of a gate cannot be indexed", a->name);
                    return false;
                }
                ql_push(out, (uint32_t)j);
                return true;
            }
        if (qr_find_reg(R, a->name))
            qr_err(R, a->loc, "a gate body may use only its qubit arguments; '%s' is a global register", a->name);
        else
            qr_err(R, a->loc, "unknown qubit '%s' (not an argument of gate '%s')", a->name, R->in_gate->def->name);
        return false;
    }
    const Reg *r = qr_find_reg(R, a->name);
    if (!r) {
        if (qr_find_local(R, a->name) || qr_find_const(R, a->name))
            qr_err(R, a->loc, "'%s' is a value, not a %s register", a->name, bits ? "bit" : "qubit");
        else
            qr_err(R, a->loc, "unknown %s register '%s'", bits ? "bit" : "qubit", a->name);
        return false;
    }
    if (r->bit != bits) {
        qr_err(R, a->loc, "'%s' is a %s register; a %s is expected here", a->name, r->bit ? "bit" : "qubit",
            bits ? "bit" : "qubit");
        return false;
    }
    uint32_t k;
    switch (a->kind) {
    case QA_WHOLE:
        out->reg = !r->single;
        for (uint32_t i = 0; i < r->size; i++)
            ql_push(out, reg_at(r, i));
        return true;
    case QA_INDEX:
        if (!qr_index_of(R, a->index, r, &k))
            return false;
        ql_push(out, reg_at(r, k));
        return true;
    case QA_SET: /* q[{i, j, …}]: those elements, in that order */
        out->reg = true;
        for (int i = 0; i < a->set.n; i++) {
            if (!qr_index_of(R, a->set.v[i], r, &k)) {
                free(out->v);
                out->v = NULL, out->n = 0;
                return false;
            }
            ql_push(out, reg_at(r, k));
        }
        return true;
    case QA_SLICE: {
        uint32_t lo = 0, hi = r->size - 1;
        long long step = 1;
        if ((a->lo && !qr_index_of(R, a->lo, r, &lo)) || (a->hi && !qr_index_of(R, a->hi, r, &hi)))
            return false;
        if (a->step && !qr_eval_int(R, a->step, &step, "a step"))
            return false;
        if (step == 0) {
            qr_err(R, a->step->loc, "the step of a slice cannot be 0");
            return false;
        }
        if (!a->lo && step < 0)
            lo = r->size - 1;
        if (!a->hi && step < 0)
            hi = 0;
        out->reg = true;
        for (long long i = lo; step > 0 ? i <= (long long)hi : i >= (long long)hi; i += step) {
            ql_push(out, reg_at(r, (uint32_t)i));
            uint64_t gap = step > 0 ? (uint64_t)((long long)hi - i) : (uint64_t)(i - (long long)hi);
            if (gap < (step > 0 ? (uint64_t)step : 0 - (uint64_t)step))
                break; /* the next one is past hi (and i + step may not fit) */
        }
        if (out->n == 0) {
            qr_err(R, a->loc, "the slice '%s[…]' is empty", a->name);
            return false;
        }
        return true;
    }
    }
    return false;
}

/* "q[3]" for a qubit number, or the formal's name in a gate body. */
const char *qr_qubit_name(Reader *R, uint32_t q, bool bits, char *buf, size_t len)
{
    if (R->in_gate && !bits)
        return R->in_gate->def->qubits.v[q];
    for (size_t i = 0; i < R->nregs + R->nlregs; i++) {
        const Reg *r = i < R->nregs ? &R->regs[i] : &R->lregs[i - R->nregs];
        if (r->bit == bits && !r->dropped && !r->map && q >= r->offset && q < r->offset + r->size) {
            if (!strcmp(r->name, "$"))
                snprintf(buf, len, "$%u", q - r->offset);
            else if (r->single)
                snprintf(buf, len, "%s", r->name);
            else
                snprintf(buf, len, "%s[%u]", r->name, q - r->offset);
            return buf;
        }
    }
    return "?";
}

/* Resolves every operand and the broadcast length; lists[i] freed by the caller. */
bool qr_resolve_all(Reader *R, const QArgList *args, QList *lists, uint32_t *len)
{
    bool ok = true;
    *len = 1;
    const QArg *first_reg = NULL;
    uint32_t reglen = 0;
    for (int i = 0; i < args->n; i++) {
        if (!qr_resolve(R, args->v[i], false, &lists[i])) {
            ok = false;
            continue;
        }
        if (lists[i].reg) {
            if (first_reg && lists[i].n != reglen) {
                qr_err(R, args->v[i]->loc, "registers of different sizes in one statement ('%s' has %u qubits, '%s' has %u)",
                    first_reg->name, reglen, args->v[i]->name, lists[i].n);
                ok = false;
            } else if (!first_reg) {
                first_reg = args->v[i];
                reglen = lists[i].n;
            }
        }
    }
    if (first_reg)
        *len = reglen;
    return ok;
}

uint32_t qr_pick(const QList *l, uint32_t k) { return l->reg ? l->v[k] : l->v[0]; }

void qr_free_lists(QList *lists, int n)
{
    for (int i = 0; i < n; i++)
        free(lists[i].v);
}
