/* Convolution-as-GEMM drivers (see simd_gemm.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_cache.h"
#include "backends/simd/simd_gemm.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static void *aligned_calloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, ALIGN64(bytes ? bytes : 1)) != 0)
        return NULL;
    memset(p, 0, ALIGN64(bytes ? bytes : 1));
    return p;
}

/* ---- task split shared by both drivers ---------------------------------- */

typedef struct split {
    int64_t col_panels;  /* NR panels per product */
    int64_t per_task;    /* panels per task */
    int64_t col_tasks;   /* tasks along the columns of one product */
    int64_t row_parts;   /* row ranges (in MR panels) per column task */
    int64_t row_panels;
    int64_t products;    /* batch * groups */
    int tasks;
} split;

/* panels_first: a task runs each weight panel over all its column panels
 * (the few-column drivers), so it takes every column panel of a product
 * and the threads share the rows instead: split by columns, each task
 * read the whole weight matrix again (a 512 x 4608 one, 9 MB, four times
 * per product on one thread, for ResNet-18's last 3x3 layers). */
static void make_split(const eb_simd_gemm_shape *s, int mr, int nr, int threads,
                       int panels_first, split *sp)
{
    sp->products = s->batch * s->groups;
    sp->col_panels = ceil_div(s->n, nr);
    sp->row_panels = ceil_div(s->m, mr);
    /* a few tasks per thread for balance, each at least one panel */
    int64_t want = (int64_t)threads * 4;
    int64_t total = sp->products * sp->col_panels;
    sp->per_task = total >= want ? ceil_div(sp->col_panels, ceil_div(want, sp->products)) : 1;
    /* ... unless there are too few row panels to share between the
     * threads (32 output channels are one 32-row panel): then by columns,
     * each task running its weight panels over its own column panels */
    if (panels_first && (threads == 1 || sp->row_panels >= 2 * threads))
        sp->per_task = sp->col_panels;
    if (sp->per_task < 1)
        sp->per_task = 1;
    sp->col_tasks = ceil_div(sp->col_panels, sp->per_task);
    sp->row_parts = 1;
    if (threads > 1 && sp->products * sp->col_tasks < 2 * threads)
        sp->row_parts = sp->row_panels < 2 * threads ? sp->row_panels : 2 * threads;
    if (sp->row_parts < 1)
        sp->row_parts = 1;
    sp->tasks = (int)(sp->products * sp->col_tasks * sp->row_parts);
}

typedef struct task_range {
    int64_t image, group, p0, p1, r0, r1; /* column panels [p0,p1), row panels [r0,r1) */
} task_range;

static void task_to_range(const split *sp, int t, int64_t groups, task_range *r)
{
    int64_t rp = t % sp->row_parts;
    int64_t rest = t / sp->row_parts;
    int64_t ct = rest % sp->col_tasks;
    int64_t prod = rest / sp->col_tasks;
    r->image = prod / groups;
    r->group = prod % groups;
    r->p0 = ct * sp->per_task;
    r->p1 = r->p0 + sp->per_task < sp->col_panels ? r->p0 + sp->per_task : sp->col_panels;
    r->r0 = sp->row_panels * rp / sp->row_parts;
    r->r1 = sp->row_panels * (rp + 1) / sp->row_parts;
}

/* ---- fp32 ---------------------------------------------------------------- */

/* A 1x1 window, stride 1, no padding, output as large as the input (a
 * pointwise convolution, or a GEMM operand whose p_stride may exceed 1):
 * B element (k, j) is x[k * c_stride + j * p_stride]. */
static int unit_window(const eb_simd_conv_geom *g)
{
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 &&
           g->ih == g->oh && g->iw == g->ow && !g->blocked;
}

/* Depth of the K blocks a tile's product is run in, where the activation
 * panel is read in place (a pointwise convolution's full panels: k rows of
 * NR values a plane apart). Unblocked, every row panel walks the whole
 * column of rows again, a page per row, and the 6x32 kernel fell to a
 * third of its speed on deep products; in blocks whose panel part is 16
 * KiB, the block stays in the L1 while every row panel runs over it (the
 * later blocks through the kernel's accumulating form). 1x1 products on
 * this VM (a one-process interleaved bench, median GFLOP/s), 6x32 AVX-512
 * unblocked -> blocks of 128: 64 x 576 x 3136 105 -> 133, 64 x 1152 x 3136
 * 90 -> 127, 64 x 4608 x 3136 35 -> 71, 512 x 256 x 784 89 -> 110; blocks
 * of 192 or more gave less, 96 the same. AVX2's 6x16 in blocks of 256: 64 x
 * 1152 x 3136 67 -> 76, 64 x 2304 x 3136 27 -> 41. A packed panel is one
 * contiguous stream the L2 prefetcher keeps up with: blocking a 3x3
 * convolution's (64 x 576 x 3136) measured 0.95x, so packed panels run
 * unblocked (f32_panel). Blocks are even, so the last is not a sliver; a
 * product not much deeper than one block runs unblocked, as does a kernel
 * without an accumulating form (the few-column ones). */
static int64_t f32_k_block(const eb_simd_f32_gemm_variant *run, int64_t k)
{
    const int64_t kc = (int64_t)((16 << 10) / sizeof(float)) / run->nr;
    if (!run->acc || run->few_cols || k <= kc + kc / 2)
        return k;
    return ceil_div(k, ceil_div(k, kc));
}

/* Bytes of a few-column product's weight block (f32_cols_k_block): what
 * the L1 holds beside the block's B rows. Packed, those rows are k x nr
 * floats together (7 KiB for 256 k of the 32 x 7 tile), and the block
 * takes two thirds of the L1; read in place (a pointwise product's full
 * panels), every k is a line of its own, and it takes a third. On this
 * 48 KiB-L1 Xeon, one thread, alternating builds: 32 KiB blocks (16 KiB
 * before for both) made ResNet-18's 14x14 and 7x7 3x3 layers 0.93-0.97x
 * (the model 0.98x), where a tile's reload and store between blocks had
 * been a tenth of the time; 48 KiB 1.02x; on MobileNet-v2@224's
 * pointwise 14x14 and 7x7 projections, read in place, 32 KiB took
 * 1.03-1.07x. Where the C library does not say, a 32 KiB L1. */
