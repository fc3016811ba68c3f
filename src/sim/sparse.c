/* sparse.c — the sparse state-vector simulator (contract in sparse.h). */
#include "sim/sparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"
#include "sim/exec.h"
#include "support/cmplx.h"
#include "support/diag.h"
#include "support/util.h"

#define EMPTY UINT32_MAX
#define MAX_INDEXED ((size_t)1 << 31)

struct SparseState {
    unsigned nq;
    uint64_t valid; /* the bits of a basis index */
    size_t n, cap, max_nnz, peak;
    uint64_t *key;
    double complex *amp;
    /* open-addressing index: slot → entry, EMPTY when free */
    uint32_t *slot;
    size_t tsize; /* power of two, ≥ 2n when indexed */
    bool indexed;
    double drop;
};

/* ---- the index ---- */

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static void index_put(SparseState *s, uint64_t k, size_t i)
{
    size_t m = s->tsize - 1, h = (size_t)mix(k) & m;
    while (s->slot[h] != EMPTY)
        h = (h + 1) & m;
    s->slot[h] = (uint32_t)i;
}

static void index_build(SparseState *s, size_t need)
{
    size_t t = 16;
    while (t < 2 * need)
        t <<= 1;
    if (t != s->tsize) {
        free(s->slot);
        s->slot = xmalloc(t * sizeof *s->slot);
        s->tsize = t;
    }
    memset(s->slot, 0xff, t * sizeof *s->slot);
    for (size_t i = 0; i < s->n; i++)
        index_put(s, s->key[i], i);
    s->indexed = true;
}

static void ensure_index(SparseState *s)
{
    if (!s->indexed || s->tsize < 2 * s->n)
        index_build(s, s->n);
}

/* Entry of key k, or SIZE_MAX. Requires the index. */
static size_t find(const SparseState *s, uint64_t k)
{
    size_t m = s->tsize - 1, h = (size_t)mix(k) & m;
    for (;;) {
        uint32_t e = s->slot[h];
        if (e == EMPTY)
            return SIZE_MAX;
        if (s->key[e] == k)
            return e;
        h = (h + 1) & m;
    }
}

/* Appends (k, a), keeping the index valid when it is. */
static bool append(SparseState *s, uint64_t k, double complex a, char **err)
{
    if (s->n >= s->max_nnz)
        return diag_refuse(err, "sparse simulator: more than %zu nonzero amplitudes (the state's cap)", s->max_nnz);
    if (s->n == s->cap) {
        size_t c = s->cap * 2;
        if (c > s->max_nnz)
            c = s->max_nnz;
        s->key = xrealloc(s->key, c * sizeof *s->key);
        s->amp = xrealloc(s->amp, c * sizeof *s->amp);
        s->cap = c;
    }
    size_t i = s->n++;
    s->key[i] = k, s->amp[i] = a;
    if (s->n > s->peak)
        s->peak = s->n;
    if (s->indexed) {
        if (2 * s->n > s->tsize)
            index_build(s, 2 * s->n);
        else
            index_put(s, k, i);
    }
    return true;
}

/* Drops the entries with |a|² < thresh (thresh 0: exact zeros only). */
static void compact(SparseState *s, double thresh)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        double complex a = s->amp[i];
        double p = creal(a) * creal(a) + cimag(a) * cimag(a);
        if (thresh > 0 ? p < thresh : p == 0)
            continue;
        s->key[w] = s->key[i], s->amp[w] = a;
        w++;
    }
    if (w != s->n) {
        s->n = w;
        s->indexed = false;
    }
}

/* ---- life cycle and access ---- */

SparseState *sparse_create(unsigned nqubits, size_t max_nnz, char **err)
{
    if (nqubits < 1 || nqubits > SPARSE_MAX_QUBITS) {
        diag_refuse(err, "sparse simulator: %u qubits (1 to %d)", nqubits, SPARSE_MAX_QUBITS);
        return NULL;
    }
    if (max_nnz < 1 || max_nnz > MAX_INDEXED) {
        diag_refuse(err, "sparse simulator: a cap of %zu nonzeros (1 to 2^31)", max_nnz);
        return NULL;
    }
    SparseState *s = xcalloc(1, sizeof *s);
    s->nq = nqubits;
    s->valid = nqubits == 64 ? UINT64_MAX : ((uint64_t)1 << nqubits) - 1;
    s->max_nnz = max_nnz;
    s->cap = max_nnz < 64 ? max_nnz : 64;
    s->key = xmalloc(s->cap * sizeof *s->key);
    s->amp = xmalloc(s->cap * sizeof *s->amp);
    s->drop = SPARSE_DROP;
    sparse_set_basis(s, 0);
    return s;
}

