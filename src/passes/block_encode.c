/* block_encode.c — Pauli-LCU block encoding of a real symmetric matrix and
 * its qubitized walk (see block_encode.h). */
#include "passes/block_encode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

static unsigned popcount32(uint32_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* ---- decomposition ---- */

static bool check_matrix(unsigned s, const double *H, double *hmax, char **err)
{
    if (s < 1 || s > BE_MAX_QUBITS)
        return diag_refuse(err, "block encoding: a matrix of 2^%u rows is out of range (2^1 to 2^%d rows)", s,
                           BE_MAX_QUBITS);
    size_t dim = (size_t)1 << s;
    double mx = 0;
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c < dim; c++) {
            double h = H[r * dim + c];
            if (!isfinite(h))
                return diag_refuse(err, "block encoding: H[%zu][%zu] is %g; the matrix must be finite", r, c, h);
            mx = fmax(mx, fabs(h));
        }
    if (mx == 0)
        return diag_refuse(err, "block encoding: the matrix is zero; there is nothing to encode");
    for (size_t r = 0; r < dim; r++)
        for (size_t c = r + 1; c < dim; c++)
            if (fabs(H[r * dim + c] - H[c * dim + r]) > BE_SYM_TOL * mx)
                return diag_refuse(err,
                                   "block encoding: the matrix is not symmetric: H[%zu][%zu] = %.17g but "
                                   "H[%zu][%zu] = %.17g",
                                   r, c, H[r * dim + c], c, r, H[c * dim + r]);
    *hmax = mx;
    return true;
}

bool pauli_decompose(unsigned s, const double *H, PauliTerm **terms, size_t *nterms, char **err)
{
    *terms = NULL;
    *nterms = 0;
    double hmax;
    if (!check_matrix(s, H, &hmax, err))
        return false;
    size_t dim = (size_t)1 << s, n = 0, cap = 64;
    PauliTerm *t = xmalloc(cap * sizeof *t);
    double *f = xmalloc(dim * sizeof *f), cmax = 0, scale = 1.0 / (double)dim;
    for (uint32_t x = 0; x < dim; x++) {
        for (size_t c = 0; c < dim; c++) /* the x-diagonal of (H + Hᵀ)/2 */
            f[c] = 0.5 * (H[c * dim + (c ^ x)] + H[(c ^ x) * dim + c]);
        for (size_t h = 1; h < dim; h <<= 1) /* F(z) = Σ_c (−1)^{|z∧c|} f(c) */
            for (size_t i = 0; i < dim; i += 2 * h)
                for (size_t j = i; j < i + h; j++) {
                    double a = f[j], b = f[j + h];
                    f[j] = a + b, f[j + h] = a - b;
                }
        for (uint32_t z = 0; z < dim; z++) {
            unsigned w = popcount32(x & z);
            if (w % 2 || f[z] == 0) /* odd Y: zero for a symmetric matrix */
                continue;
            double coef = (w % 4 ? -1.0 : 1.0) * f[z] * scale; /* i^w */
            if (n == cap) {
                cap *= 2;
                t = xrealloc(t, cap * sizeof *t);
            }
            t[n++] = (PauliTerm){x, z, coef};
            cmax = fmax(cmax, fabs(coef));
        }
    }
    free(f);
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (fabs(t[j].coef) > BE_DROP_REL * cmax)
            t[m++] = t[j];
    if (m == 0) { /* cannot happen for H ≠ 0, but be safe */
        free(t);
        return diag_refuse(err, "block encoding: the matrix has no Pauli terms above rounding");
    }
    *terms = xrealloc(t, m * sizeof *t);
    *nterms = m;
    return true;
}

void pauli_matrix(unsigned s, const PauliTerm *terms, size_t nterms, double *out)
{
    size_t dim = (size_t)1 << s;
    memset(out, 0, dim * dim * sizeof *out);
    for (size_t j = 0; j < nterms; j++) {
        const PauliTerm *p = &terms[j];
        double ph = popcount32(p->x & p->z) % 4 ? -1.0 : 1.0; /* i^{|x∧z|}, even */
        for (size_t c = 0; c < dim; c++) {
            double v = popcount32(p->z & (uint32_t)c) % 2 ? -ph : ph;
            out[(c ^ p->x) * dim + c] += p->coef * v;
        }
    }
}

/* ---- the circuit ---- */

static void check_prefix(const Circuit *c, const char *prefix)
{
    bool ok = prefix && (prefix[0] == '_' || (prefix[0] >= 'A' && prefix[0] <= 'Z') ||
                         (prefix[0] >= 'a' && prefix[0] <= 'z'));
    for (const char *p = prefix ? prefix : ""; ok && *p; p++)
        ok = *p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
    if (!ok)
        ICE("block_encode: '%s' is not a usable name prefix", prefix ? prefix : "(null)");
    size_t len = strlen(prefix);
    for (size_t d = 0; d < c->ndefs; d++)
        if (!strncmp(c->defs[d].name, prefix, len) && c->defs[d].name[len] == '_')
            ICE("block_encode: definition '%s' already uses the prefix '%s_'", c->defs[d].name, prefix);
}

