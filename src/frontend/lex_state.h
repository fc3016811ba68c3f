/* lex_state.h — state shared by the lexer and the parser: position, the
 * arena for token text, and the stack of open brackets. */
#ifndef QGDC_LEX_STATE_H
#define QGDC_LEX_STATE_H

#include "frontend/ast.h"

typedef struct QgdLoc {
    int first_line, first_column, last_line, last_column;
} QgdLoc;

typedef struct OpenBracket {
    char ch;
    QgdLoc loc;
} OpenBracket;

typedef struct LexState {
    const SrcFile *src;
    Arena *arena;
    int line, col; /* position of the next character */
    int errors;
    OpenBracket *open;
    int nopen, capopen;
    char pending_close; /* closing token seen, not yet applied */
    QgdLoc last_tok, prev_tok; /* the latest token and the one before it */
    int lex_error_line;        /* line of the latest lexical error, 0 if none */
} LexState;

void lex_advance(LexState *s, QgdLoc *loc, const char *text, int len);
Loc lex_loc(const LexState *s, const QgdLoc *loc);
void lex_open(LexState *s, char ch, const QgdLoc *loc);
void lex_close(LexState *s, char ch);
/* Reports a lexical error at loc and remembers its line: a syntax error
 * the bad token causes on that line is not reported again. */
void lex_error(LexState *s, const QgdLoc *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
