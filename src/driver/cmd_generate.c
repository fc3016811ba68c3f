/* cmd_generate.c — `qgdc generate`: writes the random quadratic test
 * problems of Liu et al. 2024, supplement III.C (Fig. 4) as a .qgd file.
 *
 * For each fraction f: Hessian eigenvalues, a fraction f from U(0, 1)
 * (dissipative) and the rest from U(−0.01, 0) (divergent), in a random
 * orthogonal basis Q (Haar: QR of a Gaussian matrix with the signs of R's
 * diagonal fixed): F_1 = −Q diag(λ) Qᵀ. F_2 entries from U(−0.015, 0.015),
 * F_0 = 0. The map is u ← u + F_1 u + F_2 (u ⊗ u), written as an explicit
 * update map with the matrices inline, so the file stands alone. One seed
 * gives Q, F_2 and u_in for every fraction: the problems differ only in
 * their spectra. */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver/commands.h"
#include "support/diag.h"
#include "support/util.h"

static void usage(FILE *out)
{
    fputs("usage: qgdc generate [options] -o FILE.qgd\n"
          "\n"
          "Writes random quadratic gradient-descent problems as in Liu et al. 2024,\n"
          "supplement III.C (Fig. 4): F_1 = -Q diag(lambda) Q^T with a fraction f of\n"
          "Hessian eigenvalues lambda from U(0,1) and the rest from U(-0.01,0), Q a\n"
          "random orthogonal matrix, F_2 entries from U(-0.015,0.015), F_0 = 0.\n"
          "One problem per fraction, all sharing Q, F_2 and the initial point.\n"
          "\n"
          "options:\n"
          "  --n N            parameters (default 6)\n"
          "  --fractions F,.. fractions f of dissipative eigenvalues (default 1)\n"
          "  --steps T        steps (default 100)\n"
          "  --order N        carleman_order written into the file (default 4)\n"
          "  --u0 A           initial values from U(-A, A) (default 0.5)\n"
          "  --seed S         random seed (default 1)\n"
          "  -o, --output F   the .qgd file to write (default: standard output)\n"
          "  -h, --help       this help\n",
          out);
}

/* Haar-random orthogonal n × n matrix, row-major, into q. */
static bool random_orthogonal(gsl_rng *r, int n, double *q)
{
    double *tau = xmalloc((size_t)n * sizeof *tau);
    for (int i = 0; i < n * n; i++)
        q[i] = gsl_ran_gaussian(r, 1.0);
    bool ok = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, n, n, q, n, tau) == 0;
    double *d = xmalloc((size_t)n * sizeof *d);
    for (int i = 0; i < n; i++)
        d[i] = q[i * n + i] < 0 ? -1.0 : 1.0; /* sign of R's diagonal */
    ok = ok && LAPACKE_dorgqr(LAPACK_ROW_MAJOR, n, n, n, q, n, tau) == 0;
    for (int i = 0; i < n && ok; i++)
        for (int j = 0; j < n; j++)
            q[i * n + j] *= d[j];
    free(d);
    free(tau);
    return ok;
}

