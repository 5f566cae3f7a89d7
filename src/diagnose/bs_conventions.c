/* bs_conventions.c — the conventions by which another program's gradients
 * differ from the spec's without a bug, each verified element by element. */
#include "bs_conventions.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_compare.h"
#include "bs_mistakes.h"

/* What the analysis works on. */
typedef struct cv {
    const bs_trace *t;
    const bs_net *net;
    size_t n;
    double rtol, atol;
    bs_notation nt;
    bs_mat *o;            /* [n]: the program's values in backstep's orientation, or v NULL */
    unsigned char *trans; /* [n]: 1 when given as the transpose of a matrix */
    double *fac;          /* [n]: the factor on the data term each step is expected to carry */
    double mu;            /* the weight penalty's factor expected: data + mu W (2λ) */
    double kappa;         /* the biases' penalty expected: db + kappa b (0) */
    const double *loss;   /* the program's loss, or NULL */
    bs_conventions *out;
} cv;

void bs_conventions_free(bs_conventions *c)
{
    if (!c)
        return;
    free(c->explained);
    c->explained = NULL;
    c->n = 0;
}

static void name_of(const cv *C, size_t j, char *buf, size_t size)
{
    bs_qty q;
    size_t l;
    bs_backward_step_of(C->net, j, &q, &l);
    bs_name_grad(buf, size, q, l, C->nt);
}

static int kind_of(const cv *C, size_t j, size_t *layer)
{
    bs_qty q;
    bs_backward_step_of(C->net, j, &q, layer);
    return (int)q;
}

static int close_to(const cv *C, double p, double b)
{
    return bs_compare_close(p, b, C->rtol, C->atol);
}

/* Two factors that are the same to the tolerance (a fitted factor carries
 * rounding of a few units of the tolerance). */
static int same_factor(const cv *C, double a, double b)
{
    return bs_compare_close(a, b, fmax(4.0 * C->rtol, 1e-12), 0.0);
}

/* Backstep's value of step j, its data term (the L2 term 2λW taken out of a
 * dW) and the penalised parameter (W or b of the step's layer, or NULL). */
static bs_mat truth(const cv *C, size_t j)
{
    return bs_backward_value(C->net, C->t->grads, j);
}

static double reg_of(const cv *C, size_t j, size_t k)
{
    size_t l;
    return kind_of(C, j, &l) == BS_Q_W ? 2.0 * C->net->l2 * C->net->W[l][k] : 0.0;
}

static const double *param_of(const cv *C, size_t j)
{
    size_t l;
    int q = kind_of(C, j, &l);
    return q == BS_Q_W ? C->net->W[l] : q == BS_Q_B ? C->net->b[l] : NULL;
}

/* The value the program is expected to have at element k of step j under
 * the conventions found so far. */
static double expected(const cv *C, size_t j, size_t k)
{
    bs_mat T = truth(C, j);
    size_t l;
    int q = kind_of(C, j, &l);
    double data = T.v[k] - reg_of(C, j, k);
    double e = C->fac[j] * data;
    if (q == BS_Q_W)
        e += C->mu * C->net->W[l][k];
    if (q == BS_Q_B)
        e += C->kappa * C->net->b[l][k];
    return e;
}

/* 1 when every element of the program's step j is as expected. */
static int verified(const cv *C, size_t j)
{
    const bs_mat *o = &C->o[j];
    if (!o->v)
        return 0;
    for (size_t k = 0; k < o->rows * o->cols; k++)
        if (!close_to(C, o->v[k], expected(C, j, k)))
            return 0;
    return 1;
}

/* 1 when the program's step j is backstep's exactly (to the tolerance). */
static int plain(const cv *C, size_t j)
{
    bs_mat T = truth(C, j);
    const bs_mat *o = &C->o[j];
    for (size_t k = 0; k < o->rows * o->cols; k++)
        if (!close_to(C, o->v[k], T.v[k]))
            return 0;
    return 1;
}

/* Fits c in program = c · data + rest (rest: the L2 term as the spec has it),
 * least squares, and checks every element; NAN when no c fits or the data
 * term is zero. */
