/* data.c — see data.h. */
#include "frontend/data.h"
#include "support/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool data_files_allowed = true;

void array_free(Array *a)
{
    free(a->v);
    free(a->ri);
    free(a->ci);
    free(a->sv);
    memset(a, 0, sizeof *a);
}

size_t array_size(const Array *a)
{
    size_t n = 1;
    for (int i = 0; i < a->rank; i++)
        n *= a->dim[i];
    return n;
}

double array_get(const Array *a, const size_t *idx)
{
    if (a->rank == 0)
        return a->v[0];
    if (a->rank == 1)
        return a->v[idx[0]];
    if (a->v)
        return a->v[idx[0] * a->dim[1] + idx[1]];
    /* sparse: binary search over (row, col) */
    size_t lo = 0, hi = a->nnz;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->ri[mid] < idx[0] || (a->ri[mid] == idx[0] && a->ci[mid] < idx[1]))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < a->nnz && a->ri[lo] == idx[0] && a->ci[lo] == idx[1])
        return a->sv[lo];
    return 0.0;
}

/* ---- a cursor over a text with line:col for errors ---- */

typedef struct Cursor {
    const SrcFile *f;
    const char *p, *end;
    int line, col;
} Cursor;

static Loc cur_loc(const Cursor *c, int width)
{
    Loc l = {c->f, c->line, c->col, c->line, c->col + (width > 0 ? width - 1 : 0)};
    return l;
}

static void cur_next(Cursor *c)
{
    if (*c->p == '\n') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    c->p++;
}

static void skip_blanks(Cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
        cur_next(c);
}

static int token_width(const Cursor *c)
{
    int w = 0;
    while (c->p + w < c->end && !isspace((unsigned char)c->p[w]) && c->p[w] != ',')
        w++;
    return w ? w : 1;
}

/* Reads a finite number at the cursor. */
static bool read_number(Cursor *c, double *out, const char *what)
{
    skip_blanks(c);
    if (c->p >= c->end || *c->p == '\n' || *c->p == ',') {
        diag_error(cur_loc(c, 1), "expected %s", what);
        return false;
    }
    char *endp;
    errno = 0;
    double v = strtod(c->p, &endp);
    int w = token_width(c);
    if (endp == c->p || (endp < c->end && !isspace((unsigned char)*endp) && *endp != ',')) {
        diag_error(cur_loc(c, w), "expected %s, found '%.*s'", what, w > 40 ? 40 : w, c->p);
        return false;
    }
    if (!isfinite(v)) {
        diag_error(cur_loc(c, w), "%s '%.*s' is not finite", what, w > 40 ? 40 : w, c->p);
        return false;
    }
    while (c->p < endp)
        cur_next(c);
    *out = v;
    return true;
}

static bool read_index(Cursor *c, unsigned long long *out, const char *what)
{
    skip_blanks(c);
    int w = token_width(c);
    if (c->p >= c->end || !isdigit((unsigned char)*c->p)) {
        diag_error(cur_loc(c, w), "expected %s", what);
        return false;
    }
    char *endp;
    errno = 0;
    unsigned long long v = strtoull(c->p, &endp, 10);
    if (errno == ERANGE || (endp < c->end && !isspace((unsigned char)*endp))) {
        diag_error(cur_loc(c, w), "%s '%.*s' is not a valid whole number", what, w > 40 ? 40 : w, c->p);
        return false;
    }
    while (c->p < endp)
        cur_next(c);
    *out = v;
    return true;
}

static void skip_line(Cursor *c)
{
    while (c->p < c->end && *c->p != '\n')
        cur_next(c);
    if (c->p < c->end)
        cur_next(c);
}

/* At the end of a line, after optional blanks. */
static bool at_eol(Cursor *c)
{
    skip_blanks(c);
    return c->p >= c->end || *c->p == '\n';
}

/* Where the file being parsed is named in the .qgd text (set by the
 * loaders; no file when parsing text given directly). */
static Loc named_at;

