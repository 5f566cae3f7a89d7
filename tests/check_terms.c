/* check_terms.c — term-by-term expansions: their factors are the spec's and
 * the trace's numbers, and their sums give the step's values. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_explain.h"
#include "bs_net.h"
#include "bs_terms.h"
#include "bs_trace.h"
#include "bs_typeset.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static const char *const specs[] = {
    "000-2-3-2-mse.json",       "4-3-2-1-bce.json",           "4-5-3-softmax-ce-l2.json",
    "3-4-1-tanh-regression.json", "3-4-3-relu-softmax-mse.json", "2-3-3-2-leaky-relu-bce.json"};

static bs_trace *load(const char *name, bs_net **net)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    ck_assert_int_eq(bs_net_load_file(path, NULL, net, NULL), BS_OK);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(*net, &t, NULL), BS_OK);
    return t;
}

/* Σ of the products (times 1/B, plus 2λW) gives every element's value. */
START_TEST(test_expansions_sum_to_values)
{
    bs_net *net;
    bs_trace *t = load(specs[_i], &net);
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        const bs_step *st = &t->steps[si];
        for (size_t k = 0; k < st->rows * st->cols; k++) {
            bs_expansion e;
            ck_assert_int_eq(bs_expand(t, st, k / st->cols, k % st->cols, &e, NULL), BS_OK);
            double sum = 0;
            if (e.kind == BS_EXP_SUM) {
                for (size_t j = 0; j < e.nterms; j++) {
                    double p = 1;
                    for (size_t f = 0; f < e.terms[j].n; f++)
                        p *= e.terms[j].f[f].value;
                    sum += p;
                }
                if (e.has_l2)
                    sum += 2 * e.lambda * e.w.value;
            } else if (e.kind == BS_EXP_SHORTCUT || strcmp(net->loss->name, "mse") == 0) {
                sum = e.yhat.value - e.y.value;
            } else if (strcmp(net->loss->name, "bce") == 0) {
                sum = (e.yhat.value - e.y.value) / (e.yhat.value * (1 - e.yhat.value));
            } else {
                sum = e.y.value != 0 ? -e.y.value / e.yhat.value : 0;
            }
            sum *= e.scale;
            ck_assert_msg(fabs(sum - e.total) <= 1e-14 * fmax(1, fabs(e.total)),
                          "%s %s[%zu]: terms give %.17g, value %.17g", specs[_i], st->id, k,
                          sum, e.total);
            ck_assert_double_eq(e.total, st->value[k]);
            bs_expansion_free(&e);
        }
    }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* ---- a calculator over the line of numbers of a term line ----
 * The words of a term line must be plain arithmetic: numbers without sign,
 * the operators + − × · /, brackets, and a minus sign (−, U+2212) only at the
 * start of the line or of a bracket, so that a negative number after an
 * operator is always bracketed.  A symbol (2λ), an ASCII hyphen as a sign or
 * two signs in a row does not parse, and the test fails. */
typedef struct calc {
    const char *p;
    int ok;
} calc;

