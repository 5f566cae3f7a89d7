/* bs_incr.c — the moved loss, re-evaluated incrementally. */
#include "bs_incr.h"
#include "bs_vexp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bs_incr {
    const bs_net *net;
    const bs_forward *fw;
    double **zt, **at;      /* [1..L]: the stored z[l] and a[l], n[l]×B, examples innermost */
    int *taylor;            /* [1..L]: 1 for a sigmoid or tanh layer below the output */
    double **c1, **c2, **c3;/* [l] of such layers: f', f''/2 and f'''/6 at z[l], n[l]×B */
    double **wmax;          /* [1..L]: max_j |W[l][q, j]| for each input q */
    /* [n] where the column expansion applies to moves of layer n
     * (layer n + 1 takes the Taylor step, layer n + 2 exists): for each
     * unit q of layer n, C_m[q][j·B + b] = Σ_k c_m[n+1][k·B + b]
     * W[n+1][q,k]^m W[n+2][k,j], m = 1, 2, 3, held q-major, filled the first
     * time q is moved (cx_ready[n][q]); NULL elsewhere */
    double **cx;
    unsigned char **cx_ready;
    int softmax_ce;         /* the output is the fused softmax + cross-entropy */
    double *da_d, *z_d, *a1_d, *a2_d, *rows_d, *ws_d;
    double complex *da_c, *z_c, *a1_c, *a2_c, *rows_c, *ws_c;
    size_t n_taylor, n_exact, n_expanded;
};

/* The loops over examples are compiled for AVX-512, AVX2 and the baseline,
 * picked at run time; with contraction off (-ffp-contract=off) each lane
 * does the same IEEE operations in the same order, so every variant gives
 * the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define BS_INCR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BS_INCR_CLONES
#endif

/* The column expansion of unit q of layer n, m = n + 1, o = n + 2 (see
 * struct bs_incr): C_1, C_2, C_3 each o-units × B, summed over k in
 * increasing order, the examples innermost. */
BS_INCR_CLONES
static void expand_column(const double *restrict c1, const double *restrict c2,
                          const double *restrict c3, const double *restrict Wq,
                          const double *restrict Wo, size_t nm, size_t no, size_t B,
                          double *restrict C)
{
    double *C1 = C, *C2 = C + no * B, *C3 = C + 2 * no * B;
    for (size_t s = 0; s < no * B; s++)
        C1[s] = C2[s] = C3[s] = 0.0;
    for (size_t k = 0; k < nm; k++) {
        double w1 = Wq[k], w2 = w1 * w1, w3 = w2 * w1;
        const double *k1 = c1 + k * B, *k2 = c2 + k * B, *k3 = c3 + k * B;
        for (size_t j = 0; j < no; j++) {
            double v = Wo[k * no + j], v1 = w1 * v, v2 = w2 * v, v3 = w3 * v;
            double *d1 = C1 + j * B, *d2 = C2 + j * B, *d3 = C3 + j * B;
            for (size_t b = 0; b < B; b++) {
                d1[b] += k1[b] * v1;
                d2[b] += k2[b] * v2;
                d3[b] += k3[b] * v3;
            }
        }
    }
}

/* The expansion table of unit q of layer n, filled on first use. */
static const double *expansion(bs_incr *ic, size_t n, size_t q)
{
    const bs_net *net = ic->net;
    size_t m = n + 1, nm = net->n[m], no = net->n[m + 1], B = net->B;
    double *C = ic->cx[n] + q * 3 * no * B;
    if (!ic->cx_ready[n][q]) {
        expand_column(ic->c1[m], ic->c2[m], ic->c3[m], net->W[m] + q * nm, net->W[m + 1], nm,
                      no, B, C);
        ic->cx_ready[n][q] = 1;
    }
    return C;
}

#define BS_COMPLEX 0
#include "bs_incr_tmpl.h"
#define BS_COMPLEX 1
#include "bs_incr_tmpl.h"

static void free_layers(double **p, size_t L)
{
    if (!p)
        return;
    for (size_t l = 0; l <= L; l++)
        free(p[l]);
    free(p);
}

