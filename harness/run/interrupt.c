/* Two-stage interrupt handling (see interrupt.h). */
#include <string.h>
#include <unistd.h>

#include "run/interrupt.h"

volatile sig_atomic_t eb_stop_requested = 0;
volatile sig_atomic_t eb_abort_requested = 0;
volatile sig_atomic_t eb_last_signal = 0;

static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    eb_last_signal = sig;
    if (eb_stop_requested) {
        eb_abort_requested = 1;
        static const char m[] = "\nedgebench: second interrupt: aborting the current cell\n";
        (void)!write(2, m, sizeof m - 1);
    } else {
        eb_stop_requested = 1;
        static const char m[] = "\nedgebench: interrupt: stopping after the current cell "
                                "(again to abort it)\n";
        (void)!write(2, m, sizeof m - 1);
    }
}

void eb_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking poll/wait returns EINTR and re-checks */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void eb_interrupt_restore(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}
