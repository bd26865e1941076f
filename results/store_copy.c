/* Copying scenarios and runs of another results file into a store (see
 * store_copy.h): merge's writer, with the store's ids, /summary rows,
 * schema version and file replacement. */
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "common/h5_util.h"
#include "results/store_copy.h"
#include "results/store_private.h"
#include "results/store_schema.h"
#include "results/store_summary.h"

eb_status eb_store_claim(eb_store *s, uint64_t bytes, char *why, size_t why_len)
{
    if (!s)
        return EB_ERR_INVALID_ARG;
    return eb_store__space_claim(&s->space, eb_store__space_for(bytes), why, why_len) == 0
               ? EB_OK
               : EB_ERR_IO;
}

eb_status eb_store_flush(eb_store *s, char *msg, size_t msg_len)
{
    return s ? eb_store__flush(s, msg, msg_len) : EB_ERR_INVALID_ARG;
}

static eb_status copy_group(eb_store *s, hid_t src_file, const char *src_path,
                            const char *from, hid_t dst_parent, const char *to, char *msg,
                            size_t msg_len)
{
    if (H5Ocopy(src_file, from, dst_parent, to, H5P_DEFAULT, H5P_DEFAULT) >= 0)
        return EB_OK;
    char detail[256];
    eb_h5__error(detail, sizeof detail);
    snprintf(msg, msg_len, "%s: cannot copy %s of %s: %s", s->path, from, src_path, detail);
    return EB_ERR_IO;
}

eb_status eb_store_copy_scenario(eb_store *s, hid_t src_file, const char *src_path,
                                 const char *src_name, const char *dst_name, char *msg,
                                 size_t msg_len)
{
    if (!s || !eb_h5__valid_name(src_name) || !eb_h5__valid_name(dst_name))
        return EB_ERR_INVALID_ARG;
    char from[320];
    snprintf(from, sizeof from, "/%s/%s", EB_GROUP_SCENARIOS, src_name);
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_status st = copy_group(s, src_file, src_path, from, s->scenarios, dst_name, msg, msg_len);
    if (st == EB_OK)
        st = eb_store__flush(s, msg, msg_len);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}

/* The labels a copied run gains in this file. */
static int label_run(hid_t g, const eb_run_record *rec, const char *device,
                     const char *scenario, const char *merged_from)
{
    if (eb_h5__put_str(g, "merged_from", merged_from) < 0)
        return -1;
    if (strcmp(device, rec->device) != 0 && eb_h5__put_str(g, "device", device) < 0)
        return -1;
    if (strcmp(scenario, rec->scenario) != 0 && eb_h5__put_str(g, "scenario", scenario) < 0)
        return -1;
    return 0;
}

eb_status eb_store_copy_run(eb_store *s, hid_t src_file, const char *src_path,
                            const eb_run_record *rec, const char *device, const char *scenario,
                            const char *merged_from, char *msg, size_t msg_len)
{
    if (!s || !rec || !device || !scenario || !merged_from || !eb_h5__valid_name(rec->id))
        return EB_ERR_INVALID_ARG;
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_status st = eb_store__raise_version(s, msg, msg_len);
    if (st != EB_OK)
        goto done;
    char from[64];
    snprintf(from, sizeof from, "/%s/%s", EB_GROUP_RUNS, rec->id);
    const char *id = s->next_id_str;
    if ((st = copy_group(s, src_file, src_path, from, s->runs, id, msg, msg_len)) != EB_OK)
        goto done;
    hid_t g = H5Gopen2(s->runs, id, H5P_DEFAULT);
    int bad = g < 0 || label_run(g, rec, device, scenario, merged_from) < 0;
    if (g >= 0)
        H5Gclose(g);
    if (bad) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot label a copied run");
        goto undo;
    }
    /* The summary row is the copied run's, under its new id and names. */
    eb_run_record r = *rec;
    r.latency_ns = r.t_ns = NULL;
    snprintf(r.id, sizeof r.id, "%s", id);
    snprintf(r.device, sizeof r.device, "%s", device);
    snprintf(r.scenario, sizeof r.scenario, "%s", scenario);
    eb_summary_row row;
    eb_store__summary_row(&r, &row);
    if (eb_store__summary_append(s->summary, s->summary_mtype, &row) < 0) {
        st = eb_store__h5_fail(EB_ERR_IO, msg, msg_len, s->path, "cannot append to /summary");
        goto undo;
    }
    if ((st = eb_store__flush(s, msg, msg_len)) == EB_OK)
        st = eb_store__run_added(s, 1, msg, msg_len);
    goto done;
undo:
    /* No half-labelled run left behind: /runs stays in step with /summary. */
    if (eb_h5__has_link(s->runs, id))
        H5Ldelete(s->runs, id, H5P_DEFAULT);
done:
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    return st;
}