static size_t f32_cols_a_block(int packed)
{
    size_t l1 = eb_simd_cache_bytes(1);
    if (l1 < ((size_t)16 << 10) || l1 > ((size_t)1 << 20))
        l1 = (size_t)32 << 10;
    return packed ? l1 * 2 / 3 : l1 / 3;
}

/* Depth of the K blocks of a few-column product whose task runs each
 * weight panel over all its column panels (f32_panels_first): there the
 * weights are what is read again, once per column panel, so a block is
 * the part of a weight panel that stays in the L1 while every column panel
 * runs over it (f32_cols_a_block). Unblocked, ResNet-18's last 3x3 layers
 * (512 x 4608 weights over 49 columns: a 590 KiB panel read seven times)
 * ran at 85 GFLOP/s against 130 for its 56x56 ones. Over fewer than four
 * column panels the block is read again too few times to pay for the
 * tile's reload per block (MobileNet-v2 0.5@96's projections on 3x3
 * planes, two panels: 1.16-1.25x their time). */
static int64_t f32_cols_k_block(const eb_simd_f32_gemm_variant *run, int64_t k, int64_t n,
                                int packed)
{
    const int64_t kc = (int64_t)(f32_cols_a_block(packed) / sizeof(float)) / run->mr;
    if (!run->acc || !run->few_cols || k <= kc + kc / 2 || ceil_div(n, run->nr) < 4)
        return k;
    return ceil_div(k, ceil_div(k, kc));
}

int eb_simd_gemm_f32_init(eb_simd_gemm_f32 *G, const eb_simd_f32_gemm_variant *kern,
                          const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *s,
                          const float *w, int64_t w_row, int64_t w_col, const float *bias,
                          float lo, float hi)
{
    memset(G, 0, sizeof *G);
    G->s = *s;
    G->kern = kern;
    G->vec = vec;
    G->lo = lo;
    G->hi = hi;
    /* few columns (the 1x1 convolutions on 6x6 and 3x3 planes): the
     * listed few-column variant (eb_simd_f32_gemm_for) */
    const eb_simd_f32_gemm_variant *run = eb_simd_f32_gemm_for(kern, s->m, s->n, s->y_col);
    G->fn = run->fn;
    G->mr = run->mr;
    G->nr = run->nr;
    G->few_cols = run->few_cols;
    G->name = run->name;
    const int mr = G->mr;
    G->acc = run->acc;
    G->block = run->block;
    G->kc = f32_k_block(run, s->k);
    G->kc_first = f32_cols_k_block(run, s->k, s->n, !s->geom.pointwise);
    const int64_t panels = ceil_div(s->m, mr), mpad = panels * mr;
    G->a = aligned_calloc((size_t)(s->groups * mpad * s->k) * sizeof(float));
    if (bias)
        G->bias = aligned_calloc((size_t)(s->groups * mpad) * sizeof(float));
    if (!G->a || (bias && !G->bias)) {
        eb_simd_gemm_f32_free(G);
        return -1;
    }
    for (int64_t g = 0; g < s->groups; g++)
        for (int64_t r = 0; r < s->m; r++) {
            float *panel = G->a + (g * panels + r / mr) * s->k * mr;
            for (int64_t kk = 0; kk < s->k; kk++)
                panel[kk * mr + r % mr] = w[(g * s->m + r) * w_row + kk * w_col];
            if (bias)
                G->bias[g * mpad + r] = bias[g * s->m + r];
        }
    return 0;
}

void eb_simd_gemm_f32_free(eb_simd_gemm_f32 *G)
{
    free(G->a);
    free(G->bias);
    G->a = G->bias = NULL;
}

/* Whether a task runs each weight panel over all its column panels
 * (f32_task): few columns, stored row-major. */
static int f32_panels_first(const eb_simd_gemm_f32 *G)
{
    return G->few_cols && G->nr > 1 && G->s.y_col == 1;
}

/* Bytes of a thread's packed B: one panel, or every column panel of the
 * product where f32_panels_first packs them (a pointwise product reads
 * its full panels in place and packs only the ragged last one). */
static size_t f32_b_bytes(const eb_simd_gemm_f32 *G)
{
    const size_t panel = (size_t)(G->s.k * G->nr) * sizeof(float);
    const int all = f32_panels_first(G) && !G->s.geom.pointwise;
    return ALIGN64(all ? (size_t)ceil_div(G->s.n, G->nr) * panel : panel);
}

/* The largest partial output (per thread, in its scratch) of a product
 * split along K (see f32_k_splits). */
#define K_SPLIT_PARTIAL_MAX ((size_t)128 << 10)

/* Whether a product runs split along K when the pool has threads
 * (f32_k_task): each thread the product over a range of the input's
 * channels, into the output or its own partial, and then the partials
 * summed by ranges of rows. For a projection (a pointwise convolution to
 * at most half as many channels) whose input a depthwise step wrote split
 * by planes, a split by columns has every thread read all channels of its
 * columns, half of them written by the other core; on this VM a line
 * written by the other core cost ~20 ns, and MobileNet-v2@224's 14x14
 * projections ran only 1.05-1.25x faster on two threads than on one (by
 * rows, each thread reading all of the input: 0.8x). Split along K, a
 * thread reads only the channels it wrote, and the sum reads half of a
 * partial no larger than half the input. An input split by rows (a fused
 * pointwise + depthwise step's bands) is read where it was written by a
 * split by columns, so those products keep it: at 28x28 a K split took
 * 1.26x its time. */
static int f32_k_splits(const eb_simd_gemm_f32 *G, int threads)
{
    const eb_simd_gemm_shape *s = &G->s;
    return threads > 1 && G->in_by_channels && s->geom.pointwise && s->batch * s->groups == 1 &&
           s->y_col == 1 && 2 * s->m <= s->k && s->k >= 32 * (int64_t)threads &&
           (size_t)(s->m * s->n) * sizeof(float) <= K_SPLIT_PARTIAL_MAX;
}

