/* cmd_run.c — the commands on the quantum pipeline of a .qgd problem:
 *   qgdc compile FILE.qgd    build the solver circuit (qsolve.h) and write
 *                            it as OpenQASM 3, with its resource report
 *   qgdc run FILE.qgd        build, simulate, read out u(T) and print the
 *                            error budget stage by stage (qrun.h)
 * Pipeline: frontend ─► carleman ─► unroll ─► dilate ─► state_prep ─►
 * block_encode ─► qpe ─► invert ─► uncompute ─► readout ─► codegen | sim. */
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

/* Options shared by compile and run. */
typedef struct PipeArgs {
    QRunOptions q;
    const char *problem; /* NULL: every problem (run) / the only one (compile) */
    const char *output;
    bool json;
} PipeArgs;

enum { O_KAPPA0 = 256, O_CLOCK, O_PRECISION, O_SHOTS, O_SEED, O_SEGMENT, O_PROBLEM, O_JSON, O_FLAT, O_REPORT,
       O_QUBIT, O_BUDGET, O_MAXQ, O_TESTS, O_TESTPOINT, O_DUMPAFTER };

/* Parses one shared option; 0 handled, 1 not shared, 2 bad value. */
static int pipe_option(const char *cmd, int c, PipeArgs *a)
{
    double v;
    switch (c) {
    case O_KAPPA0:
        if (!arg_number(optarg, 1, 1e15, &v) || v <= 1) {
            fprintf(stderr, "qgdc %s: --kappa0 takes a number greater than 1\n", cmd);
            return 2;
        }
        a->q.kappa0 = v;
        return 0;
    case O_CLOCK:
        if (!arg_whole(optarg, 1, INVERT_MAX_CLOCK, &v)) {
            fprintf(stderr, "qgdc %s: --clock-bits takes an integer in 1..%d\n", cmd, INVERT_MAX_CLOCK);
            return 2;
        }
        a->q.clock_bits = (unsigned)v;
        return 0;
    case O_PRECISION:
        if (!arg_number(optarg, 0, 1, &v) || v <= 0 || v >= 1) {
            fprintf(stderr, "qgdc %s: --precision takes a number strictly between 0 and 1\n", cmd);
            return 2;
        }
        a->q.precision = v;
        return 0;
    case O_PROBLEM: a->problem = optarg; return 0;
    case O_JSON: a->json = true; return 0;
    case 'o': a->output = optarg; return 0;
    default: return 1;
    }
}

/* The problems selected by --problem: indices into ps->gd (sel) and
 * ps->ntk (nsel, may be NULL); the total. */
static int select_problems(const char *cmd, const ProblemSet *ps, const char *name, int *sel, int *k_gd, int *nsel)
{
    int k = 0, kn = 0;
    for (int i = 0; i < ps->ngd; i++)
        if (!name || !strcmp(ps->gd[i]->name, name))
            sel[k++] = i;
    for (int i = 0; nsel && i < ps->nntk; i++)
        if (!name || !strcmp(ps->ntk[i]->name, name))
            nsel[kn++] = i;
    int km = 0;
    for (int i = 0; i < ps->nmodel; i++)
        if (!name || !strcmp(ps->model[i]->name, name))
            km++;
    if (k + kn == 0 && km > 0)
        fprintf(stderr, "qgdc %s: %s a size-only model problem: it is estimated (qgdc estimate), not %s\n", cmd,
                name ? "the problem named is" : "the file holds only", !strcmp(cmd, "compile") ? "compiled" : "run");
    else if (name && k + kn == 0)
        fprintf(stderr, "qgdc %s: no problem named '%s' in the file\n", cmd, name);
    else if (k + kn == 0)
        fprintf(stderr, "qgdc %s: the file has no problem\n", cmd);
    *k_gd = k;
    return k + kn;
}

/* ---- compile ---- */

