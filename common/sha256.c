/* SHA-256 from FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2), and a
 * streaming file hash built on it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file_util.h"
#include "common/sha256.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (FIPS 180-4, 4.2.2). */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* One 512-bit block (FIPS 180-4, 6.2.2). */
static void compress(uint32_t h[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void eb_sha256_init(eb_sha256_ctx *ctx)
{
    /* FIPS 180-4, 5.3.3. */
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->h, h0, sizeof h0);
    ctx->total_bytes = 0;
    ctx->block_used = 0;
}

void eb_sha256_update(eb_sha256_ctx *ctx, const void *data, size_t n)
{
    const uint8_t *p = data;
    ctx->total_bytes += n;
    if (ctx->block_used) {
        size_t take = 64 - ctx->block_used;
        if (take > n)
            take = n;
        memcpy(ctx->block + ctx->block_used, p, take);
        ctx->block_used += take;
        p += take;
        n -= take;
        if (ctx->block_used < 64)
            return;
        compress(ctx->h, ctx->block);
        ctx->block_used = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        compress(ctx->h, p);
    memcpy(ctx->block, p, n);
    ctx->block_used = n;
}

void eb_sha256_final(eb_sha256_ctx *ctx, uint8_t digest[EB_SHA256_DIGEST_BYTES])
{
    /* Padding (5.1.1): a 1 bit, zeros up to 56 mod 64 bytes, then the
     * message length in bits as a big-endian 64-bit integer. */
    uint64_t bits = ctx->total_bytes * 8;
    uint8_t *b = ctx->block;
    b[ctx->block_used++] = 0x80;
    if (ctx->block_used > 56) {
        memset(b + ctx->block_used, 0, 64 - ctx->block_used);
        compress(ctx->h, b);
        ctx->block_used = 0;
    }
    memset(b + ctx->block_used, 0, 56 - ctx->block_used);
    for (int i = 0; i < 8; i++)
        b[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(ctx->h, b);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(ctx->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(ctx->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(ctx->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)ctx->h[i];
    }
}

static void to_hex(const uint8_t digest[EB_SHA256_DIGEST_BYTES], char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < EB_SHA256_DIGEST_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[EB_SHA256_HEX_LEN] = '\0';
}

void eb_sha256_hex(const void *data, size_t n, char hex_out[EB_SHA256_HEX_LEN + 1])
{
    eb_sha256_ctx ctx;
    uint8_t digest[EB_SHA256_DIGEST_BYTES];
    eb_sha256_init(&ctx);
    eb_sha256_update(&ctx, data, n);
    eb_sha256_final(&ctx, digest);
    to_hex(digest, hex_out);
}

eb_status eb_sha256_file(const char *path, char hex_out[EB_SHA256_HEX_LEN + 1], char *msg,
                         size_t msg_len)
{
    hex_out[0] = '\0';
    /* Only a regular file within the model size limit: /dev/zero or a FIFO
     * would be hashed forever. */
    eb_status cst = eb_check_model_file(path, "the file", NULL, msg, msg_len);
    if (cst != EB_OK)
        return cst;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(err));
        return err == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        fclose(f);
        return EB_ERR_IO;
    }
    uint64_t total = 0;
    eb_sha256_ctx ctx;
    eb_sha256_init(&ctx);
    uint8_t buf[64 * 1024];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        eb_sha256_update(&ctx, buf, got);
        if ((total += got) > eb_limit_model_bytes()) { /* it grew while being read */
            fclose(f);
            return eb_limit_fail(path, "the file", total, 1, msg, msg_len);
        }
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "%s: read failed: %s", path, strerror(errno));
        fclose(f);
        return EB_ERR_IO;
    }
    fclose(f);
    uint8_t digest[EB_SHA256_DIGEST_BYTES];
    eb_sha256_final(&ctx, digest);
    to_hex(digest, hex_out);
    return EB_OK;
}
