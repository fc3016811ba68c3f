/* diag.h — the one diagnostic format of qgdc:
 *     file:line:col: error: message
 *      3 |     eta = -0.1;
 *        |           ^~~~
 * Every object that came from the user's text carries a Loc, so any pass
 * can point back at it. Errors are counted; callers stop at phase ends. */
#ifndef QGDC_DIAG_H
#define QGDC_DIAG_H

#include <stdbool.h>
#include <stdio.h>

/* A source text kept in memory for the lifetime of the compilation, so
 * that diagnostics can quote the offending line. */
typedef struct SrcFile {
    char *name; /* as given by the user */
    char *text; /* NUL-terminated */
    size_t len;
} SrcFile;

typedef struct Loc {
    const SrcFile *file; /* NULL: no location (command line) */
    int line, col;       /* 1-based */
    int end_line, end_col; /* last column of the span, inclusive */
} Loc;

/* Reads a source file with read_file (bounded by input_limit(); "-" is
 * standard input, named "<stdin>"); NULL with errno on failure (EFBIG: over
 * the limit, see read_error). A UTF-8 byte-order mark at the start is
 * dropped, here and in srcfile_from_string, so columns count from the
 * first visible character. */
SrcFile *srcfile_load(const char *path);
SrcFile *srcfile_from_string(const char *name, const char *text, size_t len);
void srcfile_free(SrcFile *f);

void diag_error(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* diag_error with GMP's format (%Zd for an mpz_t). */
void gmp_diag_error(Loc loc, const char *fmt, ...);
void diag_note(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A located warning: printed like an error, not counted as one. */
void diag_warning(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Errors that have no place in a file (command line, I/O). */
void diag_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* How a function refuses work a user's input caused (a size beyond the
 * memory budget, a singular system): the message goes to *err, malloc'd,
 * for the caller to print and free; with err == NULL it is reported with
 * diag_plain. Always returns false. */
bool diag_refuse(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int diag_error_count(void);
void diag_reset(void);
/* Where diagnostics go (default stderr); tests capture them. */
void diag_set_stream(FILE *fp);
/* Stop printing after this many errors (default 50); later ones are counted. */
void diag_set_limit(int n);

#endif
