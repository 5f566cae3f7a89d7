/* bs_net.c — loading and validating a spec into a network. */
#include "bs_net.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_fmt.h"
#include "bs_formula.h"
#include "bs_json.h"
#include "bs_parallel.h"
#include "bs_rng.h"

bs_limits bs_limits_default(void)
{
    bs_limits l;
    l.max_file_bytes = BS_DEFAULT_MAX_FILE_BYTES;
    l.max_memory = BS_DEFAULT_MAX_MEMORY;
    l.max_layers = BS_DEFAULT_MAX_LAYERS;
    l.max_depth = BS_JSON_DEFAULT_MAX_DEPTH;
    l.full_check = 0;
    return l;
}

/* ---- overflow-safe size arithmetic ---- */

static size_t sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/* The estimate counts every large allocation of loading, tracing and
 * checking a network, as an upper bound (the peak resident memory measured
 * with /usr/bin/time -v stays below it; tests/cli_test.sh compares them).
 * With P weights and biases, U units in all layers (the input included), a
 * batch of B and T threads of the numerical check:
 *
 *   8 P      the parameters                                   (bs_net)
 *   8 P      their analytic gradients                         (bs_backward)
 *   8 P      the trace's copy of the gradients                (bs_trace)
 *  34 P      the check's arrays per element: numeric value, error bar, left
 *            and right slopes, compared and verdict bytes      (bs_check)
 *   I P      its work list, one bs_numeric_item (at most I =
 *            BS_NUMERIC_ITEM_BYTES bytes) per element
 *            compared: every element with --full, else at most
 *            max(full_below, sample) per step
 *   per unit and example (B U): x and y (16), z and a (16), their
 *            gradients (16), the trace's copies of all four (32), the
 *            check's arrays on the gradients (68)
 *   per thread: the numerical evaluator's real and complex workspaces and
 *            the incremental evaluator's cached activations (the input's
 *            and the output's softmax among them) and Taylor coefficients:
 *            264 bytes per example of the widest layer, 40 B U and 8 U; and
 *            its column expansion and loss series tables (below)
 *    4 MiB   the program itself (its code, libraries and stack). */
size_t bs_net_memory_estimate(size_t L, const size_t *n, size_t B, int full)
{
    size_t params = 0, units = 0, widest = 0, steps = 0;
    for (size_t l = 1; l <= L; l++) {
        params = sat_add(params, sat_add(sat_mul(n[l - 1], n[l]), n[l]));
        units = sat_add(units, n[l]);
        steps += 4; /* g[a], g[z], g[W], g[b] */
    }
    for (size_t l = 0; l <= L; l++)
        if (n[l] > widest)
            widest = n[l];
    units = sat_add(units, n[0]);
    size_t bu = sat_mul(units, B);
    size_t elements = sat_add(params, sat_mul(bu, 2)); /* every backward step's entries */
    size_t listed = full ? elements : sat_mul(steps, 100); /* full_below, sample ≤ 100 */
    if (listed > elements)
        listed = elements;
    size_t threads = bs_parallel_cpus();
    size_t bytes = sat_mul(params, 8 + 8 + 8 + 34);
    bytes = sat_add(bytes, sat_mul(listed, BS_NUMERIC_ITEM_BYTES));
    bytes = sat_add(bytes, sat_mul(bu, 16 + 16 + 16 + 32 + 68));
    size_t per_thread = sat_add(sat_mul(sat_mul(widest, B), 264), sat_mul(bu, 40));
    per_thread = sat_add(per_thread, sat_mul(units, 8));
    /* the incremental check's column expansion tables, each layer's at most
     * BS_INCR_EXPAND_MAX (counted whatever the activations), the one of
     * layer L − 2 with the loss series' */
    for (size_t l = 1; l + 2 <= L; l++) {
        size_t cells = sat_mul(3, n[l + 2]);
        if (l + 2 == L)
            cells = sat_add(cells, BS_INCR_SERIES_CELLS);
        size_t table = sat_mul(sat_mul(sat_mul(cells, n[l]), B), 8);
        per_thread = sat_add(per_thread, table < BS_INCR_EXPAND_MAX ? table : BS_INCR_EXPAND_MAX);
    }
    bytes = sat_add(bytes, sat_mul(per_thread, threads));
    return sat_add(bytes, (size_t)4 << 20);
}

const char *bs_handout_of(bs_convention convention, const char *loss)
{
    if (convention == BS_COLUMN)
        return "000";
    return loss && strcmp(loss, "cross_entropy") == 0 ? "002" : "001";
}

const char *bs_net_handout(const bs_net *net)
{
    return bs_handout_of(net->convention, net->loss->name);
}

size_t bs_net_param_count(const bs_net *net)
{
    size_t p = 0;
    for (size_t l = 1; l <= net->L; l++)
        p += net->n[l - 1] * net->n[l] + net->n[l];
    return p;
}

size_t bs_net_max_width(const bs_net *net)
{
    size_t m = 0;
    for (size_t l = 0; l <= net->L; l++)
        if (net->n[l] > m)
            m = net->n[l];
    return m;
}

void bs_net_free(bs_net *net)
{
    if (!net)
        return;
    if (net->W)
        for (size_t l = 0; l <= net->L; l++)
            free(net->W[l]);
    if (net->b)
        for (size_t l = 0; l <= net->L; l++)
            free(net->b[l]);
    free(net->W);
    free(net->b);
    free(net->W_origin);
    free(net->b_origin);
    free(net->n);
    free(net->act);
    free(net->x);
    free(net->y);
    free(net->labels);
    free(net->name);
    free(net->description);
    for (size_t i = 0; i < net->nclaims; i++) {
        free(net->claims[i].name);
        free(net->claims[i].values);
    }
    free(net->claims);
    free(net);
}

/* ---- helpers for reading values with their JSON path ---- */