void sparse_free(SparseState *s)
{
    if (!s)
        return;
    free(s->key);
    free(s->amp);
    free(s->slot);
    free(s);
}

unsigned sparse_nqubits(const SparseState *s) { return s->nq; }
void sparse_set_drop(SparseState *s, double thresh) { s->drop = thresh; }
size_t sparse_nnz(const SparseState *s) { return s->n; }
size_t sparse_peak_nnz(const SparseState *s) { return s->peak; }

void sparse_clear(SparseState *s)
{
    s->n = 0;
    s->indexed = false;
}

void sparse_set_basis(SparseState *s, uint64_t index)
{
    if (index & ~s->valid)
        ICE("sparse_set_basis: index %llu beyond %u qubits", (unsigned long long)index, s->nq);
    sparse_clear(s);
    s->key[0] = index, s->amp[0] = 1;
    s->n = 1;
    if (s->peak < 1)
        s->peak = 1;
}

bool sparse_set(SparseState *s, uint64_t index, double complex amp, char **err)
{
    if (index & ~s->valid)
        ICE("sparse_set: index %llu beyond %u qubits", (unsigned long long)index, s->nq);
    ensure_index(s);
    size_t i = find(s, index);
    if (i != SIZE_MAX) {
        s->amp[i] = amp;
        if (amp == 0)
            compact(s, 0);
        return true;
    }
    if (amp == 0)
        return true;
    return append(s, index, amp, err);
}

bool sparse_set_superposition(SparseState *s, const uint64_t *index, const double complex *amp, size_t n,
                              char **err)
{
    sparse_clear(s);
    ensure_index(s);
    for (size_t k = 0; k < n; k++) {
        if (index[k] & ~s->valid)
            ICE("sparse_set_superposition: index %llu beyond %u qubits", (unsigned long long)index[k], s->nq);
        size_t i = find(s, index[k]);
        if (i != SIZE_MAX)
            s->amp[i] += amp[k];
        else if (!append(s, index[k], amp[k], err))
            return false;
    }
    compact(s, 0);
    return true;
}

double complex sparse_get(SparseState *s, uint64_t index)
{
    ensure_index(s);
    size_t i = find(s, index);
    return i == SIZE_MAX ? 0 : s->amp[i];
}

void sparse_entry(const SparseState *s, size_t k, uint64_t *index, double complex *amp)
{
    if (k >= s->n)
        ICE("sparse_entry: entry %zu of %zu", k, s->n);
    if (index)
        *index = s->key[k];
    if (amp)
        *amp = s->amp[k];
}

double sparse_norm2(const SparseState *s)
{
    double r = 0;
    for (size_t i = 0; i < s->n; i++)
        r += creal(s->amp[i]) * creal(s->amp[i]) + cimag(s->amp[i]) * cimag(s->amp[i]);
    return r;
}

bool sparse_normalize(SparseState *s)
{
    double n2 = sparse_norm2(s);
    if (!(n2 > 0))
        return false;
    double r = 1 / sqrt(n2);
    for (size_t i = 0; i < s->n; i++)
        s->amp[i] *= r;
    return true;
}

void sparse_project(SparseState *s, unsigned q, int value)
{
    if (q >= s->nq)
        ICE("sparse_project: qubit %u of %u", q, s->nq);
    uint64_t b = (uint64_t)1 << q, want = value ? b : 0;
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if ((s->key[i] & b) != want)
            continue;
        s->key[w] = s->key[i], s->amp[w] = s->amp[i];
        w++;
    }
    if (w != s->n) {
        s->n = w;
        s->indexed = false;
    }
}

/* ---- gates ---- */