/* Checked before every allocation that grows with the file: count·elem
 * bytes, with the text of the file (held bytes) still in memory. A refusal
 * is reported in the data file, with a note at the .qgd text naming it. */
static bool check_alloc(size_t count, size_t elem, size_t held, Loc loc, const char *what)
{
    size_t bytes;
    if (!size_mul(count, elem, &bytes) || !size_add(bytes, held, &bytes) || bytes > mem_budget()) {
        char b1[32], b2[32];
        diag_error(loc, "%s would need %s of memory; the limit is %s", what,
                   mem_human((double)count * (double)elem + (double)held, b1, sizeof b1),
                   mem_human((double)mem_budget(), b2, sizeof b2));
        if (named_at.file)
            diag_note(named_at, "'%s' is read here", loc.file ? loc.file->name : "the file");
        return false;
    }
    return true;
}

/* At most how many items of at least `min` bytes each (a separator
 * included, except after the last) the rest of the text holds. */
static unsigned long long items_that_fit(const Cursor *c, size_t min)
{
    return ((unsigned long long)(c->end - c->p) + 1) / min;
}

/* ---- CSV ---- */

bool data_parse_csv(const SrcFile *f, Array *out)
{
    memset(out, 0, sizeof *out);
    Cursor c = {f, f->text, f->text + f->len, 1, 1};
    size_t rows = 0, cols = 0, n = 0, cap = 0;
    double *v = NULL;
    int first_row_line = 0;
    while (c.p < c.end) {
        skip_blanks(&c);
        if (c.p >= c.end)
            break;
        if (*c.p == '\n' || *c.p == '#') { /* blank line or comment */
            skip_line(&c);
            continue;
        }
        size_t k = 0;
        int line = c.line;
        for (;;) {
            double x;
            if (!read_number(&c, &x, "a number")) {
                free(v);
                return false;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                if (!check_alloc(cap, sizeof *v, f->len, cur_loc(&c, 1), "this file")) {
                    free(v);
                    return false;
                }
                v = xrealloc(v, cap * sizeof *v);
            }
            v[n++] = x;
            k++;
            skip_blanks(&c);
            if (c.p < c.end && *c.p == ',') {
                cur_next(&c);
                continue;
            }
            if (at_eol(&c))
                break;
            diag_error(cur_loc(&c, 1), "expected ',' or the end of the line");
            free(v);
            return false;
        }
        if (rows == 0) {
            cols = k;
            first_row_line = line;
        } else if (k != cols) {
            Loc l = {f, line, 1, line, 1};
            diag_error(l, "row has %zu values but the first row (line %d) has %zu", k, first_row_line, cols);
            free(v);
            return false;
        }
        rows++;
        skip_line(&c);
    }
    if (rows == 0) {
        Loc l = {f, 1, 1, 1, 1};
        diag_error(l, "the file has no data");
        free(v);
        return false;
    }
    out->v = v;
    if (rows == 1 || cols == 1) {
        out->rank = 1;
        out->dim[0] = rows * cols;
    } else {
        out->rank = 2;
        out->dim[0] = rows;
        out->dim[1] = cols;
    }
    return true;
}

/* ---- Matrix Market ---- */

typedef struct Coo {
    uint32_t r, c;
    double v;
    int line; /* where the entry was written */
} Coo;