static int calc_eat(calc *c, const char *tok)
{
    size_t n = strlen(tok);
    if (strncmp(c->p, tok, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static double calc_sum(calc *c, double *mag);

/* a number (12, 0.5, 2.3e-05) or a bracket; *mag is its size for the
 * tolerance: every number taken positive and every − as + */
static double calc_atom(calc *c, double *mag)
{
    if (calc_eat(c, "(")) {
        double v = calc_sum(c, mag);
        if (!calc_eat(c, ")"))
            c->ok = 0;
        return v;
    }
    if (*c->p < '0' || *c->p > '9') {
        c->ok = 0;
        return 0;
    }
    char *end;
    double v = strtod(c->p, &end);
    c->p = end;
    *mag = fabs(v);
    return v;
}

static double calc_product(calc *c, double *mag)
{
    double v = calc_atom(c, mag);
    for (;;) {
        double m = 0, r;
        if (calc_eat(c, " × ") || calc_eat(c, " · ")) {
            r = calc_atom(c, &m);
            v *= r;
            *mag *= m;
        } else if (calc_eat(c, " / ")) {
            r = calc_atom(c, &m);
            v /= r;
            *mag /= fabs(r);
        } else {
            return v;
        }
    }
}

/* a sum, with an optional leading minus sign */
static double calc_sum(calc *c, double *mag)
{
    int neg = calc_eat(c, "−");
    double v = calc_product(c, mag);
    if (neg)
        v = -v;
    for (;;) {
        double m = 0;
        if (calc_eat(c, " + ")) {
            v += calc_product(c, &m);
        } else if (calc_eat(c, " − ")) {
            v -= calc_product(c, &m);
        } else {
            return v;
        }
        *mag += m;
    }
}

/* evaluates all of text; *ok = 0 when it is not plain arithmetic */
static double calc_eval(const char *text, double *mag, int *ok)
{
    calc c = {text, 1};
    *mag = 0;
    double v = calc_sum(&c, mag);
    *ok = c.ok && *c.p == '\0';
    return v;
}

/* Every term line of every backward step of the shipped specs (both
 * conventions: 000 and 2-3-3-2 are column, the others row) is arithmetic a
 * student can follow with a calculator: its line of numbers evaluates to
 * its result within the 6 printed digits.  The expected values are the
 * line's own printed operands and result, not backstep's doubles. */
START_TEST(test_term_lines_are_arithmetic)
{
    bs_net *net;
    bs_trace *t = load(specs[_i], &net);
    size_t checked = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        const bs_step *st = &t->steps[si];
        for (size_t k = 0; k < st->rows * st->cols; k++) {
            bs_expansion e;
            ck_assert_int_eq(bs_expand(t, st, k / st->cols, k % st->cols, &e, NULL), BS_OK);
            bs_sink s = bs_sink_buffer();
            bs_expansion_text(&s, &e, net, BS_NOTATION_G, 6);
            ck_assert_ptr_nonnull(s.buf);
            /* name = symbols = numbers = result, or name = symbol = result */
            char *seg[4] = {NULL};
            size_t nseg = 0;
            for (char *p = s.buf; p && nseg < 4;) {
                seg[nseg++] = p;
                char *q = strstr(p, " = ");
                if (q) {
                    *q = '\0';
                    p = q + 3;
                } else {
                    p = NULL;
                }
            }
            int ok;
            double mag, r = calc_eval(seg[nseg - 1], &mag, &ok);
            ck_assert_msg(ok, "%s %s[%zu]: result \"%s\" is not a number", specs[_i], st->id,
                          k, seg[nseg - 1]);
            if (nseg == 3) {
                ck_assert_msg(bs_expansion_trivial(&e), "%s %s[%zu]: no line of numbers",
                              specs[_i], st->id, k);
            } else if (!strstr(seg[2], "…")) {
                ck_assert_uint_eq(nseg, 4);
                double v = calc_eval(seg[2], &mag, &ok);
                ck_assert_msg(ok, "%s %s[%zu]: \"%s\" is not plain arithmetic", specs[_i],
                              st->id, k, seg[2]);
                /* six significant digits: each operand within 5e-6 of itself */
                double tol = 2e-5 * (mag + fabs(r)) + 1e-300;
                ck_assert_msg(fabs(v - r) <= tol, "%s %s[%zu]: %s gives %.9g, the line says %s",
                              specs[_i], st->id, k, seg[2], v, seg[3]);
                checked++;
            }
            bs_sink_free_buffer(&s);
            bs_expansion_free(&e);
        }
    }
    ck_assert_uint_gt(checked, 10);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* The text term line of element (r, c) of a step of a shipped spec, at 6
 * digits; the caller frees it. */
static char *term_line(const char *spec, const char *step, size_t r, size_t c)
{
    bs_net *net;
    bs_trace *t = load(spec, &net);
    const bs_step *st = bs_trace_find(t, step);
    ck_assert_ptr_nonnull(st);
    bs_expansion e;
    ck_assert_int_eq(bs_expand(t, st, r, c, &e, NULL), BS_OK);
    bs_sink s = bs_sink_buffer();
    bs_expansion_text(&s, &e, net, BS_NOTATION_G, 6);
    ck_assert_ptr_nonnull(s.buf);
    bs_expansion_free(&e);
    bs_trace_free(t);
    bs_net_free(net);
    return s.buf;
}

/* The penalty term of handout 002 (eq. 55): the line of numbers carries 2λ
 * once, as the number 2 × 0.01 = 0.02 of the spec's λ, beside W_{1,1}[2] =
 * −0.353759 (specs/4-5-3-softmax-ce-l2.json draws W[2] from its init; the
 * value is an input of this test, as the Parameters section prints it). */
START_TEST(test_l2_term_once)
{
    char *line = term_line("4-5-3-softmax-ce-l2.json", "g[2W]", 0, 0);
    ck_assert_msg(strstr(line, " + 2λ · W_{1,1}[2] = ") != NULL, "got: %s", line);
    ck_assert_msg(strstr(line, " + 0.02 × (−0.353759) = ") != NULL, "got: %s", line);
    ck_assert_msg(strstr(line, "2λ · 0.02") == NULL, "2λ twice: %s", line);
    free(line);
}
END_TEST

/* A negative target after the − of ŷ − y is bracketed and written with the
 * same minus sign: specs/3-4-1-tanh-regression.json has y = −0.2 for its
 * second example (its "y" array) and B = 3 (mean: 1/B = 0.333333).  The
 * output 1.26801 there is the forward pass's, an input of this test: what
 * is tested is the bracket and the sign. */
START_TEST(test_negative_operand)
{
    char *line = term_line("3-4-1-tanh-regression.json", "g[2a]", 1, 0);
    ck_assert_msg(strstr(line, " = (1/B) · (ŷ_1(2) − y_1(2)) = 0.333333 × (1.26801 − (−0.2)) = ") !=
                      NULL,
                  "got: %s", line);
    free(line);
}
END_TEST

/* Handout 001: a_1[1] feeds both neurons of layer 2, so
 * ∂L/∂a_1[1] = W_{1,1}[2]·g_1[2z] + W_{1,2}[2]·g_2[2z] with W_{1,1}[2] = 0.3,
 * W_{1,2}[2] = −0.4 from the spec. */
START_TEST(test_two_flows)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net);
    const bs_step *st = bs_trace_find(t, "g[1a]");
    bs_expansion e;
    ck_assert_int_eq(bs_expand(t, st, 0, 0, &e, NULL), BS_OK);
    ck_assert_uint_eq(e.nterms, 2);
    ck_assert_double_eq(e.terms[0].f[0].value, 0.3);
    ck_assert_double_eq(e.terms[1].f[0].value, -0.4);
    bs_sink s = bs_sink_buffer();
    bs_expansion_text(&s, &e, net, BS_NOTATION_G, 4);
    ck_assert_msg(strncmp(s.buf, "∂L/∂a_1[1] = W_{1,1}[2] · g_1[2z] + W_{1,2}[2] · g_2[2z] = 0.3 × ",
                          strlen("∂L/∂a_1[1] = W_{1,1}[2] · g_1[2z] + W_{1,2}[2] · g_2[2z] = 0.3 × ")) == 0,
                  "got: %s", s.buf);
    bs_sink_free_buffer(&s);
    s = bs_sink_buffer();
    bs_expansion_text(&s, &e, net, BS_NOTATION_CODE, 4);
    ck_assert_msg(strncmp(s.buf, "da1[1] = W2[1,1] · dz2[1] + W2[1,2] · dz2[2]", 40) == 0,
                  "got: %s", s.buf);
    bs_sink_free_buffer(&s);
    bs_expansion_free(&e);
    /* the sum over the batch and the 1/B of handout 002: B = 4 terms */
    bs_trace_free(t);
    bs_net_free(net);
    t = load("4-5-3-softmax-ce-l2.json", &net);
    ck_assert_int_eq(bs_expand(t, bs_trace_find(t, "g[2W]"), 0, 0, &e, NULL), BS_OK);
    ck_assert_uint_eq(e.nterms, 4);
    ck_assert(e.has_l2);
    ck_assert_double_eq(e.lambda, 0.01);
    bs_expansion_free(&e);
    ck_assert_int_eq(bs_expand(t, bs_trace_find(t, "g[2z]"), 0, 0, &e, NULL), BS_OK);
    ck_assert_int_eq(e.kind, BS_EXP_SHORTCUT);
    ck_assert(e.show_scale);
    ck_assert_double_eq(e.scale, 0.25);
    bs_expansion_free(&e);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Every step of every spec has an explanation, and the key facts are there. */
START_TEST(test_explanations)
{
    bs_net *net;
    bs_trace *t = load("4-5-3-softmax-ce-l2.json", &net);
    for (size_t i = 0; i < t->nsteps; i++) {
        bs_sink s = bs_sink_buffer();
        bs_explain(&s, t, &t->steps[i], BS_NOTATION_G);
        ck_assert_msg(s.buf && strlen(s.buf) > 20, "step %s has no explanation",
                      t->steps[i].id);
        bs_sink_free_buffer(&s);
    }
    bs_sink s = bs_sink_buffer();
    bs_explain(&s, t, bs_trace_find(t, "g[2z]"), BS_NOTATION_G);
    ck_assert_ptr_nonnull(strstr(s.buf, "Lemma 2"));
    bs_sink_free_buffer(&s);
    s = bs_sink_buffer();
    bs_explain(&s, t, bs_trace_find(t, "g[2a]"), BS_NOTATION_G);
    ck_assert_ptr_nonnull(strstr(s.buf, "1/B"));
    bs_sink_free_buffer(&s);
    s = bs_sink_buffer();
    bs_explain(&s, t, bs_trace_find(t, "g[1W]"), BS_NOTATION_G);
    ck_assert_ptr_nonnull(strstr(s.buf, "2λ"));
    bs_sink_free_buffer(&s);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Explanations name what the chosen notation names (g[2z], ∂L/∂z[2], dz2:
 * the names of README.md's --notation) and index W as the spec's convention
 * does: z = a W + b in the row convention joins input p to output q through
 * W_{p,q}; z = W a + b in the column convention (handout 000) through
 * W_{q,p}, so ∂L/∂a[1]_p = Σ_q W[2]_{q,p} g[2z]_q there. */
static const struct {
    const char *spec, *step;
    bs_notation nt;
    const char *has, *hasnt;
} explained[] = {
    {"000-2-3-2-mse.json", "g[1a]", BS_NOTATION_G, "Σ_q W[2]_{q,p} g[2z]_q", "W[2]_{p,q}"},
    {"000-2-3-2-mse.json", "g[1a]", BS_NOTATION_G, "(W[2])ᵀ · g[2z]", "g[nz]"},
    {"000-2-3-2-mse.json", "g[1a]", BS_NOTATION_PARTIAL, "Σ_q W[2]_{q,p} ∂L/∂z[2]_q", "g["},
    {"000-2-3-2-mse.json", "g[1a]", BS_NOTATION_CODE, "Σ_q W2_{q,p} dz2_q", "g["},
    {"000-2-3-2-mse.json", "g[2W]", BS_NOTATION_G, "g[2z] · (a[1])ᵀ", "g[nz]"},
    {"000-2-3-2-mse.json", "g[2W]", BS_NOTATION_PARTIAL, "∂L/∂z[2] · (a[1])ᵀ", "g["},
    {"000-2-3-2-mse.json", "g[1W]", BS_NOTATION_CODE, "dz1 · (X)ᵀ", "g["},
    {"000-2-3-2-mse.json", "g[1b]", BS_NOTATION_CODE, "the bias gradient is dz1 itself", "g["},
    {"000-2-3-2-mse.json", "g[1z]", BS_NOTATION_PARTIAL, "product with σ'(z[1])", "f'(z)"},
    {"000-2-3-2-mse.json", "g[1z]", BS_NOTATION_CODE, "product with sigmoid'(z1)", "f'(z)"},
    {"4-3-2-1-bce.json", "g[1a]", BS_NOTATION_G, "Σ_q W[2]_{p,q} g[2z]_q", "W[2]_{q,p}"},
    {"4-3-2-1-bce.json", "g[1a]", BS_NOTATION_G, "g[2z] · (W[2])ᵀ", "g[nz]"},
    {"4-3-2-1-bce.json", "g[2a]", BS_NOTATION_PARTIAL, "Σ_q W[3]_{p,q} ∂L/∂z[3]_q", "g["},
    {"4-3-2-1-bce.json", "g[2a]", BS_NOTATION_CODE, "Σ_q W3_{p,q} dz3_q", "g["},
    {"4-3-2-1-bce.json", "g[3z]", BS_NOTATION_PARTIAL, "leaving ∂L/∂z[3] = ŷ − y", "g["},
    {"4-3-2-1-bce.json", "g[3z]", BS_NOTATION_CODE, "denominator of da3", "g["},
    {"4-3-2-1-bce.json", "g[3z]", BS_NOTATION_G, "g_o'(z[3]) = ŷ(1 − ŷ)", "∂L/∂"},
    {"4-3-2-1-bce.json", "g[1W]", BS_NOTATION_PARTIAL, "(x)ᵀ · ∂L/∂z[1]", "g["},
    {"4-5-3-softmax-ce-l2.json", "g[2z]", BS_NOTATION_CODE, "With da2_t = −y_t/yhat_t", "g["},
    {"4-5-3-softmax-ce-l2.json", "g[1W]", BS_NOTATION_CODE, "= 2λ W1_{p,q}", "g["},
    {"3-4-3-relu-softmax-mse.json", "g[2z]", BS_NOTATION_PARTIAL,
     "∂L/∂z[2]_j = Σ_t a[2]_t(δ_tj − a[2]_j) ∂L/∂a[2]_t", "g["},
    /* the hidden step cites the handout whose conventions the spec follows,
     * where that handout makes it: 000's Step 2 (its column vectors),
     * 002's eqs. (28) and (44) (da2, da1), 001's two flows into a_1[1] */
    {"000-2-3-2-mse.json", "g[1a]", BS_NOTATION_G, "(handout 000, Step 2: (W[2])ᵀ δ[2])",
     "handout 001"},
    {"4-5-3-softmax-ce-l2.json", "g[1a]", BS_NOTATION_G, "(handout 002, eqs. 28 and 44)",
     "handout 001"},
    {"4-3-2-1-bce.json", "g[2a]", BS_NOTATION_G, "(handout 001: a_1[1] feeds both", "handout 000"},
};

START_TEST(test_explanation_names)
{
    bs_net *net;
    bs_trace *t = load(explained[_i].spec, &net);
    const bs_step *st = bs_trace_find(t, explained[_i].step);
    ck_assert_ptr_nonnull(st);
    bs_sink s = bs_sink_buffer();
    bs_explain(&s, t, st, explained[_i].nt);
    ck_assert_msg(strstr(s.buf, explained[_i].has) != NULL, "%s %s: no \"%s\" in: %s",
                  explained[_i].spec, explained[_i].step, explained[_i].has, s.buf);
    ck_assert_msg(strstr(s.buf, explained[_i].hasnt) == NULL, "%s %s: \"%s\" in: %s",
                  explained[_i].spec, explained[_i].step, explained[_i].hasnt, s.buf);
    bs_sink_free_buffer(&s);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* No explanation of any step of any spec names a gradient in another
 * notation than the one asked for: g[…] and g_h/g_o are the g notation's,
 * ∂L/∂ the partial notation's, dz/da/dW/db the code notation's. */
START_TEST(test_explanations_one_notation)
{
    static const char *const foreign[3][6] = {
        {"∂L/∂", " dz", " da", " dW", " db", NULL},
        {"g[", "g_h", "g_o", " dz", " dW", " db"},
        {"g[", "g_h", "g_o", "∂L/∂", NULL, NULL},
    };
    bs_net *net;
    bs_trace *t = load(specs[_i], &net);
    for (int nt = 0; nt < 3; nt++)
        for (size_t i = 0; i < t->nsteps; i++) {
            bs_sink s = bs_sink_buffer();
            bs_explain(&s, t, &t->steps[i], (bs_notation)nt);
            ck_assert_ptr_nonnull(s.buf);
            for (int k = 0; k < 6 && foreign[nt][k]; k++)
                ck_assert_msg(strstr(s.buf, foreign[nt][k]) == NULL,
                              "%s %s in notation %s names \"%s\": %s", specs[_i],
                              t->steps[i].id, bs_notation_names[nt], foreign[nt][k], s.buf);
            bs_sink_free_buffer(&s);
        }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

START_TEST(test_pick)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net);
    size_t idx[16];
    ck_assert_uint_eq(bs_terms_pick(bs_trace_find(t, "g[1W]"), idx), 12);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Step names in every notation read back to the same quantity and layer. */
static const struct {
    const char *name;
    int ok;
    bs_qty q;
    size_t layer;
} names[] = {
    {"g[2z]", 1, BS_Q_Z, 2},   {"g[12W]", 1, BS_Q_W, 12}, {"dz2", 1, BS_Q_Z, 2},
    {"dW3", 1, BS_Q_W, 3},     {"dw3", 1, BS_Q_W, 3},     {"db1", 1, BS_Q_B, 1},
    {"da2", 1, BS_Q_A, 2},     {"dL/dz2", 1, BS_Q_Z, 2},  {"dL/dz[2]", 1, BS_Q_Z, 2},
    {"∂L/∂W[1]", 1, BS_Q_W, 1}, {" g[1b] ", 1, BS_Q_B, 1}, {"loss", 1, BS_Q_LOSS, 0},
    {"L", 1, BS_Q_LOSS, 0},    {"g[0a]", 0, BS_Q_A, 0},   {"dz0", 0, BS_Q_A, 0},
    {"g[2x]", 0, BS_Q_A, 0},   {"dz", 0, BS_Q_A, 0},      {"z2", 0, BS_Q_A, 0},
    {"g[2z", 0, BS_Q_A, 0},    {"dz2x", 0, BS_Q_A, 0},    {"dL/dz[2", 0, BS_Q_A, 0},
    {"", 0, BS_Q_A, 0},
};

START_TEST(test_name_parse)
{
    bs_qty q = BS_Q_Y;
    size_t layer = 99;
    int r = bs_name_parse(names[_i].name, &q, &layer);
    ck_assert_msg((r == 0) == names[_i].ok, "\"%s\": parse gave %d", names[_i].name, r);
    if (names[_i].ok) {
        ck_assert_int_eq(q, names[_i].q);
        ck_assert_uint_eq(layer, names[_i].layer);
    }
}
END_TEST

/* A fourth emitter, plain ASCII, written here and nowhere in the library:
 * the walk of bs_typeset.h must drive it without any change to the walk. */
static void ascii_elem(bs_sink *s, const bs_elem *x)
{
    bs_sink_puts(s, x->base);
    if (x->layered)
        bs_sink_printf(s, x->letter ? "[%zu%c]" : "[%zu]", x->layer, x->letter);
    if (x->whole) {
        if (x->sub)
            bs_sink_printf(s, "_%s", x->sub);
    } else if (x->matrix) {
        bs_sink_printf(s, "_{%zu,%zu}", x->r + 1, x->c + 1);
    } else {
        bs_sink_printf(s, "_%zu", x->unit + 1);
    }
}

static void ascii_code(bs_sink *s, const char *name, const char *index)
{
    bs_sink_printf(s, "%s%s", name, index);
}

/* the walk hands symbols over in Unicode; this emitter spells σ out */
static void ascii_act(bs_sink *s, const char *base, const char *sub, int code, int prime)
{
    (void)code;
    if (strcmp(base, "σ") == 0)
        base = "sigma";
    bs_sink_printf(s, "%s%s%s%s", base, sub ? "_" : "", sub ? sub : "", prime ? "'" : "");
}

static void ascii_jac(bs_sink *s, const char *name) { bs_sink_printf(s, "J_%s", name); }

static void ascii_number(bs_sink *s, double v, int prec, int paren)
{
    bs_sink_printf(s, paren && v < 0 ? "(%.*g)" : "%.*g", prec, v);
}

static void ascii_loss(bs_sink *s, bs_loss_form form, const char *a, const char *ao,
                       const char *b, int scaled)
{
    (void)form;
    (void)ao;
    bs_sink_printf(s, scaled ? "(%s - %s)" : "%s - %s", a, b);
}

static void ascii_equals(bs_sink *s, int which, const bs_layout *lo)
{
    (void)which;
    (void)lo;
    bs_sink_puts(s, " = ");
}

static const bs_emitter ascii = {
    .tok = {[BS_TOK_PLUS] = " + ", [BS_TOK_BREAK] = "", [BS_TOK_ELLIPSIS] = "...",
            [BS_TOK_DOT] = " * ", [BS_TOK_TIMES] = " x ", [BS_TOK_TWO_LAMBDA] = "2 lambda * ",
            [BS_TOK_INV_B] = "1/B * ", [BS_TOK_GRAD_OPEN] = "dL/d ", [BS_TOK_GRAD_CLOSE] = "",
            [BS_TOK_ZERO] = "0", [BS_TOK_APPLY_OPEN] = "", [BS_TOK_APPLY_CLOSE] = "",
            [BS_TOK_CALL_OPEN] = "(", [BS_TOK_CALL_CLOSE] = ")", [BS_TOK_DFRAC_OPEN] = "d",
            [BS_TOK_DFRAC_MID] = "/d", [BS_TOK_DFRAC_CLOSE] = "", [BS_TOK_UNKNOWN] = "?",
            [BS_TOK_ONE] = "1", [BS_TOK_X_INVB] = "1/B", [BS_TOK_X_TWOLAMBDA] = "2 lambda",
            [BS_TOK_GROUP_OPEN] = "(", [BS_TOK_GROUP_CLOSE] = ")",
            [BS_TOK_GROUP_OPEN_BIG] = "((", [BS_TOK_GROUP_CLOSE_BIG] = "))",
            [BS_TOK_T_OPEN] = "", [BS_TOK_T_CLOSE] = "^T", [BS_TOK_NEG_OPEN] = "-",
            [BS_TOK_NEG_CLOSE] = "", [BS_TOK_SUM_OPEN] = "sum_i ", [BS_TOK_SUM_CLOSE] = "",
            [BS_TOK_SUB_OPEN] = "", [BS_TOK_SUB_CLOSE] = "_i", [BS_TOK_SCALE_OPEN] = "",
            [BS_TOK_SCALE_OP] = " ", [BS_TOK_SCALE_CLOSE] = "", [BS_TOK_FRAC_OPEN] = "",
            [BS_TOK_FRAC_MID] = "", [BS_TOK_FRAC_CLOSE] = "", [BS_TOK_BIN_OPEN] = "",
            [BS_TOK_BIN_CLOSE] = "", [BS_TOK_HADAMARD] = " o ", [BS_TOK_HDIV] = " / ",
            [BS_TOK_MINUS] = " - ", [BS_TOK_OP_UNKNOWN] = " ? "},
    .elem = ascii_elem,
    .code = ascii_code,
    .act = ascii_act,
    .jac = ascii_jac,
    .number = ascii_number,
    .loss = ascii_loss,
    .equals = ascii_equals,
    .scale_paren = 3,
};

static char *ascii_expr(const bs_expr *e, const bs_net *net, bs_notation nt)
{
    bs_sink s = bs_sink_buffer();
    bs_typeset_expr(&s, &ascii, e, net, nt);
    ck_assert_int_eq(bs_sink_status(&s), 0);
    return s.buf;
}

/* Formulas through an emitter the library does not know.  The expected
 * strings are written by hand from the trees and the precedence rules of
 * bs_formula.h (brackets around an operand binding less tightly, and around
 * a right operand of − at equal strength), in handout 001's g notation. */
START_TEST(test_walk_drives_any_emitter)
{
    bs_net *net;
    bs_trace *t = load("000-2-3-2-mse.json", &net); /* 2 layers: g_h for 1, g_o for 2 */
    bs_expr nodes[32];
    bs_pool p = {nodes, 0, 32};
    /* g[2W] = (a[1])ᵀ · g[2z] as handout 001 writes it for a row layout */
    const bs_expr *gw = bs_x_binary(&p, BS_X_MATMUL, bs_x_unary(&p, BS_X_T, bs_x_var(&p, BS_Q_A, 1)),
                                    bs_x_grad(&p, BS_Q_Z, 2));
    /* g[1z] = g[1a] ∘ g_h'(z[1]) */
    const bs_expr *gz = bs_x_binary(&p, BS_X_HADAMARD, bs_x_grad(&p, BS_Q_A, 1),
                                    bs_x_leaf(&p, BS_X_DACT, 1));
    /* a[2] − (y − a[1]): the right operand of − keeps its brackets;
     * (a[2] + b[2]) ∘ z[2]: a sum inside a product is bracketed */
    const bs_expr *sub = bs_x_binary(&p, BS_X_SUB, bs_x_var(&p, BS_Q_A, 2),
                                     bs_x_binary(&p, BS_X_SUB, bs_x_var(&p, BS_Q_Y, 0),
                                                 bs_x_var(&p, BS_Q_A, 1)));
    const bs_expr *had = bs_x_binary(&p, BS_X_HADAMARD,
                                     bs_x_binary(&p, BS_X_ADD, bs_x_var(&p, BS_Q_A, 2),
                                                 bs_x_var(&p, BS_Q_B, 2)),
                                     bs_x_var(&p, BS_Q_Z, 2));
    /* Σ_i g[2z]_i and (1/B) Σ_i ... scaled */
    const bs_expr *sum = bs_x_binary(&p, BS_X_SCALE, bs_x_leaf(&p, BS_X_INVB, 0),
                                     bs_x_unary(&p, BS_X_SUMB, bs_x_grad(&p, BS_Q_Z, 2)));
    ck_assert_ptr_nonnull(sum);
    const struct { const bs_expr *e; bs_notation nt; const char *want; } cases[] = {
        {gw, BS_NOTATION_G, "(a[1])^T * g[2z]"},
        {gw, BS_NOTATION_CODE, "(a1)^T * dz2"},
        {gz, BS_NOTATION_G, "g[1a] o g_h'(z[1])"},
        {gz, BS_NOTATION_PARTIAL, "dL/d a[1] o sigma'(z[1])"},
        {sub, BS_NOTATION_G, "a[2] - (y - a[1])"},
        {had, BS_NOTATION_G, "(a[2] + b[2]) o z[2]"},
        {sum, BS_NOTATION_G, "1/B sum_i g[2z]_i"},
        {NULL, BS_NOTATION_G, "?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = ascii_expr(cases[i].e, net, cases[i].nt);
        ck_assert_msg(got && strcmp(got, cases[i].want) == 0, "case %zu: got \"%s\", want \"%s\"",
                      i, got ? got : "(null)", cases[i].want);
        free(got);
    }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* An expansion through the same emitter (which writes the layer before the
 * index: W[2]_{1,1}): handout 000's dL/dW[2] = δ[2] (a[1])ᵀ, column
 * convention, so element (1,1) is δ[2]_1 · a[1]_1, i.e. g[2z]_1 · a[1]_1;
 * the numbers are its two factors (bracketed when negative, as factors of
 * a product), the value their product. */
START_TEST(test_walk_drives_expansions)
{
    bs_net *net;
    bs_trace *t = load("000-2-3-2-mse.json", &net);
    const bs_step *st = NULL;
    for (size_t si = t->first_backward; si < t->nsteps; si++)
        if (t->steps[si].qty == BS_Q_W && t->steps[si].layer == 2)
            st = &t->steps[si];
    ck_assert_ptr_nonnull(st);
    bs_expansion e;
    ck_assert_int_eq(bs_expand(t, st, 0, 0, &e, NULL), BS_OK);
    ck_assert_uint_eq(e.nterms, 1);
    ck_assert_uint_eq(e.terms[0].n, 2);
    char want[256];
    double f0 = e.terms[0].f[0].value, f1 = e.terms[0].f[1].value;
    snprintf(want, sizeof want, "dL/d W[2]_{1,1} = g[2z]_1 * a[1]_1 = %s%.4g%s x %s%.4g%s = %.4g",
             f0 < 0 ? "(" : "", f0, f0 < 0 ? ")" : "", f1 < 0 ? "(" : "", f1,
             f1 < 0 ? ")" : "", e.total);
    bs_sink s = bs_sink_buffer();
    bs_layout lo = {0, {0, 0}, 1};
    bs_typeset_expansion(&s, &ascii, &e, net, BS_NOTATION_G, 4, &lo);
    ck_assert_msg(s.buf && strcmp(s.buf, want) == 0, "got \"%s\", want \"%s\"",
                  s.buf ? s.buf : "(null)", want);
    /* the product of the factors is the element's value (not a formatting question) */
    ck_assert(fabs(e.terms[0].f[0].value * e.terms[0].f[1].value - e.total) <=
              1e-12 * fmax(1.0, fabs(e.total)));
    bs_sink_free_buffer(&s);
    bs_expansion_free(&e);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

Suite *terms_suite(void)
{
    Suite *s = suite_create("terms");
    TCase *tc = tcase_create("terms");
    tcase_add_loop_test(tc, test_expansions_sum_to_values, 0,
                        (int)(sizeof specs / sizeof specs[0]));
    tcase_add_test(tc, test_two_flows);
    tcase_add_loop_test(tc, test_term_lines_are_arithmetic, 0,
                        (int)(sizeof specs / sizeof specs[0]));
    tcase_add_test(tc, test_l2_term_once);
    tcase_add_test(tc, test_negative_operand);
    tcase_add_test(tc, test_explanations);
    tcase_add_loop_test(tc, test_explanation_names, 0,
                        (int)(sizeof explained / sizeof explained[0]));
    tcase_add_loop_test(tc, test_explanations_one_notation, 0,
                        (int)(sizeof specs / sizeof specs[0]));
    tcase_add_test(tc, test_pick);
    tcase_add_loop_test(tc, test_name_parse, 0, (int)(sizeof names / sizeof names[0]));
    tcase_add_test(tc, test_walk_drives_any_emitter);
    tcase_add_test(tc, test_walk_drives_expansions);
    suite_add_tcase(s, tc);
    return s;
}
