/* res_physical.c — the fault-tolerant physical estimate from logical counts
 * (formulas, defaults and their source in resources.h): the Microsoft
 * Resource Estimator's surface/Floquet code model, error-budget split,
 * rotation synthesis cost, PSSPC layout and round-based 15-to-1 T factories,
 * fitted as its estimate_without_restrictions does. Integers that the
 * estimator keeps in u64 are GMP integers here (they overflow u64 for the
 * circuits qgdc counts); rates and times are doubles. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"

static const ResQubitModel models[] = {
    /* name, majorana, t_meas, t_gate, t_2q (ns), e_meas, e_gate, e_2q, e_t, e_idle */
    {"qubit_gate_ns_e3", false, 100, 50, 50, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3},
    {"qubit_gate_ns_e4", false, 100, 50, 50, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4},
    {"qubit_gate_us_e3", false, 100000, 100000, 100000, 1e-3, 1e-3, 1e-3, 1e-6, 1e-3},
    {"qubit_gate_us_e4", false, 100000, 100000, 100000, 1e-4, 1e-4, 1e-4, 1e-6, 1e-4},
    {"qubit_maj_ns_e4", true, 100, 0, 100, 1e-4, 0, 1e-4, 0.05, 1e-4},
    {"qubit_maj_ns_e6", true, 100, 0, 100, 1e-6, 0, 1e-6, 0.01, 1e-6},
};

const ResQubitModel *res_qubit_model(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof *models; i++)
        if (!strcmp(models[i].name, name))
            return &models[i];
    return NULL;
}

static double clifford_error(const ResQubitModel *m)
{
    if (m->majorana)
        return fmax(m->e_idle, fmax(m->e_meas, m->e_2q));
    return fmax(m->e_gate, fmax(m->e_2q, m->e_idle));
}

static double readout_error(const ResQubitModel *m) { return m->majorana ? fmax(m->e_meas, m->e_2q) : m->e_meas; }

/* ---- the code ---- */

typedef struct Code {
    const ResQubitModel *m;
    ResQec qec;
    double a, th, p; /* crossing prefactor, threshold, physical error */
    unsigned max_d;
} Code;

static double code_pl(const Code *k, unsigned d) { return k->a * pow(k->p / k->th, (double)((d + 1) / 2)); }

static uint64_t code_cycle(const Code *k, unsigned d)
{
    double t;
    if (!k->m->majorana)
        t = (4 * k->m->t_2q_ns + 2 * k->m->t_meas_ns) * d;
    else if (k->qec == RES_SURFACE_CODE)
        t = 20 * k->m->t_meas_ns * d;
    else
        t = 3 * k->m->t_meas_ns * d;
    return (uint64_t)llround(t);
}

static uint64_t code_qubits(const Code *k, unsigned d)
{
    return k->qec == RES_FLOQUET_CODE ? 4ull * d * d + 8ull * (d - 1) : 2ull * d * d;
}

/* The least odd d with p_L(d) ≤ rate (the estimator's closed form). */
static unsigned code_distance(const Code *k, double rate)
{
    double x = ceil(2 * log(k->a / rate) / log(k->th / k->p) - 1);
    if (!(x >= 0))
        x = 0;
    if (x > 1e6)
        return UINT32_MAX;
    return (unsigned)x | 1u;
}

/* ---- T factories ---- */

typedef struct Unit {
    const char *name;
    unsigned d;        /* 1: physical */
    uint64_t qubits;   /* physical qubits of one unit */
    uint64_t duration; /* ns */
    double c;          /* Clifford error rate of its qubits */
} Unit;

/* The normal approximation of the binomial quantile (Moorhead 2013, p. 7)
 * as the estimator's `probability` crate writes it, term for term. */
