/* cmd_compile.c — qgdc compile FILE.qgd: the problem's pipeline
 * (pipeline/compile.h) to its solver circuit, written as OpenQASM 3 with its
 * resource report, or the IR after one pass (--dump-after). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/lower.h"
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
#include "synth/clifford_t.h"
#include "driver/pipe_args.h"
#include "report/run.h"

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
          "  --qasm-version V  3 (default) or 2: OpenQASM 2.0, the flat form with qelib1.inc's\n"
          "                    gates (see qgdc qasm --help; post-selections as commented\n"
          "                    measurements)\n"
          "  --report F        write the resource report to F (default: standard output\n"
          "                    when -o names a file)\n"
          "  --json            the report as JSON\n"
          "  --problem NAME    the problem to compile when the file has several\n"
          "  --test-point I    ntk problems: the test point whose circuit to write (default 0)\n"
          "  --kappa0 K        filter cut-off, lambda_min = ||M||/K (default: the file's, else 2(T+1))\n"
          "  --clock-bits P    phase-estimation clock qubits (default: from alpha, lambda_min and\n"
          "                    the precision; see docs/pipeline.md)\n"
          "  --precision E     target precision (default: the file's, else 0.01)\n"
          TECHNIQUE_HELP
          "  --qroam-block-bits K  structured encoding with data_loading = qroam: select-swap\n"
          "                    block size 2^K (default: the fewest CCZ within the budget)\n"
          "  --qubit MODEL     qubit model of the physical estimate (see qgdc count --help)\n"
          "  --budget E        error budget of the physical estimate (default 1e-3)\n"
          "  --dump-after=PASS instead of the circuit, write the IR after PASS as stable\n"
          "                    text (to -o or standard output): problem, carleman, unroll,\n"
          "                    dilate, encode, solver or lower (--dump-after=list describes\n"
          "                    them and which passes each kind of problem goes through)\n"
          "  -h, --help        this help\n",
          out);
}

/* compile's own option value, after the shared ones (pipe_args.h, commands.h) */
enum { O_QASMVERSION = 1000 };

