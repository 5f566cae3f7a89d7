/* bs_compare.c — another program's gradients, step by step against the
 * trace, with the mistake catalogue's diagnosis. */
#include "bs_compare.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_json.h"
#include "bs_mistakes.h"
#include "bs_npz.h"

/* One step (or the loss) as the file gives it. */
typedef struct given {
    char key[64];        /* as written in the file */
    bs_qty q;
    size_t layer;
    size_t rows, cols;   /* as given, displayed orientation */
    double *v;           /* rows×cols */
} given;

struct bs_grads_file {
    const bs_trace *t;
    char name[256];
    bs_notation notation; /* of the file's first step (the loss does not count) */
    int notation_set;     /* 1 once a step has been given */
    given *steps;         /* [4L]: by backward step index; v NULL when not given */
    int has_loss;
    given loss;
    int param_keys;       /* keys given as parameter names (W1 for dW1) */
    char nested[16];      /* "grads" or "gradients" when the gradients were nested
                             in that object, else "" */
    char decorated[200];  /* the keys read as the steps they spell ("d_W2 as dW2"), or "" */
    given input;          /* the gradient of the input a[0] (dX, da0); v NULL when not given */
};

bs_compare_opts bs_compare_defaults(void)
{
    bs_compare_opts o;
    o.rtol = 1e-6;
    o.atol = 1e-9;
    o.notation = -1;
    o.only = NULL;
    o.bound = NULL;
    o.bound_n = NULL;
    o.example = 0;
    o.batch = 0;
    return o;
}

bs_status bs_compare_example(const bs_net *net, size_t example, bs_net *view, bs_error *err)
{
    if (example < 1 || example > net->B) {
        bs_status st = bs_error_set(err, BS_ERR_USAGE, "--example",
                                    "there is no example %zu: the spec's batch has %zu "
                                    "example%s, counted from 1 (expected 1 to %zu)",
                                    example, net->B, net->B == 1 ? "" : "s", net->B);
        bs_error_set_file(err, NULL);
        return st;
    }
    size_t i = example - 1;
    *view = *net;
    view->B = 1;
    view->x = net->x + i * net->n[0];
    view->y = net->y + i * net->n[net->L];
    view->labels = net->labels ? net->labels + i : NULL;
    view->has_random_batch = 0;
    view->claims = NULL;
    view->nclaims = 0;
    return BS_OK;
}

void bs_grads_file_free(bs_grads_file *g)
{
    if (!g)
        return;
    if (g->steps)
        for (size_t j = 0; j < bs_backward_nsteps(g->t->net); j++)
            free(g->steps[j].v);
    free(g->steps);
    free(g->loss.v);
    free(g->input.v);
    free(g);
}

/* The notation a key is written in: g[2z], dL/dz2 or ∂L/∂z[2], dz2. */
static bs_notation notation_of(const char *key)
{
    while (*key == ' ')
        key++;
    if (key[0] == 'g')
        return BS_NOTATION_G;
    if (strncmp(key, "dL/", 3) == 0 || strncmp(key, "\xe2\x88\x82", 3) == 0)
        return BS_NOTATION_PARTIAL;
    return BS_NOTATION_CODE;
}

static int is_comment_key(const char *k)
{
    return strcmp(k, "$comment") == 0 || strncmp(k, "//", 2) == 0;
}

/* The displayed shape of backward step j. */
static void display_shape(const bs_trace *t, size_t j, size_t *r, size_t *c)
{
    size_t rr, cc;
    bs_backward_shape(t->net, j, &rr, &cc);
    int col = t->net->convention == BS_COLUMN;
    *r = col ? cc : rr;
    *c = col ? rr : cc;
}

static const char *conv_name(const bs_net *net)
{
    return net->convention == BS_ROW ? "row" : "column";
}

/* 1 when no step (the loss aside) has been given. */
static int no_step_given(const bs_grads_file *g)
{
    for (size_t j = 0; j < bs_backward_nsteps(g->t->net); j++)
        if (g->steps[j].v)
            return 0;
    return 1;
}

/* Stores the values given for step `name` (its JSON path or argument name
 * is `p` in errors); takes ownership of v.  Values from a program must be
 * finite; backstep's own values (`own`, for bs_compare_answer) may not be. */
static bs_status put(bs_grads_file *g, const char *name, const char *p, bs_qty qty,
                     size_t layer, size_t r, size_t cc, double *v, int own, bs_error *err)
{
    const bs_trace *t = g->t;
    const bs_net *net = t->net;
    given *dst = qty == BS_Q_LOSS ? &g->loss : &g->steps[bs_backward_step_index(net, qty, layer)];
    if (dst->v) {
        free(v);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "the same step as \"%s\", given already: give each step once, "
                            "in one notation",
                            dst->key);
    }
    size_t er = 1, ec = 1;
    if (qty != BS_Q_LOSS)
        display_shape(t, bs_backward_step_index(net, qty, layer), &er, &ec);
    int ok = (r == er && cc == ec) || (r == ec && cc == er);
    /* a bias gradient left unsummed: one row (or column) per example */
    if (qty == BS_Q_B) {
        size_t B = net->B, n = net->n[layer];
        ok = ok || (net->convention == BS_ROW ? (r == B && cc == n) : (r == n && cc == B));
    }
    if (!ok) {
        free(v);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "expected %zu×%zu (%s convention, as in the trace), got %zu×%zu", er,
                            ec, conv_name(net), r, cc);
    }
    for (size_t k = 0; k < r * cc && !own; k++)
        if (!isfinite(v[k])) {
            free(v);
            return bs_error_set(err, BS_ERR_SPEC, p, "holds a value that is not finite");
        }
    if (qty != BS_Q_LOSS && !g->notation_set) {
        g->notation = notation_of(name);
        g->notation_set = 1;
    }
    snprintf(dst->key, sizeof dst->key, "%s", name);
    dst->q = qty;
    dst->layer = layer;
    dst->rows = r;
    dst->cols = cc;
    dst->v = v;
    if (qty == BS_Q_LOSS)
        g->has_loss = 1;
    return BS_OK;
}

/* The step name nearest `word` by edit distance (a plausible typo), written
 * in the notation of `word`, into buf; returns 0 when none is near. */
static int nearest_step(const bs_trace *t, const char *word, char *buf, size_t size)
{
    size_t n = bs_backward_nsteps(t->net);
    char (*names)[48] = calloc(n, sizeof *names);
    const char **cand = calloc(n + 1, sizeof *cand);
    int found = 0;
    if (names && cand) {
        bs_notation nt = notation_of(word);
        for (size_t j = 0; j < n; j++) {
            bs_qty sq;
            size_t sl;
            bs_backward_step_of(t->net, j, &sq, &sl);
            bs_name_grad(names[j], sizeof names[j], sq, sl, nt);
            cand[j] = names[j];
        }
        const char *near = bs_suggest(word, cand);
        if (near) {
            snprintf(buf, size, "%s", near);
            found = 1;
        }
    }
    free(names);
    free(cand);
    return found;
}

/* A hint for a key that names no step: the step a program's usual name
 * stands for, or the nearest step name.  cs231n's dscores is the gradient of
 * the last layer's scores z[L]; its dhidden is da[L−1] before the ReLU's mask
 * (dhidden[hidden <= 0] = 0) and dz[L−1] after it, so such a name is never
 * read by guess: the hint says which step to name it. */
static void near_name(const bs_trace *t, const char *name, char *hint, size_t size)
{
    const bs_net *net = t->net;
    char lower[64], near[48];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof lower; k++)
        lower[k] = (char)tolower((unsigned char)name[k]);
    lower[k] = '\0';
    int hidden = strcmp(lower, "dhidden") == 0 || strcmp(lower, "dh") == 0;
    if (strcmp(lower, "dscores") == 0 || strcmp(lower, "dout") == 0)
        snprintf(hint, size,
                 " (did you mean \"dz%zu\"? the gradient of the last layer's scores z[%zu]: "
                 "name it dz%zu)",
                 net->L, net->L, net->L);
    else if (hidden && net->L == 2)
        snprintf(hint, size,
                 " (did you mean \"da1\"? the gradient of the hidden layer's output a[1] "
                 "before the activation's mask, or dz1 after it: name it da1 or dz1)");
    else if (hidden && net->L > 2)
        snprintf(hint, size,
                 " (which hidden layer? the network has %zu: name it da1 … da%zu, or dz1 … "
                 "dz%zu after the activation's derivative)",
                 net->L - 1, net->L - 1, net->L - 1);
    else if (nearest_step(t, name, near, sizeof near))
        snprintf(hint, size, " (did you mean \"%s\"?)", near);
}

/* Reads a parameter's name used as its gradient's key, as a grads dict
 * keyed by the parameters has it (cs231n: grads["W1"] is dL/dW1): "W1" (or
 * "w1") and "b1" become dW1 and db1.  Returns 1 when `name` is such a key. */
static int param_key(const char *name, char *code, size_t size)
{
    if ((name[0] != 'W' && name[0] != 'w' && name[0] != 'b') ||
        !isdigit((unsigned char)name[1]))
        return 0;
    size_t k = 1;
    while (isdigit((unsigned char)name[k]))
        k++;
    if (name[k] != '\0' || k > 4)
        return 0;
    snprintf(code, size, "d%s", name);
    return 1;
}

/* Reads a key that spells a step with a program's decoration around it:
 * "d_W2" (d_ for d), "grad_W2", "gradW2", "W2_grad" and "W2.grad" (a
 * parameter's or a value's name with grad before or after it, the last as
 * PyTorch names a parameter's .grad), "dW2_grad": each names dW2 and no
 * other step; and the capitals of deeplearning.ai's programs, "dZ2" and
 * "dA1" (Z[2] and A[1] are its z[2] and a[1]) for dz2 and da1.  Writes the
 * step's name in code notation into code and
 * returns 1, or returns 0 when `name` is not such a key. */
static int decorated_key(const char *name, char *code, size_t size)
{
    char core[16];
    size_t n = strlen(name);
    if (n >= sizeof core)
        return 0;
    if (strncmp(name, "grad_", 5) == 0)
        snprintf(core, sizeof core, "%s", name + 5);
    else if (strncmp(name, "grad", 4) == 0 && name[4] && strchr("Wwbza", name[4]))
        snprintf(core, sizeof core, "%s", name + 4);
    else if (n > 5 && (strcmp(name + n - 5, "_grad") == 0 || strcmp(name + n - 5, ".grad") == 0))
        snprintf(core, sizeof core, "%.*s", (int)(n - 5), name);
    else if (name[0] == 'd' && (name[1] == 'Z' || name[1] == 'A'))
        snprintf(core, sizeof core, "d%c%s", name[1] == 'Z' ? 'z' : 'a', name + 2);
    else if (strncmp(name, "d_", 2) == 0)
        snprintf(core, sizeof core, "d%s", name + 2);
    else
        return 0;
    /* what is left: a parameter or value name (W2, z2) or a step's (dW2) */
    const char *s = core[0] == 'd' ? core + 1 : core;
    if (!strchr("Wwbza", s[0]) || !s[0] || !isdigit((unsigned char)s[1]))
        return 0;
    size_t k = 1;
    while (isdigit((unsigned char)s[k]))
        k++;
    if (s[k] != '\0' || k > 4)
        return 0;
    snprintf(code, size, "d%.*s", (int)k + 1, s);
    return 1;
}

/* Returns 1 when `name` names the gradient of the input a[0] (= x): da0,
 * g[0a], dL/da0, ∂L/∂a[0], and dX or dx as programs call it (dA0 in
 * deeplearning.ai's, whose grads["dA0"] is the gradient of A[0] = X). */
static int input_key(const char *name)
{
    static const char *const names[] = {"da0", "g[0a]", "dL/da0", "dL/da[0]", "∂L/∂a[0]",
                                        "∂L/∂a0", "dX", "dx", "dL/dX", "dL/dx", "dA0", NULL};
    char buf[64];
    size_t n = 0;
    for (const char *c = name; *c && n + 1 < sizeof buf; c++)
        if (*c != ' ')
            buf[n++] = *c;
    buf[n] = '\0';
    for (size_t i = 0; names[i]; i++)
        if (strcmp(buf, names[i]) == 0)
            return 1;
    return 0;
}

/* Parses a step name and checks its layer. */
static bs_status parse_name(const bs_trace *t, const char *name, const char *p, bs_qty *qty,
                            size_t *layer, bs_error *err)
{
    const bs_net *net = t->net;
    if (bs_name_parse(name, qty, layer) != 0) {
        char hint[240] = "";
        near_name(t, name, hint, sizeof hint);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "unknown step \"%s\"%s: expected a gradient name like dW2, g[2W], "
                            "dL/dW2, dz2, or \"loss\"",
                            p, hint);
    }
    if (*qty != BS_Q_LOSS && *layer > net->L)
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "there is no layer %zu: the network has %zu layer%s", *layer, net->L,
                            net->L == 1 ? "" : "s");
    return BS_OK;
}

