/* The peak-throughput estimate: what the CPU could do at best, so a report
 * can say "12.4 GFLOP/s = 8% of peak". Per core and cycle, from the widest
 * vector unit the features allow and how many pipes issue it; times
 * physical cores (SMT siblings share the pipes) times the frequency. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/number_text.h"
#include "devices/probe.h"
#include "edgebench/host.h"

void eb_peak_per_cycle(uint64_t f, const char *arch, int little, double *flop, double *int8,
                       char *why, size_t why_len)
{
    *flop = *int8 = 0;
    if (arch && (strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0)) {
        /* two vector FMA pipes on the cores edgebench targets (Skylake and
         * later, Zen 2 and later); without FMA a multiply and an add pipe.
         * int8 without VNNI takes three instructions (pmaddubsw, pmaddwd,
         * paddd) for what VPDPBUSD does in one */
        int lanes = (f & EB_CPU_AVX512F) ? 16 : (f & EB_CPU_AVX) ? 8 : 4; /* fp32 lanes */
        int fma = (f & EB_CPU_FMA3) != 0;
        *flop = 2.0 * lanes * 2; /* 2 pipes x lanes x (FMA = 2 FLOP, or mul + add) */
        int lanes8 = lanes * 4;  /* int8 lanes of the same register */
        int vnni = (f & EB_CPU_AVX512VNNI) ? (lanes == 16) : (f & EB_CPU_AVXVNNI) != 0;
        if (lanes == 16 && !(f & EB_CPU_AVX512BW) && !vnni)
            lanes8 = 32; /* int8 arithmetic needs AVX-512BW: stays on 256-bit */
        if (!(f & EB_CPU_AVX2) && lanes == 8)
            lanes8 = 16; /* AVX without AVX2 has no 256-bit integer ops */
        *int8 = 2.0 * 2 * lanes8 / (vnni ? 1.0 : 3.0);
        snprintf(why, why_len, "%s%s: 2 pipes x %d fp32 lanes x 2; int8 %s",
                 lanes == 16 ? "AVX-512" : lanes == 8 ? "AVX" : "SSE", fma ? "+FMA" : " (mul+add)",
                 lanes, vnni ? "VNNI dot product" : "via pmaddubsw (3 instructions)");
        return;
    }
    if (arch && strcmp(arch, "aarch64") == 0) {
        /* 128-bit NEON: big cores have two FMA pipes, little in-order cores
         * (A53, A55, A510) one; SDOT does 16 int8 MACs per instruction,
         * SMMLA (i8mm) 32, without either an SMLAL pair does 8 */
        int pipes = little ? 1 : 2;
        *flop = pipes * 4 * 2.0;
        double macs = (f & EB_CPU_I8MM) ? 32 : (f & EB_CPU_ASIMDDP) ? 16 : 8;
        *int8 = pipes * macs * 2;
        snprintf(why, why_len, "NEON: %d pipe%s x 4 fp32 lanes x 2; int8 %s", pipes,
                 pipes > 1 ? "s" : "",
                 (f & EB_CPU_I8MM) ? "SMMLA (i8mm)" : (f & EB_CPU_ASIMDDP) ? "SDOT" : "SMLAL");
        return;
    }
    snprintf(why, why_len, "no table for architecture %s", arch ? arch : "unknown");
}

void eb_probe_peak(uint64_t features, const char *arch, int cores, double mhz, int little,
                   const char *freq_basis, eb_host_desc *d)
{
    double flop, int8;
    char why[160], val[512];
    eb_peak_per_cycle(features, arch, little, &flop, &int8, why, sizeof why);
    if (flop <= 0 || mhz <= 0 || cores <= 0) {
        snprintf(val, sizeof val, "unavailable: %s",
                 flop <= 0 ? why : mhz <= 0 ? "the CPU frequency is unknown" : "no core count");
        eb_host_desc_put(d, "peak_gflops_fp32", val);
        eb_host_desc_put(d, "peak_gops_int8", val);
        eb_host_desc_put(d, "peak_basis", val);
        return;
    }
    double ghz = mhz / 1000.0;
    /* to 0.1, written in the shortest form ("86.1", "100"), which results
     * files store as a number (common/number_text.h) */
    eb_number_text_real(round(flop * cores * ghz * 10) / 10, val, sizeof val);
    eb_host_desc_put(d, "peak_gflops_fp32", val);
    eb_number_text_real(round(int8 * cores * ghz * 10) / 10, val, sizeof val);
    eb_host_desc_put(d, "peak_gops_int8", val);
    snprintf(val, sizeof val,
             "%d cores x %.3g GHz (%s) x %.0f FLOP/cycle fp32, %.0f op/cycle int8 (%s); an "
             "upper bound no real kernel reaches",
             cores, ghz, freq_basis && freq_basis[0] ? freq_basis : "?", flop, int8, why);
    eb_host_desc_put(d, "peak_basis", val);
}
