/* Names of merit's enumerations, exactly as the XML formats spell them. */
#include <string.h>

#include "internal.h"

static const char *const method_names[] = {"mean", "median", "trimmed-mean", "confidence-weighted",
                                           "z-score"};
/* These two end in NULL, for merit__suggest_among. */
static const char *const fact_names[] = {
    "federal-share",   "cost-share-ratio", "sme-share",     "milestones", "months", "words",
    "federal-request", "total-cost",       "organisations", "request",    NULL};
static const char *const section_names[] = {
    "problem", "approach", "milestones", "management", "diffusion", "sme-involvement", NULL};
static const char *const op_names[] = {"lt", "le", "eq", "ne", "ge", "gt"};
static const char *const org_type_names[] = {"large", "sme", "academic", "government", "nonprofit"};
static const char *const chain_names[] = {"research",           "material-supplier",
                                          "component-supplier", "equipment-maker",
                                          "system-integrator",  "end-user"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t count, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *merit_method_name(merit_method m)
{
    return (size_t)m < COUNT(method_names) ? method_names[m] : "?";
}

int merit_method_from_name(const char *name, merit_method *out)
{
    int i = lookup(method_names, COUNT(method_names), name);
    if (i < 0)
        return MERIT_EUSAGE;
    *out = (merit_method)i;
    return 0;
}

const char *merit_fact_name(merit_fact f)
{
    return (size_t)f < COUNT(fact_names) - 1 ? fact_names[f] : "?";
}

const char *merit_section_name(merit_section s)
{
    return (size_t)s < COUNT(section_names) - 1 ? section_names[s] : "?";
}

const char *merit_op_name(merit_op op)
{
    return (size_t)op < COUNT(op_names) ? op_names[op] : "?";
}

const char *merit_org_type_name(merit_org_type t)
{
    return (size_t)t < COUNT(org_type_names) ? org_type_names[t] : "?";
}

const char *merit_chain_role_name(merit_chain_role r)
{
    return (size_t)r < COUNT(chain_names) ? chain_names[r] : "?";
}

int merit__fact_from_name(const char *name)
{
    return lookup(fact_names, COUNT(fact_names) - 1, name);
}

int merit_section_known(const char *name)
{
    return lookup(section_names, COUNT(section_names) - 1, name);
}

int merit_section_order(const char *a, const char *b)
{
    int x = merit_section_known(a), y = merit_section_known(b);
    if (x >= 0 || y >= 0) {
        /* known ones first, in their order */
        if (x < 0)
            return 1;
        if (y < 0)
            return -1;
        return (x > y) - (x < y);
    }
    return strcmp(a, b);
}

int merit__op_from_name(const char *name)
{
    return lookup(op_names, COUNT(op_names), name);
}

int merit__org_type_from_name(const char *name)
{
    return lookup(org_type_names, COUNT(org_type_names), name);
}

int merit__chain_role_from_name(const char *name)
{
    return lookup(chain_names, COUNT(chain_names), name);
}

static const char *const unread_names[] = {"",
                                           "missing",
                                           "not a regular file",
                                           "over the size limit",
                                           "cannot be read",
                                           "a link out of the call folder"};

const char *merit_unread_name(merit_unread why)
{
    return (size_t)why < COUNT(unread_names) ? unread_names[why] : "?";
}

/* The reason a trail names, back to its value; -1 when it names none. */
int merit__unread_from_name(const char *name)
{
    int i = lookup(unread_names, COUNT(unread_names), name);
    return i > 0 ? i : -1;
}

const char *const *merit__fact_names(void)
{
    return fact_names;
}

const char *const *merit__section_names(void)
{
    return section_names;
}
