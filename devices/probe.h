/* The device probe's parts beyond the basic facts (host_describe.c): CPU
 * features per architecture, caches, frequency policy, virtualisation
 * detail, sensors, PAPI counters and the peak-throughput estimate. Each
 * fills keys of an eb_host_desc; eb_host_describe_at calls them in order. */
#ifndef EB_DEVICES_PROBE_H
#define EB_DEVICES_PROBE_H

#include "devices/host_describe.h"

/* The events the probe checks, in order. */
extern const char *const eb_probe_counter_events[];

void eb_probe_cpu(const eb_host *h, eb_host_desc *d);
void eb_probe_caches(const char *root, eb_host_desc *d);
void eb_probe_virtualisation(const char *root, eb_host_desc *d);
/* Frequency policy; *max_mhz gets the frequency the peak estimate uses
 * (0 when unknown) and basis where it came from. */
void eb_probe_frequency(const char *root, const eb_host *h, eb_host_desc *d, double *max_mhz,
                        char *basis, size_t basis_len);
void eb_probe_sensors(const char *root, eb_host_desc *d);
void eb_probe_counters(eb_host_desc *d);

/* Peak FLOP/s (fp32) and int8 op/s of the whole CPU from its features,
 * frequency (MHz) and physical cores: per-core operations per cycle from
 * vector width and FMA/dot-product pipes (a documented table, docs/probe.md)
 * times cores times frequency. Writes peak_gflops_fp32, peak_gops_int8 and
 * peak_basis (or "unavailable: why"). little: Arm efficiency cores. */
void eb_probe_peak(uint64_t features, const char *arch, int cores, double mhz, int little,
                   const char *freq_basis, eb_host_desc *d);

/* Per-core fp32 FLOP and int8 op per cycle for a feature set (0: unknown
 * architecture), with the instruction path in why ("AVX2+FMA3: 2 x 8-lane FMA"). */
void eb_peak_per_cycle(uint64_t features, const char *arch, int little, double *flop,
                       double *int8_ops, char *why, size_t why_len);

#endif
