/* Ctrl-C / SIGTERM handling of a run: the first signal asks to stop after
 * the current cell, the second aborts the current cell. The flags are read
 * by the runner and by the isolated cell's poll loop. */
#ifndef EB_INTERRUPT_H
#define EB_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t eb_stop_requested;  /* finish this cell, run no more */
extern volatile sig_atomic_t eb_abort_requested; /* kill the current cell now */
extern volatile sig_atomic_t eb_last_signal;

void eb_interrupt_install(void); /* SIGINT and SIGTERM */
void eb_interrupt_restore(void);

#endif
