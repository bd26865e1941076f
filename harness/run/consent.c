/* Consent for commands (consent.h). */
#include <stdio.h>
#include <string.h>

#include "common/yaml_tree.h"
#include "harness/run/consent.h"

int eb_scenario_runs_commands(const eb_scenario *s, char *where, size_t where_len)
{
    const char *cmd = s->metrics.power_command;
    if (!cmd || !cmd[0])
        return 0;
    /* the last --set of the key wins; else the file's own line */
    const char *key = EB_COMMAND_KEY "=";
    for (int i = s->n_overrides - 1; i >= 0; i--)
        if (strncmp(s->overrides[i], key, strlen(key)) == 0) {
            snprintf(where, where_len, "%s: --set %.200s", s->path, s->overrides[i]);
            return 1;
        }
    int line = 0, col = 0;
    eb_ynode *root = NULL;
    eb_yaml_error err;
    if (s->yaml && eb_yaml_parse(s->yaml, s->yaml_len, 0, &root, &err) == EB_OK && root) {
        const eb_ynode *m = eb_ynode_get(root, "metrics");
        const eb_ynode *p = m ? eb_ynode_get(m, "power_command") : NULL;
        if (p) {
            line = p->line;
            col = p->col;
        }
    }
    eb_ynode_free(root);
    if (line)
        snprintf(where, where_len, "%s:%d:%d", s->path, line, col);
    else
        snprintf(where, where_len, "%s", s->path);
    return 1;
}

eb_status eb_scenario_commands_allowed(const eb_scenario *s, int allow, const char *flag,
                                       char *msg, size_t msg_len)
{
    char where[1400];
    if (allow || !eb_scenario_runs_commands(s, where, sizeof where))
        return EB_OK;
    snprintf(msg, msg_len,
             "%s: " EB_COMMAND_KEY " runs the shell command '%.300s' on this machine at every "
             "sensor sample; a scenario is data and runs no command unless you allow it: add "
             "%s if you trust this file (docs/security.md)",
             where, s->metrics.power_command, flag);
    return EB_ERR_INVALID_ARG;
}
