/* eb_host_describe_at: the whole device description, part by part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/probe.h"
#include "devices/probe_cpu_arm.h"
#include "devices/sysfs.h"

#if defined(EB_HAVE_LIBCPUID) && (defined(__x86_64__) || defined(__i386__))
#include <libcpuid.h>
#endif

void eb_probe_cpu(const eb_host *h, eb_host_desc *d)
{
    (void)h;
#if defined(EB_HAVE_LIBCPUID) && (defined(__x86_64__) || defined(__i386__))
    char src[64];
    snprintf(src, sizeof src, "libcpuid %s", cpuid_lib_version());
    eb_host_desc_put(d, "feature_source", src);
#elif defined(__x86_64__) || defined(__i386__)
    eb_host_desc_put(d, "feature_source",
                     "unavailable: edgebench was built without libcpuid (libcpuid-dev)");
#else
    eb_arm_cpu a;
    eb_arm_probe_live(&a);
    eb_host_desc_put(d, "feature_source", a.source);
    if (a.hwcaps[0])
        eb_host_desc_put(d, "hwcaps", a.hwcaps);
    if (a.part[0])
        eb_host_desc_put(d, "cpu_part", a.part);
    if (a.implementer[0] && strcmp(eb_host_desc_get(d, "cpu_vendor"), "unknown") == 0)
        eb_host_desc_put(d, "cpu_vendor", a.implementer);
#endif
}

static void human_bytes(long long b, char *out, size_t len)
{
    if (b >= 1 << 20 && b % (1 << 20) == 0)
        snprintf(out, len, "%lld MiB", b >> 20);
    else if (b >= 1024 && b % 1024 == 0)
        snprintf(out, len, "%lld KiB", b >> 10);
    else
        snprintf(out, len, "%lld B", b);
}

/* cpu0's caches from sysfs: cache/indexN/{level,type,size} ("32K"). */
void eb_probe_caches(const char *root, eb_host_desc *d)
{
    char dir[EB_SYSFS_PATH_MAX];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/devices/system/cpu/cpu0/cache");
    int found = 0;
    char summary[256] = "";
    for (int i = 0; i < 16; i++) {
        char p[EB_SYSFS_PATH_MAX + 64], type[32], size[32];
        long long level;
        snprintf(p, sizeof p, "%s/index%d/level", dir, i);
        if (eb_sysfs_read_ll(p, &level) != 0)
            break;
        snprintf(p, sizeof p, "%s/index%d/type", dir, i);
        if (eb_sysfs_read_line(p, type, sizeof type) != 0)
            continue;
        snprintf(p, sizeof p, "%s/index%d/size", dir, i);
        if (eb_sysfs_read_line(p, size, sizeof size) != 0)
            continue;
        char *end;
        long long bytes = strtoll(size, &end, 10);
        if (*end == 'K')
            bytes *= 1024;
        else if (*end == 'M')
            bytes *= 1024 * 1024;
        char key[48], val[32], h[32];
        const char *t = strcmp(type, "Data") == 0          ? "d"
                        : strcmp(type, "Instruction") == 0 ? "i"
                                                           : "";
        snprintf(key, sizeof key, "cache_l%lld%s_bytes", level, t);
        snprintf(val, sizeof val, "%lld", bytes);
        eb_host_desc_put(d, key, val);
        human_bytes(bytes, h, sizeof h);
        size_t used = strlen(summary);
        snprintf(summary + used, sizeof summary - used, "%sL%lld%s %s", used ? ", " : "", level, t,
                 h);
        found++;
    }
    if (found) {
        eb_host_desc_put(d, "caches", summary);
        return;
    }
#if defined(EB_HAVE_LIBCPUID) && (defined(__x86_64__) || defined(__i386__))
    struct cpu_raw_data_t raw;
    struct cpu_id_t id;
    if (cpuid_get_raw_data(&raw) == 0 && cpu_identify(&raw, &id) == 0 && id.l1_data_cache > 0) {
        const struct {
            const char *key;
            int kb;
        } c[] = {{"cache_l1d_bytes", id.l1_data_cache},
                 {"cache_l1i_bytes", id.l1_instruction_cache},
                 {"cache_l2_bytes", id.l2_cache},
                 {"cache_l3_bytes", id.l3_cache}};
        for (size_t i = 0; i < 4; i++) {
            if (c[i].kb <= 0)
                continue;
            char val[32], h[32];
            snprintf(val, sizeof val, "%lld", (long long)c[i].kb * 1024);
            eb_host_desc_put(d, c[i].key, val);
            human_bytes((long long)c[i].kb * 1024, h, sizeof h);
            size_t used = strlen(summary);
            snprintf(summary + used, sizeof summary - used, "%sL%.*s %s", used ? ", " : "",
                     (int)strcspn(c[i].key + 7, "_"), c[i].key + 7, h);
        }
        eb_host_desc_put(d, "caches", summary);
        return;
    }
#endif
    char why[EB_SYSFS_PATH_MAX + 64];
    snprintf(why, sizeof why, "unavailable: no %s/index*", dir);
    eb_host_desc_put(d, "caches", why);
}

