/* bs_verdict.h — the verdict on one compared element, shared by the
 * per-element check (bs_check.h) and the directional one (bs_directions.h). */
#ifndef BS_VERDICT_H
#define BS_VERDICT_H

#include "bs_numeric.h"
#include "bs_trace.h"

/* The verdict on an analytic value a against a numerical result it under
 * the tolerances of o (docs/numerics.md, "The verdict on an element"). */
bs_verdict bs_check_judge(double a, const bs_numeric_item *it, const bs_check_opts *o);

/* 1 when a verdict fails the check: disagree, an inconsistent kink, and with
 * o->strict an unresolved element too. */
int bs_check_fails(bs_verdict v, const bs_check_opts *o);

/* bs_check_judge, and where that says disagree, whether the numerical side
 * can be trusted: when the step moves a pre-activation by more than its own
 * size, or the numerical value does not settle at h/4 and h/16 (evaluated
 * with nm, which for a direction must have it set), the element is
 * unresolved instead (docs/numerics.md, "The verdict on an element"). */
bs_verdict bs_check_verdict(const bs_trace *t, bs_numeric *nm, double a, const bs_numeric_item *it,
                            const bs_check_opts *o);

/* 1 when the numerical derivatives D_0, D_1, D_2 at steps h, h/4, h/16
 * settle: the last change is smaller than the change before it (truncation
 * shrinks like h^p), or below 1e-3 of the values (rounding noise of a
 * derivative that is there).  A derivative that keeps moving as h shrinks
 * (D ∝ 1/h where every step saturates the loss, or overflows it) is no
 * estimate of anything, whatever error bar it was given; nor is one that is
 * not finite. */
int bs_verdict_settles(const double *D);

/* 1 when the step of item it moves a pre-activation by more than its own
 * size, max(1, |z|) over the examples: the moved entry is W[n] (z[n] moves by
 * h·a[n−1][:, p]), b[n] or z[n] (by h), or a[n] below the output (z[n + 1]
 * moves by h·W[n + 1][j, :]).  The finite difference (or the complex step)
 * then samples the loss far from the point, not its slope there. */
int bs_verdict_step_too_far(const bs_trace *t, const bs_numeric_item *it);

/* The relative error |a − n| / max(|a|, |n|), 0 when both are 0. */
double bs_rel_error(double a, double n);

#endif