static const char *type_name(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an unknown value";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Formats a byte count for people: "1.5 GiB". */
static void fmt_bytes(size_t v, char *buf, size_t size)
{
    if (v == SIZE_MAX) {
        snprintf(buf, size, "more than %zu bytes (the figure overflows)", SIZE_MAX);
        return;
    }
    const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double d = (double)v;
    int u = 0;
    while (d >= 1024.0 && u < 6) {
        d /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, size, "%zu bytes", v);
    else
        snprintf(buf, size, "%.1f %s", d, unit[u]);
}

/* A non-negative integer from a JSON number, at most `max`. */
static bs_status get_count(const cJSON *v, const char *path, double min,
                           double max, size_t *out, bs_error *err)
{
    if (!cJSON_IsNumber(v))
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected an integer, got %s", type_name(v));
    double d = v->valuedouble;
    if (d != floor(d))
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected an integer, got %.15g", d);
    if (d < min || d > max)
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected an integer from %.0f to %.0f, got %.15g",
                            min, max, d);
    *out = (size_t)d;
    return BS_OK;
}

/* A name from a fixed list, with a suggestion when it is a near miss. */
static bs_status get_choice(const cJSON *v, const char *path, const char *what,
                            const char *const *names, size_t *index,
                            bs_error *err)
{
    if (!cJSON_IsString(v))
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected %s name (a string), got %s", what,
                            type_name(v));
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(names[i], v->valuestring) == 0) {
            *index = i;
            return BS_OK;
        }
    }
    char list[256] = "";
    for (size_t i = 0; names[i]; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s\"%s\"", i ? ", " : "",
                 names[i]);
    }
    const char *guess = bs_suggest(v->valuestring, names);
    char q[256];
    bs_error_quote(q, sizeof q, v->valuestring);
    if (guess)
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "unknown %s \"%s\" (did you mean \"%s\"?)", what, q, guess);
    return bs_error_set(err, BS_ERR_SPEC, path, "unknown %s \"%s\" (expected one of %s)",
                        what, q, list);
}

/* Reads a matrix (a non-empty array of equally long arrays of numbers). */
static bs_status read_matrix(const cJSON *v, const char *path, size_t *rows,
                             size_t *cols, double **out, bs_error *err)
{
    char p[160];
    *out = NULL;
    if (!cJSON_IsArray(v))
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected a matrix (an array of rows), got %s",
                            type_name(v));
    size_t r = (size_t)cJSON_GetArraySize(v);
    if (r == 0)
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected a matrix (an array of rows), got an empty array");
    const cJSON *first = v->child;
    if (!cJSON_IsArray(first)) {
        snprintf(p, sizeof p, "%s[0]", path);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "expected a row (an array of numbers), got %s",
                            type_name(first));
    }
    size_t c = (size_t)cJSON_GetArraySize(first);
    if (c == 0) {
        snprintf(p, sizeof p, "%s[0]", path);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "expected a row of numbers, got an empty array");
    }
    double *m = malloc(sizeof(double) * r * c);
    if (!m)
        return bs_error_set(err, BS_ERR_NOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *row = v->child; row; row = row->next, i++) {
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        if (!cJSON_IsArray(row)) {
            free(m);
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected a row (an array of numbers), got %s",
                                type_name(row));
        }
        size_t rc = (size_t)cJSON_GetArraySize(row);
        if (rc != c) {
            free(m);
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected a row of %zu numbers like row 0, got %zu",
                                c, rc);
        }
        size_t j = 0;
        for (const cJSON *e = row->child; e; e = e->next, j++) {
            if (!cJSON_IsNumber(e)) {
                snprintf(p, sizeof p, "%s[%zu][%zu]", path, i, j);
                free(m);
                return bs_error_set(err, BS_ERR_SPEC, p,
                                    "expected a number, got %s", type_name(e));
            }
            m[i * c + j] = e->valuedouble;
        }
    }
    *rows = r;
    *cols = c;
    *out = m;
    return BS_OK;
}

/* Reads a flat array of numbers. */
static bs_status read_vector(const cJSON *v, const char *path, size_t *len,
                             double **out, bs_error *err)
{
    char p[160];
    *out = NULL;
    if (!cJSON_IsArray(v))
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected an array of numbers, got %s", type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n == 0)
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected an array of numbers, got an empty array");
    double *m = malloc(sizeof(double) * n);
    if (!m)
        return bs_error_set(err, BS_ERR_NOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e)) {
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            free(m);
            return bs_error_set(err, BS_ERR_SPEC, p, "expected a number, got %s",
                                type_name(e));
        }
        m[i] = e->valuedouble;
    }
    *len = n;
    *out = m;
    return BS_OK;
}

/* Reads a list of examples: one example as a flat list of `width` numbers,
 * or a batch as a list of such lists.  When width is 1, a flat list of B > 1
 * numbers is read as B examples of one number each. */
static bs_status read_examples(const cJSON *v, const char *path, size_t width,
                               const char *what, size_t *B, double **out,
                               bs_error *err)
{
    *out = NULL;
    if (cJSON_IsNumber(v) && width == 1) {
        double *m = malloc(sizeof(double));
        if (!m)
            return bs_error_set(err, BS_ERR_NOMEM, path, "out of memory");
        m[0] = v->valuedouble;
        *B = 1;
        *out = m;
        return BS_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bs_error_set(err, BS_ERR_SPEC, path,
                            "expected one example (a list of %zu numbers) or a "
                            "batch (a list of such lists), got %s%s",
                            width, type_name(v),
                            cJSON_IsArray(v) ? " that is empty" : "");
    if (cJSON_IsArray(v->child)) {
        size_t r, c;
        bs_status st = read_matrix(v, path, &r, &c, out, err);
        if (st != BS_OK)
            return st;
        if (c != width) {
            free(*out);
            *out = NULL;
            return bs_error_set(err, BS_ERR_SPEC, path,
                                "expected examples of %zu numbers (%s), got %zu",
                                width, what, c);
        }
        *B = r;
        return BS_OK;
    }
    size_t len;
    bs_status st = read_vector(v, path, &len, out, err);
    if (st != BS_OK)
        return st;
    if (len == width) {
        *B = 1;
        return BS_OK;
    }
    if (width == 1) {
        *B = len;
        return BS_OK;
    }
    free(*out);
    *out = NULL;
    return bs_error_set(err, BS_ERR_SPEC, path,
                        "expected one example of %zu numbers (%s), got %zu numbers",
                        width, what, len);
}

static const char *const top_keys[] = {
    "name", "description", "convention", "layers", "activations", "loss",
    "batch_reduction", "l2", "params", "init", "x", "y", "labels",
    "random_batch", "claims", "claims_tolerance", NULL};

static const char *const conventions[] = {"row", "column", NULL};
static const char *const reductions[] = {"mean", "sum", NULL};
static const char *const distributions[] = {"normal", "uniform", NULL};

/* Keys that are always ignored: "$comment" and anything starting with "//". */
static int is_comment_key(const char *k)
{
    return strcmp(k, "$comment") == 0 || strncmp(k, "//", 2) == 0;
}

static bs_status check_keys(const cJSON *obj, const char *path,
                            const char *const *known, bs_error *err)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        int ok = is_comment_key(c->string);
        for (size_t i = 0; !ok && known[i]; i++)
            ok = strcmp(known[i], c->string) == 0;
        if (ok)
            continue;
        char p[400], q[256];
        bs_error_quote(q, sizeof q, c->string);
        if (path[0])
            snprintf(p, sizeof p, "%s.%s", path, q);
        else
            snprintf(p, sizeof p, "%s", q);
        /* a suggestion must be a key the object lacks: renaming "X" to
         * "x" when "x" is there too would only make a duplicate */
        const char *absent[64];
        size_t k = 0;
        for (size_t i = 0; known[i] && k + 1 < sizeof absent / sizeof *absent; i++)
            if (!cJSON_GetObjectItemCaseSensitive(obj, known[i]))
                absent[k++] = known[i];
        absent[k] = NULL;
        const char *guess = bs_suggest(c->string, absent);
        if (guess)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "unknown key \"%s\" (did you mean \"%s\"?)", q, guess);
        return bs_error_set(err, BS_ERR_SPEC, p, "unknown key \"%s\"", q);
    }
    return BS_OK;
}

