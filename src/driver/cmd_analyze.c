/* cmd_analyze.c — `qgdc analyze`: is this problem in the regime where the
 * algorithm works? Pipeline: front end ─► problem IR ─► analyze_problem
 * (Carleman for N = 1..N_max, references, spectrum, unrolled system).
 * With --spectrum: the paper's error proxy from an exported Hessian
 * spectrum, and the download/re-upload interval it implies. */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/commands.h"
#include "frontend/sema.h"
#include "passes/analyze.h"
#include "report/analyze.h"
#include "passes/ntk_analyze.h"
#include "report/ntk.h"
#include "passes/proxy.h"
#include "support/diag.h"
#include "support/json.h"
#include "support/plot.h"
#include "support/util.h"

static void usage(FILE *out)
{
    fputs("usage: qgdc analyze [options] FILE.qgd\n"
          "       qgdc analyze --spectrum EIGS.txt [--eta E] [--cut C] [--threshold X] [--tmax T]\n"
          "\n"
          "For each gd problem: the Carleman truncation error against the true\n"
          "gradient-descent iteration for N = 1..N_max; the eigenvalues of the\n"
          "Carleman matrix C with the dissipative count Delta+ (|1+a| < 1), Delta-,\n"
          "the fidelity estimate Delta+/Delta (eq. II.93) and the error proxy (eq. 7);\n"
          "||M|| and kappa(M) of the unrolled system against the bound 2(T+1), the\n"
          "filtered solution's fidelity; and a verdict: fully dissipative, almost\n"
          "dissipative (with the T up to which the estimate holds), or not.\n"
          "For each ntk problem: the NTK matrix K (eq. 5), its sparse and diagonal\n"
          "approximations, their kappa against the Gershgorin and paper bounds, the\n"
          "inverse errors and the test accuracy of each predictor (docs/ntk.md).\n"
          "\n"
          "options:\n"
          "  --order N        Carleman order (default: the file's carleman_order)\n"
          "  --max-order N    study the truncation error for orders 1..N (default: --order)\n"
          "  --form F         exact | paper (default: the file's carleman_form)\n"
          "  --kappa0 K       filter cut-off for the unrolled system (default 2(T+1))\n"
          "  --cut C          error proxy: drop modes with |a| < C (default 0 here, 0.4 with --spectrum)\n"
          "  --json           JSON for scripts (with the true and Carleman trajectories)\n"
          "  --plot DIR       write SVG plots into DIR (error vs t, eigenvalues, proxy;\n"
          "                   with several problems also compare_error.svg)\n"
          "  -o, --output F   write the report to F (atomically)\n"
          "  -h, --help       this help\n"
          "\n"
          "--spectrum FILE reads Hessian eigenvalues (one per line, or 'value count',\n"
          "or 'lo hi count' histogram bins), sets a = -eta*lambda, and prints the\n"
          "error proxy E(t) = mean over |a| >= cut of |1+a|^t (eq. 7-8) for t = 0..tmax\n"
          "and the first t where E(t) > threshold: the download/re-upload interval.\n"
          "  --eta E (default 1)  --cut C (default 0.4)  --threshold X (default 1)\n"
          "  --tmax T (default 200)\n",
          out);
}

static int bad_value(const char *opt, const char *v)
{
    fprintf(stderr, "qgdc analyze: bad value '%s' for %s\n", v, opt);
    return 2;
}

static bool ensure_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return true;
    diag_plain("cannot create directory '%s': %s", dir, strerror(errno));
    return false;
}

typedef struct SpectrumArgs {
    double eta, cut, threshold;
    int tmax;
} SpectrumArgs;

