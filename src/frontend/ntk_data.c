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

/* ---- a bounded reader: a plain file or gzip (one member or several),
 * never more than input_limit() bytes from the file ---- */

enum { RD_OK, RD_CORRUPT, RD_IO, RD_LIMIT };

typedef struct Reader {
    FILE *fp;
    bool gz;          /* inflating */
    bool z_ready;     /* z initialised */
    bool at_member;   /* gz: before a member's header (the next member, or trailing bytes) */
    bool eof;         /* no more data */
    int status;       /* RD_*: why a read stopped short */
    char why[200];    /* RD_CORRUPT, RD_IO: the reason */
    z_stream z;       /* next_in/avail_in: the unread input, in both modes */
    uint64_t raw;     /* bytes read from the file */
    uint64_t limit;
    unsigned char *in;
} Reader;

enum { RD_CHUNK = 1 << 16 };

/* Appends to the unread input (moved to the front of the buffer); false at
 * the end of the file or on an error (status set). */
static bool rd_fill(Reader *r)
{
    size_t keep = r->z.avail_in;
    if (keep)
        memmove(r->in, r->z.next_in, keep);
    r->z.next_in = r->in;
    errno = 0;
    size_t n = fread(r->in + keep, 1, RD_CHUNK - keep, r->fp);
    if (n == 0) {
        if (ferror(r->fp)) {
            r->status = RD_IO;
            snprintf(r->why, sizeof r->why, "%s", strerror(errno ? errno : EIO));
        }
        return false;
    }
    r->raw += n;
    r->z.avail_in = (uInt)(keep + n);
    if (r->raw > r->limit) {
        r->status = RD_LIMIT;
        return false;
    }
    return true;
}

/* gz: at a member boundary, is a gzip header next? Bytes that are not one
 * end the data, as zlib's gzread ignores trailing garbage. */
static bool rd_gzip_next(Reader *r)
{
    while (r->z.avail_in < 2 && rd_fill(r))
        ;
    return r->status == RD_OK && r->z.avail_in >= 2 && r->z.next_in[0] == 0x1f && r->z.next_in[1] == 0x8b;
}

/* Opens path: 0, or an errno (EISDIR, EFBIG for a regular file over the
 * limit, or fopen's). */
static int rd_open(Reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->limit = input_limit();
    r->fp = fopen(path, "rb");
    if (!r->fp)
        return errno ? errno : EIO;
    struct stat st;
    int err = 0;
    if (fstat(fileno(r->fp), &st) == 0) {
        if (S_ISDIR(st.st_mode))
            err = EISDIR;
        else if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uintmax_t)st.st_size > r->limit)
            err = EFBIG; /* refused unread */
    }
    if (err) {
        fclose(r->fp);
        r->fp = NULL;
        return err;
    }
    r->in = xmalloc(RD_CHUNK);
    r->z.next_in = r->in;
    if (rd_gzip_next(r)) {
        if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) /* gzip only */
            ICE("inflateInit2 failed");
        r->gz = r->z_ready = true;
    }
    return 0;
}

static void rd_close(Reader *r)
{
    if (r->z_ready)
        inflateEnd(&r->z);
    if (r->fp)
        fclose(r->fp);
    free(r->in);
    memset(r, 0, sizeof *r);
}

/* Reads up to len bytes; fewer at the end of the data or when status says
 * why (RD_CORRUPT for a gzip stream that is damaged or cut short). */