static unsigned ceil_log2(size_t n)
{
    unsigned m = 0;
    while (((size_t)1 << m) < n)
        m++;
    return m;
}

void block_encoding_free(BlockEncoding *be)
{
    free(be->terms);
    free(be->term_def);
    memset(be, 0, sizeof *be);
}

bool block_encode(Circuit *c, const char *prefix, unsigned s, const double *H, const BlockEncodeOptions *opt,
                  BlockEncoding *out, char **err)
{
    memset(out, 0, sizeof *out);
    check_prefix(c, prefix);
    PauliTerm *terms;
    size_t nt;
    if (!pauli_decompose(s, H, &terms, &nt, err))
        return false;
    unsigned m = ceil_log2(nt);
    if (m == 0)
        m = 1;
    /* rough size of what the circuit will hold: per term a definition, its
     * operations and a controlled call, plus a quarter for the allocators
     * (about 1.8 KB a term measured at s = 10) */
    double weight = 0;
    for (size_t j = 0; j < nt; j++)
        weight += popcount32(terms[j].x | terms[j].z);
    double bytes = (double)nt * (sizeof(GateDef) + 2 * sizeof(Op) + 16 * sizeof(Op *) + 4.0 * (s + m) + 32) +
                   weight * (sizeof(Op) + 8.0) + 16.0 * ((size_t)1 << m);
    bytes *= 1.25;
    if (bytes > (double)mem_budget()) {
        char b1[32], b2[32];
        free(terms);
        return diag_refuse(err, "block encoding: %zu Pauli terms need about %s of circuit, over the budget of %s", nt,
                           mem_human(bytes, b1, sizeof b1), mem_human((double)mem_budget(), b2, sizeof b2));
    }
    double alpha = 0, cmax = 0;
    for (size_t j = 0; j < nt; j++) {
        alpha += fabs(terms[j].coef);
        cmax = fmax(cmax, fabs(terms[j].coef));
    }

    /* PREP */
    size_t plen = strlen(prefix) + 32;
    char *name = xmalloc(plen);
    size_t dimm = (size_t)1 << m;
    double *amp = xcalloc(dimm, sizeof *amp);
    for (size_t j = 0; j < nt; j++)
        amp[j] = sqrt(fabs(terms[j].coef) / alpha);
    snprintf(name, plen, "%s_prep", prefix);
    uint32_t prep;
    StatePrepInfo pinfo;
    if (!state_prep_def(c, name, m, amp, opt ? opt->prep : SP_AUTO, &prep, &pinfo, err)) {
        free(amp), free(name), free(terms);
        return false;
    }
    free(amp);

    /* the signed Pauli strings */
    uint32_t *tdef = xmalloc(nt * sizeof *tdef);
    uint32_t *q = xmalloc((s + m) * sizeof *q);
    for (size_t j = 0; j < nt; j++) {
        const PauliTerm *p = &terms[j];
        if (p->x == 0 && p->z == 0 && p->coef > 0) {
            tdef[j] = UINT32_MAX; /* +I: nothing to do */
            continue;
        }
        snprintf(name, plen, "%s_t%zu", prefix, j);
        char doc[48];
        int len = snprintf(doc, sizeof doc, "%c", p->coef < 0 ? '-' : '+');
        for (unsigned k = s; k-- > 0 && len < (int)sizeof doc - 1;) /* qubit s−1 first, as kets are written */
            doc[len++] = "IXZY"[(p->x >> k & 1) | (p->z >> k & 1) << 1];
        doc[len] = 0;
        uint32_t d = circuit_def(c, name, s, doc);
        Block *b = circuit_def_body(c, d);
        if (p->coef < 0) {
            double pi = QGD_PI;
            circ_gate(c, b, GATE_GPHASE, NULL, &pi);
        }
        for (uint32_t k = 0; k < s; k++) {
            unsigned xz = (p->x >> k & 1) | (p->z >> k & 1) << 1;
            if (xz)
                circ_gate(c, b, xz == 1 ? GATE_X : xz == 2 ? GATE_Z : GATE_Y, &k, NULL);
        }
        tdef[j] = d;
    }

    /* SELECT */
    snprintf(name, plen, "%s_select", prefix);
    uint32_t sel = circuit_def(c, name, s + m, "SELECT: sum_j |j><j| (x) sign(c_j) P_j");
    uint64_t mmask = m >= 64 ? UINT64_MAX : ((uint64_t)1 << m) - 1;
    for (uint32_t k = 0; k < m; k++)
        q[k] = s + k;
    for (uint32_t k = 0; k < s; k++)
        q[m + k] = k;
    for (size_t j = 0; j < nt; j++)
        if (tdef[j] != UINT32_MAX) {
            Op *op = circ_call(c, circuit_def_body(c, sel), tdef[j], m, q);
            op->negctrl = ~(uint64_t)j & mmask;
        }

    /* U = PREP† SELECT PREP */
    snprintf(name, plen, "%s_u", prefix);
    uint32_t u = circuit_def(c, name, s + m, "block encoding U = PREP^dg SELECT PREP, <0|U|0> = H/alpha");
    Block *ub = circuit_def_body(c, u);
    for (uint32_t k = 0; k < s + m; k++)
        q[k] = k;
    circ_call(c, ub, prep, 0, q + s);
    circ_call(c, ub, sel, 0, q);
    circ_call(c, ub, prep, 0, q + s)->inv = true;

    /* W = (2|0><0| − I) U */
    snprintf(name, plen, "%s_walk", prefix);
    uint32_t w = circuit_def(c, name, s + m, "qubitized walk W = (2|0><0|_index - I) U");
    Block *wb = circuit_def_body(c, w);
    double pi = QGD_PI;
    circ_call(c, wb, u, 0, q);
    Op *r = circ_cgate(c, wb, GATE_GPHASE, m, q + s, &pi); /* −1 on |0…0⟩ of the index */
    r->negctrl = mmask;
    circ_gate(c, wb, GATE_GPHASE, NULL, &pi); /* and −1 overall */
    free(q);
    free(name);

    *out = (BlockEncoding){.s = s,
                           .m = m,
                           .nterms = nt,
                           .terms = terms,
                           .alpha = alpha,
                           .max_coef = cmax,
                           .prep = prep,
                           .select = sel,
                           .u = u,
                           .walk = w,
                           .term_def = tdef,
                           .prep_info = pinfo};
    return true;
}