/* A seed: an integer from 0 to 2⁵³ (exactly representable in JSON). */
static bs_status get_seed(const cJSON *v, const char *path, uint64_t *out,
                          bs_error *err)
{
    size_t s;
    bs_status st = get_count(v, path, 0, 9007199254740992.0, &s, err);
    if (st == BS_OK)
        *out = (uint64_t)s;
    return st;
}

static bs_status read_init(const cJSON *init, bs_net *net, bs_error *err)
{
    static const char *const keys[] = {"seed", "distribution", "scale", NULL};
    if (!cJSON_IsObject(init))
        return bs_error_set(err, BS_ERR_SPEC, "init",
                            "expected an object like {\"seed\": 7, "
                            "\"distribution\": \"normal\", \"scale\": 0.1}, got %s",
                            type_name(init));
    bs_status st = check_keys(init, "init", keys, err);
    if (st != BS_OK)
        return st;
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(init, "seed");
    net->init_seed = 0;
    if (seed && (st = get_seed(seed, "init.seed", &net->init_seed, err)) != BS_OK)
        return st;
    const cJSON *dist = cJSON_GetObjectItemCaseSensitive(init, "distribution");
    size_t d = 0;
    if (dist && (st = get_choice(dist, "init.distribution", "distribution",
                                 distributions, &d, err)) != BS_OK)
        return st;
    net->init_normal = d == 0;
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(init, "scale");
    net->init_scale = 0.1;
    if (scale) {
        if (!cJSON_IsNumber(scale) || !(scale->valuedouble > 0) ||
            !isfinite(scale->valuedouble))
            return bs_error_set(err, BS_ERR_SPEC, "init.scale",
                                "expected a positive number, got %s%s",
                                type_name(scale),
                                cJSON_IsNumber(scale) ? " that is not positive" : "");
        net->init_scale = scale->valuedouble;
    }
    net->has_init = 1;
    return BS_OK;
}

/* Draws a parameter from init: its own stream, stream 2(l−1) for W[l] and
 * 2(l−1)+1 for b[l]; W is drawn in the order input i, output j, whatever
 * the convention, so the same seed gives the same network in both. */
static void draw_param(const bs_net *net, size_t stream, double *v, size_t count)
{
    bs_rng r = bs_rng_stream(net->init_seed, stream);
    for (size_t k = 0; k < count; k++) {
        if (net->init_normal)
            v[k] = net->init_scale * bs_rng_normal(&r);
        else
            v[k] = net->init_scale * (2.0 * bs_rng_uniform(&r) - 1.0);
    }
}

/* Every key of "params" names W1 … WL or b1 … bL (or is a comment). */
static bs_status check_param_keys(const cJSON *params, const bs_net *net, bs_error *err)
{
    for (const cJSON *c = params->child; c; c = c->next) {
        const char *k = c->string;
        char p[400], q[256];
        bs_error_quote(q, sizeof q, k);
        snprintf(p, sizeof p, "params.%s", q);
        if (is_comment_key(k))
            continue;
        int ok = 0;
        if ((k[0] == 'W' || k[0] == 'b') && k[1] >= '1' && k[1] <= '9') {
            char *end;
            unsigned long l = strtoul(k + 1, &end, 10);
            if (*end == '\0') {
                if (l >= 1 && l <= net->L)
                    ok = 1;
                else
                    return bs_error_set(err, BS_ERR_SPEC, p,
                                        "there is no layer %lu: the network has "
                                        "%zu layer%s (W1 … W%zu, b1 … b%zu)",
                                        l, net->L, net->L == 1 ? "" : "s",
                                        net->L, net->L);
            }
        }
        if (!ok)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "unknown parameter \"%s\" (expected W1 … W%zu "
                                "and b1 … b%zu)",
                                q, net->L, net->L);
    }
    return BS_OK;
}

/* W[l] from its value w at path p, in the spec's convention, stored as
 * n_{l−1}×n_l. */
static bs_status read_weight(const cJSON *w, const char *p, bs_net *net, size_t l,
                             bs_error *err)
{
    size_t in = net->n[l - 1], out = net->n[l];
    size_t r, c;
    double *m;
    bs_status st = read_matrix(w, p, &r, &c, &m, err);
    if (st != BS_OK)
        return st;
    size_t er = net->convention == BS_ROW ? in : out;
    size_t ec = net->convention == BS_ROW ? out : in;
    if (r != er || c != ec) {
        free(m);
        if (net->convention == BS_ROW)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected %zu×%zu (row convention: %zu inputs × "
                                "%zu outputs), got %zu×%zu",
                                er, ec, in, out, r, c);
        return bs_error_set(err, BS_ERR_SPEC, p,
                            "expected %zu×%zu (column convention: %zu outputs × "
                            "%zu inputs), got %zu×%zu",
                            er, ec, out, in, r, c);
    }
    for (size_t i = 0; i < in; i++)
        for (size_t j = 0; j < out; j++)
            net->W[l][i * out + j] =
                net->convention == BS_ROW ? m[i * out + j] : m[j * in + i];
    free(m);
    return BS_OK;
}

