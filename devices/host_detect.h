/* The host the harness runs on, as backends see it (edgebench/host.h):
 * filled by the harness, handed to every backend's probe and open. */
#ifndef EB_HOST_DETECT_H
#define EB_HOST_DETECT_H

#include "edgebench/host.h"

/* Fill `h` for the running machine (never fails; unknowns stay empty/0). */
void eb_host_detect(eb_host *h);

#endif
