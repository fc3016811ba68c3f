/* unit_util.c — helpers shared by the CUnit tests. */
#include "unit.h"

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