static double fit_factor(const cv *C, size_t j)
{
    const bs_mat *o = &C->o[j];
    bs_mat T = truth(C, j);
    double num = 0, den = 0;
    for (size_t k = 0; k < o->rows * o->cols; k++) {
        double d = T.v[k] - reg_of(C, j, k), p = o->v[k] - reg_of(C, j, k);
        num += p * d;
        den += d * d;
    }
    if (!(den > 0) || !isfinite(num) || !isfinite(den))
        return NAN;
    double c = num / den;
    for (size_t k = 0; k < o->rows * o->cols; k++)
        if (!close_to(C, o->v[k], c * (T.v[k] - reg_of(C, j, k)) + reg_of(C, j, k)))
            return NAN;
    return c;
}

/* Fits s in program = backstep's data term + s · param (the penalty's
 * derivative on another scale, or a penalty backstep does not have); NAN
 * when none fits or the parameter is zero. */
static double fit_penalty(const cv *C, size_t j)
{
    const bs_mat *o = &C->o[j];
    const double *P = param_of(C, j);
    bs_mat T = truth(C, j);
    if (!P)
        return NAN;
    double num = 0, den = 0;
    for (size_t k = 0; k < o->rows * o->cols; k++) {
        double d = T.v[k] - reg_of(C, j, k);
        num += (o->v[k] - d) * P[k];
        den += P[k] * P[k];
    }
    if (!(den > 0) || !isfinite(num))
        return NAN;
    double s = num / den;
    for (size_t k = 0; k < o->rows * o->cols; k++)
        if (!close_to(C, o->v[k], T.v[k] - reg_of(C, j, k) + s * P[k]))
            return NAN;
    return s;
}

static bs_conv_finding *add(cv *C, bs_conv_kind kind, const char *key)
{
    if (C->out->n >= BS_CONV_MAX)
        return NULL;
    bs_conv_finding *f = &C->out->f[C->out->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->key = key;
    return f;
}

/* A list of step names, "dz2, da1 and dz1", of the steps j with sel[j]. */
static void list_steps(const cv *C, const unsigned char *sel, char *buf, size_t size)
{
    size_t total = 0, k = 0;
    for (size_t j = 0; j < C->n; j++)
        total += sel[j] != 0;
    buf[0] = '\0';
    for (size_t j = 0; j < C->n; j++) {
        if (!sel[j])
            continue;
        char nm[48];
        name_of(C, j, nm, sizeof nm);
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", k == 0 ? "" : k + 1 == total ? " and " : ", ",
                 nm);
        k++;
    }
}

/* ---- orientation ------------------------------------------------------- */

