/* diag.c — see diag.h. */
#include "support/diag.h"
#include "support/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

static FILE *stream;
static int nerrors;
static int limit = 50;

/* A UTF-8 byte-order mark at the start is not part of the text: dropped, so
 * that columns on line 1 count from the first character the user sees. */
static void drop_bom(SrcFile *f)
{
    if (f->len >= 3 && memcmp(f->text, "\xef\xbb\xbf", 3) == 0) {
        memmove(f->text, f->text + 3, f->len - 3 + 1);
        f->len -= 3;
    }
}

SrcFile *srcfile_load(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        return NULL;
    SrcFile *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(strcmp(path, "-") ? path : "<stdin>");
    f->text = text;
    f->len = len;
    drop_bom(f);
    return f;
}

SrcFile *srcfile_from_string(const char *name, const char *text, size_t len)
{
    SrcFile *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(name);
    f->text = xmalloc(len + 1);
    memcpy(f->text, text, len);
    f->text[len] = 0;
    f->len = len;
    drop_bom(f);
    return f;
}

void srcfile_free(SrcFile *f)
{
    if (!f)
        return;
    free(f->name);
    free(f->text);
    free(f);
}

static FILE *out(void) { return stream ? stream : stderr; }

/* Prints the source line of loc and a caret under the span. */
static void quote_line(Loc loc)
{
    const SrcFile *f = loc.file;
    if (!f || loc.line < 1)
        return;
    const char *p = f->text, *end = f->text + f->len;
    for (int l = 1; l < loc.line && p < end; p++)
        if (*p == '\n')
            l++;
    if (p >= end && loc.line > 1 && !(p == end && p > f->text && p[-1] == '\n'))
        return;
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
    FILE *o = out();
    fprintf(o, "%5d | ", loc.line);
    for (const char *c = p; c < eol; c++)
        fputc((*c == 0 || (unsigned char)*c < 0x20) && *c != '\t' ? ' ' : *c, o);
    fputs("\n      | ", o);
    /* columns count bytes; a UTF-8 continuation byte takes no screen column */
    int col = loc.col < 1 ? 1 : loc.col;
    for (int i = 1; i < col; i++) {
        unsigned char ch = p + i - 1 < eol ? (unsigned char)p[i - 1] : ' ';
        if ((ch & 0xc0) != 0x80)
            fputc(ch == '\t' ? '\t' : ' ', o);
    }
    fputc('^', o);
    if (loc.end_line == loc.line)
        for (int i = col + 1; i <= loc.end_col && p + i - 1 < eol; i++)
            if (((unsigned char)p[i - 1] & 0xc0) != 0x80)
                fputc('~', o);
    fputc('\n', o);
}

static void vreport(const char *kind, Loc loc, const char *fmt, va_list ap)
{
    FILE *o = out();
    if (loc.file)
        fprintf(o, "%s:%d:%d: %s: ", loc.file->name, loc.line, loc.col, kind);
    else
        fprintf(o, "qgdc: %s: ", kind);
    vfprintf(o, fmt, ap);
    fputc('\n', o);
    quote_line(loc);
}

void diag_error(Loc loc, const char *fmt, ...)
{
    nerrors++;
    if (nerrors > limit) {
        if (nerrors == limit + 1)
            fprintf(out(), "qgdc: too many errors; further errors are not shown\n");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vreport("error", loc, fmt, ap);
    va_end(ap);
}

void gmp_diag_error(Loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (gmp_vasprintf(&msg, fmt, ap) < 0)
        ICE("gmp_vasprintf failed");
    va_end(ap);
    diag_error(loc, "%s", msg);
    void (*gfree)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &gfree);
    gfree(msg, strlen(msg) + 1);
}

void diag_note(Loc loc, const char *fmt, ...)
{
    if (nerrors > limit)
        return;
    va_list ap;
    va_start(ap, fmt);
    vreport("note", loc, fmt, ap);
    va_end(ap);
}

void diag_warning(Loc loc, const char *fmt, ...)
{
    if (nerrors > limit)
        return;
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", loc, fmt, ap);
    va_end(ap);
}

void diag_plain(const char *fmt, ...)
{
    nerrors++;
    va_list ap;
    va_start(ap, fmt);
    fputs("qgdc: error: ", out());
    vfprintf(out(), fmt, ap);
    fputc('\n', out());
    va_end(ap);
}

bool diag_refuse(char **err, const char *fmt, ...)
{
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (err) {
        *err = b.s;
    } else {
        diag_plain("%s", b.s);
        sb_free(&b);
    }
    return false;
}

int diag_error_count(void) { return nerrors; }
void diag_reset(void) { nerrors = 0; }
void diag_set_stream(FILE *fp) { stream = fp; }
void diag_set_limit(int n) { limit = n; }
