/* Lossless number <-> text (see number_text.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/number_text.h"

const char *eb_number_text_real(double d, char *buf, size_t len)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, len, "%.*g", p, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

static int canonical_int(const char *s)
{
    const char *p = s + (*s == '-');
    if (*p < '0' || *p > '9' || (*p == '0' && (p[1] || *s == '-')))
        return 0; /* empty, a sign alone, a leading zero or "-0" */
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

eb_numtext_kind eb_number_text_parse(const char *s, int64_t *i, double *d)
{
    if (!s || !*s || strlen(s) > 40)
        return EB_NUMTEXT_NONE;
    if (canonical_int(s)) {
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE)
            return EB_NUMTEXT_NONE;
        *i = (int64_t)v;
        return EB_NUMTEXT_INT;
    }
    /* strtod also takes "inf", "nan", hex and leading blanks: only text
     * made of digits, one sign, '.', and an exponent gets this far. */
    if (strspn(s, "0123456789+-.eE") != strlen(s))
        return EB_NUMTEXT_NONE;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return EB_NUMTEXT_NONE;
    char back[48];
    if (strcmp(eb_number_text_real(v, back, sizeof back), s) != 0)
        return EB_NUMTEXT_NONE;
    *d = v;
    return EB_NUMTEXT_REAL;
}
