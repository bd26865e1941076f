/* Every simd kernel variant the host offers against the reference
 * (tests/simd/simd_kernel_checks.c: random shapes with ragged edges, int8
 * bit-exact, fp32 within EB_SIMD_CHECK_RTOL of the products' magnitude).
 * Variants come from the lists in backends/simd/simd_*.inc; one the CPU
 * lacks is reported as skipped. The same checks run for aarch64 under
 * qemu (tests/simd/run_aarch64.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/host_detect.h"
#include "tests/simd/simd_kernel_checks.h"

static unsigned host_isa(void)
{
    eb_host h;
    eb_host_detect(&h);
    return eb_simd_isa_from_host(&h);
}

static int usable(unsigned need, const char *name)
{
    if (eb_simd_isa_has(host_isa(), need))
        return 1;
    char s[64];
    printf("  skip %s: CPU lacks %s\n", name, eb_simd_isa_str(need & ~host_isa(), s, sizeof s));
    return 0;
}

static void test_every_f32_gemm_variant_matches_the_reference(void **state)
{
    (void)state;
    int n, checked = 0;
    const eb_simd_f32_gemm_variant *v = eb_simd_f32_gemm_variants(&n);
    const eb_simd_vec_kernels *vec = eb_simd_pick_vec(host_isa());
    char msg[512];
    for (int i = 0; i < n; i++) {
        if (!usable(v[i].isa, v[i].name))
            continue;
        for (int threads = 1; threads <= 3; threads += 2)
            if (eb_simd_check_f32_gemm(&v[i], vec, threads, msg, sizeof msg))
                fail_msg("%s (%d threads)", msg, threads);
        checked++;
    }
    assert_true(checked >= 1); /* the portable variant always runs */
}

static void test_every_q8_gemm_variant_is_bit_exact(void **state)
{
    (void)state;
    int n, checked = 0;
    const eb_simd_q8_gemm_variant *v = eb_simd_q8_gemm_variants(&n);
    char msg[512];
    for (int i = 0; i < n; i++) {
        if (!usable(v[i].isa, v[i].name))
            continue;
        /* with the best helpers and with the portable ones: packing and
         * requantisation differ per ISA too */
        const eb_simd_vec_kernels *vecs[2] = {eb_simd_pick_vec(host_isa()), &eb_simd_vec__c};
        /* three threads: few-column products then share packed panels
         * (simd_gemm.c's Q8_OWN_PACK_THREADS), two pack their own */
        for (int k = 0; k < 2; k++)
            for (int threads = 1; threads <= 3; threads++)
                if (eb_simd_check_q8_gemm(&v[i], vecs[k], threads, msg, sizeof msg))
                    fail_msg("%s (%d threads)", msg, threads);
        checked++;
    }
    assert_true(checked >= 1);
}

static void test_every_vector_helper_build_matches_the_reference(void **state)
{
    (void)state;
    int n, checked = 0;
    const eb_simd_vec_kernels *const *v = eb_simd_vec_variants(&n);
    char msg[512], name[64];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "vec__%s", v[i]->name);
        if (!usable(v[i]->isa, name))
            continue;
        if (eb_simd_check_vec(v[i], msg, sizeof msg))
            fail_msg("%s", msg);
        checked++;
    }
    assert_true(checked >= 1);
}

static void test_every_f32_sigmoid_variant_matches_ref(void **state)
{
    (void)state;
    int n, checked = 0;
    const eb_simd_f32_sigmoid_variant *v = eb_simd_f32_sigmoid_variants(&n);
    char msg[512];
    for (int i = 0; i < n; i++) {
        if (!usable(v[i].isa, v[i].name))
            continue;
        double rel, abs_err;
        if (eb_simd_check_f32_sigmoid(&v[i], &rel, &abs_err, msg, sizeof msg))
            fail_msg("%s", msg);
        print_message("%s: max rel error %.3g, max abs error %.3g\n", v[i].name, rel, abs_err);
        checked++;
    }
    assert_true(checked >= 1);
}

static void test_pool_runs_every_task_once(void **state)
{
    (void)state;
    char msg[512];
    if (eb_simd_check_pool(msg, sizeof msg))
        fail_msg("%s", msg);
}

