/* util.c — see util.h. */
#include "support/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ice_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "qgdc: internal compiler error at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nThis is a bug in qgdc; please report it with the input file.\n", stderr);
    abort();
}

static _Noreturn void out_of_memory(size_t n)
{
    char buf[32];
    fprintf(stderr, "qgdc: error: out of memory allocating %s\n", mem_human((double)n, buf, sizeof buf));
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

bool size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

bool size_add(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return false;
    *out = a + b;
    return true;
}

static size_t budget;

static size_t parse_bytes(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v <= 0)
        return 0;
    switch (*end) {
    case 'k': case 'K': v *= 1024.0; break;
    case 'm': case 'M': v *= 1024.0 * 1024.0; break;
    case 'g': case 'G': v *= 1024.0 * 1024.0 * 1024.0; break;
    default: break;
    }
    return v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v;
}

size_t mem_budget(void)
{
    if (budget == 0) {
        long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
        budget = (pages > 0 && psize > 0) ? (size_t)pages * (size_t)psize : (size_t)8 << 30;
        const char *env = getenv("QGDC_MEM_LIMIT");
        size_t lim = env ? parse_bytes(env) : 0;
        if (lim && lim < budget)
            budget = lim;
    }
    return budget;
}

void mem_set_budget(size_t bytes) { budget = bytes; }

const char *mem_human(double bytes, char *buf, size_t len)
{
    static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 6) {
        bytes /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%.0f bytes", bytes);
    else if (bytes >= 1e6)
        snprintf(buf, len, "%.3g %s", bytes, unit[u]);
    else
        snprintf(buf, len, "%.1f %s", bytes, unit[u]);
    return buf;
}

/* ---- arena ---- */

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, cap;
    max_align_t data[];
};

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    ArenaBlock *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

void arena_free(Arena *a)
{
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- strings ---- */

static void sb_reserve(StrBuf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + extra + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
}

void sb_putc(StrBuf *b, char c)
{
    sb_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}

void sb_puts(StrBuf *b, const char *s)
{
    size_t n = strlen(s);
    sb_reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void sb_vprintf(StrBuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        ICE("bad format '%s'", fmt);
    sb_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_printf(StrBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void sb_free(StrBuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

const char *fmt_double(double x, char *buf, size_t len)
{
    if (x == 0.0) { /* print -0 as 0: the sign of zero carries no meaning here */
        snprintf(buf, len, "0");
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* ---- bounded reads ---- */

#define INPUT_LIMIT_CAP ((size_t)256 << 20)

static size_t input_set;

size_t input_limit(void)
{
    size_t lim = input_set;
    if (lim == 0) {
        const char *env = getenv("QGDC_MAX_INPUT");
        lim = env ? parse_bytes(env) : 0;
    }
    if (lim == 0) {
        lim = mem_budget() / 8;
        if (lim > INPUT_LIMIT_CAP)
            lim = INPUT_LIMIT_CAP;
    }
    if (lim > mem_budget())
        lim = mem_budget();
    return lim;
}

void input_set_limit(size_t bytes) { input_set = bytes; }

const char *read_error(int err)
{
    static char buf[160];
    if (err != EFBIG)
        return strerror(err);
    char h[32];
    snprintf(buf, sizeof buf, "it is larger than the input limit of %s (QGDC_MAX_INPUT sets it)",
             mem_human((double)input_limit(), h, sizeof h));
    return buf;
}

char *read_file(const char *path, size_t *len_out)
{
    bool from_stdin = strcmp(path, "-") == 0;
    FILE *fp = from_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t limit = input_limit();
    size_t cap = 65536; /* bytes the buffer holds, the NUL included */
    struct stat st;
    if (fstat(fileno(fp), &st) == 0) {
        int err = 0;
        if (S_ISDIR(st.st_mode))
            err = EISDIR;
        else if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uintmax_t)st.st_size > limit)
            err = EFBIG; /* a regular file says its size: refused unread */
        if (err) {
            if (!from_stdin)
                fclose(fp);
            errno = err;
            return NULL;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            cap = (size_t)st.st_size + 1; /* the whole file, if it does not grow */
    }
    if (cap > limit + 2)
        cap = limit + 2;
    char *buf = xmalloc(cap);
    size_t len = 0;
    int err = 0;
    errno = 0;
    /* never more than limit + 1 bytes: the one byte over says the file is too large */
    for (;;) {
        if (len + 1 == cap) {
            int c = getc(fp); /* full: is there more? */
            if (c == EOF)
                break;
            if (cap == limit + 2) {
                err = EFBIG;
                break;
            }
            size_t ncap = cap < (SIZE_MAX - 2) / 2 ? 2 * cap : SIZE_MAX - 1;
            if (ncap > limit + 2)
                ncap = limit + 2;
            buf = xrealloc(buf, ncap);
            cap = ncap;
            buf[len++] = (char)c;
            continue;
        }
        size_t want = cap - 1 - len, n = fread(buf + len, 1, want, fp);
        len += n;
        if (n < want) /* the end of the file, or an error */
            break;
    }
    if (!err && ferror(fp))
        err = errno ? errno : EIO;
    if (from_stdin)
        clearerr(fp);
    else
        fclose(fp);
    if (!err && len > limit)
        err = EFBIG;
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    buf[len] = 0;
    if (len_out)
        *len_out = len;
    return buf;
}

double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}
