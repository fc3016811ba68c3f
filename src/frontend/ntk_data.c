/* ntk_data.c — see ntk_data.h. */
#include "frontend/ntk_data.h"
#include "frontend/data.h"
#include "support/util.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static char *full_path(const char *path, const char *base_dir)
{
    StrBuf b = {0};
    if (path[0] != '/' && base_dir && base_dir[0])
        sb_printf(&b, "%s/%s", base_dir, path);
    else
        sb_puts(&b, path);
    return b.s;
}

static bool budget_ok(uint64_t bytes, Loc use, const char *shown, const char *what)
{
    if (bytes <= mem_budget())
        return true;
    char b1[32], b2[32];
    diag_error(use, "'%s': %s would need %s of memory; the limit is %s", shown, what, mem_human((double)bytes, b1, sizeof b1),
               mem_human((double)mem_budget(), b2, sizeof b2));
    return false;
}

/* ---- IDX ---- */

static const char *idx_type_name(unsigned t)
{
    switch (t) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "short";
    case 0x0C: return "int";
    case 0x0D: return "float";
    case 0x0E: return "double";
    default: return "unknown";
    }
}

/* gzread of len bytes (any size); returns the bytes read, -1 on an error. */
static int64_t gz_read_all(gzFile g, unsigned char *buf, uint64_t len)
{
    uint64_t got = 0;
    while (got < len) {
        uint64_t want = len - got;
        unsigned chunk = want > (1u << 30) ? (1u << 30) : (unsigned)want;
        int r = gzread(g, buf + got, chunk);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (uint64_t)r;
    }
    return (int64_t)got;
}

/* After a short or failed read: is the gzip stream itself broken? Writes
 * the reason into why. */
static bool gz_broken(gzFile g, const char *path, char *why, size_t len)
{
    int errnum = Z_OK;
    const char *msg = gzerror(g, &errnum);
    if (errnum == Z_OK || errnum == Z_STREAM_END)
        return false;
    size_t pl = strlen(path); /* zlib writes "path: message" */
    if (!strncmp(msg, path, pl) && msg[pl] == ':' && msg[pl + 1] == ' ')
        msg += pl + 2;
    snprintf(why, len, "%s", errnum == Z_ERRNO ? strerror(errno) : msg);
    return true;
}

