/* The parts of ONNX Runtime's C API this delegate calls, declared from the
 * API's documentation (no vendor header is copied or needed at build time).
 *
 * libonnxruntime exports one function, OrtGetApiBase(); the rest is reached
 * through OrtApi, a table of function pointers whose order is fixed (new
 * entries are only appended, so an index stays valid in every later
 * release). Only the slots used here are named, by their index in that
 * table; each is cast to its documented signature where it is called.
 * Every function returning OrtStatus* returns NULL on success. */
#ifndef EB_ORT_API_H
#define EB_ORT_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;

typedef void (*ort_fn)(void);

/* OrtApiBase: what OrtGetApiBase() returns. */
typedef struct ort_api_base {
    const ort_fn *(*GetApi)(uint32_t version); /* const OrtApi*, NULL if too new */
    const char *(*GetVersionString)(void);
} ort_api_base;

typedef const ort_api_base *(*ort_get_api_base_fn)(void);

/* API version asked for: 11 is ONNX Runtime 1.11 (March 2022); every slot
 * below exists since version 1, and later libraries serve older versions. */
#define EB_ORT_API_VERSION 11u

/* Slot indices in OrtApi (documented order of the struct's members). */
enum {
    ORT_GetErrorCode = 1,              /* int(const OrtStatus*): OrtErrorCode */
    ORT_GetErrorMessage = 2,           /* const char*(const OrtStatus*) */
    ORT_CreateEnv = 3,                 /* (int log_level, const char* id, OrtEnv**) */
    ORT_CreateSessionFromArray = 8,    /* (env, const void*, size_t, options, OrtSession**) */
    ORT_Run = 9,                       /* (session, run_options, in_names, in, n_in,
                                           out_names, n_out, OrtValue** out) */
    ORT_CreateSessionOptions = 10,     /* (OrtSessionOptions**) */
    ORT_SetSessionExecutionMode = 13,  /* (options, int mode) */
    ORT_SetSessionGraphOptimizationLevel = 23, /* (options, int level) */
    ORT_SetIntraOpNumThreads = 24,     /* (options, int) */
    ORT_SetInterOpNumThreads = 25,     /* (options, int) */
    ORT_CreateTensorWithDataAsOrtValue = 49, /* (mem_info, void*, size_t bytes,
                                                 const int64_t* shape, size_t rank,
                                                 int elem_type, OrtValue**) */
    ORT_CreateCpuMemoryInfo = 69,      /* (int allocator_type, int mem_type, OrtMemoryInfo**) */
    ORT_ReleaseEnv = 92,
    ORT_ReleaseStatus = 93,
    ORT_ReleaseMemoryInfo = 94,
    ORT_ReleaseSession = 95,
    ORT_ReleaseValue = 96,
    ORT_ReleaseSessionOptions = 100,
};

/* Enumerations used (values from the documentation). */
#define ORT_LOGGING_LEVEL_ERROR 3
#define ORT_NOT_IMPLEMENTED 9  /* OrtErrorCode: no kernel for an op / type */
#define ORT_SEQUENTIAL 0
#define ORT_DISABLE_ALL 0
#define ORT_ENABLE_BASIC 1
#define ORT_ENABLE_EXTENDED 2
#define ORT_ENABLE_ALL 99
#define ORT_ARENA_ALLOCATOR 1  /* OrtArenaAllocator */
#define ORT_MEM_TYPE_DEFAULT 0 /* OrtMemTypeDefault */
/* ONNXTensorElementDataType takes ONNX's TensorProto.DataType values, which
 * eb_dtype also uses: an eb_dtype is passed as is. */

#endif