int eb_simd_gemm_f32_k_split(const eb_simd_gemm_f32 *G, int threads)
{
    return f32_k_splits(G, threads);
}

/* Bytes of the tile buffer, after the packed B in a thread's scratch. */
static size_t f32_tile_bytes(const eb_simd_gemm_f32 *G)
{
    return ALIGN64((size_t)(G->mr * G->nr) * sizeof(float));
}

size_t eb_simd_gemm_f32_scratch(const eb_simd_gemm_f32 *G)
{
    /* and the partial output of a K split, m x n, after them */
    const size_t partial =
        f32_k_splits(G, 2) ? ALIGN64((size_t)(G->s.m * G->s.n) * sizeof(float)) : 0;
    return f32_b_bytes(G) + f32_tile_bytes(G) + partial;
}

typedef struct f32_run {
    const eb_simd_gemm_f32 *G;
    const eb_simd_scratch *scratch;
    const float *x;
    float *y;
    split sp;
} f32_run;

/* K block [k0, k0 + kc) of one tile (the row panel at ap over the column
 * panel at b, ldb apart) into y: the first block from the bias, each later
 * one added to the tile in y by the accumulating kernel; the activation
 * clamp with the last. One block is the whole product. */
static void f32_block(const eb_simd_gemm_f32 *G, int64_t k0, int64_t kc, const float *ap,
                      const float *b, int64_t ldb, float *y, int64_t y_row, int mvalid,
                      int nvalid, const float *bias)
{
    const int64_t k = G->s.k, kn = k - k0 < kc ? k - k0 : kc;
    const int last = k0 + kn == k;
    (k0 == 0 ? G->fn : G->acc)(kn, ap + k0 * G->mr, b + k0 * ldb, ldb, y, y_row, mvalid, nvalid,
                               bias, last ? G->lo : -INFINITY, last ? G->hi : INFINITY);
}

/* Column panel [j0, j0 + nvalid) of one product (x, a and bias at its
 * image and group), row panels [r0, r1): the panel packed into bpanel or
 * read in place, each row panel's tile stored at yp (the panel's first
 * column) with strides y_row and y_col. */
static void f32_panel(const eb_simd_gemm_f32 *G, const float *x, const float *a,
                      const float *bias, int64_t j0, int nvalid, int64_t r0, int64_t r1,
                      float *bpanel, float *tile, float *yp, int64_t y_row, int64_t y_col)
{
    const eb_simd_gemm_shape *s = &G->s;
    const int mr = G->mr, nr = G->nr;
    /* a full panel of a pointwise convolution is already in the input,
     * rows a plane apart: read it there instead of copying it */
    const float *bp_in = bpanel;
    int64_t ldb = nr;
    if (s->geom.pointwise && nvalid == nr) {
        bp_in = x + j0;
        ldb = s->geom.c_stride;
    } else if (nr == 1 && unit_window(&s->geom)) {
        /* one column (the matrix-vector kernel): it is in the input
         * already, element k at c_stride steps */
        bp_in = x + j0 * s->geom.p_stride;
        ldb = s->geom.c_stride;
    } else {
        G->vec->pack_b_f32(&s->geom, x, j0, nvalid, nr, bpanel);
    }
    if (y_col == 1) {
        /* an in-place panel in K blocks, outermost: the block stays in the
         * L1 while every row panel runs over it */
        const int64_t kc = ldb == nr ? s->k : G->kc;
        int64_t k0 = 0;
        do { /* once at least: a product with k = 0 is its bias */
            for (int64_t rp = r0; rp < r1; rp++) {
                const int64_t m0 = rp * mr;
                f32_block(G, k0, kc, a + rp * s->k * mr, bp_in, ldb, yp + m0 * y_row, y_row,
                          (int)(s->m - m0 < mr ? s->m - m0 : mr), nvalid,
                          bias ? bias + m0 : NULL);
            }
            k0 += kc;
        } while (k0 < s->k);
        return;
    }
    /* a transposed store (fully connected layers): each tile whole
     * through the tile buffer, unblocked */
    for (int64_t rp = r0; rp < r1; rp++) {
        const int64_t m0 = rp * mr;
        const int mvalid = (int)(s->m - m0 < mr ? s->m - m0 : mr);
        G->fn(s->k, a + rp * s->k * mr, bp_in, ldb, tile, nr, mvalid, nvalid,
              bias ? bias + m0 : NULL, G->lo, G->hi);
        for (int r = 0; r < mvalid; r++)
            for (int j = 0; j < nvalid; j++)
                yp[(m0 + r) * y_row + j * y_col] = tile[r * nr + j];
    }
}

