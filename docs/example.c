/* example.c — a student's own backpropagation for handout 001's 4-3-2-1
 * network (row vectors, sigmoid everywhere, binary cross-entropy), checked
 * in-process by libbackstep.  The forward pass's activations come from
 * backstep's run, so the program needs nothing but the library; the twelve
 * gradients are the student's own.
 *
 *     cc example.c $(pkg-config --cflags --libs backstep) -o example
 *     ./example            # the student's gradients: every step agrees
 *     ./example --plant    # dz2 without σ'(z2): backstep names the mistake
 *
 * Exit status: 0 when every gradient agrees with backstep's, 1 when one
 * does not, 2 when the library reports an error.
 */
#include <stdio.h>
#include <string.h>

#include <backstep.h>

/* The network the student works on: handout 001's, as a backstep spec. */
static const char spec_text[] =
    "{\"convention\": \"row\", \"layers\": [4, 3, 2, 1],\n"
    " \"activations\": [\"sigmoid\", \"sigmoid\", \"sigmoid\"], \"loss\": \"bce\",\n"
    " \"params\": {\n"
    "   \"W1\": [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.2, -0.1, 0.05]],\n"
    "   \"b1\": [0.1, -0.1, 0.2],\n"
    "   \"W2\": [[0.3, -0.4], [0.5, 0.6], [-0.2, 0.1]], \"b2\": [0.05, -0.05],\n"
    "   \"W3\": [[0.7], [-0.3]], \"b3\": [0.1]},\n"
    " \"x\": [0.5, 0.1, -0.2, 0.3], \"y\": [1]}\n";

enum { N0 = 4, N1 = 3, N2 = 2, N3 = 1 };

/* ---- the student's code: backpropagation -------------------------------- */

/* dW (n×m) = aᵀ (n×1) · dz (1×m) */
static void outer(const double *a, const double *dz, int n, int m, double *dW)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            dW[i * m + j] = a[i] * dz[j];
}

/* da (1×n) = dz (1×m) · Wᵀ (m×n) */
static void back(const double *dz, const double *W, int n, int m, double *da)
{
    for (int i = 0; i < n; i++) {
        da[i] = 0.0;
        for (int j = 0; j < m; j++)
            da[i] += dz[j] * W[i * m + j];
    }
}

typedef struct grads {
    double da3[N3], dz3[N3], dW3[N2 * N3], db3[N3];
    double da2[N2], dz2[N2], dW2[N1 * N2], db2[N2];
    double da1[N1], dz1[N1], dW1[N0 * N1], db1[N1];
} grads;

/* Backpropagation from the activations of the forward pass: the input x, the
 * target y, a1, a2 and the output a3 = ŷ.  With `plant`, dz2 leaves out
 * σ'(z2) = a2 ∘ (1 − a2), a classic slip. */
static void backprop(const double *x, double y, const double *a1, const double *a2,
                     const double *a3, const double *W2, const double *W3, int plant, grads *g)
{
    g->da3[0] = (a3[0] - y) / (a3[0] * (1.0 - a3[0]));
    g->dz3[0] = a3[0] - y; /* sigmoid + bce: the factors ŷ(1 − ŷ) cancel */
    outer(a2, g->dz3, N2, N3, g->dW3);
    g->db3[0] = g->dz3[0];

    back(g->dz3, W3, N2, N3, g->da2);
    for (int j = 0; j < N2; j++)
        g->dz2[j] = plant ? g->da2[j] /* the planted mistake: σ'(z2) left out */
                          : g->da2[j] * a2[j] * (1.0 - a2[j]);
    outer(a1, g->dz2, N1, N2, g->dW2);
    memcpy(g->db2, g->dz2, sizeof g->db2);

    back(g->dz2, W2, N1, N2, g->da1);
    for (int j = 0; j < N1; j++)
        g->dz1[j] = g->da1[j] * a1[j] * (1.0 - a1[j]);
    outer(x, g->dz1, N0, N1, g->dW1);
    memcpy(g->db1, g->dz1, sizeof g->db1);
}

/* ---- the check, through libbackstep ------------------------------------- */