/* b[l] from its value bv at path p: a list of n_l numbers, or a 1×n_l
 * (row) or n_l×1 (column) matrix. */
static bs_status read_bias(const cJSON *bv, const char *p, bs_net *net, size_t l,
                           bs_error *err)
{
    size_t out = net->n[l];
    size_t len = 0;
    double *m = NULL;
    bs_status st;
    if (cJSON_IsArray(bv) && cJSON_IsArray(bv->child)) {
        size_t r, c;
        st = read_matrix(bv, p, &r, &c, &m, err);
        if (st != BS_OK)
            return st;
        size_t er = net->convention == BS_ROW ? 1 : out;
        size_t ec = net->convention == BS_ROW ? out : 1;
        if (r != er || c != ec) {
            free(m);
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected %zu numbers (a list, or a %zu×%zu "
                                "matrix in the %s convention), got %zu×%zu",
                                out, er, ec,
                                net->convention == BS_ROW ? "row" : "column",
                                r, c);
        }
        len = out;
    } else {
        st = read_vector(bv, p, &len, &m, err);
        if (st != BS_OK)
            return st;
        if (len != out) {
            free(m);
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected %zu numbers (one per unit of layer "
                                "%zu), got %zu",
                                out, l, len);
        }
    }
    memcpy(net->b[l], m, sizeof(double) * out);
    free(m);
    return BS_OK;
}

static bs_status read_params(const cJSON *params, bs_net *net, bs_error *err)
{
    if (params && !cJSON_IsObject(params))
        return bs_error_set(err, BS_ERR_SPEC, "params",
                            "expected an object like {\"W1\": [[...]], \"b1\": [...]}, got %s",
                            type_name(params));
    if (params) {
        bs_status st = check_param_keys(params, net, err);
        if (st != BS_OK)
            return st;
    }
    int need_init = 0;
    for (size_t l = 1; l <= net->L; l++) {
        size_t in = net->n[l - 1], out = net->n[l];
        char key[32], p[64];
        snprintf(key, sizeof key, "W%zu", l);
        snprintf(p, sizeof p, "params.%s", key);
        const cJSON *w = params ? cJSON_GetObjectItemCaseSensitive(params, key) : NULL;
        net->W[l] = malloc(sizeof(double) * in * out);
        net->b[l] = malloc(sizeof(double) * out);
        if (!net->W[l] || !net->b[l])
            return bs_error_set(err, BS_ERR_NOMEM, p, "out of memory");
        if (w) {
            bs_status st = read_weight(w, p, net, l, err);
            if (st != BS_OK)
                return st;
            net->W_origin[l] = BS_GIVEN;
        } else {
            net->W_origin[l] = BS_DRAWN;
            need_init = 1;
        }
        snprintf(key, sizeof key, "b%zu", l);
        snprintf(p, sizeof p, "params.%s", key);
        const cJSON *bv = params ? cJSON_GetObjectItemCaseSensitive(params, key) : NULL;
        if (bv) {
            bs_status st = read_bias(bv, p, net, l, err);
            if (st != BS_OK)
                return st;
            net->b_origin[l] = BS_GIVEN;
        } else {
            net->b_origin[l] = BS_DRAWN;
            need_init = 1;
        }
    }
    if (need_init && !net->has_init) {
        for (size_t l = 1; l <= net->L; l++) {
            char p[64];
            if (net->W_origin[l] == BS_DRAWN || net->b_origin[l] == BS_DRAWN) {
                snprintf(p, sizeof p, "params.%c%zu",
                         net->W_origin[l] == BS_DRAWN ? 'W' : 'b', l);
                return bs_error_set(err, BS_ERR_SPEC, p,
                                    "missing, and there is no \"init\" to draw it "
                                    "from (give it, or add \"init\": {\"seed\": 1, "
                                    "\"distribution\": \"normal\", \"scale\": 0.1})");
            }
        }
    }
    for (size_t l = 1; l <= net->L; l++) {
        if (net->W_origin[l] == BS_DRAWN)
            draw_param(net, 2 * (l - 1), net->W[l], net->n[l - 1] * net->n[l]);
        if (net->b_origin[l] == BS_DRAWN)
            draw_param(net, 2 * (l - 1) + 1, net->b[l], net->n[l]);
    }
    return BS_OK;
}

/* Fills y as one-hot rows from class labels. */
static bs_status read_labels(const cJSON *v, bs_net *net, bs_error *err)
{
    size_t K = net->n[net->L];
    size_t count = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
    if (!cJSON_IsArray(v) && !cJSON_IsNumber(v))
        return bs_error_set(err, BS_ERR_SPEC, "labels",
                            "expected a list of class indices, got %s", type_name(v));
    if (count != net->B)
        return bs_error_set(err, BS_ERR_SPEC, "labels",
                            "expected %zu label%s (one per example of x), got %zu",
                            net->B, net->B == 1 ? "" : "s", count);
    net->labels = malloc(sizeof(long) * net->B);
    net->y = calloc(net->B * K, sizeof(double));
    if (!net->labels || !net->y)
        return bs_error_set(err, BS_ERR_NOMEM, "labels", "out of memory");
    const cJSON *e = cJSON_IsArray(v) ? v->child : v;
    for (size_t i = 0; i < net->B; i++, e = e->next) {
        char p[64];
        snprintf(p, sizeof p, "labels[%zu]", i);
        size_t c;
        if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble))
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "expected a class index (an integer), got %s",
                                cJSON_IsNumber(e) ? "a fraction" : type_name(e));
        if (e->valuedouble < 0 || e->valuedouble >= (double)K)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "label %.15g is out of range: the output layer has "
                                "%zu classes, 0 … %zu",
                                e->valuedouble, K, K - 1);
        c = (size_t)e->valuedouble;
        net->labels[i] = (long)c;
        net->y[i * K + c] = 1.0;
    }
    return BS_OK;
}