bool idx_read(const char *path, const char *shown, Loc use, unsigned ndims_want, IdxHeader *h, unsigned char **data)
{
    *data = NULL;
    memset(h, 0, sizeof *h);
    if (!data_files_allowed) {
        diag_error(use, "data files are disabled in this build");
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        diag_error(use, "cannot read '%s': it is a directory", path);
        return false;
    }
    gzFile g = gzopen(path, "rb");
    if (!g) {
        diag_error(use, "cannot read '%s': %s", path, errno ? strerror(errno) : "out of memory");
        return false;
    }
    char why[200];
    const char *kind = ndims_want == 1 ? "labels" : "images";
    unsigned char head[4];
    int64_t got = gz_read_all(g, head, 4);
    if (got < 0 || (got < 4 && gz_broken(g, path, why, sizeof why))) {
        if (got >= 0)
            diag_error(use, "'%s': the gzip data is corrupt (%s)", shown, why);
        else
            diag_error(use, "'%s': cannot read the file (%s)", shown, gz_broken(g, path, why, sizeof why) ? why : "read error");
        gzclose(g);
        return false;
    }
    if (got < 4) {
        diag_error(use, "'%s' is not an IDX file: it has only %lld byte%s, less than the 4-byte magic number", shown,
                   (long long)got, got == 1 ? "" : "s");
        gzclose(g);
        return false;
    }
    if (head[0] != 0 || head[1] != 0 || head[3] == 0 || head[3] > 8) {
        diag_error(use,
                   "'%s' is not an IDX file: its magic number is 0x%02x%02x%02x%02x; an IDX %s file starts with "
                   "0x0000 0x08 0x0%u (two zero bytes, the data type, the number of dimensions)",
                   shown, head[0], head[1], head[2], head[3], kind, ndims_want == 1 ? 1u : 3u);
        gzclose(g);
        return false;
    }
    h->type = head[2];
    h->ndims = head[3];
    if (h->type != 0x08) {
        diag_error(use, "'%s': IDX data type 0x%02x (%s) is not supported; qgdc reads unsigned-byte IDX files (type 0x08)",
                   shown, h->type, idx_type_name(h->type));
        gzclose(g);
        return false;
    }
    if (ndims_want == 1 && h->ndims != 1) {
        diag_error(use, "'%s' has %u dimensions, so it holds images, not labels (magic number 0x0000080%u; a labels file "
                        "has 0x00000801): are the images and labels files swapped?",
                   shown, h->ndims, h->ndims);
        gzclose(g);
        return false;
    }
    if (ndims_want >= 2 && h->ndims < 2) {
        diag_error(use, "'%s' has 1 dimension, so it holds labels, not images (magic number 0x00000801; an images file "
                        "has 0x00000803): are the images and labels files swapped?",
                   shown);
        gzclose(g);
        return false;
    }
    unsigned char dimbytes[32];
    got = gz_read_all(g, dimbytes, 4ull * h->ndims);
    if (got < (int64_t)(4 * h->ndims)) {
        if (got >= 0 && gz_broken(g, path, why, sizeof why))
            diag_error(use, "'%s': the gzip data is corrupt or truncated (%s)", shown, why);
        else
            diag_error(use, "'%s' is truncated: it ends inside its header (%u dimension sizes of 4 bytes each)", shown,
                       h->ndims);
        gzclose(g);
        return false;
    }
    h->item = 1;
    for (unsigned k = 0; k < h->ndims; k++) {
        const unsigned char *b = dimbytes + 4 * k;
        h->dims[k] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (k > 0) {
            if (h->dims[k] == 0) {
                diag_error(use, "'%s': dimension %u of its header is 0", shown, k + 1);
                gzclose(g);
                return false;
            }
            h->item *= h->dims[k];
            if (h->item > UINT32_MAX) {
                diag_error(use, "'%s': an item of %u dimensions is larger than qgdc reads (more than 2^32 values)", shown,
                           h->ndims);
                gzclose(g);
                return false;
            }
        }
    }
    h->count = h->dims[0];
    uint64_t total = h->count * h->item;
    if (!budget_ok(total, use, shown, "reading the file")) {
        gzclose(g);
        return false;
    }
    unsigned char *buf = xmalloc(total ? total : 1);
    got = gz_read_all(g, buf, total);
    if (got < 0 || (uint64_t)got < total) {
        uint64_t have = got < 0 ? 0 : (uint64_t)got;
        const char *unit = ndims_want == 1 ? "label" : "image";
        if (gz_broken(g, path, why, sizeof why))
            diag_error(use, "'%s': the gzip data is corrupt or truncated (%s) after %llu of the %llu %ss its header declares",
                       shown, why, (unsigned long long)(have / h->item), (unsigned long long)h->count, unit);
        else
            diag_error(use, "'%s' is truncated: its header declares %llu %ss (%llu bytes) but the data ends after %llu bytes",
                       shown, (unsigned long long)h->count, unit, (unsigned long long)total, (unsigned long long)have);
        free(buf);
        gzclose(g);
        return false;
    }
    unsigned char extra;
    int more = gzread(g, &extra, 1);
    if (more != 0) {
        if (more < 0 && gz_broken(g, path, why, sizeof why))
            diag_error(use, "'%s': the gzip data is corrupt (%s)", shown, why);
        else
            diag_error(use, "'%s' has more data than its header declares (%llu %s of %llu bytes)", shown,
                       (unsigned long long)h->count, ndims_want == 1 ? "labels" : "images", (unsigned long long)h->item);
        free(buf);
        gzclose(g);
        return false;
    }
    gzclose(g);
    *data = buf;
    return true;
}

/* ---- choosing the examples ---- */

/* Labels of every record in the file, and where the features are. */
typedef struct RawSet {
    uint64_t count;   /* records */
    uint32_t d;       /* features per record */
    double *label;    /* [count] */
    /* feature j of record r: idx: bytes[r*d + j]; csv: values[r*(d+1) + 1 + j] */
    const unsigned char *bytes;
    const double *values;
    const int *line;  /* csv: the line of each record */
} RawSet;