static uint64_t rd_read(Reader *r, unsigned char *buf, uint64_t len)
{
    uint64_t got = 0;
    while (got < len && r->status == RD_OK && !r->eof) {
        if (r->gz && r->at_member) {
            if (!rd_gzip_next(r)) {
                r->eof = true;
                break;
            }
            inflateReset(&r->z);
            r->at_member = false;
        }
        if (r->z.avail_in == 0 && !rd_fill(r)) {
            if (r->status == RD_OK && r->gz) {
                r->status = RD_CORRUPT;
                snprintf(r->why, sizeof r->why, "unexpected end of file");
            }
            r->eof = true;
            break;
        }
        uint64_t want = len - got;
        if (!r->gz) {
            size_t n = want < r->z.avail_in ? (size_t)want : r->z.avail_in;
            memcpy(buf + got, r->z.next_in, n);
            r->z.next_in += n;
            r->z.avail_in -= (uInt)n;
            got += n;
            continue;
        }
        r->z.next_out = buf + got;
        r->z.avail_out = want > (1u << 30) ? (1u << 30) : (uInt)want;
        uInt before = r->z.avail_out;
        int zr = inflate(&r->z, Z_NO_FLUSH);
        got += before - r->z.avail_out;
        if (zr == Z_STREAM_END)
            r->at_member = true;
        else if (zr == Z_MEM_ERROR)
            ICE("zlib: out of memory");
        else if (zr != Z_OK && zr != Z_BUF_ERROR) { /* Z_BUF_ERROR: needs more input */
            r->status = RD_CORRUPT;
            snprintf(r->why, sizeof r->why, "%s", r->z.msg ? r->z.msg : "invalid data");
        }
    }
    return got;
}

/* The reason a read stopped short, for RD_IO and RD_LIMIT. */
static const char *rd_why(const Reader *r)
{
    return r->status == RD_LIMIT ? read_error(EFBIG) : r->why;
}

/* An IDX file open after its header, its data unread. */
typedef struct IdxFile {
    Reader rd;
    const char *path, *shown;
    Loc use;
    unsigned ndims_want;
    IdxHeader h;
    uint64_t total; /* data bytes: count·item */
} IdxFile;

/* Reports a read of the header that stopped short for a reason other than
 * the end of the file; false if it did stop at the end. */
static bool header_read_failed(IdxFile *x, const char *corrupt_fmt)
{
    const char *shown = x->shown;
    if (x->rd.status == RD_CORRUPT)
        diag_error(x->use, corrupt_fmt, shown, x->rd.why);
    else if (x->rd.status != RD_OK)
        diag_error(x->use, "'%s': cannot read the file (%s)", shown, rd_why(&x->rd));
    return x->rd.status != RD_OK;
}

/* Opens an IDX file and reads and checks its header: the magic number,
 * the data type, the dimensions. Reports and returns false (x closed) on an error. */