static bs_status read_random_batch(const cJSON *v, bs_net *net, bs_error *err)
{
    static const char *const keys[] = {"size", "seed", NULL};
    if (!cJSON_IsObject(v))
        return bs_error_set(err, BS_ERR_SPEC, "random_batch",
                            "expected an object like {\"size\": 32, \"seed\": 1}, got %s",
                            type_name(v));
    bs_status st = check_keys(v, "random_batch", keys, err);
    if (st != BS_OK)
        return st;
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(v, "size");
    if (!size)
        return bs_error_set(err, BS_ERR_SPEC, "random_batch.size",
                            "missing: how many examples to draw");
    st = get_count(size, "random_batch.size", 1, 1e9, &net->B, err);
    if (st != BS_OK)
        return st;
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(v, "seed");
    net->random_batch_seed = 0;
    if (seed && (st = get_seed(seed, "random_batch.seed", &net->random_batch_seed,
                               err)) != BS_OK)
        return st;
    net->has_random_batch = 1;
    return BS_OK;
}

/* The streams of a random batch, apart from the parameters' streams 0 … 2L−1
 * so that equal seeds still give independent numbers. */
#define BATCH_STREAM_X (UINT64_C(1) << 32)
#define BATCH_STREAM_Y ((UINT64_C(1) << 32) + 1)

/* Inputs uniform on [0, 1) from stream 2³² of the batch seed; targets from
 * stream 2³² + 1: a class per example for cross_entropy, 0 or 1 for bce,
 * uniform on [0, 1) for mse. */
static bs_status draw_batch(bs_net *net, bs_error *err)
{
    size_t n0 = net->n[0], K = net->n[net->L], B = net->B;
    net->x = malloc(sizeof(double) * B * n0);
    net->y = calloc(B * K, sizeof(double));
    if (!net->x || !net->y)
        return bs_error_set(err, BS_ERR_NOMEM, "random_batch", "out of memory");
    bs_rng rx = bs_rng_stream(net->random_batch_seed, BATCH_STREAM_X);
    for (size_t k = 0; k < B * n0; k++)
        net->x[k] = bs_rng_uniform(&rx);
    bs_rng ry = bs_rng_stream(net->random_batch_seed, BATCH_STREAM_Y);
    if (net->loss->targets_simplex) {
        net->labels = malloc(sizeof(long) * B);
        if (!net->labels)
            return bs_error_set(err, BS_ERR_NOMEM, "random_batch", "out of memory");
        for (size_t i = 0; i < B; i++) {
            size_t c = (size_t)bs_rng_below(&ry, K);
            net->labels[i] = (long)c;
            net->y[i * K + c] = 1.0;
        }
    } else if (net->loss->targets_unit) {
        for (size_t k = 0; k < B * K; k++)
            net->y[k] = (double)bs_rng_below(&ry, 2);
    } else {
        for (size_t k = 0; k < B * K; k++)
            net->y[k] = bs_rng_uniform(&ry);
    }
    return BS_OK;
}

static bs_status check_targets(const bs_net *net, bs_error *err)
{
    size_t K = net->n[net->L];
    const char *key = net->labels ? "labels" : "y";
    for (size_t i = 0; i < net->B; i++) {
        double sum = 0;
        char p[64];
        for (size_t j = 0; j < K; j++) {
            double t = net->y[i * K + j];
            if (net->B == 1 && K > 1)
                snprintf(p, sizeof p, "%s[%zu]", key, j);
            else if (net->B == 1)
                snprintf(p, sizeof p, "%s", key);
            else
                snprintf(p, sizeof p, "%s[%zu][%zu]", key, i, j);
            if (net->loss->targets_unit && (t < 0.0 || t > 1.0))
                return bs_error_set(err, BS_ERR_SPEC, p,
                                    "target %.15g is outside [0, 1]: %s compares "
                                    "probabilities, so targets must lie in [0, 1]",
                                    t, net->loss->name);
            sum += t;
        }
        if (net->loss->targets_simplex && fabs(sum - 1.0) > 1e-9) {
            if (net->B == 1)
                snprintf(p, sizeof p, "%s", key);
            else
                snprintf(p, sizeof p, "%s[%zu]", key, i);
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "targets sum to %.15g, expected 1: cross_entropy "
                                "needs each target row to be a probability vector "
                                "(handout 002, Lemma 2 uses Σ_j y_j = 1)",
                                sum);
        }
    }
    return BS_OK;
}

void bs_net_to_displayed(const bs_net *net, const double *stored, size_t nin, size_t nout,
                         double *buf)
{
    if (net->convention != BS_COLUMN) {
        if (nin * nout > 0)
            memcpy(buf, stored, nin * nout * sizeof *buf);
        return;
    }
    for (size_t i = 0; i < nin; i++)
        for (size_t j = 0; j < nout; j++)
            buf[j * nin + i] = stored[i * nout + j];
}

void bs_net_from_displayed(const bs_net *net, const double *v, size_t rows, size_t cols,
                           double *out)
{
    int col = net->convention == BS_COLUMN;
    for (size_t i = 0; i < rows; i++)
        for (size_t k = 0; k < cols; k++)
            out[col ? k * rows + i : i * cols + k] = v[i * cols + k];
}

void bs_net_W_displayed(const bs_net *net, size_t l, double *buf, size_t *rows, size_t *cols)
{
    size_t nin = net->n[l - 1], nout = net->n[l];
    bs_net_to_displayed(net, net->W[l], nin, nout, buf);
    int col = net->convention == BS_COLUMN;
    *rows = col ? nout : nin;
    *cols = col ? nin : nout;
}

/* The displayed shape of a step of this network: activations B×n (row) or
 * n×B (column), W n_{l−1}×n_l (row) or n_l×n_{l−1} (column), b 1×n or n×1. */
