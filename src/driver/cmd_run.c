/* cmd_run.c — qgdc run FILE.qgd: the compile pipeline of each problem,
 * then the simulation, the read-out of u(T) and the error budget stage by
 * stage (passes/qrun.h, passes/ntk_quantum.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/qasm_emit.h"
#include "codegen/resources.h"
#include "driver/commands.h"
#include "frontend/sema.h"
#include "ir/model.h"
#include "passes/carleman.h"
#include "passes/carleman_be.h"
#include "passes/estimate.h"
#include "passes/ntk_quantum.h"
#include "passes/qrun.h"
#include "passes/unroll.h"
#include "pipeline/compile.h"
#include "support/diag.h"
#include "support/json.h"
#include "support/util.h"
#include "driver/pipe_args.h"

/* ---- run ---- */

static void usage_run(FILE *out)
{
    fputs("usage: qgdc run [options] FILE.qgd\n"
          "\n"
          "Compiles each gradient-descent problem into its quantum linear-solver\n"
          "circuit, simulates it, reads u(T) out with shots (magnitudes from\n"
          "computational-basis frequencies, signs from interference circuits, the\n"
          "scale from the known time block 0) and checks it against the classical\n"
          "computation, printing the error budget stage by stage: Carleman\n"
          "truncation, eigenvalue filtering, phase estimation, shot noise, and the\n"
          "end-to-end error against the true gradient-descent u(T); the success\n"
          "probability of every post-selection; the circuit's resources.\n"
          "\n"
          "options:\n"
          "  --segment K       download/re-upload: train in segments of K steps, reading u\n"
          "                    out after each and re-uploading it (Liu et al. Fig. 2)\n"
          "  --shots N         read-out shots for the magnitudes, and again per parameter\n"
          "                    for the signs (default: the file's, else 10000)\n"
          "  --seed S          sampling seed (default: the file's, else 1)\n"
          "  --kappa0 K        filter cut-off, lambda_min = ||M||/K (default: the file's, else 2(T+1))\n"
          "  --clock-bits P    phase-estimation clock qubits (default: from alpha, lambda_min and\n"
          "                    the precision)\n"
          "  --precision E     target precision (default: the file's, else 0.01)\n"
          "  --problem NAME    run only this problem\n"
          "  --max-qubits Q    simulate circuits of at most Q qubits (default 26)\n"
          "  --tests K         ntk problems: run the first K test points (default: all)\n"
          "  --json            JSON for scripts\n"
          "  -o, --output F    write the report to F (atomically)\n"
          "  --dump-after=PASS write the IR after PASS of the pipeline run simulates (a\n"
          "                    structured problem takes the Pauli encoding) instead of\n"
          "                    running; --dump-after=list lists the passes\n"
          "  -h, --help        this help\n"
          "\n"
          "For an ntk problem: for each test point, the circuit that solves K~|v> ~ |k*>\n"
          "and reads sign <y|v> with a Hadamard test (Zlokapa et al., Algorithm 1), its\n"
          "prediction against the classical sparse-NTK and exact-NTK ones, and the\n"
          "measurement counts (post-selection, sign).\n"
          "\n"
          "Exit status: 0 when every read-out u(T) is within its printed budget and every\n"
          "quantum NTK prediction equals the classical sparse-NTK one, 3 when not, 1 on\n"
          "errors, 2 on usage errors.\n",
          out);
}

