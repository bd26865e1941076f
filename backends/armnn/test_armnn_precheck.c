/* The armnn plugin's pre-read of a .tflite (armnn_precheck.c) on real files
 * and on every truncation and many corruptions of them: it refuses an FC
 * stored without options (the seed float_net.tflite has one), passes the
 * Fashion int8.tflite (per-tensor FC weights) and the int8 seed, and reads
 * nothing outside the buffer (run under
 * the sanitizer build, `make check-asan`, an out-of-bounds read fails it).
 * Built and run as the ctest test_armnn_precheck (tests/CMakeLists.txt);
 * it needs no Arm NN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/armnn/armnn_precheck.h"

static int failures;

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                 \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            failures++;                                                                          \
        }                                                                                        \
    } while (0)

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)len)) &&
        fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = len > 0 ? (size_t)len : 0;
    return b;
}

/* Every prefix (in a copy of exactly that size, so a read past it is a
 * heap overflow the sanitizer sees) and every single-byte change to 0xff
 * or 0x00 of the first `span` bytes: the reader answers, never crashes. */
static void hostile(const unsigned char *b, size_t n, size_t span)
{
    char why[400];
    for (size_t k = 0; k < n; k += (n > 4096 ? 7 : 1)) {
        unsigned char *c = malloc(k ? k : 1);
        memcpy(c, b, k);
        (void)eb_armnn_precheck(c, k, why, sizeof why);
        free(c);
    }
    unsigned char *c = malloc(n);
    for (size_t i = 0; i < n && i < span; i++) {
        for (int v = 0; v < 2; v++) {
            memcpy(c, b, n);
            c[i] = v ? 0xff : 0x00;
            (void)eb_armnn_precheck(c, n, why, sizeof why);
        }
    }
    free(c);
}

int main(void)
{
    char why[400];
    size_t n;
    unsigned char *b = slurp(EB_SOURCE_DIR "/tests/fuzz/corpus/tflite/float_net.tflite", &n);
    CHECK(b, "float_net.tflite unreadable");
    if (b) {
        why[0] = '\0';
        CHECK(eb_armnn_precheck(b, n, why, sizeof why) == -1, "float_net.tflite passed");
        CHECK(strstr(why, "operator 5 (FULLY_CONNECTED) has no FullyConnectedOptions table"),
              "float_net.tflite: %s", why);
        hostile(b, n, n);
        free(b);
    }
    b = slurp(EB_SOURCE_DIR "/tests/fuzz/corpus/tflite/int8_net.tflite", &n);
    CHECK(b, "int8_net.tflite unreadable");
    if (b) {
        CHECK(eb_armnn_precheck(b, n, why, sizeof why) == 0, "int8_net.tflite: %s", why);
        hostile(b, n, n);
        free(b);
    }
    b = slurp(EB_SOURCE_DIR "/models/fashion/int8.tflite", &n);
    CHECK(b, "models/fashion/int8.tflite unreadable");
    if (b) {
        CHECK(eb_armnn_precheck(b, n, why, sizeof why) == 0, "int8.tflite: %s", why);
        /* Python's FlatBuffer builder writes back to front: the tables and
         * vectors this reader follows are in the first 2 KB, the weights'
         * buffers after them */
        hostile(b, n, 2048);
        free(b);
    }
    /* a truncated or foreign buffer: refused, not read */
    CHECK(eb_armnn_precheck("", 0, why, sizeof why) == -1, "empty buffer passed");
    CHECK(eb_armnn_precheck("\xff\xff\xff\x7fTFL3", 8, why, sizeof why) == -1,
          "root offset past the end passed");
    CHECK(strstr(why, "outside the file"), "%s", why);
    if (failures)
        fprintf(stderr, "test_armnn_precheck: %d checks failed\n", failures);
    else
        printf("test_armnn_precheck: ok\n");
    return failures ? 1 : 0;
}
