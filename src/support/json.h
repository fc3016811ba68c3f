/* json.h — a small streaming JSON writer for --json output. Keeps track of
 * commas and indentation; doubles are written so that they read back
 * exactly; GMP integers are written as JSON numbers of any length. */
#ifndef QGDC_JSON_H
#define QGDC_JSON_H

#include <stdio.h> /* before gmp.h: it declares its FILE functions only after stdio.h */
#include <gmp.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct JsonWriter {
    FILE *out;
    int depth;
    bool first[64];  /* no element written yet at this depth */
    bool compact[64]; /* this container is written on one line */
    char closer[64];  /* '}' or ']' */
    bool after_key;
} JsonWriter;

void json_init(JsonWriter *w, FILE *out);
void json_object(JsonWriter *w);            /* { */
void json_array(JsonWriter *w);             /* [ */
void json_array_compact(JsonWriter *w);     /* [ on one line */
void json_end(JsonWriter *w);               /* } or ] */
void json_key(JsonWriter *w, const char *key);
void json_string(JsonWriter *w, const char *s);
void json_double(JsonWriter *w, double x);  /* non-finite as null */
void json_int(JsonWriter *w, long long x);
void json_uint(JsonWriter *w, unsigned long long x);
void json_mpz(JsonWriter *w, const mpz_t x);
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
void json_finish(JsonWriter *w);            /* final newline */

#endif
