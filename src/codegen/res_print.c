/* res_print.c — the human table and the JSON form of resource counts and
 * physical estimates (resources.h). Integers are printed exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"

static const char *const other_name[RES_NOTHER] = {"measure", "reset", "postselect"};

static const char *qec_name(ResQec q) { return q == RES_SURFACE_CODE ? "surface_code" : "floquet_code"; }

/* "12345678" with thin grouping for the table: 12,345,678. */
static void put_mpz(FILE *out, const mpz_t x)
{
    char *s = mpz_get_str(NULL, 10, x);
    size_t n = strlen(s), i = 0;
    if (s[0] == '-')
        fputc(s[i++], out);
    for (; i < n; i++) {
        fputc(s[i], out);
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            fputc(',', out);
    }
    free(s);
}

static void row(FILE *out, const char *label, const mpz_t x, const char *note)
{
    fprintf(out, "  %-22s ", label);
    put_mpz(out, x);
    if (note && *note)
        fprintf(out, "  %s", note);
    fputc('\n', out);
}

/* Seconds, minutes, … for a time in ns. */
static void put_time(FILE *out, double ns)
{
    static const struct {
        double scale;
        const char *unit;
    } u[] = {{3.15576e16, "years"}, {8.64e13, "days"}, {3.6e12, "hours"}, {6e10, "min"},
             {1e9, "s"},            {1e6, "ms"},       {1e3, "us"},       {1, "ns"}};
    for (size_t i = 0; i < sizeof u / sizeof *u; i++)
        if (ns >= u[i].scale || i + 1 == sizeof u / sizeof *u) {
            fprintf(out, "%.4g %s", ns / u[i].scale, u[i].unit);
            return;
        }
}

void res_print(const ResCounts *c, const ResPhysical *p, FILE *out)
{
    const char *bound = c->depth_exact ? "" : "(upper bound: hierarchical circuit)";
    fputs("logical resources (Microsoft Resource Estimator conventions)\n", out);
    fprintf(out, "  %-22s %u declared, %u with ancillas (%u ancillas)\n", "qubits", c->qubits, c->qubits_peak,
            c->ancillas);
    row(out, "T gates", c->t_count, "");
    row(out, "rotations", c->rotations, "");
    row(out, "CCZ (ccx)", c->ccz, "");
    row(out, "measurements", c->measurements, "");
    row(out, "Clifford gates", c->clifford, "(free)");
    row(out, "operations", c->total, "");
    row(out, "depth", c->depth, bound);
    row(out, "T-depth", c->t_depth, bound);
    row(out, "rotation depth", c->rotation_depth, bound);
    if (c->has_conditionals)
        fputs("  (gates under `if` counted as executed)\n", out);
    fputs("  by kind:", out);
    for (int g = 0; g < GATE_COUNT; g++)
        if (mpz_sgn(c->gate[g])) {
            fprintf(out, " %s ", gate_info[g].name);
            put_mpz(out, c->gate[g]);
        }
    for (int k = 0; k < RES_NOTHER; k++)
        if (mpz_sgn(c->other[k])) {
            fprintf(out, " %s ", other_name[k]);
            put_mpz(out, c->other[k]);
        }
    fputc('\n', out);
    if (!p)
        return;

    fprintf(out, "physical estimate (%s, %s, error budget %.3g)\n", p->qubit->name, qec_name(p->qec),
            p->budget_logical + p->budget_tstates + p->budget_rotations);
    fprintf(out, "  %-22s logical %.3g, T states %.3g, rotations %.3g\n", "error budget", p->budget_logical,
            p->budget_tstates, p->budget_rotations);
    row(out, "layout qubits", p->layout_qubits, "2Q + ceil(sqrt(8Q)) + 1");
    row(out, "logical depth", p->logical_depth, "M + R + T + 3 CCZ + n_R D_R");
    row(out, "logical cycles", p->cycles, "");
    row(out, "T states", p->tstates, "T + 4 CCZ + n_R R");
    if (p->ts_per_rotation)
        fprintf(out, "  %-22s %llu\n", "T states per rotation", (unsigned long long)p->ts_per_rotation);
    fprintf(out, "  %-22s %u\n", "code distance", p->code_distance);
    fprintf(out, "  %-22s %.4g ns\n", "logical cycle time", p->cycle_ns);
    fprintf(out, "  %-22s %.3g (required %.3g)\n", "logical error rate", p->logical_error,
            p->required_logical_error);
    if (p->has_factory) {
        const ResFactory *F = &p->factory;
        fprintf(out, "  %-22s %u round%s:", "T factory", F->nrounds, F->nrounds == 1 ? "" : "s");
        for (unsigned i = 0; i < F->nrounds; i++)
            fprintf(out, "%s %llu x %s (d=%u)", i ? ";" : "", (unsigned long long)F->round[i].units,
                    F->round[i].unit, F->round[i].distance);
        fputc('\n', out);
        fprintf(out, "  %-22s %llu qubits, ", "", (unsigned long long)F->qubits);
        put_time(out, F->duration_ns);
        fprintf(out, ", %llu T states per run, output error %.3g (required %.3g)\n",
                (unsigned long long)F->outputs, F->output_error, p->required_tstate_error);
        row(out, "T factories", p->factories, "");
        row(out, "factory runs", p->factory_runs, "");
    }
    row(out, "physical qubits", p->qubits, "");
    row(out, "  for the algorithm", p->qubits_algorithm, "");
    row(out, "  for T factories", p->qubits_factories, "");
    fprintf(out, "  %-22s ", "runtime");
    put_time(out, mpz_get_d(p->runtime_ns));
    fputc('\n', out);
    fprintf(out, "  %-22s %.6g\n", "rQOPS", p->rqops);
}