static double feature(const RawSet *r, uint64_t rec, uint32_t j)
{
    return r->bytes ? (double)r->bytes[rec * r->d + j] : r->values[rec * (r->d + 1) + 1 + j];
}

static void where(const NtkLoadSpec *sp, const RawSet *r, uint64_t rec, char *buf, size_t len)
{
    if (r->line)
        snprintf(buf, len, "line %d of '%s'", r->line[rec], sp->path);
    else
        snprintf(buf, len, "image %llu of '%s' (counting from 0)", (unsigned long long)rec, sp->path);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* "0 1 2 3" — the distinct labels of the file, for an error message. */
static void label_list(const RawSet *r, char *buf, size_t len)
{
    double *v = xmalloc((r->count ? r->count : 1) * sizeof *v);
    memcpy(v, r->label, r->count * sizeof *v);
    qsort(v, r->count, sizeof *v, cmp_double);
    size_t pos = 0, shown = 0;
    buf[0] = 0;
    for (uint64_t k = 0; k < r->count && pos + 40 < len; k++) {
        if (k && v[k] == v[k - 1])
            continue;
        char b[40];
        pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", shown ? " " : "", fmt_double(v[k], b, sizeof b));
        shown++;
        if (shown == 20 && pos + 5 < len) {
            snprintf(buf + pos, len - pos, " ...");
            break;
        }
    }
    free(v);
}

static bool choose(const NtkLoadSpec *sp, const RawSet *r, NtkData *out)
{
    char b1[40], b2[40], place[300];
    double pos, neg;
    const char *lab_file = sp->labels_path ? sp->labels_path : sp->path;
    Loc lab_loc = sp->labels_path ? sp->labels_loc : sp->path_loc;
    if (sp->has_classes) {
        pos = sp->classes[0];
        neg = sp->classes[1];
    } else {
        pos = 1;
        neg = -1;
        for (uint64_t k = 0; k < r->count; k++)
            if (r->label[k] != 1 && r->label[k] != -1) {
                where(sp, r, k, place, sizeof place);
                diag_error(lab_loc, "%s has label %s; without 'classes = [a, b]' every label must be 1 or -1", place,
                           fmt_double(r->label[k], b1, sizeof b1));
                return false;
            }
    }
    uint64_t npos = 0, nneg = 0;
    for (uint64_t k = 0; k < r->count; k++) {
        npos += r->label[k] == pos;
        nneg += r->label[k] == neg;
    }
    if (npos == 0 || nneg == 0) {
        char labels[400];
        label_list(r, labels, sizeof labels);
        double missing = npos == 0 ? pos : neg;
        diag_error(sp->has_classes ? sp->classes_loc : lab_loc, "class %s has no examples in '%s' (its labels: %s)",
                   fmt_double(missing, b1, sizeof b1), lab_file, labels);
        return false;
    }
    uint64_t avail = npos + nneg;
    if (avail > UINT32_MAX) {
        diag_error(sp->call_loc, "'%s' has %llu examples of the two classes, more than qgdc takes (2^32 - 1)", lab_file,
                   (unsigned long long)avail);
        return false;
    }
    uint32_t *cand = xmalloc(avail * sizeof *cand);
    uint32_t nc = 0;
    for (uint64_t k = 0; k < r->count; k++)
        if (r->label[k] == pos || r->label[k] == neg)
            cand[nc++] = (uint32_t)k;
    uint32_t n = nc;
    uint32_t *pick = cand;
    if (sp->has_n) {
        if (sp->n > nc) {
            diag_error(sp->n_loc, "n = %u is more than the %u examples of classes %s and %s in '%s'", sp->n, nc,
                       fmt_double(pos, b1, sizeof b1), fmt_double(neg, b2, sizeof b2), lab_file);
            free(cand);
            return false;
        }
        n = sp->n;
        pick = xmalloc((n ? n : 1) * sizeof *pick);
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(g, (unsigned long)sp->seed);
        gsl_ran_choose(g, pick, n, cand, nc, sizeof *cand); /* keeps file order */
        gsl_rng_free(g);
    }
    if (sp->need_both) {
        uint32_t p = 0;
        for (uint32_t i = 0; i < n; i++)
            p += r->label[pick[i]] == pos;
        if (p == 0 || p == n) {
            diag_error(sp->has_n ? sp->n_loc : sp->call_loc,
                       "the %s examples (%u, seed %llu) are all of class %s: the two classes need at least one example "
                       "each; choose another seed or a larger n",
                       sp->what, n, (unsigned long long)sp->seed, fmt_double(p ? pos : neg, b1, sizeof b1));
            if (pick != cand)
                free(pick);
            free(cand);
            return false;
        }
    }
    size_t values;
    if (!size_mul(n, r->d, &values) || !budget_ok((uint64_t)values * sizeof(double), sp->call_loc, sp->path, "these examples")) {
        if (pick != cand)
            free(pick);
        free(cand);
        return false;
    }
    double *x = xmalloc((values ? values : 1) * sizeof *x);
    double *y = xmalloc((n ? n : 1) * sizeof *y);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t rec = pick[i];
        double *row = x + (size_t)i * r->d;
        double nn = 0, big = 0;
        for (uint32_t j = 0; j < r->d; j++) {
            row[j] = feature(r, rec, j);
            if (fabs(row[j]) > big)
                big = fabs(row[j]);
        }
        if (big == 0) {
            where(sp, r, rec, place, sizeof place);
            diag_error(sp->path_loc, "the %s example from %s is all zeros: it cannot be projected onto the unit sphere",
                       sp->what, place);
            free(x);
            free(y);
            if (pick != cand)
                free(pick);
            free(cand);
            return false;
        }
        for (uint32_t j = 0; j < r->d; j++) { /* scaled first: no overflow for huge CSV values */
            double t = row[j] / big;
            nn += t * t;
        }
        double norm = big * sqrt(nn);
        for (uint32_t j = 0; j < r->d; j++)
            row[j] /= norm;
        y[i] = r->label[rec] == pos ? 1.0 : -1.0;
    }
    if (sp->delta) {
        uint32_t a, b;
        *sp->delta = ntk_separability(x, n, r->d, &a, &b);
        if (*sp->delta <= 1e-12) {
            char p2[300];
            where(sp, r, pick[a], place, sizeof place);
            where(sp, r, pick[b], p2, sizeof p2);
            diag_error(sp->has_n ? sp->n_loc : sp->path_loc,
                       "%s examples %u and %u (%s, %s) are parallel, |x_i.x_j| = 1: the separability delta is 0 "
                       "(Assumption I.2 needs delta > 0) and the NTK matrix is singular; %s",
                       sp->what, a, b, place, p2,
                       sp->has_n ? "choose another seed" : "remove one of them");
            free(x);
            free(y);
            if (pick != cand)
                free(pick);
            free(cand);
            return false;
        }
        *sp->delta_i = a;
        *sp->delta_j = b;
    }
    out->label_pos = pos;
    out->label_neg = neg;
    out->classes_given = sp->has_classes;
    out->subset = sp->has_n;
    out->seed = sp->has_n ? sp->seed : 0;
    out->available = nc;
    out->n = n;
    out->d = r->d;
    out->record = xmalloc((n ? n : 1) * sizeof *out->record);
    memcpy(out->record, pick, n * sizeof *pick);
    out->x = x;
    out->y = y;
    if (pick != cand)
        free(pick);
    free(cand);
    return true;
}

