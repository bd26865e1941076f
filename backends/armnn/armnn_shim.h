/* A C interface to the parts of Arm NN's C++ API the armnn delegate uses
 * (armnn_shim.cpp): parse a .tflite with Arm NN's TfLite parser, optimise
 * it for one Arm NN backend (CpuAcc, CpuRef), bind inputs and outputs by
 * tensor name and run. No C++ exception crosses it: each call returns 0, or
 * -1 with a message in msg. */
#ifndef EB_ARMNN_SHIM_H
#define EB_ARMNN_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eb_armnn_net eb_armnn_net;

/* Arm NN's version ("22.0.0" for the 20.08 release). Static text. */
const char *eb_armnn_version(void);

/* The Arm NN backends a runtime supports here (dynamic backends such as
 * Debian's CpuRef included), comma-separated: "CpuRef" or "CpuAcc, CpuRef". */
int eb_armnn_backends(char *out, size_t len);

/* Parse `bytes` (a .tflite, n bytes) and load it for Arm NN backend
 * `backend` ("CpuAcc", "CpuRef"). *out is owned by the caller
 * (eb_armnn_free). */
int eb_armnn_load(const void *bytes, size_t n, const char *backend, eb_armnn_net **out,
                  char *msg, size_t len);

/* Bind input / output `name` of subgraph 0; the buffer the caller will pass
 * holds `nbytes`, which must be Arm NN's size for it. Bind every input in
 * the order run() passes them, then every output. */
int eb_armnn_bind(eb_armnn_net *net, int is_input, const char *name, size_t nbytes, char *msg,
                  size_t len);

/* One inference: in[i] / out[i] follow the order of the binds. */
int eb_armnn_run(eb_armnn_net *net, const void *const *in, void *const *out, char *msg,
                 size_t len);

void eb_armnn_free(eb_armnn_net *net); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
