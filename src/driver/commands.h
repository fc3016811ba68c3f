/* commands.h — the subcommands of qgdc, one function each. */
#ifndef QGDC_COMMANDS_H
#define QGDC_COMMANDS_H

#include <stdbool.h>

#include "ir/problem.h"
#include "support/diag.h"

/* A command-line number: the whole of s, finite, within [lo, hi]. */
bool arg_number(const char *s, double lo, double hi, double *out);
/* The same for a whole number within [lo, hi] (exponent notation allowed: 1e6). */
bool arg_whole(const char *s, double lo, double hi, double *out);

/* "FILE: N errors" on stderr, after the diagnostics of a failed load. */
void print_error_count(const char *path);
/* frontend_load with that summary on failure (*src is then freed, NULL). */
bool load_qgd(const char *path, ProblemSet *ps, SrcFile **src);

int cmd_check(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_qasm(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_estimate(int argc, char **argv);

#endif
