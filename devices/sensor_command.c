/* An external meter given as a shell command (a USB power meter's reader, a
 * lab supply's SCPI query): each read runs it and parses the first number it
 * prints, "4.2", "4.2 W", "4200 mW" (power) or "12.5 J", "12500 mJ" (a
 * cumulative energy counter). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "devices/sensor.h"

int eb_meter_parse(const char *text, double *value, eb_sensor_quantity *quantity)
{
    while (*text && isspace((unsigned char)*text))
        text++;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno)
        return -1;
    while (*end && isspace((unsigned char)*end))
        end++;
    char unit[8] = "";
    size_t n = 0;
    while (end[n] && isalpha((unsigned char)end[n]) && n + 1 < sizeof unit) {
        unit[n] = end[n];
        n++;
    }
    unit[n] = '\0';
    *quantity = EB_Q_POWER_W;
    if (!unit[0] || strcasecmp(unit, "w") == 0) {
    } else if (strcmp(unit, "mW") == 0 || strcasecmp(unit, "mw") == 0) {
        v *= 1e-3;
    } else if (strcasecmp(unit, "j") == 0) {
        *quantity = EB_Q_ENERGY_J;
    } else if (strcasecmp(unit, "mj") == 0) {
        v *= 1e-3;
        *quantity = EB_Q_ENERGY_J;
    } else if (strcasecmp(unit, "uj") == 0) {
        v *= 1e-6;
        *quantity = EB_Q_ENERGY_J;
    } else {
        return -1;
    }
    *value = v;
    return 0;
}

static int run_command(const char *cmd, char *out, size_t len, char *why, size_t why_len)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(why, why_len, "meter command '%s': %s", cmd, strerror(errno));
        return -1;
    }
    out[0] = '\0';
    size_t used = 0;
    char line[256];
    while (fgets(line, sizeof line, p))
        if (used < len - 1)
            used += (size_t)snprintf(out + used, len - used, "%s", line);
    int st = pclose(p);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(why, why_len, "meter command '%.200s' failed (exit %d)", cmd,
                 st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}

static int read_meter(eb_sensor *s, double *value, char *why, size_t why_len)
{
    char out[512];
    if (run_command(s->path, out, sizeof out, why, why_len) != 0)
        return -1;
    double v;
    eb_sensor_quantity q;
    if (eb_meter_parse(out, &v, &q) != 0 || q != s->quantity) {
        out[strcspn(out, "\n")] = '\0';
        snprintf(why, why_len, "meter command '%.200s' printed '%.100s', not %s", s->path, out,
                 s->quantity == EB_Q_POWER_W ? "watts (\"4.2 W\")" : "joules (\"12.5 J\")");
        return -1;
    }
    /* a joule counter is cumulative like RAPL's, without a known wrap */
    *value = q == EB_Q_ENERGY_J ? eb_sensor_counter_update(s, v) : v;
    return 0;
}

int eb_sensor_command_add(eb_sensor_set *set, const char *command, char *why, size_t why_len)
{
    /* one trial run decides whether the meter reports power or energy */
    char out[512];
    if (run_command(command, out, sizeof out, why, why_len) != 0)
        return 0;
    double v;
    eb_sensor_quantity q;
    if (eb_meter_parse(out, &v, &q) != 0) {
        out[strcspn(out, "\n")] = '\0';
        snprintf(why, why_len,
                 "meter command '%.200s' printed '%.100s': expected a number of watts or "
                 "joules (\"4.2 W\", \"12.5 J\")",
                 command, out);
        return 0;
    }
    eb_sensor *s = eb_sensor_set_add(set, "command", "command", q);
    if (!s)
        return 0;
    snprintf(s->path, sizeof s->path, "%s", command);
    s->scale = 1.0;
    s->read = read_meter;
    return 1;
}