static double approximate_by_normal(double p, double np, double v, double u)
{
    double w = gsl_cdf_ugaussian_Pinv(u), w2 = w * w, w3 = w2 * w, w4 = w3 * w, w5 = w4 * w, w6 = w5 * w;
    double sd = sqrt(v), e1 = 1 / sd, e2 = 1 / v, e3 = e1 * e2, e4 = e2 * e2;
    double p2 = p * p, p3 = p2 * p, p4 = p2 * p2;
    return np + sd * w + (p + 1.0) / 3.0 - (2.0 * p - 1.0) * w2 / 6.0 +
           e1 * w3 * (2.0 * p2 - 2.0 * p - 1.0) / 72.0 - w * (7.0 * p2 - 7.0 * p + 1.0) / 36.0 +
           e2 * (2.0 * p - 1.0) * (p + 1.0) * (p - 2.0) * (3.0 * w4 + 7.0 * w2 - 16.0 / 1620.0) +
           e3 * (w5 * (4.0 * p4 - 8.0 * p3 - 48.0 * p2 + 52.0 * p - 23.0) / 17280.0 +
                 w3 * (256.0 * p4 - 512.0 * p3 - 147.0 * p2 + 403.0 * p - 137.0) / 38880.0 -
                 w * (433.0 * p4 - 866.0 * p3 - 921.0 * p2 + 1354.0 * p - 671.0) / 38880.0) +
           e4 * (w6 * (2.0 * p - 1.0) * (p2 - p + 1.0) * (p2 - p + 19.0) / 34020.0 +
                 w4 * (2.0 * p - 1.0) * (9.0 * p4 - 18.0 * p3 - 35.0 * p2 + 44.0 * p - 25.0) / 15120.0 +
                 w2 * (2.0 * p - 1.0) * (923.0 * p4 - 1846.0 * p3 + 5271.0 * p2 - 4348.0 * p + 5189.0) / 408240.0 -
                 4.0 * (2.0 * p - 1.0) * (p + 1.0) * (p - 2.0) * (23.0 * p2 - 23.0 * p + 2.0) / 25515.0);
}

/* P(X ≤ x), X ~ Binomial(n, p). */
static double binomial_cdf(uint64_t x, double p, uint64_t n)
{
    return x >= n ? 1.0 : gsl_cdf_binomial_P((unsigned)x, p, (unsigned)n);
}

/* The successes X ~ Binomial(n, 1 − q) reached with probability u: the
 * inverse distribution function of the estimator's `probability` crate
 * (Binomial::with_failure(n, q).inverse(u)), with its three methods:
 * summation from the nearer end for n < 1000, the normal approximation
 * when npq > 80, Newton's method from the mode otherwise. */
static uint64_t quantile(uint64_t n, double q, double u)
{
    if (q == 0 && u == 0) /* the estimator's special case: no distillation failure */
        return n;
    double p = 1 - q;
    if (u == 1)
        return n;
    if (u == 0)
        return 0;
    if (n < 1000) {
        uint64_t k = 1;
        if (u <= binomial_cdf(n / 2, p, n)) { /* bottom up */
            double a = pow(q, (double)n), sum = a - u;
            while (sum < 0) {
                a *= p / q * ((double)(n - k + 1) / (double)k);
                sum += a;
                k++;
            }
            return k - 1;
        }
        double a = pow(p, (double)n), sum = (1 - u) - a; /* top down */
        while (sum >= 0) {
            a *= q / p * ((double)(n - k + 1) / (double)k);
            sum -= a;
            k++;
        }
        return n - k + 1;
    }
    double np = (double)n * p, npq = np * q;
    if (npq > 80) {
        double x = floor(approximate_by_normal(p, np, npq, u));
        return x < 0 ? 0 : (uint64_t)x;
    }
    double r = p * (double)(n + 1);
    int64_t m = r == 0 ? 0 : p == 1 ? (int64_t)n : r != floor(r) ? (int64_t)floor(r) : (int64_t)r - 1;
    for (int it = 0; it < 10000; it++) {
        double next = (u - binomial_cdf((uint64_t)m, p, n)) / gsl_ran_binomial_pdf((unsigned)m, p, (unsigned)n);
        if (-0.5 < next && next < 0.5)
            break;
        m += (int64_t)round(next); /* Rust rounds halves away from zero, as round does */
        if (m < 0)
            m = 0;
    }
    return (uint64_t)m;
}

#define MAX_UNITS 2147483648u /* the distribution functions take 32-bit counts */

