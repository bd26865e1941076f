"""Writing TensorFlow Lite FlatBuffers (.tflite) from Python, for fixtures and tests.

The subset of tensorflow/lite/schema/schema.fbs (schema version 3, file
identifier "TFL3") that edgebench's loader reads (harness/model/tflite_schema.h
has the same field ids), written with Debian's python3-flatbuffers Builder
directly: no generated schema code and no TensorFlow needed.

    m = Model()
    x = m.tensor("x", [1, 8, 8, 3])
    w = m.tensor("w", [4, 3, 3, 3], data=np.ones((4, 3, 3, 3), np.float32))
    y = m.tensor("y", [1, 8, 8, 4])
    m.op(CONV_2D, [x, w, -1], [y], CONV2D, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1)])
    m.inputs, m.outputs = [x], [y]
    open("net.tflite", "wb").write(m.build())
"""
import flatbuffers
import numpy as np

# BuiltinOperator codes
ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D = 0, 1, 2, 3, 4
DEQUANTIZE, FULLY_CONNECTED, LOGISTIC, MAX_POOL_2D, MUL = 6, 9, 14, 17, 18
RELU, RELU_N1_TO_1, RELU6, RESHAPE, SOFTMAX, TANH = 19, 20, 21, 22, 25, 28
CUSTOM, PAD, MEAN, SQUARE, QUANTIZE, HARD_SWISH = 32, 34, 40, 92, 114, 117
# BuiltinOptions union types
CONV2D, DEPTHWISE_CONV2D, POOL2D, FULLY_CONNECTED_OPT, SOFTMAX_OPT = 1, 2, 5, 8, 9
CONCATENATION_OPT, ADD_OPT, RESHAPE_OPT, MUL_OPT, PAD_OPT, REDUCER_OPT = 10, 11, 17, 21, 22, 27
# Padding, ActivationFunctionType
SAME, VALID = 0, 1
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6 = 0, 1, 2, 3

TYPES = {"float32": 0, "float16": 1, "int32": 2, "uint8": 3, "int64": 4, "bool": 6,
         "int16": 7, "int8": 9}


