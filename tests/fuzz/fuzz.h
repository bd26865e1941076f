/* Shared by the fuzz targets (tests/fuzz/, docs/security.md "Hostile files
 * and fuzzing"): each target defines LLVMFuzzerTestOneInput over one
 * reader. Built with libFuzzer (-DEB_FUZZ=ON, clang) it is a fuzzer; built
 * with fuzz_replay.c it replays the committed corpus in the normal test
 * suite. */
#ifndef EB_FUZZ_H
#define EB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file for readers that take a path: one file per process
 * in /dev/shm (else $TMPDIR or /tmp), rewritten each call and removed at
 * exit. Returns the path, or NULL when it cannot be written. */
const char *eb_fuzz_file(const uint8_t *data, size_t size);

/* Keep the fuzzer's memory bounded: limits on what a file may make the
 * readers decode, far below libFuzzer's -rss_limit_mb. */
void eb_fuzz_limits(void);

/* With EB_FUZZ_VERBOSE set, print why an input was refused (to see that
 * seeds get past the first checks). */
void eb_fuzz_note(const char *msg);

#endif
