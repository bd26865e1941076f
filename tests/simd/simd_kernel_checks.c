/* Kernel variant checks (see simd_kernel_checks.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_q8.h"
#include "backends/ref/requant_s32.h"
#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_pool.h"
#include "tests/simd/simd_kernel_checks.h"

/* ---- deterministic random numbers ---------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static float rnd_f(void) { return (float)((double)rnd() / 4294967296.0 * 2.0 - 1.0); }

/* ---- geometry ------------------------------------------------------------ */

typedef struct conv_case {
    int64_t batch, c, m, group, ih, iw, kh, kw, sh, sw, dh, dw, ph, pw, pe_h, pe_w;
    eb_window win;
} conv_case;

static int make_window(conv_case *k)
{
    memset(&k->win, 0, sizeof k->win);
    eb_window *w = &k->win;
    w->n_spatial = 2;
    int64_t in[2] = {k->ih, k->iw}, ks[2] = {k->kh, k->kw}, s[2] = {k->sh, k->sw},
            d[2] = {k->dh, k->dw}, pb[2] = {k->ph, k->pw}, pe[2] = {k->pe_h, k->pe_w};
    for (int i = 0; i < 2; i++) {
        int64_t span = d[i] * (ks[i] - 1) + 1, padded = in[i] + pb[i] + pe[i];
        if (padded < span)
            return 0;
        w->in[i] = in[i];
        w->kernel[i] = ks[i];
        w->stride[i] = s[i];
        w->dilation[i] = d[i];
        w->pad_begin[i] = pb[i];
        w->pad_end[i] = pe[i];
        w->out[i] = (padded - span) / s[i] + 1;
    }
    return 1;
}

/* depthwise: group == c == m */
static void random_conv(conv_case *k, int depthwise, int pointwise)
{
    do {
        memset(k, 0, sizeof *k);
        k->batch = rnd_in(1, 2);
        k->c = rnd_in(1, 19);
        k->m = rnd_in(1, 21);
        k->group = 1;
        if (depthwise) {
            k->m = k->c;
            k->group = k->c;
        } else if (rnd() % 4 == 0) {
            k->group = rnd_in(2, 3);
            k->c = k->group * rnd_in(1, 5);
            k->m = k->group * rnd_in(1, 7);
        }
        static const int64_t kern[][2] = {{1, 1}, {3, 3}, {5, 5}, {1, 3}, {3, 1}, {2, 2}};
        int ki = pointwise ? 0 : (int)rnd_in(0, 5);
        k->kh = kern[ki][0];
        k->kw = kern[ki][1];
        k->sh = k->sw = pointwise ? 1 : rnd_in(1, 2);
        if (!pointwise && rnd() % 5 == 0)
            k->sw = 3 - k->sh;
        k->dh = k->dw = (!pointwise && rnd() % 6 == 0) ? 2 : 1;
        k->ph = pointwise ? 0 : rnd_in(0, 2);
        k->pw = pointwise ? 0 : rnd_in(0, 2);
        k->pe_h = pointwise ? 0 : rnd_in(0, 2);
        k->pe_w = pointwise ? 0 : rnd_in(0, 2);
        k->ih = rnd_in(1, 13);
        k->iw = rnd_in(1, 29);
    } while (!make_window(k));
}

static void shape_of(const conv_case *k, eb_simd_gemm_shape *s)
{
    memset(s, 0, sizeof *s);
    const int64_t cg = k->c / k->group, mg = k->m / k->group;
    eb_simd_conv_geom *g = &s->geom;
    g->channels = cg;
    g->ih = k->ih;
    g->iw = k->iw;
    g->oh = k->win.out[0];
    g->ow = k->win.out[1];
    g->kh = k->kh;
    g->kw = k->kw;
    g->sh = k->sh;
    g->sw = k->sw;
    g->dh = k->dh;
    g->dw = k->dw;
    g->ph = k->ph;
    g->pw = k->pw;
    g->c_stride = k->ih * k->iw;
    g->p_stride = 1;
    g->pointwise = k->kh == 1 && k->kw == 1 && k->sh == 1 && k->sw == 1 && k->ph == 0 &&
                   k->pw == 0 && g->oh == g->ih && g->ow == g->iw;
    s->batch = k->batch;
    s->groups = k->group;
    s->m = mg;
    s->k = cg * k->kh * k->kw;
    s->n = g->oh * g->ow;
    s->x_image = k->c * k->ih * k->iw;
    s->x_group = cg * k->ih * k->iw;
    s->y_image = k->m * s->n;
    s->y_group = mg * s->n;
    s->y_row = s->n;
    s->y_col = 1;
}

/* A GEMM Y[rows][n] = X[rows][k] * W[k][n] as the drivers see it. */
static void matrix_shape(int64_t rows, int64_t k, int64_t n, eb_simd_gemm_shape *s)
{
    memset(s, 0, sizeof *s);
    s->batch = s->groups = 1;
    s->m = n;
    s->k = k;
    s->n = rows;
    s->y_row = 1;
    s->y_col = n;
    eb_simd_conv_geom *g = &s->geom;
    g->channels = k;
    g->ih = g->oh = 1;
    g->iw = g->ow = rows;
    g->kh = g->kw = g->sh = g->sw = g->dh = g->dw = 1;
    g->c_stride = 1;
    g->p_stride = k;
}

/* Where element (kk, col) of a convolution's column matrix (row kk = (c,
 * ky, kx), column col = oy * ow + ox, one image and group) comes from: its
 * index in the input, or -1 in the padding. */
static int64_t column_source(const conv_case *k, int64_t ow, int64_t kk, int64_t col)
{
    const int64_t c = kk / (k->kh * k->kw), ky = kk % (k->kh * k->kw) / k->kw, kx = kk % k->kw;
    const int64_t iy = col / ow * k->sh - k->ph + ky * k->dh;
    const int64_t ix = col % ow * k->sw - k->pw + kx * k->dw;
    return iy >= 0 && iy < k->ih && ix >= 0 && ix < k->iw ? (c * k->ih + iy) * k->iw + ix : -1;
}

/* Direct fp32 convolution in double, and the sum of |products| per output. */
static void conv_direct_f32(const conv_case *k, const float *x, const float *w, const float *bias,
                            double *y, double *mag)
{
    const int64_t cg = k->c / k->group, mg = k->m / k->group;
    const int64_t oh = k->win.out[0], ow = k->win.out[1];
    for (int64_t b = 0; b < k->batch; b++)
        for (int64_t m = 0; m < k->m; m++) {
            int64_t g = m / mg;
            for (int64_t y0 = 0; y0 < oh; y0++)
                for (int64_t x0 = 0; x0 < ow; x0++) {
                    double acc = bias ? bias[m] : 0.0, abs_sum = bias ? fabs(bias[m]) : 0.0;
                    for (int64_t c = 0; c < cg; c++)
                        for (int64_t ky = 0; ky < k->kh; ky++)
                            for (int64_t kx = 0; kx < k->kw; kx++) {
                                int64_t iy = y0 * k->sh - k->ph + ky * k->dh;
                                int64_t ix = x0 * k->sw - k->pw + kx * k->dw;
                                if (iy < 0 || iy >= k->ih || ix < 0 || ix >= k->iw)
                                    continue;
                                double p = (double)w[((m * cg + c) * k->kh + ky) * k->kw + kx] *
                                           x[((b * k->c + g * cg + c) * k->ih + iy) * k->iw + ix];
                                acc += p;
                                abs_sum += fabs(p);
                            }
                    int64_t o = ((b * k->m + m) * oh + y0) * ow + x0;
                    y[o] = acc;
                    mag[o] = abs_sum;
                }
        }
}

static int close_enough(double got, double want, double mag, float lo, float hi)
{
    double w = want < lo ? lo : want > hi ? hi : want;
    return fabs(got - w) <= EB_SIMD_CHECK_RTOL * mag + 1e-6;
}

static eb_simd_scratch scratch_for(size_t per_thread, int threads)
{
    eb_simd_scratch s = {.bytes = (per_thread + 63) & ~(size_t)63, .threads = threads};
    s.base = aligned_alloc(64, s.bytes * (size_t)threads + 64);
    return s;
}

/* ---- fp32 GEMM ------------------------------------------------------------ */

/* A variant's prefetching K block (v->block) against its plain forms: the
 * same tile, bit for bit, from the bias (acc 0, against fn) and from c
 * (acc 1, against acc), whatever number of lines it is asked to prefetch
 * (none, fewer than, as many as and more than its k steps), ragged tiles
 * included. */
static int check_f32_block(const eb_simd_f32_gemm_variant *v, char *msg, size_t len)
{
    enum { K_MAX = 40, LD = 48 };
    const int mr = v->mr, nr = v->nr;
    const size_t tile = sizeof(float) * (size_t)mr * LD;
    float *a = malloc(sizeof(float) * K_MAX * (size_t)mr),
          *b = malloc(sizeof(float) * K_MAX * (size_t)nr), *bias = malloc(sizeof(float) * mr),
          *c0 = malloc(tile), *want = malloc(tile), *got = malloc(tile);
    char *lines = malloc(64 * (2 * K_MAX + 2));
    int fail = !a || !b || !bias || !c0 || !want || !got || !lines;
    for (int it = 0; it < 40 && !fail; it++) {
        const int64_t k = rnd_in(0, K_MAX);
        const int rows = it % 4 == 3 ? (int)rnd_in(1, mr) : mr;
        const int cols = it % 4 == 2 ? (int)rnd_in(1, nr) : nr;
        const int acc = it % 2;
        const int64_t n_pf[] = {0, 1, 3, k, 2 * k + 1};
        const int64_t pf_lines = n_pf[it % 5];
        for (int64_t i = 0; i < k * mr; i++)
            a[i] = rnd_f();
        for (int64_t i = 0; i < k * nr; i++)
            b[i] = rnd_f();
        for (int i = 0; i < mr; i++)
            bias[i] = rnd_f();
        for (int i = 0; i < mr * LD; i++)
            c0[i] = rnd_f();
        const float lo = it % 3 == 0 ? 0.0f : -INFINITY, hi = it % 6 == 0 ? 0.5f : INFINITY;
        memcpy(want, c0, tile);
        memcpy(got, c0, tile);
        (acc ? v->acc : v->fn)(k, a, b, nr, want, LD, rows, cols, acc ? NULL : bias, lo, hi);
        v->block(k, a, b, nr, got, LD, rows, cols, acc ? NULL : bias, lo, hi, acc, lines,
                 pf_lines);
        if (memcmp(want, got, tile) != 0) {
            snprintf(msg, len,
                     "%s: block form (acc %d, k %lld, %d x %d of the tile, %lld lines asked "
                     "for) differs from the %s form",
                     v->name, acc, (long long)k, rows, cols, (long long)pf_lines,
                     acc ? "acc" : "plain");
            fail = 1;
        }
    }
    free(a);
    free(b);
    free(bias);
    free(c0);
    free(want);
    free(got);
    free(lines);
    return fail;
}

