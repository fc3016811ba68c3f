/* pass_error.c — the passes' one way to refuse (see pass_error.h). */
#include "passes/pass_error.h"
#include "support/diag.h"
#include "support/util.h"

#include <stdarg.h>

bool pass_error(char **err, const char *fmt, ...)
{
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (err)
        *err = b.s;
    else {
        diag_plain("%s", b.s);
        sb_free(&b);
    }
    return false;
}