static void step_shape(const bs_net *net, bs_qty q, size_t l, size_t *r, size_t *c)
{
    int col = net->convention == BS_COLUMN;
    size_t a = 1, b = 1;
    switch (q) {
    case BS_Q_A:
    case BS_Q_Z: a = net->B; b = net->n[l]; break;
    case BS_Q_W: a = net->n[l - 1]; b = net->n[l]; break;
    case BS_Q_B: a = 1; b = net->n[l]; break;
    default: break;
    }
    *r = col ? b : a;
    *c = col ? a : b;
}

bs_status bs_net_read_values(const bs_net *net, const cJSON *v, const char *path,
                             int qty, size_t layer, size_t *rows, size_t *cols,
                             double **out, bs_error *err)
{
    size_t er = 1, ec = 1;
    *out = NULL;
    if (qty != BS_Q_LOSS)
        step_shape(net, (bs_qty)qty, layer, &er, &ec);
    *rows = *cols = 1;
    if (cJSON_IsNumber(v)) {
        *out = malloc(sizeof(double));
        if (!*out)
            return bs_error_set(err, BS_ERR_NOMEM, path, "out of memory");
        (*out)[0] = v->valuedouble;
        return BS_OK;
    }
    if (cJSON_IsArray(v) && cJSON_IsArray(v->child))
        return read_matrix(v, path, rows, cols, out, err);
    size_t len;
    bs_status st = read_vector(v, path, &len, out, err);
    if (st != BS_OK)
        return st;
    /* a flat list stands for the step's one row or one column */
    *rows = er == 1 ? 1 : len;
    *cols = er == 1 ? len : 1;
    return BS_OK;
}

/* "claims": {"g[3z]": [[0.2174]], "dW2": [[…], …], "loss": 0.693} — a number,
 * a list (a 1×n or n×1 step) or a matrix per name, in the displayed
 * orientation; names in any notation. */
static bs_status read_claims(const cJSON *v, bs_net *net, bs_error *err)
{
    if (!cJSON_IsObject(v))
        return bs_error_set(err, BS_ERR_SPEC, "claims",
                            "expected an object like {\"g[3z]\": [[0.2174]], \"loss\": 0.693}, "
                            "got %s",
                            type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    net->claims = calloc(n ? n : 1, sizeof(bs_claim));
    if (!net->claims)
        return bs_error_set(err, BS_ERR_NOMEM, "claims", "out of memory");
    for (const cJSON *c = v->child; c; c = c->next) {
        if (is_comment_key(c->string))
            continue;
        char p[400], q[256];
        bs_error_quote(q, sizeof q, c->string);
        snprintf(p, sizeof p, "claims.%s", q);
        bs_qty qty;
        size_t layer;
        if (bs_name_parse(c->string, &qty, &layer) != 0)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "unknown step \"%s\": expected a name like g[3z], dz3, "
                                "dL/dz3 or loss",
                                q);
        if (qty != BS_Q_LOSS && layer > net->L)
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "there is no layer %zu: the network has %zu layer%s", layer,
                                net->L, net->L == 1 ? "" : "s");
        for (size_t i = 0; i < net->nclaims; i++)
            if (net->claims[i].qty == (int)qty && net->claims[i].layer == layer)
                return bs_error_set(err, BS_ERR_SPEC, p, "claims \"%s\" a second time (as %s)",
                                    q, net->claims[i].name);
        bs_claim *cl = &net->claims[net->nclaims];
        size_t er = 1, ec = 1;
        if (qty != BS_Q_LOSS)
            step_shape(net, qty, layer, &er, &ec);
        size_t r = 1, cc = 1;
        double *m = NULL;
        bs_status st = bs_net_read_values(net, c, p, qty, layer, &r, &cc, &m, err);
        if (st != BS_OK)
            return st;
        if (r != er || cc != ec) {
            free(m);
            if (r == ec && cc == er && r != cc)
                return bs_error_set(err, BS_ERR_SPEC, p,
                                    "expected %zu×%zu (%s convention), got the transpose %zu×%zu",
                                    er, ec, net->convention == BS_ROW ? "row" : "column", r, cc);
            return bs_error_set(err, BS_ERR_SPEC, p, "expected %zu×%zu, got %zu×%zu", er, ec,
                                r, cc);
        }
        cl->name = dup_str(c->string);
        if (!cl->name) {
            free(m);
            return bs_error_set(err, BS_ERR_NOMEM, p, "out of memory");
        }
        cl->qty = (int)qty;
        cl->gradient = qty != BS_Q_LOSS;
        cl->layer = layer;
        cl->rows = r;
        cl->cols = cc;
        cl->values = m;
        net->nclaims++;
    }
    return BS_OK;
}

/* The spec's name, description, convention, batch reduction and λ. */
static bs_status read_header(const cJSON *root, bs_net *net, bs_error *err)
{
    bs_status st;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "name"))) {
        if (!cJSON_IsString(v))
            return bs_error_set(err, BS_ERR_SPEC, "name", "expected a string, got %s",
                                type_name(v));
        if (!(net->name = dup_str(v->valuestring)))
            return bs_error_set(err, BS_ERR_NOMEM, "name", "out of memory");
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "description"))) {
        if (!cJSON_IsString(v))
            return bs_error_set(err, BS_ERR_SPEC, "description",
                                "expected a string, got %s", type_name(v));
        if (!(net->description = dup_str(v->valuestring)))
            return bs_error_set(err, BS_ERR_NOMEM, "description", "out of memory");
    }
    size_t idx = 0;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "convention"))) {
        if ((st = get_choice(v, "convention", "convention", conventions, &idx, err)))
            return st;
        net->convention = idx == 0 ? BS_ROW : BS_COLUMN;
    }
    idx = 0;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "batch_reduction"))) {
        if ((st = get_choice(v, "batch_reduction", "batch reduction", reductions,
                             &idx, err)))
            return st;
    }
    net->reduction = idx == 0 ? BS_MEAN : BS_SUM;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "l2"))) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
            return bs_error_set(err, BS_ERR_SPEC, "l2",
                                "expected a number λ ≥ 0, got %s%s", type_name(v),
                                cJSON_IsNumber(v) ? " below 0" : "");
        net->l2 = v->valuedouble;
    }
    return BS_OK;
}

