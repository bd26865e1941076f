/* int8 GEMM micro-kernel, AVX-512 VNNI, for products with few columns (the
 * 1x1 convolutions on MobileNet-v2's 14x14 and 7x7 planes: 196 = 28 x 7
 * and 49 = 7 x 7 pixels, so 7-column tiles waste no lane there, where the
 * general 6 x 32 tile fills 224 and 64 slots). 32 rows (output channels)
 * across the lanes of two vectors, 7 columns (pixels) broadcast as 4-byte
 * groups of the packed B panel, vpdpbusd (uint8 activations x int8
 * weights, exact as in q8_gemm_6x32c4__avx512vnni); 14 accumulators, so
 * the 32 vector registers hold them, the two weight vectors and the
 * requantisation constants together. Listed as VNNI's few-column variant:
 * the int8 GEMM driver runs it instead of the general kernel for narrow
 * products (eb_simd_q8_gemm_for); before it, VNNI hosts borrowed AVX2's
 * int16 16 x 6 tile there, at under a third of the throughput.
 * A: 32-row panels, k in groups of 4 (kq x 32 x 4 int8);
 * B: kq x 7 x 4 uint8; tile: 32 x 7 int32 column by column
 * (tile[j * 32 + r]). The `_rq` entry point requantises in registers,
 * packs and transposes the 32 x 7 bytes and writes each output row's 7
 * bytes with one masked store (eb_simd_q8_store_32xn_avx512). The loop is
 * simd_q8_tile_32xn_c4.h's, shared with the 32 x 9 tile. */
#define Q8N_NR 7
#define Q8N_COLS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6)
#define Q8N_NAME eb_q8_gemm_32x7c4__avx512vnni
#include "backends/simd/simd_q8_tile_32xn_c4.h"