void res_json(const ResCounts *c, const ResPhysical *p, JsonWriter *w)
{
    json_object(w);
    json_key(w, "logical");
    json_object(w);
    json_key(w, "qubits");
    json_uint(w, c->qubits);
    json_key(w, "ancillas");
    json_uint(w, c->ancillas);
    json_key(w, "qubitsPeak");
    json_uint(w, c->qubits_peak);
    json_key(w, "tCount");
    json_mpz(w, c->t_count);
    json_key(w, "rotationCount");
    json_mpz(w, c->rotations);
    json_key(w, "cczCount");
    json_mpz(w, c->ccz);
    json_key(w, "measurementCount");
    json_mpz(w, c->measurements);
    json_key(w, "cliffordCount");
    json_mpz(w, c->clifford);
    json_key(w, "operations");
    json_mpz(w, c->total);
    json_key(w, "depth");
    json_mpz(w, c->depth);
    json_key(w, "tDepth");
    json_mpz(w, c->t_depth);
    json_key(w, "rotationDepth");
    json_mpz(w, c->rotation_depth);
    json_key(w, "depthExact");
    json_bool(w, c->depth_exact);
    json_key(w, "conditionalsCountedAsExecuted");
    json_bool(w, c->has_conditionals);
    json_key(w, "byKind");
    json_object(w);
    for (int g = 0; g < GATE_COUNT; g++)
        if (mpz_sgn(c->gate[g])) {
            json_key(w, gate_info[g].name);
            json_mpz(w, c->gate[g]);
        }
    for (int k = 0; k < RES_NOTHER; k++)
        if (mpz_sgn(c->other[k])) {
            json_key(w, other_name[k]);
            json_mpz(w, c->other[k]);
        }
    json_end(w);
    json_end(w);
    if (p) {
        json_key(w, "physical");
        json_object(w);
        json_key(w, "qubitModel");
        json_string(w, p->qubit->name);
        json_key(w, "qecScheme");
        json_string(w, qec_name(p->qec));
        json_key(w, "errorBudget");
        json_object(w);
        json_key(w, "logical");
        json_double(w, p->budget_logical);
        json_key(w, "tStates");
        json_double(w, p->budget_tstates);
        json_key(w, "rotations");
        json_double(w, p->budget_rotations);
        json_end(w);
        json_key(w, "layoutQubits");
        json_mpz(w, p->layout_qubits);
        json_key(w, "logicalDepth");
        json_mpz(w, p->logical_depth);
        json_key(w, "cycles");
        json_mpz(w, p->cycles);
        json_key(w, "tStates");
        json_mpz(w, p->tstates);
        json_key(w, "tStatesPerRotation");
        json_uint(w, p->ts_per_rotation);
        json_key(w, "codeDistance");
        json_uint(w, p->code_distance);
        json_key(w, "logicalCycleTimeNs");
        json_double(w, p->cycle_ns);
        json_key(w, "logicalErrorRate");
        json_double(w, p->logical_error);
        json_key(w, "requiredLogicalErrorRate");
        json_double(w, p->required_logical_error);
        if (p->has_factory) {
            const ResFactory *F = &p->factory;
            json_key(w, "requiredTStateErrorRate");
            json_double(w, p->required_tstate_error);
            json_key(w, "tFactory");
            json_object(w);
            json_key(w, "rounds");
            json_array(w);
            for (unsigned i = 0; i < F->nrounds; i++) {
                json_object(w);
                json_key(w, "unit");
                json_string(w, F->round[i].unit);
                json_key(w, "codeDistance");
                json_uint(w, F->round[i].distance);
                json_key(w, "units");
                json_uint(w, F->round[i].units);
                json_key(w, "physicalQubits");
                json_uint(w, F->round[i].qubits);
                json_key(w, "runtimeNs");
                json_double(w, F->round[i].duration_ns);
                json_end(w);
            }
            json_end(w);
            json_key(w, "physicalQubits");
            json_uint(w, F->qubits);
            json_key(w, "runtimeNs");
            json_double(w, F->duration_ns);
            json_key(w, "tStatesPerRun");
            json_uint(w, F->outputs);
            json_key(w, "outputErrorRate");
            json_double(w, F->output_error);
            json_end(w);
            json_key(w, "tFactories");
            json_mpz(w, p->factories);
            json_key(w, "factoryRuns");
            json_mpz(w, p->factory_runs);
        }
        json_key(w, "physicalQubits");
        json_mpz(w, p->qubits);
        json_key(w, "physicalQubitsAlgorithm");
        json_mpz(w, p->qubits_algorithm);
        json_key(w, "physicalQubitsFactories");
        json_mpz(w, p->qubits_factories);
        json_key(w, "runtimeNs");
        json_mpz(w, p->runtime_ns);
        json_key(w, "rqops");
        json_double(w, p->rqops);
        json_end(w);
    }
    json_end(w);
}
