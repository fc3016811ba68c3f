/* args.c — helpers shared by the subcommands' option parsing. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "driver/commands.h"

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
