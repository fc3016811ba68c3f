/* load.c — the front end in one call (frontend_load, declared in sema.h):
 * read a .qgd file, parse it, and build its problem set. */
#include "frontend/ast.h"
#include "frontend/sema.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool frontend_load(const char *path, ProblemSet *out, SrcFile **src_out)
{
    memset(out, 0, sizeof *out);
    *src_out = NULL;
    SrcFile *src = srcfile_load(path);
    if (!src) {
        diag_plain("cannot read '%s': %s", strcmp(path, "-") ? path : "<stdin>", read_error(errno));
        return false;
    }
    *src_out = src;
    if (src->len > (size_t)INT_MAX / 2) {
        diag_plain("'%s' is too large to be a .qgd file (%zu bytes)", path, src->len);
        return false;
    }
    ParseResult *pr = parse_qgd(src);
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    bool ok = pr->nerrors == 0;
    if (ok && pr->prog.nproblems == 0) {
        /* every command needs a problem: an empty file is bad input (exit 1) */
        Loc start = {src, 1, 1, 1, 1};
        if (pr->prog.globals.n) {
            Loc at = pr->prog.globals.v[0]->loc; /* the first constant */
            at.end_line = at.line, at.end_col = at.col;
            diag_error(at, "the file defines constants but no problem; it needs at least one problem, such as "
                           "'gd NAME { ... }' (or 'ntk', 'model')");
        } else if (src->text[strspn(src->text, " \t\r\n")] == 0)
            diag_error(start, "the file is empty; it needs at least one problem, such as 'gd NAME { ... }' (or 'ntk', "
                              "'model')");
        else
            diag_error(start, "the file has only comments, no problem; it needs at least one problem, such as "
                              "'gd NAME { ... }' (or 'ntk', 'model')");
        ok = false;
    }
    ok = ok && sema_build(pr, dir, out);
    free(dir);
    parse_result_free(pr);
    return ok;
}