static void f32_task(void *arg, int t, int thread)
{
    const f32_run *R = arg;
    const eb_simd_gemm_f32 *G = R->G;
    const eb_simd_gemm_shape *s = &G->s;
    const int mr = G->mr, nr = G->nr;
    const int64_t mpad = R->sp.row_panels * mr;
    task_range tr;
    task_to_range(&R->sp, t, s->groups, &tr);
    unsigned char *mine = R->scratch->base + (size_t)thread * R->scratch->bytes;
    float *bpanel = (float *)mine;
    float *tile = (float *)(mine + f32_b_bytes(G));
    const float *x = R->x + tr.image * s->x_image + tr.group * s->x_group;
    float *y = R->y + tr.image * s->y_image + tr.group * s->y_group;
    const float *a = G->a + tr.group * mpad * s->k;
    const float *bias = G->bias ? G->bias + tr.group * mpad : NULL;
    if (f32_panels_first(G)) {
        /* Few columns, often many rows (1280 x 160 weights on a 3x3 plane,
         * 512 x 4608 on ResNet-18's last 3x3 layers): the task's column
         * panels made ready once, then each weight panel over all of them,
         * so the weights are read once per task, not once per 7 columns. A
         * pointwise product's full panels are read in place (the ragged
         * last one packed); a windowed one's are all packed. */
        const int pw = s->geom.pointwise;
        const int64_t last = pw ? s->n / nr : tr.p0; /* first panel packed */
        const size_t panel = (size_t)(s->k * nr);
        for (int64_t p = last > tr.p0 ? last : tr.p0; p < tr.p1; p++) {
            const int64_t j0 = p * nr;
            G->vec->pack_b_f32(&s->geom, x, j0, (int)(s->n - j0 < nr ? s->n - j0 : nr), nr,
                               bpanel + (size_t)(pw ? 0 : p - tr.p0) * panel);
        }
        for (int64_t rp = tr.r0; rp < tr.r1; rp++) {
            const int64_t m0 = rp * mr;
            const int mvalid = (int)(s->m - m0 < mr ? s->m - m0 : mr);
            const float *ap = a + rp * s->k * mr;
            const float *bp = bias ? bias + m0 : NULL;
            /* in K blocks (f32_cols_k_block): the first from the bias,
             * the later ones accumulating, the clamp with the last (k 0:
             * one empty block, the bias) */
            const int64_t kc = G->kc_first > 0 ? G->kc_first : 1;
            for (int64_t k0 = 0; k0 == 0 || k0 < s->k; k0 += kc) {
                const int64_t kn = s->k - k0 < kc ? s->k - k0 : kc;
                const int end = k0 + kn == s->k;
                /* the next block's weights (after the last, the next row
                 * panel's first) asked for while this one runs over the
                 * column panels, a share during each (by the kernel's
                 * block form, between its k steps) or before it: the
                 * first panel over a block otherwise waits on memory for
                 * them */
                const int64_t left = end ? (rp + 1 < tr.r1 ? s->k : 0) : s->k - k0 - kn;
                const char *next = (const char *)(end ? ap + s->k * mr : ap + (k0 + kn) * mr);
                const int64_t ahead = (left < kc ? left : kc) * mr * (int64_t)sizeof(float);
                const int64_t share = (ahead / 64 + (tr.p1 - tr.p0) - 1) / (tr.p1 - tr.p0) * 64;
                int64_t sent = 0;
                for (int64_t p = tr.p0; p < tr.p1; p++) {
                    const int64_t to = sent + share < ahead ? sent + share : ahead;
                    const int64_t j0 = p * nr;
                    const int in_place = pw && p < last;
                    const int64_t ldb = in_place ? s->geom.c_stride : nr;
                    const float *b =
                        in_place ? x + j0 : bpanel + (size_t)(pw ? 0 : p - tr.p0) * panel;
                    float *c = y + m0 * s->y_row + j0;
                    const int nvalid = (int)(s->n - j0 < nr ? s->n - j0 : nr);
                    const float lo = end ? G->lo : -INFINITY, hi = end ? G->hi : INFINITY;
                    if (G->block) { /* the kernel asks for its share between k steps */
                        G->block(kn, ap + k0 * mr, b + k0 * ldb, ldb, c, s->y_row, mvalid,
                                 nvalid, k0 == 0 ? bp : NULL, lo, hi, k0 > 0, next + sent,
                                 to > sent ? (to - sent + 63) / 64 : 0);
                        sent = to > sent ? to : sent;
                        continue;
                    }
                    for (; sent < to; sent += 64)
                        __builtin_prefetch(next + sent, 0, 2);
                    (k0 == 0 ? G->fn : G->acc)(kn, ap + k0 * mr, b + k0 * ldb, ldb, c,
                                               s->y_row, mvalid, nvalid, k0 == 0 ? bp : NULL,
                                               lo, hi);
                }
            }
        }
        return;
    }
    for (int64_t p = tr.p0; p < tr.p1; p++) {
        const int64_t j0 = p * nr;
        f32_panel(G, x, a, bias, j0, (int)(s->n - j0 < nr ? s->n - j0 : nr), tr.r0, tr.r1,
                  bpanel, tile, y + j0 * s->y_col, s->y_row, s->y_col);
    }
}

void eb_simd_gemm_f32_cols(const eb_simd_gemm_f32 *G, void *scratch, const float *x,
                           int64_t j0, int64_t j1, float *y, int64_t y_row)
{
    float *bpanel = scratch;
    float *tile = (float *)((unsigned char *)scratch + f32_b_bytes(G));
    const int64_t row_panels = ceil_div(G->s.m, G->mr);
    for (int64_t j = j0; j < j1; j += G->nr)
        f32_panel(G, x, G->a, G->bias, j, (int)(j1 - j < G->nr ? j1 - j : G->nr), 0, row_panels,
                  bpanel, tile, y + (j - j0), y_row, 1);
}

/* Task t of a K split over T tasks: input channels [k t / T, k (t + 1) /
 * T) of every tile, into the output (task 0, with the bias) or task t's
 * partial (in thread t's scratch, whichever thread runs it: the sum finds
 * it there), unclamped. Few-column kernels run each weight panel over
 * every column panel (its part of the weights stays in the L1), the
 * others each column panel in K blocks as f32_panel does. */
static void f32_k_task(void *arg, int t, int thread)
{
    const f32_run *R = arg;
    const eb_simd_gemm_f32 *G = R->G;
    const eb_simd_gemm_shape *s = &G->s;
    const int mr = G->mr, nr = G->nr, T = R->sp.tasks;
    const int64_t k0 = s->k * t / T, k1 = s->k * (t + 1) / T;
    const int64_t row_panels = ceil_div(s->m, mr), col_panels = ceil_div(s->n, nr);
    float *bpanel = (float *)(R->scratch->base + (size_t)thread * R->scratch->bytes);
    float *dst = t == 0 ? R->y
                        : (float *)(R->scratch->base + (size_t)t * R->scratch->bytes +
                                    f32_b_bytes(G) + f32_tile_bytes(G));
    const int64_t ld = t == 0 ? s->y_row : s->n;
    const float *bias = t == 0 ? G->bias : NULL;
    /* the full panels are read in place (pointwise), the ragged last one
     * packed (all of K, as f32_panel packs it) */
    const int64_t ragged = s->n % nr ? col_panels - 1 : col_panels;
    if (ragged < col_panels)
        G->vec->pack_b_f32(&s->geom, R->x, ragged * nr, (int)(s->n - ragged * nr), nr, bpanel);
    const int first = f32_panels_first(G);
    for (int64_t o = 0; o < (first ? row_panels : col_panels); o++)
        for (int64_t i = 0; i < (first ? col_panels : row_panels); i++) {
            const int64_t rp = first ? o : i, p = first ? i : o, m0 = rp * mr, j0 = p * nr;
            const float *b = p < ragged ? R->x + j0 : bpanel;
            const int64_t ldb = p < ragged ? s->geom.c_stride : nr;
            const int64_t kc = ldb == nr ? k1 - k0 : G->kc;
            for (int64_t kb = k0; kb < k1; kb += kc) {
                const int64_t kn = k1 - kb < kc ? k1 - kb : kc;
                (kb == k0 ? G->fn : G->acc)(kn, G->a + rp * s->k * mr + kb * mr, b + kb * ldb, ldb,
                                            dst + m0 * ld + j0, ld,
                                            (int)(s->m - m0 < mr ? s->m - m0 : mr),
                                            (int)(s->n - j0 < nr ? s->n - j0 : nr),
                                            kb == k0 && bias ? bias + m0 : NULL, -INFINITY,
                                            INFINITY);
            }
        }
}

