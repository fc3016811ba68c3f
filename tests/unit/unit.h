/* unit.h — helpers shared by the CUnit tests. */
#ifndef QGDC_UNIT_H
#define QGDC_UNIT_H

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/sema.h"
#include "ir/problem.h"

/* Adds a suite with the given tests; NULL-terminated pairs of name, fn. */
#define UNIT_SUITE(suite_name, ...)                                           \
    do {                                                                      \
        CU_pSuite s_ = CU_add_suite(suite_name, NULL, NULL);                  \
        struct { const char *n; CU_TestFunc f; } t_[] = {__VA_ARGS__};        \
        for (size_t i_ = 0; i_ < sizeof t_ / sizeof *t_; i_++)                \
            CU_add_test(s_, t_[i_].n, t_[i_].f);                              \
    } while (0)

/* |a − b| ≤ tol·max(1, |b|), with a message that shows both. */
#define ASSERT_CLOSE(a, b, tol)                                               \
    do {                                                                      \
        double a_ = (a), b_ = (b);                                            \
        double lim_ = (tol) * (fabs(b_) > 1 ? fabs(b_) : 1);                  \
        if (!(fabs(a_ - b_) <= lim_))                                         \
            fprintf(stderr, "\n  %s:%d: %s = %.17g, expected %.17g\n",        \
                    __FILE__, __LINE__, #a, a_, b_);                          \
        CU_ASSERT(fabs(a_ - b_) <= lim_);                                     \
    } while (0)

/* A reproducible random stream (splitmix64): each test file keeps its own
 * state, so its sequence does not depend on the other suites. */
typedef struct UnitRng {
    uint64_t s;
} UnitRng;
uint64_t unit_next64(UnitRng *r);
double unit_urand(UnitRng *r);                 /* uniform in [0, 1), 53 bits */
uint32_t unit_irand(UnitRng *r, uint32_t n);   /* uniform in 0..n−1 */
/* k distinct values in 0..n−1 into q */
void unit_distinct(UnitRng *r, uint32_t *q, uint32_t k, uint32_t n);
/* an angle: 30% a multiple of π/4 in −2π..2π, else uniform in (−4, 4) */
double unit_rand_angle(UnitRng *r);

/* Compiles a .qgd text held in a string; diagnostics go to *diag_out
 * (a malloc'd string, may be NULL). Returns the number of errors. */
int unit_compile(const char *text, ProblemSet *out, char **diag_out);
/* unit_compile that must succeed: prints the diagnostics and fails the
 * test (fatally) on any error. */
void unit_compile_ok(const char *text, ProblemSet *out);
/* unit_compile_ok of a text holding exactly one gd problem, returned. */
GdProblem *unit_compile_gd(const char *text, ProblemSet *out);

#endif
