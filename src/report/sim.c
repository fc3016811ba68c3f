/* report/sim.c — see sim.h. */
#include "report/sim.h"

#include <stdlib.h>

#include "support/util.h"

/* OpenQASM notation: c[n-1] ... c[0]; buf holds n + 1 bytes. */
static void bits_text(size_t v, uint32_t n, char *buf)
{
    for (uint32_t i = 0; i < n; i++)
        buf[i] = (char)('0' + (v >> (n - 1 - i) & 1));
    buf[n] = 0;
}

void report_sim_json(uint32_t nqubits, const SimDistribution *d, const SimRunResult *res, JsonWriter *w)
{
    uint32_t nb = d->nbits;
    size_t nvals = (size_t)1 << nb;
    char *buf = xmalloc(nb + 1);
    json_object(w);
    json_key(w, "qubits");
    json_uint(w, nqubits);
    json_key(w, "bits");
    json_uint(w, nb);
    json_key(w, "bit_order");
    json_string(w, "c[n-1]...c[0]");
    json_key(w, "mode");
    json_string(w, d->exact ? "exact distribution, terminal measurements" : "one run per shot");
    json_key(w, "postselections");
    json_array_compact(w);
    for (size_t i = 0; i < res->npost; i++)
        json_double(w, res->post_prob[i]);
    json_end(w);
    json_key(w, "postselection_probability");
    json_double(w, res->npost ? res->post_product : 1.0);
    if (d->exact) {
        json_key(w, "probabilities");
        json_object(w);
        for (size_t v = 0; v < nvals; v++)
            if (d->prob[v] > 0) {
                bits_text(v, nb, buf);
                json_key(w, buf);
                json_double(w, d->prob[v]);
            }
        json_end(w);
    }
    json_key(w, "shots");
    json_uint(w, (unsigned long long)d->shots);
    json_key(w, "seed");
    json_uint(w, (unsigned long long)d->seed);
    json_key(w, "counts");
    json_object(w);
    for (size_t v = 0; v < nvals; v++)
        if (d->counts[v]) {
            bits_text(v, nb, buf);
            json_key(w, buf);
            json_uint(w, d->counts[v]);
        }
    json_end(w);
    json_end(w);
    free(buf);
}

void report_sim(const char *path, uint32_t nqubits, const SimDistribution *d, const SimRunResult *res,
                const StateVec *state, FILE *fp)
{
    uint32_t nb = d->nbits;
    size_t nvals = (size_t)1 << nb;
    int width = nb > 4 ? (int)nb : 4;
    char *buf = xmalloc(nb + 1);
    fprintf(fp, "%s: %u qubits, %u bits, %s\n", path, nqubits, nb,
            d->exact ? "terminal measurements: exact distribution" : "mid-circuit measurements: one run per shot");
    for (size_t i = 0; i < res->npost; i++)
        fprintf(fp, "post-selection %zu kept with probability %.6g\n", i + 1, res->post_prob[i]);
    if (res->npost)
        fprintf(fp, "all post-selections together: %.6g\n", res->post_product);
    fprintf(fp, "\n  %-*s  %12s  %10s\n", width, "bits", d->exact ? "probability" : "", "shots");
    for (size_t v = 0; v < nvals; v++) {
        if (!(d->prob[v] > 1e-12) && !d->counts[v])
            continue;
        bits_text(v, nb, buf);
        if (d->exact)
            fprintf(fp, "  %-*s  %12.6g  %10llu\n", width, buf, d->prob[v], (unsigned long long)d->counts[v]);
        else
            fprintf(fp, "  %-*s  %12s  %10llu\n", width, buf, "", (unsigned long long)d->counts[v]);
    }
    if (state) {
        fputs("\nfinal state (amplitudes above 1e-12):\n", fp);
        sim_dump_amplitudes(state, fp, 1e-12);
    }
    free(buf);
}