/* Rows of the K split's output: the partials added to it, in task order,
 * the activation clamp with the last. */
typedef struct k_sum {
    const f32_run *R;
    int parts;    /* tasks of the split */
    int64_t rows; /* per task of the sum */
} k_sum;

static void f32_k_sum_task(void *arg, int t, int thread)
{
    (void)thread;
    const k_sum *K = arg;
    const eb_simd_gemm_f32 *G = K->R->G;
    const eb_simd_gemm_shape *s = &G->s;
    const int64_t r0 = t * K->rows, r1 = r0 + K->rows < s->m ? r0 + K->rows : s->m;
    for (int i = 1; i < K->parts; i++) {
        const float *part = (const float *)(K->R->scratch->base +
                                            (size_t)i * K->R->scratch->bytes + f32_b_bytes(G) +
                                            f32_tile_bytes(G));
        const int last = i == K->parts - 1;
        for (int64_t r = r0; r < r1; r++)
            G->vec->add_f32(K->R->y + r * s->y_row, part + r * s->n, last ? G->lo : -INFINITY,
                            last ? G->hi : INFINITY, K->R->y + r * s->y_row, 0, s->n);
    }
}

void eb_simd_gemm_f32_run(const eb_simd_gemm_f32 *G, eb_simd_pool *pool,
                          const eb_simd_scratch *scratch, const float *x, float *y)
{
    f32_run R = {.G = G, .scratch = scratch, .x = x, .y = y};
    const int threads = eb_simd_pool_threads(pool);
    if (f32_k_splits(G, threads) && scratch->threads >= threads) {
        /* one task per thread: the pool's owned ranges give thread i task
         * i, the channels a planes-split step before it wrote (its first
         * i-th of them) */
        R.sp.tasks = threads;
        eb_simd_pool_run(pool, threads, f32_k_task, &R);
        k_sum K = {.R = &R, .parts = threads, .rows = ceil_div(G->s.m, 4 * (int64_t)threads)};
        eb_simd_pool_run(pool, (int)ceil_div(G->s.m, K.rows), f32_k_sum_task, &K);
        return;
    }
    make_split(&G->s, G->mr, G->nr, threads, f32_panels_first(G), &R.sp);
    eb_simd_pool_run(pool, R.sp.tasks, f32_task, &R);
}

int eb_simd_gemm_f32_by_rows(const eb_simd_gemm_f32 *G, int threads)
{
    if (threads < 2)
        return 0;
    if (f32_k_splits(G, threads))
        return 1;
    split sp;
    make_split(&G->s, G->mr, G->nr, threads, f32_panels_first(G), &sp);
    return sp.products * sp.col_tasks < threads && sp.row_parts > 1;
}

/* ---- int8 ---------------------------------------------------------------- */

int eb_simd_q8_weights_narrow(const int16_t *w, int64_t count)
{
    for (int64_t i = 0; i < count; i++)
        if (w[i] < -128 || w[i] > 127)
            return 0;
    return 1;
}

static int q8_panels_first(const eb_simd_gemm_q8 *G);
static size_t q8_b_bytes(const eb_simd_gemm_q8 *G);

