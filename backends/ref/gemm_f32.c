/* eb_ref_gemm_f32: blocked single-precision GEMM in portable C.
 *
 * The loop nest is the GotoBLAS/BLIS one. A KC-deep slice of op(B) is packed
 * into NR-column micro-panels, an MC x KC block of op(A) into MR-row
 * micro-panels, and an MR x NR micro-kernel accumulates in local variables.
 * Packing is what makes the micro-kernel read both operands contiguously
 * whatever the transposition, so a compiler can keep the accumulators in
 * (vector) registers without intrinsics; the block sizes keep a B micro-panel
 * in L1 and the A block in L2 on common cores. */
#include "backends/ref/gemm_f32.h"

enum { MR = 4, NR = 8, KC = 256, MC = 64, NC = 512 };

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

size_t eb_ref_gemm_f32_scratch_bytes(int64_t m, int64_t n, int64_t k)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return 0;
    int64_t kc = min64(k, KC);
    int64_t mc = round_up(min64(m, MC), MR);
    int64_t nc = round_up(min64(n, NC), NR);
    return (size_t)((mc + nc) * kc) * sizeof(float);
}

/* Rows [i0, i0+mc) x columns [p0, p0+kc) of op(A) into MR-row micro-panels:
 * for each p, MR consecutive values; rows past mc are zero. */
static void pack_a(int trans, const float *a, int64_t lda, int64_t i0, int64_t mc, int64_t p0,
                   int64_t kc, float *ap)
{
    for (int64_t ir = 0; ir < mc; ir += MR, ap += MR * kc) {
        int64_t mr = min64(MR, mc - ir);
        if (trans) {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + ir;
                for (int64_t r = 0; r < MR; r++)
                    ap[p * MR + r] = r < mr ? src[r] : 0.0f;
            }
        } else {
            for (int64_t r = 0; r < MR; r++) {
                if (r >= mr) {
                    for (int64_t p = 0; p < kc; p++)
                        ap[p * MR + r] = 0.0f;
                    continue;
                }
                const float *src = a + (i0 + ir + r) * lda + p0;
                for (int64_t p = 0; p < kc; p++)
                    ap[p * MR + r] = src[p];
            }
        }
    }
}

/* Rows [p0, p0+kc) x columns [j0, j0+nc) of op(B) into NR-column
 * micro-panels: for each p, NR consecutive values; columns past nc are zero. */
static void pack_b(int trans, const float *b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0,
                   int64_t nc, float *bp)
{
    for (int64_t jr = 0; jr < nc; jr += NR, bp += NR * kc) {
        int64_t nr = min64(NR, nc - jr);
        if (trans) {
            for (int64_t j = 0; j < NR; j++) {
                if (j >= nr) {
                    for (int64_t p = 0; p < kc; p++)
                        bp[p * NR + j] = 0.0f;
                    continue;
                }
                const float *src = b + (j0 + jr + j) * ldb + p0;
                for (int64_t p = 0; p < kc; p++)
                    bp[p * NR + j] = src[p];
            }
        } else {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + jr;
                if (nr == NR) {
                    for (int64_t j = 0; j < NR; j++)
                        bp[p * NR + j] = src[j];
                } else {
                    for (int64_t j = 0; j < NR; j++)
                        bp[p * NR + j] = j < nr ? src[j] : 0.0f;
                }
            }
        }
    }
}

/* C[0:mr, 0:nr] = alpha * Ap * Bp + beta * C. The loops over MR and NR have
 * constant trip counts so the compiler unrolls and vectorises them. */
static void micro_kernel(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc,
                         int64_t mr, int64_t nr, float alpha, float beta)
{
    float acc[MR][NR] = {{0.0f}};
    for (int64_t p = 0; p < kc; p++, ap += MR, bp += NR)
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
                acc[r][j] += ap[r] * bp[j];
    for (int64_t r = 0; r < mr; r++) {
        float *row = c + r * ldc;
        if (beta == 0.0f) {
            for (int64_t j = 0; j < nr; j++)
                row[j] = alpha * acc[r][j];
        } else {
            for (int64_t j = 0; j < nr; j++)
                row[j] = alpha * acc[r][j] + beta * row[j];
        }
    }
}

void eb_ref_gemm_f32(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                     const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                     float *c, int64_t ldc, float *scratch)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++)
                c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
    int64_t kc_max = min64(k, KC);
    float *ap = scratch;
    float *bp = scratch + round_up(min64(m, MC), MR) * kc_max;
    for (int64_t j0 = 0; j0 < n; j0 += NC) {
        int64_t nc = min64(NC, n - j0);
        for (int64_t p0 = 0; p0 < k; p0 += KC) {
            int64_t kc = min64(KC, k - p0);
            /* Later KC slices add to what the first one wrote. */
            float beta_eff = p0 == 0 ? beta : 1.0f;
            pack_b(trans_b, b, ldb, p0, kc, j0, nc, bp);
            for (int64_t i0 = 0; i0 < m; i0 += MC) {
                int64_t mc = min64(MC, m - i0);
                pack_a(trans_a, a, lda, i0, mc, p0, kc, ap);
                for (int64_t jr = 0; jr < nc; jr += NR)
                    for (int64_t ir = 0; ir < mc; ir += MR)
                        micro_kernel(kc, ap + ir * kc, bp + jr * kc,
                                     c + (i0 + ir) * ldc + j0 + jr, ldc, min64(MR, mc - ir),
                                     min64(NR, nc - jr), alpha, beta_eff);
            }
        }
    }
}