static void orientation(cv *C)
{
    size_t n_mat = 0, n_tr = 0, n_w = 0, n_wtr = 0;
    for (size_t j = 0; j < C->n; j++) {
        size_t l;
        bs_mat T = truth(C, j);
        if (!C->o[j].v || T.rows < 2 || T.cols < 2)
            continue;
        n_mat++;
        n_tr += C->trans[j];
        if (kind_of(C, j, &l) == BS_Q_W) {
            n_w++;
            n_wtr += C->trans[j];
        }
    }
    /* one transposed matrix is the catalogue's missing transpose, not a habit */
    if (n_tr < 2)
        return;
    const char *conv = C->net->convention == BS_ROW ? "row" : "column";
    const char *other = C->net->convention == BS_ROW ? "column" : "row";
    bs_conv_finding *f = NULL;
    if (n_tr == n_mat && n_mat > n_w) {
        f = add(C, BS_CONV_TRANSPOSED, "transposed");
        if (f) {
            snprintf(f->says, sizeof f->says,
                     "every matrix is transposed: the file is in the %s convention (one example "
                     "per column, W[n] as n[n]×n[n−1]), the spec in the %s; a convention, not a "
                     "bug",
                     other, conv);
            snprintf(f->change, sizeof f->change,
                     "set \"convention\": \"%s\" in the spec, or save each array transposed "
                     "(.T) in the program",
                     other);
        }
    } else if (n_wtr == n_w && n_tr == n_wtr) {
        f = add(C, BS_CONV_PARAMS_TRANSPOSED, "params-transposed");
        if (f) {
            snprintf(f->says, sizeof f->says,
                     "every weight gradient dW is transposed (n[n]×n[n−1], as a program that "
                     "stores W[n] as n[n]×n[n−1] keeps it) while the spec's W[n] is "
                     "n[n−1]×n[n]; a convention of layout, not a bug");
            snprintf(f->change, sizeof f->change,
                     "save dW.T in the program, or write the spec's W in that layout with "
                     "\"convention\": \"%s\" (the whole file then in that convention)",
                     other);
        }
    }
    if (!f)
        return;
    /* a transposed matrix is taken in backstep's orientation from now on */
    for (size_t j = 0; j < C->n; j++) {
        if (!C->trans[j])
            continue;
        bs_mat *o = &C->o[j];
        double *v = malloc(sizeof(double) * o->rows * o->cols);
        if (!v)
            continue;
        for (size_t r = 0; r < o->rows; r++)
            for (size_t c = 0; c < o->cols; c++)
                v[c * o->rows + r] = o->v[r * o->cols + c];
        free(o->v);
        o->v = v;
        size_t r = o->rows;
        o->rows = o->cols;
        o->cols = r;
        C->trans[j] = 2; /* turned */
    }
}

/* ---- the batch factor --------------------------------------------------- */

/* What a uniform factor `common` on every step is, and the change that
 * reconciles it: the batch's 1/B either way, MSE's ½, or the loss's scale. */
static void say_uniform(cv *C, bs_conv_finding *f, double common)
{
    const bs_net *net = C->net;
    double B = (double)net->B;
    int mse = strcmp(net->loss->name, "mse") == 0;
    if (net->B > 1 && net->reduction == BS_SUM && same_factor(C, common, 1.0 / B)) {
        snprintf(f->says, sizeof f->says,
                 "every step is exactly 1/B = 1/%zu of backstep's: the program averages "
                 "over the batch where the spec sums; a convention, not a bug",
                 net->B);
        snprintf(f->change, sizeof f->change,
                 "set \"batch_reduction\": \"mean\" in the spec (or sum in the program)");
    } else if (net->B > 1 && net->reduction == BS_MEAN && same_factor(C, common, B)) {
        snprintf(f->says, sizeof f->says,
                 "every step is exactly B = %zu times backstep's: the program never "
                 "applies the 1/B of the batch mean, so its dz, dW and db are the batch "
                 "sums, as handout 002's program's are (Notes 2–4); a convention, not "
                 "a bug",
                 net->B);
        snprintf(f->change, sizeof f->change,
                 "set \"batch_reduction\": \"sum\" in the spec (or divide by B = %zu "
                 "once, at the output, in the program)",
                 net->B);
    } else if (mse && same_factor(C, common, 2.0)) {
        snprintf(f->says, sizeof f->says,
                 "every step is exactly 2 times backstep's: the program's loss is the "
                 "squared error without the ½ (PyTorch's and Keras's MSE), the spec's "
                 "is ½ Σ (y − ŷ)²; a convention, not a bug");
        snprintf(f->change, sizeof f->change,
                 "the spec's mse has the ½ and cannot leave it out: halve the "
                 "program's output gradient (2(ŷ − y) → ŷ − y), or compare knowing "
                 "every gradient is 2×");
    } else {
        snprintf(f->says, sizeof f->says,
                 "every step is exactly %.6g times backstep's: the program's loss is "
                 "the spec's on another scale (%.6g × L); a convention of scale, not a "
                 "bug in backpropagation",
                 common, common);
        snprintf(f->change, sizeof f->change,
                 "scale the program's loss (and so its output gradient) by %.6g, the "
                 "spec cannot scale its loss",
                 1.0 / common);
    }
}

