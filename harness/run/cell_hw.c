/* One cell's conditions and hardware measurements (see cell_hw.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "devices/sampler.h"
#include "devices/sensor.h"
#include "harness/run/cell.h"
#include "harness/run/cell_hw.h"
#include "harness/thermal/thermal.h"

struct eb_cell_hw {
    eb_cell_hw_job job;
    eb_condition cond;         /* the condition: "soak", "throttle", ... with its parameters */
    eb_sensor_set set;
    eb_sampler *sampler;
    eb_counters *counters;
    eb_throttle throttle;
    int throttling;
    pid_t load_pid;
    uint64_t t_begin, t0, t1;  /* hw begin, measured phase start and end */
    double cpu0, cpu1;         /* process CPU time (ns) at the phase's start and end */
    double idle_w;             /* < 0: no baseline */
    uint64_t calib_units;
    double speed_before, cpu_speed_before;
    char notes[512];           /* why a baseline or the like was not measured */
};

static double process_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void sleep_ms(double ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(fmod(ms, 1000) * 1e6)};
    nanosleep(&ts, NULL);
}

static void note(eb_cell_hw *hw, const char *text)
{
    size_t used = strlen(hw->notes);
    snprintf(hw->notes + used, sizeof hw->notes - used, "%s%s", used ? "; " : "", text);
}

static int is(const eb_cell_hw *hw, const char *kind)
{
    return strcmp(hw->cond.kind, kind) == 0;
}

/* cooldown: wait until the sensor is below the limit, or the timeout. */
static void cooldown(eb_cell_hw *hw, const eb_cell_sink *sink)
{
    const eb_condition *c = &hw->cond;
    char text[EB_EXTRA_TEXT_MAX];
    const char *name = eb_condition_str(c, "sensor");
    double below = eb_condition_num(c, "below_c");
    double timeout = eb_condition_num(c, "timeout_s");
    eb_sensor *s = name[0] ? eb_sensor_set_find(&hw->set, name)
                           : hw->set.temp >= 0 ? &hw->set.items[hw->set.temp] : NULL;
    if (!s || s->quantity != EB_Q_TEMP_C) {
        if (name[0])
            snprintf(text, sizeof text, "unavailable: no temperature sensor named '%s' "
                                        "(edgebench probe lists them)", name);
        else
            snprintf(text, sizeof text, "unavailable: %s", hw->set.why_temp);
        eb_cell_text(sink, "cooldown", text);
        return;
    }
    uint64_t start = eb_now_ns();
    double v = NAN, waited = 0;
    char why[256];
    int failures = 0;
    for (;;) {
        if (eb_sensor_read(s, &v, why, sizeof why) != 0) {
            /* a driver may fail a read now and then; five in a row is a
             * sensor that is gone */
            if (++failures < 5) {
                sleep_ms(20);
                continue;
            }
            snprintf(text, sizeof text, "unavailable: %s", why);
            eb_cell_text(sink, "cooldown", text);
            return;
        }
        failures = 0;
        waited = (double)(eb_now_ns() - start) / 1e9;
        if (v < below) {
            snprintf(text, sizeof text, "reached: %s at %.1f C, below %.1f C after %.1f s",
                     s->name, v, below, waited);
            break;
        }
        if (waited >= timeout) {
            snprintf(text, sizeof text, "timeout: %s still at %.1f C (limit %.1f C) after %.1f s",
                     s->name, v, below, timeout);
            break;
        }
        sleep_ms(hw->job.sample_period_ms > 0 ? (double)hw->job.sample_period_ms : 100);
    }
    eb_cell_text(sink, "cooldown", text);
    eb_cell_metric(sink, "cooldown_wait_s", waited);
}

