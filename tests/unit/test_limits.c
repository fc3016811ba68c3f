/* test_limits.c — bounded reads: the input limit and its setting
 * (QGDC_MAX_INPUT), read_file on regular files, devices and pipes and
 * standard input, the UTF-8 byte-order mark, and the data loaders' checks
 * of declared sizes before they allocate (Matrix Market, CSV, IDX plain and
 * gzip, several gzip members). */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "frontend/data.h"
#include "frontend/ntk_data.h"
#include "support/diag.h"
#include "support/util.h"

static char dir[64];

static const char *tmp(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    if (!dir[0]) {
        strcpy(dir, "/tmp/qgdc_limits_XXXXXX");
        CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    }
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static const char *const names[] = {"f", "bom.qgd", "d.csv", "d.mtx", "l.idx", "l.idx.gz", "i.idx.gz", "i.idx"};

static void cleanup(void)
{
    if (!dir[0])
        return;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        unlink(tmp(names[k]));
    rmdir(dir);
    dir[0] = 0;
}

static void write_file(const char *p, const void *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* n bytes of b as one gzip member, appended to p */
static void append_gzip(const char *p, const void *b, size_t n)
{
    gzFile g = gzopen(p, "ab");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(gzwrite(g, b, (unsigned)n), (int)n);
    gzclose(g);
}

/* diagnostics of the calls between capture() and captured() */
static char *cap_buf;
static size_t cap_len;
static FILE *cap_fp;

static void capture(void)
{
    cap_buf = NULL;
    cap_fp = open_memstream(&cap_buf, &cap_len);
    diag_set_stream(cap_fp);
}

static char *captured(void)
{
    fclose(cap_fp);
    diag_set_stream(NULL);
    diag_reset();
    return cap_buf ? cap_buf : strdup("");
}

static void expect_text(const char *text, const char *want)
{
    bool found = strstr(text, want) != NULL;
    CU_ASSERT(found);
    if (!found)
        fprintf(stderr, "\n  wanted '%s' in:\n%s", want, text);
}

/* ---- the limit ---- */

static void test_input_limit(void)
{
    size_t budget = mem_budget();
    const char *old = getenv("QGDC_MAX_INPUT");
    char *saved = old ? strdup(old) : NULL;
    unsetenv("QGDC_MAX_INPUT");
    input_set_limit(0);
    mem_set_budget((size_t)1 << 30);
    CU_ASSERT_EQUAL(input_limit(), (size_t)128 << 20); /* an eighth of the budget */
    mem_set_budget((size_t)64 << 30);
    CU_ASSERT_EQUAL(input_limit(), (size_t)256 << 20); /* the fixed cap */
    setenv("QGDC_MAX_INPUT", "3K", 1);
    CU_ASSERT_EQUAL(input_limit(), 3072);
    setenv("QGDC_MAX_INPUT", "1.5M", 1);
    CU_ASSERT_EQUAL(input_limit(), (size_t)3 << 19);
    setenv("QGDC_MAX_INPUT", "100G", 1);
    mem_set_budget((size_t)1 << 30);
    CU_ASSERT_EQUAL(input_limit(), (size_t)1 << 30); /* never above the budget */
    setenv("QGDC_MAX_INPUT", "junk", 1);
    CU_ASSERT_EQUAL(input_limit(), (size_t)128 << 20);
    input_set_limit(5000);
    CU_ASSERT_EQUAL(input_limit(), 5000);
    expect_text(read_error(EFBIG), "larger than the input limit of 4.9 KiB (QGDC_MAX_INPUT sets it)");
    CU_ASSERT_STRING_EQUAL(read_error(ENOENT), strerror(ENOENT));
    input_set_limit(0);
    if (saved)
        setenv("QGDC_MAX_INPUT", saved, 1);
    else
        unsetenv("QGDC_MAX_INPUT");
    free(saved);
    mem_set_budget(budget);
}

/* ---- read_file ---- */

/* read_file("-") with standard input from fd */
static char *read_stdin_from(int fd, size_t *len, int *err)
{
    fflush(stdin);
    int saved = dup(0);
    CU_ASSERT_FATAL(saved >= 0);
    dup2(fd, 0);
    close(fd);
    clearerr(stdin);
    char *text = read_file("-", len);
    *err = errno;
    dup2(saved, 0);
    close(saved);
    clearerr(stdin);
    return text;
}

/* a pipe holding n bytes, its writing end closed */
static int pipe_of(size_t n)
{
    int fd[2];
    CU_ASSERT_FATAL(pipe(fd) == 0);
    char *b = malloc(n ? n : 1);
    memset(b, 'x', n);
    CU_ASSERT_EQUAL(write(fd[1], b, n), (ssize_t)n); /* below the pipe's buffer */
    free(b);
    close(fd[1]);
    return fd[0];
}

static void test_read_file(void)
{
    input_set_limit(1024);
    char b[1025];
    memset(b, 'a', sizeof b);
    const char *p = tmp("f");
    size_t len = 0;
    /* a regular file: exactly the limit is read, one byte more refused */
    write_file(p, b, 1024);
    char *t = read_file(p, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(len, 1024);
    CU_ASSERT_EQUAL(t[1024], 0);
    free(t);
    write_file(p, b, 1025);
    errno = 0;
    CU_ASSERT_PTR_NULL(read_file(p, &len));
    CU_ASSERT_EQUAL(errno, EFBIG);
    /* a device without end */
    errno = 0;
    CU_ASSERT_PTR_NULL(read_file("/dev/zero", &len));
    CU_ASSERT_EQUAL(errno, EFBIG);
    /* standard input: a pipe at and over the limit, a regular file */
    int err = 0;
    t = read_stdin_from(pipe_of(1024), &len, &err);
    CU_ASSERT_PTR_NOT_NULL(t);
    CU_ASSERT_EQUAL(len, 1024);
    free(t);
    t = read_stdin_from(pipe_of(1025), &len, &err);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_EQUAL(err, EFBIG);
    free(t);
    write_file(p, "const a = 1;\n", 13);
    FILE *f = fopen(p, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    t = read_stdin_from(dup(fileno(f)), &len, &err);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(t);
    CU_ASSERT_EQUAL(len, 13);
    CU_ASSERT(t && strcmp(t, "const a = 1;\n") == 0);
    free(t);
    /* a directory */
    errno = 0;
    CU_ASSERT_PTR_NULL(read_file(dir, &len));
    CU_ASSERT_EQUAL(errno, EISDIR);
    input_set_limit(0);
    cleanup();
}

/* ---- the byte-order mark ---- */

static void test_bom(void)
{
    SrcFile *f = srcfile_from_string("b", "\xef\xbb\xbf" "abc", 6);
    CU_ASSERT_EQUAL(f->len, 3);
    CU_ASSERT_STRING_EQUAL(f->text, "abc");
    srcfile_free(f);
    f = srcfile_from_string("b", "\xef\xbb", 2); /* not a whole mark: kept */
    CU_ASSERT_EQUAL(f->len, 2);
    srcfile_free(f);
    const char *p = tmp("bom.qgd");
    write_file(p, "\xef\xbb\xbf" "const a = 1;\n", 16);
    f = srcfile_load(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(f->len, 13);
    CU_ASSERT_STRING_EQUAL(f->text, "const a = 1;\n");
    CU_ASSERT_STRING_EQUAL(f->name, p);
    srcfile_free(f);
    /* the same error, at the same line:col, with the mark and without */
    char *with = NULL, *without = NULL;
    ProblemSet ps;
    CU_ASSERT_EQUAL(unit_compile("\xef\xbb\xbf" "const x = 1 +;\n", &ps, &with), 1);
    CU_ASSERT_EQUAL(unit_compile("const x = 1 +;\n", &ps, &without), 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(with);
    CU_ASSERT_PTR_NOT_NULL_FATAL(without);
    CU_ASSERT_STRING_EQUAL(with, without);
    expect_text(with, "test.qgd:1:14: error");
    free(with);
    free(without);
    cleanup();
}

/* ---- data files: declared sizes before allocation ---- */

static bool parse_mtx_text(const char *text, Array *a, char **diag)
{
    SrcFile *f = srcfile_from_string("m.mtx", text, strlen(text));
    capture();
    bool ok = data_parse_mtx(f, a);
    *diag = captured();
    srcfile_free(f);
    return ok;
}

static void test_data_declared(void)
{
    size_t budget = mem_budget();
    mem_set_budget((size_t)2 << 30);
    Array a;
    char *d;
    /* 10^12 entries declared, 2 given: room for what the file holds */
    CU_ASSERT_FALSE(parse_mtx_text("%%MatrixMarket matrix coordinate real general\n"
                                   "4000000000 4000000000 1000000000000\n1 1 2.0\n2 2 3.0\n",
                                   &a, &d));
    expect_text(d, "m.mtx:5:1: error: file ends after 2 of the 1000000000000 entries declared on line 2");
    CU_ASSERT_PTR_NULL(strstr(d, "memory"));
    free(d);
    /* a dense array of 3.6e9 values declared, 3 given */
    CU_ASSERT_FALSE(parse_mtx_text("%%MatrixMarket matrix array real general\n60000 60000\n1\n2\n3\n", &a, &d));
    expect_text(d, "file ends before all 60000 x 60000 values were read");
    CU_ASSERT_PTR_NULL(strstr(d, "memory"));
    free(d);
    /* the tightest files still fit: values of 1 byte, one separator */
    CU_ASSERT_TRUE(parse_mtx_text("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3", &a, &d));
    CU_ASSERT(a.v && a.v[0] == 1 && a.v[1] == 2 && a.v[2] == 2 && a.v[3] == 3);
    array_free(&a);
    free(d);
    CU_ASSERT_TRUE(parse_mtx_text("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n1 1\n2 1\n3 3", &a, &d));
    CU_ASSERT_EQUAL(a.nnz, 4);
    array_free(&a);
    free(d);
    CU_ASSERT_TRUE(parse_mtx_text("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 5", &a, &d));
    CU_ASSERT_EQUAL(a.nnz, 2);
    array_free(&a);
    free(d);
    /* a refusal for memory names the data file and, in a note, where the .qgd names it */
    SrcFile *q = srcfile_from_string("q.qgd", "const A = csv(\"d.csv\");\n", 24);
    Loc use = {q, 1, 15, 1, 21};
    const char *csv = tmp("d.csv");
    char text[400] = "";
    for (int k = 0; k < 50; k++)
        strcat(text, "1,2\n");
    write_file(csv, text, strlen(text));
    mem_set_budget(600);
    input_set_limit(1000); /* 600: never above the budget */
    capture();
    CU_ASSERT_FALSE(data_load_csv(csv, NULL, use, &a));
    d = captured();
    expect_text(d, "error: this file would need");
    expect_text(d, "the limit is 600 bytes");
    expect_text(d, "q.qgd:1:15: note: '");
    free(d);
    input_set_limit(0);
    mem_set_budget((size_t)2 << 30);
    /* over the input limit: refused at the .qgd text, naming the file */
    input_set_limit(100);
    capture();
    CU_ASSERT_FALSE(data_load_csv(csv, NULL, use, &a));
    d = captured();
    expect_text(d, "q.qgd:1:15: error: cannot read '");
    expect_text(d, "d.csv': it is larger than the input limit of 100 bytes (QGDC_MAX_INPUT sets it)");
    free(d);
    const char *mtx = tmp("d.mtx");
    write_file(mtx, text, strlen(text));
    capture();
    CU_ASSERT_FALSE(data_load_mtx(mtx, NULL, use, &a));
    d = captured();
    expect_text(d, "d.mtx': it is larger than the input limit of 100 bytes");
    free(d);
    input_set_limit(0);
    srcfile_free(q);
    mem_set_budget(budget);
    cleanup();
}

/* ---- IDX ---- */

static bool idx_msg(const char *p, unsigned want, char **diag, IdxHeader *h, unsigned char **data)
{
    Loc nowhere = {0};
    capture();
    bool ok = idx_read(p, "x", nowhere, want, h, data);
    *diag = captured();
    return ok;
}

static void test_idx_limits(void)
{
    IdxHeader h;
    unsigned char *data;
    char *d;
    /* labels in two gzip members (the header, then the data), trailing bytes ignored */
    unsigned char lab[] = {0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5};
    const char *gz = tmp("l.idx.gz");
    append_gzip(gz, lab, 8);
    append_gzip(gz, lab + 8, 5);
    CU_ASSERT_TRUE(idx_msg(gz, 1, &d, &h, &data));
    CU_ASSERT_EQUAL(h.count, 5);
    CU_ASSERT(data && memcmp(data, lab + 8, 5) == 0);
    free(data);
    free(d);
    FILE *f = fopen(gz, "ab");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("junk", f);
    fclose(f);
    CU_ASSERT_TRUE(idx_msg(gz, 1, &d, &h, &data));
    free(data);
    free(d);
    /* a member cut short */
    unlink(gz);
    append_gzip(gz, lab, 8);
    gzFile g = gzopen(tmp("f"), "wb");
    gzwrite(g, lab + 8, 5);
    gzclose(g);
    unsigned char whole[64];
    f = fopen(tmp("f"), "rb");
    size_t n = fread(whole, 1, sizeof whole, f);
    fclose(f);
    f = fopen(gz, "ab");
    fwrite(whole, 1, n - 3, f);
    fclose(f);
    CU_ASSERT_FALSE(idx_msg(gz, 1, &d, &h, &data));
    expect_text(d, "the gzip data is corrupt (unexpected end of file)"); /* in the trailer */
    free(d);
    /* images: 10 of 10 x 10 (1000 bytes) at a limit of 1000 are read; 11 are
     * refused from the header, though the file holds none of them */
    input_set_limit(1000);
    unsigned char img[16 + 1000] = {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10};
    for (int k = 0; k < 1000; k++)
        img[16 + k] = (unsigned char)k;
    const char *ig = tmp("i.idx.gz");
    append_gzip(ig, img, sizeof img);
    CU_ASSERT_TRUE(idx_msg(ig, 3, &d, &h, &data));
    CU_ASSERT(data && memcmp(data, img + 16, 1000) == 0);
    free(data);
    free(d);
    unlink(ig);
    img[7] = 11;
    append_gzip(ig, img, 16);
    CU_ASSERT_FALSE(idx_msg(ig, 3, &d, &h, &data));
    expect_text(d, "'x': its header declares 11 images of 100 bytes (1.1 KiB), more than the input limit of 1000 bytes");
    free(d);
    /* a plain file larger than the limit is refused unread */
    const char *ip = tmp("i.idx");
    img[7] = 10;
    write_file(ip, img, sizeof img); /* 1016 bytes */
    CU_ASSERT_FALSE(idx_msg(ip, 3, &d, &h, &data));
    expect_text(d, "i.idx': it is larger than the input limit of 1000 bytes");
    free(d);
    input_set_limit(0);
    cleanup();
}

void suite_limits(void);
void suite_limits(void)
{
    UNIT_SUITE("limits", {"input limit", test_input_limit}, {"read_file", test_read_file}, {"byte-order mark", test_bom},
               {"data declared sizes", test_data_declared}, {"idx limits", test_idx_limits});
}
