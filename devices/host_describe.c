/* eb_host_describe: arch, CPU, cores, features, OS, kernel, virtualisation. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devices/host_describe.h"
#include "devices/host_detect.h"

void eb_host_desc_put(eb_host_desc *d, const char *k, const char *v)
{
    int i = 0;
    while (i < d->n && strcmp(d->keys[i], k) != 0)
        i++;
    if (i == d->n) {
        if (d->n >= EB_HOST_DESC_MAX)
            return;
        d->n++;
    }
    snprintf(d->keys[i], sizeof d->keys[0], "%s", k);
    snprintf(d->values[i], sizeof d->values[0], "%s", v && v[0] ? v : "unknown");
}

const char *eb_host_desc_get(const eb_host_desc *d, const char *k)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->keys[i], k) == 0)
            return d->values[i];
    return NULL;
}

static void put(eb_host_desc *d, const char *k, const char *v) { eb_host_desc_put(d, k, v); }

void eb_cpu_feature_names(uint64_t f, char *buf, size_t len)
{
    static const struct {
        uint64_t bit;
        const char *name;
    } names[] = {
        {EB_CPU_SSE4_2, "sse4_2"}, {EB_CPU_AVX, "avx"},        {EB_CPU_AVX2, "avx2"},
        {EB_CPU_FMA3, "fma3"},     {EB_CPU_AVX512F, "avx512f"}, {EB_CPU_AVX512BW, "avx512bw"},
        {EB_CPU_AVX512VNNI, "avx512vnni"}, {EB_CPU_AVXVNNI, "avxvnni"}, {EB_CPU_F16C, "f16c"},
        {EB_CPU_NEON, "neon"},     {EB_CPU_ASIMDDP, "asimddp"}, {EB_CPU_FP16, "fp16"},
        {EB_CPU_I8MM, "i8mm"},     {EB_CPU_SVE, "sve"},
    };
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((f & names[i].bit) && off < len) {
            int w = snprintf(buf + off, len - off, "%s%s", off ? " " : "", names[i].name);
            if (w > 0)
                off += (size_t)w;
        }
}

/* PRETTY_NAME from os-release, unquoted. */
static void os_name(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/etc/os-release", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
            char *v = line + 12;
            v[strcspn(v, "\n")] = '\0';
            size_t n = strlen(v);
            if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
                v[n - 1] = '\0';
                v++;
            }
            snprintf(buf, len, "%.200s", v);
            break;
        }
    }
    fclose(f);
}

/* "yes" when the CPU says it runs under a hypervisor (x86 cpuinfo flag);
 * "unknown" where cpuinfo has no flags line (aarch64: probe.c asks DMI). */
static const char *virtualised(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return "unknown";
    char line[4096];
    const char *ans = "unknown";
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            ans = strstr(line, " hypervisor") ? "yes" : "no";
            break;
        }
    fclose(f);
    return ans;
}

/* Lower-case words of the CPU brand joined by '-', without the marketing
 * words and the clock ("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz" ->
 * "intel-xeon-e5-2680-v4"), at most cap - 1 bytes. */
static void brand_slug(const char *brand, char *out, size_t cap)
{
    static const char *const drop[] = {"(r)", "(tm)", "cpu", "processor", "core(tm)",
                                       "with", "radeon", "graphics", "n-core", NULL};
    size_t j = 0;
    out[0] = '\0';
    char word[64];
    const char *p = brand;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = 0;
        while (p[w] && p[w] != ' ')
            w++;
        if (!w)
            break;
        if (p[0] == '@')
            break; /* the nominal clock */
        snprintf(word, sizeof word, "%.*s", (int)(w < 63 ? w : 63), p);
        p += w;
        char clean[64];
        size_t k = 0;
        for (size_t i = 0; word[i]; i++) {
            char c = word[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c == '(' && (strncmp(word + i, "(R)", 3) == 0 || strncmp(word + i, "(r)", 3) == 0)) {
                i += 2;
                continue;
            }
            if (c == '(' && (strncmp(word + i, "(TM)", 4) == 0 || strncmp(word + i, "(tm)", 4) == 0)) {
                i += 3;
                continue;
            }
            int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (ok)
                clean[k++] = c;
        }
        clean[k] = '\0';
        int skip = !k;
        for (int d = 0; drop[d] && !skip; d++)
            skip = strcmp(clean, drop[d]) == 0;
        if (!skip && strstr(clean, "-core"))
            skip = 1;
        if (skip)
            continue;
        if (j + k + 2 > cap)
            break;
        j += (size_t)snprintf(out + j, cap - j, "%s%s", j ? "-" : "", clean);
    }
}

void eb_device_id_from(const eb_host *h, long long memory_bytes, char *buf, size_t len)
{
    char features[256];
    eb_cpu_feature_names(h->features, features, sizeof features);
    long long gib = memory_bytes > 0 ? (memory_bytes + (1ll << 30) - 1) >> 30 : 0;
    char key[1024];
    snprintf(key, sizeof key, "%s|%s|%s|%s|%d|%d|%lld", h->arch ? h->arch : "",
             h->cpu_vendor ? h->cpu_vendor : "", h->cpu_brand ? h->cpu_brand : "", features,
             h->logical_cpus, h->physical_cores, gib);
    uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
    for (const char *k = key; *k; k++)
        hash = (hash ^ (unsigned char)*k) * 1099511628211ULL;
    char slug[40];
    brand_slug(h->cpu_brand ? h->cpu_brand : "", slug, sizeof slug);
    if (!slug[0])
        snprintf(slug, sizeof slug, "%.30s", h->arch && h->arch[0] ? h->arch : "cpu");
    snprintf(buf, len, "%s-%dc-%lldg-%08x", slug, h->logical_cpus, gib,
             (unsigned)(hash ^ (hash >> 32)));
}

void eb_default_device_id(char *buf, size_t len)
{
    eb_host h;
    eb_host_detect(&h);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    eb_device_id_from(&h, pages > 0 && page > 0 ? (long long)pages * page : 0, buf, len);
}

/* The basic facts; devices/probe.c adds caches, frequency, sensors,
 * counters and the peak estimate. */
void eb_host_describe_basic(const eb_host *h, eb_host_desc *d)
{
    memset(d, 0, sizeof *d);
    char buf[256];
    put(d, "arch", h->arch);
    put(d, "cpu_vendor", h->cpu_vendor);
    put(d, "cpu_brand", h->cpu_brand);
    snprintf(buf, sizeof buf, "%d", h->logical_cpus);
    put(d, "logical_cpus", buf);
    snprintf(buf, sizeof buf, "%d", h->physical_cores);
    put(d, "physical_cores", buf);
    eb_cpu_feature_names(h->features, buf, sizeof buf);
    put(d, "features", buf[0] ? buf : "none");
    os_name(buf, sizeof buf);
    put(d, "os", buf);
    struct utsname u;
    if (uname(&u) == 0) {
        put(d, "kernel", u.release);
        put(d, "hostname", u.nodename);
    }
    put(d, "virtualised", virtualised());
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)pages * (long long)page);
        put(d, "memory_bytes", buf);
    }
}
