/* cmd_estimate.c — `qgdc estimate`: fault-tolerant cost of a training
 * problem from the structured-encoding circuit generator (estimate.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/commands.h"
#include "frontend/sema.h"
#include "support/diag.h"
#include "ir/model.h"
#include "passes/carleman_be.h"
#include "passes/estimate.h"
#include "passes/estimate_tech.h"
#include "report/estimate.h"
#include "passes/estimate_sweep.h"
#include "report/sweep.h"
#include "support/json.h"
#include "support/plot.h"
#include "support/util.h"

static void usage_estimate(FILE *out)
{
    fputs("usage: qgdc estimate [options] FILE.qgd\n"
          "\n"
          "Counts the fault-tolerant cost of one training run of a gd or model problem:\n"
          "the solver circuit (right-hand side, phase estimation of the qubitized walk\n"
          "of the structured Carleman block encoding, filtered inversion) is generated\n"
          "and counted exactly (GMP integers) without being built where it is large:\n"
          "the data oracles carry their closed-form counts. Prints logical qubits by\n"
          "register, CCZ/T/rotations, walk steps and oracle queries, alpha, clock bits,\n"
          "the post-selection probabilities, tomography shots, totals over the training\n"
          "and the surface-code estimate (docs/estimate.md).\n"
          "\n"
          "A model problem gives the shape only (n, each F_l's sparsity, nonzeros and\n"
          "entry bound, or a Matrix Market file; see docs/language.md), so n can be\n"
          "10^9 or more: examples/resnet7m.qgd, examples/resnet103m.qgd. A gd problem\n"
          "is counted from the circuit built from its data (the circuit 'qgdc compile'\n"
          "writes with block_encoding = structured).\n"
          "\n"
          "options:\n"
          "  --problem NAME      the problem, when the file has several\n"
          "  --json              JSON instead of the table\n"
          "  -o, --output F      write to F (default: standard output)\n"
          "  --shape             gd problems: count from the statistics alone (oracles\n"
          "                      opaque, as for a model), not from the built circuit\n"
          "  --clock-bits P      phase-estimation clock bits (default: from alpha, kappa0, eps)\n"
          "  --angle-bits B      fixed-point angle bits of the data oracles (default: from eps)\n"
          "  --qubit MODEL       qubit model of the physical estimate, repeatable (default:\n"
          "                      qubit_gate_ns_e3, qubit_gate_ns_e4, qubit_maj_ns_e4)\n"
          "  --budget E          error budget of the physical estimate (default 1e-3)\n"
          "  --sweep V=A..B      a scaling table over V = n (decades from A to B) or\n"
          "                      V = T (doubling from A to B); other inputs held. A progress\n"
          "                      line is drawn on stderr only when it is a terminal\n"
          "  --plot F.svg        with --sweep: draw CCZ, queries and qubits against V, with\n"
          "                      the forms of Theorems 1 and 2 anchored at the first point\n"
          "  --compare           the waterfall: the paper's algorithm, then each technique\n"
          "                      added in turn, then the best, with the factor at each step\n"
          "                      (CCZ per call, calls per upload, whole training, qubits,\n"
          "                      runtime); with --plot F.svg, its chart\n"
          "  --error-measure M   the read-out's error: l2 (default; the paper's, up to its\n"
          "                      1-norm) or linf (each entry), of the normalised u(T)\n"
          TECHNIQUE_HELP
          "  -h, --help          this help\n",
          out);
}

enum { O_PROBLEM = 256, O_JSON, O_SHAPE, O_CLOCK, O_ANGLE, O_QUBIT, O_BUDGET, O_SWEEP, O_PLOT, O_COMPARE, O_MEASURE };

static bool parse_sweep(const char *s, char *var, double *a, double *b)
{
    if ((s[0] != 'n' && s[0] != 'T') || s[1] != '=')
        return false;
    *var = s[0];
    const char *dots = strstr(s + 2, "..");
    if (!dots)
        return false;
    char lo[64];
    size_t len = (size_t)(dots - (s + 2));
    if (len == 0 || len >= sizeof lo)
        return false;
    memcpy(lo, s + 2, len);
    lo[len] = 0;
    return arg_whole(lo, 1, 1e38, a) && arg_whole(dots + 2, 1, 1e38, b) && *a <= *b;
}

/* Is the paper's algorithm all the options ask for? Then the report is
 * the one qgdc has always printed. */
