/* bs_explain.c — the sentences behind --explain.
 *
 * Every quantity a sentence names is named as the formulas of the chosen
 * notation name it (bs_name_grad, bs_name_var, bs_expr_text): g[2z], ∂L/∂z[2]
 * or dz2, with an element's index after an underscore (g[2z]_q, dz2_q).
 * Element indices follow the spec's convention as the term lines do: in the
 * row convention W[n]_{p,q} joins input p to output q, in the column
 * convention W[n]_{q,p} does.
 */
#include "bs_explain.h"

#include <stdio.h>
#include <string.h>

#include "bs_typeset.h"

/* the names one explanation uses, in its notation */
typedef struct names {
    bs_notation nt;
    char yh[16], y[8];  /* ŷ (yhat) and y */
    char ga[40], gz[40]; /* gradients of a[n] and z[n] of the step's layer */
    char a[32], z[32];   /* a[n], z[n] of the step's layer */
    char ain[32];        /* a[n−1]: the input of the layer (x, X in some notations) */
    char W[32], b[32];   /* W[n], b[n] */
} names;

static void names_of(names *m, const bs_step *st, bs_notation nt)
{
    size_t n = st->layer;
    m->nt = nt;
    bs_name_var(m->yh, sizeof m->yh, BS_Q_YHAT, n, nt);
    bs_name_var(m->y, sizeof m->y, BS_Q_Y, n, nt);
    bs_name_grad(m->ga, sizeof m->ga, BS_Q_A, n, nt);
    bs_name_grad(m->gz, sizeof m->gz, BS_Q_Z, n, nt);
    bs_name_var(m->a, sizeof m->a, BS_Q_A, n, nt);
    bs_name_var(m->z, sizeof m->z, BS_Q_Z, n, nt);
    bs_name_var(m->ain, sizeof m->ain, BS_Q_A, n > 0 ? n - 1 : 0, nt);
    bs_name_var(m->W, sizeof m->W, BS_Q_W, n, nt);
    bs_name_var(m->b, sizeof m->b, BS_Q_B, n, nt);
}

/* a formula of the step's notation, as the step headings typeset it */
static void formula(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt)
{
    bs_expr_text(s, e, net, nt);
}

/* the batch mean's factor, for a sentence that derives a step without it */
static void mean_factor(bs_sink *s, const bs_net *net)
{
    if (net->B > 1 && net->reduction == BS_MEAN)
        bs_sink_puts(s, " With the batch mean every example's share is also multiplied by 1/B.");
}

static int is_loss(const bs_net *net, const char *name)
{
    return strcmp(net->loss->name, name) == 0;
}

static void explain_output_a(bs_sink *s, const bs_trace *t, const bs_step *st, const names *m)
{
    const bs_net *net = t->net;
    const char *yh = m->yh, *y = m->y;
    if (is_loss(net, "mse"))
        bs_sink_printf(s, "The first local gradient is the loss's own: ℓ = ½ Σ_j (%s_j − %s_j)², "
                          "so ∂ℓ/∂%s_j = %s_j − %s_j.",
                       y, yh, yh, yh, y);
    else if (is_loss(net, "bce"))
        bs_sink_printf(s, "Differentiating ℓ = −[%s log %s + (1 − %s) log(1 − %s)] gives "
                          "(1 − %s)/(1 − %s) − %s/%s, which over a common denominator is "
                          "(%s − %s)/(%s(1 − %s)) (handout 001).",
                       y, yh, y, yh, y, yh, y, yh, yh, y, yh, yh);
    else
        bs_sink_printf(s, "Only the true class's log-probability appears in ℓ = −Σ_j %s_j log %s_j, "
                          "so ∂ℓ/∂%s_j = −%s_j/%s_j, which is 0 for every class whose target is 0.",
                       y, yh, yh, y, yh);
    if (st->mean_enters)
        bs_sink_puts(s, " L is the mean of the B example losses, so each is weighted by 1/B: "
                        "the factor enters here, once, and every later step inherits it.");
}