void bs_incr_free(bs_incr *ic)
{
    if (!ic)
        return;
    size_t L = ic->net->L;
    free_layers(ic->zt, L);
    free_layers(ic->at, L);
    free_layers(ic->c1, L);
    free_layers(ic->c2, L);
    free_layers(ic->c3, L);
    free_layers(ic->wmax, L);
    free_layers(ic->cx, L);
    if (ic->cx_ready)
        for (size_t l = 0; l <= L; l++)
            free(ic->cx_ready[l]);
    free(ic->cx_ready);
    free(ic->taylor);
    free(ic->da_d);
    free(ic->z_d);
    free(ic->a1_d);
    free(ic->a2_d);
    free(ic->rows_d);
    free(ic->ws_d);
    free(ic->da_c);
    free(ic->z_c);
    free(ic->a1_c);
    free(ic->a2_c);
    free(ic->rows_c);
    free(ic->ws_c);
    free(ic);
}

/* The Taylor coefficients of a layer at z, with a = f(z), examples
 * innermost: sigmoid f' = s = a·ā, f''/2 = s(ā − a)/2, f'''/6 = s(1 − 6s)/6
 * where ā = 1 − a = σ(−z) is computed from z, not by a subtraction, so that
 * f' keeps its relative accuracy where a is close to 1 (the complex step
 * carries the derivative in f' alone); tanh f' = u = 1/cosh²(z),
 * f''/2 = −a·u, f'''/6 = u(3a² − 1)/3. */
static void coefficients(int sigmoid, const double *z, const double *a, size_t count,
                         double *c1, double *c2, double *c3)
{
    for (size_t s = 0; s < count; s++) {
        double v = a[s];
        if (sigmoid) {
            double e = exp(-fabs(z[s]));
            double abar = z[s] >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
            double d = v * abar;
            c1[s] = d;
            c2[s] = d * (abar - v) / 2.0;
            c3[s] = d * (1.0 - 6.0 * d) / 6.0;
        } else {
            double ch = cosh(z[s]);
            double u = 1.0 / (ch * ch);
            c1[s] = u;
            c2[s] = -v * u;
            c3[s] = u * (3.0 * v * v - 1.0) / 3.0;
        }
    }
}

