/* Convolution-as-GEMM drivers: weights packed once (A), activation panels
 * packed per call straight from the input (B, no separate im2col matrix),
 * micro-kernel per MR x NR tile, bias + activation (fp32) or requantisation
 * (int8) in the epilogue. Work is split over the pool by column panels, and
 * by row ranges too when there are fewer panels than threads. */
#ifndef EB_SIMD_GEMM_H
#define EB_SIMD_GEMM_H

#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_pool.h"

/* Per-thread scratch handed to the drivers: threads blocks of `bytes`. */
typedef struct eb_simd_scratch {
    unsigned char *base;
    size_t bytes; /* per thread, a multiple of 64 */
    int threads;
} eb_simd_scratch;

/* Shape of one GEMM-shaped layer: `groups` independent products per image,
 * each C[m][n] = A_g[m][k] * B_{image,g}[k][n]; B comes from geom over the
 * input at x + image * x_image + g * x_group. C element (row, col) of image
 * b, group g is at y + b * y_image + g * y_group + row * y_row + col * y_col. */
typedef struct eb_simd_gemm_shape {
    int64_t batch, groups, m, k, n;
    eb_simd_conv_geom geom;
    int64_t x_image, x_group;
    int64_t y_image, y_group, y_row, y_col;
} eb_simd_gemm_shape;

/* ---- fp32 ---------------------------------------------------------------- */

typedef struct eb_simd_gemm_f32 {
    eb_simd_gemm_shape s;
    const eb_simd_f32_gemm_variant *kern;
    /* what runs: kern's micro-kernel, or for a product with few columns
     * the listed few-column variant (eb_simd_f32_gemm_for) */
    eb_simd_f32_gemm_fn fn;
    eb_simd_f32_gemm_fn acc; /* its accumulating form, or NULL (no K blocks) */
    eb_simd_f32_block_fn block; /* its prefetching K block, or NULL */
    int mr, nr;
    int few_cols;
    const char *name;
    const eb_simd_vec_kernels *vec;
    float *a;      /* groups x panels(m) x k x MR, owned */
    float *bias;   /* groups x m padded to MR, owned; NULL: none */
    float lo, hi;  /* fused activation clamp */
    int64_t kc;    /* depth of a K block (k: one block), simd_gemm.c */
    int64_t kc_first; /* ... of a few-column product's blocks (f32_cols_k_block) */
    /* set by the plan: the step that writes the input splits its channels
     * between the threads (eb_simd_gemm_f32_k_split) */
    int in_by_channels;
} eb_simd_gemm_f32;

/* Pack w (groups x m x k, row-major, the ONNX Conv / transposed Gemm layout:
 * element (g, r, kk) at w[(g * m + r) * w_row + kk * w_col]) and bias
 * (groups x m or NULL). Returns 0, or -1 when out of memory. */
int eb_simd_gemm_f32_init(eb_simd_gemm_f32 *G, const eb_simd_f32_gemm_variant *kern,
                          const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *s,
                          const float *w, int64_t w_row, int64_t w_col, const float *bias,
                          float lo, float hi);
void eb_simd_gemm_f32_free(eb_simd_gemm_f32 *G);

size_t eb_simd_gemm_f32_scratch(const eb_simd_gemm_f32 *G); /* per thread */
/* Whether eb_simd_gemm_f32_run on a pool of `threads` splits the product
 * along K (each thread a range of the input's channels, then the partial
 * outputs summed by ranges of rows), and whether its output ends up split
 * between the threads by rows, i.e. by output channels (a K split's sum,
 * or a product with too few column panels to share). */
int eb_simd_gemm_f32_k_split(const eb_simd_gemm_f32 *G, int threads);
int eb_simd_gemm_f32_by_rows(const eb_simd_gemm_f32 *G, int threads);
void eb_simd_gemm_f32_run(const eb_simd_gemm_f32 *G, eb_simd_pool *pool,
                          const eb_simd_scratch *scratch, const float *x, float *y);
/* Columns [j0, j1) of image 0, group 0 (every row) on the calling thread,
 * column j stored at y[j - j0], rows y_row apart; scratch: the thread's
 * eb_simd_gemm_f32_scratch bytes. A fused step computes a band of a
 * pointwise convolution's output with it (simd_plan_pwdw.c). */
void eb_simd_gemm_f32_cols(const eb_simd_gemm_f32 *G, void *scratch, const float *x,
                           int64_t j0, int64_t j1, float *y, int64_t y_row);

/* ---- int8 ---------------------------------------------------------------- */

typedef struct eb_simd_gemm_q8 {
    eb_simd_gemm_shape s;
    const eb_simd_q8_gemm_variant *kern;
    /* what runs: kern's micro-kernel, or for a product with few columns
     * the listed few-column variant (same operand format, lanes swapped,
     * tile stored by columns) */
    eb_simd_q8_gemm_fn fn;
    /* the same with the requantisation in its store, or NULL: used for
     * outputs stored row-major (y_col 1) */
    eb_simd_q8_gemm_rq_fn rq_fn;
    int mr, nr;
    int few_cols;
    const char *name;
    const eb_simd_vec_kernels *vec;
    void *a;           /* packed weights (int16 or int8 by format), owned */
    int64_t kpad;      /* k rounded up to KU */
    int32_t *add;      /* groups x m: bias - pad * sum(w row), owned */
    float *mult;       /* groups x m, owned */
    eb_dtype x_dtype, y_dtype;
    int32_t sub, pad;  /* B value = x - sub; padding packs as pad (= x_zp - sub) */
    int32_t y_zp, y_min, y_max;
    eb_simd_q8_rq rq;  /* y_zp, y_min, y_max for rq_fn */
    /* few-column products of one image and group: every column panel,
     * packed once per run when threads share the rows (written by the run,
     * so one run of a GEMM at a time, as the plan's arena already
     * requires), owned; NULL otherwise */
    void *packed;
} eb_simd_gemm_q8;

/* w: centred weights, element (g, r, kk) at w[(g * m + r) * w_row + kk *
 * w_col]; bias (groups x m) or NULL; mult (groups x m). The variant must
 * suit the weights (eb_simd_q8_weights_narrow). */
int eb_simd_gemm_q8_init(eb_simd_gemm_q8 *G, const eb_simd_q8_gemm_variant *kern,
                         const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *s,
                         const int16_t *w, int64_t w_row, int64_t w_col, const int32_t *bias,
                         const float *mult, eb_dtype x_dtype, int32_t x_zp, eb_dtype y_dtype,
                         int32_t y_zp, int32_t y_min, int32_t y_max);
void eb_simd_gemm_q8_free(eb_simd_gemm_q8 *G);
size_t eb_simd_gemm_q8_scratch(const eb_simd_gemm_q8 *G);
void eb_simd_gemm_q8_run(const eb_simd_gemm_q8 *G, eb_simd_pool *pool,
                         const eb_simd_scratch *scratch, const void *x, void *y);
/* Columns [j0, j1) of image 0, group 0 (every row) on the calling thread,
 * requantised, column j stored at y[j - j0], rows y_row bytes apart;
 * scratch: the thread's eb_simd_gemm_q8_scratch bytes. The int8 fused
 * pointwise + depthwise step computes a band with it (simd_plan_pwdw.c). */
void eb_simd_gemm_q8_cols(const eb_simd_gemm_q8 *G, void *scratch, const void *x, int64_t j0,
                          int64_t j1, void *y, int64_t y_row);

/* 1 when every centred weight lies in [-128, 127] (int8 formats usable). */
int eb_simd_q8_weights_narrow(const int16_t *w, int64_t count);

#endif
