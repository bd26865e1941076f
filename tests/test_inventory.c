/* Farm inventories and transports (harness/farm/): every key of a full
 * inventory read back; mistakes reported at file:line:col; the argument
 * vectors handed to ssh/scp/adb, with ssh's safety options and each remote
 * word quoted; the SHA-256 manifest that decides what is copied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness/farm/inventory.h"
#include "harness/farm/stage.h"
#include "harness/farm/transport.h"

#define DATA EB_SOURCE_DIR "/tests/data/farm/"

static eb_inventory *load_ok(const char *path)
{
    eb_inventory *inv = NULL;
    char msg[1024];
    eb_status st = eb_inventory_load(path, "/opt/eb/edgebench", &inv, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("%s", msg);
    return inv;
}

/* Load YAML text written to a file; returns the message of the failure. */
static const char *load_bad(const char *yaml)
{
    static char msg[1024];
    char path[] = "/tmp/eb-inv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    eb_inventory *inv = NULL;
    eb_status st = eb_inventory_load(path, "/opt/eb/edgebench", &inv, msg, sizeof msg);
    unlink(path);
    assert_int_equal(st, EB_ERR_FORMAT);
    assert_null(inv);
    /* drop the temporary file name: "PATH:LINE:COL: ..." -> ":LINE:COL: ..." */
    char *colon = strchr(msg, ':');
    return colon ? colon : msg;
}

static void test_every_key_of_a_full_inventory_is_read(void **state)
{
    (void)state;
    eb_inventory *inv = load_ok(DATA "inventory.yaml");
    assert_int_equal(inv->jobs, 3);
    assert_int_equal(inv->n_devices, 4);
    const eb_farm_device *d = &inv->devices[0];
    assert_string_equal(d->id, "rpi4-lab2");
    assert_int_equal(d->transport, EB_FARM_SSH);
    assert_string_equal(d->host, "192.168.10.12");
    assert_int_equal(d->port, 2222);
    assert_string_equal(d->user, "bench");
    /* local paths resolve against the inventory's directory */
    assert_non_null(strstr(d->identity_file, "/tests/data/farm/keys/farm_ed25519"));
    assert_true(d->identity_file[0] == '/');
    assert_non_null(strstr(d->known_hosts, "/tests/data/farm/keys/known_hosts"));
    assert_string_equal(d->work_dir, "/home/bench/edgebench-farm");
    assert_int_equal(d->n_tags, 3);
    assert_string_equal(d->tags[2], "lab2");
    assert_int_equal(d->threads, 4);
    assert_int_equal(d->n_backends, 1);
    assert_true(d->timeout_s == 300);
    assert_int_equal(d->retries, 1); /* the inventory's default */

    d = &inv->devices[1];
    assert_int_equal(d->transport, EB_FARM_EXEC);
    assert_int_equal(d->command.n, 4);
    assert_string_equal(d->command.v[3], "shell");
    assert_true(d->remote_shell);
    assert_int_equal(d->push.n, 4);
    assert_int_equal(d->n_tags, 1); /* a single string is a list of one */
    assert_string_equal(d->sets[0], "run.isolation=none");
    assert_int_equal(d->retries, 0);
    assert_true(d->timeout_s == 600);
    assert_string_equal(d->work_dir, "/data/local/tmp/edgebench"); /* on the phone: as written */

    d = &inv->devices[2];
    assert_true(d->work_dir[0] == '/'); /* same filesystem: resolved here */
    assert_true(d->edgebench[0] == '/');
    d = &inv->devices[3];
    assert_int_equal(d->transport, EB_FARM_LOCAL);
    assert_string_equal(d->edgebench, "/opt/eb/edgebench"); /* this program */
    eb_inventory_free(inv);
}

