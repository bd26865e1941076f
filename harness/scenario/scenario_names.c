/* The words a scenario uses for its enumerations (scenario.h), for messages,
 * the results file and the parser that reads them back. */
#include "harness/scenario/scenario.h"

const char *eb_run_order_str(eb_run_order o)
{
    return o == EB_ORDER_SHUFFLED ? "shuffled" : "ordered";
}

const char *eb_isolation_str(eb_isolation i)
{
    return i == EB_ISOLATION_NONE ? "none" : "process";
}

const char *eb_input_distribution_str(eb_input_distribution d)
{
    return d == EB_INPUT_NORMAL ? "normal" : "uniform";
}