static bool paper_only(const Options *o)
{
    return o->algorithm == ALGORITHM_PAPER &&
           (!o->set[OPTION_amplify] || o->amplify == AMPLIFY_NONE) &&
           (!o->set[OPTION_data_loading] || o->data_loading == LOADING_UNARY) &&
           (!o->set[OPTION_readout] || o->readout == READOUT_SHADOWS) &&
           (!o->set[OPTION_solver] || o->solver == SOLVER_QPE);
}

static int write_report(const char *output, const Estimate *e, const TechReport *tr, bool compare, bool json)
{
    OutFile of;
    if (!out_open(&of, output))
        return 1;
    if (json) {
        JsonWriter w;
        json_init(&w, of.fp);
        if (compare)
            estimate_compare_json(e, tr, &w);
        else if (tr)
            estimate_json_tech(e, tr, &w);
        else
            estimate_json(e, &w);
        json_finish(&w);
    } else if (compare)
        estimate_compare_print(e, tr, of.fp);
    else if (tr)
        estimate_print_tech(e, tr, of.fp);
    else
        estimate_print(e, of.fp);
    return out_commit(&of) ? 0 : 1;
}

/* One estimate: the paper's circuit (unary look-ups) and, for the
 * techniques, the one with select-swap look-ups; the report of what the
 * options choose, or the waterfall (--compare). */
static int estimate_one(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo_in, bool compare,
                        bool linf, bool json, const char *output, const char *plot)
{
    char *err = NULL;
    EstimateOptions eo = *eo_in;
    Estimate eu, eq;
    bool have_q = false;
    int rc = 0;
    eo.qrom = SBE_QROM_UNARY;
    if (!estimate_build(mp, gp, &eo, &eu, &err)) {
        diag_error(mp->loc, "cannot estimate problem '%s': %s", mp->name, err);
        free(err);
        estimate_free(&eu);
        return 1;
    }
    if (paper_only(&mp->opt) && !compare && !linf) {
        rc = write_report(output, &eu, NULL, false, json);
        estimate_free(&eu);
        return rc;
    }
    /* select-swap look-ups, within the qubit budget when there is one */
    long long maxq = mp->opt.max_logical_qubits;
    bool qroam_wanted = !(mp->opt.set[OPTION_data_loading] && mp->opt.data_loading == LOADING_UNARY &&
                          !compare) &&
                        (maxq <= 0 || maxq > (long long)eu.run.qubits_peak);
    if (mp->opt.set[OPTION_data_loading] && mp->opt.data_loading == LOADING_QROAM) {
        /* asked for: as compile builds it */
        have_q = estimate_build_qroam_asked(mp, gp, &eo, &eu, 0, &eq, &err);
        if (!have_q) {
            diag_error(mp->loc, "cannot estimate problem '%s': %s", mp->name, err);
            free(err);
            estimate_free(&eq);
            estimate_free(&eu);
            return 1;
        }
    } else if (qroam_wanted) {
        have_q = estimate_build_qroam(mp, gp, &eo, &eu, maxq, &eq);
    }
    /* the QSVT solver on the same encodings, unless phase estimation is asked for */
    Estimate su, sq;
    bool have_su = false, have_sq = false;
    bool qsvt_asked = mp->opt.set[OPTION_solver] && mp->opt.solver == SOLVER_QSVT;
    if (!(mp->opt.set[OPTION_solver] && mp->opt.solver == SOLVER_QPE) || compare) {
        EstimateOptions so = eu.opt;
        so.qsvt = true;
        have_su = estimate_build(mp, gp, &so, &su, &err);
        if (have_su && have_q) {
            so = eq.opt;
            so.qsvt = true;
            have_sq = estimate_build(mp, gp, &so, &sq, &err);
            if (!have_sq)
                estimate_free(&sq);
        }
        if (!have_su || (have_q && !have_sq)) {
            if (!have_su)
                estimate_free(&su);
            if (qsvt_asked) {
                diag_error(mp->loc, "cannot estimate problem '%s' with solver = qsvt: %s", mp->name, err);
                free(err);
                if (have_su)
                    estimate_free(&su);
                if (have_q)
                    estimate_free(&eq);
                estimate_free(&eu);
                return 1;
            }
            free(err);
            err = NULL;
        }
    }
    TechReport tr;
    if (!tech_report(mp, &eu, have_q ? &eq : NULL, have_su ? &su : NULL, have_sq ? &sq : NULL, linf, &tr, &err)) {
        diag_error(mp->loc, "cannot estimate problem '%s': %s", mp->name, err);
        free(err);
        rc = 1;
    } else {
        bool qroam = tr.chosen.loading == LOADING_QROAM;
        const Estimate *e = tr.chosen.solver == SOLVER_QSVT ? (qroam && have_sq ? &sq : &su)
                                                            : (qroam && have_q ? &eq : &eu);
        rc = write_report(output, compare ? &eu : e, &tr, compare, json);
        if (rc == 0 && compare && plot && !estimate_compare_plot(&eu, &tr, plot)) {
            fprintf(stderr, "qgdc estimate: cannot write '%s'\n", plot);
            rc = 1;
        }
    }
    tech_report_free(&tr);
    if (have_sq)
        estimate_free(&sq);
    if (have_su)
        estimate_free(&su);
    if (have_q)
        estimate_free(&eq);
    estimate_free(&eu);
    return rc;
}

