/* bs_scaffold.c — writing a starter spec. */
#include "bs_check.h"
#include "bs_scaffold.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_checked.h"
#include "bs_rng.h"
#include "bs_trace.h"

#define MAX_LAYERS 16
#define MAX_WIDTH 64
#define ATTEMPTS 32

typedef struct plan {
    size_t L;
    size_t n[MAX_LAYERS + 1];
    const bs_activation *act[MAX_LAYERS + 1];
    const bs_loss *loss;
} plan;

static bs_status parse_layers(const char *text, plan *p, bs_error *err)
{
    p->L = 0;
    const char *c = text;
    size_t count = 0;
    while (*c) {
        if (*c < '0' || *c > '9')
            return bs_error_set(err, BS_ERR_USAGE, "LAYERS",
                                "expected sizes joined by '-', like 4-3-2-1, got \"%.40s\"",
                                text);
        size_t v = 0;
        while (*c >= '0' && *c <= '9') {
            v = v * 10 + (size_t)(*c - '0');
            if (v > MAX_WIDTH)
                return bs_error_set(err, BS_ERR_USAGE, "LAYERS",
                                    "a starter spec has layers of at most %d units "
                                    "(for larger networks use \"init\" and \"random_batch\" "
                                    "in a spec, see docs/spec-format.md)",
                                    MAX_WIDTH);
            c++;
        }
        if (v == 0)
            return bs_error_set(err, BS_ERR_USAGE, "LAYERS", "layer sizes must be at least 1");
        if (count > MAX_LAYERS)
            return bs_error_set(err, BS_ERR_USAGE, "LAYERS",
                                "a starter spec has at most %d layers", MAX_LAYERS);
        p->n[count++] = v;
        if (*c == '-')
            c++;
        else if (*c)
            return bs_error_set(err, BS_ERR_USAGE, "LAYERS",
                                "expected sizes joined by '-', like 4-3-2-1, got \"%.40s\"",
                                text);
    }
    if (count < 2)
        return bs_error_set(err, BS_ERR_USAGE, "LAYERS",
                            "expected at least two sizes (inputs and outputs), like 4-3-2-1");
    p->L = count - 1;
    return BS_OK;
}

static bs_status pick_activation(const char *name, size_t len, const bs_activation **out,
                                 bs_error *err)
{
    char buf[32];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    *out = bs_activation_find(buf);
    if (*out)
        return BS_OK;
    const char *g = bs_suggest(buf, bs_activation_names);
    if (g)
        return bs_error_set(err, BS_ERR_USAGE, "--activations",
                            "unknown activation \"%s\" (did you mean \"%s\"?)", buf, g);
    return bs_error_set(err, BS_ERR_USAGE, "--activations",
                        "unknown activation \"%s\" (expected sigmoid, tanh, relu, "
                        "leaky_relu, identity or softmax)",
                        buf);
}

static bs_status make_plan(const bs_scaffold_opts *o, plan *p, bs_error *err)
{
    bs_status st = parse_layers(o->layers ? o->layers : "", p, err);
    if (st)
        return st;
    if (o->loss) {
        p->loss = bs_loss_find(o->loss);
        if (!p->loss) {
            const char *g = bs_suggest(o->loss, bs_loss_names);
            return bs_error_set(err, BS_ERR_USAGE, "--loss",
                                g ? "unknown loss \"%.40s\" (did you mean \"%s\"?)"
                                  : "unknown loss \"%.40s\" (expected mse, bce or "
                                    "cross_entropy)%s",
                                o->loss, g ? g : "");
        }
    } else {
        p->loss = bs_loss_find(p->n[p->L] == 1 ? "bce" : "cross_entropy");
    }
    /* defaults: sigmoid hidden layers; the output the loss wants */
    for (size_t l = 1; l <= p->L; l++)
        p->act[l] = bs_activation_find("sigmoid");
    if (p->loss->targets_simplex)
        p->act[p->L] = bs_activation_find("softmax");
    else if (!p->loss->targets_unit)
        p->act[p->L] = bs_activation_find("identity");
    if (o->activations) {
        const char *c = o->activations;
        size_t count = 0;
        const bs_activation *given[MAX_LAYERS + 1];
        while (*c) {
            const char *e = strchr(c, ',');
            size_t len = e ? (size_t)(e - c) : strlen(c);
            if (count >= MAX_LAYERS)
                return bs_error_set(err, BS_ERR_USAGE, "--activations", "too many names");
            if ((st = pick_activation(c, len, &given[count], err)))
                return st;
            count++;
            c += len + (e ? 1 : 0);
        }
        if (count == 1)
            for (size_t l = 1; l <= p->L; l++)
                p->act[l] = given[0];
        else if (count == p->L)
            for (size_t l = 1; l <= p->L; l++)
                p->act[l] = given[l - 1];
        else
            return bs_error_set(err, BS_ERR_USAGE, "--activations",
                                "expected %zu names (one per layer) or one for all, got %zu",
                                p->L, count);
    }
    return BS_OK;
}