int eb_simd_check_f32_gemm(const eb_simd_f32_gemm_variant *v, const eb_simd_vec_kernels *vec,
                           int threads, char *msg, size_t len)
{
    rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)v->mr * 131 ^ (uint64_t)v->nr;
    eb_simd_pool *pool = threads > 1 ? eb_simd_pool_create(threads) : NULL;
    int fail = 0;
    for (int it = 0; it < 60 && !fail; it++) {
        conv_case k;
        eb_simd_gemm_shape s;
        int fc = it % 5 == 4;
        int64_t rows = 0, kk = 0, nn = 0;
        if (fc) {
            rows = rnd_in(1, 5);
            kk = rnd_in(1, 70);
            nn = rnd_in(1, 40);
            matrix_shape(rows, kk, nn, &s);
        } else {
            random_conv(&k, 0, it % 3 == 0);
            if (it == 3) { /* no input channels: k = 0, the output is the bias */
                k.c = 0;
                k.group = 1;
            } else if (it % 4 == 1) {
                /* tall: full 32-row tiles (64 rows) and a ragged one */
                k.group = 1;
                k.m = it % 8 == 1 ? 64 : rnd_in(22, 70);
            }
            shape_of(&k, &s);
        }
        size_t xn = fc ? (size_t)(rows * kk) : (size_t)(k.batch * k.c * k.ih * k.iw);
        size_t wn = fc ? (size_t)(kk * nn) : (size_t)(k.m * s.k);
        size_t yn = fc ? (size_t)(rows * nn) : (size_t)(k.batch * k.m * s.n);
        size_t bn = fc ? (size_t)nn : (size_t)k.m;
        float *x = malloc(xn * 4), *w = malloc(wn * 4), *bias = malloc(bn * 4),
              *y = malloc(yn * 4 + 4);
        double *want = malloc(yn * 8 + 8), *mag = malloc(yn * 8 + 8);
        for (size_t i = 0; i < xn; i++)
            x[i] = rnd_f();
        for (size_t i = 0; i < wn; i++)
            w[i] = rnd_f();
        for (size_t i = 0; i < bn; i++)
            bias[i] = rnd_f();
        int use_bias = it % 2 == 0;
        float lo = it % 4 == 1 ? 0.0f : -INFINITY, hi = it % 8 == 1 ? 0.5f : INFINITY;
        if (fc) {
            /* W is [k][n]; the driver wants element (feature, kk) */
            for (int64_t r = 0; r < rows; r++)
                for (int64_t j = 0; j < nn; j++) {
                    double acc = use_bias ? bias[j] : 0.0, m = use_bias ? fabs(bias[j]) : 0.0;
                    for (int64_t q = 0; q < kk; q++) {
                        double p = (double)x[r * kk + q] * w[q * nn + j];
                        acc += p;
                        m += fabs(p);
                    }
                    want[r * nn + j] = acc;
                    mag[r * nn + j] = m;
                }
        } else {
            conv_direct_f32(&k, x, w, use_bias ? bias : NULL, want, mag);
        }
        eb_simd_gemm_f32 G;
        if (eb_simd_gemm_f32_init(&G, v, vec, &s, w, fc ? 1 : s.k, fc ? nn : 1,
                                  use_bias ? bias : NULL, lo, hi) != 0) {
            snprintf(msg, len, "%s: out of memory", v->name);
            fail = 1;
        } else {
            /* K blocks of every depth on the pointwise cases, whose full
             * panels are read in place (products this small run unblocked
             * otherwise), and on every case of a few-column kernel (each
             * weight block over all column panels): the accumulating
             * kernel on full and ragged tiles, the clamp only after the
             * last block */
            if (G.acc && it % 3 == 0 && s.k > 0)
                G.kc = 1 + (it * 37) % s.k;
            if (G.acc && G.few_cols && it % 3 != 2 && s.k > 0)
                G.kc_first = 1 + (it * 53) % s.k;
            eb_simd_scratch sc = scratch_for(eb_simd_gemm_f32_scratch(&G), threads);
            eb_simd_gemm_f32_run(&G, pool, &sc, x, y);
            for (size_t i = 0; i < yn && !fail; i++)
                if (!close_enough(y[i], want[i], mag[i], lo, hi)) {
                    snprintf(msg, len,
                             "%s (vec %s): case %d (%s m=%lld k=%lld n=%lld groups=%lld, K "
                             "blocks of %lld, %lld): element %zu is %.9g, want %.9g",
                             v->name, vec->name, it, fc ? "fc" : "conv", (long long)s.m,
                             (long long)s.k, (long long)s.n, (long long)s.groups,
                             (long long)G.kc, (long long)G.kc_first, i, (double)y[i], want[i]);
                    fail = 1;
                }
            free(sc.base);
            eb_simd_gemm_f32_free(&G);
        }
        free(x);
        free(w);
        free(bias);
        free(y);
        free(want);
        free(mag);
    }
    eb_simd_pool_destroy(pool);
    if (!fail && v->block)
        fail = check_f32_block(v, msg, len);
    return fail;
}

/* ---- int8 GEMM ------------------------------------------------------------- */

typedef struct q8_case {
    eb_dtype xdt, ydt;
    int32_t x_zp, y_zp, y_min, y_max;
} q8_case;

static void random_q8(q8_case *q)
{
    q->xdt = rnd() % 2 ? EB_DT_U8 : EB_DT_I8;
    q->ydt = rnd() % 2 ? EB_DT_U8 : EB_DT_I8;
    int32_t xlo = q->xdt == EB_DT_U8 ? 0 : -128, ylo = q->ydt == EB_DT_U8 ? 0 : -128;
    q->x_zp = (int32_t)rnd_in(xlo, xlo + 255);
    q->y_zp = (int32_t)rnd_in(ylo, ylo + 255);
    q->y_min = ylo;
    q->y_max = ylo + 255;
    if (rnd() % 3 == 0) /* a fused Relu narrows the range to start at zp */
        q->y_min = q->y_zp;
    if (rnd() % 5 == 0)
        q->y_max = q->y_zp + (int32_t)rnd_in(0, ylo + 255 - q->y_zp);
}

static void fill_q8(void *p, eb_dtype dt, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (dt == EB_DT_U8)
            ((uint8_t *)p)[i] = (uint8_t)rnd();
        else
            ((int8_t *)p)[i] = (int8_t)rnd();
    }
}

static void fill_weights(int16_t *w, size_t n, int narrow)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (int16_t)(narrow ? rnd_in(-128, 127) : rnd_in(-255, 255));
}

static void fill_bias_mult(int32_t *bias, float *mult, size_t n)
{
    int huge = rnd() % 6 == 0; /* accumulators that wrap */
    for (size_t i = 0; i < n; i++) {
        bias[i] = huge ? (int32_t)rnd() : (int32_t)rnd_in(-40000, 40000);
        mult[i] = (float)(0.0001 + (double)(rnd() % 10000) * 0.000005);
    }
}

static int compare_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what,
                         int it, char *msg, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            snprintf(msg, len, "%s: case %d: byte %zu is %d, ref has %d", what, it, i, got[i],
                     want[i]);
            return 1;
        }
    return 0;
}

/* The fused requantisation (a variant's rq_fn) against its own int32 tile
 * requantised by ref's rule (eb_ref_requant_s32), byte for byte, on random
 * panels: every edge tile (mr 1..MR, nr 1..NR), per-row add and mult (adds
 * that wrap, multipliers that reach both clamps), int8 and uint8 outputs,
 * narrowed ranges (a fused Relu), rows of the output wider than the tile;
 * nothing outside the tile may be written. */
static int check_q8_rq(const eb_simd_q8_gemm_variant *v, char *msg, size_t len)
{
    if (!v->rq_fn)
        return 0;
    rng_state = 0xd1b54a32d192ed03ull ^ (uint64_t)v->mr * 31 ^ (uint64_t)v->nr;
    const int mr_full = v->mr, nr_full = v->nr, ku = v->ku;
    const int elem = eb_simd_q8_elem_bytes(v);
    const int few = v->few_cols;
    int32_t *tile = malloc((size_t)(mr_full * nr_full) * 4);
    int32_t *add = malloc((size_t)mr_full * 4);
    float *mult = malloc((size_t)mr_full * 4);
    int saturated = 0; /* cases run with the packs' saturation as the clamp */
    for (int it = 0; it < 200; it++) {
        const int64_t kq = rnd_in(1, it % 7 == 0 ? 300 : 40);
        const size_t an = (size_t)(kq * mr_full * ku), bn = (size_t)(kq * nr_full * ku);
        void *a = malloc(an * (size_t)elem), *b = malloc(bn * (size_t)elem);
        for (size_t i = 0; i < an; i++) {
            if (elem == 2)
                ((int16_t *)a)[i] = (int16_t)rnd_in(-255, 255);
            else
                ((int8_t *)a)[i] = (int8_t)rnd();
        }
        for (size_t i = 0; i < bn; i++) {
            if (elem == 2)
                ((int16_t *)b)[i] = (int16_t)rnd_in(-255, 255);
            else
                ((uint8_t *)b)[i] = (uint8_t)rnd();
        }
        q8_case q;
        random_q8(&q);
        fill_bias_mult(add, mult, (size_t)mr_full);
        if (it % 3 == 0) /* reach the clamps often */
            for (int r = 0; r < mr_full; r++)
                mult[r] *= (float)rnd_in(1, 40);
        if (it % 5 == 1) /* the largest multiplier left to the packs' saturation */
            for (int r = 0; r < mr_full; r++)
                mult[r] = r % 2 ? 0.5f : -0.5f;
        const int mr = it < 2 ? mr_full : (int)rnd_in(1, mr_full);
        const int nr = it < 2 ? nr_full : (int)rnd_in(1, nr_full);
        const int64_t ldy = nr_full == 1 && it % 2 ? 1 : nr + rnd_in(0, 9);
        const size_t yn = (size_t)(mr_full * ldy + nr_full + 16);
        uint8_t *y = malloc(yn), *want = malloc(yn);
        memset(y, 0xA5, yn);
        memset(want, 0xA5, yn);
        v->fn(kq, a, b, tile);
        for (int r = 0; r < mr; r++)
            for (int j = 0; j < nr; j++) {
                const int32_t acc = few ? tile[j * mr_full + r] : tile[r * nr_full + j];
                const int32_t s = (int32_t)((uint32_t)acc + (uint32_t)add[r]);
                want[r * ldy + j] =
                    (uint8_t)eb_ref_requant_s32(s, mult[r], q.y_zp, q.y_min, q.y_max);
            }
        /* saturation for the clamp wherever the driver would allow it
         * (the type's whole range, |mult| <= 0.5), the clamp elsewhere */
        const eb_simd_q8_rq p = {
            .zp = q.y_zp,
            .lo = q.y_min,
            .hi = q.y_max,
            .saturate = eb_simd_q8_rq_saturates(q.ydt == EB_DT_U8, q.y_min, q.y_max, mult,
                                                mr_full)};
        saturated += p.saturate;
        v->rq_fn(kq, a, b, add, mult, &p, y, ldy, mr, nr);
        char what[160];
        snprintf(what, sizeof what, "%s fused requantisation (%dx%d of %dx%d, ldy %lld, %s)",
                 v->name, mr, nr, mr_full, nr_full, (long long)ldy,
                 q.ydt == EB_DT_U8 ? "u8" : "s8");
        int bad = compare_bytes(y, want, yn, what, it, msg, len);
        free(a);
        free(b);
        free(y);
        free(want);
        if (bad) {
            free(tile);
            free(add);
            free(mult);
            return 1;
        }
    }
    free(tile);
    free(add);
    free(mult);
    if (saturated < 20 || saturated > 180) {
        snprintf(msg, len, "%s: %d of 200 cases left the clamp to the packs (want both kinds)",
                 v->name, saturated);
        return 1;
    }
    return 0;
}