/* Mean power with nothing running, for energy above idle. */
static void idle_baseline(eb_cell_hw *hw, const eb_cell_sink *sink)
{
    if (hw->job.idle_baseline_ms <= 0)
        return;
    if (!hw->set.n_power) {
        note(hw, "idle baseline: no power sensor");
        return;
    }
    eb_sampler *sm;
    char msg[256];
    double period = hw->job.sample_period_ms > 0 ? (double)hw->job.sample_period_ms : 100;
    if (eb_sampler_start(&sm, &hw->set, period, msg, sizeof msg) != EB_OK) {
        note(hw, msg);
        return;
    }
    uint64_t a = eb_now_ns();
    sleep_ms((double)hw->job.idle_baseline_ms);
    eb_sampler_mark(sm);
    uint64_t b = eb_now_ns();
    eb_sampler_stop(sm);
    double e = eb_sampler_energy(sm, a, b);
    if (e >= 0) {
        hw->idle_w = e / ((double)(b - a) / 1e9);
        eb_cell_metric(sink, "idle_power_w", hw->idle_w);
    } else {
        note(hw, "idle baseline: too few power samples (lengthen metrics.idle_baseline_ms)");
    }
    eb_sampler_destroy(sm);
}

static eb_status soak(eb_cell_hw *hw, const eb_cell_sink *sink, eb_cell_hw_infer_fn infer,
                      void *arg, char *msg, size_t msg_len)
{
    double secs = eb_condition_num(&hw->cond, "duration_s");
    const char *load = eb_condition_str(&hw->cond, "load");
    uint64_t start = eb_now_ns(), end = start + (uint64_t)(secs * 1e9);
    double n = 0;
    if (strcmp(load, "model") == 0) {
        while (eb_now_ns() < end) {
            eb_status st = infer(arg, msg, msg_len);
            if (st != EB_OK)
                return st;
            n++;
        }
        eb_cell_metric(sink, "soak_inferences", n);
    } else {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        pid_t pid = eb_background_load_start(cpus > 0 ? (int)cpus : 1, "cpu", msg, msg_len);
        if (!pid)
            return EB_ERR_IO;
        while (eb_now_ns() < end)
            sleep_ms(10);
        eb_background_load_stop(pid);
    }
    eb_cell_metric(sink, "soak_s", (double)(eb_now_ns() - start) / 1e9);
    return EB_OK;
}

