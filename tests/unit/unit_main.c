/* unit_main.c — CUnit runner. Every tests/unit/test_*.c file defines one or
 * more functions `void suite_NAME(void)` that add a suite; the Makefile
 * collects their names into unit_suites.h, so a new test file needs no
 * edit here. Run from the tests/ directory (data paths are relative).
 * Arguments, when given, name the suites to run (e.g. `unit_tests qsolve`).
 *
 * Progress is streamed: each suite's name is printed (and flushed) as it
 * starts, and its test count, result and time complete the line when it
 * ends, so a slow suite shows which one is running. Failures are printed
 * as they happen. The last line is "unit: N tests run, M failures". */
#include "sim/statevec.h"
#include <CUnit/Basic.h>
#include <CUnit/TestRun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#define SUITE(name) void name(void);
#include "unit_suites.h"
#undef SUITE

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static struct {
    double start;      /* of the running suite */
    unsigned run0;     /* tests run before it (this run's counters) */
    unsigned failed0;  /* tests failed before it */
    int line_open;     /* the suite's line is waiting for its result */
    unsigned run, failed; /* totals over every CU_run_* call */
} R;

static void on_suite_start(const CU_pSuite s)
{
    printf("unit: %-24s ", s->pName);
    fflush(stdout);
    R.line_open = 1;
    R.start = now();
    R.run0 = CU_get_number_of_tests_run();
    R.failed0 = CU_get_number_of_tests_failed();
}

static void on_test_complete(const CU_pTest t, const CU_pSuite s, const CU_pFailureRecord f)
{
    if (!f)
        return;
    if (R.line_open)
        putchar('\n');
    R.line_open = 0;
    printf("  FAILED %s / %s\n", s->pName, t->pName);
    for (CU_pFailureRecord r = f; r && r->pTest == t; r = r->pNext)
        printf("    %s:%u: %s\n", r->strFileName ? r->strFileName : "?", r->uiLineNumber,
               r->strCondition ? r->strCondition : "");
    fflush(stdout);
}

static void on_suite_complete(const CU_pSuite s, const CU_pFailureRecord f)
{
    (void)f;
    unsigned run = CU_get_number_of_tests_run() - R.run0;
    unsigned failed = CU_get_number_of_tests_failed() - R.failed0;
    if (!R.line_open)
        printf("unit: %-24s ", s->pName);
    R.line_open = 0;
    if (failed)
        printf("%3u tests, %u FAILED  %6.2f s\n", run, failed, now() - R.start);
    else
        printf("%3u tests, ok  %6.2f s\n", run, now() - R.start);
    fflush(stdout);
}

static void on_init_failure(const CU_pSuite s)
{
    printf("unit: %-24s FAILED: its initialisation failed\n", s->pName);
    fflush(stdout);
}

static void on_cleanup_failure(const CU_pSuite s)
{
    if (R.line_open)
        putchar('\n');
    R.line_open = 0;
    printf("unit: %s: FAILED: its cleanup failed\n", s->pName);
    fflush(stdout);
}

/* Adds this run's counters to the totals (each CU_run_* resets them). */
static void tally(void)
{
    R.run += CU_get_number_of_tests_run();
    R.failed += CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
}

int main(int argc, char **argv)
{
    sim_threads_init(argv); /* threads wait passively, as qgdc's do (may exec the program again) */
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress reaches a pipe line by line */
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define SUITE(name) name();
#include "unit_suites.h"
#undef SUITE
    CU_set_suite_start_handler(on_suite_start);
    CU_set_test_complete_handler(on_test_complete);
    CU_set_suite_complete_handler(on_suite_complete);
    CU_set_suite_init_failure_handler(on_init_failure);
    CU_set_suite_cleanup_failure_handler(on_cleanup_failure);
    double t0 = now();
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (!CU_get_suite(argv[i])) {
                fprintf(stderr, "unit: no suite named '%s'\n", argv[i]);
                CU_cleanup_registry();
                return 2;
            }
        }
        for (int i = 1; i < argc; i++) {
            CU_run_suite(CU_get_suite(argv[i]));
            tally();
        }
    } else {
        CU_run_all_tests();
        tally();
    }
    CU_cleanup_registry();
    printf("unit: all suites in %.1f s\n", now() - t0);
    printf("unit: %u tests run, %u failures\n", R.run, R.failed);
    return R.failed ? 1 : 0;
}
