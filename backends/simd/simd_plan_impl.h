/* What the files of the simd plan share (simd_plan*.c); nothing else
 * includes this.
 *
 *   simd_plan.c          the ref planning hook: which family takes a node
 *                        or QDQ group, activations folded into epilogues,
 *                        create / run / destroy
 *   simd_plan_step.c     what the families share: steps, geometry, tasks
 *   simd_plan_conv.c     GEMM-shaped steps: convolutions (im2col or packed
 *                        from the input), QLinearConv, and how every
 *                        GEMM-shaped step runs
 *   simd_plan_im2col.c   the unfolding those convolutions may run over
 *   simd_plan_gemm.c     Gemm / MatMul / QDQ gemm and matmul (incl. GEMV)
 *   simd_plan_dwconv.c   depthwise convolutions, planar or channels-last
 *   simd_plan_pwdw.c     a pointwise convolution and the depthwise one after
 *                        it as one step, band by band
 *   simd_plan_convpool.c a direct convolution (a stem) and the MaxPool
 *                        after it as one step, band by band
 *   simd_plan_pool.c     MaxPool, GlobalAveragePool
 *   simd_plan_eltwise.c  Add, QuantizeLinear
 *
 * A family's builder returns a step (an eb_simd_step it allocated) or NULL
 * when it does not take the node (or is out of memory: then ref runs it);
 * `where` (EB_SIMD_WHERE_LEN bytes) gets the line eb_simd_plan_where shows.
 * Each family runs its steps through its own eb_ref_op, whose release is
 * eb_simd__step_free: the ref plan owns a claimed step (ref_plan_hooks.h). */
#ifndef EB_SIMD_PLAN_IMPL_H
#define EB_SIMD_PLAN_IMPL_H

#include "backends/ref/ref_fold.h"
#include "backends/ref/ref_plan.h"
#include "backends/simd/simd_gemm.h"
#include "backends/simd/simd_kernels.h"
#include "backends/simd/simd_plan.h"

/* a step's line: the kernel, the layout, and what a fused step takes (four
 * QDQ groups in one: about 150 characters) */
#define EB_SIMD_WHERE_LEN 176

typedef enum eb_simd_step_kind {
    K_CONV_F32,  /* conv / gemm / matmul through the fp32 GEMM driver */
    K_DW_F32,
    K_ADD_F32,
    K_MAXPOOL_F32,
    K_GAP_F32,
    K_GEMM_Q8,   /* QDQ conv / gemm / matmul through the int8 GEMM driver */
    K_DW_Q8,
    K_ADD_Q8,
    K_MAXPOOL_Q8, /* QDQ max-pool group (same parameters in and out) */
    K_QUANT,     /* QuantizeLinear float32 -> int8 / uint8, per tensor */
    K_DEQUANT,   /* DequantizeLinear int8 / uint8 -> float32, per tensor */
    K_SIGMOID_F32, /* Sigmoid, or x * Sigmoid(x) with the Mul absorbed (SiLU) */
    K_SCALE_F32  /* Mul of 1 x C x ... planes by one value per plane (squeeze-excite) */
} eb_simd_step_kind;

