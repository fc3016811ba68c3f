/* qgd_fuzz.c — libFuzzer harness for the .qgd front end (make fuzz).
 *
 * Every input runs the whole front end as `qgdc check` does: lexer, parser,
 * semantic analysis and the problem IR, then both output forms (text dump and
 * JSON) of whatever was built. Data files are disabled and the evaluation,
 * expansion and memory limits are small, so that no input can take long or
 * use much memory; everything else is exactly the code of the real binary.
 * A crash, a sanitizer report, a leak, an ICE (abort) or a timeout here is a
 * bug in qgdc. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/ast.h"
#include "frontend/data.h"
#include "frontend/poly.h"
#include "frontend/sema.h"
#include "ir/problem.h"
#include "support/diag.h"
#include "support/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void setup(void)
{
    devnull = fopen("/dev/null", "w");
    if (!devnull) {
        perror("qgd_fuzz: /dev/null");
        abort();
    }
    diag_set_stream(devnull);
    data_files_allowed = false;
    sema_limits.max_steps = 200000;
    poly_limits.max_terms = 10000;
    mem_set_budget((size_t)64 << 20);
}

/* Numbers the text and JSON forms of ps would print. */
static size_t output_size(const ProblemSet *ps)
{
    size_t total = 0;
    for (int i = 0; i < ps->ngd; i++) {
        const GdProblem *p = ps->gd[i];
        total += p->n;
        if (p->xi)
            total += (size_t)p->T * p->n;
        for (unsigned l = 0; l <= p->q; l++)
            total += p->F[l].nnz * (l + 2);
    }
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();
    diag_reset();

    SrcFile *src = srcfile_from_string("fuzz.qgd", (const char *)data, size);
    ParseResult *pr = parse_qgd(src);
    ProblemSet ps;
    if (pr->nerrors == 0 && sema_build(pr, ".", &ps)) {
        /* The output is linear in the problem's size, which the memory
         * budget alone allows to reach millions of numbers (8 MB of noise
         * is a 20-byte input): printing those takes the fuzzer seconds and
         * tests nothing new, so only moderate problems are printed. */
        if (output_size(&ps) <= 100000) {
            problem_set_dump(&ps, devnull);
            problem_set_json(&ps, devnull);
        }
        problem_set_free(&ps);
    }
    parse_result_free(pr);
    srcfile_free(src);
    return 0;
}