int eb_simd_gemm_q8_init(eb_simd_gemm_q8 *G, const eb_simd_q8_gemm_variant *kern,
                         const eb_simd_vec_kernels *vec, const eb_simd_gemm_shape *s,
                         const int16_t *w, int64_t w_row, int64_t w_col, const int32_t *bias,
                         const float *mult, eb_dtype x_dtype, int32_t x_zp, eb_dtype y_dtype,
                         int32_t y_zp, int32_t y_min, int32_t y_max)
{
    memset(G, 0, sizeof *G);
    G->s = *s;
    G->kern = kern;
    G->vec = vec;
    G->x_dtype = x_dtype;
    G->y_dtype = y_dtype;
    G->y_zp = y_zp;
    G->y_min = y_min;
    G->y_max = y_max;
    /* few columns: as for fp32 (eb_simd_gemm_f32_init) */
    const eb_simd_q8_gemm_variant *run = eb_simd_q8_gemm_for(kern, s->m, s->n, s->y_col);
    G->fn = run->fn;
    G->rq_fn = run->rq_fn;
    G->rq = (eb_simd_q8_rq){
        .zp = y_zp,
        .lo = y_min,
        .hi = y_max,
        .saturate = eb_simd_q8_rq_saturates(y_dtype == EB_DT_U8, y_min, y_max, mult,
                                            s->groups * s->m)};
    G->mr = run->mr;
    G->nr = run->nr;
    G->few_cols = run->few_cols;
    G->name = run->name;
    G->kern = run; /* a few-column variant may pack its weights its own way */
    const int mr = G->mr, ku = run->ku;
    const int elem = eb_simd_q8_elem_bytes(run);
    G->kpad = ceil_div(s->k, ku) * ku;
    /* B value = x - sub: the centred value for int16, the activation moved
     * to the unsigned (VNNI) or signed (SDOT) byte range otherwise. */
    switch (run->format) {
    case EB_SIMD_Q8_I16: G->sub = x_zp; break;
    case EB_SIMD_Q8_U8S8: G->sub = x_dtype == EB_DT_U8 ? 0 : -128; break;
    default: G->sub = x_dtype == EB_DT_U8 ? 128 : 0; break;
    }
    G->pad = x_zp - G->sub;
    const int64_t panels = ceil_div(s->m, mr), mpad = panels * mr;
    G->a = aligned_calloc((size_t)(s->groups * mpad * G->kpad) * (size_t)elem);
    /* MR zeros past the end: a fused store reads a whole tile's rows */
    G->add = aligned_calloc((size_t)(s->groups * s->m + mr) * sizeof *G->add);
    G->mult = aligned_calloc((size_t)(s->groups * s->m + mr) * sizeof *G->mult);
    /* one product's column panels, packed once per run for every task
     * (eb_simd_gemm_q8_run) */
    if (q8_panels_first(G) && s->batch * s->groups == 1)
        G->packed = aligned_calloc(q8_b_bytes(G));
    if (!G->a || !G->add || !G->mult || (q8_panels_first(G) && s->batch * s->groups == 1 &&
                                          !G->packed)) {
        eb_simd_gemm_q8_free(G);
        return -1;
    }
    for (int64_t g = 0; g < s->groups; g++)
        for (int64_t r = 0; r < s->m; r++) {
            const int64_t panel = g * panels + r / mr;
            uint32_t wsum = 0;
            for (int64_t kk = 0; kk < s->k; kk++) {
                int16_t v = w[(g * s->m + r) * w_row + kk * w_col];
                int64_t at = panel * G->kpad * mr + ((kk / ku) * mr + r % mr) * ku + kk % ku;
                if (elem == 2)
                    ((int16_t *)G->a)[at] = v;
                else
                    ((int8_t *)G->a)[at] = (int8_t)v;
                wsum += (uint32_t)(int32_t)v;
            }
            uint32_t b = bias ? (uint32_t)bias[g * s->m + r] : 0u;
            G->add[g * s->m + r] = (int32_t)(b - (uint32_t)G->pad * wsum);
            G->mult[g * s->m + r] = mult[g * s->m + r];
        }
    return 0;
}

void eb_simd_gemm_q8_free(eb_simd_gemm_q8 *G)
{
    free(G->a);
    free(G->add);
    free(G->mult);
    free(G->packed);
    G->a = NULL;
    G->add = NULL;
    G->mult = NULL;
    G->packed = NULL;
}

/* Whether a task packs all its column panels first and then runs each
 * weight panel over them (q8_task): few columns with a fused store. */
static int q8_panels_first(const eb_simd_gemm_q8 *G)
{
    return G->few_cols && G->nr > 1 && G->rq_fn && G->s.y_col == 1;
}

/* Bytes of a thread's packed B: one panel, or every column panel of the
 * product where q8_panels_first (a task holds at most all of them). */
static size_t q8_b_bytes(const eb_simd_gemm_q8 *G)
{
    const size_t elem = (size_t)eb_simd_q8_elem_bytes(G->kern);
    const size_t panel = (size_t)(G->kpad * G->nr) * elem;
    return ALIGN64(q8_panels_first(G) ? (size_t)ceil_div(G->s.n, G->nr) * panel : panel);
}

size_t eb_simd_gemm_q8_scratch(const eb_simd_gemm_q8 *G)
{
    const int mr = G->mr, nr = G->nr;
    /* the row buffer doubles as the few-column tile's transpose space */
    const size_t row = G->few_cols ? (size_t)(mr * nr) * sizeof(int32_t) : (size_t)nr;
    return q8_b_bytes(G) + ALIGN64((size_t)(mr * nr) * sizeof(int32_t)) + ALIGN64(row);
}

/* tile[j * mr + r] -> tile[r * nr + j], through tmp (mr * nr values). */
static void transpose_tile(int32_t *tile, int mr, int nr, int32_t *tmp)
{
    memcpy(tmp, tile, (size_t)(mr * nr) * sizeof *tmp);
    for (int j = 0; j < nr; j++)
        for (int r = 0; r < mr; r++)
            tile[r * nr + j] = tmp[j * mr + r];
}

/* Threads that share the rows of a few-column int8 product (each at least
 * two row panels: make_split) pack the column panels each for itself up
 * to this many threads, one task each; with more, the panels are packed
 * once by all and shared. Packing alone costs a thread the whole packing
 * but no section and no reading of panels the other cores packed: on two
 * threads (this 2-vCPU VM) MobileNet-v2@224 int8's 14x14 and 7x7
 * expansions took 0.82-0.93x and the 7x7 projections 0.86-0.95x the
 * shared-packing time, the model 0.98x. With many threads each packing
 * all would cost more than a 1/T share read from the others; not
 * measured here. */
#define Q8_OWN_PACK_THREADS 2

typedef struct q8_run {
    const eb_simd_gemm_q8 *G;
    const eb_simd_scratch *scratch;
    const void *x;
    void *y;
    split sp;
    int shared;       /* the column panels are in G->packed already */
    int64_t per_pack; /* column panels per q8_pack_task */
} q8_run;

/* Column panels [t * per_pack, ...) of the one product into G->packed. */
static void q8_pack_task(void *arg, int t, int thread)
{
    (void)thread;
    const q8_run *R = arg;
    const eb_simd_gemm_q8 *G = R->G;
    const eb_simd_gemm_shape *s = &G->s;
    const int nr = G->nr, elem = eb_simd_q8_elem_bytes(G->kern);
    const size_t panel = (size_t)(G->kpad * nr) * (size_t)elem;
    const int64_t p0 = t * R->per_pack;
    const int64_t p1 = p0 + R->per_pack < R->sp.col_panels ? p0 + R->per_pack : R->sp.col_panels;
    if (p1 > p0)
        G->vec->pack_b_q8_panels(&s->geom, R->x, G->x_dtype, G->sub, G->pad, elem, G->kern->ku,
                                 G->kpad, s->n, nr, p0, p1,
                                 (unsigned char *)G->packed + (size_t)p0 * panel);
}

/* Column panel [j0, j0 + nvalid) of one image and group (x, a, add,
 * mult at them), packed into bpanel, times row panels [r0, r1); column j0
 * stored at y, rows y_row and columns y_col elements apart. */
