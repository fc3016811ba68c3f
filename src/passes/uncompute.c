/* uncompute.c — inverse phase estimation (uncompute.h). */
#include "passes/uncompute.h"

void pass_uncompute(Circuit *c, Block *b, uint32_t qpe, const uint32_t *q)
{
    Op *op = circ_call(c, b, qpe, 0, q);
    op->inv = true;
    op->comment = "uncompute: inverse phase estimation";
}