int eb_simd_check_q8_gemm(const eb_simd_q8_gemm_variant *v, const eb_simd_vec_kernels *vec,
                          int threads, char *msg, size_t len)
{
    if (threads == 1 && check_q8_rq(v, msg, len))
        return 1;
    rng_state = 0x2545f4914f6cdd1dull ^ (uint64_t)v->ku * 977 ^ (uint64_t)v->nr;
    eb_simd_pool *pool = threads > 1 ? eb_simd_pool_create(threads) : NULL;
    int narrow_only = v->format != EB_SIMD_Q8_I16;
    char what[160];
    snprintf(what, sizeof what, "%s (vec %s)", v->name, vec->name);
    int fail = 0;
    for (int it = 0; it < 60 && !fail; it++) {
        int fc = it % 5 == 4, narrow = narrow_only || it % 2;
        q8_case q;
        random_q8(&q);
        eb_simd_gemm_shape s;
        size_t xn, wn, yn, mn;
        conv_case k;
        eb_ref_matmul_q8_params mp;
        eb_ref_conv_q8_params cp;
        int64_t rows = 0, kk = 0, nn = 0;
        if (fc) {
            rows = rnd_in(1, 5);
            kk = rnd_in(1, 90);
            nn = rnd_in(1, 40);
            matrix_shape(rows, kk, nn, &s);
            xn = (size_t)(rows * kk);
            wn = (size_t)(kk * nn);
            yn = (size_t)(rows * nn);
            mn = (size_t)nn;
        } else {
            random_conv(&k, 0, it % 3 == 0);
            if (it >= 54 && !fc) {
                /* a pointwise product of few columns and rows enough that
                 * the threads share them (two or more row panels of 32
                 * each): its column panels packed by each thread or once
                 * for all (simd_gemm.c's Q8_OWN_PACK_THREADS) */
                memset(&k, 0, sizeof k);
                k.batch = k.group = k.kh = k.kw = k.sh = k.sw = k.dh = k.dw = 1;
                k.c = rnd_in(8, 70);
                k.m = 64 * threads + rnd_in(1, 40);
                k.ih = rnd_in(2, 6);
                k.iw = rnd_in(2, 7);
                make_window(&k);
            }
            shape_of(&k, &s);
            xn = (size_t)(k.batch * k.c * k.ih * k.iw);
            wn = (size_t)(k.m * s.k);
            yn = (size_t)(k.batch * k.m * s.n);
            mn = (size_t)k.m;
        }
        uint8_t *x = malloc(xn + 1), *y = malloc(yn + 1), *want = malloc(yn + 1);
        int16_t *w = malloc(wn * 2 + 2);
        int32_t *bias = malloc(mn * 4 + 4);
        float *mult = malloc(mn * 4 + 4);
        fill_q8(x, q.xdt, xn);
        fill_weights(w, wn, narrow);
        fill_bias_mult(bias, mult, mn);
        const int32_t *b = it % 4 == 3 ? NULL : bias;
        void *ref_scratch = NULL;
        if (fc) {
            mp = (eb_ref_matmul_q8_params){.m = rows, .k = kk, .n = nn, .a_dtype = q.xdt,
                                           .y_dtype = q.ydt, .a_zp = q.x_zp, .b = w, .bias = b,
                                           .mult = mult, .y_zp = q.y_zp, .y_min = q.y_min,
                                           .y_max = q.y_max};
            eb_ref_matmul_q8(&mp, x, want);
        } else {
            cp = (eb_ref_conv_q8_params){.win = k.win, .batch = k.batch, .in_channels = k.c,
                                         .out_channels = k.m, .group = k.group, .x_dtype = q.xdt,
                                         .y_dtype = q.ydt, .x_zp = q.x_zp, .w = w, .bias = b,
                                         .mult = mult, .y_zp = q.y_zp, .y_min = q.y_min,
                                         .y_max = q.y_max};
            ref_scratch = malloc(eb_ref_conv_q8_scratch_bytes(&cp) + 16);
            eb_ref_conv_q8(&cp, x, want, ref_scratch);
        }
        eb_simd_gemm_q8 G;
        /* fc weights are [k][n] (b of the matmul): element (feature, kk) */
        if (eb_simd_gemm_q8_init(&G, v, vec, &s, w, fc ? 1 : s.k, fc ? nn : 1, b, mult, q.xdt,
                                 q.x_zp, q.ydt, q.y_zp, q.y_min, q.y_max) != 0) {
            snprintf(msg, len, "%s: out of memory", what);
            fail = 1;
        } else {
            eb_simd_scratch sc = scratch_for(eb_simd_gemm_q8_scratch(&G), threads);
            eb_simd_gemm_q8_run(&G, pool, &sc, x, y);
            fail = compare_bytes(y, want, yn, what, it, msg, len);
            free(sc.base);
            eb_simd_gemm_q8_free(&G);
        }
        free(ref_scratch);
        free(x);
        free(y);
        free(want);
        free(w);
        free(bias);
        free(mult);
    }
    eb_simd_pool_destroy(pool);
    return fail;
}

/* ---- vector helpers -------------------------------------------------------- */

/* The channels-last depthwise path as the plan runs it (simd_plan.c): the
 * padded buffer's size, the input copied in by to_nhwc, the output rows in
 * two calls so that a row range that does not start at 0 is checked. */
static void *nhwc_buffer(const eb_simd_conv_geom *g, int64_t cpad, int64_t *prow, int64_t *pcol)
{
    int64_t rows = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
    int64_t cols = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1;
    *prow = rows > g->ph + g->ih ? rows : g->ph + g->ih;
    *pcol = cols > g->pw + g->iw ? cols : g->pw + g->iw;
    return calloc((size_t)(*prow * *pcol * cpad) + 8, 4);
}

static void dw_nhwc_f32_run(const eb_simd_vec_kernels *vec, const eb_simd_conv_geom *g,
                            int64_t batch, int64_t c, const float *x, const float *w,
                            const float *bias, float lo, float hi, float *y)
{
    const int64_t cpad = (c + 7) & ~(int64_t)7, taps = g->kh * g->kw;
    int64_t prow, pcol;
    float *buf = nhwc_buffer(g, cpad, &prow, &pcol);
    float *nw = calloc((size_t)(taps * cpad) + 8, 4), *nb = calloc((size_t)cpad + 8, 4);
    for (int64_t ch = 0; ch < c; ch++) {
        for (int64_t t = 0; t < taps; t++)
            nw[t * cpad + ch] = w[ch * taps + t];
        nb[ch] = bias[ch];
    }
    for (int64_t b = 0; b < batch; b++) {
        /* in two bands of rows, as the plan copies them */
        const int64_t plane = g->ih * g->iw, h = g->ih / 2;
        vec->to_nhwc_f32(x + b * c * plane, plane, h, g->iw, pcol, cpad, 0, c,
                         buf + (g->ph * pcol + g->pw) * cpad);
        vec->to_nhwc_f32(x + b * c * plane + h * g->iw, plane, g->ih - h, g->iw, pcol, cpad, 0, c,
                         buf + ((g->ph + h) * pcol + g->pw) * cpad);
        float *yb = y + b * c * g->oh * g->ow;
        vec->dwconv_nhwc_f32(g, c, cpad, pcol, buf, nw, nb, lo, hi, 0, g->oh / 2, yb);
        vec->dwconv_nhwc_f32(g, c, cpad, pcol, buf, nw, nb, lo, hi, g->oh / 2, g->oh, yb);
    }
    free(buf);
    free(nw);
    free(nb);
}

static void dw_nhwc_q8_run(const eb_simd_vec_kernels *vec, const eb_simd_conv_geom *g,
                           int64_t batch, int64_t c, const q8_case *q, const uint8_t *x,
                           const int16_t *w, const int32_t *bias, const float *mult, uint8_t *y)
{
    const int64_t cpad = (c + 7) & ~(int64_t)7, taps = g->kh * g->kw;
    int64_t prow, pcol;
    int32_t *buf = nhwc_buffer(g, cpad, &prow, &pcol);
    int32_t *nw = calloc((size_t)(taps * cpad) + 8, 4), *nb = calloc((size_t)cpad + 8, 4);
    float *nm = calloc((size_t)cpad + 8, 4);
    for (int64_t ch = 0; ch < c; ch++) {
        for (int64_t t = 0; t < taps; t++)
            nw[t * cpad + ch] = w[ch * taps + t];
        nb[ch] = bias[ch];
        nm[ch] = mult[ch];
    }
    for (int64_t b = 0; b < batch; b++) {
        const int64_t plane = g->ih * g->iw, h = g->ih / 2;
        vec->to_nhwc_q8(x + b * c * plane, q->xdt, q->x_zp, plane, h, g->iw, pcol, cpad, 0, c,
                        buf + (g->ph * pcol + g->pw) * cpad);
        vec->to_nhwc_q8(x + b * c * plane + h * g->iw, q->xdt, q->x_zp, plane, g->ih - h, g->iw,
                        pcol, cpad, 0, c, buf + ((g->ph + h) * pcol + g->pw) * cpad);
        uint8_t *yb = y + b * c * g->oh * g->ow;
        vec->dwconv_nhwc_q8(g, c, cpad, pcol, buf, nw, nb, nm, q->y_zp, q->y_min, q->y_max, 0,
                            g->oh / 2, yb);
        vec->dwconv_nhwc_q8(g, c, cpad, pcol, buf, nw, nb, nm, q->y_zp, q->y_min, q->y_max,
                            g->oh / 2, g->oh, yb);
    }
    free(buf);
    free(nw);
    free(nb);
    free(nm);
}

/* The 3x3, dilation-1 windows at stride 1 or 2 that have their own
 * planar kernel (simd_vec_dwconv.h), on rows wide enough for several
 * sixteen-column blocks and a ragged last one. */
static void random_dw3(conv_case *k, int stride)
{
    do {
        random_conv(k, 1, 0);
        k->kh = k->kw = 3;
        k->dh = k->dw = 1;
        k->sh = k->sw = stride;
        k->ph = k->pw = rnd_in(0, 1);
        k->pe_h = k->pe_w = rnd_in(0, 1);
        k->ih = rnd_in(3, 20);
        k->iw = rnd_in(14, 70);
    } while (!make_window(k));
}

/* Stride 2 on odd widths with one column of padding on each side: the
 * last output's window then takes its right tap from the padding, and
 * with ows of 17-36 the last block of 16 outputs holds 1-16 of them, so
 * the in-place AVX-512 kernel's loads of columns +18..+33 meet the row's
 * end in every lane (an off-by-one there reads the next row). */
static void random_dw3_odd_s2(conv_case *k)
{
    do {
        random_conv(k, 1, 0);
        k->kh = k->kw = 3;
        k->dh = k->dw = 1;
        k->sh = k->sw = 2;
        k->ph = k->pw = k->pe_h = k->pe_w = 1;
        k->ih = rnd_in(3, 20);
        k->iw = 2 * rnd_in(16, 35) + 1;
    } while (!make_window(k));
}

/* Dilated windows on rows wide enough for the vector loops of every
 * kernel, not only their scalar edge columns (random_conv's rows are at
 * most 29 wide and one case in six is dilated). */
static void random_dw_dilated(conv_case *k)
{
    do {
        random_conv(k, 1, 0);
        k->dh = rnd_in(1, 3);
        k->dw = rnd_in(2, 3);
        k->iw = rnd_in(20, 64);
    } while (!make_window(k));
}

/* Planes tall and wide enough that the planar kernels copy them in several
 * groups of rows (simd_vec_dwconv.h's padded_plane: 24 KiB per copy), the
 * last one ragged: the 3x3 kernels at stride 1 and 2 (fp32 and int8
 * int16), and the general ones. Few channels: the planes are large. */