static void print_run(const QRun *r, FILE *fp)
{
    report_header(r, fp);
    fprintf(fp, "  verdict           %s\n", r->verdict);
    if (r->err_by_t) {
        fprintf(fp, "  truncation by t  ");
        uint64_t step = r->T > 8 ? (r->T + 7) / 8 : 1;
        for (uint64_t t = 0; t <= r->T; t += step)
            fprintf(fp, " t=%llu: %.2g", (unsigned long long)t, r->err_by_t[t]);
        if (r->T % step)
            fprintf(fp, " t=%llu: %.2g", (unsigned long long)r->T, r->err_by_t[r->T]);
        fprintf(fp, "%s\n", r->diverges ? "   (not fully dissipative: see the verdict)" : "");
    }
    fprintf(fp, "\n  error budget      max_i |difference| in u(T)\n");
    fprintf(fp, "    %-26s %-11s %s\n", "stage", "error", "measured against");
    fprintf(fp, "    %-26s %-11.3e u_C(T), Carleman iteration, vs true u(T)\n", "Carleman truncation", r->err_trunc);
    fprintf(fp, "    %-26s %-11.3e u(x~) vs u_C(T); fidelity |<x~,x>| = %.6f (estimate Delta+/Delta = %.4f)\n",
            "eigenvalue filtering", r->err_filter, r->fid_filter, r->fid_estimate);
    fprintf(fp, "    %-26s %-11.3e u(x_q) vs u(x~); fidelity |<x_q,x~>| = %.6f (%u clock bits)\n",
            "phase estimation", r->err_qpe, r->fid_qpe, r->qs.p);
    fprintf(fp, "    %-26s %-11.3e read-out vs u(x_q); 3-sigma bound %.3e\n", "shot noise", r->err_shot,
            r->shot_bound);
    fprintf(fp, "    %-26s %-11.3e the three stages + the 3-sigma shot bound\n", "budget", r->budget);
    fprintf(fp, "    %-26s %-11.3e read-out u(T) vs true u(T): %s\n", "end to end", r->err_total,
            r->err_total <= r->budget ? "within the budget" : "OUTSIDE the budget");
    fprintf(fp, "    fidelity of the simulated state with the unfiltered solution x: %.6f\n", r->fid_total);
    fprintf(fp, "\n    %-8s %-13s %-13s %-13s %-13s %-13s %s\n", "", "true", "Carleman", "filtered", "state",
            "read-out", "sigma");
    for (uint32_t i = 0; i < r->n; i++)
        fprintf(fp, "    %s[%u]%*s % -13.6g % -13.6g % -13.6g % -13.6g % -13.6g %.2g\n", r->p->param, i,
                (int)(6 - strlen(r->p->param) - (i >= 10 ? 2 : 1)), "", r->u_true[i], r->u_carleman[i],
                r->u_filtered[i], r->u_state[i], r->ro.u[i], r->ro.sigma[i]);
    fprintf(fp, "\n  post-selection    probability\n");
    for (int g = 0; g < QR_NPOST; g++)
        if (g != QR_POST_DIL || r->qs.dil.dilated)
            fprintf(fp, "    %-24s %.6g\n", qrun_post_names[g], r->post[g]);
    fprintf(fp, "    %-24s %.6g   (about %.0f repetitions of the circuit per kept run)\n", "all",
            r->post_product, r->post_product > 0 ? ceil(1 / r->post_product) : INFINITY);
    fprintf(fp, "\n  read-out          %llu shots for magnitudes (%llu in block 0) + %llu for signs = %llu; "
                "paper's bound m^2 r^3/eps^2 = %.3g\n",
            (unsigned long long)r->ro.shots_magnitude, (unsigned long long)r->ro.count0,
            (unsigned long long)r->ro.shots_sign, (unsigned long long)r->ro.shots_total, r->ro.tomography_bound);
    if (r->ro.wrong_risk)
        fprintf(fp, "    %u sign test%s not decided at 3 sigma\n", r->ro.wrong_risk, r->ro.wrong_risk == 1 ? "" : "s");
    fprintf(fp, "  simulation        %d qubits, imaginary residue %.2g, %.2f s (classical %.2f s, build %.2f s, "
                "read-out %.2f s)\n",
            r->sim_qubits, r->imag_residual, r->t_sim, r->t_classical, r->t_build, r->t_readout);
    fprintf(fp, "\n");
    res_print(&r->res, NULL, fp);
}

