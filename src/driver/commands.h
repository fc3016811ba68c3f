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

/* The technique options of compile, run and estimate (--algorithm,
 * --amplify, --data-loading, --readout, --max-logical-qubits): the
 * command line's choice, applied over each problem's options (the
 * command line wins). -1 / 0: not given. */
typedef struct TechniqueArgs {
    int algorithm, amplify, data_loading, readout, solver;
    long long max_logical_qubits;
} TechniqueArgs;
enum { O_T_ALGORITHM = 700, O_T_AMPLIFY, O_T_LOADING, O_T_READOUT, O_T_MAXQ, O_T_SOLVER };
#define TECHNIQUE_LONGOPTS                                                                                         \
    {"algorithm", required_argument, NULL, O_T_ALGORITHM}, {"amplify", required_argument, NULL, O_T_AMPLIFY},     \
        {"data-loading", required_argument, NULL, O_T_LOADING}, {"readout", required_argument, NULL, O_T_READOUT}, \
        {"max-logical-qubits", required_argument, NULL, O_T_MAXQ}, {"solver", required_argument, NULL, O_T_SOLVER}
/* Their --help lines. */
#define TECHNIQUE_HELP                                                                                              \
    "  --algorithm A     best (default): the cheapest techniques that meet the\n"                                \
    "                    precision; paper: the papers' algorithm as written\n"                                  \
    "  --amplify M       none | exact | fixed_point amplitude amplification\n"                                  \
    "  --data-loading D  unary | qroam table look-ups (structured encoding)\n"                                   \
    "  --readout R       shadows | l2_sampling | amplitude_estimation\n"                                        \
    "  --max-logical-qubits N  logical-qubit budget (QROAM block size)\n"                                \
    "  --solver S        qpe (phase estimation, the paper's) | qsvt (polynomial\n"                          \
    "                    filtered inverse by singular value transformation)\n"
void technique_args_init(TechniqueArgs *t);
/* 0 handled, 1 not a technique option, 2 a bad value (message printed). */
int technique_option(const char *cmd, int c, const char *arg, TechniqueArgs *t);
/* The choices given, over o (each marks its option set). */
void technique_args_apply(const TechniqueArgs *t, Options *o);
/* The same over every problem of a set. */
void technique_args_apply_all(const TechniqueArgs *t, ProblemSet *ps);

int cmd_check(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_qasm(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_synth(int argc, char **argv);

#endif
