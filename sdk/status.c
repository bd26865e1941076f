/* eb_status_str: constant descriptions of status codes. */
#include "edgebench/status.h"

const char *eb_status_str(eb_status s)
{
    switch (s) {
    case EB_OK: return "ok";
    case EB_ERR_INVALID_ARG: return "invalid argument";
    case EB_ERR_NOMEM: return "out of memory";
    case EB_ERR_IO: return "i/o error";
    case EB_ERR_FORMAT: return "malformed input";
    case EB_ERR_UNSUPPORTED: return "unsupported";
    case EB_ERR_SHAPE: return "shape error";
    case EB_ERR_OVERFLOW: return "size overflow";
    case EB_ERR_BACKEND: return "backend failure";
    case EB_ERR_ABI: return "ABI mismatch";
    case EB_ERR_NOT_FOUND: return "not found";
    case EB_ERR_UNAVAILABLE: return "unavailable";
    case EB_ERR_INTERRUPTED: return "interrupted";
    case EB_ERR_TIMEOUT: return "timeout";
    }
    return "unknown status";
}