/* Where the 1/B enters: the a and z steps B times backstep's, the
 * parameters' gradients right, and once divided, never B× again (c[j]: the
 * factor fitted to step j, NaN where none fits). */
static void deferred_invb(cv *C, const double *c, size_t n_fit, size_t n_given)
{
    const bs_net *net = C->net;
    double B = (double)net->B;
    if (net->B > 1 && net->reduction == BS_MEAN && n_fit == n_given &&
        (!C->loss || close_to(C, *C->loss, C->t->fw->loss))) {
        unsigned char *sumd = calloc(C->n, 1), *divs = calloc(C->n, 1);
        int ok = sumd && divs, any_b = 0, divided = 0;
        for (size_t j = 0; ok && j < C->n; j++) {
            size_t l;
            int q = kind_of(C, j, &l);
            if (!C->o[j].v)
                continue;
            int is_b = same_factor(C, c[j], B), is_1 = same_factor(C, c[j], 1.0);
            if (q == BS_Q_W || q == BS_Q_B) {
                ok = is_1;
            } else if (is_b) {
                ok = !divided;
                sumd[j] = 1;
                any_b |= q == BS_Q_Z;
            } else {
                ok = is_1;
                divided = 1;
            }
        }
        if (ok && any_b) {
            /* the parameter gradients computed from a B× step */
            for (size_t j = 0; j < C->n; j++) {
                size_t l;
                int q = kind_of(C, j, &l);
                if ((q == BS_Q_W || q == BS_Q_B) && C->o[j].v) {
                    size_t u = bs_backward_upstream(net, j);
                    if (u != (size_t)-1 && (sumd[u] || !C->o[u].v))
                        divs[j] = 1;
                }
            }
            bs_conv_finding *f = add(C, BS_CONV_INVB_AT, "1/B-at-dW");
            if (f) {
                char sl[200], dl[200];
                list_steps(C, sumd, sl, sizeof sl);
                list_steps(C, divs, dl, sizeof dl);
                f->factor = B;
                int w = snprintf(f->says, sizeof f->says,
                         "the program keeps the batch sums in %.200s (B = %zu times backstep's, "
                         "dscores = ŷ − y) and applies the 1/B of the batch mean in %.200s, which "
                         "agree; a convention of where the 1/B enters, not a bug",
                         sl, net->B, dl[0] ? dl : "the parameters' gradients");
                (void)w; /* a long list is cut */
                snprintf(f->change, sizeof f->change,
                         "none is needed for the parameters' gradients; to compare the "
                         "intermediate steps too, divide by B at the output (dscores /= %zu) "
                         "in the program, or give only dW and db",
                         net->B);
                for (size_t j = 0; j < C->n; j++)
                    if (sumd[j])
                        C->fac[j] = B;
            }
        }
        free(sumd);
        free(divs);
    }
}

/* A factor fitted to every given step: one uniform factor that is a
 * convention (or the program's gradients not those of its own loss), else
 * the pattern of a 1/B applied late (deferred_invb). */