/* Whether the controls (mask cm, of which nm fire on |0⟩) fire on key k. */
static inline bool fires(uint64_t k, uint64_t cm, uint64_t want) { return (k & cm) == want; }

/* Multiplies the firing amplitudes whose bits `on` are all set by f. */
static void phase(SparseState *s, uint64_t cm, uint64_t want, uint64_t on, double complex f)
{
    for (size_t i = 0; i < s->n; i++) {
        uint64_t k = s->key[i];
        if (fires(k, cm, want) && (k & on) == on)
            s->amp[i] *= f;
    }
}

static bool apply_1q(SparseState *s, const double complex m[4], uint32_t t, uint64_t cm, uint64_t want, char **err)
{
    uint64_t tb = (uint64_t)1 << t;
    if (m[1] == 0 && m[2] == 0) { /* diagonal */
        for (size_t i = 0; i < s->n; i++) {
            uint64_t k = s->key[i];
            if (fires(k, cm, want))
                s->amp[i] *= (k & tb) ? m[3] : m[0];
        }
        return true;
    }
    if (m[0] == 0 && m[3] == 0) { /* anti-diagonal: |0⟩ → m10 |1⟩, |1⟩ → m01 |0⟩ */
        bool any = false;
        for (size_t i = 0; i < s->n; i++) {
            uint64_t k = s->key[i];
            if (!fires(k, cm, want))
                continue;
            s->amp[i] *= (k & tb) ? m[1] : m[2];
            s->key[i] = k ^ tb;
            any = true;
        }
        if (any)
            s->indexed = false;
        return true;
    }
    /* branching: pair |k⟩ (bit 0) with |k ^ tb⟩ (bit 1) */
    ensure_index(s);
    size_t n0 = s->n;
    for (size_t i = 0; i < n0; i++) {
        uint64_t k = s->key[i];
        if (!fires(k, cm, want))
            continue;
        size_t j = find(s, k ^ tb), i0, i1;
        if (k & tb) {
            if (j != SIZE_MAX)
                continue; /* the partner (an original entry) does the pair */
            i1 = i;
            i0 = s->n;
            if (!append(s, k ^ tb, 0, err))
                return false;
        } else {
            i0 = i;
            if (j != SIZE_MAX)
                i1 = j;
            else {
                i1 = s->n;
                if (!append(s, k ^ tb, 0, err))
                    return false;
            }
        }
        double complex a0 = s->amp[i0], a1 = s->amp[i1];
        s->amp[i0] = m[0] * a0 + m[1] * a1;
        s->amp[i1] = m[2] * a0 + m[3] * a1;
    }
    compact(s, s->drop);
    return true;
}