/* ---- the two sources ---- */

static bool load_idx(const NtkLoadSpec *sp, const char *base_dir, NtkData *out)
{
    char *ipath = full_path(sp->path, base_dir), *lpath = full_path(sp->labels_path, base_dir);
    IdxHeader hi, hl;
    unsigned char *img = NULL, *lab = NULL;
    bool ok = idx_read(lpath, sp->labels_path, sp->labels_loc, 1, &hl, &lab) &&
              idx_read(ipath, sp->path, sp->path_loc, 3, &hi, &img);
    if (ok && hi.count != hl.count) {
        diag_error(sp->call_loc, "the files disagree: '%s' has %llu images but '%s' has %llu labels", sp->path,
                   (unsigned long long)hi.count, sp->labels_path, (unsigned long long)hl.count);
        ok = false;
    }
    if (ok) {
        RawSet r = {0};
        r.count = hl.count;
        r.d = (uint32_t)hi.item;
        r.label = xmalloc((r.count ? r.count : 1) * sizeof *r.label);
        for (uint64_t k = 0; k < r.count; k++)
            r.label[k] = lab[k];
        r.bytes = img;
        ok = choose(sp, &r, out);
        free(r.label);
    }
    free(img);
    free(lab);
    free(ipath);
    free(lpath);
    return ok;
}