static void test_dispatch_prefers_the_widest_usable_variant(void **state)
{
    (void)state;
    /* nothing usable but C: the portable variants */
    assert_string_equal(eb_simd_pick_f32_gemm(0)->name, "f32_gemm_4x8__c");
    assert_string_equal(eb_simd_pick_q8_gemm(0, 1)->name, "q8_gemm_4x8c2__c");
    assert_string_equal(eb_simd_pick_vec(0)->name, "c");
#if EB_SIMD_X86
    assert_string_equal(eb_simd_pick_f32_gemm(EB_SIMD_ISA_AVX2)->name, "f32_gemm_6x16__avx2");
    unsigned all = EB_SIMD_ISA_AVX2 | EB_SIMD_ISA_AVX512 | EB_SIMD_ISA_AVX512VNNI;
    assert_string_equal(eb_simd_pick_q8_gemm(all, 1)->name, "q8_gemm_6x32c4__avx512vnni");
    /* weights outside int8 (uint8 weights with a zero point) keep int16 */
    assert_string_equal(eb_simd_pick_q8_gemm(all, 0)->name, "q8_gemm_6x32c2__avx512");
    /* few-column variants are listed (so tested and benchmarked) but only
     * ever run as the alternative of their ISA's general kernel: for 9 or
     * 36 columns stored row-major, not for 64, nor for a transposed output */
    const eb_simd_f32_gemm_variant *f = eb_simd_pick_f32_gemm(EB_SIMD_ISA_AVX2);
    const eb_simd_q8_gemm_variant *q = eb_simd_pick_q8_gemm(EB_SIMD_ISA_AVX2, 1);
    assert_string_equal(eb_simd_f32_gemm_for(f, 96, 9, 1)->name, "f32_gemm_16x6__avx2");
    assert_string_equal(eb_simd_f32_gemm_for(f, 96, 36, 1)->name, "f32_gemm_16x6__avx2");
    assert_string_equal(eb_simd_f32_gemm_for(f, 96, 64, 1)->name, "f32_gemm_6x16__avx2");
    assert_string_equal(eb_simd_f32_gemm_for(f, 96, 9, 8)->name, "f32_gemm_6x16__avx2");
    assert_string_equal(eb_simd_q8_gemm_for(q, 96, 9, 1)->name, "q8_gemm_16x6c2__avx2");
    assert_string_equal(eb_simd_q8_gemm_for(q, 96, 64, 1)->name, "q8_gemm_6x16c2__avx2");
    /* AVX-512 has its own few-column fp32 tile (7x7 and 14x14 planes: 49
     * and 196 columns), borrows AVX2's matrix-vector one, and keeps its
     * wide tile for wide products */
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 9, 1)->name,
                        "f32_gemm_32x7__avx512");
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 49, 1)->name,
                        "f32_gemm_32x7__avx512");
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 196, 1)->name,
                        "f32_gemm_32x7__avx512");
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 784, 1)->name,
                        "f32_gemm_12x32__avx512");
    /* AVX-512's general tile is 12 x 32; 8 x 32, or else 6 x 32, where
     * twelve-row panels pad the rows more than a tenth beyond the shorter
     * tile's (64 -> 72 vs 64; 16 -> 24 vs 16; 18 -> 24 vs 24 vs 18; not
     * 128 -> 132 vs 128), a transposed output too */
    assert_string_equal(eb_simd_pick_f32_gemm(all)->name, "f32_gemm_12x32__avx512");
    static const struct {
        int64_t m;
        const char *tile;
    } rows[] = {{64, "8x32"}, {8, "8x32"}, {16, "8x32"}, {128, "12x32"}, {18, "6x32"},
                {6, "6x32"},  {24, "12x32"}, {36, "12x32"}, {96, "12x32"}, {132, "12x32"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "f32_gemm_%s__avx512", rows[i].tile);
        assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), rows[i].m, 3136,
                                                 1)->name, want);
    }
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 40, 3136, 8)->name,
                        "f32_gemm_8x32__avx512");
    /* rows count: 16 rows (a grouped conv's group) on 196 columns would
     * leave half of the 32 x 7 tile's rows idle */
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 16, 196, 1)->name,
                        "f32_gemm_8x32__avx512");
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 1, 1)->name,
                        "f32_gemm_32x1__avx2");
    assert_string_equal(eb_simd_f32_gemm_for(eb_simd_pick_f32_gemm(all), 96, 64, 1)->name,
                        "f32_gemm_12x32__avx512");
    /* VNNI has its own (32 x 7, 32 x 9 and 32 x 1, its byte format):
     * MobileNet's 7x7 and 14x14 planes (49, 196 columns) run the first,
     * 3x3 planes (9, or 18 for two images) the second, which pads them
     * less, a matrix-vector product the third, wide products the general
     * tile */
    const eb_simd_q8_gemm_variant *vnni = eb_simd_pick_q8_gemm(all, 1);
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 9, 1)->name, "q8_gemm_32x9c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 18, 1)->name, "q8_gemm_32x9c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 14, 1)->name, "q8_gemm_32x7c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 49, 1)->name, "q8_gemm_32x7c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 196, 1)->name, "q8_gemm_32x7c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 1, 1)->name, "q8_gemm_32x1c4__avx512vnni");
    /* int16 weights (outside int8) keep AVX2's int16 one-column tile */
    assert_string_equal(eb_simd_q8_gemm_for(eb_simd_pick_q8_gemm(all, 0), 96, 1, 1)->name,
                        "q8_gemm_32x1c2__avx2");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 64, 1)->name, "q8_gemm_6x32c4__avx512vnni");
    assert_string_equal(eb_simd_q8_gemm_for(vnni, 96, 49, 8)->name, "q8_gemm_6x32c4__avx512vnni");
    /* rows: 8 x 32 where 6 x 32 pads by more than a tenth beyond it (8 and
     * 16 channels: 12 and 18 rows), 6 x 32 where it fits as well (48) or
     * nearly (40 and 80: 42 and 84 rows); an output not stored row by row
     * too */
    static const struct {
        int64_t m;
        const char *name;
    } q8_rows[] = {{8, "q8_gemm_8x32c4__avx512vnni"},  {16, "q8_gemm_8x32c4__avx512vnni"},
                   {40, "q8_gemm_6x32c4__avx512vnni"}, {48, "q8_gemm_6x32c4__avx512vnni"},
                   {80, "q8_gemm_6x32c4__avx512vnni"}, {18, "q8_gemm_6x32c4__avx512vnni"},
                   {6, "q8_gemm_6x32c4__avx512vnni"}};
    for (size_t i = 0; i < sizeof q8_rows / sizeof q8_rows[0]; i++) {
        assert_string_equal(eb_simd_q8_gemm_for(vnni, q8_rows[i].m, 2304, 1)->name,
                            q8_rows[i].name);
        assert_string_equal(eb_simd_q8_gemm_for(vnni, q8_rows[i].m, 576, 24)->name,
                            q8_rows[i].name);
    }
    /* an int16 general tile has no taller sibling of its format */
    assert_string_equal(eb_simd_q8_gemm_for(eb_simd_pick_q8_gemm(all, 0), 16, 2304, 1)->name,
                        "q8_gemm_6x32c2__avx512");
    /* weights outside int8 keep int16 formats: AVX-512's own int16
     * few-column tile (32 x 7) on 9 and 49 columns, not AVX2's 16 x 6
     * (half the lanes) nor the general 6 x 32 (32 and 64 slots); on 196
     * (224 slots) it saves under a fifth, the general tile stays, with 64
     * rows (66 on 6 x 32) too */
    const eb_simd_q8_gemm_variant *i16 = eb_simd_pick_q8_gemm(all, 0);
    /* an AVX-512 host without VNNI likewise, whatever the weights */
    unsigned no_vnni = EB_SIMD_ISA_AVX2 | EB_SIMD_ISA_AVX512;
    const eb_simd_q8_gemm_variant *bw = eb_simd_pick_q8_gemm(no_vnni, 1);
    static const struct {
        int64_t n;
        const char *name;
    } narrow[] = {{9, "q8_gemm_32x7c2__avx512"},
                  {49, "q8_gemm_32x7c2__avx512"},
                  {196, "q8_gemm_6x32c2__avx512"}};
    assert_string_equal(eb_simd_q8_gemm_for(bw, 64, 196, 1)->name, "q8_gemm_6x32c2__avx512");
    for (size_t i = 0; i < sizeof narrow / sizeof narrow[0]; i++) {
        assert_string_equal(eb_simd_q8_gemm_for(i16, 96, narrow[i].n, 1)->name, narrow[i].name);
        assert_string_equal(eb_simd_q8_gemm_for(bw, 96, narrow[i].n, 1)->name, narrow[i].name);
    }
    /* rows count: 16 rows would leave half the 32 x 7 tile's rows idle */
    assert_string_equal(eb_simd_q8_gemm_for(i16, 16, 49, 1)->name, "q8_gemm_6x32c2__avx512");
    assert_string_equal(eb_simd_q8_gemm_for(bw, 96, 2304, 1)->name, "q8_gemm_6x32c2__avx512");
    /* AVX2 alone keeps its 16 x 6 */
    assert_string_equal(
        eb_simd_q8_gemm_for(eb_simd_pick_q8_gemm(EB_SIMD_ISA_AVX2, 1), 96, 49, 1)->name,
        "q8_gemm_16x6c2__avx2");
#endif
    /* no listed few-column variant is ever the general pick */
    int nf, nq;
    const eb_simd_f32_gemm_variant *fv = eb_simd_f32_gemm_variants(&nf);
    const eb_simd_q8_gemm_variant *qv = eb_simd_q8_gemm_variants(&nq);
    for (int i = 0; i < nf; i++)
        assert_false(eb_simd_pick_f32_gemm(fv[i].isa)->few_cols);
    for (int i = 0; i < nq; i++)
        assert_false(eb_simd_pick_q8_gemm(qv[i].isa, 1)->few_cols);
    unsigned cap;
    assert_true(eb_simd_isa_cap("avx2", &cap));
    assert_int_equal(cap, EB_SIMD_ISA_AVX2);
    assert_false(eb_simd_isa_cap("sse9", &cap));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_runs_every_task_once),
        cmocka_unit_test(test_dispatch_prefers_the_widest_usable_variant),
        cmocka_unit_test(test_every_vector_helper_build_matches_the_reference),
        cmocka_unit_test(test_every_f32_sigmoid_variant_matches_ref),
        cmocka_unit_test(test_every_f32_gemm_variant_matches_the_reference),
        cmocka_unit_test(test_every_q8_gemm_variant_is_bit_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
