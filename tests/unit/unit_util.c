/* unit_util.c — helpers shared by the CUnit tests. */
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int unit_compile(const char *text, ProblemSet *out, char **diag_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    diag_set_stream(mem);
    diag_reset();
    SrcFile *src = srcfile_from_string("test.qgd", text, strlen(text));
    ParseResult *pr = parse_qgd(src);
    bool ok = pr->nerrors == 0 && sema_build(pr, "data", out);
    if (!ok)
        memset(out, 0, sizeof *out);
    parse_result_free(pr);
    srcfile_free(src);
    fclose(mem);
    diag_set_stream(NULL);
    int n = diag_error_count();
    diag_reset();
    if (diag_out)
        *diag_out = buf;
    else
        free(buf);
    return n;
}

void unit_compile_ok(const char *text, ProblemSet *out)
{
    char *diag = NULL;
    int nerr = unit_compile(text, out, &diag);
    if (nerr)
        fprintf(stderr, "\n  compile failed:\n%s\n", diag ? diag : "");
    free(diag);
    CU_ASSERT_EQUAL_FATAL(nerr, 0);
}

GdProblem *unit_compile_gd(const char *text, ProblemSet *out)
{
    unit_compile_ok(text, out);
    CU_ASSERT_EQUAL_FATAL(out->ngd, 1);
    return out->gd[0];
}

uint64_t unit_next64(UnitRng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double unit_urand(UnitRng *r) { return (double)(unit_next64(r) >> 11) * 0x1p-53; }

uint32_t unit_irand(UnitRng *r, uint32_t n) { return (uint32_t)(unit_next64(r) % n); }

void unit_distinct(UnitRng *r, uint32_t *q, uint32_t k, uint32_t n)
{
    for (uint32_t i = 0; i < k; i++) {
        bool again;
        do {
            q[i] = unit_irand(r, n);
            again = false;
            for (uint32_t j = 0; j < i; j++)
                again = again || q[j] == q[i];
        } while (again);
    }
}

double unit_rand_angle(UnitRng *r)
{
    const double pi = 3.14159265358979323846;
    return unit_urand(r) < 0.3 ? (double)((int)unit_irand(r, 17) - 8) * pi / 4 : (2 * unit_urand(r) - 1) * 4;
}