static void json_vec(JsonWriter *w, const char *key, const double *v, size_t n)
{
    json_key(w, key);
    json_array_compact(w);
    for (size_t i = 0; i < n; i++)
        json_double(w, v[i]);
    json_end(w);
}

static void json_run(const QRun *r, JsonWriter *w)
{
    json_object(w);
    json_solver(r, w);
    json_key(w, "verdict"), json_string(w, r->verdict);
    if (r->err_by_t)
        json_vec(w, "truncation_error_by_t", r->err_by_t, (size_t)r->T + 1);
    json_key(w, "budget");
    json_object(w);
    json_key(w, "truncation"), json_double(w, r->err_trunc);
    json_key(w, "filtering"), json_double(w, r->err_filter);
    json_key(w, "qpe"), json_double(w, r->err_qpe);
    json_key(w, "shot_noise"), json_double(w, r->err_shot);
    json_key(w, "shot_bound_3sigma"), json_double(w, r->shot_bound);
    json_key(w, "budget"), json_double(w, r->budget);
    json_key(w, "end_to_end"), json_double(w, r->err_total);
    json_key(w, "within_budget"), json_bool(w, r->err_total <= r->budget);
    json_end(w);
    json_key(w, "fidelity");
    json_object(w);
    json_key(w, "filtered_vs_exact"), json_double(w, r->fid_filter);
    json_key(w, "paper_estimate"), json_double(w, r->fid_estimate);
    json_key(w, "state_vs_filtered"), json_double(w, r->fid_qpe);
    json_key(w, "state_vs_exact"), json_double(w, r->fid_total);
    json_end(w);
    json_key(w, "u");
    json_object(w);
    json_vec(w, "true", r->u_true, r->n);
    json_vec(w, "carleman", r->u_carleman, r->n);
    json_vec(w, "filtered", r->u_filtered, r->n);
    json_vec(w, "state", r->u_state, r->n);
    json_vec(w, "readout", r->ro.u, r->n);
    json_vec(w, "sigma", r->ro.sigma, r->n);
    json_end(w);
    json_key(w, "postselection");
    json_object(w);
    json_key(w, "anc"), json_double(w, r->post[QR_POST_ANC]);
    json_key(w, "flag"), json_double(w, r->post[QR_POST_FLAG]);
    json_key(w, "idx"), json_double(w, r->post[QR_POST_IDX]);
    json_key(w, "clock"), json_double(w, r->post[QR_POST_CLOCK]);
    if (r->qs.dil.dilated)
        json_key(w, "dilation"), json_double(w, r->post[QR_POST_DIL]);
    json_key(w, "all"), json_double(w, r->post_product);
    json_end(w);
    json_key(w, "shots");
    json_object(w);
    json_key(w, "magnitude"), json_uint(w, r->ro.shots_magnitude);
    json_key(w, "sign"), json_uint(w, r->ro.shots_sign);
    json_key(w, "total"), json_uint(w, r->ro.shots_total);
    json_key(w, "block0"), json_uint(w, r->ro.count0);
    json_key(w, "paper_bound"), json_double(w, r->ro.tomography_bound);
    json_end(w);
    json_key(w, "seconds");
    json_object(w);
    json_key(w, "classical"), json_double(w, r->t_classical);
    json_key(w, "build"), json_double(w, r->t_build);
    json_key(w, "simulation"), json_double(w, r->t_sim);
    json_key(w, "readout"), json_double(w, r->t_readout);
    json_end(w);
    json_key(w, "resources");
    res_json(&r->res, NULL, w);
    json_end(w);
}