static void factors(cv *C)
{
    const bs_net *net = C->net;
    double B = (double)net->B;
    double *c = malloc(sizeof(double) * C->n);
    if (!c)
        return;
    size_t n_fit = 0, n_given = 0, n_elems = 0;
    double common = NAN;
    int uniform = 1;
    for (size_t j = 0; j < C->n; j++) {
        c[j] = NAN;
        if (!C->o[j].v)
            continue;
        n_given++;
        c[j] = fit_factor(C, j);
        bs_mat T = truth(C, j);
        for (size_t k = 0; k < T.rows * T.cols; k++)
            n_elems += T.v[k] - reg_of(C, j, k) != 0.0;
        if (isnan(c[j])) {
            uniform = 0;
            continue;
        }
        n_fit++;
        if (isnan(common))
            common = c[j];
        else if (!same_factor(C, c[j], common))
            uniform = 0;
    }
    /* a positive factor (a sign flipped is a bug) that is a known convention
     * (the batch's 1/B either way, MSE's ½), or any whose loss the file gives
     * on the same scale and the output is more than one number (a mistake in
     * a single output value is a factor too) */
    int mse = strcmp(net->loss->name, "mse") == 0;
    int known = net->B > 1 && ((net->reduction == BS_SUM && same_factor(C, common, 1.0 / B)) ||
                               (net->reduction == BS_MEAN && same_factor(C, common, B)));
    known = known || (mse && same_factor(C, common, 2.0));
    const bs_forward *fw = C->t->fw;
    int loss_same = C->loss && close_to(C, *C->loss, common * fw->data_loss + fw->penalty);
    int loss_spec = C->loss && close_to(C, *C->loss, fw->loss);
    /* one number fits any factor: it takes two to see one */
    if (n_elems < 2)
        uniform = 0;
    if (uniform && n_fit == n_given && n_fit > 0 && common > 0 && !same_factor(C, common, 1.0) &&
        known && loss_spec && !loss_same) {
        /* the program's own loss is the spec's: its gradients are not those of its loss */
        bs_conv_finding *f = add(C, BS_CONV_FACTOR, "factor");
        if (f) {
            f->factor = common;
            f->unexplained = 1;
            snprintf(f->says, sizeof f->says,
                     "every step is exactly %.6g times backstep's, but the program's own loss "
                     "is the spec's: its gradients are not the gradients of its loss.  A "
                     "convention only if its update divides by %.6g (handout 002's program "
                     "leaves the 1/B to the update, Notes 2–4); otherwise the bug named below",
                     common, common);
            snprintf(f->change, sizeof f->change,
                     "apply the factor %.6g in the gradients (at the output), or, if the update "
                     "applies it, compare with the spec changed as the factor says "
                     "(\"batch_reduction\")",
                     1.0 / common);
        }
        free(c);
        return;
    }
    if (uniform && n_fit == n_given && n_fit > 0 && common > 0 && !same_factor(C, common, 1.0) &&
        ((known && (!C->loss || loss_same)) ||
         (loss_same && net->B * net->n[net->L] > 1))) {
        bs_conv_finding *f = add(C, BS_CONV_FACTOR, "factor");
        if (f) {
            f->factor = common;
            say_uniform(C, f, common);
            for (size_t j = 0; j < C->n; j++)
                C->fac[j] = common;
        }
        free(c);
        return;
    }
    deferred_invb(C, c, n_fit, n_given);
    free(c);
}

/* ---- regularisation ------------------------------------------------------ */

