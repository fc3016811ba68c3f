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
#include "report/run.h"

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
          TECHNIQUE_HELP
          "                    (run: amplify exact uses the simulated P; with best, exact\n"
          "                    where it costs fewer solves per kept run; docs/techniques.md)\n"
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

/* The report of every problem run, text or JSON; the exit status: 0, 1 on
 * a write error, 3 when a result misses its error budget. */
static int write_results(const PipeArgs *a, const ProblemRef *sel, int done, const QRun *runs,
                         const QRunSegments *segs, int ndone, const NtkQRun *nruns)
{
    int rc = 0;
    OutFile o;
    if (!out_open(&o, a->output)) {
        rc = 1;
    } else {
        JsonWriter w;
        if (a->json) {
            json_init(&w, o.fp);
            json_object(&w);
            json_key(&w, "problems");
            json_array(&w);
        }
        for (int i = 0; i < done; i++) {
            const GdProblem *p = sel[i].gd;
            bool seg = segs[i].seg != NULL;
            if (a->json)
                seg ? report_segments_json(p, &segs[i], &w) : report_run_json(&runs[i], &w);
            else {
                if (i)
                    fputc('\n', o.fp);
                seg ? report_segments(p, &segs[i], o.fp) : report_run(&runs[i], o.fp);
            }
            if (!seg && !(runs[i].err_total <= runs[i].budget))
                rc = 3;
        }
        for (int i = 0; i < ndone; i++) {
            if (a->json)
                report_ntk_json(&nruns[i], &w);
            else {
                if (i || done)
                    fputc('\n', o.fp);
                report_ntk(&nruns[i], o.fp);
            }
            if (nruns[i].agree_sparse != nruns[i].ntests)
                rc = 3;
        }
        if (a->json) {
            json_end(&w);
            json_end(&w);
            json_finish(&w);
        }
        if (!out_commit(&o)) {
            rc = 1;
        }
    }
    return rc;
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
        TECHNIQUE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    PipeArgs a;
    memset(&a, 0, sizeof a);
    a.output = "-";
    a.dump.pass = -1;
    technique_args_init(&a.tech);
    uint64_t segment = 0;
    uint32_t max_tests = 0;
    int c, k_gd = 0;
    double v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int r = pipe_option("run", c, &a);
        if (r == 2 || r == 3)
            return r == 2 ? 2 : 0;
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
    technique_args_apply_all(&a.tech, &ps);
    a.q.simulate = true;
    ProblemRef *sel = xmalloc((size_t)(ps.n ? ps.n : 1) * sizeof *sel);
    int kall = select_problems("run", &ps, a.problem, sel, &k_gd), k = k_gd, kn = kall - k_gd;
    int rc = kall ? 0 : 2;
    if (a.dump.pass >= 0 && kall) {
        /* the IR after a pass of the pipeline run simulates, not the simulation */
        if (kall > 1) {
            fprintf(stderr, "qgdc run: --dump-after takes one problem: the file has %d; choose one with --problem "
                            "NAME\n", kall);
            rc = 2;
        } else {
            CompileOptions co = {.kappa0 = a.q.kappa0, .clock_bits = a.q.clock_bits, .precision = a.q.precision,
                                 .for_run = true, .dump = &a.dump};
            rc = compile_dump(k ? sel[0].gd : NULL, k ? NULL : sel[0].ntk, &co, &a.dump, a.output);
        }
        free(sel);
        problem_set_free(&ps);
        srcfile_free(src);
        return rc;
    }
    QRun *runs = xcalloc((size_t)(k ? k : 1), sizeof *runs);
    QRunSegments *segs = xcalloc((size_t)(k ? k : 1), sizeof *segs);
    NtkQRun *nruns = xcalloc((size_t)(kn ? kn : 1), sizeof *nruns);
    int done = 0, ndone = 0;
    for (int i = 0; i < k; i++) {
        GdProblem *p = sel[i].gd;
        char *err = NULL;
        if (isatty(2))
            fprintf(stderr, "running %s ...\n", p->name);
        if (pipeline_of(p, NULL, true) != pipeline_of(p, NULL, false))
            fprintf(stderr, "qgdc run: note: problem '%s' asks for the structured encoding, which 'compile' and "
                            "'estimate' build; its circuit has too many qubits for a dense state, so 'run' simulates "
                            "the same solve with the Pauli encoding (the structured solver circuit is simulated end to "
                            "end on a sparse state in the unit tests)\n",
                    p->name);
        QRunOptions q = a.q;
        qrun_options_for(p, &q);
        bool ok = segment && segment < p->T ? qrun_gd_segments(p, segment, &q, &segs[i], &err)
                                            : qrun_gd(p, &q, &runs[i], &err);
        if (!ok) {
            diag_error(p->loc, "cannot run problem '%s': %s", p->name, err);
            free(err);
            rc = 1;
            break;
        }
        done++;
    }
    for (int i = 0; i < kn && rc == 0; i++) {
        NtkProblem *p = sel[k + i].ntk;
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
    if (rc == 0)
        rc = write_results(&a, sel, done, runs, segs, ndone, nruns);
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
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}