static int fail(const bs_lib_error *err)
{
    char line[1024];
    bs_lib_error_line(err, line, sizeof line);
    fprintf(stderr, "example: %s\n", line);
    return 2;
}

/* Copies a value of the run ("x", "a1", "W2", …) into the student's array. */
static int take(const bs_run *run, const char *name, double *dst, size_t n, bs_lib_error *err)
{
    bs_step_info v;
    if (bs_run_find(run, name, &v, err) != BS_LIB_OK)
        return -1;
    if (v.rows * v.cols != n) {
        fprintf(stderr, "example: %s has %zu×%zu values, expected %zu\n", name, v.rows,
                v.cols, n);
        return -1;
    }
    memcpy(dst, v.value, n * sizeof *dst);
    return 0;
}

int main(int argc, char **argv)
{
    int plant = argc > 1 && strcmp(argv[1], "--plant") == 0;
    bs_lib_error err;
    bs_spec *spec = NULL;
    bs_run *run = NULL;
    bs_grad_set *set = NULL;
    bs_comparison *cmp = NULL;
    int rc = 2;

    if (bs_spec_load_string(spec_text, strlen(spec_text), "handout-001", &spec, &err) !=
            BS_LIB_OK ||
        bs_run_create(spec, &run, &err) != BS_LIB_OK) {
        rc = fail(&err);
        goto out;
    }

    /* the spec's example and weights, and the activations of its forward pass */
    double x[N0], y, a1[N1], a2[N2], a3[N3], W2[N1 * N2], W3[N2 * N3];
    if (take(run, "x", x, N0, &err) || take(run, "y", &y, 1, &err) ||
        take(run, "a1", a1, N1, &err) || take(run, "a[2]", a2, N2, &err) ||
        take(run, "yhat", a3, N3, &err) || take(run, "W2", W2, N1 * N2, &err) ||
        take(run, "W3", W3, N2 * N3, &err)) {
        rc = err.status != BS_LIB_OK ? fail(&err) : 2;
        goto out;
    }
    grads g;
    backprop(x, y, a1, a2, a3, W2, W3, plant, &g);

    /* hand every gradient to backstep, by name, in the program's own notation */
    const struct {
        const char *name;
        const double *v;
        size_t rows, cols;
    } given[] = {
        {"da3", g.da3, 1, N3}, {"dz3", g.dz3, 1, N3}, {"dW3", g.dW3, N2, N3}, {"db3", g.db3, 1, N3},
        {"da2", g.da2, 1, N2}, {"dz2", g.dz2, 1, N2}, {"dW2", g.dW2, N1, N2}, {"db2", g.db2, 1, N2},
        {"da1", g.da1, 1, N1}, {"dz1", g.dz1, 1, N1}, {"dW1", g.dW1, N0, N1}, {"db1", g.db1, 1, N1},
    };
    if (bs_grad_set_create(run, &set, &err) != BS_LIB_OK) {
        rc = fail(&err);
        goto out;
    }
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (bs_grad_set_put(set, given[i].name, given[i].v, given[i].rows, given[i].cols,
                            &err) != BS_LIB_OK) {
            rc = fail(&err);
            goto out;
        }
    if (bs_run_compare(run, set, NULL, &cmp, &err) != BS_LIB_OK ||
        bs_comparison_render(cmp, stdout, "text", &err) != BS_LIB_OK) {
        rc = fail(&err);
        goto out;
    }

    /* the verdict, as a program would act on it */
    long first = bs_comparison_first(cmp);
    if (first < 0) {
        printf("\nall %zu gradients agree with backstep\n", sizeof given / sizeof given[0]);
        rc = 0;
    } else {
        bs_compared_step s;
        if (bs_comparison_step(cmp, (size_t)first, &s, &err) != BS_LIB_OK) {
            rc = fail(&err);
            goto out;
        }
        printf("\nfirst wrong step: %s; mistake: %s (%s)\n", s.name,
               s.mistake ? s.mistake : "not in the catalogue",
               s.mistake_name ? s.mistake_name : "no catalogued mistake reproduces it");
        rc = 1;
    }

out:
    bs_comparison_free(cmp);
    bs_grad_set_free(set);
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}