/* One claimed step: what its kernels need at run time. */
typedef struct eb_simd_step {
    eb_simd_step_kind kind;
    eb_simd_plan *plan;
    const eb_simd_vec_kernels *vec;
    eb_simd_gemm_f32 gf;
    eb_simd_gemm_q8 gq;
    eb_simd_conv_geom geom;        /* depthwise / pool plane geometry */
    int64_t planes, channels;      /* depthwise / pools: images * channels, channels */
    int64_t in_plane, out_plane;
    float *w_f32, *bias_f32;       /* depthwise fp32, owned */
    float *col;                    /* conv fp32 unfolded once per run (im2col), owned */
    int64_t col_channels;
    uint8_t *colq;                 /* int8 conv unfolded once per run, owned */
    const eb_ref_conv_q8_params *q; /* depthwise int8: the ref group's parameters */
    eb_ref_conv_q8_params qown;    /* QLinearConv: parameters made here */
    int16_t *qw;                   /* ... its centred weights, owned */
    float *qmult;                  /* ... its multipliers, owned */
    eb_ref_add_q8_params addq;
    int64_t count;                 /* element-wise */
    float lo, hi;
    /* depthwise channels-last (nhwc set): channels padded to cpad, weights
     * taps x cpad, bias / multipliers of cpad, all owned */
    int nhwc;
    int64_t cpad, batch;
    int64_t pcol;                  /* padded rows: pixels per row */
    int64_t band;                  /* output rows per band (dw_nhwc_task, pwdw_task) */
    float *nw_f32, *nb_f32;
    int32_t *nw_q8, *nb_q8;
    float *nm_q8;
    /* depthwise int8 on tiny planes, several per vector (vec->dwconv_q8_tiny):
     * four int32 per channel from vec->dw_q8_tiny_pack, owned; NULL: not */
    int32_t *tq_prm;
    /* int8 direct stem (K_GEMM_Q8 with direct set, vec->conv_small_q8):
     * packed weights and additive terms, owned; s->q its parameters */
    int32_t *cq_w, *cq_add;
    float *cq_mult;
    float qscale;                  /* QuantizeLinear */
    int32_t qzp, qmin, qmax;
    eb_dtype pool_dtype;           /* K_MAXPOOL_Q8, K_DEQUANT: the int8 tensor's type */
    const eb_simd_f32_sigmoid_variant *sig; /* K_SIGMOID_F32 */
    int silu;                      /* ... the Mul by its input absorbed */
    int scale_in;                  /* K_SCALE_F32: which input holds the scales (0 or 1) */
    int serial;                    /* too little work to share: run on the caller */
    int direct;                    /* K_CONV_F32 by vec->conv_small_f32 (w_f32, bias_f32) */
    /* a pointwise step's depthwise step, computed band by band from its
     * output (simd_plan_pwdw.c), owned; NULL: none */
    struct eb_simd_step *dw;
    /* an int8 fused pointwise + depthwise step's projection (the pointwise
     * group that alone reads the depthwise output), built for one band of
     * depthwise output rows as its input (simd_plan_pwdw_q8.c), owned;
     * NULL: none */
    struct eb_simd_step *proj;
    /* with a projection: its residual Add of the step's input, 1 when
     * that input is the Add's second, 2 its first (int8: addq's a and b;
     * fp32 sums either way: 1); 0: none */
    int res_side;
    size_t gemm_scratch; /* with a projection: bytes for either GEMM's scratch */
    /* a direct step's max pooling, computed band by band from its rows
     * (simd_plan_convpool.c), owned; NULL: none */
    struct eb_simd_step *mp;
    int64_t cap;                   /* ... input rows a thread's band buffer holds */
} eb_simd_step;

struct eb_simd_plan {
    eb_ref_plan *ref;         /* the plan that runs, with our claimed steps */
    const eb_graph *g;        /* the graph it runs: fold.g or the caller's */
    eb_ref_folded fold;       /* constants folded at prepare (const_fold) */
    eb_simd_plan_options o;
    char (*where)[EB_SIMD_WHERE_LEN]; /* per node */
    eb_simd_scratch scratch;
    int accelerated;
};

/* State of the planning hook while the ref plan is built. */
typedef struct eb_simd_builder {
    const eb_graph *g;
    eb_simd_plan *P;
    unsigned isa;
    const eb_simd_vec_kernels *vec;
    const eb_simd_f32_gemm_variant *f32k;
    size_t scratch; /* per thread, max over steps */
    /* per tensor: written by a step that splits it between the threads by
     * channels (planes), so a projection reading it splits along K */
    unsigned char *by_channels;
} eb_simd_builder;

/* ---- families (each file's builders and its run op) ---------------------- */

