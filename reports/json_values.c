/* JSON values as the JSON writers build them with jansson (reports/json.c,
 * reports/stats.c): see reports/report.h. */
#include <stdlib.h>
#include <string.h>

#include "merit/escape.h"
#include "report.h"

void merit__json_set(merit_sink *sink, json_t *obj, const char *key, json_t *value)
{
    if (json_object_set_new(obj, key, value) != 0)
        merit_sink_fail(sink, MERIT_ENOMEM);
}

void merit__json_append(merit_sink *sink, json_t *array, json_t *value)
{
    if (json_array_append_new(array, value) != 0)
        merit_sink_fail(sink, MERIT_ENOMEM);
}

json_t *merit__json_owned(char *s)
{
    json_t *j = s != NULL ? json_string(s) : NULL;
    free(s);
    return j;
}

json_t *merit__json_text(const char *s)
{
    if (s == NULL)
        return json_null();
    if (!merit_utf8_valid(s, strlen(s)))
        return merit__json_owned(merit_escape(s, 0));
    return json_string(s);
}

json_t *merit__json_number(merit_sink *sink, const mpq_t v, unsigned places)
{
    json_t *o = json_object();
    merit__json_set(sink, o, "exact", merit__json_owned(merit_fraction_string(v)));
    merit__json_set(sink, o, "shown", merit__json_owned(merit_decimal_string(v, places)));
    return o;
}