static void test_mistakes_are_reported_at_their_line_and_column(void **state)
{
    (void)state;
    const char *head = "inventory: 1\ndevices:\n";
    char y[1024];
    snprintf(y, sizeof y, "%s  - id: a\n    transport: ssh\n    hots: x\n", head);
    assert_string_equal(load_bad(y), ":5:5: device: unknown key 'hots' (did you mean 'host'?)");
    snprintf(y, sizeof y, "%s  - id: a\n    transport: ssh\n", head);
    assert_string_equal(load_bad(y), ":3:5: device 'a': transport ssh needs 'host'");
    snprintf(y, sizeof y, "%s  - id: a\n    transport: telnet\n", head);
    assert_string_equal(load_bad(y), ":4:16: device 'a': unknown transport 'telnet' (local, ssh "
                                     "or exec)");
    snprintf(y, sizeof y, "%s  - id: a\n    transport: ssh\n    host: h\n    port: 70000\n", head);
    assert_string_equal(load_bad(y), ":6:11: port must be an integer from 1 to 65535, got "
                                     "integer 70000");
    snprintf(y, sizeof y, "%s  - id: a b\n    transport: local\n    work_dir: w\n", head);
    assert_non_null(strstr(load_bad(y), ":3:9: id 'a b': use 1 to 63 letters"));
    snprintf(y, sizeof y, "%s  - {id: a, transport: local, work_dir: w}\n"
                          "  - {id: a, transport: local, work_dir: w}\n", head);
    assert_string_equal(load_bad(y), ":4:10: device id 'a' used twice");
    snprintf(y, sizeof y, "%s  - {id: a, transport: local, work_dir: w, host: h}\n", head);
    assert_string_equal(load_bad(y), ":3:44: device 'a': 'host' is for transport ssh, this "
                                     "device is local");
    snprintf(y, sizeof y, "%s  - {id: a, transport: exec, command: [x], push: [p], edgebench: e}\n",
             head);
    assert_non_null(strstr(load_bad(y), "'push' and 'pull' go together"));
    snprintf(y, sizeof y, "%s  - {id: a, transport: ssh, host: '-oProxyCommand=x'}\n", head);
    assert_non_null(strstr(load_bad(y), "host '-oProxyCommand=x' is not a host name"));
    snprintf(y, sizeof y, "%s  - {id: a, transport: ssh, host: h, known_hosts: 'a b'}\n", head);
    assert_non_null(strstr(load_bad(y), "has a space, quote or '%'"));
    assert_string_equal(load_bad("devices: []\n"), ":1:1: no 'inventory: 1' (the inventory "
                                                   "format version)");
    assert_string_equal(load_bad("inventory: 2\ndevices: []\n"),
                        ":1:12: inventory must be an integer from 1 to 1, got integer 2");
    assert_non_null(strstr(load_bad("inventory: 1\ndevices: [\n"), "not valid YAML"));
}

static int has(const eb_args *a, const char *s)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->v[i], s) == 0)
            return 1;
    return 0;
}