static int cmp_coo(const void *a, const void *b)
{
    const Coo *x = a, *y = b;
    if (x->r != y->r)
        return x->r < y->r ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

static bool next_word(Cursor *c, char *buf, size_t len)
{
    skip_blanks(c);
    size_t k = 0;
    while (c->p < c->end && !isspace((unsigned char)*c->p)) {
        if (k + 1 < len)
            buf[k++] = *c->p;
        cur_next(c);
    }
    buf[k] = 0;
    return k > 0;
}

/* The banner and the size line of a Matrix Market file. */
typedef struct MtxHeader {
    bool coord, pattern;
    int sym; /* 0 general, 1 symmetric, −1 skew-symmetric */
    unsigned long long rows, cols, nnz;
    Loc sizeloc;
} MtxHeader;

/* Blank lines and % comments. */
static void skip_comments(Cursor *c)
{
    while (c->p < c->end) {
        skip_blanks(c);
        if (c->p < c->end && (*c->p == '\n' || *c->p == '%')) {
            skip_line(c);
            continue;
        }
        break;
    }
}

static bool mtx_header(const SrcFile *f, Cursor *c, MtxHeader *h)
{
        char w[5][32];
    Loc head = {f, 1, 1, 1, 14};
    if (!next_word(c, w[0], sizeof w[0]) || strcasecmp(w[0], "%%MatrixMarket") != 0) {
        diag_error(head, "not a Matrix Market file: the first line must start with '%%%%MatrixMarket'");
        return false;
    }
    for (int i = 1; i < 5; i++) {
        Loc l = cur_loc(c, 1);
        if (!next_word(c, w[i], sizeof w[i])) {
            diag_error(l, "incomplete Matrix Market header: expected 'matrix coordinate|array real|integer|pattern general|symmetric|skew-symmetric'");
            return false;
        }
    }
    Loc hl = {f, 1, 1, 1, 1};
    if (strcasecmp(w[1], "matrix") != 0) {
        diag_error(hl, "unsupported Matrix Market object '%s' (only 'matrix')", w[1]);
        return false;
    }
    h->coord = strcasecmp(w[2], "coordinate") == 0;
    if (!h->coord && strcasecmp(w[2], "array") != 0) {
        diag_error(hl, "unsupported Matrix Market format '%s' (expected 'coordinate' or 'array')", w[2]);
        return false;
    }
    h->pattern = strcasecmp(w[3], "pattern") == 0;
    if (!h->pattern && strcasecmp(w[3], "real") != 0 && strcasecmp(w[3], "integer") != 0 && strcasecmp(w[3], "double") != 0) {
        diag_error(hl, "unsupported Matrix Market field '%s' (expected real, integer or pattern)", w[3]);
        return false;
    }
    if (h->pattern && !h->coord) {
        diag_error(hl, "a 'pattern' matrix must be in coordinate format");
        return false;
    }
    h->sym = strcasecmp(w[4], "general") == 0 ? 0 : strcasecmp(w[4], "symmetric") == 0 ? 1
            : strcasecmp(w[4], "skew-symmetric") == 0 ? -1 : 2;
    if (h->sym == 2) {
        diag_error(hl, "unsupported Matrix Market symmetry '%s' (expected general, symmetric or skew-symmetric)", w[4]);
        return false;
    }
    skip_line(c);
    /* comments and blank lines before the size line */
    for (;;) {
        skip_blanks(c);
        if (c->p < c->end && (*c->p == '%' || *c->p == '\n')) {
            skip_line(c);
            continue;
        }
        break;
    }
    if (c->p >= c->end) {
        diag_error(cur_loc(c, 1), "file ends before the size line");
        return false;
    }
    h->nnz = 0;
    if (!read_index(c, &h->rows, "the number of rows") || !read_index(c, &h->cols, "the number of columns"))
        return false;
    if (h->coord && !read_index(c, &h->nnz, "the number of entries"))
        return false;
    h->sizeloc = (Loc){f, c->line, 1, c->line, 1};
    if (!at_eol(c)) {
        diag_error(cur_loc(c, 1), "unexpected text after the size line");
        return false;
    }
    if (h->rows == 0 || h->cols == 0 || h->rows > UINT32_MAX || h->cols > UINT32_MAX) {
        diag_error(h->sizeloc, "matrix size %llu x %llu is not supported (each side must be 1 .. %u)", h->rows, h->cols, UINT32_MAX);
        return false;
    }
    if (h->sym != 0 && h->rows != h->cols) {
        diag_error(h->sizeloc, "a symmetric matrix must be square, not %llu x %llu", h->rows, h->cols);
        return false;
    }
    skip_line(c);
    return true;
}

/* The array (dense) format: column-major values. */
static bool mtx_dense(const SrcFile *f, Cursor *c, const MtxHeader *h, Array *out)
{
    unsigned long long rows = h->rows, cols = h->cols;
    int sym = h->sym;
    Loc sizeloc = h->sizeloc;
    size_t total = (size_t)rows * (size_t)cols;
    /* the values the file must hold (symmetric: the lower triangle) */
    unsigned long long given = sym > 0 ? rows * (rows + 1) / 2 : sym < 0 ? rows * (rows - 1) / 2 : total;
    /* each value takes at least 2 bytes ("0\n"): a file too short for the
     * declared size is read without storing, to fail where it ends */
    bool fits = given <= items_that_fit(c, 2);
    if (fits && !check_alloc(total, sizeof(double), f->len, sizeloc, "this dense matrix"))
        return false;
    double *v = fits ? xcalloc(total, sizeof *v) : NULL;
    /* column-major; symmetric arrays store the lower triangle only */
    for (unsigned long long j = 0; j < cols; j++) {
        for (unsigned long long i = (sym ? j + (sym < 0) : 0); i < rows; i++) {
            skip_comments(c);
            if (c->p >= c->end) {
                diag_error(cur_loc(c, 1), "file ends before all %llu x %llu values were read", rows, cols);
                free(v);
                return false;
            }
            double x;
            if (!read_number(c, &x, "a matrix value")) {
                free(v);
                return false;
            }
            if (!v)
                continue;
            v[i * cols + j] = x;
            if (sym)
                v[j * cols + i] = sym > 0 ? x : -x;
        }
    }
    if (!v) /* cannot happen: the file was too short for all values */
        ICE("a %llu x %llu array read from %zu bytes", rows, cols, f->len);
    out->rank = 2;
    out->dim[0] = rows;
    out->dim[1] = cols;
    out->v = v;
    return true;
}

/* The coordinate (sparse) format: entries, checked and sorted. */
static bool mtx_sparse(const SrcFile *f, Cursor *c, const MtxHeader *h, Array *out)
{
    unsigned long long rows = h->rows, cols = h->cols, nnz = h->nnz;
    int sym = h->sym;
    bool pattern = h->pattern;
    Loc sizeloc = h->sizeloc;
    /* rows * cols < 2^64 (each side < 2^32) */
    if (nnz > (unsigned long long)rows * cols) {
        diag_error(sizeloc, "the size line declares %llu entries, more than the %llu places of a %llu x %llu matrix", nnz,
                   (unsigned long long)rows * cols, rows, cols);
        return false;
    }
    /* room for the entries the rest of the file can hold, at most: an entry
     * takes at least 4 bytes ("1 1\n") or 6 with a value ("1 1 0\n") */
    unsigned long long room = items_that_fit(c, pattern ? 4 : 6);
    size_t cap;
    if (!size_mul((size_t)(nnz < room ? nnz : room), sym ? 2 : 1, &cap))
        cap = SIZE_MAX;
    /* the entries, then the three arrays of the result beside them */
    if (!check_alloc(cap, sizeof(Coo) + 2 * sizeof(uint32_t) + sizeof(double), f->len, sizeloc, "this sparse matrix"))
        return false;
    Coo *e = xmalloc((cap ? cap : 1) * sizeof *e);
    size_t n = 0;
    for (unsigned long long k = 0; k < nnz; k++) {
        skip_comments(c);
        if (c->p >= c->end) {
            diag_error(cur_loc(c, 1), "file ends after %llu of the %llu entries declared on line %d", k, nnz, sizeloc.line);
            free(e);
            return false;
        }
        Loc el = cur_loc(c, 1);
        unsigned long long i, j;
        double x = 1.0;
        if (!read_index(c, &i, "a row index") || !read_index(c, &j, "a column index") ||
            (!pattern && !read_number(c, &x, "a matrix value"))) {
            free(e);
            return false;
        }
        if (!at_eol(c)) {
            diag_error(cur_loc(c, 1), "unexpected text after the entry");
            free(e);
            return false;
        }
        if (i < 1 || i > rows || j < 1 || j > cols) {
            diag_error(el, "entry (%llu, %llu) is outside the %llu x %llu matrix (indices start at 1)", i, j, rows, cols);
            free(e);
            return false;
        }
        if (sym && j > i) {
            diag_error(el, "entry (%llu, %llu) is above the diagonal of a symmetric matrix", i, j);
            free(e);
            return false;
        }
        if (n + (sym ? 2 : 1) > cap) /* cannot happen: cap counts what the file can hold */
            ICE("sparse matrix entries beyond the %zu the file can hold", cap);
        e[n++] = (Coo){(uint32_t)(i - 1), (uint32_t)(j - 1), x, el.line};
        if (sym && i != j)
            e[n++] = (Coo){(uint32_t)(j - 1), (uint32_t)(i - 1), sym > 0 ? x : -x, el.line};
        skip_line(c);
    }
    while (c->p < c->end) {
        skip_blanks(c);
        if (c->p < c->end && (*c->p == '\n' || *c->p == '%')) {
            skip_line(c);
            continue;
        }
        if (c->p < c->end) {
            diag_error(cur_loc(c, token_width(c)), "more entries than the %llu declared on line %d", nnz, sizeloc.line);
            free(e);
            return false;
        }
    }
    qsort(e, n, sizeof *e, cmp_coo);
    for (size_t k = 1; k < n; k++)
        if (e[k].r == e[k - 1].r && e[k].c == e[k - 1].c) {
            int first = e[k].line < e[k - 1].line ? e[k].line : e[k - 1].line;
            int second = e[k].line < e[k - 1].line ? e[k - 1].line : e[k].line;
            Loc l = {f, second, 1, second, 1}, l0 = {f, first, 1, first, 1};
            diag_error(l, "entry (%u, %u) appears twice", e[k].r + 1, e[k].c + 1);
            diag_note(l0, "first given here");
            free(e);
            return false;
        }
    out->rank = 2;
    out->dim[0] = rows;
    out->dim[1] = cols;
    out->nnz = n;
    out->ri = xmalloc((n ? n : 1) * sizeof *out->ri);
    out->ci = xmalloc((n ? n : 1) * sizeof *out->ci);
    out->sv = xmalloc((n ? n : 1) * sizeof *out->sv);
    for (size_t k = 0; k < n; k++) {
        out->ri[k] = e[k].r;
        out->ci[k] = e[k].c;
        out->sv[k] = e[k].v;
    }
    free(e);
    return true;
}

bool data_parse_mtx(const SrcFile *f, Array *out)
{
    memset(out, 0, sizeof *out);
    Cursor c = {f, f->text, f->text + f->len, 1, 1};
    MtxHeader h;
    if (!mtx_header(f, &c, &h))
        return false;
    return h.coord ? mtx_sparse(f, &c, &h, out) : mtx_dense(f, &c, &h, out);
}

/* ---- loaders ---- */

static bool load(const char *path, const char *base_dir, Loc use, Array *out, bool (*parse)(const SrcFile *, Array *))
{
    if (!data_files_allowed) {
        diag_error(use, "data files are disabled in this build");
        return false;
    }
    StrBuf full = {0};
    if (path[0] != '/' && base_dir && base_dir[0])
        sb_printf(&full, "%s/%s", base_dir, path);
    else
        sb_puts(&full, path);
    SrcFile *f = srcfile_load(full.s);
    if (!f) {
        diag_error(use, "cannot read '%s': %s", full.s, read_error(errno));
        sb_free(&full);
        return false;
    }
    sb_free(&full);
    named_at = use;
    bool ok = parse(f, out);
    named_at = (Loc){0};
    srcfile_free(f);
    return ok;
}

bool data_load_csv(const char *path, const char *base_dir, Loc use, Array *out)
{
    return load(path, base_dir, use, out, data_parse_csv);
}

bool data_load_mtx(const char *path, const char *base_dir, Loc use, Array *out)
{
    return load(path, base_dir, use, out, data_parse_mtx);
}