static void explain_z(bs_sink *s, const bs_trace *t, const bs_step *st, const names *m)
{
    const bs_net *net = t->net;
    const bs_activation *f = net->act[st->layer];
    const char *yh = m->yh, *y = m->y;
    bs_expr dact = {.kind = BS_X_DACT, .layer = st->layer};
    if (st->shortcut && strcmp(f->name, "sigmoid") == 0) {
        bs_sink_puts(s, "Chain rule through the output sigmoid: ");
        formula(s, &dact, net, m->nt);
        bs_sink_printf(s, " = %s(1 − %s), and this factor cancels the denominator of "
                          "%s = (%s − %s)/(%s(1 − %s)), leaving %s = %s − %s (handout 001).",
                       yh, yh, m->ga, yh, y, yh, yh, m->gz, yh, y);
        mean_factor(s, net);
        return;
    }
    if (st->shortcut) {
        bs_sink_printf(s, "Softmax is not elementwise: ∂%s_t/∂%s_j = %s_t(δ_tj − %s_j). With "
                          "%s_t = −%s_t/%s_t the sum over t is −%s_j + %s_j Σ_t %s_t, and since "
                          "the targets sum to 1 it collapses to %s_j − %s_j (handout 002, "
                          "Lemma 2).",
                       yh, m->z, yh, yh, m->ga, y, yh, y, yh, y, yh, y);
        mean_factor(s, net);
        return;
    }
    if (!f->elementwise) {
        bs_sink_printf(s, "Softmax couples the units of a layer, so its Jacobian "
                          "J = diag(%s) − %s %sᵀ is full: %s_j = Σ_t %s_t(δ_tj − %s_j) %s_t = "
                          "%s_j (%s_j − Σ_t %s_t %s_t). The Hadamard form (ŷ − y) ∘ f'(z) of "
                          "handout 000 holds only for elementwise activations.",
                       m->a, m->a, m->a, m->gz, m->a, m->a, m->ga, m->a, m->ga, m->a, m->ga);
        return;
    }
    bs_sink_printf(s, "Chain rule through the activation (%s): each %s_j depends only on its own "
                      "%s_j, so the Jacobian ∂%s/∂%s is diagonal and multiplying by it is an "
                      "elementwise (Hadamard, ∘) product with ",
                   f->name, m->a, m->z, m->a, m->z);
    formula(s, &dact, net, m->nt);
    bs_sink_puts(s, ".");
    if (f->kink)
        bs_sink_printf(s, " At %s = 0 the derivative is not defined; backstep takes the "
                          "one-sided value from below.",
                       m->z);
}

/* how each convention writes z = a W + b or z = W a + b for one element */
typedef struct conv_word {
    const char *out, *in, *w;  /* index letters: output unit, input, W's element */
    int a_first;               /* 1: a_p W_{p,q} and (a)ᵀ · g; 0: W_{j,k} a_k and g · (a)ᵀ */
    const char *over, *order, *from, *to;
} conv_word;

static const conv_word conv_words[2] = {
    {"q", "p", "p,q", 1, "p and q",
     "the input it multiplies times the gradient of the unit it feeds", "row", "column"},
    {"j", "k", "j,k", 0, "j and k",
     "the gradient of the unit it feeds times the input it multiplies", "column", "row"},
};

static void explain_W(bs_sink *s, const bs_trace *t, const bs_step *st, const names *m)
{
    const bs_net *net = t->net;
    const conv_word *c = &conv_words[net->convention == BS_ROW ? 0 : 1];
    bs_sink_printf(s, "%s_%s = Σ_%s ", m->z, c->out, c->in);
    if (c->a_first)
        bs_sink_printf(s, "%s_%s %s_{%s}", m->ain, c->in, m->W, c->w);
    else
        bs_sink_printf(s, "%s_{%s} %s_%s", m->W, c->w, m->ain, c->in);
    bs_sink_printf(s, " + %s_%s, so ∂%s_%s/∂%s_{%s} = %s_%s: a weight's gradient is %s. "
                      "Collected over %s this is the outer product ",
                   m->b, c->out, m->z, c->out, m->W, c->w, m->ain, c->in, c->order, c->over);
    bs_expr ain = {.kind = BS_X_VAR, .qty = BS_Q_A, .layer = st->layer - 1};
    bs_expr aT = {.kind = BS_X_T, .l = &ain};
    bs_expr gz = {.kind = BS_X_GRAD, .qty = BS_Q_Z, .layer = st->layer};
    bs_expr outer = {.kind = BS_X_MATMUL, .l = c->a_first ? &aT : &gz,
                     .r = c->a_first ? &gz : &aT};
    formula(s, &outer, net, m->nt);
    bs_sink_printf(s, "; the transpose turns the %s %s into a %s.", c->from, m->ain, c->to);
    if (net->B > 1)
        bs_sink_puts(s, " With a batch, the same matrix product also sums over the B examples "
                        "(handout 002, eqs. 19 and 35).");
    if (st->has_l2)
        bs_sink_printf(s, " The penalty λ Σ ‖W[n]‖² adds ∂(λ %s_{%s}²)/∂%s_{%s} = 2λ %s_{%s} "
                          "(handout 002, eq. 55).",
                       m->W, c->w, m->W, c->w, m->W, c->w);
}

