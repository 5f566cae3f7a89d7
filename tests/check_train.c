/* check_train.c — gradient descent against a textbook's printed numbers
 * (Matt Mazur, "A Step by Step Backpropagation Example"), against the trace's
 * own gradients, and its stops, names and output. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bs_check.h"
#include "bs_forward.h"
#include "bs_json.h"
#include "bs_net.h"
#include "bs_trace.h"
#include "bs_train.h"
#include "bs_train_render.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

#define MAZUR "2-2-2-mazur-sigmoid-mse.json"

static bs_train *train(const bs_net *net, size_t steps, double lr, const char *freeze)
{
    bs_train_opts o = bs_train_defaults();
    o.steps = steps;
    o.lr = lr;
    o.freeze = freeze;
    bs_train *t = NULL;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_train_run(net, &o, &t, &err);
    ck_assert_msg(st == BS_OK, "training failed: %s: %s", err.where, err.message);
    return t;
}

static const bs_train_param *param(const bs_train *t, const char *name)
{
    for (size_t i = 0; i < t->nparams; i++)
        if (strcmp(t->params[i].name, name) == 0)
            return &t->params[i];
    ck_abort_msg("no parameter %s", name);
    return NULL;
}

/* v agrees with a number printed with `decimals` digits after the point when
 * it rounds to it: |v − printed| ≤ half a unit in the last printed place. */
static void printed(double v, double shown, int decimals, const char *what)
{
    double half = 0.5 * pow(10.0, -decimals);
    ck_assert_msg(fabs(v - shown) <= half, "%s: %.12g does not round to %.*f", what, v,
                  decimals, shown);
}

/* Mazur's numbers, as printed in his post.  His weights map to the row
 * convention's W[n][i][j] (input i to unit j): w1 = W1[0][0], w2 = W1[1][0],
 * w3 = W1[0][1], w4 = W1[1][1], w5 = W2[0][0], w6 = W2[1][0], w7 = W2[0][1],
 * w8 = W2[1][1]. */