static void penalties(cv *C)
{
    const bs_net *net = C->net;
    double lam = net->l2;
    double mu = NAN, kappa = NAN;
    int w_ok = 1, b_ok = 1;
    size_t n_w = 0, n_b = 0, nz_w = 0, nz_b = 0; /* and the nonzero parameters seen */
    for (size_t j = 0; j < C->n; j++) {
        size_t l;
        int q = kind_of(C, j, &l);
        if (!C->o[j].v || !(q == BS_Q_W || q == BS_Q_B) || C->fac[j] != 1.0)
            continue;
        double s = fit_penalty(C, j);
        const double *P = param_of(C, j);
        size_t np = 0;
        for (size_t k = 0; k < C->o[j].rows * C->o[j].cols; k++)
            np += P[k] != 0.0;
        if (q == BS_Q_W) {
            n_w++;
            nz_w += np;
            if (isnan(s) || (!isnan(mu) && !same_factor(C, s, mu)))
                w_ok = 0;
            else
                mu = s;
        } else {
            n_b++;
            nz_b += np;
            if (isnan(s) || (!isnan(kappa) && !same_factor(C, s, kappa)))
                b_ok = 0;
            else
                kappa = s;
        }
    }
    /* data + μW: 2λ is right; 0 and λ are the catalogue's mistakes (the L2
     * term left out, λW for 2λW) */
    if (n_w > 0 && nz_w >= 2 && w_ok && !isnan(mu) && fabs(mu) > C->atol && !same_factor(C, mu, 2 * lam) &&
        !(lam > 0 && same_factor(C, mu, lam))) {
        bs_conv_finding *f = add(C, BS_CONV_L2_SCALE, "l2-scale");
        if (f) {
            f->factor = mu;
            char as[200] = "";
            if (lam > 0 && same_factor(C, mu, 4 * lam))
                snprintf(as, sizeof as,
                         " — reg·ΣW² with reg = 2λ = %.6g, where the spec's λ is reg/2 (the "
                         "0.5·reg·ΣW² of the other year's assignment)",
                         2 * lam);
            snprintf(f->says, sizeof f->says,
                     "every dW is backstep's data term + %.6g·W, where the spec's penalty "
                     "λ‖W‖² (λ = %.6g) gives + %.6g·W: the program's penalty is %.6g·ΣW²%s; a "
                     "convention of how λ is written, not a bug",
                     mu, lam, 2 * lam, mu / 2, as);
            snprintf(f->change, sizeof f->change,
                     "set \"l2\": %.6g in the spec (λ = μ/2 for a gradient + μW; for "
                     "Nielsen's (λ_N/2n)Σw², λ = λ_N/(2n))",
                     mu / 2);
            C->mu = mu;
        }
    }
    int any_b = 0;
    for (size_t l = 1; l <= net->L; l++)
        for (size_t k = 0; k < net->n[l]; k++)
            any_b |= net->b[l][k] != 0.0;
    if (n_b > 0 && nz_b >= 2 && b_ok && any_b && !isnan(kappa) && fabs(kappa) > C->atol) {
        bs_conv_finding *f = add(C, BS_CONV_BIAS_L2, "bias-penalised");
        if (f) {
            f->factor = kappa;
            snprintf(f->says, sizeof f->says,
                     "every db is backstep's + %.6g·b: the program penalises the biases too "
                     "(%.6g·Σb²%s); the spec penalises the weights only; a convention, not a "
                     "bug",
                     kappa, kappa / 2,
                     lam > 0 && same_factor(C, kappa, 2 * lam) ? ", the same λ as the weights"
                                                               : "");
            snprintf(f->change, sizeof f->change,
                     "the spec cannot penalise biases: leave b out of the program's penalty "
                     "(and of its gradient) to compare");
            C->kappa = kappa;
        }
    }
}

/* ---- relu'(0) and values overwritten in place ---------------------------- */

/* Walks the steps with the program's choice at exact relu kinks: each step
 * computed right from the values above, a relu layer's g[nz] with
 * relu'(0) = 1 where the program has it so.  Marks kink[j] for the steps that
 * agree only so.  Returns the number of kinks taken the other way, −1 when
 * memory ran out. */
static long kinks(cv *C, unsigned char *kink)
{
    const bs_net *net = C->net;
    int any = 0;
    for (size_t l = 1; l <= net->L; l++)
        if (strcmp(net->act[l]->name, "relu") == 0)
            for (size_t k = 0; k < net->B * net->n[l]; k++)
                any |= C->t->fw->z[l][k] == 0.0;
    if (!any)
        return 0;
    bs_mat *cur = calloc(C->n, sizeof *cur);
    if (!cur)
        return -1;
    long taken = 0;
    int changed = 0;
    for (size_t j = 0; j < C->n; j++) {
        bs_mat T = truth(C, j);
        size_t l;
        int q = kind_of(C, j, &l);
        bs_mistake_ctx ctx = {C->t, cur, j, C->nt};
        if (j == 0 || bs_mistake_correct(&ctx, &cur[j])) {
            free(cur[j].v);
            cur[j].rows = T.rows;
            cur[j].cols = T.cols;
            cur[j].v = malloc(sizeof(double) * T.rows * T.cols);
            if (!cur[j].v)
                break;
            memcpy(cur[j].v, T.v, sizeof(double) * T.rows * T.cols);
        }
        const bs_mat *o = &C->o[j];
        if (q == BS_Q_Z && strcmp(net->act[l]->name, "relu") == 0 && o->v && j > 0 &&
            !(l == net->L && bs_backward_shortcut(net))) {
            /* relu'(0) = 1 where the program's value says so */
            const double *z = C->t->fw->z[l], *da = cur[j - 1].v;
            size_t here = 0;
            for (size_t k = 0; k < T.rows * T.cols; k++)
                if (z[k] == 0.0 && !close_to(C, o->v[k], cur[j].v[k]) &&
                    close_to(C, o->v[k], da[k]) && da[k] != 0.0) {
                    cur[j].v[k] = da[k];
                    here++;
                }
            if (here) {
                taken += (long)here;
                changed = 1;
            }
        }
        if (changed && o->v && o->rows == cur[j].rows && o->cols == cur[j].cols) {
            int agrees = 1;
            for (size_t k = 0; k < o->rows * o->cols && agrees; k++)
                agrees = close_to(C, o->v[k], cur[j].v[k]);
            if (agrees && !plain(C, j))
                kink[j] = 1;
        }
    }
    for (size_t j = 0; j < C->n; j++)
        free(cur[j].v);
    free(cur);
    return taken;
}