int cmd_estimate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"problem", required_argument, NULL, O_PROBLEM}, {"json", no_argument, NULL, O_JSON},
        {"shape", no_argument, NULL, O_SHAPE},           {"clock-bits", required_argument, NULL, O_CLOCK},
        {"angle-bits", required_argument, NULL, O_ANGLE}, {"qubit", required_argument, NULL, O_QUBIT},
        {"budget", required_argument, NULL, O_BUDGET},   {"sweep", required_argument, NULL, O_SWEEP},
        {"plot", required_argument, NULL, O_PLOT},       {"output", required_argument, NULL, 'o'},
        {"compare", no_argument, NULL, O_COMPARE},       {"error-measure", required_argument, NULL, O_MEASURE},
        TECHNIQUE_LONGOPTS,
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0},
    };
    const char *problem = NULL, *output = "-", *plot = NULL;
    bool json = false, shape = false, compare = false, linf = false;
    TechniqueArgs tech;
    technique_args_init(&tech);
    EstimateOptions eo;
    memset(&eo, 0, sizeof eo);
    eo.count_walk = true;
    int nmodels = 0;
    char svar = 0;
    double sa = 0, sb = 0, v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int tr = technique_option("estimate", c, optarg, &tech);
        if (tr == 0)
            continue;
        if (tr == 2)
            return 2;
        switch (c) {
        case O_COMPARE: compare = true; break;
        case O_MEASURE:
            if (strcmp(optarg, "l2") && strcmp(optarg, "linf")) {
                fprintf(stderr, "qgdc estimate: --error-measure takes l2 or linf, not '%s'\n", optarg);
                return 2;
            }
            linf = !strcmp(optarg, "linf");
            break;
        case O_PROBLEM: problem = optarg; break;
        case O_JSON: json = true; break;
        case O_SHAPE: shape = true; break;
        case 'o': output = optarg; break;
        case O_PLOT: plot = optarg; break;
        case O_CLOCK:
            if (!arg_whole(optarg, 1, EST_MAX_CLOCK, &v)) {
                fprintf(stderr, "qgdc estimate: --clock-bits takes an integer from 1 to %d\n", EST_MAX_CLOCK);
                return 2;
            }
            eo.clock_bits = (unsigned)v;
            break;
        case O_ANGLE:
            if (!arg_whole(optarg, 1, SBE_MAX_BITS, &v)) {
                fprintf(stderr, "qgdc estimate: --angle-bits takes an integer from 1 to %d\n", SBE_MAX_BITS);
                return 2;
            }
            eo.bits = (unsigned)v;
            break;
        case O_QUBIT:
            if (!res_qubit_model(optarg)) {
                fprintf(stderr, "qgdc estimate: unknown qubit model '%s' (see qgdc count --help)\n", optarg);
                return 2;
            }
            if (nmodels == EST_MAX_MODELS - 1) {
                fprintf(stderr, "qgdc estimate: at most %d qubit models\n", EST_MAX_MODELS - 1);
                return 2;
            }
            eo.models[nmodels++] = optarg;
            break;
        case O_BUDGET:
            if (!arg_number(optarg, 1e-15, 0.5, &eo.budget)) {
                fprintf(stderr, "qgdc estimate: --budget takes a number in (0, 0.5]\n");
                return 2;
            }
            break;
        case O_SWEEP:
            if (!parse_sweep(optarg, &svar, &sa, &sb)) {
                fprintf(stderr, "qgdc estimate: --sweep takes n=A..B or T=A..B with whole numbers 1 <= A <= B "
                                "(e.g. n=1e3..1e9)\n");
                return 2;
            }
            break;
        case 'h': usage_estimate(stdout); return 0;
        default: usage_estimate(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc estimate: expected one input file\n");
        usage_estimate(stderr);
        return 2;
    }
    if (plot && !svar && !compare) {
        fprintf(stderr, "qgdc estimate: --plot needs --sweep or --compare\n");
        return 2;
    }
    if (compare && svar) {
        fprintf(stderr, "qgdc estimate: --compare and --sweep do not go together\n");
        return 2;
    }
    const char *path = argv[optind];
    ProblemSet ps;
    SrcFile *src;
    if (!load_qgd(path, &ps, &src))
        return 1;
    technique_args_apply_all(&tech, &ps);
    int rc = 0;
    ProblemRef pick;
    int found = problem_select(&ps, problem, PROBLEM_BIT(PROBLEM_GD) | PROBLEM_BIT(PROBLEM_MODEL), &pick, 1);
    const GdProblem *gp = found == 1 && pick.kind == PROBLEM_GD ? pick.gd : NULL;
    const ModelProblem *mp = found == 1 && pick.kind == PROBLEM_MODEL ? pick.model : NULL;
    ModelProblem own;
    bool have_own = false;
    char *err = NULL;
    if (found == 0) {
        if (problem)
            fprintf(stderr, "qgdc estimate: no gd or model problem named '%s' in %s\n", problem, path);
        else
            fprintf(stderr, "qgdc estimate: %s has no gd or model problem%s\n", path,
                    ps.nntk ? " (ntk problems are not estimated; use qgdc compile for their circuits)" : "");
        rc = 2;
        goto out;
    }
    if (found > 1) {
        fprintf(stderr, "qgdc estimate: the file has %d problems; choose one with --problem NAME\n", found);
        rc = 2;
        goto out;
    }
    if (gp) {
        if (gp->opt.carleman_form != FORM_PAPER && gp->opt.set[OPTION_carleman_form])
            fprintf(stderr, "qgdc estimate: note: problem '%s' asks for the exact Carleman form; the structured "
                            "encoding implements the paper form (C = I + A)\n",
                    gp->name);
        if (!cbe_model_of(gp, &own, &err)) {
            diag_error(gp->loc, "cannot estimate problem '%s': %s", gp->name, err);
            free(err);
            model_free(&own);
            rc = 1;
            goto out;
        }
        have_own = true;
        mp = &own;
        eo.explicit_build = !shape && !svar;
    }

    OutFile of;
    if (!svar) {
        rc = estimate_one(mp, gp, &eo, compare, linf, json, output, plot);
        goto out;
    }

    /* sweep: a progress line only on a terminal, never into a log */
    Sweep sw = {0};
    if (!estimate_sweep(mp, svar, sa, sb, &eo, isatty(2), &sw, &err)) {
        diag_error(mp->loc, "cannot estimate problem '%s' %s", mp->name, err);
        free(err);
        rc = 1;
    }
    if (rc == 0) {
        if (!out_open(&of, output)) {
            rc = 1;
        } else {
            if (json) {
                JsonWriter w;
                json_init(&w, of.fp);
                report_sweep_json(&sw, &w);
                json_finish(&w);
            } else
                report_sweep(&sw, of.fp);
            if (!out_commit(&of)) {
                rc = 1;
            }
        }
    }
    if (rc == 0 && plot && !report_sweep_plot(&sw, mp->name, plot))
        rc = 1;
    sweep_free(&sw);
out:
    if (have_own)
        model_free(&own);
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}