static void random_dw_tall(conv_case *k, int kind)
{
    do {
        random_conv(k, 1, 0);
        if (kind < 2) {
            k->kh = k->kw = 3;
            k->dh = k->dw = 1;
            k->sh = k->sw = 1 + kind;
        }
        k->batch = 1;
        k->c = k->m = k->group = rnd_in(1, 3);
        k->ih = rnd_in(130, 260);
        k->iw = rnd_in(40, 200);
    } while (!make_window(k));
}

/* Each of the four paddings 0 to max. */
static void random_pads(conv_case *k, int64_t max)
{
    k->ph = rnd_in(0, max);
    k->pw = rnd_in(0, max);
    k->pe_h = rnd_in(0, max);
    k->pe_w = rnd_in(0, max);
}

/* A depthwise case with a 3x3 or 5x5 window at stride 1 or 2, each
 * padding up to the window's half (wide_pads: up to its width less one). */
static void random_dw_window(conv_case *k, int wide_pads)
{
    random_conv(k, 1, 0);
    k->kh = k->kw = rnd_in(0, 1) ? 3 : 5;
    k->dh = k->dw = 1;
    k->sh = k->sw = rnd_in(1, 2);
    random_pads(k, wide_pads ? k->kh - 1 : k->kh / 2);
}

/* Planes at most 8 outputs wide with 3x3 or 5x5 windows at stride 1 or 2
 * (a CNN's 7x7 layers; AVX-512's small-plane kernels): every padding up
 * to the window's half on each side, any row count (groups of four output
 * rows with a ragged last one), rows shorter than the window. */
static void random_dw_narrow(conv_case *k)
{
    do {
        random_dw_window(k, 0);
        k->ih = rnd_in(1, 17);
        k->iw = rnd_in(1, 16);
    } while (!make_window(k) || k->win.out[1] > 8);
}

/* 3x3 and 5x5 windows at stride 1 or 2 on rows of every width up to ten
 * blocks of eight outputs, any padding up to the window's width (AVX2's
 * in-place kernel, simd_vec_dwconv_avx2.h): plain and masked blocks, the
 * masks made once per call (up to four blocks) or per block, stride 2's
 * reordered lanes, ragged last blocks and row groups; a quarter of them
 * single planes thousands of columns wide (AVX2 int8's bands of one to a
 * few output rows, and rows too wide for them). */
static void random_dw_any_width(conv_case *k)
{
    do {
        random_dw_window(k, 1);
        k->ih = rnd_in(1, 20);
        k->iw = rnd_in(1, 160);
        if (rnd_in(0, 3) == 0) { /* AVX2 int8 converts bands of a few rows */
            k->c = k->m = k->group = 1;
            k->ih = rnd_in(1, 12);
            k->iw = rnd_in(2000, 9000);
        }
    } while (!make_window(k));
}

/* 3x3 windows at stride 1 or 2 on planes of at most 16 output columns,
 * up to 3 of padding on a side (VNNI's tiny-plane kernel,
 * simd_vec_dwconv_q8_tiny.h: one, two or four lanes per plane, the last
 * vector of planes partly empty); their int8 weights always narrow. */
static void random_dw_tiny(conv_case *k)
{
    do {
        random_dw_window(k, 0);
        k->kh = k->kw = 3;
        random_pads(k, 3);
        k->ih = rnd_in(1, 20);
        k->iw = rnd_in(1, 36);
    } while (!make_window(k) || k->win.out[1] > 16);
}

/* vec->dwconv_q8_tiny on the case's planes when every channel packs: each
 * image's channels in runs of random length (a run's parameters start at
 * its first channel). 0 when it matched `want` or did not apply. */
static int check_dw_tiny(const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *s,
                         const conv_case *k, const q8_case *q, const uint8_t *xq,
                         const int16_t *wq, const int32_t *bq, const float *mult,
                         const uint8_t *want, int it, char *msg, size_t len)
{
    const int64_t taps = k->kh * k->kw, plane_in = k->ih * k->iw, plane_out = s->n;
    const size_t yn = (size_t)(k->batch * k->c * plane_out);
    if (!vec->dw_q8_tiny_pack)
        return 0;
    int32_t *prm = malloc((size_t)k->c * 16);
    uint8_t *y = calloc(yn + 1, 1);
    int packed = 1;
    for (int64_t c = 0; c < k->c && packed; c++)
        packed = vec->dw_q8_tiny_pack(&s->geom, wq + c * taps, bq[c], q->x_zp, q->xdt,
                                      prm + 4 * c);
    int bad = 0;
    if (packed) {
        for (int64_t b = 0; b < k->batch; b++)
            for (int64_t c0 = 0; c0 < k->c;) {
                const int64_t n = rnd_in(1, k->c - c0), p = b * k->c + c0;
                vec->dwconv_q8_tiny(&s->geom, n, xq + p * plane_in, plane_in, q->xdt, q->x_zp,
                                    prm + 4 * c0, mult + c0, q->y_zp, q->y_min, q->y_max,
                                    y + p * plane_out, plane_out);
                c0 += n;
            }
        char what[64];
        snprintf(what, sizeof what, "q8_dwconv2d__%s tiny planes", vec->name);
        bad = compare_bytes(y, want, yn, what, it, msg, len);
    }
    free(prm);
    free(y);
    return bad;
}

/* int8 depthwise sums past 2^24: ref converts the wrapped int32 sum to
 * float once, where a kernel summing in fp32 (AVX2's dw_avx2_q8 does,
 * exactly, below 2^24) and starting from the bias would round the bias
 * first. Bias 2^24 + 1, the window sums 0 or 1 (one tap of weight 1 on
 * x - zp = 1): ref's floats are 2^24 and 2^24 + 2, a bias-first sum gives
 * 2^24 for both, and the multiplier is picked so that those two round to
 * different bytes (a bias-first variant of dw_avx2_q8 that ignored the
 * bound failed here). */
