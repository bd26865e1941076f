/* Writing and reading device description files (see device_file.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/escape.h"
#include "devices/device_file.h"

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void eb_device_write_yaml(FILE *f, const char *id, const eb_host_desc *d)
{
    fprintf(f, "# edgebench device description (edgebench probe); keys: docs/probe.md\n");
    fprintf(f, "edgebench_device: %d\nid: ", EB_DEVICE_FORMAT);
    yaml_str(f, id);
    fputc('\n', f);
    for (int i = 0; i < d->n; i++) {
        yaml_str(f, d->keys[i]);
        fputs(": ", f);
        yaml_str(f, d->values[i]);
        fputc('\n', f);
    }
}

void eb_device_write_json(FILE *f, const char *id, const eb_host_desc *d)
{
    fprintf(f, "{\"edgebench_device\": %d, \"id\": ", EB_DEVICE_FORMAT);
    eb_json_str(f, id);
    for (int i = 0; i < d->n; i++) {
        fputs(",\n  ", f);
        eb_json_str(f, d->keys[i]);
        fputs(": ", f);
        eb_json_str(f, d->values[i]);
    }
    fputs("}\n", f);
}

static eb_status fail(char *msg, size_t len, const char *path, const yaml_mark_t *m,
                      const char *what)
{
    snprintf(msg, len, "%s:%zu:%zu: %s", path, m->line + 1, m->column + 1, what);
    return EB_ERR_FORMAT;
}

eb_status eb_device_read(const char *path, char *id, size_t id_len, eb_host_desc *d, char *msg,
                         size_t msg_len)
{
    memset(d, 0, sizeof *d);
    id[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
        return EB_ERR_IO;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    eb_status st = EB_OK;
    int depth = 0, have_key = 0, version = 0;
    char key[64] = "";
    yaml_event_t ev;
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            snprintf(msg, msg_len, "%s:%zu:%zu: %s", path, p.problem_mark.line + 1,
                     p.problem_mark.column + 1, p.problem ? p.problem : "YAML error");
            st = EB_ERR_FORMAT;
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) {
            if (depth > 0 || t == YAML_SEQUENCE_START_EVENT) {
                st = fail(msg, msg_len, path, &ev.start_mark,
                          depth ? "a device description's values are strings, not maps or lists"
                                : "a device description is a map of keys");
                yaml_event_delete(&ev);
                break;
            }
            depth++;
        } else if (t == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (t == YAML_SCALAR_EVENT) {
            const char *v = (const char *)ev.data.scalar.value;
            if (depth != 1) {
                st = fail(msg, msg_len, path, &ev.start_mark,
                          "a device description is a map of keys");
            } else if (!have_key) {
                snprintf(key, sizeof key, "%s", v);
                if (strlen(v) >= sizeof d->keys[0]) {
                    st = fail(msg, msg_len, path, &ev.start_mark, "key longer than 47 bytes");
                } else if (eb_host_desc_get(d, key) ||
                           (strcmp(key, "id") == 0 && id[0])) {
                    char m[128];
                    snprintf(m, sizeof m, "duplicate key '%s'", key);
                    st = fail(msg, msg_len, path, &ev.start_mark, m);
                }
                have_key = 1;
            } else {
                if (strcmp(key, "edgebench_device") == 0) {
                    version = atoi(v);
                    if (version != EB_DEVICE_FORMAT) {
                        char m[160];
                        snprintf(m, sizeof m, "edgebench_device: unsupported format '%s' (this "
                                              "edgebench reads %d)", v, EB_DEVICE_FORMAT);
                        st = fail(msg, msg_len, path, &ev.start_mark, m);
                    }
                } else if (strcmp(key, "id") == 0) {
                    snprintf(id, id_len, "%s", v);
                } else if (d->n >= EB_HOST_DESC_MAX) {
                    st = fail(msg, msg_len, path, &ev.start_mark, "too many keys");
                } else {
                    eb_host_desc_put(d, key, v);
                }
                have_key = 0;
            }
        } else if (t == YAML_ALIAS_EVENT) {
            st = fail(msg, msg_len, path, &ev.start_mark, "aliases are not allowed here");
        }
        yaml_event_delete(&ev);
        if (st != EB_OK)
            break;
    }
    yaml_parser_delete(&p);
    fclose(f);
    if (st == EB_OK && !version) {
        snprintf(msg, msg_len, "%s: not a device description (no 'edgebench_device: 1')", path);
        st = EB_ERR_FORMAT;
    } else if (st == EB_OK && !id[0]) {
        snprintf(msg, msg_len, "%s: the device description has no 'id'", path);
        st = EB_ERR_FORMAT;
    }
    return st;
}
