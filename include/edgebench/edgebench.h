/* Umbrella header of the edgebench SDK. */
#ifndef EDGEBENCH_EDGEBENCH_H
#define EDGEBENCH_EDGEBENCH_H

#include "edgebench/status.h"
#include "edgebench/dtype.h"
#include "edgebench/graph.h"
#include "edgebench/host.h"
#include "edgebench/backend.h"
#include "edgebench/version.h"

#endif
