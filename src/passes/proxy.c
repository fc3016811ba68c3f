/* proxy.c — see proxy.h. */
#include "passes/proxy.h"
#include "support/diag.h"
#include "support/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void spectrum_free(Spectrum *s)
{
    free(s->value);
    free(s->weight);
    memset(s, 0, sizeof *s);
}

/* Appends a mode; false (reported at l) when the arrays would pass the
 * memory budget, with the text of the file (held bytes) still in memory. */
static bool push(Spectrum *s, size_t *cap, double v, double w, size_t held, Loc l)
{
    if (s->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 256;
        if ((double)ncap * 2 * sizeof(double) + (double)held > (double)mem_budget()) {
            char b1[32], b2[32];
            diag_error(l, "the spectrum would need %s of memory; the limit is %s",
                       mem_human((double)ncap * 2 * sizeof(double) + (double)held, b1, sizeof b1),
                       mem_human((double)mem_budget(), b2, sizeof b2));
            return false;
        }
        *cap = ncap;
        s->value = xrealloc(s->value, *cap * sizeof *s->value);
        s->weight = xrealloc(s->weight, *cap * sizeof *s->weight);
    }
    s->value[s->n] = v;
    s->weight[s->n] = w;
    s->n++;
    return true;
}

bool spectrum_load(const char *path, Spectrum *out)
{
    memset(out, 0, sizeof *out);
    SrcFile *f = srcfile_load(path);
    if (!f) {
        diag_plain("cannot read '%s': %s", path, read_error(errno));
        return false;
    }
    size_t cap = 0;
    int columns = 0, columns_line = 0;
    const char *p = f->text, *end = f->text + f->len;
    bool ok = true;
    for (int line = 1; p < end && ok; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        double x[3];
        int k = 0;
        const char *c = p;
        while (c < eol && ok) {
            while (c < eol && (isspace((unsigned char)*c) || *c == ','))
                c++;
            if (c >= eol || *c == '#')
                break;
            char *stop;
            double v = strtod(c, &stop);
            int col = (int)(c - p) + 1;
            if (stop == c || (stop < eol && !isspace((unsigned char)*stop) && *stop != ',' && *stop != '#')) {
                Loc l = {f, line, col, line, col};
                diag_error(l, "expected a number");
                ok = false;
            } else if (!isfinite(v)) {
                Loc l = {f, line, col, line, col + (int)(stop - c) - 1};
                diag_error(l, "the value is not finite");
                ok = false;
            } else if (k == 3) {
                Loc l = {f, line, col, line, col};
                diag_error(l, "too many values on one line: write 'eigenvalue', 'value count' or 'lo hi count'");
                ok = false;
            } else {
                x[k++] = v;
            }
            c = stop;
        }
        if (ok && k > 0) {
            Loc l = {f, line, 1, line, 1};
            if (columns && k != columns) {
                diag_error(l, "this line has %d values but line %d has %d", k, columns_line, columns);
                ok = false;
            } else if (k >= 2 && x[k - 1] < 0) {
                diag_error(l, "a count cannot be negative");
                ok = false;
            } else if (k == 3 && !(x[1] > x[0])) {
                diag_error(l, "a histogram bin needs lo < hi");
                ok = false;
            } else {
                columns = k;
                columns_line = line;
                ok = push(out, &cap, k == 3 ? (x[0] + x[1]) / 2 : x[0], k == 1 ? 1.0 : x[k - 1], f->len, l);
            }
        }
        p = eol + 1;
    }
    if (ok && out->n == 0) {
        diag_plain("'%s' holds no eigenvalues", f->name);
        ok = false;
    }
    srcfile_free(f);
    if (!ok)
        spectrum_free(out);
    return ok;
}

bool proxy_curve(const Spectrum *s, const ProxyParams *p, int tmax, double *out, ProxyStats *st)
{
    memset(st, 0, sizeof *st);
    for (int t = 0; t <= tmax; t++)
        out[t] = 0;
    for (size_t k = 0; k < s->n; k++) {
        double a = -p->eta * s->value[k], w = s->weight[k];
        st->total_weight += w;
        if (fabs(a) < p->cut || w == 0)
            continue;
        double g = fabs(1 + a);
        st->kept_weight += w;
        if (g < 1)
            st->dissipative += w;
        else if (g > 1)
            st->divergent += w;
        st->max_growth = fmax(st->max_growth, g);
        /* |1+a|^t by logs, so that huge t neither overflows early nor loops */
        double lg = log(g);
        for (int t = 0; t <= tmax; t++)
            out[t] += w * (g == 0 ? (t == 0) : exp(lg * t));
    }
    if (st->kept_weight <= 0)
        return false;
    for (int t = 0; t <= tmax; t++)
        out[t] /= st->kept_weight;
    return true;
}

int proxy_first_exceed(const double *curve, int tmax, double threshold)
{
    for (int t = 1; t <= tmax; t++)
        if (curve[t] > threshold)
            return t;
    return -1;
}
