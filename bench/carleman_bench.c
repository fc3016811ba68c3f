/* carleman_bench.c — `make bench`: time and peak memory of the classical
 * core at the sizes of the Carleman issue:
 *   n = 64,   q = 2, N = 3  (Δ = 266,304)   examples/sum64.qgd, both forms
 *   n = 1000, q = 2, N = 2  (Δ = 1,001,000) a sparse chain written inline
 * each: build C, unroll T = 20 steps, solve by forward substitution, and
 * check the solution against the Carleman iteration. Each case runs in a
 * child process of its own, so its peak resident set (getrusage) is its
 * own and not the largest case's so far. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "frontend/sema.h"
#include "passes/carleman.h"
#include "passes/reference.h"
#include "passes/unroll.h"
#include "support/util.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static GdProblem *load(const char *name, const char *text, ProblemSet *ps)
{
    SrcFile *src = srcfile_from_string(name, text, strlen(text));
    ParseResult *pr = parse_qgd(src);
    bool ok = pr->nerrors == 0 && sema_build(pr, "examples", ps);
    parse_result_free(pr);
    srcfile_free(src);
    if (!ok) {
        fprintf(stderr, "bench: cannot build %s\n", name);
        exit(1);
    }
    return ps->gd[0];
}

static void run_case(const char *label, GdProblem *p, int N, CarlemanForm form)
{
    char *err = NULL;
    double t0 = now();
    Carleman cm;
    if (!carleman_build(p, N, form, &cm, &err)) {
        printf("%-34s refused: %s\n", label, err);
        free(err);
        return;
    }
    double t1 = now();
    LinSystem s;
    memset(&s, 0, sizeof s);
    if (!unroll_build(&cm, 0, &s, &err)) {
        printf("%-34s unroll refused: %s\n", label, err);
        free(err);
        carleman_free(&cm);
        return;
    }
    double t2 = now();
    double *x = xmalloc(s.dim_sz * sizeof *x);
    if (!ref_forward_subst(&s, x, &err)) {
        printf("%-34s solve refused: %s\n", label, err);
        free(err);
        exit(1);
    }
    double t3 = now();
    /* check: the level-1 block of the last time block equals the Carleman iteration */
    size_t len = (size_t)(p->T + 1) * p->n;
    double *uC = xmalloc(len * sizeof *uC), u[4096];
    if (!ref_carleman_iteration(&cm, uC, NULL, &err)) {
        printf("%-34s iteration refused: %s\n", label, err);
        exit(1);
    }
    ref_unrolled_u(&s, x, p->T, u);
    double diff = ref_max_abs_diff(u, uC + p->T * p->n, p->n);
    printf("%-34s %10zu %12zu %12zu %8.2f %8.2f %8.2f %9.0f   %.1e\n", label, cm.C.rows, cm.C.nnz, s.M.nnz, t1 - t0,
           t2 - t1, t3 - t2, peak_mib(), diff);
    fflush(stdout);
    free(uC);
    free(x);
    lin_system_free(&s);
    carleman_free(&cm);
}

static void run(const char *label, GdProblem *p, int N, CarlemanForm form)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        run_case(label, p, N, form);
        fflush(stdout);
        _exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%-34s failed\n", label);
        exit(1);
    }
}

int main(void)
{
    static const char *chain1000 =
        "const n = 1000;\n"
        "gd chain1000 {\n"
        "  param u[n] = [0.2*cos(0.01*i) for i in 0..n-1];\n"
        "  eta = 0.05; T = 20;\n"
        "  loss = sum(i in 0..n-1) (1 + i/n)*u[i]^2/2 + 0.1*sum(i in 0..n-2) (u[i+1] - u[i])^2\n"
        "       + 0.02*sum(i in 0..n-1) u[i]^3;\n"
        "}\n";
    size_t len;
    char *sum64 = read_file("examples/sum64.qgd", &len);
    if (!sum64) {
        fprintf(stderr, "bench: run from the repository root (examples/sum64.qgd)\n");
        return 1;
    }
    ProblemSet a, b;
    GdProblem *p64 = load("sum64.qgd", sum64, &a);
    GdProblem *p1000 = load("chain1000", chain1000, &b);
    printf("Carleman build, unroll (T = 20) and forward substitution; times in seconds, peak RSS in MiB\n");
    printf("the last column: max |u(T) from the solve - u(T) from the Carleman iteration|\n\n");
    printf("%-34s %10s %12s %12s %8s %8s %8s %9s   %s\n", "case", "Delta", "nnz(C)", "nnz(M)", "build", "unroll",
           "solve", "peak MiB", "check");
    run("n=1000 q=2 N=2 paper", p1000, 2, FORM_PAPER);
    run("n=1000 q=2 N=2 exact", p1000, 2, FORM_EXACT);
    run("n=64 q=2 N=3 paper", p64, 3, FORM_PAPER);
    run("n=64 q=2 N=3 exact", p64, 3, FORM_EXACT);
    problem_set_free(&a);
    problem_set_free(&b);
    free(sum64);
    return 0;
}