static void usage_compile(FILE *out)
{
    fputs("usage: qgdc compile [options] FILE.qgd\n"
          "\n"
          "Compiles a gradient-descent problem into the quantum linear-solver circuit\n"
          "of Liu et al. 2024 (Algorithm 1): Carleman truncation, the unrolled system\n"
          "(eq. 6), its Hermitian dilation, |b> preparation, the Pauli block encoding\n"
          "and its qubitized walk, phase estimation, the eigenvalue-filtered rotation\n"
          "(Theorem II.4), inverse phase estimation, and the read-out: post-selections\n"
          "and a measurement of the solution register. Writes OpenQASM 3 and prints\n"
          "the resource report (logical counts and the surface-code estimate).\n"
          "\n"
          "options:\n"
          "  -o, --output F    the OpenQASM 3 file (default: standard output, report suppressed)\n"
          "  --flat            flat output in the basis h s sdg t tdg x y z sx rx ry rz p cx cz\n"
          "                    swap ccx (default: hierarchical, with gate definitions and pow)\n"
          "  --report F        write the resource report to F (default: standard output\n"
          "                    when -o names a file)\n"
          "  --json            the report as JSON\n"
          "  --problem NAME    the problem to compile when the file has several\n"
          "  --test-point I    ntk problems: the test point whose circuit to write (default 0)\n"
          "  --kappa0 K        filter cut-off, lambda_min = ||M||/K (default: the file's, else 2(T+1))\n"
          "  --clock-bits P    phase-estimation clock qubits (default: from alpha, lambda_min and\n"
          "                    the precision; see docs/pipeline.md)\n"
          "  --precision E     target precision (default: the file's, else 0.01)\n"
          "  --qubit MODEL     qubit model of the physical estimate (see qgdc count --help)\n"
          "  --budget E        error budget of the physical estimate (default 1e-3)\n"
          "  --dump-after=PASS instead of the circuit, write the IR after PASS as stable\n"
          "                    text (to -o or standard output): problem, carleman, unroll,\n"
          "                    dilate, encode, solver or lower (--dump-after=list describes\n"
          "                    them and which passes each kind of problem goes through)\n"
          "  -h, --help        this help\n",
          out);
}

static void report_header(const QRun *r, FILE *fp)
{
    const QSolve *q = &r->qs;
    fprintf(fp, "problem %s: n = %u, T = %llu, Carleman order N = %d, idle blocks P = %llu\n", r->p->name, r->n,
            (unsigned long long)r->T, r->N, (unsigned long long)r->P);
    fprintf(fp, "  linear system     %zu rows, ||M|| = %.4g, kappa(M) = %.4g, kappa0 = %.4g, lambda_min = %.4g\n",
            r->dim, q->norm_M, q->kappa_M, q->kappa0, q->lambda_min);
    fprintf(fp, "  block encoding    %s: %u system qubits, %zu Pauli terms on %u index qubits, alpha = %.6g\n",
            q->dil.dilated ? "Hermitian dilation" : "symmetric", q->s, q->be.nterms, q->m, q->alpha);
    fprintf(fp, "  phase estimation  %u clock bits (at least %u for this lambda_min), %llu of %llu clock values "
                "well conditioned\n",
            q->p, q->p_min, (unsigned long long)q->inv.well, (unsigned long long)(q->inv.well + q->inv.ill));
    fprintf(fp, "  |b> preparation   %s construction\n", state_prep_method_name(q->prep_info.method));
    fprintf(fp, "  qubits            %u: sys %u, idx %u, clock %u, anc 1, flag 1\n", q->c.nqubits, q->s, q->m, q->p);
}

