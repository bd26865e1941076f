/* Consent for commands (docs/security.md): a scenario, a results file and
 * an inventory are data; where one of them names a program for edgebench to
 * run on this machine, it runs only when the user allows it on the command
 * line (--allow-commands, farm --trust-inventory). */
#ifndef EB_CONSENT_H
#define EB_CONSENT_H

#include <stddef.h>

#include "edgebench/status.h"
#include "harness/scenario/scenario.h"

/* The scenario key that runs a shell command (the external power meter). */
#define EB_COMMAND_KEY "metrics.power_command"

/* 1 when the loaded scenario runs a command (non-empty
 * metrics.power_command); where says where it was given, as
 * "scen.yaml:12:3" or "scen.yaml: --set metrics.power_command=...". */
int eb_scenario_runs_commands(const eb_scenario *s, char *where, size_t where_len);

/* EB_OK when s runs no command or allow is set; else EB_ERR_INVALID_ARG
 * with msg naming the file, the key, the command and flag. */
eb_status eb_scenario_commands_allowed(const eb_scenario *s, int allow, const char *flag,
                                       char *msg, size_t msg_len);

#endif