/* Adds `word` to a comma-separated list in buf (as much as fits). */
static void list_add(char *buf, size_t size, const char *word)
{
    size_t n = strlen(buf);
    if (n + strlen(word) + 8 >= size) {
        if (!strstr(buf, "…") && n + 6 < size)
            snprintf(buf + n, size - n, ", …");
        return;
    }
    snprintf(buf + n, size - n, "%s%s", n ? ", " : "", word);
}

/* Stores the gradient of the input a[0], given as key p. */
static bs_status put_input(bs_grads_file *g, const char *p, size_t r, size_t cc, double *v,
                           bs_error *err)
{
    const bs_net *net = g->t->net;
    if (g->input.v) {
        free(v);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "the same step as \"%s\", given already: give each step once, "
                            "in one notation",
                            g->input.key);
    }
    size_t er = net->convention == BS_COLUMN ? net->n[0] : net->B;
    size_t ec = net->convention == BS_COLUMN ? net->B : net->n[0];
    if (!((r == er && cc == ec) || (r == ec && cc == er))) {
        free(v);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "expected %zu×%zu for the gradient of the input a[0] (%s "
                            "convention, as in the trace), got %zu×%zu",
                            er, ec, conv_name(net), r, cc);
    }
    for (size_t k = 0; k < r * cc; k++)
        if (!isfinite(v[k])) {
            free(v);
            return bs_error_set(err, BS_ERR_SPEC, p, "holds a value that is not finite");
        }
    snprintf(g->input.key, sizeof g->input.key, "%.*s", (int)sizeof g->input.key - 1, p);
    g->input.q = BS_Q_A;
    g->input.layer = 0;
    g->input.rows = r;
    g->input.cols = cc;
    g->input.v = v;
    return BS_OK;
}

/* Reads one key of the file into g; `in` is the object it is nested in
 * ("grads"), or NULL at the top. */
static bs_status read_key(bs_grads_file *g, const cJSON *c, const char *in, bs_error *err)
{
    const bs_net *net = g->t->net;
    char p[160], quoted[80];
    bs_error_quote(quoted, sizeof quoted, c->string);
    if (in)
        snprintf(p, sizeof p, "%s.%s", in, quoted);
    else
        snprintf(p, sizeof p, "%s", quoted);
    bs_qty qty;
    size_t layer, r, cc;
    char code[16];
    const char *name = c->string;
    int param = 0, decorated = 0;
    if (input_key(name)) {
        double *v = NULL;
        bs_status st = bs_net_read_values(net, c, p, (int)BS_Q_A, 1, &r, &cc, &v, err);
        if (st != BS_OK)
            return st;
        return put_input(g, p, r, cc, v, err);
    }
    if (param_key(name, code, sizeof code)) {
        name = code;
        param = 1;
    } else if (strcmp(name, "cost") == 0) {
        /* deeplearning.ai's programs call the loss the cost */
        snprintf(code, sizeof code, "loss");
        name = code;
        decorated = 1;
    } else if (bs_name_parse(name, &qty, &layer) != 0 && decorated_key(name, code, sizeof code)) {
        name = code;
        decorated = 1;
    }
    bs_status st = parse_name(g->t, name, p, &qty, &layer, err);
    if (st != BS_OK)
        return st;
    if ((param || decorated) && qty != BS_Q_LOSS) {
        const given *dst = &g->steps[bs_backward_step_index(net, qty, layer)];
        if (dst->v)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "is read as the gradient %s, which the file gives already as "
                                "\"%s\": give each gradient once, under one name",
                                code, dst->key);
    }
    double *v = NULL;
    st = bs_net_read_values(net, c, p, (int)qty, layer, &r, &cc, &v, err);
    if (st != BS_OK)
        return st;
    /* the notation of a renamed key is that of the name it is read as */
    if ((param || decorated) && qty != BS_Q_LOSS && !g->notation_set) {
        g->notation = BS_NOTATION_CODE;
        g->notation_set = 1;
    }
    st = put(g, quoted, p, qty, layer, r, cc, v, 0, err);
    if (st == BS_OK && param) {
        g->param_keys++;
    } else if (st == BS_OK && decorated) {
        char both[160];
        snprintf(both, sizeof both, "%s as %s", quoted, code);
        list_add(g->decorated, sizeof g->decorated, both);
    }
    return st;
}

/* Reads every key of object o into g, comments aside; at the top level
 * (`in` NULL), a "grads" (or "gradients") object, a program's dict of
 * gradients saved whole beside its loss, is read the same way. */
static bs_status read_keys(bs_grads_file *g, const cJSON *o, const char *in, bs_error *err)
{
    bs_status st = BS_OK;
    for (const cJSON *c = o->child; c && st == BS_OK; c = c->next) {
        if (is_comment_key(c->string))
            continue;
        if (!in && (strcmp(c->string, "grads") == 0 || strcmp(c->string, "gradients") == 0) &&
            cJSON_IsObject(c)) {
            if (g->nested[0])
                return bs_error_set(err, BS_ERR_SPEC, c->string,
                                    "a second object of gradients beside \"%s\": give the "
                                    "gradients once",
                                    g->nested);
            snprintf(g->nested, sizeof g->nested, "%s", c->string);
            st = read_keys(g, c, c->string, err);
        } else {
            st = read_key(g, c, in, err);
        }
    }
    return st;
}

bs_status bs_grads_file_create(const bs_trace *t, bs_grads_file **out, bs_error *err)
{
    *out = NULL;
    bs_grads_file *g = calloc(1, sizeof *g);
    if (g)
        g->steps = calloc(bs_backward_nsteps(t->net), sizeof *g->steps);
    if (!g || !g->steps) {
        free(g);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    g->t = t;
    *out = g;
    return BS_OK;
}

static bs_status set_values(bs_grads_file *g, const char *name, const double *values,
                            size_t rows, size_t cols, int own, bs_error *err)
{
    bs_qty qty;
    size_t layer;
    char p[64];
    bs_error_quote(p, sizeof p, name);
    bs_status st = parse_name(g->t, name, p, &qty, &layer, err);
    if (st != BS_OK)
        return st;
    double *v = malloc(sizeof(double) * (rows * cols > 0 ? rows * cols : 1));
    if (!v)
        return bs_error_set(err, BS_ERR_NOMEM, p, "out of memory");
    memcpy(v, values, sizeof(double) * rows * cols);
    return put(g, p, p, qty, layer, rows, cols, v, own, err);
}

bs_status bs_grads_file_set(bs_grads_file *g, const char *name, const double *values,
                            size_t rows, size_t cols, bs_error *err)
{
    return set_values(g, name, values, rows, cols, 0, err);
}

/* An .npz archive (np.savez) as the JSON object of the same arrays. */
static bs_status npz_parse(const char *data, size_t len, cJSON **root, bs_error *err)
{
    bs_npz *z = NULL;
    bs_status st = bs_npz_read(data, len, BS_DEFAULT_MAX_FILE_BYTES, &z, err);
    if (st == BS_OK)
        st = bs_npz_to_json(z, root, err);
    bs_npz_free(z);
    return st;
}

bs_status bs_compare_load_string(const char *text, size_t len, const char *name,
                                 const bs_trace *t, bs_grads_file **out,
                                 bs_error *err)
{
    *out = NULL;
    cJSON *root = NULL;
    bs_status st;
    if (bs_npz_is_zip(text, len))
        st = npz_parse(text, len, &root, err);
    else if (bs_npy_is_npy(text, len))
        st = bs_error_set(err, BS_ERR_SPEC, NULL,
                          "is a single NumPy array (.npy), which has no name: save the "
                          "gradients by name with np.savez(\"grads.npz\", dW1=dW1, "
                          "db1=db1, ...)");
    else
        st = bs_json_parse(text, len, BS_JSON_DEFAULT_MAX_DEPTH, &root, err);
    if (st != BS_OK) {
        bs_error_set_file(err, name);
        return st;
    }
    bs_grads_file *g = NULL;
    if ((st = bs_grads_file_create(t, &g, err)) != BS_OK) {
        cJSON_Delete(root);
        bs_error_set_file(err, name);
        return st;
    }
    snprintf(g->name, sizeof g->name, "%s", name);
    if (!cJSON_IsObject(root)) {
        st = bs_error_set(err, BS_ERR_SPEC, NULL,
                          "expected an object of gradients like {\"dW2\": [[...], ...], "
                          "\"db2\": [...]}, got %s",
                          cJSON_IsArray(root)    ? "an array"
                          : cJSON_IsNumber(root) ? "a number"
                          : cJSON_IsString(root) ? "a string"
                                                 : "a literal");
    } else {
        st = read_keys(g, root, NULL, err);
        if (st == BS_OK && no_step_given(g))
            st = bs_error_set(err, BS_ERR_SPEC, NULL,
                              "gives no gradient: expected at least the parameter gradients, "
                              "e.g. {\"dW1\": ..., \"db1\": ...}");
    }
    cJSON_Delete(root);
    if (st != BS_OK) {
        bs_error_set_file(err, name);
        bs_grads_file_free(g);
        return st;
    }
    *out = g;
    return BS_OK;
}

bs_status bs_compare_load(const char *path, const bs_trace *t, bs_grads_file **out,
                          bs_error *err)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    bs_status st = bs_read_file(path, BS_DEFAULT_MAX_FILE_BYTES, &data, &len, err);
    if (st != BS_OK)
        return st;
    st = bs_compare_load_string(data, len, strcmp(path, "-") == 0 ? "<stdin>" : path, t, out,
                                err);
    free(data);
    return st;
}

/* ---- comparing -------------------------------------------------------- */

void bs_compare_result_free(bs_compare_result *r)
{
    if (!r)
        return;
    free(r->steps);
    free(r);
}

int bs_compare_close(double p, double b, double rtol, double atol)
{
    if (!isfinite(p) || !isfinite(b))
        return 0;
    double d = fabs(p - b);
    return d <= atol || d <= rtol * fmax(fabs(p), fabs(b));
}

static int close_enough(double p, double b, const bs_compare_opts *o)
{
    return bs_compare_close(p, b, o->rtol, o->atol);
}

/* |p − b| and |p − b| / max(|p|, |b|) (0 when both are 0); both infinite
 * when either value is not finite. */
static void difference(double p, double b, double *abs_d, double *rel_d)
{
    if (!isfinite(p) || !isfinite(b)) {
        *abs_d = *rel_d = INFINITY;
        return;
    }
    double d = fabs(p - b), m = fmax(fabs(p), fabs(b));
    *abs_d = d;
    *rel_d = m > 0 ? d / m : 0.0;
}

static int mats_agree(const bs_mat *a, const bs_mat *b, const bs_compare_opts *o)
{
    if (!a->v || !b->v || a->rows != b->rows || a->cols != b->cols)
        return 0;
    for (size_t k = 0; k < a->rows * a->cols; k++)
        if (!close_enough(a->v[k], b->v[k], o))
            return 0;
    return 1;
}

/* The program's value of step j turned into the row convention (a copy). */
static int to_row(const bs_net *net, const given *gv, bs_mat *m)
{
    size_t r = gv->rows, c = gv->cols;
    int col = net->convention == BS_COLUMN;
    m->rows = col ? c : r;
    m->cols = col ? r : c;
    m->v = malloc(sizeof(double) * (r * c > 0 ? r * c : 1));
    if (!m->v)
        return -1;
    for (size_t i = 0; i < r; i++)
        for (size_t k = 0; k < c; k++) {
            if (col)
                m->v[k * r + i] = gv->v[i * c + k];
            else
                m->v[i * c + k] = gv->v[i * c + k];
        }
    return 0;
}

static double top_difference(const bs_compare_diff *e)
{
    double d, rel;
    difference(e->program, e->backstep, &d, &rel);
    return d;
}

/* The differences of a step whose shape matches: counts, largest, top list
 * (in displayed indices). */
static void measure_mat(const bs_net *net, bs_mat tr, const given *gv,
                        const bs_compare_opts *o, bs_compare_step *s)
{
    int col = net->convention == BS_COLUMN;
    size_t r = gv->rows, c = gv->cols;
    s->n_elements = r * c;
    s->n_wrong = 0;
    s->max_abs = s->max_rel = 0.0;
    s->ntop = 0;
    for (size_t i = 0; i < r; i++)
        for (size_t k = 0; k < c; k++) {
            double p = gv->v[i * c + k];
            double b = col ? tr.v[k * tr.cols + i] : tr.v[i * tr.cols + k];
            double d, rel;
            difference(p, b, &d, &rel);
            if (d > s->max_abs)
                s->max_abs = d;
            if (rel > s->max_rel)
                s->max_rel = rel;
            if (close_enough(p, b, o))
                continue;
            s->n_wrong++;
            /* keep the BS_COMPARE_TOP largest |p − b|, largest first */
            size_t at = s->ntop;
            while (at > 0 && top_difference(&s->top[at - 1]) < d)
                at--;
            if (at >= BS_COMPARE_TOP)
                continue;
            size_t last = s->ntop < BS_COMPARE_TOP ? s->ntop : BS_COMPARE_TOP - 1;
            for (size_t m2 = last; m2 > at; m2--)
                s->top[m2] = s->top[m2 - 1];
            s->top[at].row = i + 1;
            s->top[at].col = k + 1;
            s->top[at].program = p;
            s->top[at].backstep = b;
            if (s->ntop < BS_COMPARE_TOP)
                s->ntop++;
        }
}

