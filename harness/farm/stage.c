/* Staging a scenario for the farm (stage.h): model paths rewritten by byte
 * range in the scenario's own text, so everything else (comments, order,
 * budgets) reaches the device exactly as written. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sha256.h"
#include "common/yaml_tree.h"
#include "harness/backend/registry.h"
#include "harness/farm/stage.h"
#include "harness/run/consent.h"
#include "harness/scenario/scenario.h"

typedef struct edit {
    size_t start, end;
    const char *rel;
} edit;

static int edit_cmp(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Names of what farm places on a device: letters, digits, '.', '_', '-';
 * never a leading '-' (an option) or '.' (hidden, "..", the manifest);
 * at most EB_FARM_NAME_MAX characters, the end (an extension) kept. Every
 * remote path is work_dir + one of these, so no shell on the device (legacy
 * scp) reads anything in it but a plain word. */
void eb_farm_safe_name(const char *name, const char *fallback, char *out, size_t len)
{
    char buf[4096];
    size_t k = 0;
    for (const char *p = name ? name : ""; *p && k + 1 < sizeof buf; p++) {
        char c = *p;
        int ok = strchr("._-", c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
        buf[k++] = ok && c ? c : '_';
    }
    buf[k] = '\0';
    if (k && (buf[0] == '-' || buf[0] == '.'))
        buf[0] = '_';
    if (k == 0) {
        snprintf(out, len, "%s", fallback);
        return;
    }
    size_t cap = len - 1 < EB_FARM_NAME_MAX ? len - 1 : EB_FARM_NAME_MAX;
    if (k <= cap) {
        snprintf(out, len, "%s", buf);
        return;
    }
    /* too long: the start and the last 16 characters (the extension) */
    size_t tail = 16, head = cap - tail - 1;
    snprintf(out, len, "%.*s_%s", (int)head, buf, buf + k - tail);
}

static void safe_base(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    eb_farm_safe_name(b ? b + 1 : path, "file", out, len);
}

/* Farm copies only regular files, and only from the scenario's folder
 * (and below) unless allowed: a scenario must not ship /etc/passwd or
 * ../secrets to every board. */
static eb_status check_source(const char *scenario_path, const eb_scenario *sc,
                              const eb_ynode *node, const char *key, const char *resolved,
                              unsigned flags, char *msg, size_t msg_len)
{
    struct stat sb;
    if (stat(resolved, &sb) != 0) {
        snprintf(msg, msg_len, "%s:%d:%d: %s: %s: %s", scenario_path, node->line, node->col, key,
                 resolved, strerror(errno));
        return EB_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s:%d:%d: %s: %s is not a regular file; farm copies only "
                               "regular files to devices",
                 scenario_path, node->line, node->col, key, resolved);
        return EB_ERR_INVALID_ARG;
    }
    if (flags & EB_STAGE_ALLOW_OUTSIDE)
        return EB_OK;
    char dir[PATH_MAX], file[PATH_MAX];
    if (!realpath(sc->dir ? sc->dir : ".", dir) || !realpath(resolved, file)) {
        snprintf(msg, msg_len, "%s: cannot resolve %s: %s", scenario_path, resolved,
                 strerror(errno));
        return EB_ERR_IO;
    }
    size_t dl = strlen(dir);
    int inside = strncmp(file, dir, dl) == 0 && (file[dl] == '/' || (dl == 1 && dir[0] == '/'));
    if (!inside) {
        snprintf(msg, msg_len, "%s:%d:%d: %s: %s is outside the scenario's folder %s (links "
                               "followed); farm copies files from elsewhere to every device only "
                               "with --allow-outside-paths",
                 scenario_path, node->line, node->col, key, file, dir);
        return EB_ERR_INVALID_ARG;
    }
    return EB_OK;
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(text, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* The path value node of variant `name` in the scenario's tree. */
static const eb_ynode *variant_node(const eb_ynode *root, const char *name)
{
    const eb_ynode *model = eb_ynode_get(root, "model");
    if (!model)
        return NULL;
    const eb_ynode *p = eb_ynode_get(model, "path");
    if (p && strcmp(name, "default") == 0)
        return p;
    const eb_ynode *vars = eb_ynode_get(model, "variants");
    const eb_ynode *v = vars ? eb_ynode_get(vars, name) : NULL;
    if (!v)
        return NULL;
    return v->type == EB_Y_SCALAR ? v : eb_ynode_get(v, "path");
}

static eb_status add_file(eb_farm_stage *s, const char *local, const char *rel, char *msg,
                          size_t msg_len)
{
    eb_farm_file *f = &s->files[s->n_files];
    memset(f, 0, sizeof *f);
    struct stat sb;
    if (stat(local, &sb) != 0) {
        snprintf(msg, msg_len, "%s: %s", local, strerror(errno));
        return EB_ERR_IO;
    }
    eb_status st = eb_sha256_file(local, f->sha, msg, msg_len);
    if (st != EB_OK)
        return st;
    if (!(f->local = strdup(local)) || !(f->rel = strdup(rel))) {
        free(f->local);
        snprintf(msg, msg_len, "%s: out of memory", local);
        return EB_ERR_NOMEM;
    }
    f->size = (uint64_t)sb.st_size;
    s->n_files++;
    return EB_OK;
}

/* Stage the file `resolved` (named by the scalar `node` of the scenario's
 * text) as "<subdir>/<name>" and describe the text edit that points the
 * scenario there. */
static eb_status stage_path(eb_farm_stage *out, const eb_scenario *sc, const char *scenario_path,
                            const eb_ynode *node, const char *key, const char *resolved,
                            const char *subdir, unsigned flags, edit *e, char *msg,
                            size_t msg_len)
{
    char hex[65];
    eb_status st = check_source(scenario_path, sc, node, key, resolved, flags, msg, msg_len);
    if (st == EB_OK)
        st = eb_sha256_file(resolved, hex, msg, msg_len);
    if (st != EB_OK)
        return st;
    const char *rel = NULL;
    for (int k = 1; k < out->n_files && !rel; k++)
        if (strcmp(out->files[k].sha, hex) == 0 &&
            strncmp(out->files[k].rel, subdir, strlen(subdir)) == 0)
            rel = out->files[k].rel; /* one file, two variants */
    if (!rel) {
        char base[EB_FARM_NAME_MAX + 1], r[256];
        safe_base(resolved, base, sizeof base);
        snprintf(r, sizeof r, "%s/%s", subdir, base);
        for (int k = 1; k < out->n_files; k++)
            if (strcmp(out->files[k].rel, r) == 0)
                snprintf(r, sizeof r, "%s/%.12s-%s", subdir, hex, base);
        if ((st = add_file(out, resolved, r, msg, msg_len)) != EB_OK)
            return st;
        rel = out->files[out->n_files - 1].rel;
    }
    /* The byte range must hold this very scalar (quoted or not). */
    size_t a = node->start, b = node->end, tl = strlen(node->text);
    if (b > sc->yaml_len || a > b || b - a < tl ||
        !(memcmp(sc->yaml + a, node->text, tl) == 0 ||
          (b - a >= tl + 2 && memcmp(sc->yaml + a + 1, node->text, tl) == 0))) {
        snprintf(msg, msg_len, "%s:%d:%d: cannot locate this path in the file's text "
                               "(non-ASCII text before it?)",
                 scenario_path, node->line, node->col);
        return EB_ERR_UNSUPPORTED;
    }
    *e = (edit){a, b, rel};
    return EB_OK;
}

eb_status eb_farm_stage_make(const char *scenario_path, const char *const *overrides,
                             int n_overrides, unsigned flags, eb_farm_stage *out, char *msg,
                             size_t msg_len)
{
    memset(out, 0, sizeof *out);
    eb_scenario *sc = NULL;
    eb_ynode *root = NULL;
    edit *edits = NULL;
    char *text = NULL;
    /* backend names are checked against this host's registry (built-ins
     * and the plugins found here), as `run` and `validate` check them */
    eb_registry *reg = NULL;
    if (eb_registry_create(&reg) != EB_OK) {
        snprintf(msg, msg_len, "%s: out of memory", scenario_path);
        return EB_ERR_NOMEM;
    }
    eb_backend_names names = {eb_registry_knows, eb_registry_available_names, reg};
    eb_status st = eb_scenario_load(scenario_path, overrides, n_overrides, &names, &sc, msg, msg_len);
    eb_registry_destroy(reg);
    if (st != EB_OK)
        return st;
    /* a meter command runs on every device: only with --allow-commands */
    if ((st = eb_scenario_commands_allowed(sc, flags & EB_STAGE_ALLOW_COMMANDS,
                                           "--allow-commands", msg, msg_len)) != EB_OK) {
        eb_scenario_destroy(sc);
        return st;
    }
    char where[1400];
    out->runs_commands = eb_scenario_runs_commands(sc, where, sizeof where);
    char tmpl[] = "/tmp/edgebench-farm-XXXXXX";
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/edgebench-farm-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir) && !mkdtemp(strcpy(dir, tmpl))) {
        snprintf(msg, msg_len, "cannot make a temporary directory: %s", strerror(errno));
        st = EB_ERR_IO;
        goto done;
    }
    st = EB_ERR_NOMEM;
    if (!(out->dir = strdup(dir)) || !(out->scenario_name = strdup(sc->name)))
        goto nomem;
    out->n_backends = sc->n_backends;
    out->files = calloc((size_t)sc->n_variants + 3, sizeof *out->files);
    edits = calloc((size_t)sc->n_variants + 2, sizeof *edits);
    if (!out->files || !edits)
        goto nomem;

    eb_yaml_error yerr;
    if (eb_yaml_parse(sc->yaml, sc->yaml_len, 0, &root, &yerr) != EB_OK || !root) {
        snprintf(msg, msg_len, "%s:%d:%d: %s", scenario_path, yerr.line, yerr.col, yerr.text);
        st = EB_ERR_FORMAT;
        goto done;
    }
    /* Models and dataset files first (files[1..]), so the scenario can
     * name them. */
    out->n_files = 1;
    int n_edits = 0;
    for (int i = 0; i < sc->n_variants; i++) {
        const eb_scenario_variant *v = &sc->variants[i];
        const eb_ynode *node = variant_node(root, v->name);
        if (!node) {
            snprintf(msg, msg_len,
                     "%s: variant '%s': its model path was given with --set; farm copies "
                     "only models named in the scenario file",
                     scenario_path, v->name);
            st = EB_ERR_INVALID_ARG;
            goto done;
        }
        char key[128];
        if (strcmp(v->name, "default") == 0)
            snprintf(key, sizeof key, "model.path");
        else
            snprintf(key, sizeof key, "model.variants.%s", v->name);
        if ((st = stage_path(out, sc, scenario_path, node, key, v->resolved_path, "models",
                             flags, &edits[n_edits++], msg, msg_len)) != EB_OK)
            goto done;
    }
    if (sc->inputs.kind == EB_INPUT_DATASET) {
        const eb_ynode *in = eb_ynode_get(root, "inputs");
        const char *files[2] = {sc->inputs.dataset.path, sc->inputs.dataset.labels};
        const char *keys[2] = {"path", "labels"};
        for (int i = 0; i < 2; i++) {
            if (!files[i] || !files[i][0])
                continue;
            const eb_ynode *node = in ? eb_ynode_get(in, keys[i]) : NULL;
            if (!node) {
                snprintf(msg, msg_len, "%s: inputs.%s was given with --set; farm copies only "
                                       "files named in the scenario file",
                         scenario_path, keys[i]);
                st = EB_ERR_INVALID_ARG;
                goto done;
            }
            char key[32];
            snprintf(key, sizeof key, "inputs.%s", keys[i]);
            if ((st = stage_path(out, sc, scenario_path, node, key, files[i], "inputs", flags,
                                 &edits[n_edits++], msg, msg_len)) != EB_OK)
                goto done;
        }
    }
    qsort(edits, (size_t)n_edits, sizeof *edits, edit_cmp);
    size_t cap = sc->yaml_len + 1;
    for (int i = 0; i < n_edits; i++)
        cap += strlen(edits[i].rel) + 2;
    if (!(text = malloc(cap)))
        goto nomem;
    size_t k = 0, pos = 0;
    for (int i = 0; i < n_edits; i++) {
        memcpy(text + k, sc->yaml + pos, edits[i].start - pos);
        k += edits[i].start - pos;
        k += (size_t)sprintf(text + k, "\"%s\"", edits[i].rel);
        pos = edits[i].end;
    }
    memcpy(text + k, sc->yaml + pos, sc->yaml_len - pos);
    k += sc->yaml_len - pos;

    char rel[256], local[4400], base[EB_FARM_NAME_MAX + 1];
    /* named as the scenario (a scenario without `name:` keeps its name:
     * the file name is its default), reduced to a safe file name */
    eb_farm_safe_name(sc->name, "scenario", base, sizeof base);
    snprintf(rel, sizeof rel, "%s.yaml", base);
    snprintf(local, sizeof local, "%s/%s", dir, rel);
    if (write_file(local, text, k) != 0) {
        snprintf(msg, msg_len, "%s: cannot write: %s", local, strerror(errno));
        st = EB_ERR_IO;
        goto done;
    }
    /* files[0]: the staged scenario */
    int n = out->n_files;
    out->n_files = 0;
    eb_farm_file first;
    st = add_file(out, local, rel, msg, msg_len);
    first = out->files[0];
    out->n_files = n;
    out->files[0] = first;
    if (st != EB_OK)
        goto done;
    if (!(out->scenario_rel = strdup(rel)))
        goto nomem;
    st = EB_OK;
    goto done;
nomem:
    snprintf(msg, msg_len, "%s: out of memory", scenario_path);
    st = EB_ERR_NOMEM;
done:
    free(text);
    free(edits);
    eb_ynode_free(root);
    eb_scenario_destroy(sc);
    if (st != EB_OK)
        eb_farm_stage_free(out);
    return st;
}