static int run_spectrum(const char *path, const SpectrumArgs *sa, bool json, const char *plot_dir, const char *output)
{
    Spectrum s;
    if (!spectrum_load(path, &s))
        return 1;
    double *e = xmalloc((size_t)(sa->tmax + 1) * sizeof *e);
    ProxyParams pp = {sa->eta, sa->cut, sa->threshold};
    ProxyStats st;
    if (!proxy_curve(&s, &pp, sa->tmax, e, &st)) {
        diag_plain("no eigenvalue of '%s' has |a| = |eta*lambda| >= %g; lower --cut", path, sa->cut);
        free(e);
        spectrum_free(&s);
        return 1;
    }
    int at = proxy_first_exceed(e, sa->tmax, sa->threshold);
    OutFile o;
    if (!out_open(&o, output)) {
        free(e);
        spectrum_free(&s);
        return 1;
    }
    if (json) {
        JsonWriter w;
        json_init(&w, o.fp);
        json_object(&w);
        json_key(&w, "spectrum");
        json_string(&w, path);
        json_key(&w, "eigenvalues");
        json_double(&w, st.total_weight);
        json_key(&w, "kept");
        json_double(&w, st.kept_weight);
        json_key(&w, "dissipative");
        json_double(&w, st.dissipative);
        json_key(&w, "divergent");
        json_double(&w, st.divergent);
        json_key(&w, "max_growth");
        json_double(&w, st.max_growth);
        json_key(&w, "eta");
        json_double(&w, sa->eta);
        json_key(&w, "cut");
        json_double(&w, sa->cut);
        json_key(&w, "threshold");
        json_double(&w, sa->threshold);
        json_key(&w, "proxy");
        json_array_compact(&w);
        for (int t = 0; t <= sa->tmax; t++)
            json_double(&w, e[t]);
        json_end(&w);
        json_key(&w, "reupload_interval");
        if (at > 0)
            json_int(&w, at);
        else
            json_null(&w);
        json_end(&w);
        json_finish(&w);
    } else {
        fprintf(o.fp, "spectrum %s\n", path);
        fprintf(o.fp, "  eigenvalues (weight)        %g\n", st.total_weight);
        fprintf(o.fp, "  kept, |a| >= %-14g %g\n", sa->cut, st.kept_weight);
        fprintf(o.fp, "  dissipative |1+a| < 1       %g\n", st.dissipative);
        fprintf(o.fp, "  divergent   |1+a| > 1       %g\n", st.divergent);
        fprintf(o.fp, "  largest |1+a|               %.6g\n", st.max_growth);
        fprintf(o.fp, "\n       t   error proxy E(t)\n");
        int step = sa->tmax <= 20 ? 1 : (sa->tmax + 19) / 20;
        for (int t = 0; t <= sa->tmax; t += step)
            fprintf(o.fp, "  %6d   %.6g\n", t, e[t]);
        if (at > 0)
            fprintf(o.fp, "\n  E(t) first exceeds %g at t = %d: download and re-upload every %d steps\n", sa->threshold,
                    at, at - 1 > 0 ? at - 1 : 1);
        else
            fprintf(o.fp, "\n  E(t) stays at or below %g up to t = %d\n", sa->threshold, sa->tmax);
    }
    bool ok = out_commit(&o);
    if (ok && plot_dir && ensure_dir(plot_dir)) {
        double *ts = xmalloc((size_t)(sa->tmax + 1) * sizeof *ts);
        for (int t = 0; t <= sa->tmax; t++)
            ts[t] = t;
        PlotSeries se = {"E(t)", ts, e, (size_t)sa->tmax + 1, false};
        StrBuf p = {0};
        sb_printf(&p, "%s/spectrum_proxy.svg", plot_dir);
        Plot pl = {"error proxy from the Hessian spectrum (eq. 7-8)", "step t", "E(t)", false, true, &se, 1,
                   sa->threshold, "threshold", 0, 0};
        ok = plot_lines_svg(p.s, &pl);
        if (ok)
            fprintf(stderr, "wrote %s\n", p.s);
        else
        sb_free(&p);
        free(ts);
    }
    free(e);
    spectrum_free(&s);
    return ok ? 0 : 1;
}