static void measure(const bs_trace *t, size_t j, const given *gv, const bs_compare_opts *o,
                    bs_compare_step *s)
{
    measure_mat(t->net, bs_backward_value(t->net, t->grads, j), gv, o, s);
}

/* Expands a catalogue phrase: {k} the step where the mistake is made, {d} the
 * variant's detail, {B} the batch size. */
static void expand(char *buf, size_t size, const char *phrase, const char *k, const char *d,
                   size_t B)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *p = phrase; *p && n + 1 < size; p++) {
        const char *rep = NULL;
        char num[32];
        if (strncmp(p, "{k}", 3) == 0)
            rep = k;
        else if (strncmp(p, "{d}", 3) == 0)
            rep = d;
        else if (strncmp(p, "{B}", 3) == 0) {
            snprintf(num, sizeof num, "%zu", B);
            rep = num;
        }
        if (rep) {
            int w = snprintf(buf + n, size - n, "%s", rep);
            n += w > 0 ? (size_t)w : 0;
            if (n >= size)
                n = size - 1;
            p += 2;
        } else {
            buf[n++] = *p;
            buf[n] = '\0';
        }
    }
}

/* The context in which mistakes are tried: the values of the steps as the
 * program has them (given, or implied by what it gives). */
typedef struct run {
    const bs_trace *t;
    const bs_compare_opts *o;
    bs_notation nt;
    size_t n;         /* backward steps */
    bs_mat *cur;      /* [n]: owned copies */
    bs_mat *tmp;      /* [n]: scratch, shallow */
    unsigned char *given_j; /* [n] */
    const bs_grads_file *g;
} run;

static double max_abs(const bs_mat *m)
{
    double x = 0.0;
    for (size_t k = 0; m->v && k < m->rows * m->cols; k++)
        if (fabs(m->v[k]) > x)
            x = fabs(m->v[k]);
    return x;
}

/* mats_agree for two values of step j, with the rounding bound of the
 * options (bs_compare_opts.bound) when it gives one */
static int mats_agree_at(const run *R, size_t j, const bs_mat *a, const bs_mat *b)
{
    const bs_compare_opts *o = R->o;
    if (!o->bound || !o->bound[j] || !o->bound_n || !a->v || !b->v || a->rows != b->rows ||
        a->cols != b->cols)
        return mats_agree(a, b, o);
    size_t n = a->rows * a->cols, bn = o->bound_n[j];
    const double *bd = o->bound[j];
    double top = 0.0;
    for (size_t k = 0; k < bn; k++)
        top = fmax(top, bd[k]);
    bs_mat tr = bs_backward_value(R->t->net, R->t->grads, j);
    double ref = max_abs(&tr), big = fmax(max_abs(a), max_abs(b));
    double scale = ref > 0 && big > ref ? big / ref : 1.0;
    for (size_t k = 0; k < n; k++) {
        double p = a->v[k], q = b->v[k];
        if (close_enough(p, q, o))
            continue;
        double lim = (n == bn ? bd[k] : top) * scale;
        if (!isfinite(p) || !isfinite(q) || !(fabs(p - q) <= lim))
            return 0;
    }
    return 1;
}

static void step_name(const run *R, size_t j, char *buf, size_t size)
{
    bs_qty q;
    size_t l;
    bs_backward_step_of(R->t->net, j, &q, &l);
    bs_name_grad(buf, size, q, l, R->nt);
}

/* Recomputes, correctly, the steps on the chain from step u (exclusive) down
 * to step j (inclusive) into R->tmp, from R->tmp[u] and the values above it.
 * Returns 0, or −1 (with R->tmp as it was) when a step cannot be computed. */
static int recompute_chain(run *R, size_t u, size_t j)
{
    size_t path[64], np = 0;
    for (size_t s = j; s != u && s != (size_t)-1 && np < 64;
         s = bs_backward_upstream(R->t->net, s))
        path[np++] = s;
    for (size_t i = np; i-- > 0;) {
        bs_mistake_ctx ctx = {R->t, R->tmp, path[i], R->nt};
        bs_mat m;
        if (bs_mistake_correct(&ctx, &m)) {
            free(m.v);
            for (size_t k = np; k-- > i + 1;) {
                free(R->tmp[path[k]].v);
                R->tmp[path[k]] = R->cur[path[k]];
            }
            return -1;
        }
        R->tmp[path[i]] = m;
    }
    return 0;
}

/* Undoes recompute_chain: frees what it made and points R->tmp back at R->cur. */
static void free_chain(run *R, size_t u, size_t j)
{
    for (size_t s = j; s != u && s != (size_t)-1; s = bs_backward_upstream(R->t->net, s)) {
        free(R->tmp[s].v);
        R->tmp[s] = R->cur[s];
    }
}

/* 1 when a mistake made at step u (above j, not given) and carried down
 * into R->tmp also explains another given step that is wrong: a step after
 * j computed directly from u or from a step between u and j (the sibling
 * g[nb] of g[nW] when the mistake is in g[nz]).  Of two explanations of j,
 * one at j itself and one above it, this decides for the one above. */
static int explains_more(run *R, size_t u, size_t j)
{
    const bs_trace *t = R->t;
    for (size_t k = j + 1; k < R->n; k++) {
        const given *gv = &R->g->steps[k];
        size_t up = bs_backward_upstream(t->net, k);
        if (!gv->v || up == (size_t)-1)
            continue;
        int on_chain = 0;
        for (size_t s = bs_backward_upstream(t->net, j); s != (size_t)-1;
             s = bs_backward_upstream(t->net, s)) {
            if (s == up)
                on_chain = 1;
            if (s == u)
                break;
        }
        if (!on_chain)
            continue;
        bs_mat prog, c = {0, 0, NULL}, tr = bs_backward_value(t->net, t->grads, k);
        if (to_row(t->net, gv, &prog))
            return -1;
        bs_mistake_ctx ctx = {t, R->tmp, k, R->nt};
        int hit = !mats_agree_at(R, k, &prog, &tr) && bs_mistake_correct(&ctx, &c) == 0 &&
                  mats_agree_at(R, k, &c, &prog);
        free(c.v);
        free(prog.v);
        if (hit)
            return 1;
    }
    return 0;
}

/* 1 when a mistake made at step u (above j, not given), with value m there,
 * reproduces every step the file gives that it affects directly: each given
 * step k ≠ j computed, correctly, from u or from a step below u that the
 * file does not give (dW7 and db7 for a mistake in dz7; da6 when the file
 * gives it).  Steps below a given step are computed from the program's own
 * values there, so they say nothing of u.  A mistake that the file's own
 * steps contradict is never named.  Returns 1, 0, or −1 when memory ran
 * out. */
static int consistent_below(run *R, size_t u, size_t j, const bs_mat *m)
{
    const bs_trace *t = R->t;
    size_t n = R->n;
    bs_mat *vals = calloc(n, sizeof *vals);
    unsigned char *open = calloc(n, 1), *owned = calloc(n, 1);
    int ok = vals && open && owned ? 1 : -1;
    for (size_t k = 0; ok == 1 && k < u; k++)
        vals[k] = R->cur[k];
    if (ok == 1) {
        vals[u] = *m;
        open[u] = 1;
    }
    for (size_t k = u + 1; ok == 1 && k < n; k++) {
        size_t up = bs_backward_upstream(t->net, k);
        if (up == (size_t)-1 || !open[up])
            continue;
        bs_mistake_ctx ctx = {t, vals, k, R->nt};
        bs_mat c = {0, 0, NULL};
        if (bs_mistake_correct(&ctx, &c)) {
            free(c.v);
            ok = 0;
            break;
        }
        const given *gv = &R->g->steps[k];
        if (!gv->v) {
            vals[k] = c;
            open[k] = owned[k] = 1;
            continue;
        }
        if (k != j) {
            bs_mat prog;
            if (to_row(t->net, gv, &prog)) {
                ok = -1;
            } else {
                ok = mats_agree_at(R, k, &c, &prog);
                free(prog.v);
            }
        }
        free(c.v);
    }
    if (vals)
        for (size_t k = 0; k < n; k++)
            if (owned && owned[k])
                free(vals[k].v);
    free(vals);
    free(open);
    free(owned);
    return ok;
}

/* Tries every catalogue mistake at step u (j itself, or a step above j the
 * file does not give) and carries it down to j.  On a match, fills the
 * step's diagnosis, and, when u is above j, keeps the implied values of the
 * steps between in R->cur.  Returns 1 on a match, 0 without, −1 when memory
 * ran out. */
static int try_mistakes_at(run *R, size_t u, size_t j, const bs_mat *prog,
                           bs_compare_step *s, int need_more)
{
    const bs_trace *t = R->t;
    bs_mat truth_j = bs_backward_value(t->net, t->grads, j);
    for (size_t mi = 0; mi < BS_MISTAKE_COUNT; mi++) {
        const bs_mistake *mk = &bs_mistakes[mi];
        for (size_t v = 0;; v++) {
            char detail[400] = "";
            bs_mat m = {0, 0, NULL};
            bs_mistake_ctx ctx = {t, R->cur, u, R->nt};
            bs_mistake_rc rc = mk->compute(&ctx, v, &m, detail, sizeof detail);
            if (rc == BS_MISTAKE_DONE)
                break;
            if (rc == BS_MISTAKE_NOMEM) {
                free(m.v);
                return -1;
            }
            if (rc == BS_MISTAKE_SKIP)
                continue;
            int hit = 0;
            if (u == j) {
                hit = mats_agree_at(R, j, &m, prog) && !mats_agree_at(R, j, &m, &truth_j);
            } else {
                /* carry the mistaken value of u down to j */
                R->tmp[u] = m;
                if (recompute_chain(R, u, j) == 0) {
                    hit = mats_agree_at(R, j, &R->tmp[j], prog) &&
                          !mats_agree_at(R, j, &R->tmp[j], &truth_j);
                    /* preferred only when it explains another wrong step;
                     * named only when the file's steps below agree with it */
                    if (hit && need_more)
                        hit = explains_more(R, u, j);
                    if (hit > 0)
                        hit = consistent_below(R, u, j, &m);
                    if (hit < 0) {
                        free_chain(R, u, j);
                        R->tmp[u] = R->cur[u];
                        free(m.v);
                        return -1;
                    }
                    if (hit) {
                        /* the steps between now hold what the program implies */
                        for (size_t st = bs_backward_upstream(t->net, j); st != u;
                             st = bs_backward_upstream(t->net, st)) {
                            free(R->cur[st].v);
                            R->cur[st] = R->tmp[st];
                        }
                        free(R->tmp[j].v);
                        R->tmp[j] = R->cur[j];
                        free(R->cur[u].v);
                        R->cur[u] = m;
                        m.v = NULL;
                    } else {
                        free_chain(R, u, j);
                    }
                }
                R->tmp[u] = R->cur[u];
            }
            free(m.v);
            if (!hit)
                continue;
            char where[48], phrase[640], me[48];
            step_name(R, u, where, sizeof where);
            step_name(R, j, me, sizeof me);
            expand(phrase, sizeof phrase, mk->phrase, where, detail, t->net->B);
            s->mistake = (int)mk->id;
            snprintf(s->mistake_step, sizeof s->mistake_step, "%s", where);
            int w;
            if (u == j)
                w = snprintf(s->diagnosis, sizeof s->diagnosis, "%s matches %.560s", me, phrase);
            else
                w = snprintf(s->diagnosis, sizeof s->diagnosis,
                             "%s matches %.420s, carried down to %s (the file does not give %s)",
                             me, phrase, me, where);
            (void)w; /* a diagnosis longer than the field is cut */
            return 1;
        }
    }
    return 0;
}

/* Where the error that step j inherits entered: the nearest given step above
 * j that disagrees on its own (a second slip lower down is its own origin),
 * else the topmost step above j (or j) whose value, as the program has it,
 * differs from backstep's.  steps[] holds the verdicts of the steps above j. */
static size_t origin_of(const run *R, const bs_compare_step *steps, size_t j)
{
    for (size_t u = bs_backward_upstream(R->t->net, j); u != (size_t)-1;
         u = bs_backward_upstream(R->t->net, u))
        if (R->given_j[u] && steps[u].status == BS_CMP_DISAGREES)
            return u;
    size_t origin = j;
    for (size_t u = bs_backward_upstream(R->t->net, j); u != (size_t)-1;
         u = bs_backward_upstream(R->t->net, u)) {
        bs_mat tr = bs_backward_value(R->t->net, R->t->grads, u);
        if (!mats_agree_at(R, u, &R->cur[u], &tr))
            origin = u;
    }
    return origin;
}

/* Marks a step whose every difference is at the level of float32 rounding:
 * at most 1e-5 of the step's largest value (sums of float32 products carry
 * errors of many units of 2⁻²⁴ ≈ 6e-8, and cancellation turns them into
 * large relative errors in small elements), and says which tolerance
 * accepts it. */