START_TEST(test_mazur_first_update)
{
    bs_net *net = bs_test_load_spec(MAZUR);
    bs_train *t = train(net, 1, 0.5, "b1,b2");
    ck_assert(t->passed);
    ck_assert_int_eq(t->stop, BS_TRAIN_COMPLETED);
    ck_assert_uint_eq(t->steps_done, 1);
    printed(t->loss[0], 0.298371109, 9, "E_total before training");
    const bs_train_param *W1 = param(t, "W1"), *W2 = param(t, "W2");
    /* ∂E_total/∂w5 = 0.082167041 and ∂E_total/∂w1 = 0.000438568 */
    printed(W2->gradient[0], 0.082167041, 9, "dE/dw5");
    printed(W1->gradient[0], 0.000438568, 9, "dE/dw1");
    printed(W2->after[0], 0.35891648, 8, "w5+");
    printed(W2->after[2], 0.408666186, 9, "w6+");
    printed(W2->after[1], 0.511301270, 9, "w7+");
    printed(W2->after[3], 0.561370121, 9, "w8+");
    printed(W1->after[0], 0.149780716, 9, "w1+");
    printed(W1->after[2], 0.19956143, 8, "w2+");
    printed(W1->after[1], 0.24975114, 8, "w3+");
    printed(W1->after[3], 0.29950229, 8, "w4+");
    /* the final parameters of a one-step run are the first update's */
    for (size_t k = 0; k < 4; k++) {
        ck_assert(W1->final[k] == W1->after[k]);
        ck_assert(W2->final[k] == W2->after[k]);
    }
    /* The error after the first round.  Mazur's text prints 0.291027924, the
     * error obtained when the hidden weights are updated with the already
     * updated output weights; his own printed weights w1 … w8 (which use the
     * original ones, as his text says) give 0.291027774 when fed forward
     * (docs/train.md works out both). */
    printed(t->loss[1], 0.291027774, 9, "E_total after one round");
    ck_assert(fabs(t->loss[1] - 0.291027924) > 1e-7);
    /* the spec's network is untouched */
    ck_assert(net->W[1][0] == 0.15 && net->W[2][3] == 0.55);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

/* "After repeating this process 10,000 times … the error plummets to
 * 0.0000351085": the error measured in the forward pass of round 10,000, that
 * is after 9,999 updates. */
START_TEST(test_mazur_10000_rounds)
{
    bs_net *net = bs_test_load_spec(MAZUR);
    bs_train *t = train(net, 10000, 0.5, "b1,b2");
    ck_assert(t->passed);
    ck_assert_uint_eq(t->steps_done, 10000);
    printed(t->loss[9999], 0.0000351085, 10, "E_total in round 10,000");
    ck_assert(t->loss[10000] < t->loss[9999]);
    /* the biases never change, bit for bit */
    const bs_train_param *b1 = param(t, "b1"), *b2 = param(t, "b2");
    ck_assert(memcmp(b1->final, net->b[1], 2 * sizeof(double)) == 0);
    ck_assert(memcmp(b2->final, net->b[2], 2 * sizeof(double)) == 0);
    /* and without --freeze they do */
    bs_train *u = train(net, 1, 0.5, NULL);
    ck_assert(param(u, "b1")->after[0] != 0.35);
    bs_train_free(u);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

/* One step is params − α · (the trace's gradient), element by element and
 * bit for bit, in the displayed orientation of both conventions, with a
 * batch mean and an L2 penalty. */
static const char *const one_step_specs[] = {"4-5-3-softmax-ce-l2.json", "000-2-3-2-mse.json",
                                             "2-3-3-2-leaky-relu-bce.json",
                                             "3-4-1-tanh-regression.json"};

START_TEST(test_one_step_is_trace_gradient)
{
    bs_net *net = bs_test_load_spec(one_step_specs[_i]);
    bs_trace *tr = NULL;
    ck_assert_int_eq(bs_trace_build(net, &tr, NULL), BS_OK);
    const double alpha = 0.3;
    bs_train *t = train(net, 1, alpha, NULL);
    for (size_t i = 0; i < t->nparams; i++) {
        const bs_train_param *p = &t->params[i];
        char id[24];
        snprintf(id, sizeof id, "g[%zu%c]", p->layer, p->qty == BS_Q_W ? 'W' : 'b');
        const bs_step *g = bs_trace_find(tr, id);
        ck_assert_ptr_nonnull(g);
        ck_assert_uint_eq(g->rows, p->rows);
        ck_assert_uint_eq(g->cols, p->cols);
        for (size_t k = 0; k < p->rows * p->cols; k++) {
            /* the stored value behind displayed element k */
            size_t r = k / p->cols, c = k % p->cols, sk = g->transposed ? c * p->rows + r : k;
            double before = p->qty == BS_Q_W ? net->W[p->layer][sk] : net->b[p->layer][sk];
            ck_assert(p->before[k] == before);
            ck_assert(p->gradient[k] == g->value[k]);
            double expect = before - alpha * g->value[k];
            ck_assert_msg(p->after[k] == expect, "%s: %s element %zu: %.17g, expected %.17g",
                          one_step_specs[_i], p->name, k, p->after[k], expect);
        }
    }
    if (net->l2 > 0)
        ck_assert(net->B > 1);
    bs_train_free(t);
    bs_trace_free(tr);
    bs_net_free(net);
}
END_TEST

/* Frozen parameters are bit-identical after many steps, the others move. */
START_TEST(test_frozen_bit_identical)
{
    bs_net *net = bs_test_load_spec("4-5-3-softmax-ce-l2.json");
    bs_train *t = train(net, 200, 0.5, "W1,dL/db2");
    ck_assert_uint_eq(t->nfrozen, 2);
    const bs_train_param *W1 = param(t, "W1"), *b2 = param(t, "b2"), *W2 = param(t, "W2");
    ck_assert(W1->frozen && b2->frozen && !W2->frozen);
    ck_assert(memcmp(W1->final, net->W[1], sizeof(double) * net->n[0] * net->n[1]) == 0);
    ck_assert(memcmp(b2->final, net->b[2], sizeof(double) * net->n[2]) == 0);
    ck_assert(memcmp(W2->final, net->W[2], sizeof(double) * net->n[1] * net->n[2]) != 0);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

/* A small step on a smooth problem never raises the loss. */
START_TEST(test_small_steps_descend)
{
    static const char *const specs[] = {"3-4-1-tanh-regression.json", MAZUR,
                                        "4-5-3-softmax-ce-l2.json"};
    for (size_t s = 0; s < 3; s++) {
        bs_net *net = bs_test_load_spec(specs[s]);
        bs_train *t = train(net, 300, 0.05, NULL);
        ck_assert(t->passed);
        for (size_t k = 1; k <= t->steps_done; k++)
            ck_assert_msg(t->loss[k] <= t->loss[k - 1], "%s: loss rose at step %zu: %.17g → %.17g",
                          specs[s], k, t->loss[k - 1], t->loss[k]);
        ck_assert(t->loss[300] < t->loss[0]);
        bs_train_free(t);
        bs_net_free(net);
    }
}
END_TEST

static char *render(const bs_train *t, bs_train_format f)
{
    bs_sink s = bs_sink_buffer();
    ck_assert_int_eq(bs_train_render(&s, t, f, "spec.json", 6), 0);
    return s.buf;
}

/* Two runs give byte-identical output in every format. */
START_TEST(test_deterministic)
{
    bs_net *net = bs_test_load_spec("4-5-3-softmax-ce-l2.json");
    char *out[2][3];
    for (int r = 0; r < 2; r++) {
        bs_train_opts o = bs_train_defaults();
        o.steps = 40;
        o.lr = 0.2;
        o.check_every = 10;
        bs_train *t = NULL;
        ck_assert_int_eq(bs_train_run(net, &o, &t, NULL), BS_OK);
        ck_assert_uint_eq(t->nchecks, 5);
        for (int f = 0; f < 3; f++)
            out[r][f] = render(t, (bs_train_format)f);
        bs_train_free(t);
    }
    for (int f = 0; f < 3; f++) {
        ck_assert_str_eq(out[0][f], out[1][f]);
        free(out[0][f]);
        free(out[1][f]);
    }
    bs_net_free(net);
}
END_TEST

/* A huge learning rate stops at the step that blew up and keeps the last
 * good parameters. */
START_TEST(test_divergence_stops)
{
    bs_net *net = bs_test_load_spec("3-4-1-tanh-regression.json");
    bs_train *t = train(net, 100, 1000, NULL);
    ck_assert_int_eq(t->stop, BS_TRAIN_DIVERGED);
    ck_assert_uint_eq(t->stop_step, 1);
    ck_assert_uint_eq(t->steps_done, 0);
    ck_assert(!t->passed);
    ck_assert_ptr_nonnull(strstr(t->stop_message, "after step 1"));
    ck_assert_ptr_nonnull(strstr(t->stop_message, "learning rate"));
    ck_assert(memcmp(param(t, "W1")->final, net->W[1], sizeof(double) * 12) == 0);
    bs_train_free(t);
    /* a rate that overflows the parameters or the loss stops as well */
    t = train(net, 100, 1e305, NULL);
    ck_assert(t->stop == BS_TRAIN_LOSS_NONFINITE || t->stop == BS_TRAIN_PARAM_NONFINITE);
    ck_assert_uint_eq(t->stop_step, 1);
    ck_assert(isfinite(t->loss[t->steps_done]));
    bs_train_free(t);
    /* a moderate one grows for a few steps first */
    t = train(net, 100, 5, NULL);
    ck_assert_int_eq(t->stop, BS_TRAIN_DIVERGED);
    ck_assert_uint_gt(t->stop_step, 1);
    ck_assert_uint_eq(t->steps_done, t->stop_step - 1);
    ck_assert(t->loss[t->steps_done] <= BS_TRAIN_DIVERGE_FACTOR * t->loss[0]);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

START_TEST(test_param_names)
{
    static const struct {
        const char *name;
        bs_qty q;
        size_t layer;
    } good[] = {{"W1", BS_Q_W, 1},     {"w2", BS_Q_W, 2},         {"W[3]", BS_Q_W, 3},
                {"b1", BS_Q_B, 1},     {"b[12]", BS_Q_B, 12},      {"g[1W]", BS_Q_W, 1},
                {"dW2", BS_Q_W, 2},    {"dL/db1", BS_Q_B, 1},      {"∂L/∂b[2]", BS_Q_B, 2},
                {"dL/dW[1]", BS_Q_W, 1}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        bs_qty q;
        size_t layer;
        ck_assert_msg(bs_param_parse(good[i].name, &q, &layer) == 0, "%s", good[i].name);
        ck_assert_int_eq(q, good[i].q);
        ck_assert_uint_eq(layer, good[i].layer);
    }
    static const char *const bad[] = {"", "z1", "a0", "L", "loss", "W0", "B1", "W", "bias1",
                                      "g[2z]", "dz2", "W1,"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bs_qty q;
        size_t layer;
        ck_assert_msg(bs_param_parse(bad[i], &q, &layer) != 0, "\"%s\" was read", bad[i]);
    }
}
END_TEST

static void refused(const bs_net *net, const bs_train_opts *o, const char *where,
                    const char *phrase)
{
    bs_train *t = (bs_train *)1;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_train_run(net, o, &t, &err), BS_ERR_USAGE);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(err.where, where);
    ck_assert_msg(strstr(err.message, phrase), "expected \"%s\" in \"%s\"", phrase, err.message);
}

START_TEST(test_bad_options)
{
    bs_net *net = bs_test_load_spec(MAZUR);
    bs_train_opts o = bs_train_defaults();
    o.lr = 0.5;
    o.freeze = "bb1";
    refused(net, &o, "--freeze", "did you mean \"b1\"");
    o.freeze = "b3";
    refused(net, &o, "--freeze", "the network has 2 layers");
    o.freeze = "b1,,b2";
    refused(net, &o, "--freeze", "an empty name");
    o.freeze = "z1";
    refused(net, &o, "--freeze", "unknown parameter \"z1\"");
    o.freeze = "loss";
    refused(net, &o, "--freeze", "expected W1 … W2 and b1 … b2");
    o.freeze = NULL;
    o.steps = 0;
    refused(net, &o, "--steps", "from 1 to");
    o.steps = 1;
    o.lr = 0;
    refused(net, &o, "--lr", "α > 0");
    o.lr = -1;
    refused(net, &o, "--lr", "α > 0");
    o.lr = NAN;
    refused(net, &o, "--lr", "α > 0");
    bs_net_free(net);
}
END_TEST

/* A network whose loss is finite but whose gradient overflows: ŷ = 1e154,
 * L = ½ŷ² = 5e307, while ∂L/∂W1 = x · W2 · ŷ = 1e318. */
static const char overflow_spec[] =
    "{\"layers\": [1, 1, 1], \"activations\": \"identity\", \"loss\": \"mse\","
    " \"params\": {\"W1\": [[1e-10]], \"b1\": [0], \"W2\": [[1e10]], \"b2\": [0]},"
    " \"x\": [1e154], \"y\": [0]}";

/* The checks run before the first step and after every K-th step; a check
 * that fails fails the run. */
START_TEST(test_checks)
{
    bs_net *net = bs_test_load_spec("000-2-3-2-mse.json");
    bs_train_opts o = bs_train_defaults();
    o.steps = 10;
    o.lr = 0.5;
    o.check_every = 3;
    bs_train *t = NULL;
    ck_assert_int_eq(bs_train_run(net, &o, &t, NULL), BS_OK);
    ck_assert_uint_eq(t->nchecks, 4);
    static const size_t at[] = {0, 3, 6, 9};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(t->checks[i].step, at[i]);
        ck_assert(t->checks[i].passed);
        ck_assert_uint_eq(t->checks[i].n_compared, 27);
        ck_assert_ptr_nonnull(strstr(t->checks[i].verdict, "PASS"));
    }
    ck_assert(t->passed);
    /* the closing line of a run whose check failed after completing */
    t->checks[2].passed = 0;
    t->checks_failed = 1;
    t->passed = 0;
    char *text = render(t, BS_TRAIN_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "\nCHECK FAILED  10 steps, loss 0.282327 → "));
    ck_assert_ptr_nonnull(strstr(text, "; 1 of 4 gradient checks failed, the first after step 6\n"));
    free(text);
    bs_train_free(t);
    bs_net_free(net);

    /* a non-finite gradient fails the check before the first step and stops
     * training at step 1, with the spec's parameters kept */
    bs_error err;
    ck_assert_int_eq(bs_net_load_string(overflow_spec, strlen(overflow_spec), "o.json", NULL,
                                        &net, &err),
                     BS_OK);
    o.check_every = 1;
    ck_assert_int_eq(bs_train_run(net, &o, &t, NULL), BS_OK);
    ck_assert(isfinite(t->loss[0]));
    ck_assert_uint_eq(t->nchecks, 1);
    ck_assert(!t->checks[0].passed);
    ck_assert_uint_eq(t->checks_failed, 1);
    ck_assert_int_eq(t->stop, BS_TRAIN_GRAD_NONFINITE);
    ck_assert_uint_eq(t->stop_step, 1);
    ck_assert_uint_eq(t->steps_done, 0);
    ck_assert(!t->has_first);
    ck_assert_ptr_nonnull(strstr(t->stop_message, "∂L/∂W_{1,1}[1] at step 1 is not finite"));
    ck_assert(param(t, "W1")->final[0] == 1e-10);
    ck_assert(!t->passed);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

/* The JSON's final "params", put into the spec in place of its own, give the
 * final loss the JSON reports, in both conventions. */
START_TEST(test_json_params_reload)
{
    static const char *const specs[] = {"4-5-3-softmax-ce-l2.json", "2-3-3-2-leaky-relu-bce.json"};
    for (size_t s = 0; s < 2; s++) {
        bs_net *net = bs_test_load_spec(specs[s]);
        bs_train *t = train(net, 25, 0.4, "b1");
        char *json = render(t, BS_TRAIN_JSON);
        cJSON *out = NULL;
        ck_assert_int_eq(bs_json_parse(json, strlen(json), 64, &out, NULL), BS_OK);
        char path[512], *text = NULL;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, specs[s]);
        ck_assert_int_eq(bs_read_file(path, 1 << 20, &text, &len, NULL), BS_OK);
        cJSON *spec = NULL;
        ck_assert_int_eq(bs_json_parse(text, len, 64, &spec, NULL), BS_OK);
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "params");
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "claims");
        cJSON_AddItemToObject(spec, "params",
                              cJSON_DetachItemFromObjectCaseSensitive(out, "params"));
        bs_net *trained = NULL;
        bs_error err;
        ck_assert_msg(bs_net_from_json(spec, NULL, &trained, &err) == BS_OK, "%s: %s",
                      err.where, err.message);
        bs_forward *fw = NULL;
        ck_assert_int_eq(bs_forward_run(trained, &fw, NULL), BS_OK);
        double reported = cJSON_GetObjectItemCaseSensitive(out, "final_loss")->valuedouble;
        ck_assert(reported == t->loss[25]);
        ck_assert_msg(fw->loss == reported, "%s: reloaded loss %.17g, reported %.17g", specs[s],
                      fw->loss, reported);
        bs_forward_free(fw);
        bs_net_free(trained);
        cJSON_Delete(spec);
        cJSON_Delete(out);
        free(text);
        free(json);
        bs_train_free(t);
        bs_net_free(net);
    }
}
END_TEST