/* "layers": the sizes n_0 … n_L, and the per-layer arrays sized by them. */
static bs_status read_layers(const cJSON *root, const bs_limits *lim, bs_net *net,
                             bs_error *err)
{
    bs_status st;
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
    if (!layers)
        return bs_error_set(err, BS_ERR_SPEC, "layers",
                            "missing: the layer sizes n_0 … n_L, e.g. [4, 3, 2, 1]");
    if (!cJSON_IsArray(layers))
        return bs_error_set(err, BS_ERR_SPEC, "layers",
                            "expected a list of layer sizes like [4, 3, 2, 1], got %s",
                            type_name(layers));
    size_t count = (size_t)cJSON_GetArraySize(layers);
    if (count < 2)
        return bs_error_set(err, BS_ERR_SPEC, "layers",
                            "expected at least 2 sizes (inputs and outputs), got %zu",
                            count);
    if (count - 1 > lim->max_layers)
        return bs_error_set(err, BS_ERR_LIMIT, "layers",
                            "%zu layers, more than the limit of %zu (raise it with "
                            "--max-layers)",
                            count - 1, lim->max_layers);
    net->L = count - 1;
    net->n = calloc(count, sizeof(size_t));
    net->act = calloc(count, sizeof *net->act);
    net->W = calloc(count, sizeof(double *));
    net->b = calloc(count, sizeof(double *));
    net->W_origin = calloc(count, sizeof(bs_origin));
    net->b_origin = calloc(count, sizeof(bs_origin));
    if (!net->n || !net->act || !net->W || !net->b || !net->W_origin || !net->b_origin)
        return bs_error_set(err, BS_ERR_NOMEM, "layers", "out of memory");
    size_t l = 0;
    for (const cJSON *e = layers->child; e; e = e->next, l++) {
        char p[64];
        snprintf(p, sizeof p, "layers[%zu]", l);
        if ((st = get_count(e, p, 1, (double)BS_MAX_LAYER_SIZE, &net->n[l], err)))
            return st;
    }
    return BS_OK;
}

/* "activations": one name for all layers or one per layer; only the output
 * layer may be softmax-like, and not over a single unit. */
static bs_status read_activations(const cJSON *root, bs_net *net, bs_error *err)
{
    bs_status st;
    size_t idx = 0, l;
    const cJSON *acts = cJSON_GetObjectItemCaseSensitive(root, "activations");
    if (!acts)
        return bs_error_set(err, BS_ERR_SPEC, "activations",
                            "missing: one activation per layer (%zu), or one name "
                            "for all",
                            net->L);
    if (cJSON_IsString(acts)) {
        if ((st = get_choice(acts, "activations", "activation", bs_activation_names,
                             &idx, err)))
            return st;
        for (l = 1; l <= net->L; l++)
            net->act[l] = bs_activations[idx];
    } else if (cJSON_IsArray(acts)) {
        size_t na = (size_t)cJSON_GetArraySize(acts);
        if (na != net->L)
            return bs_error_set(err, BS_ERR_SPEC, "activations",
                                "expected %zu activations (one per layer 1 … %zu), "
                                "got %zu",
                                net->L, net->L, na);
        l = 1;
        for (const cJSON *e = acts->child; e; e = e->next, l++) {
            char p[64];
            snprintf(p, sizeof p, "activations[%zu]", l - 1);
            if ((st = get_choice(e, p, "activation", bs_activation_names, &idx, err)))
                return st;
            net->act[l] = bs_activations[idx];
        }
    } else {
        return bs_error_set(err, BS_ERR_SPEC, "activations",
                            "expected a list of names or one name, got %s",
                            type_name(acts));
    }
    for (l = 1; l < net->L; l++) {
        if (!net->act[l]->elementwise) {
            char p[64];
            if (cJSON_IsArray(acts))
                snprintf(p, sizeof p, "activations[%zu]", l - 1);
            else
                snprintf(p, sizeof p, "activations");
            return bs_error_set(err, BS_ERR_SPEC, p,
                                "%s is only allowed in the output layer (layer %zu): "
                                "it turns a layer into probabilities, and layer %zu "
                                "is hidden",
                                net->act[l]->name, net->L, l);
        }
    }

    if (!net->act[net->L]->elementwise && net->n[net->L] < 2)
        return bs_error_set(err, BS_ERR_SPEC, "activations",
                            "%s over a single output is the constant 1; use sigmoid for "
                            "one output, or give the output layer at least 2 units",
                            net->act[net->L]->name);
    return BS_OK;
}

/* "loss", and that the output activation suits it. */
static bs_status read_loss(const cJSON *root, bs_net *net, bs_error *err)
{
    bs_status st;
    size_t idx = 0;
    const cJSON *loss = cJSON_GetObjectItemCaseSensitive(root, "loss");
    if (!loss)
        return bs_error_set(err, BS_ERR_SPEC, "loss",
                            "missing: one of \"mse\", \"bce\", \"cross_entropy\"");
    if ((st = get_choice(loss, "loss", "loss", bs_loss_names, &idx, err)))
        return st;
    net->loss = bs_losses[idx];
    const bs_activation *out = net->act[net->L];
    if (net->loss->targets_simplex && strcmp(out->name, "softmax") != 0)
        return bs_error_set(err, BS_ERR_SPEC, "loss",
                            "cross_entropy needs a softmax output layer (its −Σ y log ŷ "
                            "assumes outputs that are probabilities summing to 1), but "
                            "layer %zu is %s",
                            net->L, out->name);
    if (net->loss->targets_unit && !out->unit_interval)
        return bs_error_set(err, BS_ERR_SPEC, "loss",
                            "%s needs outputs in (0, 1) (it takes log ŷ and log(1 − ŷ)), "
                            "but the output activation %s can leave that interval; use "
                            "sigmoid or softmax",
                            net->loss->name, out->name);
    net->fused = bs_fused_find(out, net->loss);
    return BS_OK;
}

/* The batch: "x" and "y" (or "labels"), or "random_batch"; the memory limit
 * is checked once the batch size is known, before the large allocations. */
