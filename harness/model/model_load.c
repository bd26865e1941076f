/* Which loader reads a model: TFLite FlatBuffers carry the file identifier
 * "TFL3" at bytes 4..7; a file named *.tflite is read as TFLite whatever it
 * holds (so a truncated one gets TFLite's error, not protobuf's); anything
 * else is ONNX. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "harness/model/graph_internal.h"
#include "harness/model/model_load.h"

static int named_tflite(const char *label)
{
    size_t n = label ? strlen(label) : 0;
    return n >= 7 && strcmp(label + n - 7, ".tflite") == 0;
}

int eb_model_is_tflite(const void *bytes, size_t n, const char *label)
{
    return (n >= 8 && memcmp((const char *)bytes + 4, "TFL3", 4) == 0) || named_tflite(label);
}

eb_status eb_graph_load_buffer(const void *bytes, size_t n, const char *label,
                               const eb_load_options *opts, eb_graph **out, char *msg,
                               size_t msg_len)
{
    /* both readers take the file's little-endian numbers as they lie */
    static const uint16_t probe = 1;
    if (*(const uint8_t *)&probe != 1) {
        *out = NULL;
        snprintf(msg, msg_len, "%s: big-endian hosts are not supported", label);
        return EB_ERR_UNSUPPORTED;
    }
    if (eb_model_is_tflite(bytes, n, label))
        return eb__tflite_load_buffer(bytes, n, label, opts, out, msg, msg_len);
    return eb__onnx_load_buffer(bytes, n, label, opts, out, msg, msg_len);
}

eb_status eb_graph_load(const char *path, const eb_load_options *opts, eb_graph **out, char *msg,
                        size_t msg_len)
{
    void *bytes = NULL;
    size_t n = 0;
    *out = NULL;
    eb_status st = eb_read_file(path, &bytes, &n, msg, msg_len);
    if (st != EB_OK)
        return st;
    st = eb_graph_load_buffer(bytes, n, path, opts, out, msg, msg_len);
    free(bytes);
    return st;
}