bool sparse_apply_gate(SparseState *s, GateKind g, const double *param, const uint32_t *q, uint32_t nctrl,
                       uint64_t negctrl, bool inv, char **err)
{
    if (g >= GATE_COUNT)
        ICE("sparse_apply_gate: gate kind %d", (int)g);
    uint32_t nq = nctrl + (uint32_t)gate_info[g].nqubits;
    uint64_t used = 0;
    for (uint32_t i = 0; i < nq; i++) {
        if (q[i] >= s->nq)
            return diag_refuse(err, "sparse simulator: gate %s on qubit %u of a %u-qubit state", gate_info[g].name,
                               q[i], s->nq);
        uint64_t b = (uint64_t)1 << q[i];
        if (used & b)
            ICE("sparse_apply_gate: qubit %u repeated in %s", q[i], gate_info[g].name);
        used |= b;
    }
    uint64_t cm = 0, want = 0;
    for (uint32_t i = 0; i < nctrl; i++) {
        uint64_t b = (uint64_t)1 << q[i];
        cm |= b;
        if (!(i < 64 && (negctrl >> i & 1)))
            want |= b;
    }
    const uint32_t *t = q ? q + nctrl : NULL; /* gphase alone has no operands */
    switch (g) {
    case GATE_ID: return true;
    case GATE_GPHASE: {
        double th = param ? (inv ? -param[0] : param[0]) : 0;
        phase(s, cm, want, 0, CMPLX(cos(th), sin(th)));
        return true;
    }
    case GATE_X:
    case GATE_CX:
    case GATE_CCX: {
        int n = gate_info[g].nqubits;
        for (int i = 0; i + 1 < n; i++)
            cm |= (uint64_t)1 << t[i], want |= (uint64_t)1 << t[i];
        uint64_t tb = (uint64_t)1 << t[n - 1];
        bool any = false;
        for (size_t i = 0; i < s->n; i++)
            if (fires(s->key[i], cm, want))
                s->key[i] ^= tb, any = true;
        if (any)
            s->indexed = false;
        return true;
    }
    case GATE_Z:
    case GATE_CZ: {
        uint64_t on = 0;
        for (int i = 0; i < gate_info[g].nqubits; i++)
            on |= (uint64_t)1 << t[i];
        phase(s, cm, want, on, -1);
        return true;
    }
    case GATE_SWAP: {
        uint64_t b0 = (uint64_t)1 << t[0], b1 = (uint64_t)1 << t[1];
        bool any = false;
        for (size_t i = 0; i < s->n; i++) {
            uint64_t k = s->key[i];
            if (fires(k, cm, want) && !(k & b0) != !(k & b1))
                s->key[i] = k ^ b0 ^ b1, any = true;
        }
        if (any)
            s->indexed = false;
        return true;
    }
    default: {
        double complex m[4];
        double p[3] = {0, 0, 0};
        if (param)
            memcpy(p, param, (size_t)gate_info[g].nparams * sizeof *p);
        if (inv && (g == GATE_RX || g == GATE_RY || g == GATE_RZ || g == GATE_P)) {
            p[0] = -p[0];
            inv = false;
        }
        sim_gate_matrix(g, p, m);
        if (inv) {
            double complex a[4] = {conj(m[0]), conj(m[2]), conj(m[1]), conj(m[3])};
            memcpy(m, a, sizeof a);
        }
        return apply_1q(s, m, t[0], cm, want, err);
    }
    }
}

/* ---- circuits ---- */

static const char *op_name(OpKind k)
{
    switch (k) {
    case OP_GATE: return "gate";
    case OP_CALL: return "call";
    case OP_MULTIPLEX: return "multiplexor";
    case OP_MEASURE: return "measure";
    case OP_RESET: return "reset";
    case OP_POSTSELECT: return "post-selection";
    case OP_BARRIER: return "barrier";
    case OP_IF: return "if";
    }
    return "?";
}

bool sparse_run(const Circuit *flat, SparseState *s, char **err)
{
    if (flat->nqubits > s->nq)
        return diag_refuse(err, "sparse simulator: the circuit has %u qubits, the state %u", flat->nqubits, s->nq);
    for (size_t i = 0; i < flat->main.n; i++) {
        const Op *op = flat->main.ops[i];
        switch (op->kind) {
        case OP_GATE:
            if (op->pow != 1)
                return diag_refuse(err, "sparse simulator: operation %zu (pow(%llu) @ %s) is not flat", i,
                                   (unsigned long long)op->pow, gate_info[op->gate].name);
            if (!sparse_apply_gate(s, op->gate, op->param, op->q, op->nctrl, op->negctrl, op->inv, err))
                return false;
            break;
        case OP_BARRIER: break;
        case OP_POSTSELECT: sparse_project(s, op->q[0], op->value); break;
        default:
            return diag_refuse(err, "sparse simulator: operation %zu is a %s, which it does not simulate%s", i,
                               op_name(op->kind),
                               op->kind == OP_CALL || op->kind == OP_MULTIPLEX ? " (lower the circuit first)" : "");
        }
    }
    return true;
}

/* ---- hierarchical circuits, walked without lowering ---- */

typedef struct SparseExec {
    const Circuit *c;
    SparseState *s;
    uint64_t gates; /* sparse_apply_gate calls */
    char *err;
} SparseExec;