class Model:
    def __init__(self, description="edgebench tools/tflite_writer.py"):
        self.description = description
        self.tensors = []     # dicts
        self.ops = []         # (opcode index, inputs, outputs, options type, options fields)
        self.opcodes = []     # (builtin code, custom name)
        self.buffers = [b""]  # buffer 0: the empty sentinel every file starts with
        self.inputs, self.outputs = [], []

    def tensor(self, name, shape, dtype="float32", data=None, scale=None, zero_point=None,
               qdim=0):
        """Add a tensor; data (numpy, stored as dtype, C order) makes it a constant.
        scale / zero_point: a list of one value (per tensor) or one per channel
        along qdim. Returns its index."""
        buf = 0
        if data is not None:
            raw = np.ascontiguousarray(np.asarray(data, dtype=dtype)).tobytes()
            self.buffers.append(raw)
            buf = len(self.buffers) - 1
        self.tensors.append(dict(name=name, shape=list(shape), type=TYPES[dtype], buffer=buf,
                                 scale=scale, zero_point=zero_point, qdim=qdim))
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options_type=0, options=(), custom=None):
        """options: (field id, kind, value) with kind "u8", "i32", "f32", "bool" or "vec_i32"."""
        key = (code, custom)
        if key not in self.opcodes:
            self.opcodes.append(key)
        self.ops.append((self.opcodes.index(key), list(inputs), list(outputs), options_type,
                         list(options)))

    def build(self):
        b = flatbuffers.Builder(1 << 16)

        def ivec(vals, dt=np.int32):
            return b.CreateNumpyVector(np.asarray(vals, dtype=dt))

        def tvec(offsets):
            b.StartVector(4, len(offsets), 4)
            for o in reversed(offsets):
                b.PrependUOffsetTRelative(o)
            return b.EndVector()

        bufs = []
        for raw in self.buffers:
            data = b.CreateNumpyVector(np.frombuffer(raw, dtype=np.uint8)) if raw else None
            b.StartObject(3)
            if data is not None:
                b.PrependUOffsetTRelativeSlot(0, data, 0)
            bufs.append(b.EndObject())
        tens = []
        for t in self.tensors:
            name = b.CreateString(t["name"])
            shape = ivec(t["shape"])
            q = None
            if t["scale"] is not None:
                sc = b.CreateNumpyVector(np.asarray(t["scale"], dtype=np.float32))
                zp = ivec(t["zero_point"] if t["zero_point"] is not None
                          else [0] * len(t["scale"]), np.int64)
                b.StartObject(7)
                b.PrependUOffsetTRelativeSlot(2, sc, 0)
                b.PrependUOffsetTRelativeSlot(3, zp, 0)
                b.PrependInt32Slot(6, t["qdim"], 0)
                q = b.EndObject()
            b.StartObject(7)
            b.PrependUOffsetTRelativeSlot(0, shape, 0)
            b.PrependInt8Slot(1, t["type"], 0)
            b.PrependUint32Slot(2, t["buffer"], 0)
            b.PrependUOffsetTRelativeSlot(3, name, 0)
            if q is not None:
                b.PrependUOffsetTRelativeSlot(4, q, 0)
            tens.append(b.EndObject())
        ops = []
        for opcode, ins, outs, otype, fields in self.ops:
            opt = None
            if otype:
                vecs = {f: ivec(v) for f, kind, v in fields if kind == "vec_i32"}
                b.StartObject(max([f for f, _, _ in fields] + [0]) + 1)
                for f, kind, v in fields:
                    if kind == "u8":
                        b.PrependUint8Slot(f, v, 0)
                    elif kind == "bool":
                        b.PrependBoolSlot(f, v, False)
                    elif kind == "i32":
                        b.PrependInt32Slot(f, v, 0)
                    elif kind == "f32":
                        b.PrependFloat32Slot(f, v, 0.0)
                    elif kind == "vec_i32":
                        b.PrependUOffsetTRelativeSlot(f, vecs[f], 0)
                opt = b.EndObject()
            iv, ov = ivec(ins), ivec(outs)
            b.StartObject(9)
            b.PrependUint32Slot(0, opcode, 0)
            b.PrependUOffsetTRelativeSlot(1, iv, 0)
            b.PrependUOffsetTRelativeSlot(2, ov, 0)
            if opt is not None:
                b.PrependUint8Slot(3, otype, 0)
                b.PrependUOffsetTRelativeSlot(4, opt, 0)
            ops.append(b.EndObject())
        name = b.CreateString("main")
        tv, iv, ov, opv = tvec(tens), ivec(self.inputs), ivec(self.outputs), tvec(ops)
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, tv, 0)
        b.PrependUOffsetTRelativeSlot(1, iv, 0)
        b.PrependUOffsetTRelativeSlot(2, ov, 0)
        b.PrependUOffsetTRelativeSlot(3, opv, 0)
        b.PrependUOffsetTRelativeSlot(4, name, 0)
        sg = b.EndObject()
        codes = []
        for code, custom in self.opcodes:
            cs = b.CreateString(custom) if custom else None
            b.StartObject(4)
            b.PrependInt8Slot(0, min(code, 127), 0)
            if cs is not None:
                b.PrependUOffsetTRelativeSlot(1, cs, 0)
            b.PrependInt32Slot(2, 1, 1)
            b.PrependInt32Slot(3, code, 0)
            codes.append(b.EndObject())
        desc = b.CreateString(self.description)
        cv, sv, bv = tvec(codes), tvec([sg]), tvec(bufs)
        b.StartObject(5)
        b.PrependUint32Slot(0, 3, 0)
        b.PrependUOffsetTRelativeSlot(1, cv, 0)
        b.PrependUOffsetTRelativeSlot(2, sv, 0)
        b.PrependUOffsetTRelativeSlot(3, desc, 0)
        b.PrependUOffsetTRelativeSlot(4, bv, 0)
        b.Finish(b.EndObject(), file_identifier=b"TFL3")
        return bytes(b.Output())