void eb_probe_virtualisation(const char *root, eb_host_desc *d)
{
    char p[EB_SYSFS_PATH_MAX], vendor[128] = "", product[128] = "", hv[64] = "";
    eb_sysfs_path(p, sizeof p, root, "/sys/class/dmi/id/sys_vendor");
    eb_sysfs_read_line(p, vendor, sizeof vendor);
    eb_sysfs_path(p, sizeof p, root, "/sys/class/dmi/id/product_name");
    eb_sysfs_read_line(p, product, sizeof product);
    eb_sysfs_path(p, sizeof p, root, "/sys/hypervisor/type");
    eb_sysfs_read_line(p, hv, sizeof hv);
    static const char *const vm_words[] = {"QEMU", "KVM", "VMware", "VirtualBox", "Xen",
                                           "Microsoft Corporation", "Amazon EC2", "Google",
                                           "innotek", "Parallels", "BHYVE", NULL};
    int vm_dmi = 0;
    for (int i = 0; vm_words[i]; i++)
        if (strstr(vendor, vm_words[i]) || strstr(product, vm_words[i]))
            vm_dmi = 1;
    const char *flag = eb_host_desc_get(d, "virtualised");
    if (hv[0] || vm_dmi)
        eb_host_desc_put(d, "virtualised", "yes");
    else if (flag && strcmp(flag, "unknown") == 0 && vendor[0])
        eb_host_desc_put(d, "virtualised", "no");
    char platform[300];
    if (vendor[0] || product[0]) {
        snprintf(platform, sizeof platform, "%s%s%s%s%s", vendor, product[0] ? " " : "", product,
                 hv[0] ? "; hypervisor " : "", hv);
        eb_host_desc_put(d, "platform", platform);
    } else {
        eb_host_desc_put(d, "platform", "unknown (no DMI in /sys/class/dmi/id)");
    }
}

/* "@ 2.20GHz" in an x86 brand string. */
static double brand_ghz(const char *brand)
{
    const char *at = brand ? strstr(brand, "GHz") : NULL;
    if (!at)
        return 0;
    const char *p = at;
    while (p > brand && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9')))
        p--;
    return strtod(p, NULL);
}

static double cpuinfo_mhz(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[512];
    double mhz = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "cpu MHz", 7) == 0) {
            const char *c = strchr(line, ':');
            if (c)
                mhz = strtod(c + 1, NULL);
            break;
        }
    fclose(f);
    return mhz;
}

void eb_probe_frequency(const char *root, const eb_host *h, eb_host_desc *d, double *max_mhz,
                        char *basis, size_t basis_len)
{
    char dir[EB_SYSFS_PATH_MAX], p[EB_SYSFS_PATH_MAX + 64], v[64];
    eb_sysfs_path(dir, sizeof dir, root, "/sys/devices/system/cpu/cpu0/cpufreq");
    long long lo = 0, hi = 0;
    *max_mhz = 0;
    snprintf(p, sizeof p, "%s/scaling_governor", dir);
    int gov = eb_sysfs_read_line(p, v, sizeof v) == 0;
    if (gov)
        eb_host_desc_put(d, "freq_governor", v);
    snprintf(p, sizeof p, "%s/cpuinfo_min_freq", dir);
    if (eb_sysfs_read_ll(p, &lo) == 0) {
        snprintf(v, sizeof v, "%.0f", lo / 1000.0);
        eb_host_desc_put(d, "freq_min_mhz", v);
    }
    snprintf(p, sizeof p, "%s/cpuinfo_max_freq", dir);
    if (eb_sysfs_read_ll(p, &hi) == 0) {
        snprintf(v, sizeof v, "%.0f", hi / 1000.0);
        eb_host_desc_put(d, "freq_max_mhz", v);
        *max_mhz = hi / 1000.0;
        snprintf(basis, basis_len, "cpufreq cpuinfo_max_freq");
    }
    if (!gov && !hi) {
        snprintf(p, sizeof p,
                 "unavailable: no %.900s (no cpufreq driver: the hypervisor or firmware sets "
                 "the frequency)",
                 dir);
        eb_host_desc_put(d, "freq_governor", p);
    }
    double g = brand_ghz(h->cpu_brand);
    if (!*max_mhz && g > 0) {
        *max_mhz = g * 1000.0;
        snprintf(basis, basis_len, "the brand string's %.2f GHz", g);
    }
    if (!*max_mhz) {
        /* a VM's "cpu MHz" is the host's nominal clock and does not move;
         * rounded so a re-probe gives the same description */
        double m = cpuinfo_mhz();
        if (m > 0) {
            *max_mhz = (double)((long long)(m / 10.0 + 0.5) * 10);
            snprintf(basis, basis_len, "/proc/cpuinfo cpu MHz (rounded)");
        }
    }
    if (*max_mhz) {
        snprintf(v, sizeof v, "%.0f", *max_mhz);
        eb_host_desc_put(d, "freq_peak_mhz", v);
    }
}

void eb_host_describe_at(const eb_host *h, const char *sysfs_root, eb_host_desc *d)
{
    const char *root = eb_sysfs_root(sysfs_root);
    eb_host_describe_basic(h, d);
    eb_probe_cpu(h, d);
    eb_probe_virtualisation(root, d);
    eb_probe_caches(root, d);
    double mhz = 0;
    char basis[128] = "";
    eb_probe_frequency(root, h, d, &mhz, basis, sizeof basis);
    eb_probe_sensors(root, d);
    eb_probe_counters(d);
    int little = 0;
#if defined(__aarch64__)
    eb_arm_cpu a;
    eb_arm_probe_live(&a);
    little = a.little;
#endif
    eb_probe_peak(h->features, h->arch, h->physical_cores, mhz, little, basis, d);
}

void eb_host_describe(const eb_host *h, eb_host_desc *d) { eb_host_describe_at(h, NULL, d); }
