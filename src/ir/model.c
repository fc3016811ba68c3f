/* model.c — size-only problems (model.h). */
#include "ir/model.h"

#include <stdlib.h>
#include <string.h>

void model_init(ModelProblem *m)
{
    memset(m, 0, sizeof *m);
    mpz_inits(m->n, m->r, NULL);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++)
        mpz_inits(m->F[l].nnz, m->F[l].rows, m->F[l].cols, NULL);
}

void model_free(ModelProblem *m)
{
    if (!m->n->_mp_d) /* zeroed or freed */
        return;
    free(m->name);
    mpz_clears(m->n, m->r, NULL);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++) {
        mpz_clears(m->F[l].nnz, m->F[l].rows, m->F[l].cols, NULL);
        free(m->F[l].mtx_path);
    }
    memset(m, 0, sizeof *m);
}