static void aliases(cv *C)
{
    const bs_net *net = C->net;
    for (size_t l = 1; l < net->L; l++) {
        size_t ja = bs_backward_step_index(net, BS_Q_A, l), jz = bs_backward_step_index(net,
                                                                                        BS_Q_Z, l);
        const bs_mat *a = &C->o[ja], *z = &C->o[jz];
        if (!a->v || !z->v || C->out->explained[ja] || verified(C, ja) || !verified(C, jz))
            continue;
        int same = 1;
        for (size_t k = 0; k < a->rows * a->cols && same; k++)
            same = close_to(C, a->v[k], z->v[k]);
        if (!same)
            continue;
        bs_conv_finding *f = add(C, BS_CONV_ALIAS, "in-place");
        if (!f)
            return;
        char an[48], zn[48];
        name_of(C, ja, an, sizeof an);
        name_of(C, jz, zn, sizeof zn);
        int w = snprintf(f->says, sizeof f->says,
                 "%s equals your own %s element for element, while %s and the steps below it "
                 "agree: %s was overwritten in place? (%s = %s; %s[z%zu <= 0] = 0 masks the "
                 "one array both names share); the gradients are right, the saved %s is not",
                 an, zn, zn, an, zn, an, zn, l, an);
        (void)w; /* long names are cut */
        snprintf(f->change, sizeof f->change,
                 "save %s before the masking, or copy it first (%s = %s.copy()); nothing to "
                 "change in the spec",
                 an, zn, an);
        C->out->explained[ja] = (unsigned char)C->out->n;
    }
}

/* The program's values as the steps' shapes (a vector in either
 * orientation as it is, a matrix given transposed marked in C->trans); -1
 * if memory ran out. */
static int take_program(cv *C, const bs_mat *prog)
{
    for (size_t j = 0; j < C->n; j++) {
        C->fac[j] = 1.0;
        bs_mat T = truth(C, j);
        const bs_mat *p = &prog[j];
        if (!p->v)
            continue;
        int same = p->rows == T.rows && p->cols == T.cols;
        int turned = p->rows == T.cols && p->cols == T.rows;
        int vec = T.rows == 1 || T.cols == 1;
        if (!same && !turned)
            continue; /* a bias gradient left unsummed: the catalogue's */
        C->o[j].rows = T.rows;
        C->o[j].cols = T.cols;
        C->o[j].v = malloc(sizeof(double) * T.rows * T.cols);
        if (!C->o[j].v)
            return -1;
        memcpy(C->o[j].v, p->v, sizeof(double) * T.rows * T.cols);
        if (!same && !vec) {
            C->o[j].rows = T.cols;
            C->o[j].cols = T.rows;
            C->trans[j] = 1;
        }
    }
    return 0;
}

/* The finding that relu'(0) was taken as 1 at nk elements where z is
 * exactly 0 (kink marks their steps): accepted as agreement. */
