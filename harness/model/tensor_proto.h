/* Decoding ONNX TensorProto messages (initializers, Constant values, and the
 * input_N.pb / output_N.pb files of the ONNX conformance suite). */
#ifndef EB_TENSOR_PROTO_H
#define EB_TENSOR_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/graph.h"
#include "onnx.pb-c.h"

typedef struct eb_decoded_tensor {
    eb_dtype dtype;
    int rank;
    int64_t dims[EB_MAX_RANK];
    int64_t numel;
    size_t nbytes;
    void *data; /* malloc'd, packed little-endian row-major; caller frees */
} eb_decoded_tensor;

/* Element count and byte size of dims with overflow checks; EB_OK or
 * EB_ERR_OVERFLOW / EB_ERR_FORMAT (negative dim) with a message about `what`. */
eb_status eb_dims_size(const int64_t *dims, int rank, eb_dtype dtype, int64_t *numel,
                       size_t *nbytes, const char *what, char *msg, size_t msg_len);

/* Decode tp. `what` names it in messages ("model.onnx: initializer 'w'").
 * Fails on external data, unknown/unsupported dtype, rank > EB_MAX_RANK,
 * bad dims, and a payload whose size does not match the shape. */
eb_status eb_tensor_proto_decode(const Onnx__TensorProto *tp, const char *what,
                                 eb_decoded_tensor *out, char *msg, size_t msg_len);

/* Read and decode a serialized TensorProto file (conformance .pb files). */
eb_status eb_tensor_proto_read_file(const char *path, eb_decoded_tensor *out, char *name,
                                    size_t name_len, char *msg, size_t msg_len);

#endif