static void test_ssh_runs_in_batch_mode_checks_host_keys_and_quotes_every_word(void **state)
{
    (void)state;
    eb_inventory *inv = load_ok(DATA "inventory.yaml");
    const eb_farm_device *d = &inv->devices[0];
    const char *args[] = {"/usr/local/bin/edgebench", "run", "/w/it's; rm -rf ~", "--quiet"};
    eb_args a = {0};
    eb_transport_command(d, args, 4, &a);
    assert_false(a.oom);
    assert_string_equal(a.v[0], "ssh");
    assert_true(has(&a, "BatchMode=yes"));
    assert_true(has(&a, "StrictHostKeyChecking=yes"));
    assert_true(has(&a, "GlobalKnownHostsFile=/dev/null"));
    assert_true(has(&a, "User=bench"));
    assert_true(has(&a, "2222"));
    assert_string_equal(a.v[a.n - 2], "192.168.10.12");
    /* one remote command line, each word single-quoted for the remote shell */
    assert_string_equal(a.v[a.n - 1], "'/usr/local/bin/edgebench' 'run' '/w/it'\\''s; rm -rf ~' "
                                      "'--quiet'");
    assert_null(a.v[a.n]);
    assert_true(has(&a, "-T")); /* no terminal: clean output */
    eb_args_free(&a);
    eb_transport_command_ex(d, args, 4, 1, &a); /* the run: on a terminal, ends with ssh */
    assert_true(has(&a, "-tt"));
    assert_false(has(&a, "-T"));
    eb_args_free(&a);

    eb_transport_copy(d, 1, "/tmp/m.onnx", "/home/bench/edgebench-farm/models/m.onnx", &a);
    assert_string_equal(a.v[0], "scp");
    assert_true(has(&a, "-P"));
    assert_string_equal(a.v[a.n - 2], "/tmp/m.onnx");
    assert_string_equal(a.v[a.n - 1], "192.168.10.12:/home/bench/edgebench-farm/models/m.onnx");
    eb_args_free(&a);

    /* adb: the prefix, then words quoted for the phone's shell */
    d = &inv->devices[1];
    const char *ls[] = {"cat", "--", "/data/x y"};
    eb_transport_command(d, ls, 3, &a);
    assert_string_equal(a.v[0], "adb");
    assert_string_equal(a.v[3], "shell");
    assert_string_equal(a.v[6], "'/data/x y'");
    eb_args_free(&a);
    eb_transport_copy(d, 0, "/tmp/r.h5", "/data/local/tmp/edgebench/results/r.h5", &a);
    assert_string_equal(a.v[3], "pull");
    assert_string_equal(a.v[4], "/data/local/tmp/edgebench/results/r.h5");
    assert_string_equal(a.v[5], "/tmp/r.h5");
    eb_args_free(&a);

    /* qemu: the prefix, then the words as they are (no shell in between) */
    d = &inv->devices[2];
    eb_transport_command(d, ls, 3, &a);
    assert_string_equal(a.v[0], "qemu-aarch64");
    assert_string_equal(a.v[5], "/data/x y");
    assert_true(eb_transport_same_fs(d));
    assert_false(eb_transport_same_fs(&inv->devices[1]));
    eb_args_free(&a);
    eb_inventory_free(inv);
}

static void test_manifest_lists_files_by_hash(void **state)
{
    (void)state;
    char msg[1024];
    eb_farm_stage s;
    assert_int_equal(eb_farm_stage_make(DATA "fast.yaml", NULL, 0, EB_STAGE_ALLOW_OUTSIDE, &s, msg,
                                        sizeof msg), EB_OK);
    assert_int_equal(s.n_files, 2);
    assert_string_equal(s.files[0].rel, "farm_fast.yaml");
    assert_string_equal(s.files[1].rel, "models/quickstart_cnn.onnx");
    char *text = eb_farm_manifest_text(&s);
    assert_non_null(text);
    assert_true(eb_farm_manifest_has(text, s.files[1].rel, s.files[1].sha));
    char other[65];
    memcpy(other, s.files[1].sha, 65);
    other[0] = other[0] == '0' ? '1' : '0';
    assert_false(eb_farm_manifest_has(text, s.files[1].rel, other)); /* changed: copy again */
    assert_false(eb_farm_manifest_has(text, "models/other.onnx", s.files[1].sha));
    assert_false(eb_farm_manifest_has(NULL, s.files[1].rel, s.files[1].sha));
    /* the staged scenario names the staged model */
    FILE *f = fopen(s.files[0].local, "r");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "  path: \"models/quickstart_cnn.onnx\"\n"));
    assert_non_null(strstr(buf, "name: farm_fast\n"));
    free(text);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", s.dir);
    eb_farm_stage_free(&s);
    assert_int_not_equal(access(dir, F_OK), 0); /* temporary directory removed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_of_a_full_inventory_is_read),
        cmocka_unit_test(test_mistakes_are_reported_at_their_line_and_column),
        cmocka_unit_test(test_ssh_runs_in_batch_mode_checks_host_keys_and_quotes_every_word),
        cmocka_unit_test(test_manifest_lists_files_by_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