eb_simd_step *eb_simd__conv_f32(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__qlinearconv(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__conv_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where);
/* an int8 convolution from its kernel parameters into s: 0 when taken */
int eb_simd__conv_q8(eb_simd_builder *b, const eb_ref_conv_q8_params *q, eb_simd_step *s,
                     char *where, const char *label);
extern const eb_ref_op eb_simd__gemm_op; /* K_CONV_F32, K_GEMM_Q8 */

/* Rows [0, rows) (row (c, ky, kx) = (c * kh + ky) * kw + kx) of one
 * image's column matrix under g, in the columns of output rows [oy0, oy1);
 * positions in the padding get pad (int8: the byte of x_zp, which the GEMM
 * then treats as any input). Ranges of output rows are independent:
 * threads may fill disjoint ones. */
void eb_simd__im2col_f32(const eb_simd_conv_geom *g, int64_t rows, int64_t oy0, int64_t oy1,
                         const float *x, float *col);
void eb_simd__im2col_q8(const eb_simd_conv_geom *g, int64_t rows, int64_t oy0, int64_t oy1,
                        const uint8_t *x, uint8_t pad, uint8_t *col);

eb_simd_step *eb_simd__fc_f32(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__gemm_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where);
eb_simd_step *eb_simd__qlinearmatmul(eb_simd_builder *b, const eb_node *n, char *where);

/* depthwise into s (the conv builders found group == channels): 0 when taken */
int eb_simd__dw_f32(eb_simd_builder *b, eb_simd_step *s, const eb_tensor *x,
                    const eb_tensor *w, const eb_tensor *bias, const eb_window *win,
                    char *where);
int eb_simd__dw_q8(eb_simd_builder *b, const eb_ref_conv_q8_params *q, eb_simd_step *s,
                   char *where, const char *label);
extern const eb_ref_op eb_simd__dw_op; /* K_DW_F32, K_DW_Q8 */
/* 1 when a depthwise step (planes set) runs planar on planes too wide to
 * be read in place: the kind a pointwise step may compute band by band */
int eb_simd__dw_planar_wide(const eb_simd_step *s);
/* Per-thread bytes of a band of rows meant to stay in L2 */
size_t eb_simd__band_bytes(void);

/* A thread's band buffer for a step that computes a tensor band by band
 * and runs a windowed kernel (geometry g) on each band while it is in
 * cache (simd_plan_pwdw.c, simd_plan_convpool.c): `planes` planes of fp32
 * or int8 elements, `plane` elements apart, of rows g->iw wide; rows
 * [ha, hb) of the tensor at the planes' start, from the band before
 * (ha = hb = 0 at first). */
typedef struct eb_simd_band_buf {
    void *buf;
    size_t el;                     /* bytes of an element: fp32, or int8 */
    int64_t planes, plane;
    int64_t ha, hb;
} eb_simd_band_buf;
/* Output rows per band of a windowed kernel (geometry g) over a tensor
 * computed band by band, input rows `row` bytes each: as many as keep a
 * band's input rows within twice eb_simd__band_bytes (half the L2), at
 * most `max` (a thread's rows, where a GEMM is built for one band); *cap
 * gets the input rows a band reads (simd_plan_pwdw.c). */
int64_t eb_simd__band_rows(const eb_simd_conv_geom *g, size_t row, int64_t max, int64_t *cap);
/* 1 when every output row of g reads at least one input row, so no band
 * is all padding (the kernels then always get rows). */
int eb_simd__band_rows_cover(const eb_simd_conv_geom *g);
/* For g's output rows [o0, o1): the tensor's rows [*ra, *re) they read
 * (clipped to it) go to the planes' start; rows the band before left
 * there are moved, not computed again. Returns the first row still to
 * compute (its place: row - *ra); *band gets g with the band as a plane
 * of its own (its rows above ra padding only where the window starts
 * above the tensor's first row). */
int64_t eb_simd__band_next(eb_simd_band_buf *B, const eb_simd_conv_geom *g, int64_t o0,
                           int64_t o1, int64_t *ra, int64_t *re, eb_simd_conv_geom *band);

/* A pointwise fp32 step (from: the last node it absorbs so far) takes the
 * depthwise convolution after it, and that one's activation, into out's
 * absorbed nodes when the fusion pays (simd_plan_pwdw.c), on threads with
 * the 1x1 projection and the residual Add of the step's input after them:
 * 1 when taken. */
int eb_simd__fuse_dw(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                     int from, eb_ref_step_claim *out, char *where);
/* The depthwise output rows per thread from which the projection after
 * it joins the fused step on threads, fp32 and int8 (below that, the
 * unfused steps). MobileNet-v2@224 int8, two threads, the blocks' unfused
 * steps against the fused one: 28x28 -12%, 14x14 at stride 2 -15%, at
 * stride 1 -1 to -6% (7 rows per thread: each thread also computes the
 * expansion's row next to the other's, 8 of 14), 7x7 +6 to +16% (4 and 3
 * rows: 5 of 7 expansion rows and 4/7 of the rest on one thread). */
#define EB_SIMD_PROJ_MIN_ROWS 6
/* Runs a fused step: the pointwise product band by band, each band's
 * depthwise rows while the band is in cache. */
void eb_simd__run_pw_dw(const eb_simd_step *s, const float *x, float *y);
/* The same for an int8 pointwise QDQ group's step (site->group) and the
 * depthwise QDQ group that alone reads its output (simd_plan_pwdw_q8.c),
 * on threads with the projection and residual Add after it: those groups
 * absorbed into out, the last one's output tensor returned; -1 when not
 * fused. A fused step runs eb_simd__pwdw_q8_op. */
int eb_simd__fuse_dw_q8(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *pw,
                        eb_ref_step_claim *out, char *where);
extern const eb_ref_op eb_simd__pwdw_q8_op;

/* A direct fp32 step (a stem, from: the last node it absorbs so far) takes
 * the MaxPool after it into out's absorbed nodes when the fusion pays
 * (simd_plan_convpool.c): 1 when taken. */
int eb_simd__fuse_pool(eb_simd_builder *b, const eb_ref_plan_site *site, eb_simd_step *conv,
                       int from, eb_ref_step_claim *out, char *where);
/* Runs a fused step: the convolution's rows band by band, each band's
 * pooled rows while the band is in cache. */
void eb_simd__run_conv_pool(const eb_simd_step *s, const float *x, float *y);

eb_simd_step *eb_simd__pool_f32(eb_simd_builder *b, const eb_node *n, int global, char *where);
eb_simd_step *eb_simd__maxpool_q8_group(eb_simd_builder *b, const eb_ref_fused *f,
                                        char *where);
extern const eb_ref_op eb_simd__pool_op; /* K_MAXPOOL_*, K_GAP_F32 */

eb_simd_step *eb_simd__add_f32(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__quantize(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__dequantize(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__sigmoid_f32(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__mul_f32(eb_simd_builder *b, const eb_node *n, char *where);
eb_simd_step *eb_simd__add_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where);
extern const eb_ref_op eb_simd__eltwise_op; /* K_ADD_*, K_QUANT, K_DEQUANT, K_SIGMOID_F32,
                                               K_SCALE_F32 */

/* ---- shared helpers (simd_plan_step.c) ------------------------------------------ */

/* A zeroed step of the builder's vector kernels; NULL when out of memory. */
eb_simd_step *eb_simd__step_new(const eb_simd_builder *b, eb_simd_step_kind kind);
void eb_simd__step_free(void *state); /* an eb_simd_step; NULL is a no-op */
void eb_simd__need_scratch(eb_simd_builder *b, size_t bytes);
/* The node that alone reads node from's first output and runs alone: its
 * index or -1; the same for a Relu / Clip reading it as its first input,
 * with its clamp bounds. */
int eb_simd__sole_reader(const eb_graph *g, const unsigned char *runs_alone, int from);
int eb_simd__next_activation(const eb_graph *g, const unsigned char *runs_alone, int from,
                             float *lo, float *hi);

int eb_simd__is_f32(const eb_tensor *t);
int eb_simd__const_f32(const eb_tensor *t);
/* 2-D window geometry of node n over x (weight w or NULL for pools) */
int eb_simd__geom_2d(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                     const eb_tensor *w, eb_window *win);
void eb_simd__geom_from_window(const eb_window *w, int64_t channels, eb_simd_conv_geom *gm);
/* The GEMM shape of a convolution over window w: per image and group,
 * m = out channels / group rows, k = c / group * kh * kw, n = output
 * positions, row-major output. */
void eb_simd__conv_shape(const eb_window *w, int64_t batch, int64_t c, int64_t m, int64_t group,
                         eb_simd_gemm_shape *s);
/* planes of `batch` images of `channels` under win (depthwise, pools) */
void eb_simd__planes(eb_simd_step *s, const eb_window *win, int64_t batch, int64_t channels);
/* a GEMM operand X[rows][k] (row-major) as a 1x1 "convolution" input */
void eb_simd__geom_matrix(int64_t rows, int64_t k, eb_simd_conv_geom *gm);

/* ---- running ------------------------------------------------------------------ */

/* The pool a step's sections go to: NULL (the caller) for small steps. */
eb_simd_pool *eb_simd__step_pool(const eb_simd_step *s);
/* `total` items in about four tasks per thread, at least min_items each. */
int64_t eb_simd__per_task(const eb_simd_step *s, int64_t total, int64_t min_items);
/* Items [*i0, *i1) of task t. */
static inline void eb_simd__task_range(int t, int64_t per_task, int64_t total, int64_t *i0,
                                       int64_t *i1)
{
    *i0 = t * per_task;
    *i1 = (t + 1) * per_task < total ? (t + 1) * per_task : total;
}
/* Thread `thread`'s share of the plan's scratch. */
static inline void *eb_simd__thread_scratch(const eb_simd_step *s, int thread)
{
    return s->plan->scratch.base + (size_t)thread * s->plan->scratch.bytes;
}

/* Planes [p0, p1) of a per-plane step (depthwise, pools). */
typedef struct eb_simd_plane_job {
    const eb_simd_step *s;
    const void *x;
    void *y;
    int64_t per_task;
    int64_t total;
} eb_simd_plane_job;

/* Run fn over J's planes in tasks of J->per_task (set here from min_items). */
void eb_simd__run_planes(eb_simd_pool *pool, eb_simd_plane_job *J, int64_t min_items,
                         void (*fn)(void *, int, int));
/* A step computed band by band (the fused steps): `rows` output rows in one
 * range per thread (fn reads its range with eb_simd__task_range from the
 * job, J->total being rows); each thread computes again the input rows its
 * first band shares with the range before. */
void eb_simd__run_row_ranges(const eb_simd_step *s, int64_t rows, const void *x, void *y,
                             void (*fn)(void *, int, int));

#endif
