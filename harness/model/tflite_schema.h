/* The subset of TensorFlow Lite's FlatBuffer schema (tensorflow/lite/schema/
 * schema.fbs, file identifier "TFL3", schema version 3) that the .tflite
 * loader reads: field ids of the tables, and the enum values it maps. Field
 * ids are the order of the fields in schema.fbs (a FlatBuffer's vtable
 * slot), which the schema only ever appends to. */
#ifndef EB_TFLITE_SCHEMA_H
#define EB_TFLITE_SCHEMA_H

/* table Model */
enum { TFL_MODEL_VERSION = 0, TFL_MODEL_OPERATOR_CODES = 1, TFL_MODEL_SUBGRAPHS = 2,
       TFL_MODEL_DESCRIPTION = 3, TFL_MODEL_BUFFERS = 4 };
/* table OperatorCode */
enum { TFL_OPCODE_DEPRECATED_BUILTIN = 0, TFL_OPCODE_CUSTOM = 1, TFL_OPCODE_VERSION = 2,
       TFL_OPCODE_BUILTIN = 3 };
/* table SubGraph */
enum { TFL_SUBGRAPH_TENSORS = 0, TFL_SUBGRAPH_INPUTS = 1, TFL_SUBGRAPH_OUTPUTS = 2,
       TFL_SUBGRAPH_OPERATORS = 3, TFL_SUBGRAPH_NAME = 4 };
/* table Tensor */
enum { TFL_TENSOR_SHAPE = 0, TFL_TENSOR_TYPE = 1, TFL_TENSOR_BUFFER = 2, TFL_TENSOR_NAME = 3,
       TFL_TENSOR_QUANTIZATION = 4, TFL_TENSOR_IS_VARIABLE = 5, TFL_TENSOR_SPARSITY = 6 };
/* table QuantizationParameters */
enum { TFL_QUANT_MIN = 0, TFL_QUANT_MAX = 1, TFL_QUANT_SCALE = 2, TFL_QUANT_ZERO_POINT = 3,
       TFL_QUANT_DETAILS_TYPE = 4, TFL_QUANT_DETAILS = 5, TFL_QUANT_DIMENSION = 6 };
/* table Operator */
enum { TFL_OP_OPCODE_INDEX = 0, TFL_OP_INPUTS = 1, TFL_OP_OUTPUTS = 2,
       TFL_OP_OPTIONS_TYPE = 3, TFL_OP_OPTIONS = 4, TFL_OP_CUSTOM_OPTIONS = 5 };
/* table Buffer */
enum { TFL_BUFFER_DATA = 0, TFL_BUFFER_OFFSET = 1, TFL_BUFFER_SIZE = 2 };

/* enum TensorType (byte) */
enum { TFL_FLOAT32 = 0, TFL_FLOAT16 = 1, TFL_INT32 = 2, TFL_UINT8 = 3, TFL_INT64 = 4,
       TFL_STRING = 5, TFL_BOOL = 6, TFL_INT16 = 7, TFL_COMPLEX64 = 8, TFL_INT8 = 9,
       TFL_FLOAT64 = 10 };

/* enum BuiltinOperator: the codes mapped (names of all: tflite_op_names.c) */
enum {
    TFL_ADD = 0, TFL_AVERAGE_POOL_2D = 1, TFL_CONCATENATION = 2, TFL_CONV_2D = 3,
    TFL_DEPTHWISE_CONV_2D = 4, TFL_DEQUANTIZE = 6, TFL_FULLY_CONNECTED = 9, TFL_LOGISTIC = 14,
    TFL_MAX_POOL_2D = 17, TFL_MUL = 18, TFL_RELU = 19, TFL_RELU_N1_TO_1 = 20, TFL_RELU6 = 21,
    TFL_RESHAPE = 22, TFL_SOFTMAX = 25, TFL_TANH = 28, TFL_CUSTOM = 32, TFL_PAD = 34,
    TFL_MEAN = 40, TFL_QUANTIZE = 114, TFL_HARD_SWISH = 117
};

/* union BuiltinOptions: the option tables read, by their union type */
enum { TFL_OPT_CONV2D = 1, TFL_OPT_DEPTHWISE_CONV2D = 2, TFL_OPT_POOL2D = 5,
       TFL_OPT_FULLY_CONNECTED = 8, TFL_OPT_SOFTMAX = 9, TFL_OPT_CONCATENATION = 10,
       TFL_OPT_ADD = 11, TFL_OPT_RESHAPE = 17, TFL_OPT_MUL = 21, TFL_OPT_PAD = 22,
       TFL_OPT_REDUCER = 27 };

/* Fields of the option tables */
enum { TFL_CONV_PADDING = 0, TFL_CONV_STRIDE_W = 1, TFL_CONV_STRIDE_H = 2,
       TFL_CONV_ACTIVATION = 3, TFL_CONV_DILATION_W = 4, TFL_CONV_DILATION_H = 5 };
enum { TFL_DW_PADDING = 0, TFL_DW_STRIDE_W = 1, TFL_DW_STRIDE_H = 2, TFL_DW_MULTIPLIER = 3,
       TFL_DW_ACTIVATION = 4, TFL_DW_DILATION_W = 5, TFL_DW_DILATION_H = 6 };
enum { TFL_POOL_PADDING = 0, TFL_POOL_STRIDE_W = 1, TFL_POOL_STRIDE_H = 2,
       TFL_POOL_FILTER_W = 3, TFL_POOL_FILTER_H = 4, TFL_POOL_ACTIVATION = 5 };
enum { TFL_FC_ACTIVATION = 0, TFL_FC_WEIGHTS_FORMAT = 1, TFL_FC_KEEP_NUM_DIMS = 2 };
enum { TFL_SOFTMAX_BETA = 0 };
enum { TFL_CONCAT_AXIS = 0, TFL_CONCAT_ACTIVATION = 1 };
enum { TFL_ADD_ACTIVATION = 0 }; /* also MulOptions */
enum { TFL_RESHAPE_NEW_SHAPE = 0 };
enum { TFL_REDUCER_KEEP_DIMS = 0 };

/* enum Padding, enum ActivationFunctionType */
enum { TFL_PADDING_SAME = 0, TFL_PADDING_VALID = 1 };
enum { TFL_ACT_NONE = 0, TFL_ACT_RELU = 1, TFL_ACT_RELU_N1_TO_1 = 2, TFL_ACT_RELU6 = 3,
       TFL_ACT_TANH = 4, TFL_ACT_SIGN_BIT = 5 };

/* The builtin operator's name ("CONV_2D"), or NULL for a code this table
 * does not know (tflite_op_names.c). */
const char *eb__tflite_op_name(int code);

#endif