static void single_precision(const bs_trace *t, size_t j, bs_compare_step *s)
{
    bs_mat tr = bs_backward_value(t->net, t->grads, j);
    double scale = 0.0;
    for (size_t k = 0; k < tr.rows * tr.cols; k++)
        scale = fmax(scale, fabs(tr.v[k]));
    if (!(s->max_abs > 0) || !isfinite(s->max_abs) || !isfinite(scale) ||
        s->max_abs > 1e-5 * scale)
        return;
    s->single_precision = 1;
    /* the options that accept it are the file's, one for every such step
     * (float32_tolerance) */
    snprintf(s->diagnosis, sizeof s->diagnosis,
             "%s differs from backstep's only by single-precision rounding (largest "
             "difference %.1e, %.1e of its largest value): is the program computing in "
             "float32? ",
             s->name, s->max_abs, s->max_abs / scale);
}

/* One tolerance for the whole file that accepts every step reported as
 * single-precision rounding: --rtol 1e-5 accepts an element within 1e-5 of
 * its magnitude, and an --atol of the largest difference of the steps
 * whose small elements are beyond that (cancellation) accepts the rest;
 * each such step's diagnosis ends with it, so that one rerun accepts them
 * all. */
/* The --atol that, beside --rtol 1e-5, accepts the steps reported as
 * single-precision rounding: the largest difference of those whose small
 * elements are beyond 1e-5 of their magnitude, rounded up to a power of
 * ten; 0 when --rtol 1e-5 accepts them all, -1 when there are none. */
static double float32_atol(const bs_compare_result *r)
{
    int any = 0;
    double atol = 0.0;
    for (size_t j = 0; j < r->nsteps; j++) {
        const bs_compare_step *s = &r->steps[j];
        if (!s->single_precision)
            continue;
        any = 1;
        if (s->max_rel > 1e-5)
            atol = fmax(atol, s->max_abs);
    }
    return !any ? -1.0 : atol > 0 ? pow(10.0, ceil(log10(atol))) : 0.0;
}

static void float32_tolerance(bs_compare_result *r)
{
    double atol = float32_atol(r);
    if (atol < 0)
        return;
    if (atol > 0)
        snprintf(r->float32_tol, sizeof r->float32_tol, "--rtol 1e-5 --atol %.0e", atol);
    else
        snprintf(r->float32_tol, sizeof r->float32_tol, "--rtol 1e-5");
    for (size_t j = 0; j < r->nsteps; j++) {
        bs_compare_step *s = &r->steps[j];
        size_t n = strlen(s->diagnosis);
        if (s->single_precision)
            snprintf(s->diagnosis + n, sizeof s->diagnosis - n, "%s accepts it",
                     r->float32_tol);
    }
}

/* The largest relative difference between the program's step j and the
 * value of mistake mk's variant v made at step u (j, or a step above it the
 * file does not give, carried down to j); INFINITY when the variant does not
 * apply or gives backstep's own value; −1 when memory ran out. */
static double mistake_distance(run *R, size_t u, size_t j, const bs_mistake *mk, size_t v,
                               const bs_mat *prog, char *detail, size_t dsize, int *done)
{
    const bs_trace *t = R->t;
    bs_mat truth_j = bs_backward_value(t->net, t->grads, j);
    bs_mat m = {0, 0, NULL};
    bs_mistake_ctx ctx = {t, R->cur, u, R->nt};
    bs_mistake_rc rc = mk->compute(&ctx, v, &m, detail, dsize);
    *done = rc == BS_MISTAKE_DONE;
    if (rc == BS_MISTAKE_NOMEM) {
        free(m.v);
        return -1;
    }
    if (rc != BS_MISTAKE_MADE) {
        free(m.v);
        return INFINITY;
    }
    const bs_mat *at = &m;
    int chained = 0;
    if (u != j) {
        R->tmp[u] = m;
        if (recompute_chain(R, u, j) != 0) {
            R->tmp[u] = R->cur[u];
            free(m.v);
            return INFINITY;
        }
        chained = 1;
        at = &R->tmp[j];
    }
    double worst = INFINITY;
    if (at->rows == prog->rows && at->cols == prog->cols && !mats_agree(at, &truth_j, R->o)) {
        worst = 0.0;
        for (size_t k = 0; k < at->rows * at->cols; k++) {
            double d, rel;
            difference(prog->v[k], at->v[k], &d, &rel);
            if (d > R->o->atol && rel > worst)
                worst = rel;
        }
    }
    if (chained) {
        free_chain(R, u, j);
        R->tmp[u] = R->cur[u];
    }
    free(m.v);
    return worst;
}

/* For a step no catalogue mistake reproduces within the tolerance: the
 * closest ones, made at the step or above it in a step the file does not
 * give, ranked by the largest relative difference from the program's
 * values, those within 1e-2, each with the rtol that would accept it.
 * Returns 0, or −1 when memory ran out. */
static int near_misses(run *R, size_t j, const bs_mat *prog, bs_compare_step *s)
{
    enum { NEAR = 3 };
    const bs_trace *t = R->t;
    double best[NEAR];
    char text[NEAR][360];
    size_t nb = 0;
    char me[48];
    step_name(R, j, me, sizeof me);
    for (size_t mi = 0; mi < BS_MISTAKE_COUNT; mi++) {
        const bs_mistake *mk = &bs_mistakes[mi];
        double mine = INFINITY;
        char phrase[360] = "";
        for (size_t u = j; u != (size_t)-1 && (u == j || !R->given_j[u]);
             u = bs_backward_upstream(t->net, u)) {
            for (size_t v = 0;; v++) {
                char detail[400] = "";
                int done = 0;
                double d = mistake_distance(R, u, j, mk, v, prog, detail, sizeof detail, &done);
                if (d < 0)
                    return -1;
                if (done)
                    break;
                if (d < mine) {
                    char where[48], ph[300];
                    step_name(R, u, where, sizeof where);
                    expand(ph, sizeof ph, mk->phrase, where, detail, t->net->B);
                    mine = d;
                    if (u == j)
                        snprintf(phrase, sizeof phrase, "%s", ph);
                    else
                        snprintf(phrase, sizeof phrase, "%.280s, carried down to %.47s", ph, me);
                }
            }
        }
        if (!(mine <= 1e-2))
            continue;
        size_t at = nb;
        while (at > 0 && best[at - 1] > mine)
            at--;
        if (at >= NEAR)
            continue;
        for (size_t k = (nb < NEAR ? nb : NEAR - 1); k > at; k--) {
            best[k] = best[k - 1];
            memcpy(text[k], text[k - 1], sizeof text[k]);
        }
        best[at] = mine;
        snprintf(text[at], sizeof text[at], "%s", phrase);
        if (nb < NEAR)
            nb++;
    }
    size_t len = 0;
    s->near_miss[0] = '\0';
    for (size_t i = 0; i < nb && len + 1 < sizeof s->near_miss; i++) {
        /* within the tolerance, and still not named: the other steps of the
         * file that the mistake would change contradict it (consistent_below);
         * no tolerance accepts it */
        int w = best[i] <= R->o->rtol
                    ? snprintf(s->near_miss + len, sizeof s->near_miss - len,
                               "%s%zu. %s would match %.300s, but the other steps of the file "
                               "that it would change do not agree with it",
                               i ? "; " : "", i + 1, me, text[i])
                    : snprintf(s->near_miss + len, sizeof s->near_miss - len,
                               "%s%zu. %s would match %.300s to a relative %.1e (--rtol %.0e "
                               "accepts it)",
                               i ? "; " : "", i + 1, me, text[i], best[i],
                               pow(10.0, ceil(log10(best[i] > 0 ? best[i] : 1e-16))));
        len += w > 0 ? (size_t)w : 0;
    }
    if (len >= sizeof s->near_miss)
        s->near_miss[sizeof s->near_miss - 1] = '\0';
    return 0;
}

/* Marks in req[] (by backward step index) the steps the file must give:
 * those `only` names, or, when it is NULL, dW and db of every layer. */
static bs_status required_steps(const bs_trace *t, const char *only, unsigned char *req,
                                bs_error *err)
{
    const bs_net *net = t->net;
    size_t n = bs_backward_nsteps(t->net);
    if (!only) {
        for (size_t j = 0; j < n; j++)
            req[j] = j % 4 == 2 || j % 4 == 3;
        return BS_OK;
    }
    size_t named = 0;
    for (const char *p = only; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        char name[64], shown[80];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        bs_error_quote(shown, sizeof shown, name);
        bs_qty q;
        size_t l;
        if (len >= sizeof name || (len > 0 && (bs_name_parse(name, &q, &l) != 0 ||
                                               q == BS_Q_LOSS || l < 1 || l > net->L))) {
            char near[48];
            int has_near = nearest_step(t, name, near, sizeof near);
            char first[48], last[48], hint[80] = "";
            bs_name_grad(first, sizeof first, BS_Q_A, net->L, BS_NOTATION_CODE);
            bs_name_grad(last, sizeof last, BS_Q_B, 1, BS_NOTATION_CODE);
            if (has_near)
                snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near);
            bs_status st = bs_error_set(
                err, BS_ERR_USAGE, "--only",
                "\"%s\" is not a backward step of this network%s: expected names like dW2, "
                "g[2W], dL/dW2 from %s to %s",
                shown, hint, first, last);
            bs_error_set_file(err, NULL);
            return st;
        }
        if (len > 0) {
            req[bs_backward_step_index(net, q, l)] = 1;
            named++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (named == 0) {
        bs_error_set(err, BS_ERR_USAGE, "--only", "names no step: expected names like dW2,db2");
        bs_error_set_file(err, NULL);
        return BS_ERR_USAGE;
    }
    return BS_OK;
}

/* Says so when backstep's own value of step j is not finite somewhere: no
 * value of a program agrees with it there (the spec's gradient overflows,
 * as for a saturated output under bce). */
static void not_finite(const bs_trace *t, size_t j, bs_compare_step *s)
{
    bs_mat tr = bs_backward_value(t->net, t->grads, j);
    for (size_t k = 0; k < tr.rows * tr.cols; k++)
        if (!isfinite(tr.v[k])) {
            int col = t->net->convention == BS_COLUMN;
            size_t r = k / tr.cols + 1, c = k % tr.cols + 1;
            s->reference_nonfinite = 1;
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "backstep's %s is not finite (%g at [%zu,%zu]): no value of the program "
                     "agrees with it; the spec's own gradient overflows here",
                     s->name, tr.v[k], col ? c : r, col ? r : c);
            return;
        }
}

/* The loss: backstep's, and how a program's could differ. */
static void compare_loss(const bs_trace *t, const bs_grads_file *g, const bs_compare_opts *o,
                         bs_compare_result *r)
{
    const bs_net *net = t->net;
    const bs_step *ls = bs_trace_find(t, "L");
    double L = ls ? ls->value[0] : NAN, p = g->loss.v[0];
    bs_compare_step *s = &r->loss;
    r->has_loss = 1;
    snprintf(s->name, sizeof s->name, "L");
    snprintf(s->id, sizeof s->id, "L");
    snprintf(s->key, sizeof s->key, "%s", g->loss.key);
    s->rows = s->cols = s->prog_rows = s->prog_cols = 1;
    s->n_elements = 1;
    s->mistake = -1;
    s->ntop = 1;
    s->top[0].row = s->top[0].col = 1;
    s->top[0].program = p;
    s->top[0].backstep = L;
    difference(p, L, &s->max_abs, &s->max_rel);
    if (close_enough(p, L, o)) {
        s->status = BS_CMP_AGREES;
        return;
    }
    s->status = BS_CMP_DISAGREES;
    s->n_wrong = 1;
    double pen = 0.0;
    for (size_t l = 1; l <= net->L; l++)
        for (size_t k = 0; k < net->n[l - 1] * net->n[l]; k++)
            pen += net->W[l][k] * net->W[l][k];
    pen *= net->l2;
    double data = L - pen, B = (double)net->B;
    if (net->B > 1 && net->reduction == BS_MEAN && close_enough(p, data * B + pen, o))
        snprintf(r->loss_note, sizeof r->loss_note,
                 "the loss is the sum over the batch, not the mean: B = %zu times too large",
                 net->B);
    else if (net->B > 1 && net->reduction == BS_SUM && close_enough(p, data / B + pen, o))
        snprintf(r->loss_note, sizeof r->loss_note,
                 "the loss is the mean over the batch, but the spec asks for the sum");
    else if (pen != 0.0 && close_enough(p, data, o))
        snprintf(r->loss_note, sizeof r->loss_note, "the loss leaves out the L2 penalty λ‖W‖²");
    else if (pen != 0.0 && close_enough(p, data + 0.5 * pen, o))
        snprintf(r->loss_note, sizeof r->loss_note,
                 "the loss has (λ/2)‖W‖² where the spec has λ‖W‖²");
}

