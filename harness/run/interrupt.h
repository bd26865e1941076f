/* Ctrl-C / SIGTERM handling of a run: the first signal asks to stop after
 * the current cell, the second aborts the current cell. SIGHUP (the
 * terminal or ssh connection went away) does both at once. SIGXFSZ and
 * SIGPIPE are ignored while installed, so a write past a size limit or to
 * a closed pipe fails as an error instead of killing the process. The flags
 * are read by the runner and by the cell's wait loops. */
#ifndef EB_INTERRUPT_H
#define EB_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t eb_stop_requested;  /* finish this cell, run no more */
extern volatile sig_atomic_t eb_abort_requested; /* kill the current cell now */
extern volatile sig_atomic_t eb_last_signal;

void eb_interrupt_install(void); /* SIGINT, SIGTERM, SIGHUP; SIGXFSZ, SIGPIPE ignored */
void eb_interrupt_restore(void);

/* "SIGINT", "SIGTERM", "SIGHUP" (else "a signal"). */
const char *eb_interrupt_signal_name(int sig);

#endif
