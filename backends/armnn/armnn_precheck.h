/* What Arm NN 20.08's TfLite parser cannot be handed (armnn_precheck.c):
 * operators it crashes on without their options table, per-channel
 * quantised fully-connected weights it aborts on. Read from the .tflite
 * bytes with a bounds-checked FlatBuffer reader of its own, before
 * armnn_prepare calls the parser. */
#ifndef EB_ARMNN_PRECHECK_H
#define EB_ARMNN_PRECHECK_H

#include <stddef.h>

/* 0 when Arm NN may parse the file; -1 with the reason in `why` (the
 * operator's index and name and what is wrong with it, or the part of the
 * file that lies outside it). */
int eb_armnn_precheck(const void *bytes, size_t n, char *why, size_t len);

#endif