/* The conventions of the file (bs_conventions.h), and which differences
 * they explain: a step they explain directly, a step that inherits from one
 * they explain, and the loss when it differs by the batch's factor. */
static bs_status find_conventions(const bs_trace *t, const bs_grads_file *g,
                                  const bs_compare_opts *o, bs_compare_result *r, bs_error *err)
{
    size_t n = bs_backward_nsteps(t->net);
    bs_mat *prog = calloc(n, sizeof *prog);
    if (!prog)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_status st = BS_OK;
    for (size_t j = 0; j < n && st == BS_OK; j++)
        if (g->steps[j].v && to_row(t->net, &g->steps[j], &prog[j]))
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_conventions c;
    memset(&c, 0, sizeof c);
    if (st == BS_OK)
        st = bs_conventions_find(t, prog, g->has_loss ? g->loss.v : NULL, o->rtol, o->atol,
                                 (bs_notation)o->notation, &c, err);
    for (size_t j = 0; j < n; j++)
        free(prog[j].v);
    free(prog);
    if (st != BS_OK)
        return st;
    r->nconv = c.n;
    memcpy(r->conv, c.f, sizeof c.f);
    for (size_t j = 0; j < n; j++) {
        bs_compare_step *s = &r->steps[j];
        if (s->status == BS_CMP_DISAGREES || s->status == BS_CMP_INHERITS)
            s->convention = c.explained[j];
    }
    /* a step that inherits the difference of a step a convention explains (the
     * gradient of the input too) */
    for (size_t j = 0; j < r->nsteps; j++) {
        bs_compare_step *s = &r->steps[j];
        if (s->status != BS_CMP_INHERITS || s->convention)
            continue;
        for (size_t u = 0; u < j; u++)
            if (strcmp(r->steps[u].name, s->inherits_from) == 0 && r->steps[u].convention)
                s->convention = r->steps[u].convention;
    }
    /* the loss on the factor's scale (checked by the finding) */
    if (r->has_loss && r->loss.status != BS_CMP_AGREES)
        for (size_t i = 0; i < c.n; i++)
            if (c.f[i].kind == BS_CONV_FACTOR && !c.f[i].unexplained)
                r->loss_convention = 1;
    bs_conventions_free(&c);
    return BS_OK;
}

/* The gradient of the input a[0], when the file gives it (dX, da0): not a
 * step of the trace, but g[0a] = g[1z] (W[1])ᵀ, computed by the backward
 * kernel (bs_backward_step with j = 4L) from backstep's g[1z], and again from
 * the program's own g[1z], to tell an error made here from one inherited.
 * Its comparison is r->steps[4L]. */
static bs_status compare_input(run *R, bs_compare_result *r, bs_error *err)
{
    const bs_trace *t = R->t;
    const bs_net *net = t->net;
    size_t n = R->n, jz = bs_backward_step_index(net, BS_Q_Z, 1);
    size_t B = net->B, n0 = net->n[0];
    bs_compare_step *s = &r->steps[n];
    const given *gv = &R->g->input;
    double *truth = malloc(sizeof(double) * B * n0);
    double *own = malloc(sizeof(double) * B * n0);
    double *alt = malloc(sizeof(double) * B * n0);
    bs_mat prog = {0, 0, NULL};
    if (!truth || !own || !alt || to_row(net, gv, &prog)) {
        free(truth);
        free(own);
        free(alt);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    const double *gz1 = bs_backward_value(net, t->grads, jz).v;
    bs_backward_step(net, t->fw, n, gz1, NULL, truth);
    bs_backward_step(net, t->fw, n, R->cur[jz].v, NULL, own);
    int col = net->convention == BS_COLUMN;
    step_name(R, n, s->name, sizeof s->name);
    bs_name_grad(s->id, sizeof s->id, BS_Q_A, 0, BS_NOTATION_G);
    s->rows = col ? n0 : B;
    s->cols = col ? B : n0;
    s->prog_rows = gv->rows;
    s->prog_cols = gv->cols;
    s->mistake = -1;
    snprintf(s->key, sizeof s->key, "%s", gv->key);
    r->n_given++;
    int same_shape = gv->rows == s->rows && gv->cols == s->cols;
    bs_mat tr = {B, n0, truth}, om = {B, n0, own};
    bs_mat zt = bs_backward_value(net, t->grads, jz);
    if (same_shape)
        measure_mat(net, tr, gv, R->o, s);
    else
        s->n_elements = gv->rows * gv->cols;
    char zname[48];
    step_name(R, jz, zname, sizeof zname);
    if (same_shape && s->n_wrong == 0) {
        s->status = BS_CMP_AGREES;
        r->n_agree++;
    } else if (same_shape && mats_agree(&om, &prog, R->o) && !mats_agree(&R->cur[jz], &zt, R->o)) {
        /* right, given the program's own g[1z] */
        s->status = BS_CMP_INHERITS;
        if (R->given_j[jz] && r->steps[jz].status == BS_CMP_INHERITS)
            snprintf(s->inherits_from, sizeof s->inherits_from, "%s", r->steps[jz].inherits_from);
        else if (R->given_j[jz])
            snprintf(s->inherits_from, sizeof s->inherits_from, "%s", zname);
        else
            step_name(R, origin_of(R, r->steps, jz), s->inherits_from, sizeof s->inherits_from);
    } else {
        s->status = BS_CMP_DISAGREES;
        if (r->first < 0)
            r->first = (long)n;
        char wname[48];
        bs_name_grad(wname, sizeof wname, BS_Q_W, 1, R->nt);
        /* the two slips of this formula the kernel's knobs can make: the
         * sign, and W[1] without its transpose (a square W[1] only) */
        bs_step_knobs k = bs_step_knobs_right();
        k.negate = 1;
        bs_backward_step(net, t->fw, n, gz1, &k, alt);
        bs_mat am = {B, n0, alt};
        int sign = same_shape && mats_agree(&am, &prog, R->o);
        int transp = 0;
        if (!sign && same_shape && net->n[0] == net->n[1]) {
            k = bs_step_knobs_right();
            k.w_transposed = 0;
            bs_backward_step(net, t->fw, n, gz1, &k, alt);
            transp = mats_agree(&am, &prog, R->o);
        }
        if (!same_shape)
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s is given %zu×%zu, the trace's is %zu×%zu: the gradient of the input "
                     "transposed",
                     s->name, gv->rows, gv->cols, s->rows, s->cols);
        else if (sign)
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s matches backstep's %s with its sign flipped", s->name, s->name);
        else if (transp)
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s matches %s times %s instead of its transpose", s->name, zname, wname);
        else
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s is neither backstep's ∂L/∂a[0] = %s %sᵀ nor that of the program's own "
                     "%s (only a flipped sign and a missing transpose of %s are tried at the "
                     "input's gradient)",
                     s->name, zname, wname, zname, wname);
    }
    free(truth);
    free(own);
    free(alt);
    free(prog.v);
    return BS_OK;
}

/* What the reading of the file's keys did, for the reader: the object the
 * gradients were nested in, parameter names read as gradients, decorated
 * keys read as the steps they spell. */
static void keys_note(bs_compare_result *r, const bs_grads_file *g)
{
    char *kn = r->keys_note;
    size_t ks = sizeof r->keys_note;
    if (g->nested[0])
        snprintf(kn, ks, "the gradients were read from the file's \"%s\"", g->nested);
    if (g->param_keys)
        snprintf(kn + strlen(kn), ks - strlen(kn), "%skeys that name a parameter (W1, b1, "
                 "as in a grads dict) were read as its gradient (dW1, db1)",
                 kn[0] ? "; " : "");
    if (g->decorated[0])
        snprintf(kn + strlen(kn), ks - strlen(kn), "%skeys read as the steps they spell: %s",
                 kn[0] ? "; " : "", g->decorated);
}

/* Step j, which the file does not give: what the program's own values
 * above imply, or backstep's value where nothing above was given. */
static bs_status step_not_given(run *R, bs_compare_result *r, size_t j, int required,
                                bs_error *err)
{
    bs_compare_step *s = &r->steps[j];
    bs_mat truth = bs_backward_value(R->t->net, R->t->grads, j);
    s->status = BS_CMP_NOT_GIVEN;
    if (required) {
        s->missing = 1;
        r->n_missing++;
    }
    bs_mistake_ctx ctx = {R->t, R->cur, j, R->nt};
    if (j == 0 || bs_mistake_correct(&ctx, &R->cur[j])) {
        free(R->cur[j].v);
        R->cur[j].rows = truth.rows;
        R->cur[j].cols = truth.cols;
        R->cur[j].v = malloc(sizeof(double) * truth.rows * truth.cols);
        if (!R->cur[j].v)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        memcpy(R->cur[j].v, truth.v, sizeof(double) * truth.rows * truth.cols);
    }
    R->tmp[j] = R->cur[j];
    return BS_OK;
}

/* Step j, given as prog and wrong, when a step above is not to blame: the
 * mistake that reproduces it (at j or at a step above that the file does
 * not give), else single precision, a near miss or a non-finite value;
 * -1 if memory ran out. */
static int diagnose_step(run *R, bs_compare_result *r, size_t j, const bs_mat *prog,
                         int same_shape)
{
    const bs_trace *t = R->t;
    bs_compare_step *s = &r->steps[j];
    s->status = BS_CMP_DISAGREES;
    if (r->first < 0)
        r->first = (long)j;
    /* the mistake at this step, then at the steps above that the
     * file does not give, nearest first */
    int found = try_mistakes_at(R, j, j, prog, s, 0);
    /* a mistake above j that explains it is preferred to one at
     * j when it also explains another wrong step */
    for (size_t u = bs_backward_upstream(t->net, j); found >= 0 && u != (size_t)-1 &&
                                              !R->given_j[u];
         u = bs_backward_upstream(t->net, u)) {
        int above = try_mistakes_at(R, u, j, prog, s, found == 1);
        if (above != 0) {
            found = above;
            break;
        }
    }
    if (found < 0)
        return -1;
    if (!found && same_shape)
        single_precision(t, j, s);
    if (!found && same_shape && !s->single_precision && near_misses(R, j, prog, s) < 0)
        return -1;
    if (!found)
        not_finite(t, j, s);
    return 0;
}

/* Step j, which the file gives: it agrees, inherits an error from a step
 * above, or disagrees (diagnose_step); the program's values then stand for
 * step j in what the steps below are judged against. */
static bs_status step_given(run *R, bs_compare_result *r, size_t j, bs_error *err)
{
    const bs_trace *t = R->t;
    const bs_grads_file *g = R->g;
    bs_compare_step *s = &r->steps[j];
    const given *gv = &g->steps[j];
    /* a vector has no orientation: given as a column for a row (or the
     * reverse), it is the same values */
    given turned;
    if ((s->rows == 1 || s->cols == 1) && gv->rows == s->cols && gv->cols == s->rows &&
        gv->rows != gv->cols) {
        turned = *gv;
        turned.rows = s->rows;
        turned.cols = s->cols;
        gv = &turned;
        s->prog_rows = g->steps[j].rows;
        s->prog_cols = g->steps[j].cols;
    }
    R->given_j[j] = 1;
    r->n_given++;
    snprintf(s->key, sizeof s->key, "%s", gv->key);
    if (gv == &g->steps[j]) {
        s->prog_rows = gv->rows;
        s->prog_cols = gv->cols;
    }
    bs_mat prog;
    if (to_row(t->net, gv, &prog))
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    int same_shape = gv->rows == s->rows && gv->cols == s->cols;
    if (same_shape)
        measure(t, j, gv, R->o, s);
    else
        s->n_elements = gv->rows * gv->cols;
    if (same_shape && s->n_wrong == 0) {
        s->status = BS_CMP_AGREES;
        r->n_agree++;
    } else {
        /* wrong only because a step above is wrong? */
        bs_mat c = {0, 0, NULL};
        bs_mistake_ctx ctx = {t, R->cur, j, R->nt};
        /* (when no step above differs from backstep's beyond the
         * tolerance, the difference is rounding that the steps above
         * carried within it, not an inherited error) */
        int inherits = same_shape && bs_backward_upstream(t->net, j) != (size_t)-1 &&
                       bs_mistake_correct(&ctx, &c) == 0 && mats_agree_at(R, j, &c, &prog) &&
                       origin_of(R, r->steps, j) != j;
        free(c.v);
        if (inherits) {
            s->status = BS_CMP_INHERITS;
            size_t from = origin_of(R, r->steps, j);
            step_name(R, from, s->inherits_from, sizeof s->inherits_from);
        } else if (diagnose_step(R, r, j, &prog, same_shape) < 0) {
            free(prog.v);
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        }
    }
    free(R->cur[j].v);
    R->cur[j] = prog;
    R->tmp[j] = prog;
    return BS_OK;
}

static long first_bug(const bs_compare_result *r);

