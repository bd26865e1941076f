/* Two-stage interrupt handling (see interrupt.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/interrupt.h"

volatile sig_atomic_t eb_stop_requested = 0;
volatile sig_atomic_t eb_abort_requested = 0;
volatile sig_atomic_t eb_last_signal = 0;

static struct sigaction old_int, old_term, old_hup, old_xfsz, old_pipe;

static void say(const char *m, size_t n)
{
    (void)!write(2, m, n);
}

static void on_signal(int sig)
{
    int saved = errno;
    eb_last_signal = sig;
    if (sig == SIGHUP) {
        /* the terminal or the connection is gone: nobody can press Ctrl-C
         * twice, so end the current cell at once */
        eb_stop_requested = 1;
        eb_abort_requested = 1;
        static const char m[] = "\nedgebench: hangup: aborting the current cell\n";
        say(m, sizeof m - 1);
    } else if (eb_stop_requested) {
        eb_abort_requested = 1;
        static const char m[] = "\nedgebench: second interrupt: aborting the current cell\n";
        say(m, sizeof m - 1);
    } else {
        eb_stop_requested = 1;
        static const char m[] = "\nedgebench: interrupt: stopping after the current cell "
                                "(again to abort it)\n";
        say(m, sizeof m - 1);
    }
    errno = saved;
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
    sigaction(SIGHUP, &sa, &old_hup);
    /* A full file system or a file size limit, and a reader that went
     * away: the write fails (EFBIG, EPIPE) and the run ends with exit 3
     * and its summary, instead of the process dying of the signal. */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGXFSZ, &ign, &old_xfsz);
    sigaction(SIGPIPE, &ign, &old_pipe);
}

void eb_interrupt_restore(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGXFSZ, &old_xfsz, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
}

const char *eb_interrupt_signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}