static void json_solver(const QRun *r, JsonWriter *w)
{
    const QSolve *q = &r->qs;
    json_key(w, "problem"), json_string(w, r->p->name);
    json_key(w, "n"), json_uint(w, r->n);
    json_key(w, "T"), json_uint(w, r->T);
    json_key(w, "carleman_order"), json_int(w, r->N);
    json_key(w, "idle_blocks"), json_uint(w, r->P);
    json_key(w, "rows"), json_uint(w, r->dim);
    json_key(w, "norm_M"), json_double(w, q->norm_M);
    json_key(w, "kappa_M"), json_double(w, q->kappa_M);
    json_key(w, "kappa0"), json_double(w, q->kappa0);
    json_key(w, "lambda_min"), json_double(w, q->lambda_min);
    json_key(w, "dilated"), json_bool(w, q->dil.dilated);
    json_key(w, "alpha"), json_double(w, q->alpha);
    json_key(w, "pauli_terms"), json_uint(w, q->be.nterms);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "total"), json_uint(w, q->c.nqubits);
    json_key(w, "sys"), json_uint(w, q->s);
    json_key(w, "idx"), json_uint(w, q->m);
    json_key(w, "clock"), json_uint(w, q->p);
    json_key(w, "anc"), json_uint(w, 1);
    json_key(w, "flag"), json_uint(w, 1);
    json_end(w);
    json_key(w, "clock_bits_min"), json_uint(w, q->p_min);
    json_key(w, "well_clock_values"), json_uint(w, q->inv.well);
    json_key(w, "state_prep"), json_string(w, state_prep_method_name(q->prep_info.method));
}

/* The structured encoding's circuit (block_encoding = structured). */
static void structured_header(const Estimate *e, FILE *fp)
{
    const CarlemanBE *be = &e->be;
    fprintf(fp, "problem %s: n = %u, T = %llu, Carleman order N = %u, idle blocks P = %llu (paper form)\n",
            e->shape.name, (unsigned)mpz_get_ui(be->n), (unsigned long long)be->T, be->N,
            (unsigned long long)be->P);
    fprintf(fp, "  block encoding    structured (docs/estimate.md): alpha_M = %.6g over %u (term, position) pairs, "
                "%u angle bits\n",
            be->alpha_M, be->npairs, e->bits);
    fprintf(fp, "  phase estimation  %u clock bits (at least %u), lambda_min = 1/kappa0 = %.4g\n", e->p, e->p0,
            e->lambda_min);
    fprintf(fp, "  qubits            sys %u (with d), flags %u, clock %u, anc 1, ill 1\n", e->q_sys, e->q_flags,
            e->q_clock);
    gmp_fprintf(fp, "  walk              %Zd controlled walk steps, %Zd queries to each F_l oracle (the circuit "
                    "`qgdc estimate` counts)\n",
                e->walk_steps, e->queries);
}

static void json_structured(const Estimate *e, JsonWriter *w)
{
    const CarlemanBE *be = &e->be;
    json_key(w, "problem"), json_string(w, e->shape.name);
    json_key(w, "block_encoding"), json_string(w, "structured");
    json_key(w, "n"), json_mpz(w, be->n);
    json_key(w, "T"), json_uint(w, be->T);
    json_key(w, "carleman_order"), json_uint(w, be->N);
    json_key(w, "idle_blocks"), json_uint(w, be->P);
    json_key(w, "alpha"), json_double(w, be->alpha_M);
    json_key(w, "angle_bits"), json_uint(w, e->bits);
    json_key(w, "lambda_min"), json_double(w, e->lambda_min);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "sys"), json_uint(w, e->q_sys);
    json_key(w, "flags"), json_uint(w, e->q_flags);
    json_key(w, "clock"), json_uint(w, e->q_clock);
    json_key(w, "anc"), json_uint(w, 1);
    json_key(w, "ill"), json_uint(w, 1);
    json_end(w);
    json_key(w, "clock_bits_min"), json_uint(w, e->p0);
    json_key(w, "walk_steps"), json_mpz(w, e->walk_steps);
    json_key(w, "queries"), json_mpz(w, e->queries);
}

static void print_pass_list(FILE *fp)
{
    fputs("passes (--dump-after=PASS prints the IR after PASS):\n", fp);
    for (int i = 0; i < PASS_COUNT; i++)
        fprintf(fp, "  %-9s %s\n", pass_names[i], pass_docs[i]);
    fputs("\npipelines, in pass order:\n", fp);
    for (int k = 0; k < PIPE_KINDS; k++)
        fprintf(fp, "  %-25s %s\n", pipeline_names[k], pipeline_pass_list((PipelineKind)k));
}