static bs_status run_once(const bs_trace *t, const bs_grads_file *g,
                          const bs_compare_opts *opts, bs_compare_result **out, bs_error *err)
{
    *out = NULL;
    bs_compare_opts o = opts ? *opts : bs_compare_defaults();
    if (o.rtol < 0)
        o.rtol = bs_compare_defaults().rtol;
    if (o.atol < 0)
        o.atol = bs_compare_defaults().atol;
    if (o.notation < 0)
        o.notation = (int)g->notation;
    size_t n = bs_backward_nsteps(t->net);
    bs_compare_result *r = calloc(1, sizeof *r);
    if (r)
        keys_note(r, g);
    run R;
    memset(&R, 0, sizeof R);
    R.t = t;
    R.g = g;
    R.o = &o;
    R.nt = (bs_notation)o.notation;
    R.n = n;
    R.cur = calloc(n, sizeof *R.cur);
    R.tmp = calloc(n, sizeof *R.tmp);
    R.given_j = calloc(n, 1);
    unsigned char *req = calloc(n, 1);
    if (r)
        r->steps = calloc(n + 1, sizeof *r->steps);
    bs_status st = BS_OK;
    if (!r || !r->steps || !R.cur || !R.tmp || !R.given_j || !req) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        goto done;
    }
    if ((st = required_steps(t, o.only, req, err)) != BS_OK)
        goto done;
    r->only = o.only != NULL;
    o.only = NULL; /* the result does not keep the caller's string */
    r->opts = o;
    r->opts.bound = NULL; /* nor the caller's bounds */
    r->opts.bound_n = NULL;
    r->B = t->net->B;
    r->l2 = t->net->l2;
    r->nsteps = n + (g->input.v ? 1 : 0);
    r->first = -1;
    if (g->has_loss)
        compare_loss(t, g, &o, r);
    for (size_t j = 0; j < n && st == BS_OK; j++) {
        bs_compare_step *s = &r->steps[j];
        bs_qty q;
        size_t l;
        bs_backward_step_of(t->net, j, &q, &l);
        step_name(&R, j, s->name, sizeof s->name);
        bs_name_grad(s->id, sizeof s->id, q, l, BS_NOTATION_G);
        display_shape(t, j, &s->rows, &s->cols);
        s->mistake = -1;
        st = g->steps[j].v ? step_given(&R, r, j, err) : step_not_given(&R, r, j, req[j], err);
    }
    if (st != BS_OK)
        goto done;
    if (g->input.v && (st = compare_input(&R, r, err)) != BS_OK)
        goto done;
    float32_tolerance(r);
    st = find_conventions(t, g, &o, r, err);
done:
    if (R.cur)
        for (size_t j = 0; j < n; j++)
            free(R.cur[j].v);
    free(R.cur);
    free(R.tmp);
    free(R.given_j);
    free(req);
    if (st != BS_OK) {
        bs_compare_result_free(r);
        return st;
    }
    *out = r;
    return BS_OK;
}

/* A copy of the file's given values (steps and input), every value owned. */
static bs_grads_file *copy_file(const bs_grads_file *g)
{
    size_t n = bs_backward_nsteps(g->t->net);
    bs_grads_file *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *g;
    c->loss.v = NULL;
    c->input.v = NULL;
    c->steps = calloc(n, sizeof *c->steps);
    int ok = c->steps != NULL;
    for (size_t j = 0; ok && j <= n + 1; j++) {
        const given *from = j < n ? &g->steps[j] : j == n ? &g->loss : &g->input;
        given *to = j < n ? &c->steps[j] : j == n ? &c->loss : &c->input;
        *to = *from;
        to->v = NULL;
        if (!from->v)
            continue;
        size_t k = from->rows * from->cols;
        to->v = malloc(sizeof(double) * (k ? k : 1));
        if (!to->v)
            ok = 0;
        else
            memcpy(to->v, from->v, sizeof(double) * k);
    }
    if (!ok) {
        bs_grads_file_free(c);
        return NULL;
    }
    return c;
}

/* 1 when every element of the program's step j is c times backstep's. */
static int scaled_from_trace(const bs_trace *t, const given *gv, size_t j, double c,
                             const bs_compare_opts *o)
{
    size_t r, cc;
    display_shape(t, j, &r, &cc);
    bs_mat p;
    if (!gv->v || gv->rows != r || gv->cols != cc || to_row(t->net, gv, &p) != 0)
        return 0;
    bs_mat tr = bs_backward_value(t->net, t->grads, j);
    int all = 1;
    for (size_t k = 0; all && k < r * cc; k++)
        all = close_enough(p.v[k], c * tr.v[k], o);
    free(p.v);
    return all;
}

/* The file read with the conventions of its layout and scale undone, so
 * that a bug below them can be located: every dW given in the transposed
 * shape (not square: the shape says it) read as its transpose, the layout
 * of a program that stores W[n] as n[n]×n[n−1]; and, for a "mean" spec,
 * when the da[L] and dz[L] the file gives are exactly B times backstep's
 * while dW and db of the last layer agree (deeplearning.ai's dZ2 = A2 − Y,
 * cs231n's dscores without /N, with 1/m applied in dW and db), every dz, da
 * (and dX) divided by B.  Returns the copy with the note saying so, or NULL
 * when the file is read as it is (or memory ran out: it is then read as
 * it is). */
static bs_grads_file *undo_layout(const bs_trace *t, const bs_grads_file *g,
                                  const bs_compare_opts *o, char *note, size_t size,
                                  unsigned char *turned_j, int *whole)
{
    const bs_net *net = t->net;
    size_t n = bs_backward_nsteps(net);
    bs_grads_file *c = copy_file(g);
    if (!c)
        return NULL;
    char turned[200] = "", scaled[200] = "";
    /* the layout of the whole file, as convention "params-transposed" has
     * it: every dW of a shape that tells (not square) transposed, at least
     * two; a single one transposed is the catalogue's mistake */
    size_t n_turn = 0, n_kept = 0;
    for (size_t j = 0; j < n; j++) {
        const given *gv = &c->steps[j];
        size_t r, cc;
        display_shape(t, j, &r, &cc);
        if (gv->v && gv->q == BS_Q_W && r != cc) {
            if (gv->rows == cc && gv->cols == r)
                n_turn++;
            else
                n_kept++;
        }
    }
    /* the whole file's layout, or a dW transposed among others that are
     * not (a mistake of its own, said with the bug below it) */
    *whole = n_turn >= 2 && n_kept == 0;
    for (size_t j = 0; j < n && n_turn >= 1; j++) {
        given *gv = &c->steps[j];
        size_t r, cc;
        display_shape(t, j, &r, &cc);
        if (!gv->v || gv->q != BS_Q_W || r == cc || gv->rows != cc || gv->cols != r)
            continue;
        double *v = malloc(sizeof(double) * r * cc);
        if (!v) {
            bs_grads_file_free(c);
            return NULL;
        }
        for (size_t i = 0; i < r; i++)
            for (size_t k = 0; k < cc; k++)
                v[i * cc + k] = gv->v[k * r + i];
        free(gv->v);
        gv->v = v;
        gv->rows = r;
        gv->cols = cc;
        char nm[48];
        bs_name_grad(nm, sizeof nm, BS_Q_W, gv->layer, BS_NOTATION_CODE);
        list_add(turned, sizeof turned, nm);
        turned_j[j] = 1;
    }
    size_t B = net->B, L = net->L;
    size_t jW = bs_backward_step_index(net, BS_Q_W, L), jb = bs_backward_step_index(net, BS_Q_B, L);
    /* da[L] and dz[L], those given: each B times backstep's */
    size_t ja = bs_backward_step_index(net, BS_Q_A, L), jz = bs_backward_step_index(net, BS_Q_Z, L);
    int sums = (c->steps[ja].v || c->steps[jz].v) &&
               (!c->steps[ja].v || scaled_from_trace(t, &c->steps[ja], ja, (double)B, o)) &&
               (!c->steps[jz].v || scaled_from_trace(t, &c->steps[jz], jz, (double)B, o));
    if (net->reduction == BS_MEAN && B > 1 && sums &&
        scaled_from_trace(t, &c->steps[jW], jW, 1.0, o) &&
        scaled_from_trace(t, &c->steps[jb], jb, 1.0, o)) {
        for (size_t j = 0; j <= n; j++) {
            given *gv = j < n ? &c->steps[j] : &c->input;
            if (!gv->v || (j < n && gv->q != BS_Q_A && gv->q != BS_Q_Z))
                continue;
            for (size_t k = 0; k < gv->rows * gv->cols; k++)
                gv->v[k] /= (double)B;
            char nm[48];
            if (j < n)
                bs_name_grad(nm, sizeof nm, gv->q, gv->layer, BS_NOTATION_CODE);
            else
                snprintf(nm, sizeof nm, "da0");
            list_add(scaled, sizeof scaled, nm);
        }
    }
    if (!turned[0] && !scaled[0]) {
        bs_grads_file_free(c);
        return NULL;
    }
    note[0] = '\0';
    if (turned[0] && !*whole)
        snprintf(note, size, "the file's %s %s transposed while the other dW are not: read as "
                 "%s transpose%s to locate the bug below (the transpose is a mistake too)",
                 turned, strchr(turned, ',') ? "are" : "is", strchr(turned, ',') ? "their" : "its",
                 strchr(turned, ',') ? "s" : "");
    else if (turned[0])
        snprintf(note, size, "the file's %s %s transposed (n[n]×n[n−1], as a program that stores W[n] "
                 "so keeps %s): read as %s transpose%s to locate the bug below",
                 turned, strchr(turned, ',') ? "are" : "is", strchr(turned, ',') ? "them" : "it",
                 strchr(turned, ',') ? "their" : "its",
                 strchr(turned, ',') ? "s" : "");
    if (scaled[0])
        snprintf(note + strlen(note), size - strlen(note),
                 "%sthe file's %s %s the batch sums, B = %zu times backstep's, while dW%zu and "
                 "db%zu agree (the 1/B applied in dW and db, convention \"1/B-at-dW\"): read "
                 "divided by %zu to locate the bug below",
                 note[0] ? "; " : "", scaled, strchr(scaled, ',') ? "are" : "is", B, L, L, B);
    return c;
}

/* 1 when every value the file gives for a step is a float32 (a program
 * computing in single precision, saved with .tolist() or np.savez), and at
 * least one of them needs more than 12 bits of its 24 (not a short binary
 * fraction such as 0.25, which any program may give). */
static int float32_values(const bs_grads_file *g)
{
    size_t n = bs_backward_nsteps(g->t->net);
    int long_one = 0;
    for (size_t j = 0; j <= n; j++) {
        const given *gv = j < n ? &g->steps[j] : &g->input;
        for (size_t k = 0; gv->v && k < gv->rows * gv->cols; k++) {
            double v = gv->v[k];
            if ((double)(float)v != v)
                return 0;
            int e;
            double m = frexp(v, &e);
            if (ldexp(m, 12) != floor(ldexp(m, 12)))
                long_one = 1;
        }
    }
    return long_one;
}

/* A file of float32 values that fails at the tolerance asked: compared again
 * at single precision (--rtol 1e-5, with the --atol float32_tolerance finds
 * for the rounding of small elements), and, when it then agrees or differs
 * only by the conventions found, the report says so, with the options; the
 * verdict stays the one at the tolerance asked. */
static void float32_retry(const bs_trace *t, const bs_grads_file *g, const bs_compare_opts *opts,
                          bs_compare_result *r)
{
    bs_compare_opts o = opts ? *opts : bs_compare_defaults();
    if (o.rtol >= 1e-5 || !float32_values(g))
        return;
    double atol = fmax(r->opts.atol, float32_atol(r));
    o.rtol = 1e-5;
    o.atol = atol;
    bs_compare_result *r2 = NULL;
    bs_error e2;
    memset(&e2, 0, sizeof e2);
    if (run_once(t, g, &o, &r2, &e2) == BS_OK && r2->n_missing == 0) {
        bs_compare_verdict_kind vk = bs_compare_verdict(r2);
        if (vk != BS_VERDICT_DISAGREES) {
            r->float32_file = vk == BS_VERDICT_AGREES ? 1 : 3;
            if (atol > r->opts.atol)
                snprintf(r->float32_tol, sizeof r->float32_tol, "--rtol 1e-5 --atol %.0e", atol);
            else
                snprintf(r->float32_tol, sizeof r->float32_tol, "--rtol 1e-5");
        }
    }
    bs_compare_result_free(r2);
}

/* A dW the file gives transposed while the other dW are not, read as its
 * transpose to locate a bug below it: the transpose is a mistake of its own,
 * made at that step; its status and diagnosis say both. */
