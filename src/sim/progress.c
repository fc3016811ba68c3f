/* progress.c — the progress bar the executor draws on stderr during long
 * runs. Silent unless stderr is a terminal, and silent for the first half
 * second of a run, so short runs and logs never see it. */
#include "sim/statevec.h"
#include "support/util.h"

#include <stdio.h>
#include <unistd.h>

void sim_progress_text(char *buf, size_t len, uint64_t done, uint64_t total, int width)
{
    if (len == 0)
        return;
    double frac = total ? (double)(done < total ? done : total) / (double)total : 1.0;
    int fill = (int)(frac * width);
    size_t n = 0;
    buf[0] = 0;
    if (n + 1 < len)
        buf[n++] = '[';
    for (int j = 0; j < width && n + 1 < len; j++)
        buf[n++] = j < fill ? '#' : '.';
    if (n + 1 < len)
        buf[n++] = ']';
    buf[n] = 0;
    snprintf(buf + n, len - n, " %3d%%  %llu/%llu", (int)(frac * 100), (unsigned long long)done,
             (unsigned long long)total);
}

void sim_progress(uint64_t done, uint64_t total)
{
    static double start = -1; /* −1: no run under way */
    static int last = -1;     /* permille last drawn; −1: nothing drawn yet */
    if (done == 0 || start < 0) {
        start = monotonic_seconds();
        last = -1;
    }
    bool end = done >= total;
    bool show = isatty(2) && (last >= 0 || (!end && monotonic_seconds() - start >= 0.5));
    if (show) {
        int permille = end ? 1000 : (int)(1000.0 * (double)done / (double)total);
        if (permille != last || end) {
            char buf[128];
            sim_progress_text(buf, sizeof buf, done, total, 40);
            fprintf(stderr, "\r%s%s", buf, end ? "\n" : "");
            fflush(stderr);
            last = permille;
        }
    }
    if (end) /* the next call starts a new run */
        start = -1, last = -1;
}
