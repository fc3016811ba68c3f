/* proxy.h — the paper's error proxy from a Hessian spectrum (Liu et al.
 * 2024, main text eq. 7–8):
 *
 *     E(t) = (1/N_c) Σ_{|a_k| ≥ cut} w_k |1 + a_k|^t,   N_c = Σ_{|a_k| ≥ cut} w_k,
 *
 * with a_k = −η λ_k for the Hessian eigenvalues λ_k (weights w_k = 1, or
 * the counts of a histogram). Small |a| are discarded, as in the paper,
 * because they are abundant and keep the proxy stationary. E(0) = 1; a
 * dissipative spectrum (|1 + a| < 1 for most modes) makes E fall at first;
 * divergent modes (|1 + a| > 1) make it grow exponentially later. The
 * first t with E(t) > threshold is the download/re-upload interval. */
#ifndef QGDC_PROXY_H
#define QGDC_PROXY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Spectrum {
    double *value;  /* eigenvalues λ_k (bin centres for a histogram) */
    double *weight; /* multiplicities w_k */
    size_t n;
} Spectrum;

/* Reads a spectrum: one eigenvalue per line; or "value count" pairs; or
 * "lo hi count" histogram bins (centre (lo+hi)/2). Separators: blanks or
 * commas; '#' starts a comment. Errors are reported at file:line:col. */
bool spectrum_load(const char *path, Spectrum *out);
void spectrum_free(Spectrum *s);

typedef struct ProxyParams {
    double eta;       /* a = −η λ (default 1: the file holds −a already scaled) */
    double cut;       /* discard |a| < cut (paper: 0.4) */
    double threshold; /* report the first t with E(t) > threshold */
} ProxyParams;

typedef struct ProxyStats {
    double kept_weight, total_weight; /* N_c and the whole weight */
    double dissipative, divergent;    /* kept weight with |1+a| < 1, > 1 */
    double max_growth;                /* max |1 + a| over kept modes */
} ProxyStats;

/* E(t) for t = 0..tmax into out[tmax+1]. Returns false when no mode
 * survives the cut (E undefined). */
bool proxy_curve(const Spectrum *s, const ProxyParams *p, int tmax, double *out, ProxyStats *st);

/* First t in 1..tmax with E(t) > threshold, or −1. */
int proxy_first_exceed(const double *curve, int tmax, double threshold);

#endif
