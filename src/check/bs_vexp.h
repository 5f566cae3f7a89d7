/* bs_vexp.h — exp and log over arrays, vectorised, for the hot loop of the
 * incremental check (bs_incr.c) only.
 *
 * The loops are compiled for AVX-512, AVX2 and the baseline and picked at
 * run time; they use no table and no fused multiply-add, so every variant
 * gives the same bits.  exp follows fdlibm's e_exp.c (reduction by k·ln 2,
 * a rational approximation of exp(r) on |r| ≤ ln 2 / 2) and log fdlibm's
 * e_log.c (x = 2^k (1 + f), a polynomial in s = f / (2 + f)); both are
 * within about one unit in the last place of the exact value, so they
 * differ from the C library's exp and log by at most a unit or two in the
 * last place.  Inputs outside the range where the vector form is valid —
 * exp: x < −708 or x > 709 (underflow to subnormals, overflow, ±inf);
 * log: x < DBL_MIN or x = +inf (0, negative, subnormal); and NaN for both
 * — are handed to the C library's exp and log, so these give exactly its
 * results.  -ffast-math is never used.  The caller owns every array.
 */
#ifndef BS_VEXP_H
#define BS_VEXP_H

#include <stddef.h>

/* y[i] = exp(x[i]) for i < n; x and y must not overlap. */
void bs_vexp(const double *x, double *y, size_t n);

/* y[i] = log(x[i]) for i < n; x and y must not overlap. */
void bs_vlog(const double *x, double *y, size_t n);

/* The softmax + cross-entropy loss of R examples from their K output
 * pre-activations held examples innermost (z[j·R + r]), the targets of
 * example r at y + r·K: ℓ_r = Σ_{j: y_j ≠ 0} y_j (lse_r − z_j) with
 * lse_r = m_r + log Σ_t exp(z_t − m_r), m_r = max_t z_t — the same
 * arithmetic, in the same order, as the fused softmax_ce value of
 * bs_loss.c, with bs_vexp and bs_vlog in place of exp and log.  ws holds
 * 2·K·R + 3·R doubles of scratch. */
void bs_softmax_ce_cols(const double *z, const double *y, size_t K, size_t R, double *ws,
                        double *ell);

#endif
