/* SHA-256 (common/sha256.c): FIPS 180-4 test vectors, block-boundary
 * lengths against the one-shot digest, and files against coreutils'
 * sha256sum, which is an independent implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/sha256.h"

static void test_fips_vectors(void **state)
{
    (void)state;
    char hex[EB_SHA256_HEX_LEN + 1];
    eb_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    eb_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    eb_sha256_hex(two_blocks, strlen(two_blocks), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_streamed_in_odd_pieces(void **state)
{
    (void)state;
    char buf[997];
    memset(buf, 'a', sizeof buf);
    eb_sha256_ctx ctx;
    eb_sha256_init(&ctx);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof buf ? left : sizeof buf;
        eb_sha256_update(&ctx, buf, n);
        left -= n;
    }
    uint8_t d[EB_SHA256_DIGEST_BYTES];
    eb_sha256_final(&ctx, d);
    static const uint8_t want[32] = {0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
                                     0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
                                     0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
                                     0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    assert_memory_equal(d, want, 32);
}

/* Write `n` pseudo-random bytes to path. */
static void write_file(const char *path, size_t n, unsigned seed)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        fputc((int)(x >> 24), f);
    }
    fclose(f);
}

static void test_files_match_sha256sum(void **state)
{
    (void)state;
    if (system("command -v sha256sum >/dev/null 2>&1") != 0)
        skip(); /* skipped: coreutils' sha256sum not installed */
    char dir[] = "/tmp/eb-sha256.XXXXXX";
    assert_non_null(mkdtemp(dir));
    /* Lengths around the padding boundaries (55/56/63/64 mod 64) and one
     * larger than the streaming buffer. */
    static const size_t sizes[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 65536, 300007};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char path[256], cmd[512], want[128] = "";
        snprintf(path, sizeof path, "%s/f%zu.bin", dir, i);
        write_file(path, sizes[i], (unsigned)i);
        snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        assert_int_equal(fscanf(p, "%64s", want), 1);
        pclose(p);

        char got[EB_SHA256_HEX_LEN + 1], msg[256] = "";
        assert_int_equal(eb_sha256_file(path, got, msg, sizeof msg), EB_OK);
        assert_string_equal(got, want);
        unlink(path);
    }
    rmdir(dir);
}

static void test_missing_file_names_the_file(void **state)
{
    (void)state;
    char got[EB_SHA256_HEX_LEN + 1], msg[256] = "";
    assert_int_equal(eb_sha256_file("/nonexistent/model.onnx", got, msg, sizeof msg),
                     EB_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "/nonexistent/model.onnx"));
    assert_string_equal(got, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_vectors),
        cmocka_unit_test(test_million_a_streamed_in_odd_pieces),
        cmocka_unit_test(test_files_match_sha256sum),
        cmocka_unit_test(test_missing_file_names_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
