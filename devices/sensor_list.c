/* The sensor set's list: adding and finding sensors. The discoverer of
 * each source (sensor_hwmon.c, ...) fills it; sensor_set.c calls them and
 * chooses among what they found. */
#include <stdio.h>
#include <string.h>

#include "devices/sensor.h"

eb_sensor *eb_sensor_set_add(eb_sensor_set *set, const char *name, const char *source,
                             eb_sensor_quantity q)
{
    if (set->n >= EB_SENSOR_MAX)
        return NULL;
    eb_sensor *s = &set->items[set->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->source = source;
    s->quantity = q;
    s->scale = 1.0;
    return s;
}

eb_sensor *eb_sensor_set_find(eb_sensor_set *set, const char *name)
{
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->items[i].name, name) == 0 ||
            (set->items[i].alias[0] && strcmp(set->items[i].alias, name) == 0))
            return &set->items[i];
    return NULL;
}