/* ---- cost ---- */

void block_encode_cost(const BlockEncoding *be, BlockEncodeCost *k)
{
    memset(k, 0, sizeof *k);
    k->nterms = be->nterms;
    for (size_t j = 0; j < be->nterms; j++) {
        const PauliTerm *p = &be->terms[j];
        if (be->term_def[j] == UINT32_MAX)
            continue;
        k->select_calls++;
        k->pauli_gates += popcount32(p->x | p->z);
        k->sign_phases += p->coef < 0;
    }
    unsigned m = be->m;
    k->select_ccz = m >= 2 ? 2 * (uint64_t)(m - 1) * k->select_calls : 0;
    k->prep = be->prep_info.method == SP_SPARSE ? be->prep_info.sparse : be->prep_info.dense;
    k->reflect_ccz = m >= 3 ? 2 * (uint64_t)(m - 2) : 0;
    k->u_ccz = 2 * k->prep.ccz + k->select_ccz;
    k->u_rotations = 2 * k->prep.rotations;
    k->u_t = 2 * k->prep.t;
    k->walk_ccz = k->u_ccz + k->reflect_ccz;
    k->walk_rotations = k->u_rotations;
    k->walk_t = k->u_t;
}

void block_encode_print_cost(const BlockEncoding *be, FILE *out)
{
    BlockEncodeCost k;
    block_encode_cost(be, &k);
    char buf[40];
    unsigned s = be->s;
    double possible = (ldexp(1, 2 * (int)s) + ldexp(1, (int)s)) / 2;
    fprintf(out, "block encoding: %u system + %u index qubits, %zu Pauli terms (of %.0f possible), alpha = %s\n", s,
            be->m, be->nterms, possible, fmt_double(be->alpha, buf, sizeof buf));
    fprintf(out,
            "  SELECT: %llu controlled Pauli strings (%u controls each), %llu Pauli gates, %llu sign phases; "
            "%llu CCZ lowered\n",
            (unsigned long long)k.select_calls, be->m, (unsigned long long)k.pauli_gates,
            (unsigned long long)k.sign_phases, (unsigned long long)k.select_ccz);
    fprintf(out, "  PREP:   %s state preparation on %u qubits: %llu rotations, %llu T, %llu CCZ\n",
            state_prep_method_name(be->prep_info.method), be->m, (unsigned long long)k.prep.rotations,
            (unsigned long long)k.prep.t, (unsigned long long)k.prep.ccz);
    fprintf(out, "  U = PREP^dg SELECT PREP: %llu rotations, %llu T, %llu CCZ\n", (unsigned long long)k.u_rotations,
            (unsigned long long)k.u_t, (unsigned long long)k.u_ccz);
    fprintf(out, "  walk W = (2|0><0| - I) U: %llu rotations, %llu T, %llu CCZ per call\n",
            (unsigned long long)k.walk_rotations, (unsigned long long)k.walk_t, (unsigned long long)k.walk_ccz);
}
