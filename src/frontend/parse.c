/* parse.c — drives the flex scanner and bison parser over one source text,
 * and keeps the lexer's position and bracket bookkeeping. */
#include "frontend/ast.h"
#include "frontend/lex_state.h"
#include "qgd_parser.h"
#define YYSTYPE QGD_STYPE
#define YYLTYPE QGD_LTYPE
#include "qgd_lexer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void apply_close(LexState *s, char ch);

void lex_advance(LexState *s, QgdLoc *loc, const char *text, int len)
{
    if (s->pending_close) { /* see lex_close */
        apply_close(s, s->pending_close);
        s->pending_close = 0;
    }
    loc->first_line = s->line;
    loc->first_column = s->col;
    for (int i = 0; i < len; i++) {
        if (text[i] == '\n') {
            s->line++;
            s->col = 1;
        } else {
            s->col++;
        }
    }
    loc->last_line = s->line;
    loc->last_column = s->col - 1;
    if (len > 0 && text[len - 1] == '\n') { /* a token never ends on a newline, but be exact */
        loc->last_line = loc->first_line;
        loc->last_column = loc->first_column;
    }
    if (len > 0 && !strchr(" \t\r\n#", text[0])) {
        s->prev_tok = s->last_tok;
        s->last_tok = *loc;
    }
}

void lex_error(LexState *s, const QgdLoc *loc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(lex_loc(s, loc), "%s", msg);
    s->errors++;
    s->lex_error_line = loc->first_line;
}

Loc lex_loc(const LexState *s, const QgdLoc *l)
{
    Loc loc = {s->src, l->first_line, l->first_column, l->last_line, l->last_column};
    return loc;
}

void lex_open(LexState *s, char ch, const QgdLoc *loc)
{
    if (s->nopen == s->capopen) {
        s->capopen = s->capopen ? 2 * s->capopen : 16;
        s->open = xrealloc(s->open, sizeof *s->open * (size_t)s->capopen);
    }
    s->open[s->nopen].ch = ch;
    s->open[s->nopen].loc = *loc;
    s->nopen++;
}

/* A closing bracket closes the innermost bracket of its kind, and with it
 * anything left open inside (which the parser has reported already). A ';'
 * cannot stand inside '(' or '[', so it closes those back to the last '{'.
 * This keeps the stack right after error recovery, so that the note on a
 * later error names the bracket that is really open. The bracket closes
 * only when the next token is read: if the parser rejects the closing token
 * itself, its note must still see the bracket open. */
void lex_close(LexState *s, char ch) { s->pending_close = ch; }

static void apply_close(LexState *s, char ch)
{
    char want = ch == ')' ? '(' : ch == ']' ? '[' : ch == '}' ? '{' : 0;
    for (int i = s->nopen - 1; i >= 0; i--) {
        if (want && s->open[i].ch == want) {
            s->nopen = i;
            return;
        }
        if (s->open[i].ch == '{') { /* nothing of this kind open in this block */
            if (ch == ';')
                s->nopen = i + 1;
            return;
        }
    }
    if (ch == ';')
        s->nopen = 0;
}

ParseResult *parse_qgd(SrcFile *src)
{
    ParseResult *r = xcalloc(1, sizeof *r);
    r->src = src;
    int before = diag_error_count();

    ParserState ps;
    memset(&ps, 0, sizeof ps);
    ps.lex.src = src;
    ps.lex.arena = &r->arena;
    ps.lex.line = 1;
    ps.lex.col = 1;
    ps.prog = &r->prog;

    yyscan_t scanner;
    if (qgd_lex_init_extra((LexState *)&ps, &scanner) != 0)
        ICE("cannot initialise the scanner");
    YY_BUFFER_STATE buf = qgd__scan_bytes(src->text, (int)src->len, scanner);
    qgd_parse(scanner);
    qgd__delete_buffer(buf, scanner);
    qgd_lex_destroy(scanner);
    free(ps.lex.open);
    r->nerrors = diag_error_count() - before;
    return r;
}

void parse_result_free(ParseResult *r)
{
    if (!r)
        return;
    arena_free(&r->arena);
    free(r);
}
