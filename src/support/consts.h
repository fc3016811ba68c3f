/* consts.h — mathematical constants, defined once. */
#ifndef QGDC_CONSTS_H
#define QGDC_CONSTS_H

#define QGD_PI 3.14159265358979323846

#endif
