/* test_proxy.c — the error proxy of eq. 7–8 against closed forms, and the
 * spectrum file formats. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passes/proxy.h"
#include "support/diag.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/qgdc_spectrumXXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_closed_form(void)
{
    /* λ = 1, −0.5, 0.1 with η = 1: a = −1, 0.5, −0.1; the cut 0.4 drops −0.1.
     * E(t) = (0^t + 1.5^t)/2: 1, 0.75, 1.125, 1.6875 */
    char *path = write_temp("# eigenvalues\n1\n-0.5\n0.1\n");
    Spectrum s;
    CU_ASSERT_TRUE_FATAL(spectrum_load(path, &s));
    CU_ASSERT_EQUAL(s.n, 3);
    ProxyParams p = {1.0, 0.4, 1.0};
    double e[4];
    ProxyStats st;
    CU_ASSERT_TRUE(proxy_curve(&s, &p, 3, e, &st));
    ASSERT_CLOSE(e[0], 1.0, 1e-15);
    ASSERT_CLOSE(e[1], 0.75, 1e-15);
    ASSERT_CLOSE(e[2], 1.125, 1e-15);
    ASSERT_CLOSE(e[3], 1.6875, 1e-15);
    CU_ASSERT_EQUAL(proxy_first_exceed(e, 3, 1.0), 2);
    ASSERT_CLOSE(st.kept_weight, 2, 0);
    ASSERT_CLOSE(st.total_weight, 3, 0);
    ASSERT_CLOSE(st.dissipative, 1, 0);
    ASSERT_CLOSE(st.divergent, 1, 0);
    ASSERT_CLOSE(st.max_growth, 1.5, 1e-15);
    /* η scales the eigenvalues: η = 0.5 keeps only a = −0.5 (λ = 1) → E(t) = 0.5^t */
    p.eta = 0.5;
    CU_ASSERT_TRUE(proxy_curve(&s, &p, 3, e, &st));
    ASSERT_CLOSE(e[3], 0.125, 1e-15);
    CU_ASSERT_EQUAL(proxy_first_exceed(e, 3, 1.0), -1);
    /* nothing survives a cut of 10 */
    p.cut = 10;
    CU_ASSERT_FALSE(proxy_curve(&s, &p, 3, e, &st));
    spectrum_free(&s);
    unlink(path);
    free(path);
}

static void test_histogram_formats(void)
{
    /* the same spectrum as pairs and as bins: weights carry through */
    char *pairs = write_temp("1.0, 3\n-0.5 1\n");
    char *bins = write_temp("0.9 1.1 3\n-0.6 -0.4 1\n");
    Spectrum a, b;
    CU_ASSERT_TRUE_FATAL(spectrum_load(pairs, &a));
    CU_ASSERT_TRUE_FATAL(spectrum_load(bins, &b));
    ProxyParams p = {1.0, 0.4, 1.0};
    double ea[6], eb[6];
    ProxyStats st;
    CU_ASSERT_TRUE(proxy_curve(&a, &p, 5, ea, &st));
    CU_ASSERT_TRUE(proxy_curve(&b, &p, 5, eb, &st));
    for (int t = 0; t <= 5; t++) {
        ASSERT_CLOSE(ea[t], eb[t], 1e-12);
        ASSERT_CLOSE(ea[t], (3 * (t == 0) + pow(1.5, t)) / 4, 1e-12);
    }
    spectrum_free(&a);
    spectrum_free(&b);
    unlink(pairs);
    unlink(bins);
    free(pairs);
    free(bins);
}

static void test_bad_files(void)
{
    static const char *bad[] = {"1\nx\n", "1 2\n3\n", "1 -2\n", "0.5 0.1 3\n", "", "1 2 3 4\n", "nan\n"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *path = write_temp(bad[k]);
        Spectrum s;
        char *msg = NULL;
        size_t len;
        FILE *mem = open_memstream(&msg, &len);
        diag_set_stream(mem);
        CU_ASSERT_FALSE(spectrum_load(path, &s));
        fclose(mem);
        diag_set_stream(NULL);
        diag_reset();
        CU_ASSERT(len > 0); /* said why */
        free(msg);
        unlink(path);
        free(path);
    }
}

void suite_proxy(void);
void suite_proxy(void)
{
    UNIT_SUITE("proxy", {"closed form", test_closed_form}, {"histogram formats", test_histogram_formats},
               {"bad files", test_bad_files});
}