int cmd_generate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"n", required_argument, NULL, 'n'},     {"fractions", required_argument, NULL, 'f'},
        {"steps", required_argument, NULL, 'T'}, {"order", required_argument, NULL, 'N'},
        {"u0", required_argument, NULL, 'u'},    {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    double n = 6, T = 100, N = 4, u0 = 0.5, seed = 1;
    const char *fracs = "1", *output = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'n': ok = arg_number(optarg, 1, 64, &n) && n == floor(n); break;
        case 'f': fracs = optarg; break;
        case 'T': ok = arg_number(optarg, 1, 1e6, &T) && T == floor(T); break;
        case 'N': ok = arg_number(optarg, 1, 64, &N) && N == floor(N); break;
        case 'u': ok = arg_number(optarg, 0, 1e3, &u0); break;
        case 's': ok = arg_number(optarg, 0, 4294967295.0, &seed) && seed == floor(seed); break;
        case 'o': output = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (!ok) {
            fprintf(stderr, "qgdc generate: bad value '%s' for --%s\n", optarg, longopts[c == 'n' ? 0 : c == 'T' ? 2 : c == 'N' ? 3 : c == 'u' ? 4 : 5].name);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    double f[32];
    int nf = 0;
    for (const char *p = fracs; *p && nf < 32;) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v >= 0 && v <= 1)) {
            fprintf(stderr, "qgdc generate: --fractions takes numbers in [0, 1] separated by commas\n");
            return 2;
        }
        f[nf++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') {
            fprintf(stderr, "qgdc generate: --fractions takes numbers in [0, 1] separated by commas\n");
            return 2;
        }
    }
    int dim = (int)n;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, (unsigned long)seed);
    double *q = xmalloc((size_t)dim * dim * sizeof *q);
    if (!random_orthogonal(r, dim, q)) {
        diag_plain("LAPACK failed to orthogonalise the random basis");
        gsl_rng_free(r);
        free(q);
        return 1;
    }
    double *f2 = xmalloc((size_t)dim * dim * dim * sizeof *f2);
    for (int i = 0; i < dim * dim * dim; i++)
        f2[i] = gsl_ran_flat(r, -0.015, 0.015);
    double *uin = xmalloc((size_t)dim * sizeof *uin);
    for (int i = 0; i < dim; i++)
        uin[i] = gsl_ran_flat(r, -u0, u0);
    /* one eigenvalue draw per slot, shared across fractions: slot k is
     * dissipative in problem f when k < round(f·n) */
    double *pos = xmalloc((size_t)dim * sizeof *pos), *neg = xmalloc((size_t)dim * sizeof *neg);
    for (int i = 0; i < dim; i++) {
        pos[i] = gsl_ran_flat(r, 0, 1);
        neg[i] = gsl_ran_flat(r, -0.01, 0);
    }
    gsl_rng_free(r);
    OutFile o;
    if (!out_open(&o, output)) {
        free(q), free(f2), free(uin), free(pos), free(neg);
        return 1;
    }
    FILE *out = o.fp;
    char b1[40];
    fprintf(out, "# Random quadratic gradient-descent problems (Liu et al. 2024, supplement III.C,\n"
                 "# Fig. 4), written by: qgdc generate --n %d --fractions %s --steps %d --order %d --u0 %g --seed %.0f\n"
                 "# F_1 = -Q diag(lambda) Q^T, F_2 ~ U(-0.015, 0.015), F_0 = 0; Q, F_2 and u_in shared.\n\n",
            dim, fracs, (int)T, (int)N, u0, seed);
    fprintf(out, "const n = %d;\n", dim);
    fputs("const F2[n, n*n] = [\n", out);
    for (int i = 0; i < dim; i++) {
        fputs("    [", out);
        for (int k = 0; k < dim * dim; k++)
            fprintf(out, "%s%s", k ? ", " : "", fmt_double(f2[i * dim * dim + k], b1, sizeof b1));
        fprintf(out, "]%s\n", i + 1 < dim ? "," : "");
    }
    fputs("];\n", out);
    fputs("const u0[n] = [", out);
    for (int i = 0; i < dim; i++)
        fprintf(out, "%s%s", i ? ", " : "", fmt_double(uin[i], b1, sizeof b1));
    fputs("];\n", out);
    double *f1 = xmalloc((size_t)dim * dim * sizeof *f1);
    for (int p = 0; p < nf; p++) {
        int kpos = (int)lround(f[p] * dim);
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++) {
                double s = 0;
                for (int k = 0; k < dim; k++)
                    s += q[i * dim + k] * (k < kpos ? pos[k] : neg[k]) * q[j * dim + k];
                f1[i * dim + j] = -s;
            }
        fprintf(out, "\n# f = %g: %d of %d Hessian eigenvalues positive (dissipative)\n", f[p], kpos, dim);
        fprintf(out, "const F1_%d[n, n] = [\n", p);
        for (int i = 0; i < dim; i++) {
            fputs("    [", out);
            for (int j = 0; j < dim; j++)
                fprintf(out, "%s%s", j ? ", " : "", fmt_double(f1[i * dim + j], b1, sizeof b1));
            fprintf(out, "]%s\n", i + 1 < dim ? "," : "");
        }
        fputs("];\n", out);
        fprintf(out, "gd f%03.0f {\n    param u[n] = [u0[i] for i in 0..n-1];\n    T = %d;\n", f[p] * 100, (int)T);
        fprintf(out, "    for i in 0..n-1 {\n"
                     "        update u[i] = u[i] + sum(j in 0..n-1) F1_%d[i, j]*u[j]\n"
                     "                    + sum(j in 0..n-1) sum(k in 0..n-1) F2[i, j*n + k]*u[j]*u[k];\n"
                     "    }\n",
                p);
        fprintf(out, "    options { carleman_order = %d; carleman_form = exact; }\n}\n", (int)N);
    }
    free(f1);
    free(q), free(f2), free(uin), free(pos), free(neg);
    if (!out_commit(&o)) {
        return 1;
    }
    return 0;
}