static int check_dwconv_q8_wide_sums(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    conv_case k = {.batch = 1, .c = 1, .m = 1, .group = 1, .ih = 12, .iw = 20, .kh = 3,
                   .kw = 3, .sh = 1, .sw = 1, .dh = 1, .dw = 1, .ph = 1, .pw = 1,
                   .pe_h = 1, .pe_w = 1};
    if (!make_window(&k))
        return 0;
    eb_simd_gemm_shape s;
    shape_of(&k, &s);
    const int32_t bias = (1 << 24) + 1, x_zp = 7;
    float mult = 100.5f / (float)(1 << 24);
    for (int i = 0; i < 64 && nearbyintf((float)((1 << 24) + 2) * mult) ==
                                  nearbyintf((float)(1 << 24) * mult);
         i++)
        mult = nextafterf(mult, 1.0f);
    if (nearbyintf((float)((1 << 24) + 2) * mult) == nearbyintf((float)(1 << 24) * mult)) {
        snprintf(msg, len, "q8_dwconv2d__%s wide sums: no multiplier separates the sums",
                 vec->name);
        return 1;
    }
    const size_t xn = (size_t)(k.ih * k.iw), yn = (size_t)(k.win.out[0] * k.win.out[1]);
    uint8_t x[12 * 20], y[12 * 20], want[12 * 20];
    int16_t w[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    int32_t acc[12 * 20 + 1];
    for (size_t i = 0; i < xn; i++)
        x[i] = (uint8_t)(x_zp + (int)(i % 3 == 0)); /* x - zp: 1 or 0 */
    eb_ref_conv_q8_params cp = {.win = k.win, .batch = 1, .in_channels = 1, .out_channels = 1,
                                .group = 1, .x_dtype = EB_DT_U8, .y_dtype = EB_DT_U8,
                                .x_zp = x_zp, .w = w, .bias = &bias, .mult = &mult, .y_zp = 0,
                                .y_min = 0, .y_max = 255};
    void *rs = malloc(eb_ref_conv_q8_scratch_bytes(&cp) + 16);
    eb_ref_conv_q8(&cp, x, want, rs);
    free(rs);
    vec->dwconv_q8(&s.geom, x, EB_DT_U8, x_zp, w, bias, mult, 0, 0, 255, EB_DT_U8, y, acc);
    char what[64];
    snprintf(what, sizeof what, "q8_dwconv2d__%s wide sums", vec->name);
    return compare_bytes(y, want, yn, what, 0, msg, len);
}

static int check_dwconv(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    for (int it = 0; it < 203; it++) {
        conv_case k;
        if (it < 40)
            random_conv(&k, 1, 0);
        else if (it < 60)
            random_dw3(&k, 1 + it % 2);
        else if (it < 72)
            random_dw_dilated(&k);
        else if (it < 81)
            random_dw_tall(&k, it % 3);
        else if (it < 93)
            random_dw3_odd_s2(&k);
        else if (it < 133)
            random_dw_narrow(&k);
        else if (it < 163)
            random_dw_any_width(&k);
        else
            random_dw_tiny(&k);
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        s.geom.channels = 1;
        const int64_t taps = k.kh * k.kw, plane_in = k.ih * k.iw, plane_out = s.n;
        const size_t xn = (size_t)(k.batch * k.c * plane_in), yn = (size_t)(k.batch * k.c * plane_out);
        /* fp32 */
        float *x = malloc(xn * 4), *w = malloc((size_t)(k.c * taps) * 4), *bias = malloc((size_t)k.c * 4);
        float *y = malloc(yn * 4);
        double *want = malloc(yn * 8), *mag = malloc(yn * 8);
        for (size_t i = 0; i < xn; i++)
            x[i] = rnd_f();
        for (int64_t i = 0; i < k.c * taps; i++)
            w[i] = rnd_f();
        /* every fourth case without a bias (NULL: zeros) */
        const int no_bias = it % 4 == 1;
        for (int64_t i = 0; i < k.c; i++)
            bias[i] = no_bias ? 0.0f : rnd_f();
        conv_direct_f32(&k, x, w, bias, want, mag);
        float lo = it % 3 == 0 ? 0.0f : -INFINITY, hi = it % 6 == 0 ? 6.0f : INFINITY;
        /* odd cases: an image's planes in one call; even ones: a plane per
         * call */
        for (int64_t b = 0; b < k.batch; b++) {
            if (it % 2)
                vec->dwconv_f32(&s.geom, k.c, x + b * k.c * plane_in, plane_in, w,
                                no_bias ? NULL : bias, lo, hi, y + b * k.c * plane_out, plane_out);
            else
                for (int64_t c = 0; c < k.c; c++)
                    vec->dwconv_f32(&s.geom, 1, x + (b * k.c + c) * plane_in, plane_in,
                                    w + c * taps, bias + c, lo, hi,
                                    y + (b * k.c + c) * plane_out, plane_out);
        }
        int bad = 0;
        for (size_t i = 0; i < yn && !bad; i++)
            if (!close_enough(y[i], want[i], mag[i], lo, hi)) {
                snprintf(msg, len, "f32_dwconv2d__%s: case %d (%lldx%lld/%lld on %lldx%lld): "
                         "element %zu is %.9g, want %.9g", vec->name, it, (long long)k.kh,
                         (long long)k.kw, (long long)k.sh, (long long)k.ih, (long long)k.iw, i,
                         (double)y[i], want[i]);
                bad = 1;
            }
        if (!bad) {
            memset(y, 0, yn * 4);
            dw_nhwc_f32_run(vec, &s.geom, k.batch, k.c, x, w, bias, lo, hi, y);
            for (size_t i = 0; i < yn && !bad; i++)
                if (!close_enough(y[i], want[i], mag[i], lo, hi)) {
                    snprintf(msg, len, "f32_dwconv2d__%s channels-last: case %d (%lld channels, "
                             "%lldx%lld/%lld on %lldx%lld): element %zu is %.9g, want %.9g",
                             vec->name, it, (long long)k.c, (long long)k.kh, (long long)k.kw,
                             (long long)k.sh, (long long)k.ih, (long long)k.iw, i, (double)y[i],
                             want[i]);
                    bad = 1;
                }
        }
        free(x);
        free(w);
        free(bias);
        free(y);
        free(want);
        free(mag);
        if (bad)
            return 1;
        /* int8 */
        q8_case q;
        random_q8(&q);
        uint8_t *xq = malloc(xn), *yq = malloc(yn), *wantq = malloc(yn);
        int16_t *wq = malloc((size_t)(k.c * taps) * 2);
        int32_t *bq = malloc((size_t)k.c * 4), *acc = malloc((size_t)(s.geom.oh * s.geom.ow) * 4 + 4);
        float *mult = malloc((size_t)k.c * 4);
        fill_q8(xq, q.xdt, xn);
        fill_weights(wq, (size_t)(k.c * taps), it % 2 || it >= 163);
        fill_bias_mult(bq, mult, (size_t)k.c);
        eb_ref_conv_q8_params cp = {.win = k.win, .batch = k.batch, .in_channels = k.c,
                                    .out_channels = k.c, .group = k.c, .x_dtype = q.xdt,
                                    .y_dtype = q.ydt, .x_zp = q.x_zp, .w = wq, .bias = bq,
                                    .mult = mult, .y_zp = q.y_zp, .y_min = q.y_min,
                                    .y_max = q.y_max};
        void *rs = malloc(eb_ref_conv_q8_scratch_bytes(&cp) + 16);
        eb_ref_conv_q8(&cp, xq, wantq, rs);
        for (int64_t p = 0; p < k.batch * k.c; p++) {
            int64_t c = p % k.c;
            vec->dwconv_q8(&s.geom, xq + p * plane_in, q.xdt, q.x_zp, wq + c * taps, bq[c],
                           mult[c], q.y_zp, q.y_min, q.y_max, q.ydt, yq + p * plane_out, acc);
        }
        char what[64];
        snprintf(what, sizeof what, "q8_dwconv2d__%s", vec->name);
        bad = compare_bytes(yq, wantq, yn, what, it, msg, len);
        if (!bad) {
            memset(yq, 0, yn);
            dw_nhwc_q8_run(vec, &s.geom, k.batch, k.c, &q, xq, wq, bq, mult, yq);
            snprintf(what, sizeof what, "q8_dwconv2d__%s channels-last", vec->name);
            bad = compare_bytes(yq, wantq, yn, what, it, msg, len);
        }
        if (!bad)
            bad = check_dw_tiny(vec, &s, &k, &q, xq, wq, bq, mult, wantq, it, msg, len);
        free(rs);
        free(xq);
        free(yq);
        free(wantq);
        free(wq);
        free(bq);
        free(acc);
        free(mult);
        if (bad)
            return 1;
    }
    return 0;
}

static int check_requant(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    enum { N = 77 };
    int32_t acc[N];
    uint8_t got[N], want[N];
    for (int it = 0; it < 400; it++) {
        q8_case q;
        random_q8(&q);
        for (int i = 0; i < N; i++)
            acc[i] = it % 7 == 0 ? (int32_t)rnd() : (int32_t)rnd_in(-300000, 300000);
        acc[0] = INT32_MIN;
        acc[1] = INT32_MAX;
        int32_t add = it % 3 == 0 ? (int32_t)rnd() : (int32_t)rnd_in(-5000, 5000);
        float mult = (float)(0.00001 + (double)(rnd() % 100000) * 0.0000001);
        if (it % 11 == 0)
            mult = 0.5f; /* many exact halves: ties must round to even */
        int n = (int)rnd_in(1, N);
        vec->requant(acc, n, add, mult, q.y_zp, q.y_min, q.y_max, q.ydt, got);
        for (int i = 0; i < n; i++) {
            int32_t a = (int32_t)((uint32_t)acc[i] + (uint32_t)add);
            int32_t v = eb_ref_requant_s32(a, mult, q.y_zp, q.y_min, q.y_max);
            want[i] = (uint8_t)v;
        }
        char what[64];
        snprintf(what, sizeof what, "requant__%s", vec->name);
        if (compare_bytes(got, want, (size_t)n, what, it, msg, len))
            return 1;
        /* the GEMM epilogues on the same values: one row of a tile, and
         * one column of a column-major tile (per-row add and mult) */
        int32_t adds[N];
        float mults[N];
        for (int i = 0; i < N; i++) {
            adds[i] = add;
            mults[i] = mult;
        }
        memset(got, 0, sizeof got);
        vec->requant_tile(acc, N, 1, n, adds, mults, q.y_zp, q.y_min, q.y_max, got, N);
        snprintf(what, sizeof what, "requant_tile__%s", vec->name);
        if (compare_bytes(got, want, (size_t)n, what, it, msg, len))
            return 1;
        memset(got, 0, sizeof got);
        vec->requant_cols(acc, N, n, 1, adds, mults, q.y_zp, q.y_min, q.y_max, got, 1);
        snprintf(what, sizeof what, "requant_cols__%s", vec->name);
        if (compare_bytes(got, want, (size_t)n, what, it, msg, len))
            return 1;
    }
    return 0;
}

static int check_add(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    enum { N = 301 };
    float a[N], b[N], y[N];
    uint8_t qa[N], qb[N], qy[N], qw[N];
    for (int it = 0; it < 60; it++) {
        int64_t i0 = rnd_in(0, 20), i1 = rnd_in(i0, N);
        float lo = it % 2 ? 0.0f : -INFINITY, hi = it % 4 == 1 ? 0.3f : INFINITY;
        for (int i = 0; i < N; i++) {
            a[i] = rnd_f();
            b[i] = rnd_f();
            y[i] = 42.0f;
        }
        vec->add_f32(a, b, lo, hi, y, i0, i1);
        for (int i = 0; i < N; i++) {
            float v = a[i] + b[i];
            v = v < lo ? lo : v > hi ? hi : v;
            float w = i >= i0 && i < i1 ? v : 42.0f;
            if (y[i] != w) {
                snprintf(msg, len, "f32_add__%s: case %d element %d is %g, want %g", vec->name,
                         it, i, (double)y[i], (double)w);
                return 1;
            }
        }
        q8_case q;
        random_q8(&q);
        eb_ref_add_q8_params p = {.count = N, .a_dtype = rnd() % 2 ? EB_DT_U8 : EB_DT_I8,
                                  .b_dtype = rnd() % 2 ? EB_DT_U8 : EB_DT_I8, .y_dtype = q.ydt,
                                  .y_zp = q.y_zp, .y_min = q.y_min, .y_max = q.y_max,
                                  .a_mult = (float)(0.05 + (rnd() % 1000) * 0.002),
                                  .b_mult = (float)(0.05 + (rnd() % 1000) * 0.002)};
        p.a_zp = (int32_t)rnd_in(p.a_dtype == EB_DT_U8 ? 0 : -128, p.a_dtype == EB_DT_U8 ? 255 : 127);
        p.b_zp = (int32_t)rnd_in(p.b_dtype == EB_DT_U8 ? 0 : -128, p.b_dtype == EB_DT_U8 ? 255 : 127);
        fill_q8(qa, p.a_dtype, N);
        fill_q8(qb, p.b_dtype, N);
        eb_ref_add_q8(&p, qa, qb, qw);
        memset(qy, 0, sizeof qy);
        vec->add_q8(&p, qa, qb, qy, 0, N);
        char what[64];
        snprintf(what, sizeof what, "q8_add__%s", vec->name);
        if (compare_bytes(qy, qw, N, what, it, msg, len))
            return 1;
    }
    return 0;
}

/* A pooling input value: mostly random, now and then one that tells two
 * ways of taking the maximum apart (NaN, which never becomes it; +0 and
 * -0, equal, so the first taken stays; -inf and +inf). */
static float pool_value(void)
{
    switch (rnd_in(0, 15)) {
    case 0:
        return NAN;
    case 1:
        return 0.0f;
    case 2:
        return -0.0f;
    case 3:
        return -INFINITY;
    case 4:
        return rnd_in(0, 3) ? 0.0f : INFINITY;
    default:
        return rnd_f();
    }
}

static int check_pools(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    for (int it = 0; it < 90; it++) {
        conv_case k;
        random_conv(&k, 1, 0);
        k.dh = k.dw = 1;
        if (it >= 60) {
            /* 3x3 / 2 (its own AVX-512 kernel): padded on either side or
             * not, any width, a few rows */
            k.kh = k.kw = 3;
            k.sh = k.sw = 2;
            random_pads(&k, 2);
            k.ih = rnd_in(1, 12);
            k.iw = rnd_in(1, 80);
        } else if (it % 2 == 0) {
            /* 2x2 stride 2 unpadded (the kernels' fast path, its 16- and
             * 8-wide steps and the overlapping last one; AVX-512's chunks
             * of 32 outputs and a masked last one), odd sizes too */
            k.kh = k.kw = k.sh = k.sw = 2;
            k.ph = k.pw = k.pe_h = k.pe_w = 0;
            k.ih = rnd_in(2, 40);
            k.iw = rnd_in(2, it % 4 == 0 ? 160 : 40);
        } else if (it % 4 == 1) {
            /* 3x3 at stride 1 or 2 on rows of several 16-output blocks
             * (ResNet's and SqueezeNet's pools), padded or not */
            k.kh = k.kw = 3;
            k.sh = k.sw = rnd_in(1, 2);
            k.ph = k.pw = rnd_in(0, 1);
            k.pe_h = k.pe_w = rnd_in(0, 1);
            k.ih = rnd_in(3, 30);
            k.iw = rnd_in(20, 120);
        }
        if (!make_window(&k))
            continue;
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        s.geom.channels = 1;
        size_t xn = (size_t)(k.ih * k.iw), yn = (size_t)s.n;
        float *x = malloc(xn * 4), *y = malloc(yn * 4);
        for (size_t i = 0; i < xn; i++)
            x[i] = pool_value();
        vec->maxpool_f32(&s.geom, x, y);
        for (int64_t oy = 0; oy < s.geom.oh; oy++)
            for (int64_t ox = 0; ox < s.geom.ow; ox++) {
                float best = -INFINITY;
                for (int64_t ky = 0; ky < k.kh; ky++)
                    for (int64_t kx = 0; kx < k.kw; kx++) {
                        int64_t iy = oy * k.sh - k.ph + ky, ix = ox * k.sw - k.pw + kx;
                        if (iy >= 0 && iy < k.ih && ix >= 0 && ix < k.iw && x[iy * k.iw + ix] > best)
                            best = x[iy * k.iw + ix];
                    }
                if (memcmp(&y[oy * s.geom.ow + ox], &best, sizeof best) != 0) {
                    snprintf(msg, len, "f32_maxpool2d__%s: case %d at (%lld, %lld): %g, want %g",
                             vec->name, it, (long long)oy, (long long)ox,
                             (double)y[oy * s.geom.ow + ox], (double)best);
                    free(x);
                    free(y);
                    return 1;
                }
            }
        free(x);
        free(y);
        /* the same window on int8 and uint8 bytes, against eb_ref_maxpool_q8 */
        for (int u = 0; u < 2; u++) {
            const eb_dtype dt = u ? EB_DT_U8 : EB_DT_I8;
            eb_ref_maxpool_q8_params rp = {.win = k.win, .batch = 1, .channels = 1, .dtype = dt};
            uint8_t *xq = malloc(xn + 1), *yq = malloc(yn + 1), *want = malloc(yn + 1);
            for (size_t i = 0; i < xn; i++)
                xq[i] = (uint8_t)rnd_in(0, 255);
            eb_ref_maxpool_q8(&rp, xq, want);
            vec->maxpool_q8(&s.geom, xq, dt, yq);
            int bad = memcmp(yq, want, yn) != 0;
            if (bad)
                snprintf(msg, len, "q8_maxpool2d__%s: case %d (%s, %lldx%lld/%lld on %lldx%lld) "
                         "differs from ref", vec->name, it, u ? "uint8" : "int8", (long long)k.kh,
                         (long long)k.kw, (long long)k.sh, (long long)k.ih, (long long)k.iw);
            free(xq);
            free(yq);
            free(want);
            if (bad)
                return 1;
        }
        /* global average */
        int64_t plane = rnd_in(1, 70), ch = rnd_in(1, 9);
        float *g = malloc((size_t)(plane * ch) * 4), out[9];
        for (int64_t i = 0; i < plane * ch; i++)
            g[i] = rnd_f();
        vec->gavgpool_f32(g, plane, out, 0, ch);
        for (int64_t c = 0; c < ch; c++) {
            double sum = 0, mag = 0;
            for (int64_t i = 0; i < plane; i++) {
                sum += g[c * plane + i];
                mag += fabs(g[c * plane + i]);
            }
            if (fabs(out[c] - sum / plane) > EB_SIMD_CHECK_RTOL * mag / plane + 1e-6) {
                snprintf(msg, len, "f32_gavgpool__%s: case %d channel %lld: %g, want %g",
                         vec->name, it, (long long)c, (double)out[c], sum / plane);
                free(g);
                return 1;
            }
        }
        free(g);
    }
    return 0;
}

/* A one-group windowed case for the packers, its stride 3-5 every fifth
 * time (patchifying stems): the shape's geometry over all k->c channels,
 * K their taps. 0 when that stride leaves no window (skip it). */
static int random_pack_case(int it, conv_case *k, eb_simd_gemm_shape *s)
{
    random_conv(k, 0, 0);
    k->group = 1;
    if (it % 5 == 4) {
        k->sw = rnd_in(3, 5);
        if (!make_window(k))
            return 0;
    }
    shape_of(k, s);
    s->geom.channels = k->c;
    s->k = k->c * k->kh * k->kw;
    return 1;
}

/* Such a case and panel in words, for a failure's message. */
static void pack_case_text(const conv_case *k, int nr, int64_t j0, int nvalid, char *buf,
                           size_t n)
{
    snprintf(buf, n, "%lldx%lld s%lld,%lld d%lld p%lld,%lld on %lldx%lld, nr %d, j0 %lld, nvalid %d",
             (long long)k->kh, (long long)k->kw, (long long)k->sh, (long long)k->sw,
             (long long)k->dw, (long long)k->ph, (long long)k->pw, (long long)k->ih,
             (long long)k->iw, nr, (long long)j0, nvalid);
}

/* pack_b_f32 of windowed convolutions against the layout rule in
 * simd_kernels.h, element for element over the whole panel (columns past
 * nvalid and taps in the padding must be 0; the panel starts as NaN so an
 * element left unwritten shows): any window, stride and dilation, panels
 * of the kernels' widths (7, 16, 32) and others up to MAX_NR, starting
 * anywhere in the plane, so they cross output rows, rows narrower than a
 * vector, and (narrow rows under wide panels) more runs than the AVX-512
 * row path's table holds. */
static int check_pack_f32(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    static const int widths[] = {7, 16, 32, 6, 64, 48};
    for (int it = 0; it < 120; it++) {
        conv_case k;
        eb_simd_gemm_shape s;
        if (!random_pack_case(it, &k, &s))
            continue;
        if (s.geom.pointwise)
            continue;
        int nr = it % 8 < 6 ? widths[it % 6] : (int)rnd_in(1, 64);
        int64_t j0 = rnd_in(0, s.n - 1);
        int nvalid = (int)(s.n - j0 < nr ? s.n - j0 : nr);
        size_t xn = (size_t)(k.c * k.ih * k.iw), dn = (size_t)(s.k * nr);
        float *x = malloc(xn * sizeof *x), *d = malloc(dn * sizeof *d);
        for (size_t i = 0; i < xn; i++)
            x[i] = (float)rnd_in(1, 1000);
        for (size_t i = 0; i < dn; i++)
            d[i] = NAN;
        vec->pack_b_f32(&s.geom, x, j0, nvalid, nr, d);
        for (int64_t kk = 0; kk < s.k; kk++)
            for (int j = 0; j < nr; j++) {
                float want = 0.0f;
                const int64_t i = column_source(&k, s.geom.ow, kk, j0 + j);
                if (j < nvalid && i >= 0)
                    want = x[i];
                float got = d[kk * nr + j];
                if (!(got == want)) {
                    char what[128];
                    pack_case_text(&k, nr, j0, nvalid, what, sizeof what);
                    snprintf(msg, len, "pack_b_f32__%s: case %d (%s) k %lld col %d: %g, want %g",
                             vec->name, it, what, (long long)kk, j, got, want);
                    free(x);
                    free(d);
                    return 1;
                }
            }
        free(x);
        free(d);
    }
    return 0;
}

/* GlobalAveragePool keeps ref's bits (op_global_average_pool.c: one float
 * sum per channel, element by element, then the division), which a
 * quantised consumer needs: every channel of a range, any start, counts
 * on both sides of the eight channels the kernel sums together. */
static int check_gavgpool_bits(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    for (int it = 0; it < 40; it++) {
        int64_t plane = rnd_in(1, 200), ch = rnd_in(1, 40), c0 = rnd_in(0, ch - 1);
        float *g = malloc((size_t)(plane * ch) * sizeof *g), out[40];
        for (int64_t i = 0; i < plane * ch; i++)
            g[i] = rnd_f() * (float)rnd_in(1, 1000);
        vec->gavgpool_f32(g, plane, out, c0, ch);
        for (int64_t c = c0; c < ch; c++) {
            float sum = 0.0f;
            for (int64_t i = 0; i < plane; i++)
                sum += g[c * plane + i];
            const float want = sum / (float)plane;
            if (memcmp(&out[c], &want, sizeof want) != 0) {
                snprintf(msg, len, "f32_gavgpool__%s: case %d (%lld channels from %lld, plane "
                         "%lld) channel %lld: %.9g, want ref's %.9g", vec->name, it,
                         (long long)ch, (long long)c0, (long long)plane, (long long)c,
                         (double)out[c], (double)want);
                free(g);
                return 1;
            }
        }
        free(g);
    }
    return 0;
}

/* The direct few-channel convolution (builds that have it) against the
 * direct sum in double: 1-4 channels, windows up to 7 x 9 at stride 1 or
 * 2 (either axis), dilation, padding on any side, output channels not a
 * multiple of 16, rows wider and narrower than a vector (at most 8: two
 * rows per vector), a range of output rows, odd or even in number (nothing
 * outside it written: the output starts as NaN), Relu / Clip. */
/* One image of 1-4 channels into 1-40 output channels, one group: a
 * stem for the direct kernels (the caller sets the window). */
static void random_stem(conv_case *k)
{
    memset(k, 0, sizeof *k);
    k->batch = 1;
    k->group = 1;
    k->c = rnd_in(1, 4);
    k->m = rnd_in(1, 40);
}

/* VNNI's direct int8 3x3 conv of 1-4 input channels against
 * eb_ref_conv_q8: 1-40 output channels (blocks of 16 and a ragged one),
 * stride 1 or 2 (a few cases strided differently by row and column, which
 * the kernel must refuse), padding 0-2 per side, rows up to 80 wide, a
 * range of output rows (the rest must stay untouched), weights narrow or
 * not (wide ones refused). */
static int check_conv_small_q8(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    if (!vec->conv_small_q8_pack)
        return 0;
    for (int it = 0; it < 80; it++) {
        conv_case k;
        random_stem(&k);
        k.kh = k.kw = 3;
        k.sh = k.sw = rnd_in(1, 2);
        if (it % 13 == 12)
            k.sw = 3 - k.sh;
        k.dh = k.dw = 1;
        random_pads(&k, 2);
        k.ih = rnd_in(1, 24);
        k.iw = rnd_in(1, 80);
        if (!make_window(&k))
            continue;
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        const int64_t taps = s.k, blocks = (k.m + 15) / 16, oh = k.win.out[0], ow = k.win.out[1];
        const size_t xn = (size_t)(k.c * k.ih * k.iw), wn = (size_t)(k.m * taps),
                     yn = (size_t)(k.m * oh * ow);
        q8_case q;
        random_q8(&q);
        uint8_t *x = malloc(xn), *y = malloc(yn + 1), *want = malloc(yn + 1);
        int16_t *w = malloc(wn * 2);
        int32_t *bias = malloc((size_t)k.m * 4), *wp = malloc((size_t)(blocks * 3 * k.c * 16) * 4);
        int32_t *add = malloc((size_t)blocks * 64);
        float *mult = malloc((size_t)blocks * 64);
        fill_q8(x, q.xdt, xn);
        fill_weights(w, wn, it % 5 != 4);
        fill_bias_mult(bias, mult, (size_t)k.m);
        eb_ref_conv_q8_params cp = {.win = k.win, .batch = 1, .in_channels = k.c,
                                    .out_channels = k.m, .group = 1, .x_dtype = q.xdt,
                                    .y_dtype = q.ydt, .x_zp = q.x_zp, .w = w, .bias = bias,
                                    .mult = mult, .y_zp = q.y_zp, .y_min = q.y_min,
                                    .y_max = q.y_max};
        void *rs = malloc(eb_ref_conv_q8_scratch_bytes(&cp) + 16);
        eb_ref_conv_q8(&cp, x, want, rs);
        int narrow = 1;
        for (size_t i = 0; i < wn; i++)
            narrow &= w[i] >= -128 && w[i] <= 127;
        const int takes = vec->conv_small_q8_pack(&s.geom, k.m, w, bias, q.x_zp, q.xdt, wp, add);
        int bad = 0;
        if (takes != (narrow && k.sh == k.sw)) {
            snprintf(msg, len, "conv_small_q8__%s: case %d: pack said %d for %s weights, "
                     "strides %lld,%lld", vec->name, it, takes, narrow ? "narrow" : "wide",
                     (long long)k.sh, (long long)k.sw);
            bad = 1;
        } else if (takes) {
            const int64_t r0 = it % 4 == 1 ? rnd_in(0, oh - 1) : 0;
            const int64_t r1 = it % 4 == 1 ? rnd_in(r0, oh) : oh;
            memset(y, 0xA5, yn);
            vec->conv_small_q8(&s.geom, k.m, wp, add, mult, x, q.xdt, q.x_zp, q.y_zp, q.y_min,
                               q.y_max, y, r0, r1);
            for (int64_t o = 0; o < k.m && !bad; o++)
                for (int64_t p = 0; p < oh * ow && !bad; p++) {
                    const size_t i = (size_t)(o * oh * ow + p);
                    const int in_range = p / ow >= r0 && p / ow < r1;
                    if (y[i] != (in_range ? want[i] : 0xA5)) {
                        snprintf(msg, len, "conv_small_q8__%s: case %d (%lld ch -> %lld, s%lld "
                                 "p%lld,%lld on %lldx%lld, rows %lld-%lld) channel %lld at "
                                 "%lld,%lld: %d, want %d", vec->name, it, (long long)k.c,
                                 (long long)k.m, (long long)k.sh, (long long)k.ph,
                                 (long long)k.pw, (long long)k.ih, (long long)k.iw,
                                 (long long)r0, (long long)r1, (long long)o,
                                 (long long)(p / ow), (long long)(p % ow), y[i],
                                 in_range ? want[i] : 0xA5);
                        bad = 1;
                    }
                }
        }
        free(rs);
        free(x);
        free(y);
        free(want);
        free(w);
        free(bias);
        free(wp);
        free(add);
        free(mult);
        if (bad)
            return 1;
    }
    return 0;
}

static int check_conv_small(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    if (!vec->conv_small_f32)
        return 0;
    for (int it = 0; it < 60; it++) {
        conv_case k;
        random_stem(&k);
        k.kh = rnd_in(1, 7);
        k.kw = rnd_in(1, 9);
        k.sh = rnd_in(1, 2);
        k.sw = rnd_in(1, 2);
        k.dh = k.dw = it % 7 == 6 ? 2 : 1;
        k.ph = rnd_in(0, k.kh / 2 + 1);
        k.pw = rnd_in(0, k.kw / 2 + 1);
        k.pe_h = rnd_in(0, k.kh / 2 + 1);
        k.pe_w = rnd_in(0, k.kw / 2 + 1);
        k.ih = rnd_in(k.kh * k.dh, 24);
        k.iw = rnd_in(k.kw * k.dw, 80);
        if (it % 3 == 2) /* rows of at most 8 outputs: two rows per vector */
            k.iw = rnd_in(k.kw * k.dw, k.kw * k.dw + 8);
        if (!make_window(&k))
            continue;
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        const int64_t taps = s.k, groups = (k.m + 15) / 16, oh = k.win.out[0], ow = k.win.out[1];
        const size_t xn = (size_t)(k.c * k.ih * k.iw), wn = (size_t)(k.m * taps),
                     yn = (size_t)(k.m * oh * ow);
        float *x = malloc(xn * 4), *w = malloc(wn * 4), *bias = malloc((size_t)k.m * 4);
        float *wp = calloc((size_t)(groups * taps * 16), 4), *bp = calloc((size_t)groups * 16, 4);
        float *y = malloc(yn * 4);
        double *want = malloc(yn * 8), *mag = malloc(yn * 8);
        for (size_t i = 0; i < xn; i++)
            x[i] = rnd_f();
        for (size_t i = 0; i < wn; i++)
            w[i] = rnd_f();
        for (int64_t o = 0; o < k.m; o++) {
            bias[o] = rnd_f();
            bp[o] = bias[o];
            for (int64_t t = 0; t < taps; t++)
                wp[((o / 16) * taps + t) * 16 + o % 16] = w[o * taps + t];
        }
        for (size_t i = 0; i < yn; i++)
            y[i] = NAN;
        conv_direct_f32(&k, x, w, bias, want, mag);
        const float lo = it % 3 == 0 ? 0.0f : -INFINITY, hi = it % 6 == 0 ? 1.0f : INFINITY;
        const int64_t r0 = it % 4 == 1 ? rnd_in(0, oh - 1) : 0, r1 = it % 4 == 1 ? rnd_in(r0, oh) : oh;
        vec->conv_small_f32(&s.geom, k.m, wp, bp, x, y, r0, r1, lo, hi);
        int bad = 0;
        for (int64_t o = 0; o < k.m && !bad; o++)
            for (int64_t p = 0; p < oh * ow && !bad; p++) {
                const size_t i = (size_t)(o * oh * ow + p);
                const int in_range = p / ow >= r0 && p / ow < r1;
                if (in_range ? !close_enough(y[i], want[i], mag[i], lo, hi) : !isnan(y[i])) {
                    snprintf(msg, len, "f32_conv_small__%s: case %d (%lld ch -> %lld, %lldx%lld "
                             "s%lld,%lld d%lld p%lld,%lld on %lldx%lld, rows %lld-%lld) channel "
                             "%lld at %lld,%lld: %.9g, want %.9g", vec->name, it, (long long)k.c,
                             (long long)k.m, (long long)k.kh, (long long)k.kw, (long long)k.sh,
                             (long long)k.sw, (long long)k.dw, (long long)k.ph, (long long)k.pw,
                             (long long)k.ih, (long long)k.iw, (long long)r0, (long long)r1,
                             (long long)o, (long long)(p / ow), (long long)(p % ow),
                             (double)y[i], in_range ? want[i] : NAN);
                    bad = 1;
                }
            }
        free(x);
        free(w);
        free(bias);
        free(wp);
        free(bp);
        free(y);
        free(want);
        free(mag);
        if (bad)
            return 1;
    }
    return 0;
}

/* Every pack_b_q8 layout against the layout rule in simd_kernels.h. */
static int check_pack(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    static const int layouts[][2] = {{2, 1}, {2, 2}, {1, 4}}; /* elem bytes, ku */
    for (int it = 0; it < 240; it++) {
        conv_case k;
        random_conv(&k, 0, it % 2 == 0);
        k.group = 1;
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        s.geom.channels = k.c;
        s.k = k.c * k.kh * k.kw;
        int elem = layouts[it % 3][0], ku = layouts[it % 3][1], nr = (int)rnd_in(1, 32);
        int64_t kpad = (s.k + ku - 1) / ku * ku, j0 = rnd_in(0, s.n - 1);
        /* a quarter of the cases (half the pointwise ones) pack the last
         * full panel: its reads end at the input's last byte, and x is
         * allocated to the byte, so ASan sees a read past it */
        if (it % 4 == 0 && nr <= s.n)
            j0 = s.n - nr;
        /* another quarter a ragged last panel, whose columns past nvalid
         * must read as zero */
        if (it % 4 == 2 && nr > 1)
            j0 = s.n - rnd_in(1, nr - 1 < s.n ? nr - 1 : s.n);
        int nvalid = (int)(s.n - j0 < nr ? s.n - j0 : nr);
        eb_dtype xdt = rnd() % 2 ? EB_DT_U8 : EB_DT_I8;
        int32_t sub = (int32_t)rnd_in(-128, 128), pad = (int32_t)rnd_in(-100, 100);
        size_t xn = (size_t)(k.c * k.ih * k.iw), bytes = (size_t)(kpad * nr * elem);
        uint8_t *x = malloc(xn), *d = malloc(bytes);
        fill_q8(x, xdt, xn);
        memset(d, 0xA5, bytes); /* so a zero the packer leaves out shows */
        vec->pack_b_q8(&s.geom, x, xdt, sub, pad, elem, ku, kpad, j0, nvalid, nr, d);
        for (int64_t kk = 0; kk < kpad; kk++)
            for (int j = 0; j < nr; j++) {
                int32_t want = 0;
                if (kk < s.k && j < nvalid) {
                    const int64_t i = column_source(&k, s.geom.ow, kk, j0 + j);
                    if (i >= 0) {
                        want = (xdt == EB_DT_U8 ? (int32_t)x[i] : (int32_t)(int8_t)x[i]) - sub;
                    } else {
                        want = pad;
                    }
                }
                int64_t at = ((kk / ku) * nr + j) * ku + kk % ku;
                int32_t got = elem == 2 ? ((int16_t *)d)[at] : (int32_t)(int8_t)d[at];
                int32_t wantc = elem == 2 ? (int16_t)want : (int8_t)want;
                if (got != wantc) {
                    snprintf(msg, len, "pack_b_q8__%s: case %d (elem %d, ku %d) k %lld col %d: %d, "
                             "want %d", vec->name, it, elem, ku, (long long)kk, j, got, wantc);
                    free(x);
                    free(d);
                    return 1;
                }
            }
        free(x);
        free(d);
    }
    return 0;
}

/* pack_b_q8 from a blocked input (4-byte elements of KU channels each, as
 * simd_plan_conv.c's conv_q8_blocked regroups an int8 convolution's
 * input): every element moved whole, the padding's value in each of its
 * KU lanes where the window lies outside the input, against
 * column_source; windows of every kind, strides up to 5, panels of 1 to
 * 32 columns (AVX-512's one- and two-row path for up to 16, its table
 * paths past that), both layouts. Columns past nvalid are not read. */
static int check_pack_blocked(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    static const int layouts[][2] = {{1, 4}, {2, 2}}; /* elem bytes, ku */
    for (int it = 0; it < 120; it++) {
        conv_case k;
        eb_simd_gemm_shape s;
        if (!random_pack_case(it, &k, &s))
            continue;
        /* k.c counts groups of ku channels here */
        s.geom.pointwise = 0;
        s.geom.blocked = 1;
        const int elem = layouts[it % 2][0], ku = layouts[it % 2][1];
        const int nr = it % 3 == 0 ? 7 : (int)rnd_in(1, 32);
        const int64_t rows = k.c * k.kh * k.kw, j0 = rnd_in(0, s.n - 1);
        const int nvalid = (int)(s.n - j0 < nr ? s.n - j0 : nr);
        const int32_t pad = (int32_t)rnd_in(-128, 127);
        const uint32_t fill =
            elem == 1 ? (uint8_t)pad * 0x01010101u : (uint16_t)pad * 0x00010001u;
        const size_t xn = (size_t)(k.c * k.ih * k.iw), dn = (size_t)(rows * nr);
        uint32_t *x = malloc(xn * sizeof *x), *d = malloc(dn * sizeof *d);
        for (size_t i = 0; i < xn; i++)
            x[i] = (uint32_t)rnd();
        memset(d, 0xA5, dn * sizeof *d);
        vec->pack_b_q8(&s.geom, x, EB_DT_U8, 0, pad, elem, ku, rows * ku, j0, nvalid, nr, d);
        int bad = 0;
        for (int64_t kk = 0; kk < rows && !bad; kk++)
            for (int j = 0; j < nvalid && !bad; j++) {
                const int64_t i = column_source(&k, s.geom.ow, kk, j0 + j);
                const uint32_t want = i >= 0 ? x[i] : fill, got = d[kk * nr + j];
                if (got != want) {
                    char what[128];
                    pack_case_text(&k, nr, j0, nvalid, what, sizeof what);
                    snprintf(msg, len, "pack_b_q8__%s blocked: case %d (elem %d, ku %d, %s) k "
                             "%lld col %d: %08x, want %08x", vec->name, it, elem, ku, what,
                             (long long)kk, j, (unsigned)got, (unsigned)want);
                    bad = 1;
                }
            }
        free(x);
        free(d);
        if (bad)
            return 1;
    }
    return 0;
}

/* pack_b_q8_panels against pack_b_q8 panel by panel: pointwise products
 * (the AVX-512 path for bytes in groups of four: up to 16-column panels,
 * chunks of up to 256 columns, a ragged last panel, K not a multiple of
 * four) and windowed ones, every layout, byte for byte, padding included
 * (what lies past a ragged panel's columns must be 0 as well). */
static int check_pack_panels(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    static const int layouts[][2] = {{1, 4}, {1, 4}, {2, 2}, {2, 1}}; /* elem bytes, ku */
    for (int it = 0; it < 48; it++) {
        conv_case k;
        random_conv(&k, 0, it % 3 != 2);
        k.group = 1;
        if (it % 3 != 2) /* pointwise: up to 600 columns, several chunks */
            k.ih = rnd_in(1, 20), k.iw = rnd_in(1, 30), k.c = rnd_in(1, 70);
        if (!make_window(&k))
            continue;
        eb_simd_gemm_shape s;
        shape_of(&k, &s);
        s.geom.channels = k.c;
        s.k = k.c * k.kh * k.kw;
        const int elem = layouts[it % 4][0], ku = layouts[it % 4][1];
        const int nr = it % 2 ? 7 : (int)rnd_in(1, 16);
        const int64_t kpad = (s.k + ku - 1) / ku * ku, panels = (s.n + nr - 1) / nr;
        const int64_t p0 = rnd_in(0, panels - 1), p1 = rnd_in(p0 + 1, panels);
        eb_dtype xdt = rnd() % 2 ? EB_DT_U8 : EB_DT_I8;
        int32_t sub = (int32_t)rnd_in(-128, 128), pad = (int32_t)rnd_in(-100, 100);
        const size_t xn = (size_t)(k.c * k.ih * k.iw), panel = (size_t)(kpad * nr * elem);
        const size_t bytes = panel * (size_t)(p1 - p0);
        uint8_t *x = malloc(xn), *d = malloc(bytes), *want = malloc(bytes);
        fill_q8(x, xdt, xn);
        memset(d, 0xA5, bytes);
        vec->pack_b_q8_panels(&s.geom, x, xdt, sub, pad, elem, ku, kpad, s.n, nr, p0, p1, d);
        for (int64_t p = p0; p < p1; p++) {
            const int64_t j0 = p * nr;
            vec->pack_b_q8(&s.geom, x, xdt, sub, pad, elem, ku, kpad, j0,
                           (int)(s.n - j0 < nr ? s.n - j0 : nr), nr, want + (size_t)(p - p0) * panel);
        }
        for (size_t i = 0; i < bytes; i++)
            if (d[i] != want[i]) {
                snprintf(msg, len, "pack_b_q8_panels__%s: case %d (%s, elem %d, ku %d, nr %d, "
                         "panels %lld-%lld of %lld) byte %zu is %d, want %d", vec->name, it,
                         s.geom.pointwise ? "pointwise" : "windowed", elem, ku, nr, (long long)p0,
                         (long long)p1, (long long)panels, i, d[i], want[i]);
                free(x);
                free(d);
                free(want);
                return 1;
            }
        free(x);
        free(d);
        free(want);
    }
    return 0;
}

/* QuantizeLinear against eb_ref_quantize_f32: values past the range, exact
 * halves (ties to even), NaN and infinities, ragged ranges [i0, i1); and
 * values whose quotient is a half-integer or within a few ulps of one at
 * scales that are not powers of two (where x * (1 / scale), which the
 * kernels try first, can round otherwise than x / scale), tiny and huge
 * scales among them. */
static int check_quantize(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    enum { N = 83 };
    float x[N];
    uint8_t got[N], want[N];
    for (int it = 0; it < 300; it++) {
        q8_case q;
        random_q8(&q);
        float scale = it % 5 == 0 ? 0.5f : (float)(0.001 + (double)(rnd() % 100000) * 0.0001);
        if (it % 10 == 3) /* tiny (subnormal too) and huge */
            scale = it % 30 == 3    ? 3.1e-38f * (float)rnd_in(1, 9)
                    : it % 30 == 13 ? 1.1e-39f * (float)rnd_in(1, 9)
                                    : 1.7e36f * (float)rnd_in(1, 9);
        for (int i = 0; i < N; i++) {
            x[i] = it % 5 == 0 ? (float)rnd_in(-600, 600) * 0.25f : rnd_f() * 300.0f * scale;
            if (it % 5 == 3 || (it % 5 == 1 && i % 2)) {
                /* (k + 1/2) * scale, k often next to the clamp bounds, then
                 * 0-3 ulps either way */
                const int64_t k = i % 4 == 1 ? q.y_max - q.y_zp + rnd_in(-2, 1)
                                  : i % 4 == 3 ? q.y_min - q.y_zp + rnd_in(-2, 1)
                                               : rnd_in(-400, 400);
                x[i] = (float)(((double)k + 0.5) * (double)scale);
                if (it % 10 == 8) /* all at the half next inside the farther bound */
                    x[i] = (float)((q.y_max - q.y_zp >= q.y_zp - q.y_min
                                        ? (double)(q.y_max - q.y_zp) - 0.5
                                        : (double)(q.y_min - q.y_zp) + 0.5) *
                                   (double)scale);
                for (int64_t u = it % 10 == 8 ? 0 : rnd_in(-3, 3); u != 0; u += u > 0 ? -1 : 1)
                    x[i] = nextafterf(x[i], u > 0 ? INFINITY : -INFINITY);
            }
        }
        x[0] = NAN;
        x[1] = INFINITY;
        x[2] = -INFINITY;
        x[3] = -0.0f;
        int64_t i0 = rnd_in(0, 9), i1 = rnd_in(i0, N);
        memset(got, 0, sizeof got);
        memset(want, 0, sizeof want);
        vec->quantize_f32(x, scale, q.y_zp, q.y_min, q.y_max, got, i0, i1);
        for (int64_t i = i0; i < i1; i++)
            want[i] = (uint8_t)eb_ref_quantize_f32(x[i], scale, q.y_zp, q.y_min, q.y_max);
        char what[64];
        snprintf(what, sizeof what, "quantize_f32__%s", vec->name);
        if (compare_bytes(got, want, N, what, it, msg, len))
            return 1;
        /* DequantizeLinear back: ref's formula, to the bit */
        float deq[N], deq_want[N];
        const float ds = it % 7 == 0 ? -scale : scale;
        memset(deq, 0, sizeof deq);
        memset(deq_want, 0, sizeof deq_want);
        vec->dequantize_q8(got, q.ydt, q.y_zp, ds, deq, i0, i1);
        for (int64_t i = i0; i < i1; i++)
            deq_want[i] = (float)((q.ydt == EB_DT_U8 ? (int64_t)got[i] : (int64_t)(int8_t)got[i]) -
                                  q.y_zp) * ds;
        if (memcmp(deq, deq_want, sizeof deq) != 0) {
            for (int i = 0; i < N; i++)
                if (memcmp(&deq[i], &deq_want[i], sizeof deq[i]) != 0) {
                    snprintf(msg, len, "dequantize_q8__%s: case %d element %d is %.9g, want %.9g",
                             vec->name, it, i, (double)deq[i], (double)deq_want[i]);
                    break;
                }
            return 1;
        }
    }
    return 0;
}

int eb_simd_check_vec(const eb_simd_vec_kernels *vec, char *msg, size_t len)
{
    rng_state = 0x853c49e6748fea9bull;
    return check_requant(vec, msg, len) || check_quantize(vec, msg, len) ||
           check_add(vec, msg, len) || check_pack(vec, msg, len) ||
           check_pack_blocked(vec, msg, len) || check_dwconv(vec, msg, len) ||
           check_dwconv_q8_wide_sums(vec, msg, len) ||
           check_pools(vec, msg, len) || check_pack_panels(vec, msg, len) ||
           check_pack_f32(vec, msg, len) || check_gavgpool_bits(vec, msg, len) ||
           check_conv_small(vec, msg, len) || check_conv_small_q8(vec, msg, len);
}

/* ---- thread pool -------------------------------------------------------------- */

typedef struct pool_arg {
    int *hits;
    int threads;
    int bad_thread;
} pool_arg;

static void count_task(void *arg, int t, int thread)
{
    pool_arg *a = arg;
    __atomic_fetch_add(&a->hits[t], 1, __ATOMIC_RELAXED);
    if (thread < 0 || thread >= a->threads)
        a->bad_thread = 1;
}

int eb_simd_check_pool(char *msg, size_t len)
{
    for (int threads = 1; threads <= 4; threads++) {
        eb_simd_pool *p = eb_simd_pool_create(threads);
        if (!p) {
            snprintf(msg, len, "pool of %d threads could not start", threads);
            return 1;
        }
        for (int round = 0; round < 200; round++) {
            int n = round % 37;
            int hits[64] = {0};
            pool_arg a = {.hits = hits, .threads = threads};
            eb_simd_pool_run(p, n, count_task, &a);
            for (int t = 0; t < n; t++)
                if (hits[t] != 1 || a.bad_thread) {
                    snprintf(msg, len, "pool of %d threads: round %d task %d ran %d times%s",
                             threads, round, t, hits[t], a.bad_thread ? " (bad thread index)" : "");
                    eb_simd_pool_destroy(p);
                    return 1;
                }
        }
        eb_simd_pool_destroy(p);
    }
    return 0;
}

/* ---- everything ----------------------------------------------------------------- */

int eb_simd_check_everything(unsigned isa, int *ran)
{
    char msg[512], isa_names[64];
    int failures = 0, n;
    *ran = 0;
    const eb_simd_vec_kernels *best = eb_simd_pick_vec(isa);
    if (eb_simd_check_pool(msg, sizeof msg)) {
        printf("FAIL pool: %s\n", msg);
        failures++;
    } else {
        printf("ok   thread pool\n");
    }
    const eb_simd_vec_kernels *const *vv = eb_simd_vec_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, vv[i]->isa)) {
            printf("skip vec__%s: CPU lacks %s\n", vv[i]->name,
                   eb_simd_isa_str(vv[i]->isa & ~isa, isa_names, sizeof isa_names));
            continue;
        }
        ++*ran;
        if (eb_simd_check_vec(vv[i], msg, sizeof msg)) {
            printf("FAIL vec__%s: %s\n", vv[i]->name, msg);
            failures++;
        } else {
            printf("ok   vec__%s\n", vv[i]->name);
        }
    }
    const eb_simd_f32_gemm_variant *fv = eb_simd_f32_gemm_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, fv[i].isa)) {
            printf("skip %s: CPU lacks %s\n", fv[i].name,
                   eb_simd_isa_str(fv[i].isa & ~isa, isa_names, sizeof isa_names));
            continue;
        }
        ++*ran;
        int bad = 0;
        for (int threads = 1; threads <= 2 && !bad; threads++)
            bad = eb_simd_check_f32_gemm(&fv[i], best, threads, msg, sizeof msg);
        printf("%s %s%s%s\n", bad ? "FAIL" : "ok  ", fv[i].name, bad ? ": " : "", bad ? msg : "");
        failures += bad;
    }
    const eb_simd_f32_sigmoid_variant *sv = eb_simd_f32_sigmoid_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, sv[i].isa)) {
            printf("skip %s: CPU lacks %s\n", sv[i].name,
                   eb_simd_isa_str(sv[i].isa & ~isa, isa_names, sizeof isa_names));
            continue;
        }
        ++*ran;
        double rel, abs_err;
        int bad = eb_simd_check_f32_sigmoid(&sv[i], &rel, &abs_err, msg, sizeof msg);
        if (bad)
            printf("FAIL %s: %s\n", sv[i].name, msg);
        else
            printf("ok   %s (max rel error %.3g, max abs %.3g)\n", sv[i].name, rel, abs_err);
        failures += bad;
    }
    const eb_simd_q8_gemm_variant *qv = eb_simd_q8_gemm_variants(&n);
    for (int i = 0; i < n; i++) {
        if (!eb_simd_isa_has(isa, qv[i].isa)) {
            printf("skip %s: CPU lacks %s\n", qv[i].name,
                   eb_simd_isa_str(qv[i].isa & ~isa, isa_names, sizeof isa_names));
            continue;
        }
        ++*ran;
        int bad = 0;
        for (int threads = 1; threads <= 2 && !bad; threads++)
            bad = eb_simd_check_q8_gemm(&qv[i], best, threads, msg, sizeof msg);
        printf("%s %s%s%s\n", bad ? "FAIL" : "ok  ", qv[i].name, bad ? ": " : "", bad ? msg : "");
        failures += bad;
    }
    return failures;
}