static void print_segments(const GdProblem *p, const QRunSegments *s, FILE *fp)
{
    fprintf(fp, "problem %s: T = %llu in %llu segments of %llu steps (download/re-upload)\n", p->name,
            (unsigned long long)p->T, (unsigned long long)s->count, (unsigned long long)s->k);
    fprintf(fp, "    %-10s %-14s %-16s %-12s %-8s %s\n", "steps", "error vs GD", "segment's own", "fidelity",
            "qubits", "shots");
    for (uint64_t g = 0; g < s->count; g++) {
        char st[32];
        snprintf(st, sizeof st, "%llu..%llu", (unsigned long long)s->seg[g].t0, (unsigned long long)s->seg[g].t1);
        fprintf(fp, "    %-10s %-14.3e %-16.3e %-12.6f %-8d %llu\n", st, s->seg[g].err_vs_true, s->seg[g].err_segment,
                s->seg[g].fid_qpe, s->seg[g].qubits, (unsigned long long)s->seg[g].shots);
    }
    fprintf(fp, "  final u(T): read-out vs true gradient descent: max error %.3e, %llu shots in all\n",
            s->u_err_final, (unsigned long long)s->shots_total);
    for (uint32_t i = 0; i < p->n; i++)
        fprintf(fp, "    %s[%u]  true % .6g  read-out % .6g\n", p->param, i, s->u_true_final[i], s->u_final[i]);
}

static void json_segments(const GdProblem *p, const QRunSegments *s, JsonWriter *w)
{
    json_object(w);
    json_key(w, "problem"), json_string(w, p->name);
    json_key(w, "segment"), json_uint(w, s->k);
    json_key(w, "segments");
    json_array(w);
    for (uint64_t g = 0; g < s->count; g++) {
        json_object(w);
        json_key(w, "t0"), json_uint(w, s->seg[g].t0);
        json_key(w, "t1"), json_uint(w, s->seg[g].t1);
        json_key(w, "error_vs_true"), json_double(w, s->seg[g].err_vs_true);
        json_key(w, "error_segment"), json_double(w, s->seg[g].err_segment);
        json_key(w, "fidelity_qpe"), json_double(w, s->seg[g].fid_qpe);
        json_key(w, "qubits"), json_int(w, s->seg[g].qubits);
        json_key(w, "shots"), json_uint(w, s->seg[g].shots);
        json_end(w);
    }
    json_end(w);
    json_vec(w, "u_true", s->u_true_final, p->n);
    json_vec(w, "u_readout", s->u_final, p->n);
    json_key(w, "error"), json_double(w, s->u_err_final);
    json_key(w, "shots"), json_uint(w, s->shots_total);
    json_end(w);
}

/* ---- NTK problems ---- */

static void print_ntk(const NtkQRun *r, FILE *fp)
{
    const QSolve *q = &r->qs;
    fprintf(fp, "problem %s (ntk): n = %u training points, %u test points run, kernel %s, L = %u\n", r->p->name, r->n,
            r->ntests, ntk_kernel_name(r->p->kernel), r->p->L);
    fprintf(fp, "  solver            K~ %zu x %zu (symmetric: no dilation), kappa(K~) = %.4g, kappa0 = %.4g, "
                "lambda_min = %.4g\n",
            q->dil.n, q->dil.n, r->kappa_Kt, q->kappa0, q->lambda_min);
    fprintf(fp, "  block encoding    %zu Pauli terms on %u index qubits, alpha = %.6g; %u clock bits\n", q->be.nterms,
            q->m, q->alpha, q->p);
    fprintf(fp, "  qubits            %u: sys %u, idx %u, clock %u, anc 1, flag 1, Hadamard-test qubit 1\n",
            q->c.nqubits, q->s, q->m, q->p);
    fprintf(fp, "\n    %-5s %-6s %-7s %-7s %-8s %-11s %-11s %-9s %-9s %-10s %s\n", "test", "label", "exact", "sparse",
            "quantum", "P0-P1", "predicted", "1/P(k*)", "1/Pkept", "sign shots", "shots 0/1");
    for (uint32_t k = 0; k < r->ntests; k++) {
        const NtkQTest *t = &r->test[k];
        fprintf(fp, "    %-5u %+-6d %+-7d %+-7d %+-8d % -11.4g % -11.4g %-9.3g %-9.3g %-10.3g %llu/%llu\n", k, t->label,
                t->pred_exact, t->pred_sparse, t->pred_quantum, t->diff, t->diff_predicted, 1 / t->P_amp,
                t->p_kept > 0 ? 1 / t->p_kept : INFINITY, t->sign_shots, (unsigned long long)t->count0,
                (unsigned long long)t->count1);
    }
    fprintf(fp, "\n  quantum predictions (exact outcome probabilities) equal the classical sparse-NTK ones on %u of %u "
                "test points; the exact-NTK ones on %u of %u\n",
            r->agree_sparse, r->ntests, r->agree_exact, r->ntests);
    fprintf(fp, "  from %llu shots each: %u of %u equal the sparse-NTK predictions, %u of %u equal the true labels\n",
            (unsigned long long)r->shots, r->agree_shots, r->ntests, r->correct, r->ntests);
    fprintf(fp, "  1/P(k*) is the amplitude encoding's post-selection cost of Lemma III.4 (qgdc prepares |k*> exactly);\n"
                "  1/Pkept the solver's repetitions; sign shots = 9/(P0-P1)^2 resolves the sign at 3 sigma.\n");
    fprintf(fp, "  %.2f s\n\n", r->seconds);
    res_print(&r->res, NULL, fp);
}

