/* Version of edgebench itself. */
#ifndef EDGEBENCH_VERSION_H
#define EDGEBENCH_VERSION_H

#define EB_VERSION_MAJOR 0
#define EB_VERSION_MINOR 1
#define EB_VERSION_PATCH 0
#define EB_VERSION_STRING "0.1.0"

#endif