static bool idx_open(IdxFile *x, const char *path, const char *shown, Loc use, unsigned ndims_want)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    x->shown = shown;
    x->use = use;
    x->ndims_want = ndims_want;
    IdxHeader *h = &x->h;
    if (!data_files_allowed) {
        diag_error(use, "data files are disabled in this build");
        return false;
    }
    int err = rd_open(&x->rd, path);
    if (err) {
        diag_error(use, "cannot read '%s': %s", path, err == EISDIR ? "it is a directory" : read_error(err));
        return false;
    }
    const char *kind = ndims_want == 1 ? "labels" : "images";
    unsigned char head[4];
    uint64_t got = rd_read(&x->rd, head, 4);
    if (got < 4 && header_read_failed(x, "'%s': the gzip data is corrupt (%s)"))
        goto fail;
    if (got < 4) {
        diag_error(use, "'%s' is not an IDX file: it has only %llu byte%s, less than the 4-byte magic number", shown,
                   (unsigned long long)got, got == 1 ? "" : "s");
        goto fail;
    }
    if (head[0] != 0 || head[1] != 0 || head[3] == 0 || head[3] > 8) {
        diag_error(use,
                   "'%s' is not an IDX file: its magic number is 0x%02x%02x%02x%02x; an IDX %s file starts with "
                   "0x0000 0x08 0x0%u (two zero bytes, the data type, the number of dimensions)",
                   shown, head[0], head[1], head[2], head[3], kind, ndims_want == 1 ? 1u : 3u);
        goto fail;
    }
    h->type = head[2];
    h->ndims = head[3];
    if (h->type != 0x08) {
        diag_error(use, "'%s': IDX data type 0x%02x (%s) is not supported; qgdc reads unsigned-byte IDX files (type 0x08)",
                   shown, h->type, idx_type_name(h->type));
        goto fail;
    }
    if (ndims_want == 1 && h->ndims != 1) {
        diag_error(use, "'%s' has %u dimensions, so it holds images, not labels (magic number 0x0000080%u; a labels file "
                        "has 0x00000801): are the images and labels files swapped?",
                   shown, h->ndims, h->ndims);
        goto fail;
    }
    if (ndims_want >= 2 && h->ndims < 2) {
        diag_error(use, "'%s' has 1 dimension, so it holds labels, not images (magic number 0x00000801; an images file "
                        "has 0x00000803): are the images and labels files swapped?",
                   shown);
        goto fail;
    }
    unsigned char dimbytes[32];
    got = rd_read(&x->rd, dimbytes, 4ull * h->ndims);
    if (got < 4ull * h->ndims) {
        if (!header_read_failed(x, "'%s': the gzip data is corrupt or truncated (%s)"))
            diag_error(use, "'%s' is truncated: it ends inside its header (%u dimension sizes of 4 bytes each)", shown,
                       h->ndims);
        goto fail;
    }
    h->item = 1;
    for (unsigned k = 0; k < h->ndims; k++) {
        const unsigned char *b = dimbytes + 4 * k;
        h->dims[k] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (k > 0) {
            if (h->dims[k] == 0) {
                diag_error(use, "'%s': dimension %u of its header is 0", shown, k + 1);
                goto fail;
            }
            h->item *= h->dims[k];
            if (h->item > UINT32_MAX) {
                diag_error(use, "'%s': an item of %u dimensions is larger than qgdc reads (more than 2^32 values)", shown,
                           h->ndims);
                goto fail;
            }
        }
    }
    h->count = h->dims[0];
    x->total = h->count * h->item; /* < 2^64: both factors < 2^32 */
    return true;
fail:
    rd_close(&x->rd);
    return false;
}

/* The declared data size against the input limit (on an open file; closed
 * on an error). */
static bool idx_size_ok(IdxFile *x)
{
    const IdxHeader *h = &x->h;
    const char *shown = x->shown;
    Loc use = x->use;
    if (x->total > x->rd.limit) {
        char b1[32], b2[32];
        if (x->ndims_want == 1)
            diag_error(use, "'%s': its header declares %llu labels (%s), more than the input limit of %s (QGDC_MAX_INPUT "
                            "sets it)",
                       shown, (unsigned long long)h->count, mem_human((double)x->total, b1, sizeof b1),
                       mem_human((double)x->rd.limit, b2, sizeof b2));
        else
            diag_error(use, "'%s': its header declares %llu images of %llu bytes (%s), more than the input limit of %s "
                            "(QGDC_MAX_INPUT sets it)",
                       shown, (unsigned long long)h->count, (unsigned long long)h->item,
                       mem_human((double)x->total, b1, sizeof b1), mem_human((double)x->rd.limit, b2, sizeof b2));
        rd_close(&x->rd);
        return false;
    }
    return true;
}

/* Reads the data of an open IDX file (count·item bytes, then nothing more)
 * into *data, malloc'd; closes x. Reports and returns false on an error. */
