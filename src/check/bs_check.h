/* bs_check.h — the numerical check of a trace: every backward step (or a
 * sample of the large ones) compared with its numerical gradient, each
 * element judged agree, disagree, unresolved or at a kink, and when the check
 * fails, which side is wrong (docs/numerics.md).  The results are written
 * into the trace (bs_trace.h), which renderers read. */
#ifndef BS_CHECK_H
#define BS_CHECK_H

#include "bs_error.h"
#include "bs_trace.h"

/* Returns the default check options of a method (the step itself is chosen
 * per element, bs_numeric_default_step): central rtol 1e-6, atol 1e-9;
 * forward rtol 1e-5, atol 1e-8; richardson rtol 1e-8, atol 1e-11; complex
 * rtol 1e-11, atol 1e-14; not strict; 25 sampled elements for steps of
 * more than 100. */
bs_check_opts bs_check_defaults(bs_method method);

/* The smallest step h that --epsilon may set for method m: 1e-3 of the
 * method's default step at |x| ≤ 1 for the finite differences (forward
 * √ε·1e-3 ≈ 1.5e-11, central ∛ε·1e-3 ≈ 6.1e-9, richardson
 * ε^(1/5)·1e-3 ≈ 7.4e-7), where the rounding of the loss differences, ∝ ε/h,
 * is 1000 times what it is at the balanced step and swamps any truncation
 * error; for the complex step DBL_MIN/ε ≈ 1.0e-292, below which Im L(x + ih)
 * of a derivative ε times smaller than 1 is no longer a normal number
 * (docs/numerics.md, "Limits on the options"). */
double bs_check_min_step(bs_method m);

/* BS_OK when h is a step the check can use with method m (0: the default,
 * or at least bs_check_min_step(m), finite), else BS_ERR_USAGE with a
 * one-line reason in err. */
bs_status bs_check_validate_step(bs_method m, double h, bs_error *err);

/* BS_OK when rtol and atol are tolerances under which a wrong value cannot
 * agree by rtol alone (0 ≤ rtol < 1: at 1 any value would agree with 0,
 * above 1 with values of the opposite sign; 0 ≤ atol ≤ BS_MAX_ATOL), else BS_ERR_USAGE with a one-line reason
 * naming which in err.  Negative values mean "the default" and pass. */
bs_status bs_check_validate_tolerances(double rtol, double atol, bs_error *err);

/* The largest absolute tolerance accepted (bs_check_validate_tolerances). */
#define BS_MAX_ATOL 1e-3

/* Computes the numerical gradient of every backward step (or of a sample of
 * large steps) and compares it with the analytic one: each compared element
 * agrees, disagrees, is unresolved, or sits at a kink and is checked against
 * its one-sided differences (docs/numerics.md).  Fills the numeric fields
 * of the steps and the verdict of the trace; when the check fails, the
 * deciding element is re-evaluated over a range of steps to tell which side
 * is wrong (t->failure). */
bs_status bs_trace_check(bs_trace *t, const bs_check_opts *opts, bs_error *err);

#endif