static bool exec_block(SparseExec *x, const Block *b, const uint32_t *map, const uint32_t *ctl, uint32_t nctl,
                          uint64_t neg, bool inv)
{
    uint32_t q[SPARSE_MAX_QUBITS + 4];
    for (size_t n = 0; n < b->n; n++) {
        const Op *op = b->ops[inv ? b->n - 1 - n : n];
        bool oinv = inv != op->inv;
        switch (op->kind) {
        case OP_BARRIER:
            break;
        case OP_POSTSELECT:
            if (nctl) {
                x->err = xstrdup("sparse simulator: a post-selection under a control");
                return false;
            }
            sparse_project(x->s, map[op->q[0]], op->value);
            break;
        case OP_GATE:
        case OP_CALL: {
            uint32_t nc = nctl + op->nctrl;
            if (nc > SPARSE_MAX_QUBITS || nctl + op->nq > SPARSE_MAX_QUBITS) {
                x->err = xstrdup("sparse simulator: more than 64 operands");
                return false;
            }
            if (nctl)
                memcpy(q, ctl, nctl * sizeof *q);
            for (uint32_t k = 0; k < op->nq; k++)
                q[nctl + k] = map[op->q[k]];
            uint64_t ng = neg | (op->nctrl ? op->negctrl << nctl : 0);
            for (uint64_t r = 0; r < op->pow; r++) {
                if (op->kind == OP_GATE) {
                    x->gates++;
                    if (!sparse_apply_gate(x->s, op->gate, op->param, q, nc, ng, oinv, &x->err))
                        return false;
                } else if (!exec_block(x, &x->c->defs[op->def].body, q + nc, q, nc, ng, oinv))
                    return false;
            }
            break;
        }
        case OP_MULTIPLEX: {
            uint32_t k = op->nq - 1;
            if (op->nctrl || nctl + op->nq > SPARSE_MAX_QUBITS) {
                x->err = xstrdup("sparse simulator: a controlled multiplexor");
                return false;
            }
            if (nctl)
                memcpy(q, ctl, nctl * sizeof *q);
            for (uint32_t j = 0; j <= k; j++)
                q[nctl + j] = map[op->q[j]];
            for (uint64_t v = 0; v < (uint64_t)1 << k; v++) {
                if (op->angles[v] == 0)
                    continue;
                uint64_t ng = neg;
                for (uint32_t j = 0; j < k; j++)
                    if (!(v >> j & 1))
                        ng |= (uint64_t)1 << (nctl + j);
                x->gates++;
                if (!sparse_apply_gate(x->s, op->gate, &op->angles[v], q, nctl + k, ng, oinv, &x->err))
                    return false;
            }
            break;
        }
        default:
            x->err = xstrdup("sparse simulator: measure, reset and if are not supported");
            return false;
        }
    }
    return true;
}

bool sparse_run_circuit(const Circuit *c, SparseState *s, uint64_t *gates, char **err)
{
    if (c->nqubits > s->nq)
        return diag_refuse(err, "sparse simulator: the circuit has %u qubits, the state %u", c->nqubits, s->nq);
    SparseExec x = {.c = c, .s = s};
    uint32_t *id = xmalloc(c->nqubits * sizeof *id);
    for (uint32_t k = 0; k < c->nqubits; k++)
        id[k] = k;
    bool ok = exec_block(&x, &c->main, id, NULL, 0, 0, false);
    free(id);
    if (gates)
        *gates = x.gates;
    if (!ok)
        *err = x.err;
    else
        free(x.err);
    return ok;
}

bool sparse_lower(const Circuit *c, Circuit *flat, size_t max_ops, uint32_t *anc_offset, uint32_t *anc_size,
                  char **err)
{
    circuit_init(flat); /* lower_circuit may refuse before initialising */
    LowerOptions lo = {.max_ops = max_ops};
    if (!lower_circuit(c, flat, &lo, err))
        return false;
    if (anc_offset)
        *anc_offset = c->nqubits;
    if (anc_size)
        *anc_size = flat->nqubits - c->nqubits;
    return true;
}

bool sparse_run_hier(const Circuit *c, SparseState *s, size_t max_ops, char **err)
{
    Circuit flat;
    bool ok = sparse_lower(c, &flat, max_ops, NULL, NULL, err);
    if (ok && flat.nqubits > s->nq)
        ok = diag_refuse(err, "sparse simulator: the lowered circuit needs %u qubits (%u and %u ancillas), the state has %u",
                         flat.nqubits, c->nqubits, flat.nqubits - c->nqubits, s->nq);
    if (ok)
        ok = sparse_run(&flat, s, err);
    circuit_free(&flat);
    return ok;
}
