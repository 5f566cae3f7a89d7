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
    /* [n] where the loss series applies to moves of layer n (the column
     * expansion applies, n + 2 is the output, a fused softmax +
     * cross-entropy): for each unit q of layer n, the coefficients
     * G_1 … G_N of ℓ_b' − ℓ_b as a power series in Δ = Δa[n][b,q],
     * G[q][(i − 1)·B + b], then the largest |Δ| for which the series is
     * within its bound, G[q][N·B + b]; filled the first time q is moved
     * (ser_ready[n][q]); NULL elsewhere */
    double **ser;
    unsigned char **ser_ready;
    double *at0;            /* a[0], n[0]×B, examples innermost (for the loss series) */
    double *p_out;          /* B×K: the softmax of the stored output z, row by row */
    double *ell0;           /* B: each example's loss, as the plain path gives it */
    double *theta;          /* B: the largest |Δ|/ρ for which the series' remainder is in bound */
    int softmax_ce;         /* the output is the fused softmax + cross-entropy */
    double *da_d, *z_d, *a1_d, *a2_d, *rows_d, *ws_d;
    double complex *da_c, *z_c, *a1_c, *a2_c, *rows_c, *ws_c;
    size_t n_taylor, n_exact, n_expanded, n_series;
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

/* c = a·b for power series without constant term, cut after order N */
static void series_mul(const double *a, const double *b, double *c)
{
    for (size_t i = 0; i <= BS_INCR_SERIES_N; i++)
        c[i] = 0.0;
    for (size_t i = 1; i < BS_INCR_SERIES_N; i++)
        for (size_t j = 1; i + j <= BS_INCR_SERIES_N; j++)
            c[i + j] += a[i] * b[j];
}

/* The loss series of unit q of layer n (see struct bs_incr and bs_incr.h):
 * for each example b, with u_j(Δ) = C_1 Δ + C_2 Δ² + C_3 Δ³ the change of
 * the output z (the column expansion) and p the stored softmax,
 *   ℓ_b' − ℓ_b = Σy · log Σ_j p_j e^{u_j} − Σ_j y_j u_j
 *             = Σy · log(1 + t) − y·u,   t = Σ_j p_j (e^{u_j} − 1),
 * (Σy = Σ_j y_j, 1 for one-hot targets) expanded in powers of Δ up to
 * order N by multiplying truncated series; then the bound: with
 * a_m = max_j |C_m,j| and ρ = min_m (6 a_m)^(−1/m), |u_j| ≤ 1/2 on the
 * complex disc |Δ| ≤ ρ, where log(1 + t) is analytic and at most
 * −log(2 − e^{1/2}) < 1.1 in size (y·u is a cubic, taken exactly), so by
 * Cauchy's estimate the terms after order N add at most
 * 1.1 |Σy| θ^(N+1)/(1 − θ) ≤ 2.2 |Σy| θ^(N+1) for |Δ| = θρ, θ ≤ 1/2;
 * theta[b] makes that at most 2⁻⁵⁶ |ℓ_b|, and G[N·B + b] = θ ρ is the
 * largest |Δ| the series is used for (0 where something is not finite). */
