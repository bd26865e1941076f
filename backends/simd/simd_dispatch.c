/* The variant tables built from the lists, and run-time choice among them. */
#include "backends/simd/simd_kernels.h"

static const eb_simd_f32_gemm_variant f32_gemm[] = {
#define F32_ACC_0(NAME) NULL, NULL
#define F32_ACC_1(NAME) eb_##NAME##_acc, NULL
#define F32_ACC_2(NAME) eb_##NAME##_acc, eb_##NAME##_block
#define EB_SIMD_F32_GEMM(NAME, ISA, MR, NR, FEW_COLS, ACC) \
    {#NAME, ISA, MR, NR, FEW_COLS, eb_##NAME, F32_ACC_##ACC(NAME)},
#include "backends/simd/simd_f32_gemm.inc"
#undef EB_SIMD_F32_GEMM
#undef F32_ACC_0
#undef F32_ACC_1
#undef F32_ACC_2
};

static const eb_simd_q8_gemm_variant q8_gemm[] = {
#define Q8_RQ_0(NAME) NULL
#define Q8_RQ_1(NAME) eb_##NAME##_rq
#define EB_SIMD_Q8_GEMM(NAME, ISA, MR, NR, KU, FORMAT, FEW_COLS, RQ) \
    {#NAME, ISA, MR, NR, KU, FORMAT, FEW_COLS, eb_##NAME, Q8_RQ_##RQ(NAME)},
#include "backends/simd/simd_q8_gemm.inc"
#undef EB_SIMD_Q8_GEMM
};

static const eb_simd_vec_kernels *const vec[] = {
#define EB_SIMD_VEC(NAME, ISA) &eb_simd_vec__##NAME,
#include "backends/simd/simd_vec.inc"
#undef EB_SIMD_VEC
};

static const eb_simd_f32_sigmoid_variant f32_sigmoid[] = {
#define EB_SIMD_F32_SIGMOID(NAME, ISA) {#NAME, ISA, eb_##NAME},
#include "backends/simd/simd_f32_sigmoid.inc"
#undef EB_SIMD_F32_SIGMOID
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const eb_simd_f32_gemm_variant *eb_simd_f32_gemm_variants(int *n)
{
    *n = COUNT(f32_gemm);
    return f32_gemm;
}

const eb_simd_q8_gemm_variant *eb_simd_q8_gemm_variants(int *n)
{
    *n = COUNT(q8_gemm);
    return q8_gemm;
}

const eb_simd_vec_kernels *const *eb_simd_vec_variants(int *n)
{
    *n = COUNT(vec);
    return vec;
}

const eb_simd_f32_gemm_variant *eb_simd_pick_f32_gemm(unsigned isa)
{
    const eb_simd_f32_gemm_variant *best = &f32_gemm[0];
    for (int i = 0; i < COUNT(f32_gemm); i++)
        if (eb_simd_isa_has(isa, f32_gemm[i].isa) && !f32_gemm[i].few_cols)
            best = &f32_gemm[i];
    return best;
}

const eb_simd_q8_gemm_variant *eb_simd_pick_q8_gemm(unsigned isa, int narrow)
{
    const eb_simd_q8_gemm_variant *best = &q8_gemm[0];
    for (int i = 0; i < COUNT(q8_gemm); i++)
        if (eb_simd_isa_has(isa, q8_gemm[i].isa) && !q8_gemm[i].few_cols &&
            (narrow || q8_gemm[i].format == EB_SIMD_Q8_I16))
            best = &q8_gemm[i];
    return best;
}

/* The widest product a few-column tile may take: a 16x16 plane. */
#define FEW_COLS_MAX 256

static int64_t round_up(int64_t v, int to) { return (v + to - 1) / to * to; }

/* fp32 / int32 lanes of one vector at an ISA level: a lower level's tile
 * does half the work per instruction of AVX-512's. */
static int64_t lanes(unsigned isa)
{
    if (isa & (EB_SIMD_ISA_AVX512 | EB_SIMD_ISA_AVX512VNNI))
        return 16;
    return isa & EB_SIMD_ISA_AVX2 ? 8 : 4;
}

/* Whether the few-column variant computes an m x n product in less time
 * than the general one (by more than percent %), time taken as the lanes its
 * tiles compute, rows and columns rounded up to whole tiles, over the
 * lanes of its level's vectors. Rows count too: a grouped convolution of
 * 16 channels per group (RegNet) on a 14x14 plane left half of the 32 x 7
 * tile's rows idle when only columns were compared; and an AVX2 tile on
 * an AVX-512 host must save more than half. percent: the share of
 * lanes it must save (10, or q8_few_cols_percent). */
static int few_cols_pay(int64_t m, int64_t n, int mr_few, int nr_few, unsigned isa_few, int mr,
                        int nr, unsigned isa, int percent)
{
    /* few columns only: on a wide product (the stem's 112x112 plane with
     * 32 output channels fills 32 x 7 tiles exactly) the 32 x 7 tile took
     * 1.4x the 6 x 32 one's time, its broadcasts reading a new row of B
     * per k */
    if (n > FEW_COLS_MAX)
        return 0;
    int64_t few = round_up(n, nr_few) * round_up(m, mr_few) * lanes(isa);
    int64_t general = round_up(n, nr) * round_up(m, mr) * lanes(isa_few);
    return few * 100 < general * (100 - percent);
}

/* A few-column variant may come from a lower level of the same family as
 * the general kernel (the ISA bits are in that order, simd_isa.h): AVX-512
 * has no matrix-vector tile of its own, and its 6x32 tile on a
 * matrix-vector product wastes 31 of 32 lanes (the Fashion CNN ran 2.4x
 * slower on AVX-512 than on AVX2 before). The list is scanned from its
 * end, so a level's own few-column tile comes before a lower level's.
 * Its kernels run wherever the general one does. */
static int level_at_most(unsigned few, unsigned general)
{
    return few <= general;
}

/* A one-column (matrix-vector) variant for n = 1 only: on wider products
 * it would read the weights once per column. And n = 1 only on one: a
 * wider few-column tile of a higher level (AVX-512's 32 x 7) would be
 * found first in the list, and waste all but one of its columns. */
static int one_column_fits(int64_t n, int nr)
{
    return (nr == 1) == (n == 1);
}

/* The general tile for m rows: AVX-512 lists a 12 x 32 tile after its 6 x
 * 32 and 8 x 32 ones (the pick), which loads each row of B once per twelve
 * rows of output instead of six (ResNet-18 0.94x, SqueezeNet 0.96x,
 * MobileNet-v2 @224 0.98x their time, alternating builds). Where the
 * tallest tile's panels pad m more than a tenth beyond a shorter tile's of
 * the same ISA and width, the shorter one, the taller of those first:
 * 0.5@96's 16-channel projections took 1.16-1.19x their time on 12 x 32
 * (24 rows for 16, against 18 on 6 x 32); ResNet-18's 64-channel 3x3
 * convs 0.95-0.96x on 8 x 32 (64 rows, not 72), 0.5@96 0.97x and
 * MobileNet-v2 @224 0.98x overall. */
static const eb_simd_f32_gemm_variant *f32_rows_for(const eb_simd_f32_gemm_variant *general,
                                                    int64_t m)
{
    const eb_simd_f32_gemm_variant *best = general;
    for (int i = COUNT(f32_gemm) - 1; i >= 0; i--) { /* taller tiles first */
        const eb_simd_f32_gemm_variant *v = &f32_gemm[i];
        if (!v->few_cols && v->isa == general->isa && v->nr == general->nr &&
            v->mr < best->mr && 9 * round_up(m, best->mr) > 10 * round_up(m, v->mr))
            best = v;
    }
    return best;
}

const eb_simd_f32_gemm_variant *eb_simd_f32_gemm_for(const eb_simd_f32_gemm_variant *general,
                                                     int64_t m, int64_t n, int64_t y_col)
{
    if (general->few_cols)
        return general;
    const eb_simd_f32_gemm_variant *rows = f32_rows_for(general, m);
    if (y_col != 1)
        return rows;
    for (int i = COUNT(f32_gemm) - 1; i >= 0; i--)
        if (f32_gemm[i].few_cols && level_at_most(f32_gemm[i].isa, general->isa) &&
            one_column_fits(n, f32_gemm[i].nr) &&
            few_cols_pay(m, n, f32_gemm[i].mr, f32_gemm[i].nr, f32_gemm[i].isa, rows->mr,
                         rows->nr, rows->isa, 10))
            return &f32_gemm[i];
    return rows;
}

/* The general int8 tile for m rows: VNNI lists an 8 x 32 tile before its
 * 6 x 32 one (the pick), taken where six-row panels pad m more than a
 * tenth beyond eight-row ones, as f32_rows_for does (0.5@96's 8- and
 * 16-channel projections: 12 and 18 rows on 6 x 32). Same level, width,
 * depth and weight format only: the weights are packed for it alone. */
static const eb_simd_q8_gemm_variant *q8_rows_for(const eb_simd_q8_gemm_variant *general,
                                                  int64_t m)
{
    const eb_simd_q8_gemm_variant *best = general;
    for (int i = 0; i < COUNT(q8_gemm); i++) {
        const eb_simd_q8_gemm_variant *v = &q8_gemm[i];
        if (!v->few_cols && v->isa == general->isa && v->nr == general->nr &&
            v->ku == general->ku && v->format == general->format &&
            9 * round_up(m, best->mr) > 10 * round_up(m, v->mr))
            best = v;
    }
    return best;
}

/* The share of lanes an int8 few-column tile must save: AVX-512's int16
 * tile (q8_gemm_32x7c2__avx512) a fifth. Its loop issues a vpmaddwd and a
 * vpaddd per product, as the 6 x 32 one does, but a tile of few columns
 * re-reads its column panels (twice VNNI's bytes) once per weight panel
 * and transposes its bytes to store them: on 196 columns, where it saves
 * an eighth of the 6 x 32 tile's lanes (15 % with 64 rows, rounded to
 * sixes), MobileNet-v2@224's 14x14 projections (64 and 96 rows, K 192-576)
 * took 1.00-1.22x their 6 x 32 time, its expansions (K 64-96) 0.91-0.96x;
 * on 49 columns (a quarter saved) every 7x7 layer took 0.71-0.88x. The
 * other tiles 10 %: AVX2's 16 x 6 saves 16 % on 49 columns. */
static int q8_few_cols_percent(const eb_simd_q8_gemm_variant *v)
{
    return v->format == EB_SIMD_Q8_I16 && (v->isa & EB_SIMD_ISA_AVX512) ? 20 : 10;
}

const eb_simd_q8_gemm_variant *eb_simd_q8_gemm_for(const eb_simd_q8_gemm_variant *general,
                                                   int64_t m, int64_t n, int64_t y_col)
{
    if (general->few_cols)
        return general;
    const eb_simd_q8_gemm_variant *rows = q8_rows_for(general, m);
    if (y_col != 1)
        return rows;
    /* Of the few-column tiles that pay, the one whose tiles pad the product
     * least (its lanes over its level's vector width); on a tie the first
     * found from the list's end, i.e. the higher level (VNNI's 32 x 7 over
     * AVX-512's int16 one). VNNI lists a 32 x 9 tile beside its 32 x 7: 9
     * columns (3x3 planes) took two 7-column panels, 14 columns of work. */
    const eb_simd_q8_gemm_variant *best = NULL;
    int64_t best_cost = 0;
    for (int i = COUNT(q8_gemm) - 1; i >= 0; i--) {
        const eb_simd_q8_gemm_variant *v = &q8_gemm[i];
        /* its own weight format: the driver packs for the variant it runs */
        if (!v->few_cols || !level_at_most(v->isa, general->isa) ||
            (v->format != EB_SIMD_Q8_I16 && v->format != general->format) ||
            !one_column_fits(n, v->nr) ||
            !few_cols_pay(m, n, v->mr, v->nr, v->isa, rows->mr, rows->nr, rows->isa,
                          q8_few_cols_percent(v)))
            continue;
        /* lanes over 16 / lanes(level): comparable across levels */
        const int64_t cost = round_up(n, v->nr) * round_up(m, v->mr) * (16 / lanes(v->isa));
        if (!best || cost < best_cost) {
            best = v;
            best_cost = cost;
        }
    }
    return best ? best : rows;
}

const eb_simd_vec_kernels *eb_simd_pick_vec(unsigned isa)
{
    const eb_simd_vec_kernels *best = vec[0];
    for (int i = 0; i < COUNT(vec); i++)
        if (eb_simd_isa_has(isa, vec[i]->isa))
            best = vec[i];
    return best;
}

const eb_simd_f32_sigmoid_variant *eb_simd_f32_sigmoid_variants(int *n)
{
    *n = COUNT(f32_sigmoid);
    return f32_sigmoid;
}

const eb_simd_f32_sigmoid_variant *eb_simd_pick_f32_sigmoid(unsigned isa)
{
    const eb_simd_f32_sigmoid_variant *best = &f32_sigmoid[0];
    for (int i = 0; i < COUNT(f32_sigmoid); i++)
        if (eb_simd_isa_has(isa, f32_sigmoid[i].isa))
            best = &f32_sigmoid[i];
    return best;
}