/* a[n]_p feeds every unit q of layer n+1 */
static void explain_hidden_a(bs_sink *s, const bs_trace *t, const bs_step *st, bs_notation nt)
{
    const bs_net *net = t->net;
    size_t n = st->layer;
    char a[32], W[32], gz[40];
    bs_name_var(a, sizeof a, BS_Q_A, n, nt);
    bs_name_var(W, sizeof W, BS_Q_W, n + 1, nt);
    bs_name_grad(gz, sizeof gz, BS_Q_Z, n + 1, nt);
    /* W[n+1] joins p to q: W_{p,q} in the row convention, W_{q,p} in the column */
    const char *pq = net->convention == BS_ROW ? "p,q" : "q,p";
    bs_sink_printf(s, "%s_p feeds every unit q of layer %zu through %s_{%s}, so its gradient "
                      "sums the flows back from all of them: Σ_q %s_{%s} %s_q, which in matrix "
                      "form is ",
                   a, n + 1, W, pq, W, pq, gz);
    bs_expr w = {.kind = BS_X_VAR, .qty = BS_Q_W, .layer = n + 1};
    bs_expr wT = {.kind = BS_X_T, .l = &w};
    bs_expr g = {.kind = BS_X_GRAD, .qty = BS_Q_Z, .layer = n + 1};
    bs_expr prod = {.kind = BS_X_MATMUL};
    prod.l = net->convention == BS_ROW ? &g : &wT;
    prod.r = net->convention == BS_ROW ? &wT : &g;
    formula(s, &prod, net, nt);
    /* cite the handout whose conventions the spec follows, where it makes this step */
    const char *h = bs_net_handout(net);
    if (strcmp(h, "000") == 0)
        bs_sink_puts(s, " (handout 000, Step 2: (W[2])ᵀ δ[2]).");
    else if (strcmp(h, "002") == 0)
        bs_sink_puts(s, " (handout 002, eqs. 28 and 44).");
    else
        bs_sink_puts(s, " (handout 001: a_1[1] feeds both neurons of layer 2).");
}

void bs_explain(bs_sink *s, const bs_trace *t, const bs_step *st, bs_notation nt)
{
    const bs_net *net = t->net;
    names m;
    names_of(&m, st, nt);
    if (st->kind == BS_STEP_LOSS) {
        bs_sink_puts(s, "The loss adds up the example losses");
        if (net->B > 1 && net->reduction == BS_MEAN)
            bs_sink_puts(s, " and divides by B (the batch mean, handout 002, eq. 1)");
        if (net->l2 != 0.0)
            bs_sink_puts(s, ", plus the penalty λ Σ_n ‖W[n]‖² on the weights (not the biases)");
        bs_sink_puts(s, ".");
        return;
    }
    if (st->kind == BS_STEP_FORWARD) {
        if (st->qty == BS_Q_Z)
            bs_sink_printf(s, "Each unit of layer %zu adds up its weighted inputs and its bias.",
                           st->layer);
        else if (st->qty == BS_Q_A && st->layer > 0)
            bs_sink_printf(s, "The activation %s is applied to %s%s.",
                           net->act[st->layer]->name, m.z,
                           net->act[st->layer]->elementwise ? ", unit by unit"
                                                            : ", example by example");
        else if (st->qty == BS_Q_A)
            bs_sink_puts(s, "The input of the network.");
        else
            bs_sink_puts(s, "The targets the output is compared with.");
        return;
    }
    switch (st->qty) {
    case BS_Q_A:
        if (st->layer == net->L)
            explain_output_a(s, t, st, &m);
        else
            explain_hidden_a(s, t, st, nt);
        break;
    case BS_Q_Z:
        explain_z(s, t, st, &m);
        break;
    case BS_Q_W:
        explain_W(s, t, st, &m);
        break;
    case BS_Q_B: {
        const char *q = conv_words[net->convention == BS_ROW ? 0 : 1].out;
        bs_sink_printf(s, "%s = … + %s and ∂%s_%s/∂%s_%s = 1, so the bias gradient is %s "
                          "itself",
                       m.z, m.b, m.z, q, m.b, q, m.gz);
        bs_sink_puts(s, net->B > 1 ? ", summed over the B examples because every example "
                                     "uses the same b (handout 002, eqs. 20 and 36)."
                                   : ".");
        break;
    }
    default:
        break;
    }
}