int cmd_compile(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"kappa0", required_argument, NULL, O_KAPPA0}, {"clock-bits", required_argument, NULL, O_CLOCK},
        {"precision", required_argument, NULL, O_PRECISION}, {"problem", required_argument, NULL, O_PROBLEM},
        {"json", no_argument, NULL, O_JSON}, {"flat", no_argument, NULL, O_FLAT},
        {"report", required_argument, NULL, O_REPORT}, {"qubit", required_argument, NULL, O_QUBIT},
        {"budget", required_argument, NULL, O_BUDGET}, {"output", required_argument, NULL, 'o'},
        {"test-point", required_argument, NULL, O_TESTPOINT}, {"dump-after", required_argument, NULL, O_DUMPAFTER},
        {"qroam-block-bits", required_argument, NULL, O_QROAMK},
        {"qasm-version", required_argument, NULL, O_QASMVERSION},
        TECHNIQUE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    PipeArgs a;
    memset(&a, 0, sizeof a);
    a.output = "-";
    a.dump.pass = -1;
    technique_args_init(&a.tech);
    bool flat = false;
    int qasm_version = 3;
    uint32_t test_point = 0;
    int qroam_k = 0;
    double v;
    const char *report = NULL;
    ResPhysOptions po;
    memset(&po, 0, sizeof po);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int r = pipe_option("compile", c, &a);
        if (r == 2 || r == 3)
            return r == 2 ? 2 : 0;
        if (r == 0)
            continue;
        switch (c) {
        case O_FLAT: flat = true; break;
        case O_QASMVERSION:
            if (!strcmp(optarg, "2") || !strcmp(optarg, "2.0"))
                qasm_version = 2;
            else if (!strcmp(optarg, "3") || !strcmp(optarg, "3.0"))
                qasm_version = 3;
            else {
                fprintf(stderr, "qgdc compile: --qasm-version takes 3 (OpenQASM 3.0, the default) or 2 (OpenQASM 2.0)\n");
                return 2;
            }
            break;
        case O_REPORT: report = optarg; break;
        case O_QROAMK:
            if (!arg_whole(optarg, 0, 40, &v)) {
                fprintf(stderr, "qgdc compile: --qroam-block-bits takes an integer in 0..40\n");
                return 2;
            }
            qroam_k = (int)v;
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
    technique_args_apply_all(&a.tech, &ps);
    int rc = 0;
    ProblemRef *sel = xmalloc((size_t)(ps.n ? ps.n : 1) * sizeof *sel);
    int kg, k = select_problems("compile", &ps, a.problem, sel, &kg);
    if (k == 0) {
        rc = 2;
        goto out;
    }
    if (k > 1) {
        fprintf(stderr, "qgdc compile: the file has %d problems; choose one with --problem NAME\n", k);
        rc = 2;
        goto out;
    }
    const GdProblem *gp = kg ? sel[0].gd : NULL;
    const NtkProblem *np = kg ? NULL : sel[0].ntk;
    CompileOptions co = {.kappa0 = a.q.kappa0, .clock_bits = a.q.clock_bits, .precision = a.q.precision,
                         .test_point = test_point, .dump = a.dump.pass >= 0 ? &a.dump : NULL,
                         .qroam_k = qroam_k};
    Compiled cc;
    char *err = NULL;
    if (a.dump.pass >= 0) {
        rc = compile_dump(gp, np, &co, &a.dump, a.output);
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
    /* gate_set = clifford_t asked for in the file: the flat circuit with
     * every rotation synthesized (docs/synthesis.md), within a third of the
     * precision in operator norm; the report counts what is written */
    const Options *gopt = gp ? &gp->opt : &np->opt;
    Circuit low, ct;
    ResCounts ct_counts;
    bool synthesized = false;
    if (gopt->set[OPTION_gate_set] && gopt->gate_set == GATES_CLIFFORD_T) {
        double prec = a.q.precision > 0 ? a.q.precision : gopt->precision, eps_used = 0;
        size_t nrot = 0, distinct = 0;
        if (!lower_circuit(circ, &low, &(LowerOptions){.max_ops = QASM_FLAT_MAX_OPS}, &err)) {
            diag_error(gopt->loc[OPTION_gate_set], "gate_set = clifford_t: %s", err);
            free(err);
            circuit_free(&low);
            compiled_free(&cc);
            rc = 1;
            goto out;
        }
        if (!synth_clifford_t(&low, &ct, 0, prec / 3, &eps_used, &nrot, &distinct, &err)) {
            diag_error(gopt->loc[OPTION_gate_set], "gate_set = clifford_t: %s", err);
            free(err);
            circuit_free(&low);
            circuit_free(&ct);
            compiled_free(&cc);
            rc = 1;
            goto out;
        }
        circuit_free(&low);
        res_init(&ct_counts);
        res_count(&ct, &ct_counts);
        char *tc = mpz_get_str(NULL, 10, ct_counts.t_count);
        diag_note(gopt->loc[OPTION_gate_set],
                  "gate_set = clifford_t: %zu rotations (%zu distinct) synthesized over Clifford+T to %.3g each, "
                  "within precision/3 = %.3g in all: %s T",
                  nrot, distinct, eps_used, prec / 3, tc);
        free(tc);
        circ = &ct;
        cc.counts = &ct_counts;
        synthesized = true;
    }
    bool structured = cc.kind == PIPE_GD_STRUCTURED;
    const QRun *rp = &cc.r;
    const NtkQRun *nrp = &cc.nr;
    OutFile o;
    uint32_t npost = 0;
    if (!out_open(&o, a.output)) {
        rc = 1;
    } else if (qasm_version == 2 ? !qasm_emit2(circ, o.fp, &npost, &err) : !qasm_emit(circ, flat, o.fp, &err)) {
        diag_plain("%s", err);
        free(err);
        out_abort(&o);
        rc = 1;
    } else if (!out_commit(&o)) {
        rc = 1;
    } else if (npost) {
        fprintf(stderr,
                "qgdc compile: note: OpenQASM 2.0 has no post-selection: %u post-selected qubit%s written as "
                "%s into register ps with a '// post-select' comment, which qgdc reads back; other 2.0 tools "
                "see plain measurements\n",
                npost, npost == 1 ? " is" : "s are", npost == 1 ? "a measurement" : "measurements");
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
                    report_structured_json(&cc.est, &w);
                else if (kg)
                    report_solver_json(rp, &w);
                else
                    json_key(&w, "problem"), json_string(&w, nrp->p->name), json_key(&w, "test_point"),
                        json_uint(&w, test_point), json_key(&w, "qubits"), json_uint(&w, nrp->qs.c.nqubits);
                json_key(&w, "resources");
                res_json(rcnt, have ? &ph : NULL, &w);
                json_end(&w);
                json_finish(&w);
            } else {
                if (structured)
                    report_structured_header(&cc.est, ro.fp);
                else if (kg)
                    report_solver_header(rp, ro.fp);
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
    if (synthesized) {
        circuit_free(&ct);
        res_clear(&ct_counts);
    }
    compiled_free(&cc);
out:
    free(sel);
    problem_set_free(&ps);
    srcfile_free(src);
    return rc;
}

