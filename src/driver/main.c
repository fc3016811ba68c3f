/* main.c — the qgdc command: the table of subcommands and their usage.
 * Where each command's compiler is written out, pass by pass:
 *
 *     check     source ─► parse_qgd ─► sema_build ─► problem IR   (frontend/sema.h)
 *     analyze   problem IR ─► pass_carleman ─► pass_unroll ─► references
 *     compile   problem ─► carleman ─► unroll ─► dilate ─► encode ─► solver ─► lower
 *               (pipeline/compile.h lists each kind's passes; the solver's
 *               stages are in passes/solver.h; --dump-after=PASS shows the IR)
 *     run       compile's pipeline, then the simulation and read-out (passes/qrun.h)
 *     estimate  the structured encoding's solver, counted (passes/estimate.h) */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "driver/commands.h"
#include "frontend/sema.h"
#include "ir/model.h"
#include "ir/ntk.h"
#include "ir/problem.h"
#include "sim/statevec.h"
#include "support/diag.h"
#include "support/util.h"

#define QGDC_VERSION "0.1.0"

static void usage_main(FILE *out)
{
    fputs("usage: qgdc <command> [options] FILE\n"
          "\n"
          "qgdc compiles machine-learning training problems (.qgd files) into\n"
          "fault-tolerant quantum circuits and checks them against the classical\n"
          "computation.\n"
          "\n"
          "commands:\n"
          "  check      validate a .qgd file and print its problem IR\n"
          "  analyze    Carleman truncation error, dissipation, conditioning, verdict\n"
          "  compile    compile a gd problem into its quantum solver circuit (OpenQASM 3)\n"
          "  run        compile, simulate, read u(T) out and print the error budget\n"
          "  estimate   fault-tolerant cost of a gd or size-only model problem, at any n\n"
          "  generate   write random quadratic test problems (paper's Fig. 4 setup)\n"
          "  count      exact logical and physical resource counts of a .qasm circuit\n"
          "  sim        simulate a .qasm circuit (distribution, post-selection, shots)\n"
          "  qasm       re-emit a .qasm circuit, hierarchical or --flat\n"
          "  synth      Clifford+T sequence of a z-rotation (Ross-Selinger)\n"
          "\n"
          "  qgdc <command> --help   help on one command\n"
          "  qgdc --version          print the version\n"
          "\n"
          "The language is described in docs/language.md.\n",
          out);
}

static void usage_check(FILE *out)
{
    fputs("usage: qgdc check [--dump-ir | --json] [-o OUT] FILE.qgd\n"
          "\n"
          "Parses and validates FILE.qgd: syntax, names, sizes, data files, and\n"
          "that every loss and update is a polynomial in the parameters. Builds\n"
          "the problem IR: u(t+1) = u(t) + F_0(t) + F_1 u + F_2 u^(x)2 + ...\n"
          "A size-only 'model' problem is checked the same way (n, the shape of\n"
          "each F_l, T, kept, ...; Matrix Market files read for their statistics);\n"
          "models are estimated with 'qgdc estimate', not compiled or run.\n"
          "\n"
          "options:\n"
          "  --dump-ir      print the problem IR as stable, diffable text\n"
          "  --json         print the problem IR as JSON (n, q, eta, T, u_in, noise,\n"
          "                 every F_l as (row, column multi-index, value) entries)\n"
          "  -o, --output F write the output to F (atomically) instead of stdout\n"
          "  -h, --help     this help\n"
          "\n"
          "Without --dump-ir or --json, prints one summary line per problem.\n"
          "Exit status: 0 valid, 1 errors in the input, 2 bad command line.\n"
          "\n"
          "compile options accepted in a problem's 'options { ... }' block, and the kinds of\n"
          "problem that take each:\n",
          out);
    static const char *const kind_names[PROBLEM_KINDS] = {"gd", "ntk", "model"};
    for (int i = 0; i < OPTION_COUNT; i++) {
        char kinds[32] = "";
        for (int k = 0; k < PROBLEM_KINDS; k++)
            if (options_applies((OptionId)i, k))
                snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", kinds[0] ? "," : "",
                         kind_names[k]);
        fprintf(out, "  %-18s %-12s %s\n", options_name((OptionId)i), kinds, options_domain((OptionId)i));
    }
}