void eb_farm_stage_free(eb_farm_stage *s)
{
    if (!s)
        return;
    if (s->dir) {
        DIR *d = opendir(s->dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", s->dir, e->d_name);
            unlink(p);
        }
        if (d)
            closedir(d);
        rmdir(s->dir);
    }
    for (int i = 0; i < s->n_files; i++) {
        free(s->files[i].local);
        free(s->files[i].rel);
    }
    free(s->files);
    free(s->dir);
    free(s->scenario_name);
    free(s->scenario_rel);
    memset(s, 0, sizeof *s);
}

int eb_farm_manifest_has(const char *manifest, const char *rel, const char *sha)
{
    size_t rl = strlen(rel);
    for (const char *p = manifest; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len == 64 + 2 + rl && memcmp(p, sha, 64) == 0 && p[64] == ' ' &&
            memcmp(p + 66, rel, rl) == 0)
            return 1;
        p = eol ? eol + 1 : NULL;
    }
    return 0;
}

char *eb_farm_manifest_text(const eb_farm_stage *s)
{
    size_t cap = 1;
    for (int i = 0; i < s->n_files; i++)
        cap += 64 + 2 + strlen(s->files[i].rel) + 1;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    size_t k = 0;
    for (int i = 0; i < s->n_files; i++)
        k += (size_t)sprintf(t + k, "%s  %s\n", s->files[i].sha, s->files[i].rel);
    t[k] = '\0';
    return t;
}