/* Units needed for `needed` outputs; 0 when unreasonable. */
static uint64_t units_for(uint64_t needed, double q, double req)
{
    uint64_t n = needed;
    while (quantile(n, q, req) < needed) {
        n *= 2;
        if (n >= MAX_UNITS)
            return 0;
    }
    uint64_t lo = n / 2, hi = n;
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;
        if (quantile(mid, q, req) >= needed)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

static bool build_factory(const Unit *const *u, unsigned n, double pt, ResFactory *F)
{
    double eps[RES_MAX_ROUNDS + 1], qf[RES_MAX_ROUNDS];
    eps[0] = pt;
    for (unsigned i = 0; i < n; i++) {
        eps[i + 1] = 35 * eps[i] * eps[i] * eps[i] + 7.1 * u[i]->c;
        if (eps[i + 1] > eps[i])
            return false;
    }
    double req = 0.01 / n;
    uint64_t needed = 1;
    for (unsigned i = n; i-- > 0;) {
        qf[i] = 15 * eps[i] + 356 * u[i]->c;
        if (qf[i] <= 0 || qf[i] >= 1)
            return false;
        uint64_t units = units_for(needed, qf[i], req);
        if (!units)
            return false;
        F->round[i].unit = u[i]->name;
        F->round[i].distance = u[i]->d;
        F->round[i].units = units;
        F->round[i].qubits = units * u[i]->qubits;
        F->round[i].duration_ns = (double)u[i]->duration;
        needed = 15 * units;
    }
    F->nrounds = n;
    F->qubits = 0;
    F->duration_ns = 0;
    for (unsigned i = 0; i < n; i++) {
        if (F->round[i].qubits > F->qubits)
            F->qubits = F->round[i].qubits;
        F->duration_ns += F->round[i].duration_ns;
    }
    F->outputs = quantile(F->round[n - 1].units, qf[n - 1], req);
    F->output_error = eps[n];
    return F->outputs > 0;
}

static double volume(const ResFactory *F) { return (double)F->qubits * F->duration_ns / (double)F->outputs; }

typedef struct Search {
    const Code *k;
    double pt, target;
    double max_duration; /* a factory must not run longer (ns) */
    double max_cycles;   /* or: ⌈duration / cycle⌉ ≤ this, with cycle = cycle_ns */
    double cycle_ns;
    bool by_cycles;
    Unit *units[RES_MAX_ROUNDS + 1];
    unsigned nunits[RES_MAX_ROUNDS + 1];
    const Unit *pick[RES_MAX_ROUNDS];
    bool found;
    ResFactory best;
} Search;

/* Round i onwards, from input error eps: as the estimator does, the
 * output-error chain is checked before any unit counts are computed, and
 * in the last round a unit kind is not tried at larger distances once one
 * distance meets the target. */
static void search_rounds(Search *s, unsigned n, unsigned i, unsigned dmin, double eps)
{
    const Unit *list = s->units[i ? 1 : 0];
    bool met[2] = {false, false};
    for (unsigned j = 0; j < s->nunits[i ? 1 : 0]; j++) {
        const Unit *u = &list[j];
        int kind = strstr(u->name, "space") != NULL;
        double out = 35 * eps * eps * eps + 7.1 * u->c;
        if (u->d < dmin || out > eps || (i + 1 == n && met[kind]))
            continue;
        s->pick[i] = u;
        if (i + 1 < n) {
            search_rounds(s, n, i + 1, u->d, out);
            continue;
        }
        if (out > s->target)
            continue;
        met[kind] = true;
        ResFactory F;
        if (!build_factory(s->pick, n, s->pt, &F) || F.output_error > s->target)
            continue;
        if (s->by_cycles ? ceil(F.duration_ns / s->cycle_ns) > s->max_cycles : F.duration_ns > s->max_duration)
            continue;
        if (!s->found || volume(&F) < volume(&s->best)) {
            s->best = F;
            s->found = true;
        }
    }
}

/* The units a round may use: index 0 for the first round (physical, and
 * logical from d = 3), 1 for later rounds (logical from d = 1); only
 * units whose Clifford error is at most a tenth of the T error. */
static void make_units(Search *s, unsigned dmax)
{
    static const struct {
        const char *name;
        unsigned pq, pc, lq, lc; /* physical qubits, cycles; logical qubits, cycles */
    } tpl[2] = {{"15-to-1 RM prep", 31, 24, 31, 11}, {"15-to-1 space efficient", 12, 45, 20, 13}};
    const Code *k = s->k;
    for (int r = 0; r < 2; r++) {
        s->units[r] = xmalloc((2 + 2 * (size_t)(dmax + 1)) * sizeof(Unit));
        s->nunits[r] = 0;
        if (r == 0)
            for (int t = 0; t < 2; t++) {
                double c = clifford_error(k->m);
                if (c <= 0.1 * s->pt)
                    s->units[r][s->nunits[r]++] =
                        (Unit){tpl[t].name, 1, tpl[t].pq, (uint64_t)tpl[t].pc * (uint64_t)llround(k->m->t_meas_ns), c};
            }
        for (unsigned d = r == 0 ? 3 : 1; d <= dmax; d += 2)
            for (int t = 0; t < 2; t++) {
                double c = code_pl(k, d);
                if (c <= 0.1 * s->pt)
                    s->units[r][s->nunits[r]++] =
                        (Unit){tpl[t].name, d, tpl[t].lq * code_qubits(k, d), tpl[t].lc * code_cycle(k, d), c};
            }
    }
}

static bool find_factory(Search *s, unsigned dmax)
{
    s->found = false;
    if (s->target > s->pt) { /* no distillation needed: the estimator's trivial factory */
        ResFactory *F = &s->best;
        memset(F, 0, sizeof *F);
        F->nrounds = 1;
        F->round[0].unit = "trivial 1-to-1";
        F->round[0].distance = dmax;
        F->round[0].units = 1;
        F->qubits = F->round[0].qubits = code_qubits(s->k, dmax);
        F->duration_ns = F->round[0].duration_ns = (double)code_cycle(s->k, dmax);
        F->outputs = 1;
        F->output_error = code_pl(s->k, dmax);
        s->found = s->by_cycles ? ceil(F->duration_ns / s->cycle_ns) <= s->max_cycles
                                : F->duration_ns <= s->max_duration;
        return s->found;
    }
    make_units(s, dmax);
    for (unsigned n = 1; n <= 3; n++)
        search_rounds(s, n, 0, 1, s->pt);
    if (!s->found)
        search_rounds(s, 4, 0, 1, s->pt);
    free(s->units[0]);
    free(s->units[1]);
    return s->found;
}

/* ---- the estimate ---- */

void res_phys_init(ResPhysical *p)
{
    memset(p, 0, sizeof *p);
    mpz_inits(p->layout_qubits, p->logical_depth, p->cycles, p->tstates, p->factories, p->factory_runs,
              p->qubits_algorithm, p->qubits_factories, p->qubits, p->runtime_ns, NULL);
}

void res_phys_clear(ResPhysical *p)
{
    mpz_clears(p->layout_qubits, p->logical_depth, p->cycles, p->tstates, p->factories, p->factory_runs,
               p->qubits_algorithm, p->qubits_factories, p->qubits, p->runtime_ns, NULL);
}

static bool fail(char **err, const char *msg)
{
    if (err)
        *err = xstrdup(msg);
    return false;
}

/* ⌈a / b⌉ for positive integers. */
static void cdiv(mpz_t out, const mpz_t a, const mpz_t b) { mpz_cdiv_q(out, a, b); }

bool res_physical(const ResCounts *c, const ResPhysOptions *opt, ResPhysical *p, char **err)
{
    ResPhysOptions o = opt ? *opt : (ResPhysOptions){0};
    if (!o.qubit)
        o.qubit = &models[0];
    if (!o.budget)
        o.budget = 1e-3;
    if (!o.max_code_distance)
        o.max_code_distance = 50;
    p->qubit = o.qubit;
    p->qec = o.qec;
    if (o.qec == RES_FLOQUET_CODE && !o.qubit->majorana)
        return fail(err, "the Floquet code needs a Majorana qubit model");
    Code k = {o.qubit, o.qec, 0.03, 0.01, 0, o.max_code_distance};
    if (o.qubit->majorana)
        k.a = o.qec == RES_SURFACE_CODE ? 0.08 : 0.07, k.th = o.qec == RES_SURFACE_CODE ? 0.0015 : 0.01;
    k.p = fmax(clifford_error(o.qubit), readout_error(o.qubit));
    p->physical_error = k.p;
    if (clifford_error(o.qubit) >= k.th || k.p > k.th)
        return fail(err, "the qubit's error rate is above the code's threshold");

    bool has_t = mpz_sgn(c->t_count) || mpz_sgn(c->ccz) || mpz_sgn(c->rotations), has_r = mpz_sgn(c->rotations);
    if (o.budget_logical > 0)
        p->budget_logical = o.budget_logical, p->budget_tstates = o.budget_tstates,
        p->budget_rotations = o.budget_rotations;
    else if (has_r)
        p->budget_logical = p->budget_tstates = p->budget_rotations = o.budget / 3;
    else if (has_t)
        p->budget_logical = p->budget_tstates = o.budget / 2, p->budget_rotations = 0;
    else
        p->budget_logical = o.budget, p->budget_tstates = p->budget_rotations = 0;
    if (!(p->budget_logical > 0) || (has_t && !(p->budget_tstates > 0)) || (has_r && !(p->budget_rotations > 0)))
        return fail(err, "the error budget leaves no room for a part the circuit needs");

    p->ts_per_rotation = 0;
    if (has_r)
        p->ts_per_rotation =
            (uint64_t)ceil(0.53 * log2(mpz_get_d(c->rotations) / p->budget_rotations) + 4.86);
    uint64_t Q = c->qubits_peak;
    mpz_set_ui(p->layout_qubits, (unsigned long)(2 * Q + (uint64_t)ceil(sqrt(8.0 * (double)Q)) + 1));

    mpz_t t;
    mpz_init(t);
    /* C = M + R + T + 3·CCZ + n_R·D_R */
    mpz_add(p->logical_depth, c->measurements, c->rotations);
    mpz_add(p->logical_depth, p->logical_depth, c->t_count);
    mpz_addmul_ui(p->logical_depth, c->ccz, 3);
    mpz_addmul_ui(p->logical_depth, c->rotation_depth, (unsigned long)p->ts_per_rotation);
    /* N = 4·CCZ + T + n_R·R */
    mpz_mul_ui(p->tstates, c->ccz, 4);
    mpz_add(p->tstates, p->tstates, c->t_count);
    mpz_addmul_ui(p->tstates, c->rotations, (unsigned long)p->ts_per_rotation);
    if (!mpz_sgn(p->tstates) && !mpz_sgn(p->logical_depth)) {
        mpz_clear(t);
        return fail(err, "the circuit has no operations to estimate");
    }
    mpz_set(p->cycles, p->logical_depth);
    if (!mpz_sgn(p->cycles))
        mpz_set_ui(p->cycles, 1); /* the estimator divides by it */

    double Qp = mpz_get_d(p->layout_qubits);
    for (;;) {
        p->required_logical_error = p->budget_logical / (Qp * mpz_get_d(p->cycles));
        unsigned d = code_distance(&k, p->required_logical_error);
        if (d > k.max_d) {
            mpz_clear(t);
            return fail(err, "the required code distance is above the maximum; increase the error budget");
        }
        p->code_distance = d;
        p->cycle_ns = (double)code_cycle(&k, d);
        p->logical_error = code_pl(&k, d);
        p->has_factory = false;
        if (!mpz_sgn(p->tstates))
            break;
        p->required_tstate_error = p->budget_tstates / mpz_get_d(p->tstates);
        double max_cycles = floor(p->budget_logical / (Qp * p->logical_error));
        if (!isfinite(max_cycles) || max_cycles > 1e300) {
            mpz_clear(t);
            return fail(err, "the logical error rate is zero: no code distance to choose");
        }
        Search s = {.k = &k, .pt = o.qubit->e_t, .target = p->required_tstate_error,
                    .max_duration = mpz_get_d(p->cycles) * p->cycle_ns, .cycle_ns = p->cycle_ns};
        if (find_factory(&s, d)) {
            p->has_factory = true;
            p->factory = s.best;
            break;
        }
        s.by_cycles = true;
        s.max_cycles = max_cycles;
        if (find_factory(&s, d)) {
            p->has_factory = true;
            p->factory = s.best;
            mpz_set_d(p->cycles, ceil(s.best.duration_ns / p->cycle_ns));
            break;
        }
        mpz_set_d(p->cycles, max_cycles + 1);
    }

    uint64_t cyc = (uint64_t)p->cycle_ns;
    mpz_mul_ui(p->qubits_algorithm, p->layout_qubits, (unsigned long)code_qubits(&k, p->code_distance));
    mpz_set_ui(p->factories, 0);
    mpz_set_ui(p->factory_runs, 0);
    mpz_set_ui(p->qubits_factories, 0);
    if (p->has_factory) {
        /* a factory completes ⌊C·t_cycle / duration⌋ runs while the
         * algorithm runs: ⌈N / (runs · outputs)⌉ factories */
        mpz_t den;
        mpz_init(den);
        mpz_mul_ui(t, p->cycles, (unsigned long)cyc);
        mpz_fdiv_q_ui(den, t, (unsigned long)llround(p->factory.duration_ns));
        mpz_mul_ui(den, den, (unsigned long)p->factory.outputs);
        cdiv(p->factories, p->tstates, den);
        mpz_mul_ui(den, p->factories, (unsigned long)p->factory.outputs);
        cdiv(p->factory_runs, p->tstates, den);
        mpz_mul_ui(p->qubits_factories, p->factories, (unsigned long)p->factory.qubits);
        mpz_clear(den);
    }
    mpz_add(p->qubits, p->qubits_algorithm, p->qubits_factories);
    mpz_mul_ui(p->runtime_ns, p->cycles, (unsigned long)cyc);
    p->rqops = ceil(Qp * 1e9 / p->cycle_ns);
    mpz_clear(t);
    return true;
}