int cmd_analyze(int argc, char **argv)
{
    enum { O_ORDER = 256, O_MAXORDER, O_FORM, O_KAPPA0, O_CUT, O_JSON, O_PLOT, O_SPECTRUM, O_ETA, O_THRESH, O_TMAX };
    static const struct option longopts[] = {
        {"order", required_argument, NULL, O_ORDER},   {"max-order", required_argument, NULL, O_MAXORDER},
        {"form", required_argument, NULL, O_FORM},     {"kappa0", required_argument, NULL, O_KAPPA0},
        {"cut", required_argument, NULL, O_CUT},       {"json", no_argument, NULL, O_JSON},
        {"plot", required_argument, NULL, O_PLOT},     {"spectrum", required_argument, NULL, O_SPECTRUM},
        {"eta", required_argument, NULL, O_ETA},       {"threshold", required_argument, NULL, O_THRESH},
        {"tmax", required_argument, NULL, O_TMAX},     {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    AnalyzeOptions ao = {.N = 0, .N_max = 0, .form = -1, .kappa0 = 0, .cut = 0};
    SpectrumArgs sa = {1.0, 0.4, 1.0, 200};
    bool json = false, cut_given = false;
    const char *plot_dir = NULL, *spectrum = NULL, *output = "-";
    int c;
    double v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case O_ORDER:
        case O_MAXORDER:
            if (!arg_whole(optarg, -DBL_MAX, DBL_MAX, &v) || v < 1 || v > 64)
                return bad_value(c == O_ORDER ? "--order" : "--max-order", optarg);
            *(c == O_ORDER ? &ao.N : &ao.N_max) = (int)v;
            break;
        case O_FORM:
            if (!strcmp(optarg, "exact"))
                ao.form = FORM_EXACT;
            else if (!strcmp(optarg, "paper"))
                ao.form = FORM_PAPER;
            else
                return bad_value("--form (exact or paper)", optarg);
            break;
        case O_KAPPA0:
            if (!arg_number(optarg, -DBL_MAX, DBL_MAX, &ao.kappa0) || !(ao.kappa0 > 1))
                return bad_value("--kappa0 (must be > 1)", optarg);
            break;
        case O_CUT:
            if (!arg_number(optarg, -DBL_MAX, DBL_MAX, &v) || v < 0)
                return bad_value("--cut", optarg);
            ao.cut = sa.cut = v;
            cut_given = true;
            break;
        case O_ETA:
            if (!arg_number(optarg, -DBL_MAX, DBL_MAX, &sa.eta) || !(sa.eta > 0))
                return bad_value("--eta (must be > 0)", optarg);
            break;
        case O_THRESH:
            if (!arg_number(optarg, -DBL_MAX, DBL_MAX, &sa.threshold) || !(sa.threshold > 0))
                return bad_value("--threshold (must be > 0)", optarg);
            break;
        case O_TMAX:
            if (!arg_whole(optarg, -DBL_MAX, DBL_MAX, &v) || v < 1 || v > 1e7)
                return bad_value("--tmax (1..10000000)", optarg);
            sa.tmax = (int)v;
            break;
        case O_JSON: json = true; break;
        case O_PLOT: plot_dir = optarg; break;
        case O_SPECTRUM: spectrum = optarg; break;
        case 'o': output = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    (void)cut_given;
    if (spectrum) {
        if (optind != argc) {
            fprintf(stderr, "qgdc analyze: --spectrum takes no .qgd file\n");
            return 2;
        }
        return run_spectrum(spectrum, &sa, json, plot_dir, output);
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc analyze: expected one input file\n");
        usage(stderr);
        return 2;
    }
    if (ao.N_max && ao.N && ao.N_max < ao.N)
        ao.N_max = ao.N;
    const char *path = argv[optind];
    ProblemSet ps;
    SrcFile *src;
    if (!load_qgd(path, &ps, &src))
        return 1;
    if (plot_dir && !ensure_dir(plot_dir)) {
        problem_set_free(&ps);
        srcfile_free(src);
        return 1;
    }
    if (ps.nmodel > 0 && ps.ngd + ps.nntk == 0) {
        fprintf(stderr, "qgdc analyze: the file holds only size-only model problems; they are estimated (qgdc "
                        "estimate), not analysed\n");
        problem_set_free(&ps);
        srcfile_free(src);
        return 2;
    }
    if (ps.nmodel > 0)
        fprintf(stderr, "qgdc analyze: note: %d size-only model problem%s skipped (use qgdc estimate)\n", ps.nmodel,
                ps.nmodel == 1 ? "" : "s");
    Analysis *an = xcalloc((size_t)(ps.ngd ? ps.ngd : 1), sizeof *an);
    int rc = 0, done = 0;
    for (int i = 0; i < ps.ngd; i++) {
        char *err = NULL;
        if (!analyze_problem(ps.gd[i], &ao, &an[i], &err)) {
            diag_error(ps.gd[i]->loc, "cannot analyse problem '%s': %s", ps.gd[i]->name, err);
            free(err);
            rc = 1;
            break;
        }
        done++;
        if (isatty(2) && ps.ngd > 1)
            fprintf(stderr, "\ranalysed %d of %d problems", done, ps.ngd);
    }
    if (isatty(2) && ps.ngd > 1)
        fputc('\n', stderr);
    /* ntk problems: kernel conditioning and accuracy (passes/ntk_analyze.h) */
    NtkReport *nr = xcalloc((size_t)(ps.nntk ? ps.nntk : 1), sizeof *nr);
    int ndone = 0;
    for (int i = 0; i < ps.nntk && rc == 0; i++, ndone++) {
        char *err = NULL;
        if (!ntk_analyze(ps.ntk[i], &nr[i], &err)) {
            diag_error(ps.ntk[i]->loc, "cannot analyse problem '%s': %s", ps.ntk[i]->name, err);
            free(err);
            rc = 1;
        }
    }
    if (rc == 0) {
        OutFile o;
        if (!out_open(&o, output)) {
            rc = 1;
        } else {
            if (json) {
                JsonWriter w;
                json_init(&w, o.fp);
                json_object(&w);
                json_key(&w, "problems");
                json_array(&w);
                for (int i = 0; i < done; i++)
                    analysis_json(&an[i], &w);
                for (int i = 0; i < ndone; i++)
                    ntk_report_json(&nr[i], &w);
                json_end(&w);
                json_end(&w);
                json_finish(&w);
            } else {
                for (int i = 0; i < done; i++) {
                    if (i)
                        fputc('\n', o.fp);
                    analysis_print(&an[i], o.fp);
                }
                for (int i = 0; i < ndone; i++) {
                    if (i || done)
                        fputc('\n', o.fp);
                    ntk_report_print(&nr[i], o.fp);
                }
            }
            if (!out_commit(&o)) {
                rc = 1;
            }
        }
        for (int i = 0; i < done && plot_dir && rc == 0; i++)
            if (!analysis_plots(&an[i], plot_dir, stderr)) {
                diag_plain("cannot write plots into '%s'", plot_dir);
                rc = 1;
            }
        if (plot_dir && rc == 0 && done > 1 && !analysis_compare_plot(an, done, plot_dir, stderr)) {
            diag_plain("cannot write plots into '%s'", plot_dir);
            rc = 1;
        }
        for (int i = 0; i < ndone && plot_dir && rc == 0; i++)
            if (!ntk_report_plots(&nr[i], plot_dir, stderr) || (i == ndone - 1 && !ntk_compare_plots(nr, ndone, plot_dir, stderr))) {
                diag_plain("cannot write plots into '%s'", plot_dir);
                rc = 1;
            }
    }
    for (int i = 0; i < ndone; i++)
        ntk_report_free(&nr[i]);
    free(nr);
    for (int i = 0; i < done; i++)
        analysis_free(&an[i]);
    free(an);
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}