static bool idx_data(IdxFile *x, unsigned char **data)
{
    const IdxHeader *h = &x->h;
    const char *shown = x->shown;
    Loc use = x->use;
    uint64_t total = x->total;
    *data = NULL;
    if (!budget_ok(total, use, shown, "reading the file")) {
        rd_close(&x->rd);
        return false;
    }
    unsigned char *buf = xmalloc(total ? total : 1);
    uint64_t got = rd_read(&x->rd, buf, total);
    if (got < total) {
        const char *unit = x->ndims_want == 1 ? "label" : "image";
        if (x->rd.status == RD_CORRUPT)
            diag_error(use, "'%s': the gzip data is corrupt or truncated (%s) after %llu of the %llu %ss its header declares",
                       shown, x->rd.why, (unsigned long long)(got / h->item), (unsigned long long)h->count, unit);
        else if (x->rd.status != RD_OK)
            diag_error(use, "'%s': cannot read the file (%s)", shown, rd_why(&x->rd));
        else
            diag_error(use, "'%s' is truncated: its header declares %llu %ss (%llu bytes) but the data ends after %llu bytes",
                       shown, (unsigned long long)h->count, unit, (unsigned long long)total, (unsigned long long)got);
        free(buf);
        rd_close(&x->rd);
        return false;
    }
    unsigned char extra;
    if (rd_read(&x->rd, &extra, 1) != 0) {
        diag_error(use, "'%s' has more data than its header declares (%llu %s of %llu bytes)", shown,
                   (unsigned long long)h->count, x->ndims_want == 1 ? "labels" : "images", (unsigned long long)h->item);
        free(buf);
        rd_close(&x->rd);
        return false;
    }
    if (x->rd.status != RD_OK) {
        if (x->rd.status == RD_CORRUPT)
            diag_error(use, "'%s': the gzip data is corrupt (%s)", shown, x->rd.why);
        else
            diag_error(use, "'%s': cannot read the file (%s)", shown, rd_why(&x->rd));
        free(buf);
        rd_close(&x->rd);
        return false;
    }
    rd_close(&x->rd);
    *data = buf;
    return true;
}

bool idx_read(const char *path, const char *shown, Loc use, unsigned ndims_want, IdxHeader *h, unsigned char **data)
{
    *data = NULL;
    IdxFile x;
    bool ok = idx_open(&x, path, shown, use, ndims_want) && idx_size_ok(&x) && idx_data(&x, data);
    *h = x.h;
    return ok;
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
    IdxFile fi, fl;
    unsigned char *img = NULL, *lab = NULL;
    /* both headers first: their counts and sizes are checked before any data is read */
    bool lopen = idx_open(&fl, lpath, sp->labels_path, sp->labels_loc, 1);
    bool iopen = lopen && idx_open(&fi, ipath, sp->path, sp->path_loc, 3);
    bool ok = iopen;
    if (ok && fi.h.count != fl.h.count) {
        diag_error(sp->call_loc, "the files disagree: '%s' has %llu images but '%s' has %llu labels", sp->path,
                   (unsigned long long)fi.h.count, sp->labels_path, (unsigned long long)fl.h.count);
        ok = false;
    }
    if (ok && !idx_size_ok(&fl))
        ok = lopen = false;
    if (ok && !idx_size_ok(&fi))
        ok = iopen = false;
    /* the two files' data, and a label of 8 bytes per record */
    if (ok && !budget_ok(fi.total + fl.total + 8 * fl.h.count, sp->call_loc, sp->path, "reading the images and labels"))
        ok = false;
    if (ok) {
        lopen = false;
        ok = idx_data(&fl, &lab);
    }
    if (ok) {
        iopen = false;
        ok = idx_data(&fi, &img);
    }
    if (lopen)
        rd_close(&fl.rd);
    if (iopen)
        rd_close(&fi.rd);
    if (ok) {
        RawSet r = {0};
        r.count = fl.h.count;
        r.d = (uint32_t)fi.h.item;
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
    SrcFile *f = srcfile_load(path);
    if (!f) {
        diag_error(sp->path_loc, "cannot read '%s': %s", path, read_error(errno));
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
    /* the line and the label of each row, beside the text and the values */
    size_t rows_max = a.rank == 2 ? a.dim[0] : a.dim[0] + 1;
    if (!budget_ok((uint64_t)f->len + (uint64_t)array_size(&a) * sizeof(double) +
                       (uint64_t)rows_max * (sizeof(int) + sizeof(double)),
                   sp->path_loc, sp->path, "reading the file")) {
        array_free(&a);
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