/* The text shows the first update term by term, the thinned table, the
 * sparkline and the end; CSV has a header and one row per step. */
START_TEST(test_text_and_csv)
{
    bs_net *net = bs_test_load_spec(MAZUR);
    bs_train *t = train(net, 1000, 0.5, "b1,b2");
    char *text = render(t, BS_TRAIN_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "W_{1,1}[2] = 0.4 − 0.5 × 0.082167 = 0.358916\n"));
    ck_assert_ptr_nonnull(strstr(text, "W_{1,2}[2] = 0.5 − 0.5 × (−0.0226025) = 0.511301\n"));
    ck_assert_ptr_nonnull(strstr(text, "b[1]   frozen: stays"));
    ck_assert_ptr_nonnull(strstr(text, "\n    50  "));
    ck_assert_ptr_null(strstr(text, "\n    49  "));
    ck_assert_ptr_nonnull(strstr(text, "(every 50th step"));
    ck_assert_ptr_nonnull(strstr(text, "█"));
    ck_assert_ptr_nonnull(strstr(text, "\nTRAINED  1000 steps, loss 0.298371 → "));
    free(text);
    char *csv = render(t, BS_TRAIN_CSV);
    ck_assert(strncmp(csv, "step,loss\n0,0.29837110876", 25) == 0);
    size_t lines = 0;
    for (const char *c = csv; *c; c++)
        lines += *c == '\n';
    ck_assert_uint_eq(lines, 1002);
    free(csv);
    bs_train_free(t);
    bs_net_free(net);
}
END_TEST