typedef enum OutFormat { OUT_SUMMARY, OUT_DUMP, OUT_JSON } OutFormat;

/* One line of check's summary: the problem's kind, name and sizes. */
static void check_summary(FILE *fp, const char *path, ProblemRef r)
{
    switch (r.kind) {
    case PROBLEM_GD: {
        const GdProblem *p = r.gd;
        size_t nnz = 0;
        for (unsigned l = 0; l <= p->q; l++)
            nnz += p->F[l].nnz;
        fprintf(fp, "%s: ok: gd %s: n = %u, q = %u, T = %llu, %zu nonzero coefficients%s\n", path, p->name, p->n, p->q,
                (unsigned long long)p->T, nnz, p->noise != NOISE_NONE ? ", with noise" : "");
        break;
    }
    case PROBLEM_NTK: {
        const NtkProblem *p = r.ntk;
        fprintf(fp, "%s: ok: ntk %s: n = %u training, %u test, d = %u, %s, L = %u, kernel %s\n", path, p->name,
                p->train.n, p->test.n, p->train.d, ntk_activation_name(p->activation), p->L,
                ntk_kernel_name(p->kernel));
        break;
    }
    case PROBLEM_MODEL: {
        const ModelProblem *m = r.model;
        mpz_t nnz;
        mpz_init(nnz);
        for (unsigned l = 0; l <= m->q; l++)
            if (m->F[l].present)
                mpz_add(nnz, nnz, m->F[l].nnz);
        gmp_fprintf(fp, "%s: ok: model %s: n = %Zd, q = %u, T = %llu, %Zd nonzero coefficients (size only)\n", path,
                    m->name, m->n, m->q, (unsigned long long)m->T, nnz);
        mpz_clear(nnz);
        break;
    }
    }
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dump-ir", no_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    OutFormat fmt = OUT_SUMMARY;
    const char *output = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': fmt = OUT_DUMP; break;
        case 'j': fmt = OUT_JSON; break;
        case 'o': output = optarg; break;
        case 'h': usage_check(stdout); return 0;
        default: usage_check(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc check: expected one input file\n");
        usage_check(stderr);
        return 2;
    }
    const char *path = argv[optind];
    ProblemSet ps;
    SrcFile *src;
    if (!load_qgd(path, &ps, &src))
        return 1;
    OutFile out;
    if (!out_open(&out, output)) {
        problem_set_free(&ps);
        srcfile_free(src);
        return 1;
    }
    switch (fmt) {
    case OUT_SUMMARY:
        /* by kind (gd, ntk, model), each in file order, as the dump */
        for (int k = 0; k < PROBLEM_KINDS; k++)
            for (int i = 0; i < ps.n; i++)
                if (ps.all[i].kind == (IrProblemKind)k)
                    check_summary(out.fp, path, ps.all[i]);
        break;
    case OUT_DUMP: problem_set_dump(&ps, out.fp); break;
    case OUT_JSON: problem_set_json(&ps, out.fp); break;
    }
    bool wrote = out_commit(&out);
    problem_set_free(&ps);
    srcfile_free(src);
    return wrote ? 0 : 1;
}

typedef struct Command {
    const char *name;
    int (*run)(int argc, char **argv);
} Command;

static const Command commands[] = {
    {"check", cmd_check},
    {"analyze", cmd_analyze},
    {"generate", cmd_generate},
    {"count", cmd_count},
    {"sim", cmd_sim},
    {"qasm", cmd_qasm},
    {"compile", cmd_compile},
    {"run", cmd_run},
    {"estimate", cmd_estimate},
    {"synth", cmd_synth},
};

int main(int argc, char **argv)
{
    sim_threads_init(argv); /* OMP_WAIT_POLICY=passive unless set: may exec the program again */
    out_guard_stdout();
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("qgdc %s\n", QGDC_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "qgdc: unknown command '%s'\n\n", argv[1]);
    usage_main(stderr);
    return 2;
}