static void q8_panel(const eb_simd_gemm_q8 *G, const uint8_t *x, const unsigned char *a,
                     const int32_t *add, const float *mult, int64_t j0, int nvalid, int64_t r0,
                     int64_t r1, void *bpanel, int32_t *tile, uint8_t *row, uint8_t *y,
                     int64_t y_row, int64_t y_col)
{
    const eb_simd_gemm_shape *s = &G->s;
    const int mr = G->mr, nr = G->nr, ku = G->kern->ku;
    const int elem = eb_simd_q8_elem_bytes(G->kern);
    const int64_t kq = G->kpad / ku;
    const eb_simd_q8_gemm_rq_fn rq_fn = G->rq_fn;
    if (nr == 1 && elem == 2 && unit_window(&s->geom)) {
        /* one int16 column (the matrix-vector kernel): its k values
         * are x - sub at c_stride steps, no window, no padding */
        int16_t *d = bpanel;
        const int64_t cs = s->geom.c_stride, at = j0 * s->geom.p_stride;
        if (G->x_dtype == EB_DT_U8)
            for (int64_t kk = 0; kk < s->k; kk++)
                d[kk] = (int16_t)((int32_t)x[at + kk * cs] - G->sub);
        else
            for (int64_t kk = 0; kk < s->k; kk++)
                d[kk] = (int16_t)((int32_t)(int8_t)x[at + kk * cs] - G->sub);
        for (int64_t kk = s->k; kk < G->kpad; kk++)
            d[kk] = 0;
    } else if (nr == 1 && elem == 1 && unit_window(&s->geom)) {
        /* one byte column (the VNNI matrix-vector kernel): k values in
         * order, groups of KU consecutive, as bytes of x - sub (the
         * generic packer took a division per element) */
        uint8_t *d = bpanel;
        const int64_t cs = s->geom.c_stride, at = j0 * s->geom.p_stride;
        for (int64_t kk = 0; kk < s->k; kk++)
            d[kk] = (uint8_t)(x[at + kk * cs] - (uint8_t)G->sub);
        for (int64_t kk = s->k; kk < G->kpad; kk++)
            d[kk] = 0;
    } else {
        G->vec->pack_b_q8(&s->geom, x, G->x_dtype, G->sub, G->pad, elem, ku, G->kpad, j0,
                          nvalid, nr, bpanel);
    }
    for (int64_t rp = r0; rp < r1; rp++) {
        const int64_t m0 = rp * mr;
        const int mvalid = (int)(s->m - m0 < mr ? s->m - m0 : mr);
        const unsigned char *ap = a + (size_t)(rp * G->kpad * mr) * (size_t)elem;
        if (rq_fn && y_col == 1) {
            /* requantised in the micro-kernel's store */
            rq_fn(kq, ap, bpanel, add + m0, mult + m0, &G->rq, y + m0 * y_row,
                  y_row, mvalid, nvalid);
            continue;
        }
        G->fn(kq, ap, bpanel, tile);
        if (G->few_cols && y_col == 1) {
            G->vec->requant_cols(tile, mr, mvalid, nvalid, add + m0, mult + m0, G->y_zp,
                                 G->y_min, G->y_max, y + m0 * y_row, y_row);
            continue;
        }
        if (G->few_cols) {
            /* a column-major tile for an output not stored row-major
             * (a few-column variant passed directly, as the kernel
             * tests do): reorder it in place through the row buffer */
            transpose_tile(tile, mr, nr, (int32_t *)row);
        }
        if (y_col == 1) {
            G->vec->requant_tile(tile, nr, mvalid, nvalid, add + m0, mult + m0, G->y_zp,
                                 G->y_min, G->y_max, y + m0 * y_row, y_row);
            continue;
        }
        for (int r = 0; r < mvalid; r++) {
            const int64_t m = m0 + r;
            if (y_col == 1) {
                G->vec->requant(tile + r * nr, nvalid, add[m], mult[m], G->y_zp, G->y_min,
                                G->y_max, G->y_dtype, y + m * y_row);
            } else {
                G->vec->requant(tile + r * nr, nvalid, add[m], mult[m], G->y_zp, G->y_min,
                                G->y_max, G->y_dtype, row);
                for (int j = 0; j < nvalid; j++)
                    y[m * y_row + j * y_col] = row[j];
            }
        }
    }
}

/* Where q8_panels_first: weight panels [r0, r1) each over the column
 * panels [p0, p1) packed one after another in bp (columns p * nr on, n in
 * all), requantised into y (its column 0 at column p0 * nr) while the
 * weight panel stays in L1. */
static void q8_rows_over_panels(const eb_simd_gemm_q8 *G, const unsigned char *a,
                                const int32_t *add, const float *mult, const void *bp,
                                int64_t p0, int64_t p1, int64_t n, int64_t r0, int64_t r1,
                                uint8_t *y, int64_t y_row)
{
    const int mr = G->mr, nr = G->nr, elem = eb_simd_q8_elem_bytes(G->kern);
    /* in locals: read through G after each call of a kernel, the quotient
     * was a 64-bit division per tile */
    const int64_t kq = G->kpad / G->kern->ku, m = G->s.m;
    const size_t panel = (size_t)(G->kpad * nr) * (size_t)elem;
    const eb_simd_q8_gemm_rq_fn rq_fn = G->rq_fn;
    for (int64_t rp = r0; rp < r1; rp++) {
        const int64_t m0 = rp * mr;
        const int mvalid = (int)(m - m0 < mr ? m - m0 : mr);
        const unsigned char *ap = a + (size_t)(rp * G->kpad * mr) * (size_t)elem;
        for (int64_t p = p0; p < p1; p++) {
            const int64_t j0 = p * nr;
            const int nvalid = (int)(n - j0 < nr ? n - j0 : nr);
            rq_fn(kq, ap, (const unsigned char *)bp + (size_t)(p - p0) * panel, add + m0,
                  mult + m0, &G->rq, y + m0 * y_row + (j0 - p0 * nr), y_row, mvalid, nvalid);
        }
    }
}

