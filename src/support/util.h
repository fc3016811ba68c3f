/* util.h — allocation, arenas, growable strings, memory guards and the ICE
 * macro. Everything else in qgdc stands on this file; it knows nothing of
 * the compiler's IRs. */
#ifndef QGDC_UTIL_H
#define QGDC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An internal compiler error: a bug in qgdc, never the user's fault. */
#define ICE(...) ice_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void ice_at(const char *file, int line, const char *fmt, ...);

/* Allocation that never returns NULL: running out of memory ends the run
 * with a message (sizes are checked against the memory budget before any
 * large allocation, so this is a last line of defence). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Overflow-checked size arithmetic: false when the result does not fit. */
bool size_mul(size_t a, size_t b, size_t *out);
bool size_add(size_t a, size_t b, size_t *out);

/* Seconds on the monotonic clock (for intervals: progress bars, timings). */
double monotonic_seconds(void);

/* Memory budget. Default: the machine's physical memory; the environment
 * variable QGDC_MEM_LIMIT (bytes, with optional K/M/G suffix) lowers it. */
size_t mem_budget(void);
void mem_set_budget(size_t bytes);
/* Writes "1.5 GiB" style text for a byte count into buf. */
const char *mem_human(double bytes, char *buf, size_t len);

/* Arena: many small allocations freed together. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
} Arena;
void *arena_alloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* Growable string. */
typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;
void sb_putc(StrBuf *b, char c);
void sb_puts(StrBuf *b, const char *s);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *b, const char *fmt, va_list ap);
void sb_free(StrBuf *b);

/* qsort comparator of uint32_t. */
int cmp_u32(const void *a, const void *b);

/* Shortest "%.Ng" text (N = 15..17) that reads back as exactly x. */
const char *fmt_double(double x, char *buf, size_t len);

/* Input limit: the most bytes qgdc reads from any one input or data file
 * (for a gzip file, the most it inflates to as well). Default: an eighth of
 * the memory budget, at most 256 MiB; the environment variable
 * QGDC_MAX_INPUT (bytes, with optional K/M/G suffix) sets it, never above
 * the memory budget. input_set_limit(0) returns to the default. */
size_t input_limit(void);
void input_set_limit(size_t bytes);

/* Reads a whole file; "-" is standard input. The size is checked while
 * reading: a file larger than input_limit() is refused with errno EFBIG
 * after at most input_limit() + 1 bytes (at once for a regular file). NULL
 * and errno set on failure. */
char *read_file(const char *path, size_t *len_out);

/* The reason for a read_file error, for "cannot read 'F': %s": strerror,
 * except that EFBIG names the input limit and how to change it. */
const char *read_error(int err);

/* Output files: support/output.h. */
#include "support/output.h"

#endif
