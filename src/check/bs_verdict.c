/* bs_verdict.c — the verdict on one compared element: agree, disagree,
 * unresolved, or at a kink consistent or not (docs/numerics.md). */
#include "bs_verdict.h"

#include <math.h>

double bs_rel_error(double a, double n)
{
    double m = fmax(fabs(a), fabs(n));
    return m == 0.0 ? 0.0 : fabs(a - n) / m;
}

/* Below: the verdict on one element (docs/numerics.md, "The verdict").
 * The error bar is too wide to decide when it exceeds WIDE times the
 * tolerance; a difference is far outside the bar beyond FAR times it. */
#define WIDE 1000.0
#define FAR 10.0

bs_verdict bs_check_judge(double a, const bs_numeric_item *it, const bs_check_opts *o)
{
    double nv = it->value, e = it->error;
    if (!isfinite(a))
        return BS_V_DISAGREE;
    /* a numerical value that is not finite says nothing about a finite
     * analytic one: the loss is not finite at x ± h */
    if (!isfinite(nv))
        return BS_V_UNRESOLVED;
    if (it->kink) {
        /* a valid subgradient lies between the one-sided differences */
        double lo = fmin(it->left, it->right), hi = fmax(it->left, it->right);
        double m = fmax(fabs(a), fmax(fabs(lo), fabs(hi)));
        double slack = fmax(o->atol, o->rtol * m) + fmax(it->left_error, it->right_error);
        if (!isfinite(lo) || !isfinite(hi) || !(slack < INFINITY))
            return BS_V_UNRESOLVED;
        return a >= lo - slack && a <= hi + slack ? BS_V_KINK_OK : BS_V_KINK_BAD;
    }
    double diff = fabs(a - nv), m = fmax(fabs(a), fabs(nv));
    double tol = fmax(o->atol, o->rtol * m);
    if (diff <= tol)
        return BS_V_AGREE;
    if (!(e <= WIDE * tol))
        return BS_V_UNRESOLVED;
    if (diff <= e)
        return BS_V_AGREE;
    return diff <= FAR * e ? BS_V_UNRESOLVED : BS_V_DISAGREE;
}

int bs_verdict_settles(const double *D)
{
    for (int j = 0; j < 3; j++)
        if (!isfinite(D[j]))
            return 0;
    double late = fabs(D[2] - D[1]), early = fabs(D[1] - D[0]);
    return late < early || late <= 1e-3 * fmax(fabs(D[1]), fabs(D[2]));
}

/* Re-evaluates an item at its step h divided by 4 and 16 and tells whether
 * its numerical derivative settles (bs_verdict_settles). */
static int item_settles(bs_numeric *nm, bs_method m, const bs_numeric_item *it)
{
    double D[3] = {it->value, 0, 0};
    if (!(it->step > 0))
        return 0;
    for (int j = 1; j < 3; j++) {
        bs_numeric_item x = *it;
        bs_numeric_derivative(nm, m, it->step * pow(0.25, j), &x);
        D[j] = x.value;
    }
    return bs_verdict_settles(D);
}

int bs_verdict_step_too_far(const bs_trace *t, const bs_numeric_item *it)
{
    const bs_net *net = t->net;
    size_t n = it->layer, k = it->k;
    if (k == BS_NUMERIC_ALONG || (it->q == BS_Q_A && n >= net->L))
        return 0;
    size_t zl = it->q == BS_Q_A ? n + 1 : n, nz = net->n[zl], B = net->B;
    const double *z = t->fw->z[zl];
    double per = 1.0, scale = 1.0;
    size_t col = 0, row0 = 0, rows = B;
    switch (it->q) {
    case BS_Q_W: {
        size_t nin = net->n[n - 1], p = k / nz;
        col = k % nz;
        per = 0.0;
        for (size_t i = 0; i < B; i++)
            per = fmax(per, fabs(t->fw->a[n - 1][i * nin + p]));
        break;
    }
    case BS_Q_B: col = k; break;
    case BS_Q_Z:
        row0 = k / nz;
        col = k % nz;
        rows = 1;
        break;
    default: { /* a[n]: row i, entry j moves row i of z[n + 1] by W[n + 1][j, :] */
        size_t na = net->n[n], j = k % na;
        row0 = k / na;
        rows = 1;
        per = 0.0;
        for (size_t c = 0; c < nz; c++) {
            per = fmax(per, fabs(net->W[zl][j * nz + c]));
            scale = fmax(scale, fabs(z[row0 * nz + c]));
        }
        return it->step * per > scale;
    }
    }
    for (size_t i = row0; i < row0 + rows; i++)
        scale = fmax(scale, fabs(z[i * nz + col]));
    return it->step * per > scale;
}

bs_verdict bs_check_verdict(const bs_trace *t, bs_numeric *nm, double a, const bs_numeric_item *it,
                            const bs_check_opts *o)
{
    bs_verdict v = bs_check_judge(a, it, o);
    if (v == BS_V_DISAGREE && isfinite(a) && !it->kink &&
        (bs_verdict_step_too_far(t, it) || !item_settles(nm, o->method, it)))
        v = BS_V_UNRESOLVED;
    return v;
}

/* 1 when a verdict fails the check: disagree, an inconsistent kink, and with
 * strict an unresolved element too. */
int bs_check_fails(bs_verdict v, const bs_check_opts *o)
{
    return v == BS_V_DISAGREE || v == BS_V_KINK_BAD || (o->strict && v == BS_V_UNRESOLVED);
}