static void q8_task(void *arg, int t, int thread)
{
    const q8_run *R = arg;
    const eb_simd_gemm_q8 *G = R->G;
    const eb_simd_gemm_shape *s = &G->s;
    const int mr = G->mr, nr = G->nr, ku = G->kern->ku;
    const int elem = eb_simd_q8_elem_bytes(G->kern);
    const int64_t mpad = R->sp.row_panels * mr;
    task_range tr;
    task_to_range(&R->sp, t, s->groups, &tr);
    unsigned char *mine = R->scratch->base + (size_t)thread * R->scratch->bytes;
    void *bpanel = mine;
    int32_t *tile = (int32_t *)(mine + q8_b_bytes(G));
    uint8_t *row = (uint8_t *)tile + ALIGN64((size_t)(mr * nr) * sizeof(int32_t));
    const uint8_t *x = (const uint8_t *)R->x + tr.image * s->x_image + tr.group * s->x_group;
    uint8_t *y = (uint8_t *)R->y + tr.image * s->y_image + tr.group * s->y_group;
    const unsigned char *a =
        (const unsigned char *)G->a + (size_t)(tr.group * mpad * G->kpad) * (size_t)elem;
    const int32_t *add = G->add + tr.group * s->m;
    const float *mult = G->mult + tr.group * s->m;
    if (q8_panels_first(G)) {
        /* Few columns, often many rows (960 x 160 weights on a 7x7 plane):
         * the task's column panels packed once, then each weight panel
         * over all of them while it stays in L1; column panel by column
         * panel, the whole weight matrix streamed from L2 for every 7
         * columns (measured on MobileNet-v2's 14x14 pointwise layers with
         * q8_gemm_32x7c4__avx512vnni: 508 -> 490 us; AVX2's 16x6c2 unchanged). */
        const size_t panel = (size_t)(G->kpad * nr) * (size_t)elem;
        if (R->shared)
            bpanel = (unsigned char *)G->packed + (size_t)tr.p0 * panel;
        else
            G->vec->pack_b_q8_panels(&s->geom, x, G->x_dtype, G->sub, G->pad, elem, ku, G->kpad,
                                     s->n, nr, tr.p0, tr.p1, bpanel);
        q8_rows_over_panels(G, a, add, mult, bpanel, tr.p0, tr.p1, s->n, tr.r0, tr.r1,
                            y + tr.p0 * nr, s->y_row);
        return;
    }
    for (int64_t p = tr.p0; p < tr.p1; p++) {
        const int64_t j0 = p * nr;
        q8_panel(G, x, a, add, mult, j0, (int)(s->n - j0 < nr ? s->n - j0 : nr), tr.r0, tr.r1,
                 bpanel, tile, row, y + j0 * s->y_col, s->y_row, s->y_col);
    }
}

void eb_simd_gemm_q8_run(const eb_simd_gemm_q8 *G, eb_simd_pool *pool,
                         const eb_simd_scratch *scratch, const void *x, void *y)
{
    q8_run R = {.G = G, .scratch = scratch, .x = x, .y = y};
    const int threads = eb_simd_pool_threads(pool);
    make_split(&G->s, G->mr, G->nr, threads, q8_panels_first(G), &R.sp);
    if (G->packed && R.sp.row_parts > 1 && R.sp.col_tasks == 1 &&
        threads <= Q8_OWN_PACK_THREADS) {
        /* one task per thread, each packing every column panel itself */
        R.sp.row_parts = threads;
        R.sp.tasks = (int)(R.sp.products * R.sp.row_parts);
    } else if (G->packed && R.sp.row_parts > 1 && R.sp.col_tasks == 1) {
        /* Tasks that share the rows would each pack every column panel
         * (on two threads four times what one thread packs: MobileNet-v2's
         * 14x14 and 7x7 int8 pointwise layers ran slower on two threads
         * than on one). The panels are packed once, shared among the
         * threads, then every task reads them. */
        R.shared = 1;
        const int64_t pack_tasks = R.sp.col_panels < 2 * threads ? R.sp.col_panels : 2 * threads;
        R.per_pack = ceil_div(R.sp.col_panels, pack_tasks);
        eb_simd_pool_run(pool, (int)ceil_div(R.sp.col_panels, R.per_pack), q8_pack_task, &R);
    }
    eb_simd_pool_run(pool, R.sp.tasks, q8_task, &R);
}

void eb_simd_gemm_q8_cols(const eb_simd_gemm_q8 *G, void *scratch, const void *x, int64_t j0,
                          int64_t j1, void *y, int64_t y_row)
{
    unsigned char *bpanel = scratch;
    int32_t *tile = (int32_t *)(bpanel + q8_b_bytes(G));
    uint8_t *row = (uint8_t *)tile + ALIGN64((size_t)(G->mr * G->nr) * sizeof(int32_t));
    const int64_t row_panels = ceil_div(G->s.m, G->mr);
    const int64_t p1 = ceil_div(j1, G->nr);
    if (q8_panels_first(G) && j0 % G->nr == 0 && p1 <= ceil_div(G->s.n, G->nr)) {
        /* as the driver's tasks (q8_task): the range's column panels
         * packed once, each weight panel over all of them; panel by panel
         * the weights were streamed again for every 7 columns (the fused
         * int8 blocks' projections, simd_plan_pwdw_q8.c) */
        const int elem = eb_simd_q8_elem_bytes(G->kern);
        const eb_simd_gemm_shape *s = &G->s;
        G->vec->pack_b_q8_panels(&s->geom, x, G->x_dtype, G->sub, G->pad, elem, G->kern->ku,
                                 G->kpad, j1, G->nr, j0 / G->nr, p1, bpanel);
        q8_rows_over_panels(G, G->a, G->add, G->mult, bpanel, j0 / G->nr, p1, j1, 0,
                            row_panels, y, y_row);
        return;
    }
    for (int64_t j = j0; j < j1; j += G->nr)
        q8_panel(G, x, G->a, G->add, G->mult, j, (int)(j1 - j < G->nr ? j1 - j : G->nr), 0,
                 row_panels, bpanel, tile, row, (uint8_t *)y + (j - j0), y_row, 1);
}