/* The new shipped spec traces cleanly with both methods and its claim. */
START_TEST(test_mazur_spec_checks)
{
    bs_net *net = bs_test_load_spec(MAZUR);
    for (int m = 0; m < 2; m++) {
        bs_trace *tr = NULL;
        ck_assert_int_eq(bs_trace_build(net, &tr, NULL), BS_OK);
        bs_check_opts o = bs_check_defaults(m ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL);
        ck_assert_int_eq(bs_trace_check(tr, &o, NULL), BS_OK);
        ck_assert(tr->passed);
        ck_assert_uint_eq(tr->nclaims, 1);
        ck_assert_uint_eq(tr->claims_wrong, 0);
        bs_trace_free(tr);
    }
    bs_net_free(net);
}
END_TEST

Suite *train_suite(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mazur_first_update);
    tcase_add_test(tc, test_mazur_10000_rounds);
    tcase_add_loop_test(tc, test_one_step_is_trace_gradient, 0,
                        (int)(sizeof one_step_specs / sizeof one_step_specs[0]));
    tcase_add_test(tc, test_frozen_bit_identical);
    tcase_add_test(tc, test_small_steps_descend);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_divergence_stops);
    tcase_add_test(tc, test_param_names);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_checks);
    tcase_add_test(tc, test_json_params_reload);
    tcase_add_test(tc, test_text_and_csv);
    tcase_add_test(tc, test_mazur_spec_checks);
    suite_add_tcase(s, tc);
    return s;
}
