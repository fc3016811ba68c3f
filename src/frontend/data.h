/* data.h — constant arrays of the .qgd language and the loaders that read
 * them from data files: CSV (dense) and Matrix Market (sparse coordinate or
 * dense array). A malformed file is reported at its own line and column. */
#ifndef QGDC_DATA_H
#define QGDC_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/diag.h"

typedef struct Array {
    int rank;        /* 0 scalar, 1 vector, 2 matrix */
    size_t dim[2];
    double *v;       /* dense values, row-major; NULL for a sparse matrix */
    /* sparse matrix: entries sorted by (row, col), no duplicates */
    size_t nnz;
    uint32_t *ri, *ci;
    double *sv;
} Array;

void array_free(Array *a);
size_t array_size(const Array *a); /* number of elements, dim product */
/* Element at (i[, j]); indices already range-checked. */
double array_get(const Array *a, const size_t *idx);

/* Loaders. `use` is where the file is named in the .qgd text (for errors
 * about the file as a whole); the path is taken relative to base_dir unless
 * absolute. Return false after reporting an error. */
bool data_load_csv(const char *path, const char *base_dir, Loc use, Array *out);
bool data_load_mtx(const char *path, const char *base_dir, Loc use, Array *out);

/* Parsers over text already in memory (used by the loaders and the tests). */
bool data_parse_csv(const SrcFile *f, Array *out);
bool data_parse_mtx(const SrcFile *f, Array *out);

/* When false (the fuzzer), data files are never opened. */
extern bool data_files_allowed;

#endif
