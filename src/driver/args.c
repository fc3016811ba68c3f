/* args.c — helpers shared by the subcommands' option parsing. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/commands.h"
#include "frontend/sema.h"
#include "support/diag.h"

bool arg_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

bool arg_whole(const char *s, double lo, double hi, double *out)
{
    double v;
    if (!arg_number(s, lo, hi, &v) || v != floor(v))
        return false;
    *out = v;
    return true;
}

void print_error_count(const char *path)
{
    int n = diag_error_count();
    fprintf(stderr, "%s: %d error%s\n", strcmp(path, "-") ? path : "<stdin>", n, n == 1 ? "" : "s");
}

bool load_qgd(const char *path, ProblemSet *ps, SrcFile **src)
{
    if (frontend_load(path, ps, src))
        return true;
    print_error_count(path);
    srcfile_free(*src);
    *src = NULL;
    return false;
}
