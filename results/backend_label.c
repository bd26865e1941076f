/* Canonical backend options and the backend label (see backend_label.h). */
#include <stdio.h>
#include <string.h>

#include "results/backend_label.h"

static int special(char c)
{
    return c == '\\' || c == ',' || c == '=' || c == '{' || c == '}';
}

/* Append s escaped at out[*at]; 0, or -1 when it does not fit (len counts
 * the NUL). */
static int put_escaped(char *out, size_t len, size_t *at, const char *s)
{
    for (; *s; s++) {
        size_t need = special(*s) ? 2 : 1;
        if (*at + need >= len)
            return -1;
        if (need == 2)
            out[(*at)++] = '\\';
        out[(*at)++] = *s;
    }
    return 0;
}

int eb_backend_options_format(int n, const char *const *keys, const char *const *values,
                              char *out, size_t len)
{
    /* A scenario entry has at most 32 options; sort indices, not strings. */
    enum { MAX = 64 };
    int order[MAX];
    int m = n < MAX ? n : MAX;
    for (int i = 0; i < m; i++) {
        int j = i;
        while (j > 0 && strcmp(keys[order[j - 1]], keys[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < m; i++) {
        size_t entry = at;
        int bad = 0;
        if (i > 0)
            bad = at + 1 >= len || !(out[at++] = ',');
        bad = bad || put_escaped(out, len, &at, keys[order[i]]) != 0;
        bad = bad || at + 1 >= len || !(out[at++] = '=');
        bad = bad || put_escaped(out, len, &at, values[order[i]]) != 0;
        if (bad) {
            out[entry] = '\0'; /* only whole entries */
            return -1;
        }
        out[at] = '\0';
    }
    return n <= MAX ? 0 : -1;
}

/* End of the entry that starts at s (an unescaped ',' or the NUL), and in
 * *eq the end of its key (the first unescaped '='). */
static const char *entry_end(const char *s, const char **eq)
{
    *eq = NULL;
    for (; *s && *s != ','; s++) {
        if (*s == '\\' && s[1])
            s++;
        else if (*s == '=' && !*eq)
            *eq = s;
    }
    return s;
}

/* 1 when sweep ("threads=2;options.tile=64") has the axis "options.<key>";
 * key is the escaped text [k, k_end). */
static int key_swept(const char *sweep, const char *k, const char *k_end)
{
    char key[128];
    size_t n = 0;
    for (const char *p = k; p < k_end && n + 1 < sizeof key; p++) {
        if (*p == '\\' && p + 1 < k_end)
            p++;
        key[n++] = *p;
    }
    key[n] = '\0';
    for (const char *a = sweep; *a;) {
        const char *semi = strchr(a, ';');
        size_t alen = semi ? (size_t)(semi - a) : strlen(a);
        if (alen > 8 + n && strncmp(a, "options.", 8) == 0 && strncmp(a + 8, key, n) == 0 &&
            a[8 + n] == '=')
            return 1;
        a += alen + (semi ? 1 : 0);
    }
    return 0;
}

void eb_backend_options_fixed(const eb_run_record *r, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (const char *s = r->backend_options; *s;) {
        const char *eq, *end = entry_end(s, &eq);
        if (!key_swept(r->sweep, s, eq ? eq : end)) {
            size_t n = (size_t)(end - s), sep = at > 0;
            if (at + sep + n >= len)
                return;
            if (sep)
                out[at++] = ',';
            memcpy(out + at, s, n);
            at += n;
            out[at] = '\0';
        }
        s = *end ? end + 1 : end;
    }
}

void eb_backend_label(const eb_run_record *r, char *out, size_t len)
{
    char fixed[sizeof r->backend_options];
    eb_backend_options_fixed(r, fixed, sizeof fixed);
    if (fixed[0])
        snprintf(out, len, "%s{%s}", r->backend, fixed);
    else
        snprintf(out, len, "%s", r->backend);
}