/* a draw rounded to two decimals, so that it can be worked by hand */
static double round2(double v)
{
    double r = round(v * 100.0) / 100.0;
    return r == 0.0 ? 0.0 : r; /* no -0 */
}

static void num(bs_sink *s, double v)
{
    bs_sink_printf(s, "%.2f", v);
}

static void write_spec(const bs_scaffold_opts *o, const plan *p, uint64_t attempt,
                       bs_sink *s)
{
    int col = o->convention == BS_COLUMN;
    bs_rng r = bs_rng_stream(o->seed, attempt);
    bs_sink_puts(s, "{\n  \"//\": \"a backstep spec (format v1): edit any number and run "
                    "backstep trace on it; docs/spec-format.md describes every field\",\n");
    bs_sink_puts(s, "  \"name\": \"");
    for (size_t l = 0; l <= p->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", p->n[l]);
    bs_sink_printf(s, " network, %s\",\n", p->loss->name);
    bs_sink_printf(s, "  \"description\": \"written by backstep init with seed %llu\",\n",
                   (unsigned long long)o->seed);
    bs_sink_puts(s, "  \"//convention\": \"row: z[n] = a[n-1] W[n] + b[n], W[n] is "
                    "n_(n-1) x n_n (handouts 001, 002); column: z[n] = W[n] a[n-1] + b[n], "
                    "W[n] is n_n x n_(n-1) (handout 000)\",\n");
    bs_sink_printf(s, "  \"convention\": \"%s\",\n", col ? "column" : "row");
    bs_sink_puts(s, "  \"//layers\": \"n_0 (inputs), ..., n_L (outputs)\",\n  \"layers\": [");
    for (size_t l = 0; l <= p->L; l++)
        bs_sink_printf(s, "%s%zu", l ? ", " : "", p->n[l]);
    bs_sink_puts(s, "],\n  \"//activations\": \"one per layer 1 ... L: sigmoid, tanh, relu, "
                    "leaky_relu, identity, softmax (output only)\",\n  \"activations\": [");
    for (size_t l = 1; l <= p->L; l++)
        bs_sink_printf(s, "%s\"%s\"", l > 1 ? ", " : "", p->act[l]->name);
    bs_sink_printf(s, "],\n  \"//loss\": \"mse, bce (outputs in (0, 1)) or cross_entropy "
                      "(softmax output)\",\n  \"loss\": \"%s\",\n",
                   p->loss->name);
    bs_sink_puts(s, "  \"//batch_reduction\": \"mean (L = average of the example losses) or "
                    "sum\",\n  \"batch_reduction\": \"mean\",\n");
    bs_sink_puts(s, "  \"//l2\": \"lambda >= 0 adds lambda times the sum of squared weights "
                    "to L\",\n  \"l2\": 0,\n");
    bs_sink_printf(s, "  \"//params\": \"W1 ... W%zu and b1 ... b%zu, drawn from a normal "
                      "distribution with standard deviation 1/sqrt(inputs), rounded\",\n"
                      "  \"params\": {\n",
                   p->L, p->L);
    for (size_t l = 1; l <= p->L; l++) {
        size_t nin = p->n[l - 1], nout = p->n[l];
        double sd = 1.0 / sqrt((double)nin);
        double W[MAX_WIDTH][MAX_WIDTH];
        for (size_t i = 0; i < nin; i++)
            for (size_t j = 0; j < nout; j++)
                W[i][j] = round2(sd * bs_rng_normal(&r));
        size_t rows = col ? nout : nin, cols = col ? nin : nout;
        bs_sink_printf(s, "    \"W%zu\": [", l);
        for (size_t a = 0; a < rows; a++) {
            bs_sink_printf(s, "%s[", a ? ",\n           " : "");
            for (size_t b = 0; b < cols; b++) {
                if (b)
                    bs_sink_puts(s, ", ");
                num(s, col ? W[b][a] : W[a][b]);
            }
            bs_sink_puts(s, "]");
        }
        bs_sink_printf(s, "],\n    \"b%zu\": [", l);
        for (size_t j = 0; j < nout; j++) {
            if (j)
                bs_sink_puts(s, ", ");
            num(s, round2(0.1 * bs_rng_normal(&r)));
        }
        bs_sink_printf(s, "]%s\n", l < p->L ? "," : "");
    }
    bs_sink_puts(s, "  },\n  \"//x\": \"one example (a list of n_0 numbers) or a batch (a "
                    "list of such lists)\",\n  \"x\": [");
    for (size_t j = 0; j < p->n[0]; j++) {
        if (j)
            bs_sink_puts(s, ", ");
        num(s, round2(bs_rng_uniform(&r)));
    }
    size_t K = p->n[p->L];
    if (p->loss->targets_simplex) {
        bs_sink_printf(s, "],\n  \"//labels\": \"the class of each example, 0 ... %zu\",\n"
                          "  \"labels\": [%llu]\n}\n",
                       K - 1, (unsigned long long)bs_rng_below(&r, K));
        return;
    }
    bs_sink_puts(s, "],\n  \"//y\": \"the target of each example (n_L numbers)\",\n  \"y\": [");
    for (size_t j = 0; j < K; j++) {
        if (j)
            bs_sink_puts(s, ", ");
        if (p->loss->targets_unit)
            bs_sink_printf(s, "%llu", (unsigned long long)bs_rng_below(&r, 2));
        else
            num(s, round2(bs_rng_uniform(&r)));
    }
    bs_sink_puts(s, "]\n}\n");
}

/* 1 when the spec loads, its trace is finite, and its check passes */
static int traces_cleanly(const char *text, size_t len, bs_error *err)
{
    bs_net *net = NULL;
    bs_trace *t = NULL;
    int ok = 0;
    bs_check_opts co = bs_check_defaults(BS_METHOD_CENTRAL);
    if (bs_checked_string(text, len, "init", NULL, &co, &net, &t, err) == BS_OK) {
        ok = t->passed;
        /* keep away from kinks and saturation: no |z| below 0.01, no ŷ
         * within 1e-3 of 0 or 1 */
        for (size_t l = 1; ok && l <= net->L; l++)
            for (size_t k = 0; k < net->B * net->n[l]; k++) {
                double z = t->fw->z[l][k], a = t->fw->a[l][k];
                if ((net->act[l]->kink && fabs(z) < 0.01) ||
                    (l == net->L && net->act[l]->unit_interval &&
                     (a < 1e-3 || a > 1 - 1e-3)))
                    ok = 0;
            }
    }
    bs_trace_free(t);
    bs_net_free(net);
    return ok;
}

bs_status bs_scaffold(const bs_scaffold_opts *o, bs_sink *out, bs_error *err)
{
    plan p;
    memset(&p, 0, sizeof p);
    bs_status st = make_plan(o, &p, err);
    if (st)
        return st;
    bs_error e;
    for (uint64_t attempt = 0; attempt < ATTEMPTS; attempt++) {
        bs_sink b = bs_sink_buffer();
        write_spec(o, &p, attempt, &b);
        if (bs_sink_status(&b) != 0 || !b.buf) {
            bs_sink_free_buffer(&b);
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        }
        bs_error_clear(&e);
        int ok = traces_cleanly(b.buf, b.len, &e);
        if (!ok && e.status != BS_OK) {
            /* the combination itself is invalid: say why, once */
            bs_sink_free_buffer(&b);
            char line[700];
            bs_error_format(&e, line, sizeof line);
            return bs_error_set(err, BS_ERR_USAGE, NULL, "%s", line + 6 /* "init: " */);
        }
        if (ok) {
            bs_sink_write(out, b.buf, b.len);
            bs_sink_free_buffer(&b);
            return BS_OK;
        }
        bs_sink_free_buffer(&b);
    }
    return bs_error_set(err, BS_ERR_USAGE, NULL,
                        "no draw of %d from seed %llu traces cleanly; try another --seed",
                        ATTEMPTS, (unsigned long long)o->seed);
}
