/* SHA-256 (FIPS 180-4): the results store records the hash of every model
 * file so a result can be tied to the exact bytes that were measured.
 *
 * Implemented here rather than taken from a crypto library: it is a few
 * dozen lines, and edgebench must build on boards without OpenSSL. It is a
 * checksum for identification, not used for anything secret. */
#ifndef EB_SHA256_H
#define EB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"

#define EB_SHA256_DIGEST_BYTES 32
#define EB_SHA256_HEX_LEN 64 /* characters, not counting the NUL */

/* Incremental state; plain data, lives wherever the caller puts it. */
typedef struct eb_sha256_ctx {
    uint32_t h[8];
    uint64_t total_bytes;
    uint8_t block[64];
    size_t block_used;
} eb_sha256_ctx;

void eb_sha256_init(eb_sha256_ctx *ctx);
void eb_sha256_update(eb_sha256_ctx *ctx, const void *data, size_t n);
/* Writes the 32-byte digest; ctx must be re-initialised before reuse. */
void eb_sha256_final(eb_sha256_ctx *ctx, uint8_t digest[EB_SHA256_DIGEST_BYTES]);

/* Digest of n bytes as 64 lower-case hex characters plus NUL into hex_out
 * (caller-owned, at least EB_SHA256_HEX_LEN + 1 bytes). */
void eb_sha256_hex(const void *data, size_t n, char hex_out[EB_SHA256_HEX_LEN + 1]);

/* Hash the file at `path` (streamed; any size) into hex_out as above.
 * EB_ERR_NOT_FOUND / EB_ERR_IO with a message naming the file. */
eb_status eb_sha256_file(const char *path, char hex_out[EB_SHA256_HEX_LEN + 1], char *msg,
                         size_t msg_len);

#endif
