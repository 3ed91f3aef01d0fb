/* What the report writers share. */
#include <stdio.h>

#include "report.h"

void merit_report_rounding_note(char *buf, size_t size, unsigned places)
{
    snprintf(buf, size,
             "Numbers are shown rounded half to even to %u decimal place%s; ranks, thresholds "
             "and statuses use the exact values.",
             places, places == 1 ? "" : "s");
}
