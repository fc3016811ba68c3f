/* test_ntk_data.c — ntk problems in the front end: the IDX and CSV loaders
 * (against bytes written here, and the small files in tests/data), the
 * class selection and seeded subsets, the projection onto the unit sphere,
 * the settings and the names they define (n_train, delta, mu, L_conv), and
 * the errors of bad data and bad statements. Runs from tests/ (unit_compile
 * reads data files relative to tests/data). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "frontend/ntk_data.h"
#include "ir/ntk.h"

static NtkProblem *compile_one(const char *text, ProblemSet *ps)
{
    char *diag = NULL;
    int ne = unit_compile(text, ps, &diag);
    if (ne)
        fprintf(stderr, "\n  unexpected errors:\n%s", diag ? diag : "");
    free(diag);
    CU_ASSERT_EQUAL(ne, 0);
    if (ne || ps->nntk != 1)
        return NULL;
    return ps->ntk[0];
}

/* Expects an error whose text contains msg (and file:line:col of test.qgd). */
static void expect_error(const char *text, const char *msg)
{
    ProblemSet ps;
    char *diag = NULL;
    int ne = unit_compile(text, &ps, &diag);
    CU_ASSERT(ne > 0);
    bool found = diag && strstr(diag, msg) && strstr(diag, "test.qgd:1:");
    CU_ASSERT(found);
    if (!found)
        fprintf(stderr, "\n  wanted '%s' in:\n%s", msg, diag ? diag : "(none)");
    CU_ASSERT_EQUAL(ps.nntk, 0);
    free(diag);
}

/* ---- IDX ---- */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/qgdc_ntk_XXXXXX");
        CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    }
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_bytes(const char *path, const unsigned char *b, size_t n, bool gzip)
{
    if (gzip) {
        gzFile g = gzopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_EQUAL(gzwrite(g, b, (unsigned)n), (int)n);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_EQUAL(fwrite(b, 1, n, f), n);
        fclose(f);
    }
}

static void cleanup(void)
{
    if (!tmpdir[0])
        return;
    static const char *names[] = {"a.idx", "a.idx.gz", "l.idx", "bad.idx", "whole.gz", "cut.gz"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        unlink(tmp_path(names[k]));
    rmdir(tmpdir);
    tmpdir[0] = 0;
}

static void test_idx_read(void)
{
    /* 3 images of 2 x 3 pixels, big-endian sizes */
    unsigned char img[16 + 18] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3};
    for (int k = 0; k < 18; k++)
        img[16 + k] = (unsigned char)(7 * k + 1);
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp_path(gz ? "a.idx.gz" : "a.idx");
        write_bytes(p, img, sizeof img, gz);
        IdxHeader h;
        unsigned char *data;
        Loc nowhere = {0};
        CU_ASSERT_TRUE_FATAL(idx_read(p, "a", nowhere, 3, &h, &data));
        CU_ASSERT_EQUAL(h.ndims, 3);
        CU_ASSERT_EQUAL(h.count, 3);
        CU_ASSERT_EQUAL(h.item, 6);
        CU_ASSERT(memcmp(data, img + 16, 18) == 0);
        free(data);
    }
    /* labels: 1 dimension */
    unsigned char lab[] = {0, 0, 8, 1, 0, 0, 0, 4, 9, 8, 7, 6};
    const char *p = tmp_path("l.idx");
    write_bytes(p, lab, sizeof lab, false);
    IdxHeader h;
    unsigned char *data;
    Loc nowhere = {0};
    CU_ASSERT_TRUE_FATAL(idx_read(p, "l", nowhere, 1, &h, &data));
    CU_ASSERT_EQUAL(h.count, 4);
    CU_ASSERT(memcmp(data, lab + 8, 4) == 0);
    free(data);
    /* the errors, each with its reason */
    static const struct {
        unsigned char b[16];
        size_t n;
        unsigned want;
        const char *msg;
    } bad[] = {
        {{0x1f, 0x00, 8, 1}, 4, 1, "not an IDX file: its magic number is 0x1f000801"},
        {{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, 12, 1, "0x0d (float) is not supported"},
        {{0, 0, 8, 3, 0, 0, 0, 1}, 8, 1, "holds images, not labels"},
        {{0, 0, 8, 1, 0, 0, 0, 1, 5}, 9, 3, "holds labels, not images"},
        {{0, 0, 8, 1, 0, 0, 0, 5, 1, 2}, 10, 1, "is truncated: its header declares 5 labels (5 bytes) but the data ends after 2"},
        {{0, 0, 8, 1, 0, 0, 0, 1, 1, 2}, 10, 1, "more data than its header declares"},
        {{0, 0, 8, 3, 0, 0}, 6, 3, "ends inside its header"},
        {{0, 0}, 2, 1, "less than the 4-byte magic number"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        const char *q = tmp_path("bad.idx");
        write_bytes(q, bad[k].b, bad[k].n, k % 2 == 1); /* half of them gzipped: the same errors */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        diag_set_stream(mem);
        int before = diag_error_count();
        bool ok = idx_read(q, "bad.idx", nowhere, bad[k].want, &h, &data);
        int errs = diag_error_count() - before;
        fclose(mem);
        diag_set_stream(NULL);
        diag_reset();
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_EQUAL(errs, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(buf ? buf : "", bad[k].msg));
        if (!buf || !strstr(buf, bad[k].msg))
            fprintf(stderr, "\n  case %zu: wanted '%s' in: %s", k, bad[k].msg, buf ? buf : "");
        free(buf);
    }
    /* a gzip stream cut short */
    unsigned char big[4 + 4 + 4000] = {0, 0, 8, 1, 0, 0, 0x0f, 0xa0};
    for (int k = 0; k < 4000; k++)
        big[8 + k] = (unsigned char)(k * 2654435761u >> 13);
    const char *whole = tmp_path("whole.gz");
    write_bytes(whole, big, sizeof big, true);
    FILE *f = fopen(whole, "rb");
    unsigned char zbuf[8192];
    size_t zn = fread(zbuf, 1, sizeof zbuf, f);
    fclose(f);
    const char *cut = tmp_path("cut.gz");
    write_bytes(cut, zbuf, zn / 2, false);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    diag_set_stream(mem);
    CU_ASSERT_FALSE(idx_read(cut, "cut.gz", nowhere, 1, &h, &data));
    fclose(mem);
    diag_set_stream(NULL);
    diag_reset();
    CU_ASSERT_PTR_NOT_NULL(strstr(buf ? buf : "", "corrupt or truncated"));
    free(buf);
    cleanup();
}

/* ---- whole problems ---- */

static const char *tiny(const char *ext, const char *extra)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "ntk p { train = idx(\"ntk_tiny-images.idx%s\", \"ntk_tiny-labels.idx%s\", classes = [1, 2]%s);"
             " test = idx(\"ntk_tiny-images.idx\", \"ntk_tiny-labels.idx\", classes = [0, 3]);"
             " activation = relu; L = 3; }",
             ext, ext, extra);
    return buf;
}