/* compile --dump-after: the IR after the pass, written to output, instead
 * of the circuit and its report. */
static int compile_dump(const GdProblem *gp, const NtkProblem *np, const CompileOptions *co, DumpAfter *dump,
                        const char *output)
{
    OutFile o;
    if (!out_open(&o, output))
        return 1;
    dump->out = o.fp;
    Compiled cc;
    char *err = NULL;
    bool ok = pipeline_compile(gp, np, co, &cc, &err);
    PipelineKind kind = cc.kind;
    compiled_free(&cc);
    Loc loc = gp ? gp->loc : np->loc;
    const char *name = gp ? gp->name : np->name;
    if (!ok && !dump->done) {
        diag_error(loc, "cannot compile problem '%s': %s", name, err);
        free(err);
        out_abort(&o);
        return 1;
    }
    free(err); /* a failure after the pass asked for does not spoil its dump */
    if (!dump->done) {
        diag_error(loc, "problem '%s' has no pass '%s': its pipeline, %s, is %s", name, pass_names[dump->pass],
                   pipeline_names[kind], pipeline_pass_list(kind));
        out_abort(&o);
        return 1;
    }
    return out_commit(&o) ? 0 : 1;
}

int cmd_compile(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"kappa0", required_argument, NULL, O_KAPPA0}, {"clock-bits", required_argument, NULL, O_CLOCK},
        {"precision", required_argument, NULL, O_PRECISION}, {"problem", required_argument, NULL, O_PROBLEM},
        {"json", no_argument, NULL, O_JSON}, {"flat", no_argument, NULL, O_FLAT},
        {"report", required_argument, NULL, O_REPORT}, {"qubit", required_argument, NULL, O_QUBIT},
        {"budget", required_argument, NULL, O_BUDGET}, {"output", required_argument, NULL, 'o'},
        {"test-point", required_argument, NULL, O_TESTPOINT}, {"dump-after", required_argument, NULL, O_DUMPAFTER},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    DumpAfter dump = {.pass = -1};
    PipeArgs a;
    memset(&a, 0, sizeof a);
    a.output = "-";
    bool flat = false;
    uint32_t test_point = 0;
    double v;
    const char *report = NULL;
    ResPhysOptions po;
    memset(&po, 0, sizeof po);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int r = pipe_option("compile", c, &a);
        if (r == 2)
            return 2;
        if (r == 0)
            continue;
        switch (c) {
        case O_FLAT: flat = true; break;
        case O_REPORT: report = optarg; break;
        case O_DUMPAFTER:
            if (!strcmp(optarg, "list")) {
                print_pass_list(stdout);
                return 0;
            }
            dump.pass = pass_lookup(optarg);
            if (dump.pass < 0) {
                fprintf(stderr, "qgdc compile: --dump-after: no pass '%s' (--dump-after=list names them)\n", optarg);
                return 2;
            }
            break;
        case O_TESTPOINT:
            if (!arg_whole(optarg, 0, 4294967295.0, &v)) {
                fprintf(stderr, "qgdc compile: --test-point takes an integer >= 0\n");
                return 2;
            }
            test_point = (uint32_t)v;
            break;
        case O_QUBIT:
            po.qubit = res_qubit_model(optarg);
            if (!po.qubit) {
                fprintf(stderr, "qgdc compile: unknown qubit model '%s' (see qgdc count --help)\n", optarg);
                return 2;
            }
            break;
        case O_BUDGET:
            if (!arg_number(optarg, 1e-15, 0.5, &po.budget)) {
                fprintf(stderr, "qgdc compile: --budget takes a number in (0, 0.5]\n");
                return 2;
            }
            break;
        case 'h': usage_compile(stdout); return 0;
        default: usage_compile(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc compile: expected one input file\n");
        usage_compile(stderr);
        return 2;
    }
    if (!report && strcmp(a.output, "-"))
        report = "-";
    const char *path = argv[optind];
    ProblemSet ps;
    SrcFile *src;
    if (!load_qgd(path, &ps, &src))
        return 1;
    int rc = 0;
    int *sel = xmalloc((size_t)(ps.ngd ? ps.ngd : 1) * sizeof *sel);
    int *nsel = xmalloc((size_t)(ps.nntk ? ps.nntk : 1) * sizeof *nsel);
    int kg, k = select_problems("compile", &ps, a.problem, sel, &kg, nsel);
    if (k == 0) {
        rc = 2;
        goto out;
    }
    if (k > 1) {
        fprintf(stderr, "qgdc compile: the file has %d problems; choose one with --problem NAME\n", k);
        rc = 2;
        goto out;
    }
    const GdProblem *gp = kg ? ps.gd[sel[0]] : NULL;
    const NtkProblem *np = kg ? NULL : ps.ntk[nsel[0]];
    CompileOptions co = {.kappa0 = a.q.kappa0, .clock_bits = a.q.clock_bits, .precision = a.q.precision,
                         .test_point = test_point, .dump = dump.pass >= 0 ? &dump : NULL};
    Compiled cc;
    char *err = NULL;
    if (dump.pass >= 0) {
        rc = compile_dump(gp, np, &co, &dump, a.output);
        goto out;
    }
    if (!pipeline_compile(gp, np, &co, &cc, &err)) {
        diag_error(gp ? gp->loc : np->loc, "cannot compile problem '%s': %s", gp ? gp->name : np->name, err);
        free(err);
        compiled_free(&cc);
        rc = 1;
        goto out;
    }
    const Circuit *circ = cc.circ;
    bool structured = cc.kind == PIPE_GD_STRUCTURED;
    const QRun *rp = &cc.r;
    const NtkQRun *nrp = &cc.nr;
    OutFile o;
    if (!out_open(&o, a.output)) {
        rc = 1;
    } else if (!qasm_emit(circ, flat, o.fp, &err)) {
        diag_plain("%s", err);
        free(err);
        out_abort(&o);
        rc = 1;
    } else if (!out_commit(&o)) {
        rc = 1;
    }
    if (rc == 0 && report) {
        const ResCounts *rcnt = cc.counts;
        ResPhysical ph;
        res_phys_init(&ph);
        char *perr = NULL;
        bool have = res_physical(rcnt, &po, &ph, &perr);
        OutFile ro;
        if (!out_open(&ro, report)) {
            rc = 1;
        } else {
            if (a.json) {
                JsonWriter w;
                json_init(&w, ro.fp);
                json_object(&w);
                if (structured)
                    json_structured(&cc.est, &w);
                else if (kg)
                    json_solver(rp, &w);
                else
                    json_key(&w, "problem"), json_string(&w, nrp->p->name), json_key(&w, "test_point"),
                        json_uint(&w, test_point), json_key(&w, "qubits"), json_uint(&w, nrp->qs.c.nqubits);
                json_key(&w, "resources");
                res_json(rcnt, have ? &ph : NULL, &w);
                json_end(&w);
                json_finish(&w);
            } else {
                if (structured)
                    structured_header(&cc.est, ro.fp);
                else if (kg)
                    report_header(rp, ro.fp);
                else
                    fprintf(ro.fp, "problem %s (ntk), test point %u: %u qubits, K~ %zu x %zu, %zu Pauli terms, "
                                   "%u clock bits, Hadamard test of sign <y|K~^-1 k*>\n",
                            nrp->p->name, test_point, nrp->qs.c.nqubits, nrp->qs.dil.n, nrp->qs.dil.n,
                            nrp->qs.be.nterms, nrp->qs.p);
                fputc('\n', ro.fp);
                res_print(rcnt, have ? &ph : NULL, ro.fp);
                if (!have)
                    fprintf(ro.fp, "\nno physical estimate: %s\n", perr);
            }
            if (!out_commit(&ro)) {
                rc = 1;
            }
        }
        free(perr);
        res_phys_clear(&ph);
    }
    compiled_free(&cc);
out:
    free(sel);
    free(nsel);
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}

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
