/* A signal's name for a message: what killed a child process. */
#ifndef EB_SIGNAL_NAME_H
#define EB_SIGNAL_NAME_H

#include <stddef.h>

/* "SIGSEGV" etc. for a signal number; "signal N" for others. buf is
 * filled and returned. */
const char *eb_signal_name(int sig, char *buf, size_t len);

#endif