static void series_column(bs_incr *ic, size_t n, size_t q, double *G)
{
    const bs_net *net = ic->net;
    size_t B = net->B, K = net->n[net->L], N = BS_INCR_SERIES_N;
    const double *C = expansion(ic, n, q), *C1 = C, *C2 = C + K * B, *C3 = C + 2 * K * B;
    for (size_t b = 0; b < B; b++) {
        double t[BS_INCR_SERIES_N + 1] = {0}, yu[BS_INCR_SERIES_N + 1] = {0};
        double am[4] = {0};
        int finite = 1;
        for (size_t j = 0; j < K; j++) {
            double u[BS_INCR_SERIES_N + 1] = {0}, e[BS_INCR_SERIES_N + 1];
            double pw[BS_INCR_SERIES_N + 1], nx[BS_INCR_SERIES_N + 1];
            u[1] = C1[j * B + b];
            u[2] = C2[j * B + b];
            u[3] = C3[j * B + b];
            for (size_t i = 1; i <= 3; i++) {
                finite &= isfinite(u[i]);
                am[i] = fabs(u[i]) > am[i] ? fabs(u[i]) : am[i];
            }
            /* e^u − 1 = Σ_k u^k / k! */
            memcpy(e, u, sizeof e);
            memcpy(pw, u, sizeof pw);
            double fact = 1.0;
            for (size_t k = 2; k <= N; k++) {
                series_mul(pw, u, nx);
                memcpy(pw, nx, sizeof pw);
                fact *= (double)k;
                for (size_t i = k; i <= N; i++)
                    e[i] += pw[i] / fact;
            }
            double pj = ic->p_out[b * K + j], yj = net->y[b * K + j];
            for (size_t i = 1; i <= N; i++) {
                t[i] += pj * e[i];
                yu[i] += yj * u[i];
            }
        }
        /* log(1 + t) = Σ_k (−1)^(k+1) t^k / k */
        double lg[BS_INCR_SERIES_N + 1], pw[BS_INCR_SERIES_N + 1], nx[BS_INCR_SERIES_N + 1];
        memcpy(lg, t, sizeof lg);
        memcpy(pw, t, sizeof pw);
        for (size_t k = 2; k <= N; k++) {
            series_mul(pw, t, nx);
            memcpy(pw, nx, sizeof pw);
            double sign = k % 2 ? 1.0 : -1.0;
            for (size_t i = k; i <= N; i++)
                lg[i] += sign * pw[i] / (double)k;
        }
        double ysum = 0.0; /* 1 for one-hot targets */
        for (size_t j = 0; j < K; j++)
            ysum += net->y[b * K + j];
        for (size_t i = 1; i <= N; i++) {
            G[(i - 1) * B + b] = ysum * lg[i] - yu[i];
            finite &= isfinite(G[(i - 1) * B + b]);
        }
        double rho = INFINITY;
        for (size_t i = 1; i <= 3; i++)
            if (am[i] > 0.0) {
                double r = pow(1.0 / (6.0 * am[i]), 1.0 / (double)i);
                rho = r < rho ? r : rho;
            }
        double lim = ic->theta[b] > 0.0 ? rho * ic->theta[b] : 0.0;
        G[N * B + b] = finite && !isnan(lim) ? lim : 0.0;
    }
}

/* The loss series table of unit q of layer n, filled on first use. */
static const double *series_table(bs_incr *ic, size_t n, size_t q)
{
    size_t B = ic->net->B;
    double *G = ic->ser[n] + q * (BS_INCR_SERIES_N + 1) * B;
    if (!ic->ser_ready[n][q]) {
        series_column(ic, n, q, G);
        ic->ser_ready[n][q] = 1;
    }
    return G;
}

/* One evaluation through the loss series, R examples from i0: x the
 * change of z[n] of each (NULL for a move of a[n], whose change is d
 * itself), turned into Δ = Δa[n] by layer n's Taylor step; 0 when a bound
 * does not hold (|x| or |Δ·W[n+1][q,:]| above BS_INCR_TAYLOR_MAX, or |Δ|
 * above the series' limit), and the caller takes another way. */
