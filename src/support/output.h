/* output.h — output files (-o, --report, plots) that respect what they
 * write to and never leave half a file behind.
 *
 * What happens depends on what the path names, followed through symbolic
 * links (the links are kept; the file they lead to is written):
 *   "-"                       standard output, written directly;
 *   a regular file, or none   a temporary file beside it, renamed over it
 *                             by out_commit (atomic: readers see the old
 *                             file or the whole new one; a replaced file
 *                             keeps its permission bits);
 *   a device, FIFO or socket  opened and written directly, never replaced;
 *   a directory               refused (EISDIR).
 * Every failure (open, write, flush, close, rename) is reported by these
 * functions themselves, as "qgdc: error: cannot write 'PATH': REASON", so
 * a caller only returns its exit status 1. */
#ifndef QGDC_OUTPUT_H
#define QGDC_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct OutFile {
    FILE *fp;
    char *path;   /* as the user gave it (for messages) */
    char *target; /* the file that is replaced, links followed; NULL when written directly */
    char *tmp;    /* the temporary beside target; NULL when written directly */
    bool is_stdout;
} OutFile;

/* Opens PATH for writing; false (with a message) when it cannot. */
bool out_open(OutFile *o, const char *path);
/* Flushes and closes, renames the temporary over the target; false (with a
 * message, the temporary removed, the target untouched) on any error. */
bool out_commit(OutFile *o);
/* Closes and removes the temporary; the target is untouched. */
void out_abort(OutFile *o);

/* Standard output written by printf and friends: call once at start-up.
 * Ignores SIGPIPE (a closed pipe becomes the error EPIPE) and, at exit,
 * flushes stdout and turns any write error into a message and exit
 * status 1, as a failed -o does. */
void out_guard_stdout(void);

#endif