static void transposed_too(bs_compare_result *r, const unsigned char *turned_j, size_t n)
{
    const bs_mistake *tm = bs_mistake_find("transpose");
    for (size_t j = 0; j < n; j++) {
        bs_compare_step *s = &r->steps[j];
        if (!turned_j[j])
            continue;
        size_t pr = s->prog_rows;
        s->prog_rows = s->prog_cols;
        s->prog_cols = pr;
        char was[sizeof s->diagnosis];
        if (s->status == BS_CMP_AGREES) {
            r->n_agree--;
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s matches the transpose of backstep's %s: a missing or extra transpose",
                     s->name, s->name);
        } else if (s->status == BS_CMP_INHERITS) {
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s is given transposed (%zu×%zu, the trace's is %zu×%zu): a missing or "
                     "extra transpose; read as its transpose, it inherits the error of %s",
                     s->name, s->prog_rows, s->prog_cols, s->rows, s->cols, s->inherits_from);
        } else if (s->status == BS_CMP_DISAGREES) {
            snprintf(was, sizeof was, "%s", s->diagnosis);
            snprintf(s->diagnosis, sizeof s->diagnosis,
                     "%s is given transposed (%zu×%zu, the trace's is %zu×%zu): a missing or "
                     "extra transpose; read as its transpose, %.400s",
                     s->name, s->prog_rows, s->prog_cols, s->rows, s->cols,
                     was[0] ? was : "no mistake in the catalogue reproduces it");
        }
        if (s->status != BS_CMP_DISAGREES || s->mistake < 0) {
            s->mistake = tm ? (int)tm->id : -1;
            snprintf(s->mistake_step, sizeof s->mistake_step, "%s", s->name);
        }
        s->status = BS_CMP_DISAGREES;
        s->convention = 0;
        s->single_precision = 0;
        if (r->first < 0 || (long)j < r->first)
            r->first = (long)j;
    }
}

bs_status bs_compare_run(const bs_trace *t, const bs_grads_file *g,
                         const bs_compare_opts *opts, bs_compare_result **out,
                         bs_error *err)
{
    bs_status st = run_once(t, g, opts, out, err);
    if (st != BS_OK || first_bug(*out) < 0 || (opts && opts->bound))
        return st;
    float32_retry(t, g, opts, *out);
    if ((*out)->float32_file)
        return BS_OK;
    /* a bug, and a convention of layout or scale above or beside it that
     * keeps the catalogue from reproducing it: read again with the
     * convention undone; taken only when that reading fails too, so that it
     * never turns a failing file into one that passes */
    char note[400];
    size_t n = bs_backward_nsteps(t->net);
    unsigned char *turned_j = calloc(n, 1);
    int whole = 0;
    bs_grads_file *c = turned_j ? undo_layout(t, g, &(*out)->opts, note, sizeof note, turned_j,
                                              &whole)
                                : NULL;
    if (!c) {
        free(turned_j);
        return BS_OK;
    }
    bs_compare_result *r2 = NULL;
    bs_error e2;
    memset(&e2, 0, sizeof e2);
    if (run_once(t, c, opts, &r2, &e2) == BS_OK && first_bug(r2) >= 0) {
        snprintf(r2->read_note, sizeof r2->read_note, "%s", note);
        if (!whole)
            transposed_too(r2, turned_j, n);
        bs_compare_result_free(*out);
        *out = r2;
    } else {
        bs_compare_result_free(r2);
    }
    bs_grads_file_free(c);
    free(turned_j);
    return BS_OK;
}

bs_status bs_compare_answer(const bs_trace *t, const char *name, const double *values,
                            size_t rows, size_t cols, const bs_compare_opts *o,
                            bs_compare_step *out, bs_error *err)
{
    memset(out, 0, sizeof *out);
    bs_qty qty;
    size_t layer;
    char p[64];
    bs_error_quote(p, sizeof p, name);
    bs_status st = parse_name(t, name, p, &qty, &layer, err);
    if (st != BS_OK)
        return st;
    if (qty == BS_Q_LOSS)
        return bs_error_set(err, BS_ERR_SPEC, p, "the loss is not a backward step");
    size_t j = bs_backward_step_index(t->net, qty, layer);
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    if ((st = bs_grads_file_create(t, &g, err)) != BS_OK)
        return st;
    /* the steps above, as backstep has them */
    for (size_t u = 0; u < j && st == BS_OK; u++) {
        bs_qty uq;
        size_t ul, dr, dc;
        bs_backward_step_of(t->net, u, &uq, &ul);
        char un[24];
        bs_name_grad(un, sizeof un, uq, ul, BS_NOTATION_G);
        const bs_step *s = bs_trace_find(t, un);
        display_shape(t, u, &dr, &dc);
        if (s)
            st = set_values(g, un, s->value, dr, dc, 1, err);
    }
    if (st == BS_OK)
        st = bs_grads_file_set(g, name, values, rows, cols, err);
    if (st == BS_OK) {
        bs_compare_opts oo = o ? *o : bs_compare_defaults();
        oo.only = NULL;
        if (oo.notation < 0)
            oo.notation = (int)notation_of(name);
        st = bs_compare_run(t, g, &oo, &r, err);
    }
    if (st == BS_OK)
        *out = r->steps[j];
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    return st;
}

bs_compare_verdict_kind bs_compare_verdict(const bs_compare_result *r)
{
    if (r->n_missing > 0)
        return BS_VERDICT_DISAGREES;
    int conv = 0;
    if (r->has_loss && r->loss.status != BS_CMP_AGREES) {
        if (!r->loss_convention)
            return BS_VERDICT_DISAGREES;
        conv = 1;
    }
    for (size_t j = 0; j < r->nsteps; j++) {
        const bs_compare_step *s = &r->steps[j];
        if (s->status != BS_CMP_DISAGREES && s->status != BS_CMP_INHERITS)
            continue;
        if (!s->convention)
            return BS_VERDICT_DISAGREES;
        if (!r->conv[s->convention - 1].accepted)
            conv = 1;
    }
    return conv ? BS_VERDICT_CONVENTION : BS_VERDICT_AGREES;
}

int bs_compare_agrees(const bs_compare_result *r)
{
    return bs_compare_verdict(r) == BS_VERDICT_AGREES;
}

/* ---- reports ---------------------------------------------------------- */

static const char *status_word(bs_compare_status s)
{
    switch (s) {
    case BS_CMP_AGREES: return "agrees";
    case BS_CMP_DISAGREES: return "DISAGREES";
    case BS_CMP_INHERITS: return "inherits";
    default: return "not given";
    }
}

static const char *status_key(bs_compare_status s)
{
    switch (s) {
    case BS_CMP_AGREES: return "agrees";
    case BS_CMP_DISAGREES: return "disagrees";
    case BS_CMP_INHERITS: return "inherits";
    default: return "not_given";
    }
}

static void text_top(bs_sink *o, const bs_compare_step *s)
{
    if (s->ntop == 0)
        return;
    bs_sink_printf(o, "    largest differences (row, column in the trace's orientation):\n");
    for (size_t i = 0; i < s->ntop; i++)
        bs_sink_printf(o, "      %s[%zu,%zu]  program %.10g  backstep %.10g\n", s->name,
                       s->top[i].row, s->top[i].col, s->top[i].program, s->top[i].backstep);
}

/* The first step that disagrees and that no convention explains: where the
 * bug entered; −1 when there is none. */
static long first_bug(const bs_compare_result *r)
{
    for (size_t j = 0; j < r->nsteps; j++)
        if (r->steps[j].status == BS_CMP_DISAGREES && !r->steps[j].convention)
            return (long)j;
    return -1;
}

/* The line of one step: its name, shape and status, and what the status
 * rests on; counts it among the disagreeing, inheriting and convention
 * steps. */
static void text_step(bs_sink *o, const bs_compare_result *r, const bs_compare_step *s,
                      size_t wname, long first, size_t *n_dis, size_t *n_inh, size_t *n_conv)
{
    char shape[48];
    snprintf(shape, sizeof shape, "%zu×%zu", s->rows, s->cols);
    bs_sink_printf(o, "  %-*s  %-9s  %s", (int)wname, s->name, shape,
                   s->missing ? "MISSING (required)" : status_word(s->status));
    if (s->convention) {
        const bs_conv_finding *f = &r->conv[s->convention - 1];
        (*n_conv)++;
        if (s->status == BS_CMP_DISAGREES && s->prog_rows == s->rows &&
            s->prog_cols == s->cols)
            bs_sink_printf(o, " (%zu of %zu elements, largest difference %.3g): %s, by "
                              "convention \"%s\" (below)",
                           s->n_wrong, s->n_elements, s->max_abs,
                           f->accepted ? "accepted" : "not a bug", f->key);
        else if (s->status == BS_CMP_DISAGREES)
            bs_sink_printf(o, " (given %zu×%zu): %s, by convention \"%s\" (below)",
                           s->prog_rows, s->prog_cols,
                           f->accepted ? "accepted" : "not a bug", f->key);
        else
            bs_sink_printf(o, " the difference of %s: %s, by convention \"%s\" (below)",
                           s->inherits_from, f->accepted ? "accepted" : "not a bug", f->key);
    } else if (s->status == BS_CMP_DISAGREES) {
        (*n_dis)++;
        if (s->prog_rows != s->rows || s->prog_cols != s->cols)
            bs_sink_printf(o, " (given %zu×%zu)", s->prog_rows, s->prog_cols);
        else
            bs_sink_printf(o, " (%zu of %zu elements, largest difference %.3g)", s->n_wrong,
                           s->n_elements, s->max_abs);
    } else if (s->status == BS_CMP_INHERITS) {
        /* those that inherit the first disagreement (a later one that
         * disagrees on its own passes its error to the steps below it) */
        if (first >= 0 && (strcmp(s->inherits_from, r->steps[first].name) == 0 ||
                           (r->steps[first].mistake >= 0 &&
                            strcmp(s->inherits_from, r->steps[first].mistake_step) == 0)))
            (*n_inh)++;
        bs_sink_printf(o, " the error of %s (right, given the program's %s)",
                       s->inherits_from, s->inherits_from);
    } else if (s->status == BS_CMP_AGREES) {
        bs_sink_printf(o, " (largest difference %.1e)", s->max_abs);
    }
    bs_sink_printf(o, "\n");
}

/* Where the first difference is: explained by a convention, or the first
 * disagreement and whether the bug entered there. */
static void text_first(bs_sink *o, const bs_compare_result *r, long first, size_t n_inh)
{
    if (first < 0 && r->first >= 0)
        bs_sink_printf(o, "\nfirst difference: %s — explained by the convention%s above, not a "
                          "bug\n",
                       r->steps[r->first].name, r->nconv == 1 ? "" : "s");
    if (first >= 0) {
        const bs_compare_step *f = &r->steps[first];
        if (f->single_precision)
            bs_sink_printf(o, "\nfirst disagreement: %s — at the level of float32 rounding",
                           f->name);
        else if (f->reference_nonfinite)
            bs_sink_printf(o, "\nfirst disagreement: %s — backstep's own value is not finite",
                           f->name);
        else if (f->mistake >= 0 && f->mistake_step[0] && strcmp(f->mistake_step, f->name) != 0)
            bs_sink_printf(o,
                           "\nfirst disagreement: %s — the bug entered above it, in %s, a step "
                           "the file does not give",
                           f->name, f->mistake_step);
        else
            bs_sink_printf(o, "\nfirst disagreement: %s — the bug entered here", f->name);
        if (n_inh)
            bs_sink_printf(o, "; %zu later step%s inherit%s it", n_inh, n_inh == 1 ? "" : "s",
                           n_inh == 1 ? "s" : "");
        bs_sink_printf(o, "\n");
    }
}

/* The diagnosis of every step that disagrees on its own. */
static void text_diagnoses(bs_sink *o, const bs_compare_result *r)
{
    for (size_t j = 0; j < r->nsteps; j++) {
        const bs_compare_step *s = &r->steps[j];
        if (s->status != BS_CMP_DISAGREES)
            continue;
        if (s->diagnosis[0] && !s->single_precision) {
            bs_sink_printf(o, "diagnosis: %s\n", s->diagnosis);
            if (s->mistake < 0)
                text_top(o, s);
            continue;
        }
        if (s->single_precision) {
            bs_sink_printf(o, "diagnosis: %s\n", s->diagnosis);
        } else if (s->prog_rows != s->rows || s->prog_cols != s->cols) {
            bs_sink_printf(o,
                           "diagnosis: no mistake in the catalogue explains %s: it is %zu×%zu, "
                           "the trace's is %zu×%zu\n",
                           s->name, s->prog_rows, s->prog_cols, s->rows, s->cols);
        } else {
            bs_sink_printf(o, "diagnosis: no mistake in the catalogue reproduces %s\n", s->name);
            if (s->near_miss[0])
                bs_sink_printf(o, "    closest in the catalogue: %s\n", s->near_miss);
        }
        text_top(o, s);
    }
}

