/* The typed condition group of a run and the old text form beside it
 * (store_condition.h). */
#include <stdio.h>
#include <string.h>

#include "common/h5_util.h"
#include "results/store_condition.h"
#include "results/store_schema.h"

int eb_store__write_condition(hid_t g, const eb_condition *c)
{
    char text[EB_CONDITION_TEXT_MAX];
    eb_condition_text(c, text, sizeof text);
    if (eb_h5__put_str(g, EB_ATTR_CONDITION_PARAMS, text) < 0)
        return -1;
    /* creation order kept, so a reader lists the parameters in table order */
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return -1;
    hid_t cg = -1;
    int rc = -1;
    if (H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        (cg = H5Gcreate2(g, EB_GROUP_CONDITION, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0 ||
        eb_h5__put_str(cg, EB_ATTR_CONDITION_KIND, c->kind) < 0)
        goto out;
    for (int i = 0; i < c->n; i++) {
        const eb_condition_param *p = &c->params[i];
        int bad = p->type == EB_CP_NUM   ? eb_h5__put_f64(cg, p->key, p->num)
                  : p->type == EB_CP_INT ? eb_h5__put_i64(cg, p->key, p->i)
                                         : eb_h5__put_str(cg, p->key, p->str);
        if (bad < 0)
            goto out;
    }
    rc = 0;
out:
    if (cg >= 0)
        H5Gclose(cg);
    H5Pclose(gcpl);
    return rc;
}

typedef struct reading {
    eb_condition *c;
    const eb_condition_kind *kind;
    char *why;
    size_t why_len;
} reading;

static herr_t read_param(hid_t cg, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    reading *rd = data;
    eb_condition *c = rd->c;
    if (strcmp(name, EB_ATTR_CONDITION_KIND) == 0)
        return 0;
    if (strlen(name) >= EB_CONDITION_KEY_MAX || c->n >= EB_CONDITION_MAX_PARAMS) {
        snprintf(rd->why, rd->why_len, "condition: more than %d parameters, or a name over %d "
                 "bytes ('%.40s')", EB_CONDITION_MAX_PARAMS, EB_CONDITION_KEY_MAX - 1, name);
        return -1;
    }
    hid_t a = H5Aopen(cg, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
    H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    int scalar = sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1;
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    if (a >= 0)
        H5Aclose(a);
    int rc = -1;
    if (scalar && cls == H5T_FLOAT) {
        double v;
        if (eb_h5__get_f64(cg, name, &v) == 0 && eb_condition_set_num(c, name, v) == EB_OK)
            rc = 0;
    } else if (scalar && cls == H5T_INTEGER) {
        int64_t v;
        if (eb_h5__get_i64(cg, name, &v) == 0 && eb_condition_set_int(c, name, v) == EB_OK)
            rc = 0;
    } else if (scalar && cls == H5T_STRING) {
        char v[EB_CONDITION_STR_MAX + 1];
        const eb_cparam_def *d = eb_condition_kind_param(rd->kind, name);
        if (eb_h5__get_str_into(cg, name, v, sizeof v) == 0 && strlen(v) < EB_CONDITION_STR_MAX &&
            eb_condition_set_str(c, name, d ? d->type : EB_CP_STR, v) == EB_OK)
            rc = 0;
    }
    if (rc != 0)
        snprintf(rd->why, rd->why_len, "condition: parameter '%s' is not one float64, int64 or "
                 "string of at most %d bytes", name, EB_CONDITION_STR_MAX - 1);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

static int read_group(hid_t g, eb_condition *c, char *why, size_t why_len)
{
    hid_t cg = H5Gopen2(g, EB_GROUP_CONDITION, H5P_DEFAULT);
    if (cg < 0) {
        snprintf(why, why_len, "condition: not a group");
        return -1;
    }
    char kind[EB_CONDITION_KEY_MAX + 1] = "";
    int rc = eb_h5__get_str_into(cg, EB_ATTR_CONDITION_KIND, kind, sizeof kind);
    if (rc < 0 || strlen(kind) >= EB_CONDITION_KEY_MAX) {
        snprintf(why, why_len, "condition: bad kind");
        H5Gclose(cg);
        return -1;
    }
    eb_condition_init(c, kind);
    reading rd = {c, eb_condition_kind_find(kind), why, why_len};
    /* the written order where the file kept it, else by name */
    unsigned crt = 0;
    hid_t gcpl = H5Gget_create_plist(cg);
    if (gcpl >= 0) {
        if (H5Pget_attr_creation_order(gcpl, &crt) < 0)
            crt = 0;
        H5Pclose(gcpl);
    }
    hsize_t idx = 0;
    herr_t it = H5Aiterate2(cg, (crt & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME,
                            H5_ITER_INC, &idx, read_param, &rd);
    H5Eclear2(H5E_DEFAULT);
    H5Gclose(cg);
    if (it < 0) {
        if (!why[0])
            snprintf(why, why_len, "condition: cannot list its attributes");
        return -1;
    }
    return 0;
}

int eb_store__read_condition(hid_t g, eb_condition *c, char *why, size_t why_len)
{
    why[0] = '\0';
    if (eb_h5__has_link(g, EB_GROUP_CONDITION))
        return read_group(g, c, why, why_len);
    /* before 1.4: the text form only */
    char text[EB_CONDITION_TEXT_MAX + 1];
    int rc = eb_h5__get_str_into(g, EB_ATTR_CONDITION_PARAMS, text, sizeof text);
    if (rc != 0) {
        snprintf(why, why_len, "attribute '%s' %s", EB_ATTR_CONDITION_PARAMS,
                 rc > 0 ? "is missing" : "cannot be read");
        return rc;
    }
    if (strlen(text) >= EB_CONDITION_TEXT_MAX) {
        snprintf(why, why_len, "condition_params: longer than %d bytes", EB_CONDITION_TEXT_MAX - 1);
        return -1;
    }
    char msg[256];
    if (eb_condition_parse_text(c, "", text, msg, sizeof msg) != EB_OK) {
        snprintf(why, why_len, "%s", msg);
        return -1;
    }
    return 0;
}
