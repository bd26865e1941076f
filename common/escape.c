/* The escapers of escape.h. */
#include <stdint.h>
#include <string.h>

#include "common/escape.h"

/* The length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when s
 * does not start one: overlong forms, surrogates and code points past
 * U+10FFFF are not well-formed. */
static int utf8_seq_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int len;
    uint32_t cp;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void eb_json_str(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', f);
    while (*s) {
        unsigned char c = *s;
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (esc) {
            fputs(esc, f);
            s++;
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
            s++;
        } else {
            int len = utf8_seq_len(s);
            if (len == 0) {
                fputs("\\ufffd", f);
                s++;
            } else {
                fwrite(s, 1, (size_t)len, f);
                s += len;
            }
        }
    }
    fputc('"', f);
}

void eb_xml_text(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        unsigned char c = *s;
        switch (c) {
        case '&': fputs("&amp;", f); s++; continue;
        case '<': fputs("&lt;", f); s++; continue;
        case '>': fputs("&gt;", f); s++; continue;
        case '"': fputs("&quot;", f); s++; continue;
        case '\'': fputs("&#39;", f); s++; continue; /* HTML 4 has no &apos; */
        default: break;
        }
        if (c < 0x20) {
            fputc(c == '\t' || c == '\n' || c == '\r' ? c : ' ', f);
            s++;
            continue;
        }
        int len = utf8_seq_len(s);
        if (len == 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD */
            s++;
        } else {
            fwrite(s, 1, (size_t)len, f);
            s += len;
        }
    }
}

void eb_md_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20) {
            fputc(' ', f);
            continue;
        }
        if (strchr("\\`*_[]<>|~", c))
            fputc('\\', f);
        fputc(c, f);
    }
}