/* The lines of the data rows (not blank, not a '#' comment), in order, as
 * data_parse_csv counts rows; returns how many there are. */
static size_t csv_row_lines(const SrcFile *f, int **lines_out)
{
    size_t k = 0, cap = 64;
    int *line = xmalloc(cap * sizeof *line);
    int ln = 1;
    const char *p = f->text, *end = f->text + f->len;
    while (p < end) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q != '\n' && *q != '#') {
            if (k == cap)
                line = xrealloc(line, (cap *= 2) * sizeof *line);
            line[k++] = ln;
        }
        while (p < end && *p != '\n')
            p++;
        if (p < end)
            p++;
        ln++;
    }
    *lines_out = line;
    return k;
}

static bool load_csv(const NtkLoadSpec *sp, const char *base_dir, NtkData *out)
{
    if (!data_files_allowed) {
        diag_error(sp->path_loc, "data files are disabled in this build");
        return false;
    }
    char *path = full_path(sp->path, base_dir);
    struct stat st;
    SrcFile *f = NULL;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        errno = EISDIR;
    else
        f = srcfile_load(path);
    if (!f) {
        diag_error(sp->path_loc, "cannot read '%s': %s", path, strerror(errno));
        free(path);
        return false;
    }
    free(path);
    Array a;
    if (!data_parse_csv(f, &a)) {
        diag_note(sp->path_loc, "the %s set is read from this file", sp->what);
        srcfile_free(f);
        return false;
    }
    int *lines;
    size_t nlines = csv_row_lines(f, &lines);
    /* a single row or a single column comes back as a vector: the number of
     * data lines tells them apart */
    size_t rows = a.rank == 2 ? a.dim[0] : nlines == 1 ? 1 : a.dim[0];
    size_t cols = a.rank == 2 ? a.dim[1] : nlines == 1 ? a.dim[0] : 1;
    bool ok = true;
    if (rows != nlines)
        ICE("csv rows %zu, data lines %zu", rows, nlines);
    if (cols < 2) {
        diag_error(sp->path_loc, "'%s' has one column; each row of an ntk data file is a label followed by at least one "
                                 "feature",
                   sp->path);
        ok = false;
    } else if (cols - 1 > UINT32_MAX) {
        diag_error(sp->path_loc, "'%s' has too many columns", sp->path);
        ok = false;
    }
    if (ok) {
        RawSet r = {0};
        r.count = rows;
        r.d = (uint32_t)(cols - 1);
        r.label = xmalloc(rows * sizeof *r.label);
        for (size_t k = 0; k < rows; k++)
            r.label[k] = a.v[k * cols];
        r.values = a.v;
        r.line = lines;
        ok = choose(sp, &r, out);
        free(r.label);
    }
    free(lines);
    array_free(&a);
    srcfile_free(f);
    return ok;
}

bool ntk_load(const NtkLoadSpec *spec, const char *base_dir, NtkData *out)
{
    memset(out, 0, sizeof *out);
    bool ok = spec->source == NTK_SOURCE_IDX ? load_idx(spec, base_dir, out) : load_csv(spec, base_dir, out);
    if (!ok) {
        ntk_data_free(out);
        return false;
    }
    out->source = spec->source;
    out->path = xstrdup(spec->path);
    out->labels_path = spec->labels_path ? xstrdup(spec->labels_path) : NULL;
    out->loc = spec->call_loc;
    return true;
}
