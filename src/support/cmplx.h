/* cmplx.h — <complex.h> plus C11's CMPLX where the C library leaves it out
 * (glibc does for compilers it does not know to have __builtin_complex,
 * such as clang 14). The union keeps infinities and signed zeros exact,
 * which x + y·I does not. */
#ifndef QGDC_CMPLX_H
#define QGDC_CMPLX_H

#include <complex.h>

#ifndef CMPLX
#define CMPLX(x, y) (((union { double _Complex z_; double d_[2]; }){.d_ = {(x), (y)}}).z_)
#endif

#endif
