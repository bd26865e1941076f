/* Element sizes, names and half-precision conversions. */
#include <stdint.h>
#include <string.h>

#include "edgebench/dtype.h"

size_t eb_dtype_size(int dtype)
{
    switch (dtype) {
    case EB_DT_F32: case EB_DT_I32: case EB_DT_U32: return 4;
    case EB_DT_U8: case EB_DT_I8: case EB_DT_BOOL: return 1;
    case EB_DT_U16: case EB_DT_I16: case EB_DT_F16: case EB_DT_BF16: return 2;
    case EB_DT_I64: case EB_DT_U64: case EB_DT_F64: return 8;
    default: return 0;
    }
}

const char *eb_dtype_name(int dtype)
{
    switch (dtype) {
    case EB_DT_F32: return "float32";
    case EB_DT_U8: return "uint8";
    case EB_DT_I8: return "int8";
    case EB_DT_U16: return "uint16";
    case EB_DT_I16: return "int16";
    case EB_DT_I32: return "int32";
    case EB_DT_I64: return "int64";
    case EB_DT_STRING: return "string";
    case EB_DT_BOOL: return "bool";
    case EB_DT_F16: return "float16";
    case EB_DT_F64: return "float64";
    case EB_DT_U32: return "uint32";
    case EB_DT_U64: return "uint64";
    case EB_DT_BF16: return "bfloat16";
    default: return "unknown";
    }
}

float eb_f16_to_f32(unsigned short h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400u));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

unsigned short eb_f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000u;
    int32_t exp = (int32_t)((x >> 23) & 0xffu) - 127 + 15;
    uint32_t man = x & 0x7fffffu;
    if (((x >> 23) & 0xffu) == 0xffu) /* inf / nan */
        return (unsigned short)(sign | 0x7c00u | (man ? 0x200u : 0));
    if (exp >= 0x1f)
        return (unsigned short)(sign | 0x7c00u);
    if (exp <= 0) {
        if (exp < -10)
            return (unsigned short)sign;
        man |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t half = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1);
        uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u)))
            half++;
        return (unsigned short)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)exp << 10) | (man >> 13);
    uint32_t rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u)))
        half++; /* round to nearest even; may carry into the exponent, which is right */
    return (unsigned short)half;
}

float eb_bf16_to_f32(unsigned short h)
{
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}
