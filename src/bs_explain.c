/* bs_explain.c — the sentences behind --explain. */
#include "bs_explain.h"

#include <string.h>

static int is_loss(const bs_net *net, const char *name)
{
    return strcmp(net->loss->name, name) == 0;
}

static void explain_output_a(bs_sink *s, const bs_trace *t, const bs_step *st)
{
    const bs_net *net = t->net;
    if (is_loss(net, "mse"))
        bs_sink_puts(s, "The first local gradient is the loss's own: ℓ = ½ Σ_j (y_j − ŷ_j)², "
                        "so ∂ℓ/∂ŷ_j = ŷ_j − y_j.");
    else if (is_loss(net, "bce"))
        bs_sink_puts(s, "Differentiating ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)] gives "
                        "(1 − y)/(1 − ŷ) − y/ŷ, which over a common denominator is "
                        "(ŷ − y)/(ŷ(1 − ŷ)) (handout 001).");
    else
        bs_sink_puts(s, "Only the true class's log-probability appears in ℓ = −Σ_j y_j log ŷ_j, "
                        "so ∂ℓ/∂ŷ_j = −y_j/ŷ_j, which is 0 for every class whose target is 0.");
    if (st->mean_enters)
        bs_sink_puts(s, " L is the mean of the B example losses, so each is weighted by 1/B: "
                        "the factor enters here, once, and every later step inherits it.");
}

static void explain_z(bs_sink *s, const bs_trace *t, const bs_step *st)
{
    const bs_net *net = t->net;
    const bs_activation *f = net->act[st->layer];
    if (st->shortcut && strcmp(f->name, "sigmoid") == 0) {
        bs_sink_puts(s, "Chain rule through the output sigmoid: g_o'(z) = ŷ(1 − ŷ), and this "
                        "factor cancels the denominator of g[a] = (ŷ − y)/(ŷ(1 − ŷ)), leaving "
                        "g[z] = ŷ − y (handout 001).");
        return;
    }
    if (st->shortcut) {
        bs_sink_puts(s, "Softmax is not elementwise: ∂ŷ_t/∂z_j = ŷ_t(δ_tj − ŷ_j). With "
                        "g[a]_t = −y_t/ŷ_t the sum over t is −y_j + ŷ_j Σ_t y_t, and since the "
                        "targets sum to 1 it collapses to ŷ_j − y_j (handout 002, Lemma 2).");
        return;
    }
    if (!f->elementwise) {
        bs_sink_puts(s, "Softmax couples the units of a layer, so its Jacobian "
                        "J = diag(ŷ) − ŷ ŷᵀ is full: g[z]_j = Σ_t ŷ_t(δ_tj − ŷ_j) g[a]_t = "
                        "ŷ_j (g[a]_j − Σ_t ŷ_t g[a]_t). The Hadamard form (ŷ − y) ∘ f'(z) of "
                        "handout 000 holds only for elementwise activations.");
        return;
    }
    bs_sink_printf(s, "Chain rule through the activation (%s): each a_j depends only on its own "
                      "z_j, so the Jacobian ∂a/∂z is diagonal and multiplying by it is an "
                      "elementwise (Hadamard, ∘) product with f'(z).",
                   f->name);
    if (f->kink)
        bs_sink_puts(s, " At z = 0 the derivative is not defined; backstep takes the "
                        "one-sided value from below.");
}

static void explain_W(bs_sink *s, const bs_trace *t, const bs_step *st)
{
    const bs_net *net = t->net;
    if (net->convention == BS_ROW)
        bs_sink_puts(s, "z_q = Σ_p a_p W_{p,q} + b_q, so ∂z_q/∂W_{p,q} = a_p: a weight's gradient is "
                        "the input it multiplies times the gradient of the unit it feeds. "
                        "Collected over p and q this is the outer product (a[n−1])ᵀ g[nz]; the "
                        "transpose turns the row a[n−1] into a column.");
    else
        bs_sink_puts(s, "z_j = Σ_k W_{j,k} a_k + b_j, so ∂z_j/∂W_{j,k} = a_k: a weight's gradient is "
                        "the gradient of the unit it feeds times the input it multiplies. "
                        "Collected over j and k this is the outer product g[nz] (a[n−1])ᵀ; the "
                        "transpose turns the column a[n−1] into a row.");
    if (net->B > 1)
        bs_sink_puts(s, " With a batch, the same matrix product also sums over the B examples "
                        "(handout 002, eqs. 19 and 35).");
    if (st->has_l2)
        bs_sink_puts(s, " The penalty λ Σ ‖W[n]‖² adds ∂(λ W_{p,q}²)/∂W_{p,q} = 2λ W_{p,q} "
                        "(handout 002, eq. 55).");
}

void bs_explain(bs_sink *s, const bs_trace *t, const bs_step *st)
{
    const bs_net *net = t->net;
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
            bs_sink_printf(s, "The activation %s is applied to z[%zu]%s.",
                           net->act[st->layer]->name, st->layer,
                           net->act[st->layer]->elementwise ? ", unit by unit"
                                                            : ", row by row");
        else if (st->qty == BS_Q_A)
            bs_sink_puts(s, "The input of the network.");
        else
            bs_sink_puts(s, "The targets the output is compared with.");
        return;
    }
    switch (st->qty) {
    case BS_Q_A:
        if (st->layer == net->L)
            explain_output_a(s, t, st);
        else
            bs_sink_printf(s, "a[%zu]_p feeds every unit q of layer %zu through W_{p,q}, so its "
                              "gradient sums the flows back from all of them: "
                              "Σ_q W_{p,q} g[%zuz]_q, which in matrix form is %s (handout 001: "
                              "a_1[1] feeds both neurons of layer 2).",
                           st->layer, st->layer + 1, st->layer + 1,
                           net->convention == BS_ROW ? "g[nz] (W[n])ᵀ" : "(W[n])ᵀ g[nz]");
        break;
    case BS_Q_Z:
        explain_z(s, t, st);
        break;
    case BS_Q_W:
        explain_W(s, t, st);
        break;
    case BS_Q_B:
        bs_sink_puts(s, "z = … + b and ∂z_q/∂b_q = 1, so the bias gradient is g[nz] itself");
        bs_sink_puts(s, net->B > 1 ? ", summed over the B examples because every example "
                                     "uses the same b (handout 002, eqs. 20 and 36)."
                                   : ".");
        break;
    default:
        break;
    }
}
