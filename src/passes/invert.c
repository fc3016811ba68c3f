/* invert.c — the eigenvalue-filtered rotation (invert.h). */
#include "passes/invert.h"

#include <math.h>
#include <stdlib.h>

#include "support/consts.h"
#include "support/util.h"

double invert_lambda(double alpha, unsigned p, uint64_t j)
{
    /* cos(2πj/2^p) through the symmetric angle 2π·min(j, 2^p−j)/2^p so that
     * both walk branches read bitwise the same value. */
    uint64_t n = (uint64_t)1 << p, jj = j <= n - j ? j : n - j;
    return alpha * cos(2.0 * QGD_PI * ldexp((double)jj, -(int)p));
}

uint32_t pass_invert(Circuit *c, unsigned p, double alpha, double lambda_min, InvertInfo *info)
{
    if (p < 1 || p > INVERT_MAX_CLOCK || !(alpha > 0) || !(lambda_min > 0) || lambda_min > alpha)
        ICE("pass_invert: p = %u, alpha = %g, lambda_min = %g", p, alpha, lambda_min);
    uint64_t n = (uint64_t)1 << p, well = 0;
    double *rot = xmalloc(n * sizeof *rot), *flag = xmalloc(n * sizeof *flag);
    for (uint64_t j = 0; j < n; j++) {
        double lt = invert_lambda(alpha, p, j);
        if (fabs(lt) >= lambda_min) {
            double r = lambda_min / lt;
            rot[j] = 2.0 * asin(r > 1 ? 1 : r < -1 ? -1 : r);
            flag[j] = 0;
            well++;
        } else {
            rot[j] = 0;
            flag[j] = QGD_PI;
        }
    }
    uint32_t d = circuit_def(c, "invert", p + 2, "filtered rotation: clock, ancilla, flag");
    Block *b = circuit_def_body(c, d);
    uint32_t *q = xmalloc((p + 1) * sizeof *q);
    for (uint32_t k = 0; k < p; k++)
        q[k] = k;
    q[p] = p;
    circ_multiplex(c, b, GATE_RY, p, q, rot);
    q[p] = p + 1;
    circ_multiplex(c, b, GATE_RY, p, q, flag);
    free(q);
    free(rot);
    free(flag);
    if (info)
        info->well = well, info->ill = n - well;
    return d;
}
