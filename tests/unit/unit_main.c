/* unit_main.c — CUnit runner. Every tests/unit/test_*.c file defines one or
 * more functions `void suite_NAME(void)` that add a suite; the Makefile
 * collects their names into unit_suites.h, so a new test file needs no
 * edit here. Run from the tests/ directory (data paths are relative).
 * Arguments, when given, name the suites to run (e.g. `unit_tests qsolve`). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define SUITE(name) void name(void);
#include "unit_suites.h"
#undef SUITE

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define SUITE(name) name();
#include "unit_suites.h"
#undef SUITE
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            CU_pSuite su = CU_get_suite(argv[i]);
            if (!su) {
                fprintf(stderr, "unit: no suite named '%s'\n", argv[i]);
                CU_cleanup_registry();
                return 2;
            }
            CU_basic_run_suite(su);
        }
    } else {
        CU_basic_run_tests();
    }
    unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    printf("unit: %u tests run, %u failures\n", ran, failed);
    return failed ? 1 : 0;
}
