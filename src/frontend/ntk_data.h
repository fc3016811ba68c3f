/* ntk_data.h — training and test sets of an ntk problem: IDX files (the
 * MNIST format; gzip-compressed or not, read with zlib) and labelled CSV
 * (one example per row: label, features...). Picks the two classes, draws a
 * seeded subset, and projects every example onto the unit sphere. Bad data
 * (wrong magic number, truncated file, count mismatch, a class with no
 * examples, an all-zero example) is reported at the place in the .qgd text
 * that names the file, saying what is wrong with it. */
#ifndef QGDC_NTK_DATA_H
#define QGDC_NTK_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ntk.h"
#include "support/diag.h"

/* What a loader call asks for. */
typedef struct NtkLoadSpec {
    NtkSource source;
    const char *path;        /* idx: images; csv: the file */
    const char *labels_path; /* idx: labels; csv: NULL */
    Loc path_loc, labels_loc, call_loc;
    bool has_classes;        /* classes = [a, b]: a ↦ y = +1, b ↦ y = −1 */
    double classes[2];
    Loc classes_loc;
    bool has_n;              /* n = N: a seeded subset of N examples */
    uint32_t n;
    Loc n_loc;
    uint64_t seed;
    bool need_both;          /* the chosen examples must hold both classes (training) */
    const char *what;        /* "training" or "test", for messages */
    /* when delta is not NULL: the separability δ of the chosen examples and
     * a pair attaining it; δ = 0 (two parallel examples) is an error */
    double *delta;
    uint32_t *delta_i, *delta_j;
} NtkLoadSpec;

/* Loads one set; paths relative to base_dir unless absolute. Returns
 * false after reporting an error (out is then empty). */
bool ntk_load(const NtkLoadSpec *spec, const char *base_dir, NtkData *out);

/* The IDX header: data type byte, dimensions. */
typedef struct IdxHeader {
    unsigned type, ndims;
    uint32_t dims[8];
    uint64_t count;  /* dims[0] */
    uint64_t item;   /* bytes per item: the product of dims[1..] (1 for labels) */
} IdxHeader;

/* Reads a whole IDX file of unsigned bytes with `ndims_want` dimensions
 * (1: labels, ≥ 2: images; 0: any) into *data (malloc'd, count·item
 * bytes). Errors are reported at `use`, naming `shown` (the path as the
 * user wrote it). */
bool idx_read(const char *path, const char *shown, Loc use, unsigned ndims_want, IdxHeader *h, unsigned char **data);

#endif
