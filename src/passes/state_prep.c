/* state_prep.c — amplitude encoding of a real vector as a gate definition
 * (see state_prep.h). */
#include "passes/state_prep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"
#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

typedef struct Entry {
    uint64_t i;
    double a; /* v_i / ‖v‖ */
} Entry;

const char *state_prep_method_name(StatePrepMethod m)
{
    switch (m) {
    case SP_AUTO: return "auto";
    case SP_DENSE: return "dense";
    case SP_SPARSE: return "sparse";
    }
    return "?";
}

/* ---- checks ---- */

static void check_name(const Circuit *c, const char *name)
{
    bool ok = name && (name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'));
    for (const char *p = name ? name : ""; ok && *p; p++)
        ok = *p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
    if (!ok || gate_lookup(name) != GATE_COUNT)
        ICE("state_prep: '%s' is not a usable definition name", name ? name : "(null)");
    for (size_t d = 0; d < c->ndefs; d++)
        if (!strcmp(c->defs[d].name, name))
            ICE("state_prep: definition '%s' already exists", name);
}

static int cmp_entry(const void *x, const void *y)
{
    const Entry *a = x, *b = y;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* ---- cost of a lowered rotation (lower.h, resources.h) ---- */

static void cost_angle(SpCost *s, double a)
{
    if (a == 0)
        return;
    int m = lower_pi4_multiple(a);
    if (m < 0)
        s->rotations++;
    else if (m % 2)
        s->t++;
}

/* RY(θ) with nc positive or negative controls, as lower_gate lowers it. */
static void cost_ry(SpCost *s, double th, unsigned nc)
{
    if (th == 0)
        return;
    if (nc >= 2)
        s->ccz += 2 * (uint64_t)(nc - 1);
    if (nc == 0)
        cost_angle(s, th);
    else {
        cost_angle(s, th / 2);
        cost_angle(s, -th / 2);
    }
}

/* x with nc controls, as emit_mcx lowers it: ccx for 2, a ladder above. */
static void cost_x(SpCost *s, unsigned nc)
{
    if (nc == 2)
        s->ccz++;
    else if (nc > 2)
        s->ccz += 2 * (uint64_t)nc - 3;
}

static uint64_t cost_total(const SpCost *s) { return s->rotations + s->t + s->ccz; }

/* ---- the dense construction ---- */

/* The angles of the k levels: ang[j] holds the 2^j angles of level j. */
static double **dense_angles(unsigned k, const Entry *e, size_t n)
{
    uint64_t dim = (uint64_t)1 << k;
    double *w = xcalloc(dim, sizeof *w);
    for (size_t t = 0; t < n; t++)
        w[e[t].i] = e[t].a;
    double **ang = xmalloc(k * sizeof *ang);
    double *r = xmalloc((dim / 2) * sizeof *r); /* block norms of level j+1 */
    ang[k - 1] = xmalloc((dim / 2) * sizeof **ang);
    for (uint64_t p = 0; p < dim / 2; p++) {
        double lo = w[2 * p], hi = w[2 * p + 1];
        ang[k - 1][p] = 2 * atan2(hi, lo); /* signed: (−2π, 2π] */
        r[p] = hypot(lo, hi);
    }
    for (unsigned j = k - 1; j-- > 0;) {
        uint64_t np = (uint64_t)1 << j;
        ang[j] = xmalloc(np * sizeof **ang);
        for (uint64_t p = 0; p < np; p++) {
            double lo = r[2 * p], hi = r[2 * p + 1];
            ang[j][p] = 2 * atan2(hi, lo); /* [0, π] */
            r[p] = hypot(lo, hi);
        }
    }
    free(r);
    free(w);
    return ang;
}

/* What the lowering (lower.c, emit_mux) makes of the multiplexors: the
 * Walsh–Hadamard transform of each level's angles, the same operations in
 * the same order, each angle a rotation, a T or nothing; 2^j cx per
 * level j ≥ 1. */
static void dense_cost(unsigned k, double **ang, SpCost *cost)
{
    *cost = (SpCost){0};
    double *a = xmalloc(((size_t)1 << (k - 1)) * sizeof *a);
    for (unsigned j = 0; j < k; j++) {
        uint64_t n = (uint64_t)1 << j;
        memcpy(a, ang[j], n * sizeof *a);
        for (uint64_t h = 1; h < n; h <<= 1)
            for (uint64_t i = 0; i < n; i += 2 * h)
                for (uint64_t x = i; x < i + h; x++) {
                    double y = a[x], z = a[x + h];
                    a[x] = y + z, a[x + h] = y - z;
                }
        for (uint64_t i = 0; i < n; i++)
            cost_angle(cost, a[i ^ (i >> 1)] / (double)n);
        if (j > 0)
            cost->cx += n;
    }
    free(a);
}

static void emit_dense(Circuit *c, Block *b, unsigned k, double **ang)
{
    uint32_t *q = xmalloc((k + 1) * sizeof *q);
    for (unsigned j = 0; j < k; j++) {
        for (unsigned t = 0; t < j; t++)
            q[t] = k - j + t; /* select value = the j high bits of the index */
        q[j] = k - 1 - j;
        circ_multiplex(c, b, GATE_RY, j, q, ang[j]);
    }
    free(q);
}

static void free_angles(unsigned k, double **ang)
{
    if (!ang)
        return;
    for (unsigned j = 0; j < k; j++)
        free(ang[j]);
    free(ang);
}

/* ---- the sparse construction ---- */

typedef struct Sparse {
    Circuit *c;
    Block *b; /* NULL: count only */
    unsigned k;
    const Entry *e;
    size_t n;
    SpCost cost;
    uint64_t ops, controls;
    uint32_t *q;     /* controls then target */
    unsigned *bits;  /* candidate control bits */
} Sparse;

/* First position in e[lo..hi) with index ≥ x. */
static size_t lower_bound(const Entry *e, size_t lo, size_t hi, uint64_t x)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].i < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Entries whose bits above b equal P's and whose bit b differs: [*lo, *hi). */
static void flip_range(const Sparse *S, uint64_t P, unsigned b, size_t *lo, size_t *hi)
{
    uint64_t base = ((P >> b) ^ 1) << b, end = base + ((uint64_t)1 << b);
    *lo = lower_bound(S->e, 0, S->n, base);
    *hi = lower_bound(S->e, *lo, S->n, end);
}

/* The control bits that tell prefix P (level j: bits k−j..k−1) apart from
 * every other populated prefix of the level. `branch` holds the branch
 * points of P's path in the trie of the populated indices (bit b where
 * some index agrees with P above b and differs at b): enough. Redundant
 * ones are dropped while the comparisons stay within SP_PRUNE_MAX entries.
 * Returns their count; S->bits gets them (high to low). */
static unsigned controls_for(Sparse *S, uint64_t P, uint64_t branch)
{
    unsigned nb = 0;
    for (unsigned b = S->k; b-- > 0;)
        if (branch >> b & 1)
            S->bits[nb++] = b;
    /* drop b when every entry that relies on it (and on those already
     * dropped) differs from P on a bit still kept */
    uint64_t keep = branch, dropped = 0;
    size_t dropped_entries = 0;
    for (unsigned t = 0; t < nb; t++) {
        unsigned b = S->bits[t];
        size_t lo, hi;
        flip_range(S, P, b, &lo, &hi);
        if (dropped_entries + (hi - lo) > SP_PRUNE_MAX)
            continue;
        uint64_t rest = keep & ~((uint64_t)1 << b);
        bool ok = true;
        for (size_t x = lo; ok && x < hi; x++)
            ok = ((S->e[x].i ^ P) & rest) != 0;
        for (unsigned u = 0; ok && u < t; u++)
            if (dropped >> S->bits[u] & 1) {
                size_t l2, h2;
                flip_range(S, P, S->bits[u], &l2, &h2);
                for (size_t x = l2; ok && x < h2; x++)
                    ok = ((S->e[x].i ^ P) & rest) != 0;
            }
        if (ok) {
            keep = rest;
            dropped |= (uint64_t)1 << b;
            dropped_entries += hi - lo;
        }
    }
    unsigned m = 0;
    for (unsigned t = 0; t < nb; t++)
        if (keep >> S->bits[t] & 1)
            S->bits[m++] = S->bits[t];
    return m;
}

/* g = RY(θ) or X on target under the controls S->bits[0..nc) with P's
 * polarity. */
static void sparse_gate(Sparse *S, uint64_t P, unsigned nc, unsigned target, GateKind g, double th)
{
    if (g == GATE_RY && th == 0)
        return;
    S->ops++;
    S->controls += nc;
    if (g == GATE_X)
        cost_x(&S->cost, nc);
    else
        cost_ry(&S->cost, th, nc);
    if (!S->b)
        return;
    uint64_t neg = 0;
    for (unsigned t = 0; t < nc; t++) {
        S->q[t] = S->bits[t];
        if (!(P >> S->bits[t] & 1))
            neg |= (uint64_t)1 << t;
    }
    S->q[nc] = target;
    Op *op = circ_cgate(S->c, S->b, g, nc, S->q, &th);
    op->negctrl = neg;
}

/* ‖a‖ over e[lo..hi), scaled against underflow. */
static double range_norm(const Entry *e, size_t lo, size_t hi)
{
    double mx = 0, s = 0;
    for (size_t x = lo; x < hi; x++)
        mx = fmax(mx, fabs(e[x].a));
    if (mx == 0)
        return 0;
    for (size_t x = lo; x < hi; x++) {
        double y = e[x].a / mx;
        s += y * y;
    }
    return mx * sqrt(s);
}

typedef struct Node {
    size_t lo, hi;   /* its entries */
    uint64_t branch; /* branch points of its path (bits above the level's target) */
} Node;

static void run_sparse(Sparse *S)
{
    unsigned k = S->k;
    Node *cur = xmalloc(S->n * sizeof *cur), *next = xmalloc(S->n * sizeof *next);
    size_t ncur = 1, nnext;
    cur[0] = (Node){0, S->n, 0};
    for (unsigned j = 0; j < k && ncur; j++, ncur = nnext) {
        unsigned t = k - 1 - j; /* target qubit */
        nnext = 0;
        for (size_t v = 0; v < ncur; v++) {
            size_t lo = cur[v].lo, hi = cur[v].hi;
            uint64_t P = S->e[lo].i >> (t + 1) << (t + 1);
            unsigned nc = controls_for(S, P, cur[v].branch);
            if (hi - lo == 1) { /* one nonzero left: set its bits, done */
                uint64_t i = S->e[lo].i;
                bool neg = S->e[lo].a < 0, any = false;
                for (unsigned bq = t + 1; bq-- > 0;)
                    if (i >> bq & 1) {
                        if (neg && !any)
                            sparse_gate(S, P, nc, bq, GATE_RY, -QGD_PI); /* |0⟩ → −|1⟩ */
                        else
                            sparse_gate(S, P, nc, bq, GATE_X, 0);
                        any = true;
                    }
                if (neg && !any)
                    sparse_gate(S, P, nc, t, GATE_RY, 2 * QGD_PI); /* −I */
                continue;
            }
            size_t mid = lower_bound(S->e, lo, hi, P | (uint64_t)1 << t);
            if (t == 0) /* the last level: two signed entries */
                sparse_gate(S, P, nc, t, GATE_RY, 2 * atan2(S->e[lo + 1].a, S->e[lo].a));
            else if (mid == lo) /* all in the upper half: |0⟩ → |1⟩ */
                sparse_gate(S, P, nc, t, GATE_X, 0);
            else
                sparse_gate(S, P, nc, t, GATE_RY, 2 * atan2(range_norm(S->e, mid, hi), range_norm(S->e, lo, mid)));
            if (t > 0) {
                uint64_t both = (mid > lo && hi > mid) ? (uint64_t)1 << t : 0;
                if (mid > lo)
                    next[nnext++] = (Node){lo, mid, cur[v].branch | both};
                if (hi > mid)
                    next[nnext++] = (Node){mid, hi, cur[v].branch | both};
            }
        }
        Node *sw = cur;
        cur = next, next = sw;
    }
    free(cur);
    free(next);
}

/* ---- entry points ---- */

/* e[0..n): sorted, distinct, nonzero, normalised. */
static bool build(Circuit *c, const char *name, unsigned k, Entry *e, size_t n, double norm, StatePrepMethod method,
                  uint32_t *def, StatePrepInfo *info, char **err)
{
    StatePrepInfo in = {.k = k, .nnz = n, .norm = norm};
    bool dense_ok = k <= SP_MAX_DENSE_QUBITS;
    if (method == SP_DENSE && !dense_ok)
        return diag_refuse(err, "state preparation: the dense construction needs 2^%u angles (at most %d qubits)", k,
                           SP_MAX_DENSE_QUBITS);
    double **ang = NULL;
    if (k >= 1 && dense_ok && method != SP_SPARSE) {
        ang = dense_angles(k, e, n);
        dense_cost(k, ang, &in.dense);
    } else if (k >= 1 && dense_ok) { /* the bound: every angle a rotation */
        in.dense.rotations = ((uint64_t)1 << k) - 1;
        in.dense.cx = ((uint64_t)1 << k) - 2;
    }
    in.dense_cost = cost_total(&in.dense);
    Sparse S = {.c = c, .k = k, .e = e, .n = n};
    S.q = xmalloc((k + 1) * sizeof *S.q);
    S.bits = xmalloc((k + 1) * sizeof *S.bits);
    run_sparse(&S); /* count */
    in.sparse = S.cost;
    in.sparse_cost = cost_total(&S.cost);
    in.sparse_ops = S.ops;
    in.sparse_controls = S.controls;
    if (method == SP_AUTO)
        method = !dense_ok || in.sparse_cost < in.dense_cost ? SP_SPARSE : SP_DENSE;
    in.method = method;

    char doc[160];
    snprintf(doc, sizeof doc, "amplitude encoding of a real vector of %llu nonzeros on %u qubits (%s)",
             (unsigned long long)n, k, state_prep_method_name(method));
    uint32_t d = circuit_def(c, name, k, doc);
    Block *b = circuit_def_body(c, d);
    if (k == 0) {
        if (e[0].a < 0) {
            double pi = QGD_PI;
            circ_gate(c, b, GATE_GPHASE, NULL, &pi);
        }
    } else if (method == SP_DENSE)
        emit_dense(c, b, k, ang);
    else {
        S.b = b;
        S.ops = S.controls = 0;
        S.cost = (SpCost){0};
        run_sparse(&S);
    }
    free_angles(k, ang);
    free(S.q);
    free(S.bits);
    *def = d;
    if (info)
        *info = in;
    return true;
}

/* Sorts, checks and normalises e[0..n) in place; drops zeros. */
static bool normalise(Entry *e, size_t *n, unsigned k, double *norm, char **err)
{
    for (size_t t = 0; t < *n; t++) {
        if (!isfinite(e[t].a))
            return diag_refuse(err, "state preparation: entry %llu is %g; the vector must be finite",
                               (unsigned long long)e[t].i, e[t].a);
        if (k < 64 && e[t].i >> k)
            return diag_refuse(err, "state preparation: index %llu is out of range for %u qubits",
                               (unsigned long long)e[t].i, k);
    }
    size_t m = 0;
    for (size_t t = 0; t < *n; t++)
        if (e[t].a != 0)
            e[m++] = e[t];
    *n = m;
    if (m == 0)
        return diag_refuse(err, "state preparation: the vector is zero; there is no state to prepare");
    qsort(e, m, sizeof *e, cmp_entry);
    for (size_t t = 1; t < m; t++)
        if (e[t].i == e[t - 1].i)
            return diag_refuse(err, "state preparation: index %llu is given twice", (unsigned long long)e[t].i);
    double mx = 0, s = 0;
    for (size_t t = 0; t < m; t++)
        mx = fmax(mx, fabs(e[t].a));
    for (size_t t = 0; t < m; t++) {
        double y = e[t].a / mx;
        s += y * y;
    }
    double ns = sqrt(s);
    for (size_t t = 0; t < m; t++)
        e[t].a = e[t].a / mx / ns;
    *norm = mx * ns;
    return true;
}

bool state_prep_def_sparse(Circuit *c, const char *name, unsigned k, size_t n, const uint64_t *idx,
                           const double *val, StatePrepMethod method, uint32_t *def, StatePrepInfo *info,
                           char **err)
{
    check_name(c, name);
    if (k > SP_MAX_QUBITS)
        return diag_refuse(err, "state preparation: %u qubits is beyond the limit of %d", k, SP_MAX_QUBITS);
    Entry *e = xmalloc((n ? n : 1) * sizeof *e);
    for (size_t t = 0; t < n; t++)
        e[t] = (Entry){idx[t], val[t]};
    double norm;
    bool ok = normalise(e, &n, k, &norm, err) && build(c, name, k, e, n, norm, method, def, info, err);
    free(e);
    return ok;
}

bool state_prep_def(Circuit *c, const char *name, unsigned k, const double *v, StatePrepMethod method,
                    uint32_t *def, StatePrepInfo *info, char **err)
{
    check_name(c, name);
    if (k > SP_MAX_DENSE_QUBITS)
        return diag_refuse(err, "state preparation: a dense vector of 2^%u entries is beyond the limit of 2^%d", k,
                           SP_MAX_DENSE_QUBITS);
    uint64_t dim = (uint64_t)1 << k;
    size_t n = 0;
    for (uint64_t i = 0; i < dim; i++)
        if (v[i] != 0)
            n++;
    Entry *e = xmalloc((n ? n : 1) * sizeof *e);
    n = 0;
    for (uint64_t i = 0; i < dim; i++) {
        if (!isfinite(v[i])) {
            free(e);
            return diag_refuse(err, "state preparation: entry %llu is %g; the vector must be finite",
                               (unsigned long long)i, v[i]);
        }
        if (v[i] != 0)
            e[n++] = (Entry){i, v[i]};
    }
    double norm;
    bool ok = normalise(e, &n, k, &norm, err) && build(c, name, k, e, n, norm, method, def, info, err);
    free(e);
    return ok;
}