/* The missing steps and the verdict line. */
static void text_verdict(bs_sink *o, const bs_compare_result *r, size_t n_dis, size_t n_inh,
                         size_t n_conv)
{
    if (r->has_loss && r->loss.status != BS_CMP_AGREES)
        n_dis++;
    if (r->n_missing) {
        bs_sink_printf(o, "%smissing: ", r->first >= 0 ? "" : "\n");
        size_t k = 0;
        for (size_t j = 0; j < r->nsteps; j++)
            if (r->steps[j].missing)
                bs_sink_printf(o, "%s%s", k++ ? ", " : "", r->steps[j].name);
        if (r->only)
            bs_sink_printf(o, " — named by --only, not given by the file\n");
        else
            bs_sink_printf(o, " — the parameter gradients (dW and db) of every layer are "
                              "required unless --only names the steps to check\n");
    }
    int loss_conv = r->has_loss && r->loss.status != BS_CMP_AGREES && r->loss_convention;
    if (loss_conv)
        n_dis--;
    bs_compare_verdict_kind vk = bs_compare_verdict(r);
    if (vk == BS_VERDICT_CONVENTION)
        bs_sink_printf(o, "\nverdict: no bug: %zu given step%s differ%s from backstep's only by "
                          "the convention%s above%s, %zu agree%s; change the spec or the "
                          "program as said to compare them exactly\n",
                       n_conv, n_conv == 1 ? "" : "s", n_conv == 1 ? "s" : "",
                       r->nconv == 1 ? "" : "s", loss_conv ? " (and the loss)" : "", r->n_agree,
                       r->n_agree == 1 ? "s" : "");
    else if (vk == BS_VERDICT_AGREES && n_conv)
        bs_sink_printf(o, "\nverdict: all %zu given step%s agree%s (%zu at an exact relu kink, "
                          "accepted)\n",
                       r->n_given, r->n_given == 1 ? "" : "s",
                       r->has_loss ? ", and the loss" : "", n_conv);
    else if (n_dis == 0 && n_inh == 0 && r->n_missing == 0)
        bs_sink_printf(o, "\nverdict: all %zu given step%s agree%s\n", r->n_given,
                       r->n_given == 1 ? "" : "s", r->has_loss ? ", and the loss" : "");
    else if (n_dis == 0 && n_inh == 0)
        bs_sink_printf(o, "\nverdict: incomplete: %zu required step%s missing; %zu given step%s "
                          "agree%s\n",
                       r->n_missing, r->n_missing == 1 ? "" : "s", r->n_given,
                       r->n_given == 1 ? "" : "s", r->n_given == 1 ? "s" : "");
    else
        bs_sink_printf(o, "\nverdict: %zu disagree%s, %zu inherit%s, %zu agree%s, %zu not given%s",
                       n_dis, n_dis == 1 ? "s" : "", n_inh, n_inh == 1 ? "s" : "", r->n_agree,
                       r->n_agree == 1 ? "s" : "", r->nsteps - r->n_given,
                       r->n_missing ? "" : "\n");
    if (r->n_missing && (n_dis || n_inh))
        bs_sink_printf(o, " (%zu of them required: missing)\n", r->n_missing);
    /* a float32 program: every unexplained difference is rounding */
    int all_f32 = r->float32_tol[0] && !(r->has_loss && r->loss.status != BS_CMP_AGREES &&
                                          !r->loss_convention);
    for (size_t j = 0; j < r->nsteps && all_f32; j++)
        if (r->steps[j].status == BS_CMP_DISAGREES && !r->steps[j].convention &&
            !r->steps[j].single_precision)
            all_f32 = 0;
    if (all_f32 && !r->float32_file)
        bs_sink_printf(o, "every difference is at the level of float32 rounding: compare with "
                          "%s to check the program at single precision\n",
                       r->float32_tol);
}

void bs_compare_text(bs_sink *o, const bs_compare_result *r)
{
    long first = first_bug(r);
    size_t wname = 4;
    for (size_t j = 0; j < r->nsteps; j++)
        if (strlen(r->steps[j].name) > wname)
            wname = strlen(r->steps[j].name);
    size_t n_dis = 0, n_inh = 0, n_conv = 0;
    if (r->keys_note[0])
        bs_sink_printf(o, "  note: %s\n", r->keys_note);
    if (r->read_note[0])
        bs_sink_printf(o, "  note: %s\n", r->read_note);
    if (r->float32_file)
        bs_sink_printf(o, "  note: every value of the file is a float32, and at single precision "
                          "(%s) it %s: the differences below are float32 rounding; compare "
                          "with %s to check the program at single precision\n",
                       r->float32_tol,
                       r->float32_file == 1 ? "agrees"
                                            : "differs only by conventions (named then)",
                       r->float32_tol);
    if (r->opts.example)
        bs_sink_printf(o, "  note: example %zu of the spec's %zu alone: the gradients of that "
                          "example's own loss%s, without the batch's 1/B\n",
                       r->opts.example, r->opts.batch,
                       r->l2 != 0.0 ? " and the L2 penalty" : "");
    if (r->has_loss) {
        const bs_compare_step *s = &r->loss;
        bs_sink_printf(o, "  %-*s  %s", (int)wname, "L", status_word(s->status));
        if (s->status != BS_CMP_AGREES)
            bs_sink_printf(o, ": program %.10g, backstep %.10g%s%s", s->top[0].program,
                           s->top[0].backstep, r->loss_note[0] ? " — " : "", r->loss_note);
        bs_sink_printf(o, "\n");
    }
    for (size_t j = 0; j < r->nsteps; j++)
        text_step(o, r, &r->steps[j], wname, first, &n_dis, &n_inh, &n_conv);
    if (r->nconv) {
        bs_sink_printf(o, "\nconvention%s (each verified on every element of the steps it "
                          "explains):\n",
                       r->nconv == 1 ? "" : "s");
        for (size_t i = 0; i < r->nconv; i++)
            bs_sink_printf(o, "  %s: %s\n    to reconcile: %s\n", r->conv[i].key,
                           r->conv[i].says, r->conv[i].change);
    }
    text_first(o, r, first, n_inh);
    text_diagnoses(o, r);
    text_verdict(o, r, n_dis, n_inh, n_conv);
}

static void json_step(bs_sink *o, const bs_compare_step *s, const bs_conv_finding *conv)
{
    bs_sink_printf(o, "{\"name\": ");
    bs_sink_json_string(o, s->name);
    bs_sink_printf(o, ", \"id\": ");
    bs_sink_json_string(o, s->id);
    bs_sink_printf(o, ", \"status\": \"%s\", \"shape\": [%zu, %zu]",
                   s->missing ? "missing" : status_key(s->status), s->rows, s->cols);
    if (s->status == BS_CMP_NOT_GIVEN) {
        bs_sink_printf(o, "}");
        return;
    }
    bs_sink_printf(o, ", \"key\": ");
    bs_sink_json_string(o, s->key);
    bs_sink_printf(o, ", \"given_shape\": [%zu, %zu], \"wrong\": %zu, \"elements\": %zu",
                   s->prog_rows, s->prog_cols, s->n_wrong, s->n_elements);
    bs_sink_printf(o, ", \"max_abs_difference\": ");
    bs_sink_json_number(o, s->max_abs);
    bs_sink_printf(o, ", \"max_rel_difference\": ");
    bs_sink_json_number(o, s->max_rel);
    if (s->status == BS_CMP_INHERITS) {
        bs_sink_printf(o, ", \"inherits_from\": ");
        bs_sink_json_string(o, s->inherits_from);
    }
    if (s->convention) {
        bs_sink_printf(o, ", \"convention\": ");
        bs_sink_json_string(o, conv[s->convention - 1].key);
    }
    if (s->near_miss[0]) {
        bs_sink_printf(o, ", \"near_miss\": ");
        bs_sink_json_string(o, s->near_miss);
    }
    if (s->status == BS_CMP_DISAGREES) {
        bs_sink_printf(o, ", \"mistake\": ");
        if (s->mistake >= 0) {
            bs_sink_printf(o, "{\"key\": ");
            bs_sink_json_string(o, bs_mistakes[s->mistake].key);
            bs_sink_printf(o, ", \"name\": ");
            bs_sink_json_string(o, bs_mistakes[s->mistake].name);
            bs_sink_printf(o, ", \"made_in\": ");
            bs_sink_json_string(o, s->mistake_step);
            bs_sink_printf(o, "}");
        } else {
            bs_sink_printf(o, "null");
        }
        bs_sink_printf(o, ", \"single_precision\": %s, \"diagnosis\": ",
                       s->single_precision ? "true" : "false");
        if (s->diagnosis[0])
            bs_sink_json_string(o, s->diagnosis);
        else
            bs_sink_printf(o, "null");
        bs_sink_printf(o, ", \"largest\": [");
        for (size_t i = 0; i < s->ntop; i++) {
            bs_sink_printf(o, "%s{\"row\": %zu, \"col\": %zu, \"program\": ", i ? ", " : "",
                           s->top[i].row, s->top[i].col);
            bs_sink_json_number(o, s->top[i].program);
            bs_sink_printf(o, ", \"backstep\": ");
            bs_sink_json_number(o, s->top[i].backstep);
            bs_sink_printf(o, "}");
        }
        bs_sink_printf(o, "]");
    }
    bs_sink_printf(o, "}");
}

void bs_compare_json(bs_sink *o, const bs_compare_result *r)
{
    bs_sink_printf(o, "{\n  \"agrees\": %s,\n  \"notation\": \"%s\",\n",
                   bs_compare_agrees(r) ? "true" : "false",
                   bs_notation_names[r->opts.notation]);
    bs_sink_printf(o, "  \"rtol\": ");
    bs_sink_json_number(o, r->opts.rtol);
    bs_sink_printf(o, ",\n  \"atol\": ");
    bs_sink_json_number(o, r->opts.atol);
    bs_sink_printf(o, ",\n");
    static const char *const verdicts[] = {"agrees", "convention", "disagrees"};
    bs_sink_printf(o, "  \"verdict\": \"%s\",\n", verdicts[bs_compare_verdict(r)]);
    bs_sink_printf(o, "  \"first_disagreement\": ");
    if (r->first >= 0)
        bs_sink_json_string(o, r->steps[r->first].name);
    else
        bs_sink_printf(o, "null");
    bs_sink_printf(o, ",\n  \"conventions\": [");
    for (size_t i = 0; i < r->nconv; i++) {
        const bs_conv_finding *f = &r->conv[i];
        bs_sink_printf(o, "%s\n    {\"key\": ", i ? "," : "");
        bs_sink_json_string(o, f->key);
        bs_sink_printf(o, ", \"accepted\": %s, \"factor\": ", f->accepted ? "true" : "false");
        bs_sink_json_number(o, f->factor);
        bs_sink_printf(o, ", \"says\": ");
        bs_sink_json_string(o, f->says);
        bs_sink_printf(o, ", \"change\": ");
        bs_sink_json_string(o, f->change);
        bs_sink_printf(o, ", \"steps\": [");
        for (size_t j = 0, k = 0; j < r->nsteps; j++)
            if ((size_t)r->steps[j].convention == i + 1) {
                bs_sink_printf(o, "%s", k++ ? ", " : "");
                bs_sink_json_string(o, r->steps[j].name);
            }
        bs_sink_printf(o, "]}");
    }
    bs_sink_printf(o, "%s]", r->nconv ? "\n  " : "");
    bs_sink_printf(o, ",\n  \"missing\": [");
    for (size_t j = 0, k = 0; j < r->nsteps; j++)
        if (r->steps[j].missing) {
            bs_sink_printf(o, "%s", k++ ? ", " : "");
            bs_sink_json_string(o, r->steps[j].name);
        }
    bs_sink_printf(o, "],\n  \"required\": \"%s\"", r->only ? "only" : "parameters");
    bs_sink_printf(o, ",\n  \"keys_note\": ");
    if (r->keys_note[0])
        bs_sink_json_string(o, r->keys_note);
    else
        bs_sink_printf(o, "null");
    if (r->read_note[0]) {
        bs_sink_printf(o, ",\n  \"read_note\": ");
        bs_sink_json_string(o, r->read_note);
    }
    if (r->float32_file) {
        bs_sink_printf(o, ",\n  \"float32\": {\"verdict\": \"%s\", \"options\": ",
                       r->float32_file == 1 ? "agrees" : "convention");
        bs_sink_json_string(o, r->float32_tol);
        bs_sink_printf(o, "}");
    }
    if (r->opts.example)
        bs_sink_printf(o, ",\n  \"example\": %zu,\n  \"batch\": %zu", r->opts.example,
                       r->opts.batch);
    bs_sink_printf(o, ",\n  \"loss\": ");
    if (r->has_loss) {
        bs_sink_printf(o, "{\"status\": \"%s\", \"program\": ", status_key(r->loss.status));
        bs_sink_json_number(o, r->loss.ntop ? r->loss.top[0].program : 0.0);
        bs_sink_printf(o, ", \"backstep\": ");
        bs_sink_json_number(o, r->loss.ntop ? r->loss.top[0].backstep : 0.0);
        bs_sink_printf(o, ", \"note\": ");
        if (r->loss_note[0])
            bs_sink_json_string(o, r->loss_note);
        else
            bs_sink_printf(o, "null");
        bs_sink_printf(o, "}");
    } else {
        bs_sink_printf(o, "null");
    }
    bs_sink_printf(o, ",\n  \"steps\": [\n");
    for (size_t j = 0; j < r->nsteps; j++) {
        bs_sink_printf(o, "    ");
        json_step(o, &r->steps[j], r->conv);
        bs_sink_printf(o, "%s\n", j + 1 < r->nsteps ? "," : "");
    }
    bs_sink_printf(o, "  ]\n}\n");
}