BS_INCR_CLONES
static int series_losses(const double *restrict x, double d, const double *restrict c1,
                         const double *restrict c2, const double *restrict c3, double wm,
                         const double *restrict G, const double *restrict ell0, size_t R,
                         size_t B, double *restrict da, double *restrict ell)
{
    int bad = 0;
    if (x) {
        for (size_t r = 0; r < R; r++) {
            double v = x[r];
            bad |= !(fabs(v) <= BS_INCR_TAYLOR_MAX);
            da[r] = v * (c1[r] + v * (c2[r] + v * c3[r]));
        }
    } else {
        for (size_t r = 0; r < R; r++)
            da[r] = d;
    }
    const double *lim = G + BS_INCR_SERIES_N * B;
    for (size_t r = 0; r < R; r++) {
        double v = fabs(da[r]);
        bad |= !(v * wm <= BS_INCR_TAYLOR_MAX) | !(v <= lim[r]);
    }
    if (bad)
        return 0;
    for (size_t r = 0; r < R; r++) { /* Horner's rule */
        double v = da[r], acc = G[(BS_INCR_SERIES_N - 1) * B + r];
        for (size_t i = BS_INCR_SERIES_N - 1; i >= 1; i--)
            acc = G[(i - 1) * B + r] + v * acc;
        ell[r] = ell0[r] + v * acc;
    }
    return 1;
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
    free_layers(ic->ser, L);
    if (ic->ser_ready)
        for (size_t l = 0; l <= L; l++)
            free(ic->ser_ready[l]);
    free(ic->ser_ready);
    free(ic->at0);
    free(ic->p_out);
    free(ic->ell0);
    free(ic->theta);
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

/* Per layer: z and a with the examples innermost, the largest |W| of each
 * input, and the Taylor coefficients of a sigmoid or tanh hidden layer;
 * -1 if memory ran out. */
static int incr_layers(bs_incr *ic)
{
    const bs_net *net = ic->net;
    const bs_forward *fw = ic->fw;
    size_t L = net->L, B = net->B;
    for (size_t l = 1; l <= L; l++) {
        size_t nl = net->n[l], np = net->n[l - 1], count = nl * B;
        ic->zt[l] = malloc(sizeof(double) * count);
        ic->at[l] = malloc(sizeof(double) * count);
        ic->wmax[l] = malloc(sizeof(double) * np);
        if (!ic->zt[l] || !ic->at[l] || !ic->wmax[l])
            return -1;
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
                return -1;
            coefficients(sigmoid, ic->zt[l], ic->at[l], count, ic->c1[l], ic->c2[l], ic->c3[l]);
        }
    }
    return 0;
}

/* The column expansion's tables, where they are small enough; -1 if memory
 * ran out. */
static int incr_expansion(bs_incr *ic)
{
    const bs_net *net = ic->net;
    size_t L = net->L, B = net->B;
    for (size_t n = 1; n + 2 <= L; n++) {
        if (!ic->taylor[n + 1] || net->n[n + 1] < BS_INCR_EXPAND_MIN)
            continue;
        size_t cells = 3 * net->n[n] * net->n[n + 2];
        if (cells * B > BS_INCR_EXPAND_MAX / sizeof(double))
            continue;
        ic->cx[n] = malloc(sizeof(double) * cells * B);
        ic->cx_ready[n] = calloc(net->n[n], 1);
        if (!ic->cx[n] || !ic->cx_ready[n])
            return -1;
    }
    return 0;
}

/* The loss series, where the output right above the expanded layers is
 * softmax + cross-entropy and the tables of both fit together: the input
 * with the examples innermost, the softmax p, the loss ℓ_b and the radius
 * θ_b of each example; -1 if memory ran out. */
