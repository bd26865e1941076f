/* Reading a cell's resolved condition parameters ("k=v;k=v"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/thermal/thermal.h"

int eb_condition_param(const char *params, const char *key, const char *def, char *out,
                       size_t out_len)
{
    size_t kl = strlen(key);
    for (const char *p = params; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            snprintf(out, out_len, "%.*s", (int)(len - kl - 1), p + kl + 1);
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    snprintf(out, out_len, "%s", def ? def : "");
    return -1;
}

double eb_condition_param_num(const char *params, const char *key, double def)
{
    char v[64];
    if (eb_condition_param(params, key, NULL, v, sizeof v) != 0 || !v[0])
        return def;
    return strtod(v, NULL);
}