bs_status bs_incr_create(const bs_net *net, const bs_forward *fw, bs_incr **out,
                         bs_error *err)
{
    *out = NULL;
    bs_incr *ic = calloc(1, sizeof *ic);
    if (!ic)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    ic->net = net;
    ic->fw = fw;
    size_t L = net->L, B = net->B, w = bs_net_max_width(net);
    ic->zt = calloc(L + 1, sizeof(double *));
    ic->at = calloc(L + 1, sizeof(double *));
    ic->c1 = calloc(L + 1, sizeof(double *));
    ic->c2 = calloc(L + 1, sizeof(double *));
    ic->c3 = calloc(L + 1, sizeof(double *));
    ic->wmax = calloc(L + 1, sizeof(double *));
    ic->taylor = calloc(L + 1, sizeof(int));
    ic->cx = calloc(L + 1, sizeof(double *));
    ic->cx_ready = calloc(L + 1, sizeof(unsigned char *));
    if (!ic->zt || !ic->at || !ic->c1 || !ic->c2 || !ic->c3 || !ic->wmax || !ic->taylor ||
        !ic->cx || !ic->cx_ready)
        goto nomem;
    for (size_t l = 1; l <= L; l++) {
        size_t nl = net->n[l], np = net->n[l - 1], count = nl * B;
        ic->zt[l] = malloc(sizeof(double) * count);
        ic->at[l] = malloc(sizeof(double) * count);
        ic->wmax[l] = malloc(sizeof(double) * np);
        if (!ic->zt[l] || !ic->at[l] || !ic->wmax[l])
            goto nomem;
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < nl; j++) {
                ic->zt[l][j * B + i] = fw->z[l][i * nl + j];
                ic->at[l][j * B + i] = fw->a[l][i * nl + j];
            }
        for (size_t q = 0; q < np; q++) {
            double m = 0.0;
            for (size_t j = 0; j < nl; j++)
                m = fmax(m, fabs(net->W[l][q * nl + j]));
            ic->wmax[l][q] = m;
        }
        const char *name = net->act[l]->name;
        int sigmoid = strcmp(name, "sigmoid") == 0, tanh_ = strcmp(name, "tanh") == 0;
        if (l < L && (sigmoid || tanh_)) {
            ic->taylor[l] = 1;
            ic->c1[l] = malloc(sizeof(double) * count);
            ic->c2[l] = malloc(sizeof(double) * count);
            ic->c3[l] = malloc(sizeof(double) * count);
            if (!ic->c1[l] || !ic->c2[l] || !ic->c3[l])
                goto nomem;
            coefficients(sigmoid, ic->zt[l], ic->at[l], count, ic->c1[l], ic->c2[l], ic->c3[l]);
        }
    }
    /* the column expansion, where its table is small enough */
    for (size_t n = 1; n + 2 <= L; n++) {
        if (!ic->taylor[n + 1] || net->n[n + 1] < BS_INCR_EXPAND_MIN)
            continue;
        size_t cells = 3 * net->n[n] * net->n[n + 2];
        if (cells * B > BS_INCR_EXPAND_MAX / sizeof(double))
            continue;
        ic->cx[n] = malloc(sizeof(double) * cells * B);
        ic->cx_ready[n] = calloc(net->n[n], 1);
        if (!ic->cx[n] || !ic->cx_ready[n])
            goto nomem;
    }
    ic->softmax_ce = net->fused && strcmp(net->fused->activation, "softmax") == 0 &&
                     strcmp(net->fused->loss, "cross_entropy") == 0;
    size_t wide = 0; /* the widest layer above the input */
    for (size_t l = 1; l <= L; l++)
        wide = net->n[l] > wide ? net->n[l] : wide;
    ic->da_d = malloc(sizeof(double) * B);
    ic->z_d = malloc(sizeof(double) * wide * B);
    ic->a1_d = malloc(sizeof(double) * wide * B);
    ic->a2_d = malloc(sizeof(double) * wide * B);
    ic->rows_d = malloc(sizeof(double) * wide * B);
    /* bs_fwd_finish needs 3·w·B, bs_softmax_ce_cols 2·K·B + 3·B */
    ic->ws_d = malloc(sizeof(double) * (3 * w * B + 3 * B));
    ic->da_c = malloc(sizeof(double complex) * B);
    ic->z_c = malloc(sizeof(double complex) * wide * B);
    ic->a1_c = malloc(sizeof(double complex) * wide * B);
    ic->a2_c = malloc(sizeof(double complex) * wide * B);
    ic->rows_c = malloc(sizeof(double complex) * wide * B);
    ic->ws_c = malloc(sizeof(double complex) * 3 * w * B);
    if (!ic->da_d || !ic->z_d || !ic->a1_d || !ic->a2_d || !ic->rows_d || !ic->ws_d ||
        !ic->da_c || !ic->z_c || !ic->a1_c || !ic->a2_c || !ic->rows_c || !ic->ws_c)
        goto nomem;
    *out = ic;
    return BS_OK;
nomem:
    bs_incr_free(ic);
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}

int bs_incr_applies(const bs_incr *ic, bs_qty q, size_t layer)
{
    const bs_net *net = ic->net;
    if (layer >= net->L)
        return 0;
    if (q == BS_Q_A)
        return 1;
    if (q == BS_Q_Z || q == BS_Q_W || q == BS_Q_B)
        return layer >= 1 && net->act[layer]->elementwise;
    return 0;
}

size_t bs_incr_expanded(const bs_incr *ic)
{
    return ic->n_expanded;
}

void bs_incr_counts(const bs_incr *ic, size_t *taylor, size_t *exact)
{
    if (taylor)
        *taylor = ic->n_taylor;
    if (exact)
        *exact = ic->n_exact;
}
