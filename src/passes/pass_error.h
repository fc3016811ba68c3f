/* pass_error.h — how the classical passes report a refusal: a returned
 * false with a malloc'd message in *err for the caller to print and free,
 * or, when err is NULL, the message as a diag_plain error. */
#ifndef QGDC_PASS_ERROR_H
#define QGDC_PASS_ERROR_H

#include <stdbool.h>

/* Always returns false. */
bool pass_error(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
