/* aarch64 features from hwcaps and /proc/cpuinfo (see probe_cpu_arm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/probe_cpu_arm.h"
#include "edgebench/host.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

/* Bit i of AT_HWCAP / AT_HWCAP2, named as /proc/cpuinfo names them. */
static const char *const hwcap_names[32] = {
    "fp",      "asimd",   "evtstrm",  "aes",   "pmull",  "sha1",   "sha2",    "crc32",
    "atomics", "fphp",    "asimdhp",  "cpuid", "asimdrdm", "jscvt", "fcma",   "lrcpc",
    "dcpop",   "sha3",    "sm3",      "sm4",   "asimddp", "sha512", "sve",    "asimdfhm",
    "dit",     "uscat",   "ilrcpc",   "flagm", "ssbs",   "sb",     "paca",    "pacg"};
static const char *const hwcap2_names[19] = {
    "dcpodp",   "sve2",     "sveaes",   "svepmull", "svebitperm", "svesha3", "svesm4",
    "flagm2",   "frint",    "svei8mm",  "svef32mm", "svef64mm",   "svebf16", "i8mm",
    "bf16",     "dgh",      "rng",      "bti",      "mte"};

static const struct {
    const char *name;
    uint64_t bit;
} name_bits[] = {
    {"asimd", EB_CPU_NEON}, {"asimddp", EB_CPU_ASIMDDP}, {"asimdhp", EB_CPU_FP16},
    {"i8mm", EB_CPU_I8MM},  {"sve", EB_CPU_SVE},
};

static void add_name(eb_arm_cpu *out, const char *name)
{
    size_t used = strlen(out->hwcaps);
    snprintf(out->hwcaps + used, sizeof out->hwcaps - used, "%s%s", used ? " " : "", name);
}

uint64_t eb_arm_bits_from_names(const char *names)
{
    uint64_t bits = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", names);
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
        for (size_t i = 0; i < sizeof name_bits / sizeof name_bits[0]; i++)
            if (strcmp(w, name_bits[i].name) == 0)
                bits |= name_bits[i].bit;
    return bits;
}

void eb_arm_from_hwcaps(unsigned long hwcap, unsigned long hwcap2, eb_arm_cpu *out)
{
    for (int i = 0; i < 32; i++)
        if (hwcap & (1ul << i))
            add_name(out, hwcap_names[i]);
    for (int i = 0; i < 19; i++)
        if (hwcap2 & (1ul << i))
            add_name(out, hwcap2_names[i]);
    out->features |= eb_arm_bits_from_names(out->hwcaps);
}

const char *eb_arm_part_name(unsigned impl, unsigned part, int *little)
{
    static const struct {
        unsigned impl, part;
        const char *name;
        int little;
    } parts[] = {
        {0x41, 0xd03, "Cortex-A53", 1},   {0x41, 0xd04, "Cortex-A35", 1},
        {0x41, 0xd05, "Cortex-A55", 1},   {0x41, 0xd07, "Cortex-A57", 0},
        {0x41, 0xd08, "Cortex-A72", 0},   {0x41, 0xd09, "Cortex-A73", 0},
        {0x41, 0xd0a, "Cortex-A75", 0},   {0x41, 0xd0b, "Cortex-A76", 0},
        {0x41, 0xd0c, "Neoverse-N1", 0},  {0x41, 0xd0d, "Cortex-A77", 0},
        {0x41, 0xd40, "Neoverse-V1", 0},  {0x41, 0xd41, "Cortex-A78", 0},
        {0x41, 0xd42, "Cortex-A78AE", 0}, {0x41, 0xd44, "Cortex-X1", 0},
        {0x41, 0xd46, "Cortex-A510", 1},  {0x41, 0xd47, "Cortex-A710", 0},
        {0x41, 0xd48, "Cortex-X2", 0},    {0x41, 0xd49, "Neoverse-N2", 0},
        {0x41, 0xd4f, "Neoverse-V2", 0},  {0x41, 0xd4d, "Cortex-A715", 0},
        {0x41, 0xd4e, "Cortex-X3", 0},    {0x41, 0xd80, "Cortex-A520", 1},
        {0x41, 0xd81, "Cortex-A720", 0},  {0x41, 0xd82, "Cortex-X4", 0},
        {0x51, 0x805, "Kryo-4xx-Silver", 1}, {0x51, 0x804, "Kryo-4xx-Gold", 0},
        {0x61, 0x022, "Apple-M1-Icestorm", 1}, {0x61, 0x023, "Apple-M1-Firestorm", 0},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i].impl == impl && parts[i].part == part) {
            if (little)
                *little = parts[i].little;
            return parts[i].name;
        }
    return NULL;
}

static const char *implementer_name(unsigned impl)
{
    switch (impl) {
    case 0x41: return "ARM";
    case 0x42: return "Broadcom";
    case 0x43: return "Cavium";
    case 0x46: return "Fujitsu";
    case 0x48: return "HiSilicon";
    case 0x4e: return "NVIDIA";
    case 0x51: return "Qualcomm";
    case 0x61: return "Apple";
    case 0xc0: return "Ampere";
    default: return NULL;
    }
}

/* Value after "key<spaces>:" on a line starting with key, or NULL. */
static const char *field(const char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0)
        return NULL;
    const char *p = line + n;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int eb_arm_parse_cpuinfo(const char *text, eb_arm_cpu *out)
{
    long impl = -1, part = -1;
    int arm = 0;
    const char *features = NULL;
    size_t features_len = 0;
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[1200];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        const char *v;
        if ((v = field(buf, "CPU implementer")) && impl < 0) {
            impl = strtol(v, NULL, 0);
            arm = 1;
        } else if ((v = field(buf, "CPU part")) && part < 0) {
            part = strtol(v, NULL, 0);
        } else if ((v = field(buf, "Features")) && !features) {
            features = line + (v - buf);
            features_len = len - (size_t)(v - buf);
            arm = 1;
        }
        line = end ? end + 1 : NULL;
    }
    if (!arm)
        return 0;
    if (impl >= 0) {
        const char *in = implementer_name((unsigned)impl);
        if (in)
            snprintf(out->implementer, sizeof out->implementer, "%s", in);
        else
            snprintf(out->implementer, sizeof out->implementer, "0x%02lx", impl);
    }
    if (impl >= 0 && part >= 0) {
        const char *pn = eb_arm_part_name((unsigned)impl, (unsigned)part, &out->little);
        if (pn)
            snprintf(out->part, sizeof out->part, "%s", pn);
        else
            snprintf(out->part, sizeof out->part, "part 0x%03lx", part);
    }
    if (!out->hwcaps[0] && features) {
        snprintf(out->hwcaps, sizeof out->hwcaps, "%.*s", (int)features_len, features);
        out->features |= eb_arm_bits_from_names(out->hwcaps);
    }
    return 1;
}

void eb_arm_probe_live(eb_arm_cpu *out)
{
    memset(out, 0, sizeof *out);
#if defined(__aarch64__)
    unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    eb_arm_from_hwcaps(hw, hw2, out);
    int from_hwcaps = out->hwcaps[0] != '\0';
    int from_cpuinfo = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        static char text[65536];
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
        from_cpuinfo = eb_arm_parse_cpuinfo(text, out);
    }
    snprintf(out->source, sizeof out->source, "%s",
             from_hwcaps && from_cpuinfo ? "hwcaps + /proc/cpuinfo"
             : from_hwcaps              ? "hwcaps"
             : from_cpuinfo             ? "/proc/cpuinfo"
                                        : "nothing readable");
#else
    snprintf(out->source, sizeof out->source, "not aarch64");
#endif
}