static bs_status read_batch(const cJSON *root, const bs_limits *lim, bs_net *net,
                            bs_error *err)
{
    bs_status st;
    size_t l;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, "x");
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(root, "random_batch");
    const cJSON *y = cJSON_GetObjectItemCaseSensitive(root, "y");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(root, "labels");
    if (x && rb)
        return bs_error_set(err, BS_ERR_SPEC, "random_batch",
                            "give either \"x\" or \"random_batch\", not both");
    if (rb && (y || labels))
        return bs_error_set(err, BS_ERR_SPEC, y ? "y" : "labels",
                            "\"random_batch\" draws the targets too; remove \"%s\"",
                            y ? "y" : "labels");
    if (rb) {
        if ((st = read_random_batch(rb, net, err)))
            return st;
    } else if (x) {
        char what[64];
        snprintf(what, sizeof what, "n_0 = %zu inputs", net->n[0]);
        if ((st = read_examples(x, "x", net->n[0], what, &net->B, &net->x, err)))
            return st;
    } else {
        return bs_error_set(err, BS_ERR_SPEC, "x",
                            "missing: the input (a list of %zu numbers, or a batch of "
                            "such lists), or \"random_batch\"",
                            net->n[0]);
    }

    /* limits, before the large allocations */
    size_t need = bs_net_memory_estimate(net->L, net->n, net->B, lim->full_check);
    if (need > lim->max_memory) {
        char a[64], b[64], c[32];
        fmt_bytes(need, a, sizeof a);
        fmt_bytes(lim->max_memory, b, sizeof b);
        size_t P = 0;
        for (l = 1; l <= net->L; l++)
            P = sat_add(P, sat_add(sat_mul(net->n[l - 1], net->n[l]), net->n[l]));
        bs_fmt_count(c, sizeof c, P);
        return bs_error_set(err, BS_ERR_LIMIT, "layers",
                            "this network (%s parameters, batch of %zu) needs about %s, "
                            "more than the limit of %s (raise it with --max-memory)",
                            c, net->B, a, b);
    }

    if (rb) {
        if ((st = draw_batch(net, err)))
            return st;
    } else {
        if (y && labels)
            return bs_error_set(err, BS_ERR_SPEC, "labels",
                                "give either \"y\" or \"labels\", not both");
        if (labels) {
            if (!net->loss->targets_simplex)
                return bs_error_set(err, BS_ERR_SPEC, "labels",
                                    "\"labels\" are class indices for cross_entropy; "
                                    "with %s give targets as \"y\"",
                                    net->loss->name);
            if ((st = read_labels(labels, net, err)))
                return st;
        } else if (y) {
            size_t By = 0;
            char what[64];
            snprintf(what, sizeof what, "n_%zu = %zu outputs", net->L, net->n[net->L]);
            if ((st = read_examples(y, "y", net->n[net->L], what, &By, &net->y, err)))
                return st;
            if (By != net->B)
                return bs_error_set(err, BS_ERR_SPEC, "y",
                                    "expected %zu target%s (one per example of x), got %zu",
                                    net->B, net->B == 1 ? "" : "s", By);
        } else {
            return bs_error_set(err, BS_ERR_SPEC, "y",
                                "missing: the targets (a list of %zu numbers per "
                                "example%s)",
                                net->n[net->L],
                                net->loss->targets_simplex ? ", or \"labels\"" : "");
        }
    }
    if ((st = check_targets(net, err)))
        return st;
    return BS_OK;
}

static bs_status build(const cJSON *root, const bs_limits *lim, bs_net *net,
                       bs_error *err)
{
    bs_status st;
    if (!cJSON_IsObject(root))
        return bs_error_set(err, BS_ERR_SPEC, NULL,
                            "expected a spec object {\"layers\": [...], ...}, got %s",
                            type_name(root));
    if ((st = check_keys(root, "", top_keys, err)) != BS_OK)
        return st;
    if ((st = read_header(root, net, err)) || (st = read_layers(root, lim, net, err)) ||
        (st = read_activations(root, net, err)) || (st = read_loss(root, net, err)) ||
        (st = read_batch(root, lim, net, err)))
        return st;

    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "init")) &&
        (st = read_init(v, net, err)))
        return st;
    if ((st = read_params(cJSON_GetObjectItemCaseSensitive(root, "params"), net, err)))
        return st;
    net->claims_tolerance = BS_DEFAULT_CLAIMS_TOLERANCE;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "claims_tolerance"))) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || !(v->valuedouble < 1))
            return bs_error_set(err, BS_ERR_SPEC, "claims_tolerance",
                                "expected a relative tolerance between 0 and 1, like 5e-4 "
                                "(4 significant digits), got %s",
                                type_name(v));
        net->claims_tolerance = v->valuedouble;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "claims")))
        return read_claims(v, net, err);
    return BS_OK;
}

bs_status bs_net_from_json(const cJSON *root, const bs_limits *limits,
                           bs_net **out, bs_error *err)
{
    bs_limits lim = limits ? *limits : bs_limits_default();
    *out = NULL;
    bs_net *net = calloc(1, sizeof *net);
    if (!net)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_status st = build(root, &lim, net, err);
    if (st != BS_OK) {
        bs_net_free(net);
        return st;
    }
    *out = net;
    return BS_OK;
}

bs_status bs_net_load_string(const char *text, size_t len, const char *name,
                             const bs_limits *limits, bs_net **out, bs_error *err)
{
    bs_limits lim = limits ? *limits : bs_limits_default();
    cJSON *root = NULL;
    *out = NULL;
    bs_status st = BS_OK;
    if (len > lim.max_file_bytes)
        st = bs_error_set(err, BS_ERR_LIMIT, NULL,
                          "the spec is %zu bytes, more than the limit of %zu bytes "
                          "(raise it with --max-file-size)",
                          len, lim.max_file_bytes);
    if (st == BS_OK)
        st = bs_json_parse(text, len, lim.max_depth, &root, err);
    if (st == BS_OK)
        st = bs_net_from_json(root, &lim, out, err);
    cJSON_Delete(root);
    if (st != BS_OK)
        bs_error_set_file(err, name);
    return st;
}

bs_status bs_net_load_file(const char *path, const bs_limits *limits,
                           bs_net **out, bs_error *err)
{
    bs_limits lim = limits ? *limits : bs_limits_default();
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    bs_status st = bs_read_file(path, lim.max_file_bytes, &data, &len, err);
    if (st != BS_OK)
        return st;
    st = bs_net_load_string(data, len, strcmp(path, "-") == 0 ? "<stdin>" : path,
                            &lim, out, err);
    free(data);
    return st;
}