static void json_ntk(const NtkQRun *r, JsonWriter *w)
{
    json_object(w);
    json_key(w, "problem"), json_string(w, r->p->name);
    json_key(w, "kind"), json_string(w, "ntk");
    json_key(w, "n"), json_uint(w, r->n);
    json_key(w, "kappa_Kt"), json_double(w, r->kappa_Kt);
    json_key(w, "kappa0"), json_double(w, r->qs.kappa0);
    json_key(w, "alpha"), json_double(w, r->qs.alpha);
    json_key(w, "clock_bits"), json_uint(w, r->qs.p);
    json_key(w, "qubits"), json_uint(w, r->qs.c.nqubits);
    json_key(w, "tests");
    json_array(w);
    for (uint32_t k = 0; k < r->ntests; k++) {
        const NtkQTest *t = &r->test[k];
        json_object(w);
        json_key(w, "label"), json_int(w, t->label);
        json_key(w, "exact"), json_int(w, t->pred_exact);
        json_key(w, "sparse"), json_int(w, t->pred_sparse);
        json_key(w, "quantum"), json_int(w, t->pred_quantum);
        json_key(w, "shots_prediction"), json_int(w, t->pred_shots);
        json_key(w, "diff"), json_double(w, t->diff);
        json_key(w, "diff_predicted"), json_double(w, t->diff_predicted);
        json_key(w, "overlap"), json_double(w, t->overlap);
        json_key(w, "p_kept"), json_double(w, t->p_kept);
        json_key(w, "P_amplitude_encoding"), json_double(w, t->P_amp);
        json_key(w, "sign_shots"), json_double(w, t->sign_shots);
        json_end(w);
    }
    json_end(w);
    json_key(w, "agree_sparse"), json_uint(w, r->agree_sparse);
    json_key(w, "agree_exact"), json_uint(w, r->agree_exact);
    json_key(w, "agree_shots"), json_uint(w, r->agree_shots);
    json_key(w, "correct"), json_uint(w, r->correct);
    json_key(w, "resources");
    res_json(&r->res, NULL, w);
    json_end(w);
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"kappa0", required_argument, NULL, O_KAPPA0}, {"clock-bits", required_argument, NULL, O_CLOCK},
        {"precision", required_argument, NULL, O_PRECISION}, {"problem", required_argument, NULL, O_PROBLEM},
        {"json", no_argument, NULL, O_JSON}, {"shots", required_argument, NULL, O_SHOTS},
        {"seed", required_argument, NULL, O_SEED}, {"segment", required_argument, NULL, O_SEGMENT},
        {"max-qubits", required_argument, NULL, O_MAXQ}, {"tests", required_argument, NULL, O_TESTS},
        {"output", required_argument, NULL, 'o'}, {"dump-after", required_argument, NULL, O_DUMPAFTER},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    PipeArgs a;
    memset(&a, 0, sizeof a);
    a.output = "-";
    DumpAfter dump = {.pass = -1};
    uint64_t segment = 0;
    uint32_t max_tests = 0;
    int c, k_gd = 0;
    double v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int r = pipe_option("run", c, &a);
        if (r == 2)
            return 2;
        if (r == 0)
            continue;
        switch (c) {
        case O_SHOTS:
            if (!arg_whole(optarg, 1, 1e12, &v)) {
                fprintf(stderr, "qgdc run: --shots takes an integer in 1..1e12\n");
                return 2;
            }
            a.q.shots = (uint64_t)v;
            break;
        case O_SEED:
            if (!arg_whole(optarg, 0, 4294967295.0, &v)) {
                fprintf(stderr, "qgdc run: --seed takes an integer in 0..4294967295\n");
                return 2;
            }
            a.q.seed = (unsigned long)v;
            a.q.seed_set = true;
            break;
        case O_TESTS:
            if (!arg_whole(optarg, 1, 4294967295.0, &v)) {
                fprintf(stderr, "qgdc run: --tests takes a positive integer\n");
                return 2;
            }
            max_tests = (uint32_t)v;
            break;
        case O_MAXQ:
            if (!arg_whole(optarg, 1, 40, &v)) {
                fprintf(stderr, "qgdc run: --max-qubits takes an integer in 1..40\n");
                return 2;
            }
            a.q.max_qubits = (unsigned)v;
            break;
        case O_SEGMENT:
            if (!arg_whole(optarg, 1, 1e15, &v)) {
                fprintf(stderr, "qgdc run: --segment takes a positive integer\n");
                return 2;
            }
            segment = (uint64_t)v;
            break;
        case 'h': usage_run(stdout); return 0;
        case O_DUMPAFTER:
            if (!strcmp(optarg, "list")) {
                print_pass_list(stdout);
                return 0;
            }
            dump.pass = pass_lookup(optarg);
            if (dump.pass < 0) {
                fprintf(stderr, "qgdc run: --dump-after: no pass '%s' (--dump-after=list names them)\n", optarg);
                return 2;
            }
            break;
        default: usage_run(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc run: expected one input file\n");
        usage_run(stderr);
        return 2;
    }
    const char *path = argv[optind];
    ProblemSet ps;
    SrcFile *src;
    if (!load_qgd(path, &ps, &src))
        return 1;
    a.q.simulate = true;
    int *sel = xmalloc((size_t)(ps.ngd ? ps.ngd : 1) * sizeof *sel);
    int *nsel = xmalloc((size_t)(ps.nntk ? ps.nntk : 1) * sizeof *nsel);
    int kall = select_problems("run", &ps, a.problem, sel, &k_gd, nsel), k = k_gd, kn = kall - k_gd;
    int rc = kall ? 0 : 2;
    if (dump.pass >= 0 && kall) {
        /* the IR after a pass of the pipeline run simulates, not the simulation */
        if (kall > 1) {
            fprintf(stderr, "qgdc run: --dump-after takes one problem: the file has %d; choose one with --problem "
                            "NAME\n", kall);
            rc = 2;
        } else {
            CompileOptions co = {.kappa0 = a.q.kappa0, .clock_bits = a.q.clock_bits, .precision = a.q.precision,
                                 .for_run = true, .dump = &dump};
            rc = compile_dump(k ? ps.gd[sel[0]] : NULL, k ? NULL : ps.ntk[nsel[0]], &co, &dump, a.output);
        }
        free(sel);
        free(nsel);
        problem_set_free(&ps);
        srcfile_free(src);
        return rc;
    }
    QRun *runs = xcalloc((size_t)(k ? k : 1), sizeof *runs);
    QRunSegments *segs = xcalloc((size_t)(k ? k : 1), sizeof *segs);
    NtkQRun *nruns = xcalloc((size_t)(kn ? kn : 1), sizeof *nruns);
    int done = 0, ndone = 0;
    for (int i = 0; i < k; i++) {
        GdProblem *p = ps.gd[sel[i]];
        char *err = NULL;
        if (isatty(2))
            fprintf(stderr, "running %s ...\n", p->name);
        if (p->opt.block_encoding == BE_STRUCTURED)
            fprintf(stderr, "qgdc run: note: problem '%s' asks for the structured encoding, which 'compile' and "
                            "'estimate' build; its circuit has too many qubits for a dense state, so 'run' simulates "
                            "the same solve with the Pauli encoding (the structured solver circuit is simulated end to "
                            "end on a sparse state in the unit tests)\n",
                    p->name);
        bool ok = segment && segment < p->T ? qrun_gd_segments(p, segment, &a.q, &segs[i], &err)
                                            : qrun_gd(p, &a.q, &runs[i], &err);
        if (!ok) {
            diag_error(p->loc, "cannot run problem '%s': %s", p->name, err);
            free(err);
            rc = 1;
            break;
        }
        done++;
    }
    for (int i = 0; i < kn && rc == 0; i++) {
        NtkProblem *p = ps.ntk[nsel[i]];
        char *err = NULL;
        if (isatty(2))
            fprintf(stderr, "running %s ...\n", p->name);
        NtkQOptions no = {.kappa0 = a.q.kappa0, .clock_bits = a.q.clock_bits, .precision = a.q.precision,
                          .shots = a.q.shots, .seed = a.q.seed, .seed_set = a.q.seed_set, .max_tests = max_tests,
                          .max_qubits = a.q.max_qubits, .simulate = true};
        if (!ntk_qrun(p, &no, &nruns[i], &err)) {
            diag_error(p->loc, "cannot run problem '%s': %s", p->name, err);
            free(err);
            rc = 1;
            break;
        }
        ndone++;
    }
    if (rc == 0) {
        OutFile o;
        if (!out_open(&o, a.output)) {
            rc = 1;
        } else {
            JsonWriter w;
            if (a.json) {
                json_init(&w, o.fp);
                json_object(&w);
                json_key(&w, "problems");
                json_array(&w);
            }
            for (int i = 0; i < done; i++) {
                const GdProblem *p = ps.gd[sel[i]];
                bool seg = segs[i].seg != NULL;
                if (a.json)
                    seg ? json_segments(p, &segs[i], &w) : json_run(&runs[i], &w);
                else {
                    if (i)
                        fputc('\n', o.fp);
                    seg ? print_segments(p, &segs[i], o.fp) : print_run(&runs[i], o.fp);
                }
                if (!seg && !(runs[i].err_total <= runs[i].budget))
                    rc = 3;
            }
            for (int i = 0; i < ndone; i++) {
                if (a.json)
                    json_ntk(&nruns[i], &w);
                else {
                    if (i || done)
                        fputc('\n', o.fp);
                    print_ntk(&nruns[i], o.fp);
                }
                if (nruns[i].agree_sparse != nruns[i].ntests)
                    rc = 3;
            }
            if (a.json) {
                json_end(&w);
                json_end(&w);
                json_finish(&w);
            }
            if (!out_commit(&o)) {
                rc = 1;
            }
        }
    }
    for (int i = 0; i < k; i++) {
        qrun_free(&runs[i]);
        qrun_segments_free(&segs[i]);
    }
    for (int i = 0; i < kn; i++)
        ntk_qrun_free(&nruns[i]);
    free(runs);
    free(segs);
    free(nruns);
    free(sel);
    free(nsel);
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}