eb_status eb_cell_hw_begin(eb_cell_hw **out, const eb_cell_hw_job *job, const eb_condition *cond,
                           const eb_cell_sink *sink,
                           eb_cell_hw_infer_fn infer, void *infer_arg, char *msg, size_t msg_len)
{
    *out = NULL;
    eb_cell_hw *hw = calloc(1, sizeof *hw);
    if (!hw) {
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    hw->job = *job;
    if (cond)
        hw->cond = *cond;
    if (!hw->cond.kind[0])
        eb_condition_init(&hw->cond, "plain");
    hw->idle_w = -1;
    hw->t_begin = eb_now_ns();
    *out = hw;
    eb_sensor_config cfg = {.sysfs_root = job->sysfs_root, .power_source = job->power,
                            .power_sensor = job->power_sensor, .power_command = job->power_command,
                            .temp_sensor = job->temperature_sensor,
                            .freq_sensor = job->frequency_sensor};
    eb_sensor_set_discover(&hw->set, &cfg);

    if (is(hw, "cooldown"))
        cooldown(hw, sink);
    idle_baseline(hw, sink);

    double period = 0;
    if (is(hw, "throttle"))
        period = eb_condition_num(&hw->cond, "period_ms");
    if (job->calibration_ms > 0) {
        /* each run spans at least two throttle periods, so a duty cycle
         * shows as its average, not as one lucky on-phase */
        double per_run = (double)job->calibration_ms / 3;
        if (per_run < 2 * period)
            per_run = 2 * period;
        hw->calib_units = eb_calibration_size(per_run);
        hw->speed_before = eb_calibration_speed(hw->calib_units, 3, &hw->cpu_speed_before);
    }

    eb_status st = EB_OK;
    if (is(hw, "throttle")) {
        const char *method = eb_condition_str(&hw->cond, "method");
        double duty = eb_condition_num(&hw->cond, "duty");
        if ((st = eb_throttle_start(&hw->throttle, getpid(), duty, (int)period, method, "", msg,
                                    msg_len)) != EB_OK)
            return st;
        hw->throttling = 1;
    } else if (is(hw, "background_load")) {
        const char *load = eb_condition_str(&hw->cond, "load");
        int threads = (int)eb_condition_num(&hw->cond, "load_threads");
        if (!(hw->load_pid = eb_background_load_start(threads, load, msg, msg_len)))
            return EB_ERR_IO;
    }

    int any = hw->set.n_power || hw->set.temp >= 0 || hw->set.freq >= 0;
    if (any && job->sample_period_ms > 0 &&
        (st = eb_sampler_start(&hw->sampler, &hw->set, (double)job->sample_period_ms, msg,
                               msg_len)) != EB_OK)
        return st;

    if (is(hw, "soak") && (st = soak(hw, sink, infer, infer_arg, msg, msg_len)) != EB_OK)
        return st;

    if (job->n_counters) {
        const char *names[EB_COUNTERS_MAX];
        for (int i = 0; i < job->n_counters; i++)
            names[i] = job->counters[i];
        if (eb_counters_open(&hw->counters, names, job->n_counters) != 0) {
            snprintf(msg, msg_len, "out of memory for counters");
            return EB_ERR_NOMEM;
        }
    }
    return EB_OK;
}

void eb_cell_hw_phase(void *arg, int measured)
{
    eb_cell_hw *hw = arg;
    if (!hw)
        return;
    if (measured) {
        eb_sampler_mark(hw->sampler);
        hw->t0 = eb_now_ns();
        hw->cpu0 = process_cpu_ns();
        eb_counters_start(hw->counters);
    } else {
        eb_counters_stop(hw->counters);
        hw->cpu1 = process_cpu_ns();
        hw->t1 = eb_now_ns();
        eb_sampler_mark(hw->sampler);
    }
}

/* A series as float64[m][2] (t_ns from the measured phase's start, value). */
static void send_series(const eb_cell_sink *sink, const char *name, const eb_series *r,
                        uint64_t origin, int derive_power)
{
    if (r->n == 0 || (derive_power && r->n < 2))
        return;
    size_t m = derive_power ? r->n - 1 : r->n;
    double *a = malloc(m * 2 * sizeof *a);
    if (!a)
        return;
    for (size_t i = 0; i < m; i++) {
        if (derive_power) {
            /* power between two counter readings, at their midpoint */
            double dt = (double)(r->t_ns[i + 1] - r->t_ns[i]) / 1e9;
            a[2 * i] = ((double)(int64_t)(r->t_ns[i] - origin) +
                        (double)(int64_t)(r->t_ns[i + 1] - origin)) / 2;
            a[2 * i + 1] = dt > 0 ? (r->v[i + 1] - r->v[i]) / dt : 0;
        } else {
            a[2 * i] = (double)(int64_t)(r->t_ns[i] - origin);
            a[2 * i + 1] = r->v[i];
        }
    }
    eb_cell_array(sink, name, EB_ARRAY_F64, m, 2, a);
    free(a);
}

static double series_max(const eb_series *r, uint64_t t0, uint64_t t1)
{
    double m = -INFINITY;
    for (size_t i = 0; i < r->n; i++)
        if (r->t_ns[i] >= t0 && r->t_ns[i] <= t1 && r->v[i] > m)
            m = r->v[i];
    return m;
}

static double series_min(const eb_series *r, uint64_t t0, uint64_t t1)
{
    double m = INFINITY;
    for (size_t i = 0; i < r->n; i++)
        if (r->t_ns[i] >= t0 && r->t_ns[i] <= t1 && r->v[i] < m)
            m = r->v[i];
    return m;
}

static void send_sensors(eb_cell_hw *hw, const eb_loop_result *lr, const eb_cell_sink *sink)
{
    char text[EB_EXTRA_TEXT_MAX] = "";
    size_t used = 0;
    if (!hw->set.n_power)
        used += (size_t)snprintf(text + used, sizeof text - used, "power: %s", hw->set.why_power);
    if (hw->set.temp < 0 && used < sizeof text)
        used += (size_t)snprintf(text + used, sizeof text - used, "%stemperature: %s",
                                 used ? "; " : "", hw->set.why_temp);
    if (hw->set.freq < 0 && used < sizeof text)
        snprintf(text + used, sizeof text - used, "%sfrequency: %s", used ? "; " : "",
                 hw->set.why_freq);
    if (text[0])
        eb_cell_text(sink, "sensors_unavailable", text);
    if (hw->notes[0])
        eb_cell_text(sink, "energy_note", hw->notes);
    if (!hw->sampler)
        return;
    /* which sensors feed which series */
    used = 0;
    text[0] = '\0';
    for (int i = 0; i < hw->set.n_power && used < sizeof text; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s (%s)",
                                 i ? " + " : "power_w: ", hw->set.items[hw->set.power[i]].name,
                                 hw->set.items[hw->set.power[i]].source);
    if (hw->set.temp >= 0 && used < sizeof text)
        used += (size_t)snprintf(text + used, sizeof text - used, "%stemperature_c: %s (%s)",
                                 used ? "; " : "", hw->set.items[hw->set.temp].name,
                                 hw->set.items[hw->set.temp].source);
    if (hw->set.freq >= 0 && used < sizeof text)
        snprintf(text + used, sizeof text - used, "%sfreq_mhz: %s (%s)", used ? "; " : "",
                 hw->set.items[hw->set.freq].name, hw->set.items[hw->set.freq].source);
    eb_cell_text(sink, "sensors", text);
    const char *err = eb_sampler_error(hw->sampler);
    if (err[0])
        eb_cell_text(sink, "sensors_error", err);

    uint64_t origin = hw->t0 ? hw->t0 : hw->t_begin;
    int energy_counter = eb_sampler_power_is_energy(hw->sampler);
    const eb_series *p = eb_sampler_series(hw->sampler, EB_SERIES_POWER);
    send_series(sink, "sensors/power_w", p, origin, energy_counter);
    if (energy_counter)
        send_series(sink, "sensors/energy_j", p, origin, 0);
    send_series(sink, "sensors/temperature_c", eb_sampler_series(hw->sampler, EB_SERIES_TEMP),
                origin, 0);
    send_series(sink, "sensors/freq_mhz", eb_sampler_series(hw->sampler, EB_SERIES_FREQ), origin,
                0);

    if (hw->set.n_power && hw->t0 && hw->t1 > hw->t0) {
        double e = eb_sampler_energy(hw->sampler, hw->t0, hw->t1);
        double secs = (double)(hw->t1 - hw->t0) / 1e9;
        if (e >= 0) {
            eb_cell_metric(sink, "energy_j", e);
            eb_cell_metric(sink, "power_mean_w", e / secs);
            double net = e;
            if (hw->idle_w >= 0) {
                net = e - hw->idle_w * secs;
                eb_cell_metric(sink, "energy_above_idle_j", net);
            }
            if (lr && lr->n)
                eb_cell_metric(sink, "energy_per_inference_j", net / (double)lr->n);
        } else {
            eb_cell_text(sink, "energy_unavailable",
                         "fewer than two power samples in the measured phase");
        }
    }
}

static void send_counters(eb_cell_hw *hw, const eb_loop_result *lr, const eb_cell_sink *sink)
{
    eb_counters *c = hw->counters;
    if (!c)
        return;
    long long ins = -1, cyc = -1;
    char name[EB_EXTRA_NAME_MAX];
    for (int i = 0; i < eb_counters_count(c); i++) {
        long long v;
        const char *ev = eb_counters_name(c, i);
        if (eb_counters_value(c, i, &v) == 0) {
            snprintf(name, sizeof name, "counter.%s", ev);
            eb_cell_metric(sink, name, (double)v);
            if (strcmp(ev, "PAPI_TOT_INS") == 0 || strcmp(ev, "perf::INSTRUCTIONS") == 0)
                ins = v;
            if (strcmp(ev, "PAPI_TOT_CYC") == 0 || strcmp(ev, "perf::CYCLES") == 0)
                cyc = v;
        } else {
            snprintf(name, sizeof name, "counter_unavailable.%s", ev);
            eb_cell_text(sink, name, eb_counters_why(c, i));
        }
    }
    if (ins >= 0 && cyc > 0)
        eb_cell_metric(sink, "ipc", (double)ins / (double)cyc);
    if (ins >= 0 && lr && lr->n)
        eb_cell_metric(sink, "instructions_per_inference", (double)ins / (double)lr->n);
    if (cyc >= 0 && lr && lr->n)
        eb_cell_metric(sink, "cycles_per_inference", (double)cyc / (double)lr->n);
}

/* The evidence for the verdicts (thermal.h, eb_hw_verdicts): cpu_share of
 * the measured phase, the calibration before and after (wall clock and per
 * CPU second), temperature and frequency against their limits. */
static void send_verdicts(eb_cell_hw *hw, const eb_loop_result *lr, double speed_after,
                          double cpu_after, int threads, const eb_cell_sink *sink)
{
    const eb_cell_hw_job *j = &hw->job;
    const char *method = eb_condition_str(&hw->cond, "method");
    eb_hw_evidence e = {.threshold = j->throttle_threshold, .threads = threads,
                        .cpu_share = -1, .temp_max_c = NAN, .freq_min_mhz = NAN,
                        .temp_limit_c = j->temperature_limit_c,
                        .freq_limit_mhz = j->frequency_limit_mhz, .emulated = is(hw, "throttle"),
                        .duty = eb_condition_num(&hw->cond, "duty"),
                        .period_ms = eb_condition_num(&hw->cond, "period_ms"),
                        .method = method};
    if (hw->t0 && hw->t1 > hw->t0 && hw->cpu1 > hw->cpu0) {
        /* a server or multi_stream cell waits for arrivals by design: its
         * share is of the time it was serving, not of the idle gaps */
        uint64_t span = lr && lr->busy_ns ? lr->busy_ns : hw->t1 - hw->t0;
        e.cpu_share = (hw->cpu1 - hw->cpu0) / ((double)span * (threads > 0 ? threads : 1));
        eb_cell_metric(sink, "cpu_share", e.cpu_share);
    }
    if (hw->speed_before > 0 && speed_after > 0) {
        e.speed_ratio = speed_after / hw->speed_before;
        eb_cell_metric(sink, "calibration_speed_before", hw->speed_before);
        eb_cell_metric(sink, "calibration_speed_after", speed_after);
        eb_cell_metric(sink, "calibration_ratio", e.speed_ratio);
        if (hw->cpu_speed_before > 0 && cpu_after > 0) {
            e.cpu_speed_ratio = cpu_after / hw->cpu_speed_before;
            eb_cell_metric(sink, "calibration_cpu_ratio", e.cpu_speed_ratio);
        }
    }
    uint64_t a = hw->t0 ? hw->t0 : hw->t_begin, b = hw->t1 ? hw->t1 : eb_now_ns();
    if (hw->sampler && j->temperature_limit_c > 0) {
        const eb_series *r = eb_sampler_series(hw->sampler, EB_SERIES_TEMP);
        if (r->n)
            e.temp_max_c = series_max(r, a, b);
    }
    if (hw->sampler && j->frequency_limit_mhz > 0) {
        const eb_series *r = eb_sampler_series(hw->sampler, EB_SERIES_FREQ);
        if (r->n)
            e.freq_min_mhz = series_min(r, a, b);
    }
    char throttled[EB_EXTRA_TEXT_MAX], competing[EB_EXTRA_TEXT_MAX];
    int got = eb_hw_verdicts(&e, throttled, sizeof throttled, competing, sizeof competing);
    if (got & EB_HW_COMPETING)
        eb_cell_text(sink, "competing_load", competing);
    if (got & EB_HW_THROTTLED)
        eb_cell_text(sink, "throttled", throttled);
}

void eb_cell_hw_end(eb_cell_hw *hw, const eb_loop_result *lr, int threads,
                    const eb_cell_sink *sink)
{
    if (!hw)
        return;
    eb_sampler_stop(hw->sampler);
    double speed_after = 0, cpu_after = 0;
    if (hw->calib_units)
        speed_after = eb_calibration_speed(hw->calib_units, 3, &cpu_after);
    if (hw->throttling) {
        eb_throttle_stop(&hw->throttle);
        hw->throttling = 0;
    }
    eb_background_load_stop(hw->load_pid);
    hw->load_pid = 0;
    send_sensors(hw, lr, sink);
    send_counters(hw, lr, sink);
    send_verdicts(hw, lr, speed_after, cpu_after, threads, sink);
}

void eb_cell_hw_destroy(eb_cell_hw *hw)
{
    if (!hw)
        return;
    if (hw->throttling)
        eb_throttle_stop(&hw->throttle);
    eb_background_load_stop(hw->load_pid);
    eb_sampler_destroy(hw->sampler);
    eb_counters_close(hw->counters);
    eb_sensor_set_close(&hw->set);
    free(hw);
}