static void kink_finding(cv *C, long nk, const unsigned char *kink)
{
    bs_conv_finding *f = add(C, BS_CONV_RELU_KINK, "relu-kink");
    if (!f)
        return;
    f->accepted = 1;
    f->factor = (double)nk;
    size_t fj = 0;
    while (fj < C->n && !kink[fj])
        fj++;
    char nm[48] = "";
    if (fj < C->n)
        name_of(C, fj, nm, sizeof nm);
    snprintf(f->says, sizeof f->says,
             "%s takes relu'(0) = 1 at %ld element%s where z is exactly 0, backstep "
             "relu'(0) = 0: both are one-sided derivatives at the kink (check accepts "
             "either), so this is accepted as agreement",
             nm, nk, nk == 1 ? "" : "s");
    snprintf(f->change, sizeof f->change,
             "none: at an exact kink either one-sided derivative is right (z > 0 and "
             "z >= 0 are both relu's subgradient choices)");
}

/* Which finding explains each step, every element verified. */
static void explain_steps(cv *C, const unsigned char *kink)
{
    for (size_t j = 0; j < C->n; j++) {
        if (!C->o[j].v)
            continue;
        size_t l;
        int q = kind_of(C, j, &l);
        unsigned char who = 0;
        for (size_t i = 0; i < C->out->n && !who; i++) {
            const bs_conv_finding *f = &C->out->f[i];
            int mine = 0;
            if (f->unexplained)
                continue;
            switch (f->kind) {
            case BS_CONV_TRANSPOSED:
            case BS_CONV_PARAMS_TRANSPOSED: mine = C->trans[j] == 2; break;
            case BS_CONV_FACTOR: mine = 1; break;
            case BS_CONV_INVB_AT: mine = C->fac[j] != 1.0; break;
            case BS_CONV_L2_SCALE: mine = q == BS_Q_W; break;
            case BS_CONV_BIAS_L2: mine = q == BS_Q_B; break;
            case BS_CONV_RELU_KINK: mine = kink[j]; break;
            default: break;
            }
            if (!mine)
                continue;
            if (f->kind == BS_CONV_RELU_KINK ? kink[j] : verified(C, j))
                who = (unsigned char)(i + 1);
        }
        C->out->explained[j] = who;
    }
}

bs_status bs_conventions_find(const bs_trace *t, const bs_mat *prog, const double *loss,
                              double rtol, double atol, bs_notation nt, bs_conventions *out,
                              bs_error *err)
{
    memset(out, 0, sizeof *out);
    cv C;
    memset(&C, 0, sizeof C);
    C.t = t;
    C.net = t->net;
    C.n = bs_backward_nsteps(t->net);
    C.rtol = rtol;
    C.atol = atol;
    C.nt = nt;
    C.out = out;
    C.loss = loss;
    C.mu = 2.0 * t->net->l2;
    C.kappa = 0.0;
    C.o = calloc(C.n, sizeof *C.o);
    C.trans = calloc(C.n, 1);
    C.fac = malloc(sizeof(double) * C.n);
    out->explained = calloc(C.n, 1);
    unsigned char *kink = calloc(C.n, 1);
    bs_status st = BS_OK;
    if (!C.o || !C.trans || !C.fac || !out->explained || !kink) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        goto done;
    }
    /* the program's values, a vector in either orientation as it is */
    if (take_program(&C, prog) != 0) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        goto done;
    }
    orientation(&C);
    /* from here on a matrix still transposed is not analysed */
    for (size_t j = 0; j < C.n; j++)
        if (C.trans[j] == 1) {
            free(C.o[j].v);
            C.o[j].v = NULL;
        }
    factors(&C);
    penalties(&C);
    long nk = kinks(&C, kink);
    if (nk < 0) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        goto done;
    }
    if (nk > 0)
        kink_finding(&C, nk, kink);
    explain_steps(&C, kink);
    aliases(&C);
done:
    if (C.o)
        for (size_t j = 0; j < C.n; j++)
            free(C.o[j].v);
    free(C.o);
    free(C.trans);
    free(C.fac);
    free(kink);
    if (st != BS_OK)
        bs_conventions_free(out);
    return st;
}