static int incr_series(bs_incr *ic)
{
    const bs_net *net = ic->net;
    const bs_forward *fw = ic->fw;
    size_t L = net->L, B = net->B;
    if (L < 3 || !ic->softmax_ce || !ic->cx[L - 2])
        return 0;
    size_t n = L - 2, K = net->n[L];
    size_t cells = (3 * K + BS_INCR_SERIES_N + 1) * net->n[n];
    if (cells * B > BS_INCR_EXPAND_MAX / sizeof(double))
        return 0;
    ic->ser[n] = malloc(sizeof(double) * (BS_INCR_SERIES_N + 1) * net->n[n] * B);
    ic->ser_ready[n] = calloc(net->n[n], 1);
    ic->at0 = malloc(sizeof(double) * net->n[0] * B);
    ic->p_out = malloc(sizeof(double) * K * B);
    ic->ell0 = malloc(sizeof(double) * B);
    ic->theta = malloc(sizeof(double) * B);
    if (!ic->ser[n] || !ic->ser_ready[n] || !ic->at0 || !ic->p_out || !ic->ell0 ||
        !ic->theta)
        return -1;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < net->n[0]; j++)
            ic->at0[j * B + i] = fw->a[0][i * net->n[0] + j];
    for (size_t i = 0; i < B; i++) {
        const double *z = fw->z[L] + i * K;
        double *p = ic->p_out + i * K, m = z[0], s = 0.0;
        for (size_t j = 1; j < K; j++)
            m = z[j] > m ? z[j] : m;
        for (size_t j = 0; j < K; j++)
            s += (p[j] = exp(z[j] - m));
        for (size_t j = 0; j < K; j++)
            p[j] /= s;
        ic->ell0[i] = net->fused->value_d(z, net->y + i * K, K);
        /* 2.2 |Σ_j y_j| θ^(N+1) ≤ 2⁻⁵⁶ |ℓ_b|, θ ≤ 1/2 (series_column) */
        double tol = ldexp(fabs(ic->ell0[i]), -56), ys = 0.0, th = 0.0;
        for (size_t j = 0; j < K; j++)
            ys += net->y[i * K + j];
        ys = fabs(ys);
        if (isfinite(tol) && isfinite(s) && isfinite(ys) && (tol > 0.0 || ys == 0.0)) {
            th = ys == 0.0 ? 0.5 : pow(tol / (2.2 * ys), 1.0 / (BS_INCR_SERIES_N + 1));
            th = th < 0.5 ? th : 0.5;
        }
        ic->theta[i] = th;
    }
    return 0;
}

/* The scratch rows of one evaluation, real and complex; -1 if memory ran
 * out. */
static int incr_scratch(bs_incr *ic)
{
    const bs_net *net = ic->net;
    size_t L = net->L, B = net->B, w = bs_net_max_width(net);
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
        return -1;
    return 0;
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
    size_t L = net->L;
    ic->zt = calloc(L + 1, sizeof(double *));
    ic->at = calloc(L + 1, sizeof(double *));
    ic->c1 = calloc(L + 1, sizeof(double *));
    ic->c2 = calloc(L + 1, sizeof(double *));
    ic->c3 = calloc(L + 1, sizeof(double *));
    ic->wmax = calloc(L + 1, sizeof(double *));
    ic->taylor = calloc(L + 1, sizeof(int));
    ic->cx = calloc(L + 1, sizeof(double *));
    ic->cx_ready = calloc(L + 1, sizeof(unsigned char *));
    ic->ser = calloc(L + 1, sizeof(double *));
    ic->ser_ready = calloc(L + 1, sizeof(unsigned char *));
    if (!ic->zt || !ic->at || !ic->c1 || !ic->c2 || !ic->c3 || !ic->wmax || !ic->taylor ||
        !ic->cx || !ic->cx_ready || !ic->ser || !ic->ser_ready || incr_layers(ic) != 0 ||
        incr_expansion(ic) != 0)
        goto nomem;
    ic->softmax_ce = net->fused && strcmp(net->fused->activation, "softmax") == 0 &&
                     strcmp(net->fused->loss, "cross_entropy") == 0;
    if (incr_series(ic) != 0 || incr_scratch(ic) != 0)
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

size_t bs_incr_series(const bs_incr *ic)
{
    return ic->n_series;
}

const double *bs_incr_series_coefficients(bs_incr *ic, size_t layer, size_t q)
{
    if (layer > ic->net->L || !ic->ser[layer] || q >= ic->net->n[layer])
        return NULL;
    return series_table(ic, layer, q);
}

void bs_incr_counts(const bs_incr *ic, size_t *taylor, size_t *exact)
{
    if (taylor)
        *taylor = ic->n_taylor;
    if (exact)
        *exact = ic->n_exact;
}