static void test_idx_problem(void)
{
    ProblemSet a, b;
    NtkProblem *p = compile_one(tiny("", ""), &a), *q = compile_one(tiny(".gz", ""), &b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    /* labels 0..3 cyclic over 10 images: classes 1 and 2 are images 1, 2, 5, 6, 9 */
    static const uint32_t want[] = {1, 2, 5, 6, 9};
    CU_ASSERT_EQUAL_FATAL(p->train.n, 5);
    CU_ASSERT_EQUAL(p->train.d, 16);
    CU_ASSERT_EQUAL(p->train.available, 5);
    for (uint32_t i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(p->train.record[i], want[i]);
        CU_ASSERT_EQUAL(p->train.y[i], want[i] % 4 == 1 ? 1.0 : -1.0);
    }
    /* gzip or not: the same numbers */
    CU_ASSERT(memcmp(p->train.x, q->train.x, 5 * 16 * sizeof(double)) == 0);
    /* each example is the raw image over its norm: read the raw bytes here */
    FILE *f = fopen("data/ntk_tiny-images.idx", "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    unsigned char raw[16 + 160];
    CU_ASSERT_EQUAL(fread(raw, 1, sizeof raw, f), sizeof raw);
    fclose(f);
    for (uint32_t i = 0; i < 5; i++) {
        const unsigned char *im = raw + 16 + 16 * want[i];
        double nn = 0;
        for (int k = 0; k < 16; k++)
            nn += (double)im[k] * im[k];
        for (int k = 0; k < 16; k++)
            ASSERT_CLOSE(p->train.x[i * 16 + k], im[k] / sqrt(nn), 1e-15);
    }
    /* test set: classes 0 and 3 */
    CU_ASSERT_EQUAL(p->test.n, 5);
    CU_ASSERT_EQUAL(p->test.record[1], 3);
    CU_ASSERT_EQUAL(p->test.y[1], -1.0);
    /* delta: recomputed from the Gram matrix here */
    double best = 2;
    for (uint32_t i = 0; i < 5; i++)
        for (uint32_t j = i + 1; j < 5; j++) {
            double dot = 0;
            for (int k = 0; k < 16; k++)
                dot += p->train.x[i * 16 + k] * p->train.x[j * 16 + k];
            best = fmin(best, 1 - fabs(dot));
        }
    ASSERT_CLOSE(p->delta, best, 1e-15);
    ASSERT_CLOSE(p->L_conv, 8 * log(5 / best) / p->mu, 1e-12);
    problem_set_free(&a);
    problem_set_free(&b);
}

static void test_seeded_subset(void)
{
    ProblemSet a, b;
    NtkProblem *p = compile_one(tiny("", ", n = 3, seed = 4"), &a), *q = compile_one(tiny("", ", n = 3, seed = 4"), &b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(p->train.n, 3);
    CU_ASSERT_TRUE(p->train.subset);
    CU_ASSERT_EQUAL(p->train.available, 5);
    CU_ASSERT(memcmp(p->train.record, q->train.record, 3 * sizeof(uint32_t)) == 0); /* same seed, same subset */
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t r = p->train.record[i];
        CU_ASSERT(r % 4 == 1 || r % 4 == 2);
        CU_ASSERT(i == 0 || p->train.record[i - 1] < r);
    }
    /* over seeds, every 3-subset of the 5 that holds both classes shows up */
    static int seen[1024];
    for (int seed = 0; seed < 60; seed++) {
        char extra[64];
        snprintf(extra, sizeof extra, ", n = 3, seed = %d", seed);
        ProblemSet s;
        char *diag = NULL;
        if (unit_compile(tiny("", extra), &s, &diag) == 0) {
            int mask = 0;
            for (uint32_t i = 0; i < 3; i++)
                mask |= 1 << s.ntk[0]->train.record[i]; /* records 1, 2, 5, 6 and 9 */
            seen[mask] = 1;
            problem_set_free(&s);
        } else {
            CU_ASSERT_PTR_NOT_NULL(strstr(diag, "are all of class"));
        }
        free(diag);
    }
    int subsets = 0;
    for (int k = 0; k < 1024; k++)
        subsets += seen[k];
    CU_ASSERT_EQUAL(subsets, 9); /* C(5, 3) = 10 subsets, less {1, 5, 9}, all of class 1 */
    problem_set_free(&a);
    problem_set_free(&b);
}

static void test_csv_problem(void)
{
    ProblemSet ps;
    NtkProblem *p = compile_one("ntk small { train = csv(\"ntk_small.csv\", classes = [5, 3]);"
                                " test = csv(\"ntk_small_test.csv\", classes = [5, 3], n = 4, seed = 2);"
                                " activation = erf; L = ceil(L_conv / 10); kernel = diagonal;"
                                " const check = n_train * 1000 + n_test; options { shots = 77; } }",
                                &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->train.n, 16);
    CU_ASSERT_EQUAL(p->train.d, 4);
    CU_ASSERT_EQUAL(p->train.y[0], -1.0); /* row 0 has label 3, the second class */
    CU_ASSERT_EQUAL(p->train.y[1], 1.0);
    CU_ASSERT_EQUAL(p->test.n, 4);
    CU_ASSERT_EQUAL(p->L, (uint32_t)ceil(p->L_conv / 10));
    CU_ASSERT_EQUAL(p->kernel, NTK_KERNEL_DIAGONAL);
    CU_ASSERT_EQUAL(p->opt.shots, 77);
    ASSERT_CLOSE(p->mu, 1 - (2.0 / 3) / asin(2.0 / 3), 1e-15);
    /* row 0 of ntk_small.csv, 3,0.91,1.179,0.121,-0.11, over its norm */
    double r0[4] = {0.91, 1.179, 0.121, -0.11}, nn = 0;
    for (int k = 0; k < 4; k++)
        nn += r0[k] * r0[k];
    for (int k = 0; k < 4; k++)
        ASSERT_CLOSE(p->train.x[k], r0[k] / sqrt(nn), 1e-15);
    problem_set_free(&ps);
    /* labels ±1 need no classes; sparse defaults: s = ceil(log2 n) */
    p = compile_one("ntk q { train = csv(\"ntk_pm1.csv\"); test = csv(\"ntk_pm1.csv\"); activation = relu; L = 2;"
                    " kernel = sparse; }",
                    &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->train.n, 8);
    CU_ASSERT_EQUAL(p->s, 3);
    CU_ASSERT_EQUAL(p->sparse_seed, 1);
    CU_ASSERT_EQUAL(p->offdiag_scale, 1.0);
    CU_ASSERT_FALSE(p->train.classes_given);
    problem_set_free(&ps);
}

static void test_dump_and_json(void)
{
    ProblemSet ps;
    NtkProblem *p = compile_one(tiny("", ""), &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    problem_set_dump(&ps, mem);
    problem_set_json(&ps, mem);
    fclose(mem);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "problem p: ntk"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "records  [1, 2, 5, 6, 9]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"kind\": \"ntk\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"records\": [1, 2, 5, 6, 9]"));
    free(buf);
    problem_set_free(&ps);
}

static void test_errors(void)
{
    static const char *T = "ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]); ";
    static const char *E = " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; }";
    char buf[1024];
    static const struct {
        const char *train, *rest, *msg;
    } cases[] = {
        {"ntk p { train = idx(\"ntk_bad_magic-images.idx\", \"ntk_tiny-labels.idx\", classes = [0, 1]);", "",
         "not an IDX file: its magic number is 0x302c3132"},
        {"ntk p { train = idx(\"ntk_tiny-images.idx\", \"ntk_count9-labels.idx\", classes = [0, 1]);", "",
         "has 10 images but 'ntk_count9-labels.idx' has 9 labels"},
        {"ntk p { train = idx(\"ntk_truncated-images.idx\", \"ntk_tiny-labels.idx\", classes = [0, 1]);", "",
         "is truncated"},
        {"ntk p { train = idx(\"ntk_truncated-images.idx.gz\", \"ntk_tiny-labels.idx\", classes = [0, 1]);", "",
         "corrupt or truncated"},
        {"ntk p { train = idx(\"ntk_tiny-images.idx\", \"ntk_tiny-labels.idx\", classes = [0, 7]);", "",
         "class 7 has no examples in 'ntk_tiny-labels.idx' (its labels: 0 1 2 3)"},
        {"ntk p { train = idx(\"ntk_zero-images.idx\", \"ntk_tiny-labels.idx\", classes = [3, 1]);", "",
         "image 3 of 'ntk_zero-images.idx' (counting from 0) is all zeros"},
        {"ntk p { train = csv(\"ntk_zero.csv\", classes = [3, 5]);", "", "line 3 of 'ntk_zero.csv' is all zeros"},
        {"ntk p { train = csv(\"ntk_dup.csv\", classes = [3, 5]);", "", "are parallel"},
        {"ntk p { train = csv(\"ntk_one_column.csv\", classes = [3, 5]);", "", "has one column"},
        {"ntk p { train = csv(\"ntk_badlabel.csv\");", "", "line 3 of 'ntk_badlabel.csv' has label 2"},
        {"ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5], n = 99);", "", "n = 99 is more than the 16 examples"},
        {"ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5], seed = 3);", "", "needs n = N"},
        {"ntk p { train = csv(\"ntk_small.csv\", classes = [3, 3]);", "", "the two classes must differ"},
        {"ntk p { train = idx(\"ntk_tiny-images.idx\", \"ntk_tiny-labels.idx\");", "", "needs the two classes"},
        {"ntk p { train = csv(\"no_such.csv\");", "", "cannot read 'data/no_such.csv'"},
        {"ntk p { train = [1, 2];", "", "'train' takes a data set"},
        {"ntk p { L = L_conv; ", "", "'L_conv' is not known yet"},
        {NULL, " test = csv(\"ntk_d3.csv\", classes = [3, 5]); activation = relu; L = 2; }",
         "the test examples have 3 features but the training examples have 4"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = tanh; L = 2; }",
         "must be 'relu' or 'erf'"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = L_conv / 10; }",
         "the depth L must be a whole number"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; kernel = sparse(s = 16); }",
         "s = 16 off-diagonals per row needs at least 17 training examples; there are 16"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; kernel = sparse(scale = 2); }",
         "must lie in 0..1"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; kernel = sparse(k = 2); }",
         "has no argument 'k'"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; kernel = dense; }",
         "unknown kernel"},
        {NULL, " activation = relu; L = 2; }", "does not set a test set"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; eta = 0.1; }",
         "unknown setting 'eta' in an ntk problem"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; param u[1] = 0; }",
         "'param' is not a statement of an ntk problem"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; options { carleman_order = 3; } }",
         "option 'carleman_order' applies to gd and model problems only"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 2; L = 3; }", "'L' is set twice"},
        {NULL, " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = relu; L = 0; }", "at least 1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        if (cases[k].train)
            snprintf(buf, sizeof buf, "%s%s%s", cases[k].train, cases[k].rest[0] ? cases[k].rest : "", cases[k].rest[0] ? "" : E);
        else
            snprintf(buf, sizeof buf, "%s%s", T, cases[k].rest);
        expect_error(buf, cases[k].msg);
    }
    /* a global constant named like a derived name */
    expect_error("const delta = 1; ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]); }",
                 "'train' defines 'delta'");
}

void suite_ntk_data(void);
void suite_ntk_data(void)
{
    UNIT_SUITE("ntk data", {"idx reader", test_idx_read}, {"idx problem", test_idx_problem},
               {"seeded subsets", test_seeded_subset}, {"csv problem", test_csv_problem},
               {"dump and json", test_dump_and_json}, {"errors", test_errors});
}
