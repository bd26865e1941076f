/* Entry point of the built-in ref backend. */
#ifndef EB_REF_BACKEND_H
#define EB_REF_BACKEND_H

#include "edgebench/backend.h"

/* The ref backend's table; static storage, valid for the process lifetime. */
const eb_backend *eb_ref_backend(void);

#endif
