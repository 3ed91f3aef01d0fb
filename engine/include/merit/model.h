/*
 * merit's input model: a call, its rubric, proposals, reviewers and reviews,
 * as loaded and checked by merit_call_load(). Read-only for every caller:
 * report writers and the CLI read these structures, only the loader fills
 * them. Everything reachable from a merit_call belongs to it and is released
 * by merit_call_free().
 *
 * Exactness: every number that takes part in scoring is exact. Rubric numbers
 * are GMP rationals; money is an integer count of cents; a reviewer's score
 * is an integer count of the rubric's scale steps above the scale minimum
 * (value = scale_min + steps * scale_step), which is exact and compact.
 *
 * Order: proposals are sorted by id, reviewers by id, reviews by (proposal,
 * reviewer), conflicts by (proposal, reviewer, reviewer-declared first), so
 * that no output depends on the order of files or elements.
 * Criteria keep the rubric's order.
 */
#ifndef MERIT_MODEL_H
#define MERIT_MODEL_H

#include <gmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merit.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* A place in an input file, for diagnostics and reports. */
typedef struct merit_loc {
    const char *file; /* borrowed from the call's file list */
    uint32_t line;
    uint32_t column;
} merit_loc;

/* A line and column in a file the context names (a review's scores are in
 * its own file); line 0: no place. Half the size of a merit_loc, for what
 * there are millions of. */
typedef struct merit_place {
    uint32_t line;
    uint32_t column;
} merit_place;

static inline merit_place merit_place_of(merit_loc loc)
{
    merit_place place = {loc.line, loc.column};
    return place;
}

typedef enum merit_direction {
    MERIT_HIGHER_IS_BETTER = 0,
    MERIT_LOWER_IS_BETTER = 1,
} merit_direction;

typedef enum merit_method {
    MERIT_METHOD_MEAN = 0,
    MERIT_METHOD_MEDIAN = 1,
    MERIT_METHOD_TRIMMED_MEAN = 2,
    MERIT_METHOD_CONFIDENCE_WEIGHTED = 3,
    /* each reviewer's scores standardised by their own mean and deviation
     * on the criterion, mapped back with the panel's, then the mean
     * (docs/scoring.md; merit_zscore in result.h) */
    MERIT_METHOD_Z_SCORE = 4,
} merit_method;

/* The six sections of the seed's calls, which proposals write as elements
 * of their own (<problem>, ...), in this order. Sections are named in the
 * model: a proposal may have any of these and any free section
 * (<section name="summary">), and rules name either kind by its name. */
typedef enum merit_section {
    MERIT_SECTION_PROBLEM = 0,
    MERIT_SECTION_APPROACH,
    MERIT_SECTION_MILESTONES,
    MERIT_SECTION_MANAGEMENT,
    MERIT_SECTION_DIFFUSION,
    MERIT_SECTION_SME_INVOLVEMENT,
    MERIT_SECTION_COUNT
} merit_section;

/* Facts derived from a proposal, for eligibility rules and tie-breaks, and
 * MERIT_FACT_DECLARED for a fact the proposals declare by name (<facts>).
 * A derived fact exists only when the proposal carries what it is derived
 * from (merit_proposal_has_fact): a rubric that reads it requires that. */
typedef enum merit_fact {
    MERIT_FACT_FEDERAL_SHARE = 0, /* federal / (federal + cash + in-kind) */
    MERIT_FACT_COST_SHARE_RATIO,  /* (cash + in-kind) / federal */
    MERIT_FACT_SME_SHARE,         /* SME organisations / all organisations */
    MERIT_FACT_MILESTONES,        /* number of milestones */
    MERIT_FACT_MONTHS,            /* project months */
    MERIT_FACT_WORDS,             /* words in one section (needs a section) */
    MERIT_FACT_FEDERAL_REQUEST,   /* total federal request, in currency units */
    MERIT_FACT_TOTAL_COST,        /* federal + cash + in-kind */
    MERIT_FACT_ORGANISATIONS,     /* number of organisations in the team */
    MERIT_FACT_REQUEST,           /* the amount requested, in currency units */
    MERIT_FACT_COUNT,
    MERIT_FACT_DECLARED = MERIT_FACT_COUNT, /* declared by the proposal, by name */
} merit_fact;
/* The derived facts a ranking holds as rationals (merit_proposal_result):
 * those before the request, which the proposal holds in cents. */
#define MERIT_FACT_STORED MERIT_FACT_REQUEST

typedef enum merit_op {
    MERIT_OP_LT = 0,
    MERIT_OP_LE,
    MERIT_OP_EQ,
    MERIT_OP_NE,
    MERIT_OP_GE,
    MERIT_OP_GT,
} merit_op;

typedef struct merit_level {
    mpq_t score;
    char *text;
} merit_level;

typedef struct merit_criterion {
    char *id;
    char *name;
    char *guidance; /* may be NULL */
    mpq_t weight;   /* > 0 */
    bool has_threshold;
    mpq_t threshold; /* on the scale; "at least" or, lower-is-better, "at most" */
    merit_level *levels;
    size_t level_count;
    merit_loc loc;
} merit_criterion;

typedef enum merit_tiebreak_kind {
    MERIT_TIEBREAK_CRITERION = 0,
    MERIT_TIEBREAK_FACT = 1,
} merit_tiebreak_kind;

typedef struct merit_tiebreak {
    merit_tiebreak_kind kind;
    size_t criterion;   /* index into the rubric's criteria */
    merit_fact fact;    /* for MERIT_TIEBREAK_FACT */
    char *fact_name;    /* the fact as the rubric names it; NULL for criteria */
    char *section;      /* for MERIT_FACT_WORDS: the section's name; else NULL */
    bool prefer_higher; /* facts only; criteria follow the scale */
} merit_tiebreak;

typedef struct merit_textrule merit_textrule; /* compiled PCRE2 pattern */

typedef struct merit_rule {
    char *id;
    char *message;
    bool is_text;
    /* fact rules: fact op value */
    merit_fact fact;
    char *fact_name; /* the fact as the rubric names it; NULL for text rules */
    char *section;   /* MERIT_FACT_WORDS and text rules: the section's name; else NULL */
    merit_op op;
    mpq_t value;
    /* text rules */
    char *pattern;
    bool each_milestone; /* apply to each milestone, not the whole section */
    bool expect_match;   /* true: must match; false: must not match */
    bool caseless;
    merit_textrule *compiled;
    merit_loc loc;
} merit_rule;

/* What a proposal must carry for a rubric: each item listed in the
 * rubric's <requires>, or implied by a rule or a tie-break that reads it
 * (a federal-share rule needs a budget, a words rule its section), so that
 * no rule ever reads something a proposal does not have. Checked as each
 * proposal loads against the call's rubric. */
typedef enum merit_need { /* in the order of what they name in a proposal */
                          MERIT_NEED_MONTHS = 0,
                          MERIT_NEED_APPLICANT, /* <applicant>, or a lead organisation */
                          MERIT_NEED_AREA,
                          MERIT_NEED_TEAM,
                          MERIT_NEED_ORG_FIELD, /* `field` on every organisation of the team */
                          MERIT_NEED_SECTION,   /* the section `name` */
                          MERIT_NEED_FACT,      /* the declared fact `name` */
                          MERIT_NEED_BUDGET,
} merit_need;

/* Attributes an organisation may carry (merit_org.given). */
#define MERIT_ORG_GIVEN_TYPE 1u
#define MERIT_ORG_GIVEN_EMPLOYEES 2u
#define MERIT_ORG_GIVEN_LOCATION 4u
#define MERIT_ORG_GIVEN_SUPPLY_CHAIN 8u

typedef struct merit_requirement {
    merit_need need;
    char *name;     /* MERIT_NEED_SECTION and MERIT_NEED_FACT; else NULL */
    unsigned field; /* MERIT_NEED_ORG_FIELD: one MERIT_ORG_GIVEN_* bit */
    /* why, for the diagnostic: "its rule 'federal-share' reads the
     * federal, cash and in-kind amounts", "its <requires> lists it" */
    char *reason;
    merit_loc loc;
} merit_requirement;

typedef struct merit_rubric {
    char *id;
    char *version;
    char *title;
    char *description; /* may be NULL */
    char *source;      /* the file it came from, or "shipped:NAME" */
    mpq_t scale_min;
    mpq_t scale_max;
    mpq_t scale_step;
    int32_t scale_steps; /* (max - min) / step, a whole number */
    merit_direction direction;
    merit_criterion *criteria;
    size_t criterion_count;
    bool has_overall_threshold;
    mpq_t overall_threshold;
    merit_method method;
    uint32_t min_reviewers;
    bool has_disagreement_limit;
    mpq_t disagreement_limit;
    uint32_t trim_from;
    bool skip_unaffordable;
    merit_tiebreak *tiebreaks;
    size_t tiebreak_count;
    merit_rule *rules;
    size_t rule_count;
    /* one per thing required, the first reason found (rules, tie-breaks,
     * then <requires>) */
    merit_requirement *requirements;
    size_t requirement_count;
} merit_rubric;

typedef enum merit_org_type {
    MERIT_ORG_LARGE = 0,
    MERIT_ORG_SME,
    MERIT_ORG_ACADEMIC,
    MERIT_ORG_GOVERNMENT,
    MERIT_ORG_NONPROFIT,
} merit_org_type;

typedef enum merit_chain_role {
    MERIT_CHAIN_RESEARCH = 0,
    MERIT_CHAIN_MATERIAL_SUPPLIER,
    MERIT_CHAIN_COMPONENT_SUPPLIER,
    MERIT_CHAIN_EQUIPMENT_MAKER,
    MERIT_CHAIN_SYSTEM_INTEGRATOR,
    MERIT_CHAIN_END_USER,
} merit_chain_role;

typedef struct merit_org {
    char *id;
    char *name;
    merit_org_type type;
    uint32_t employees;
    char location[8]; /* "US-OH", "DE"; "" when not given */
    merit_chain_role chain;
    bool lead;
    uint8_t given; /* MERIT_ORG_GIVEN_*: which of type, employees, location,
                      supply-chain the file gives; the others read 0 */
} merit_org;

typedef struct merit_milestone {
    char *id;
    char due[11];      /* YYYY-MM-DD */
    char *metric;      /* kept for reports (explain quotes a failed milestone's) */
    char *description; /* NULL once loaded: only words and text rules read it,
                          and the loader computes both (merit_proposal) */
    merit_loc loc;
} merit_milestone;

/* What one text rule of the rubric gave on one proposal. Text rules run
 * while the proposal loads, against the rubric the call names, so that the
 * section texts need not be kept (50,000 proposals in little memory); the
 * ranking reads the outcome and reports a limit or an error then, exactly as
 * if it had run the rule itself. */
typedef enum merit_text_result {
    MERIT_TEXT_NOT_RUN = 0, /* a fact rule, or the proposal loaded without a rubric */
    MERIT_TEXT_PASSED,      /* the rule holds */
    MERIT_TEXT_FAILED,      /* it does not (for each-milestone: at `milestone`) */
    MERIT_TEXT_LIMIT,       /* a match hit the 'match' or heap limit: undecided */
    MERIT_TEXT_ERROR,       /* PCRE2 failed to run a match */
} merit_text_result;

#define MERIT_NO_MILESTONE UINT32_MAX

typedef struct merit_text_outcome {
    uint8_t result; /* merit_text_result */
    /* each-milestone rules: the milestone the rule stopped at (the first
     * that failed, hit the limit or errored), an index into milestones;
     * MERIT_NO_MILESTONE when every milestone passed and for section rules */
    uint32_t milestone;
} merit_text_outcome;

/* A section a proposal has, and its words (facts.h). The six known
 * sections are named by merit_section_name's static strings; a free
 * section's name belongs to the proposal. */
typedef struct merit_section_words {
    const char *name;
    uint64_t words;
} merit_section_words;

/* A fact the proposal declares: <fact name="trl" value="6"/>. The value is
 * kept as written (an exact decimal, checked when loaded) and read into a
 * rational where a rule or a tie-break needs it. */
typedef struct merit_declared_fact {
    char *name;
    char *value;
} merit_declared_fact;

/* Money in cents: exact, and enough for 92 quadrillion. */
typedef struct merit_money {
    int64_t federal;
    int64_t cash;
    int64_t in_kind;
} merit_money;

/* A proposal: the core every call has (id, call, title, request) and what
 * it chose to carry. Absent parts read NULL, 0 or empty, and the flags say
 * which: area NULL, months 0, org_count 0 (no team), year_count 0 (no
 * budget), a section or a fact not found. */
typedef struct merit_proposal {
    char *id;
    char *call_id;
    char *title;
    char *applicant;  /* the <applicant>; NULL when not given (merit_proposal_applicant) */
    char *area;       /* NULL when not given */
    uint32_t months;  /* 0 when not given */
    bool has_request; /* the file states its request with <request> */
    int64_t request;  /* cents: <request amount>, or the budget's federal total */
    merit_org *orgs;  /* the team; none when org_count is 0 */
    size_t org_count;
    size_t lead; /* index into orgs, when there is a team */
    merit_milestone *milestones;
    size_t milestone_count;
    /* The section texts are not kept: what needs them is computed as the
     * proposal loads. sections[] holds each section the proposal has with
     * its words (facts.h), the six known ones first in their order, then
     * free ones by name (bytewise): merit_proposal_section finds one.
     * The milestones section counts the milestones' metrics and
     * descriptions, the text that section-scope rules on it match. */
    merit_section_words *sections;
    size_t section_count;
    merit_declared_fact *facts; /* sorted by name */
    size_t fact_count;
    /* One outcome per rule of the call's rubric, indexed like rubric->rules
     * (MERIT_TEXT_NOT_RUN for fact rules); NULL and 0 when the rubric has no
     * text rule or the proposal loaded without one (a single file checked on
     * its own, a call whose rubric failed, an invalid proposal). */
    merit_text_outcome *text_outcomes;
    size_t text_outcome_count;
    merit_money *years; /* the budget; none when year_count is 0 */
    size_t year_count;
    merit_money total;
    merit_loc loc;
} merit_proposal;

/* Who applies: the <applicant>, else the lead organisation's name, else
 * NULL. Borrowed from the proposal. */
const char *merit_proposal_applicant(const merit_proposal *p);
/* The section called name, or NULL when the proposal has none. */
const merit_section_words *merit_proposal_section(const merit_proposal *p, const char *name);
/* The value of the declared fact called name, as written, or NULL. */
const char *merit_proposal_fact(const merit_proposal *p, const char *name);
/* Whether the proposal carries what a derived fact is computed from: a
 * budget (federal-share, cost-share-ratio, federal-request, total-cost), a
 * team (organisations; sme-share also needs every organisation's type),
 * the milestones section, months. Always true for request; false for
 * words and MERIT_FACT_DECLARED, which are looked up by name. */
bool merit_proposal_has_fact(const merit_proposal *p, merit_fact fact);
/* The order of sections in a proposal and in reports: the six known ones
 * in their order, then the others bytewise. <0, 0, >0 as strcmp. */
int merit_section_order(const char *a, const char *b);

typedef struct merit_reviewer {
    char *id;
    char *name;
    char *affiliation; /* may be NULL */
    /* <expertise>: keywords separated by ';' as written, matched against a
     * proposal's area by merit assign (merit/assign.h); may be NULL */
    char *expertise;
    merit_loc loc;
    /* <reviewer key=>: their Ed25519 public key; then every file holding
     * their sheet must be signed by it (merit/sign.h) */
    bool has_key;
    unsigned char key[32];
} merit_reviewer;

#define MERIT_NO_SCORE INT32_MIN

/* A call holds one of these per review (250,000 in a large call), so it is
 * kept small: the per-criterion arrays share one allocation, the comments
 * another, and a call loaded without comments (merit_ctx_set_keep_comments)
 * holds no comment text at all. */
typedef struct merit_review {
    size_t reviewer; /* index into call->reviewers */
    size_t proposal; /* index into call->proposals */
    /* One entry per rubric criterion, in rubric order. */
    int32_t *steps; /* MERIT_NO_SCORE where the reviewer abstained; the
                       moderated score where the panel changed one */
    /* The sheet's own steps, kept when moderation changed any score of the
     * review (then owned, one per criterion); NULL when it changed none. */
    int32_t *original_steps;
    uint8_t *confidences; /* per-score confidence (the review's, unless overridden);
                             0 for a no-score, and where none was given */
    /* Per-score comment, may be ""; NULL where not scored. The array is NULL
     * when the call was loaded without comments. */
    char **comments;
    /* The reason of each no-score, NULL where scored. The array is NULL when
     * the review has no no-score. Always kept (explain prints them). */
    char **no_score_reasons;
    /* Where each score's value= (or each no-score) was written, in loc.file;
     * line 0 where the review does not mention the criterion. */
    merit_place *score_places;
    char *comment;               /* overall comment; NULL when there is none or
                                    the call was loaded without comments */
    const char *conflict_reason; /* borrowed from the conflict, or NULL */
    merit_loc loc;
    uint8_t confidence; /* 1 to 5; 0 when the review gives none */
    bool conflicted;    /* the programme office declared a conflict */
} merit_review;

typedef struct merit_conflict {
    size_t reviewer;
    size_t proposal;
    char *reason;
    bool from_call; /* declared by the programme office in call.xml */
    merit_loc loc;
} merit_conflict;

/* Why an input file was not read whole, so has no hash. The audit trail
 * records it, and a replay must find the same reason again. */
typedef enum merit_unread {
    MERIT_READ = 0,            /* read whole: the file has a hash */
    MERIT_UNREAD_MISSING,      /* no such file, or a link to nothing */
    MERIT_UNREAD_NOT_REGULAR,  /* a folder, a FIFO, a device */
    MERIT_UNREAD_TOO_LARGE,    /* over the file-size limit, or 2 GiB */
    MERIT_UNREAD_CANNOT_READ,  /* refused by the system (permissions, I/O) */
    MERIT_UNREAD_LINK_OUTSIDE, /* a link that leads out of the call folder */
} merit_unread;
/* "missing", "not a regular file", "over the size limit", "cannot be read",
 * "a link out of the call folder"; "" for MERIT_READ. */
const char *merit_unread_name(merit_unread why);

/* One input file, as read. Hashes for the audit trail come from here. */
typedef struct merit_file {
    char *path;          /* as the user can name it (CALLDIR/proposals/P01.xml) */
    char *relpath;       /* relative to the call folder, or "shipped:NAME" */
    uint64_t bytes;      /* size */
    bool hashed;         /* the file was read: sha256 holds its digest */
    merit_unread unread; /* why not, when it was not */
    unsigned char sha256[32];
    /* a sheet file whose signature was checked: the signer's public key as
     * the call gives it ("ed25519:BASE64"); else "" */
    char signed_by[53];
} merit_file;

/* What --keep-going left out of a call, and why: nothing is dropped
 * silently. */
typedef enum merit_rejected_kind {
    MERIT_REJECTED_FILE = 0, /* a file that did not parse or validate */
    MERIT_REJECTED_PROPOSAL, /* a proposal that broke a rule */
    MERIT_REJECTED_SHEET,    /* a whole score sheet */
    MERIT_REJECTED_REVIEW,   /* one review in a sheet */
    MERIT_REJECTED_CONFLICT, /* a declared conflict naming nothing known */
} merit_rejected_kind;

typedef struct merit_rejected {
    merit_rejected_kind kind;
    char *what;   /* "P07", "review of P03 by r2", "reviews/r9.xml" */
    char *reason; /* the first problem found, as the diagnostic says it:
                     escaped like a diagnostic's message, safe to print */
    merit_loc loc;
} merit_rejected;

/* What the funding walk does with a shared rank the remaining budget
 * cannot fund whole (a tie at the line): the call's <funding-line ties=>,
 * docs/scoring.md section 8. */
typedef enum merit_tie_policy {
    MERIT_TIES_STOP = 0,       /* none of the tied proposals is funded */
    MERIT_TIES_FUND_WHOLE = 1, /* funded whole within budget + overspend */
    MERIT_TIES_LOTTERY = 2,    /* a seeded draw among them (or the grey zone) */
} merit_tie_policy;

/* Whom the lottery draws among: the tie at the line, or every proposal
 * whose rank interval crosses the line (merit_proposal_result.grey_zone). */
typedef enum merit_draw_among {
    MERIT_DRAW_AMONG_TIE = 0,
    MERIT_DRAW_AMONG_GREY_ZONE = 1,
} merit_draw_among;

/* The call's <funding-line>: all defaults when the call has none. */
typedef struct merit_funding_line {
    bool given; /* the call has a <funding-line> */
    merit_tie_policy ties;
    int64_t overspend; /* cents the awards may exceed the budget by (fund-whole) */
    char *seed;        /* lottery: the seed text as written; else NULL */
    merit_draw_among draw_among;
    bool has_skip_unaffordable; /* skip-unaffordable= given: overrides the rubric's */
    bool skip_unaffordable;
    char *statement; /* the panel's own words on the rule, or NULL */
    merit_loc loc;
} merit_funding_line;

/* A change the panel made to one score (CALLDIR/moderation/ *.xml,
 * docs/formats.md "Moderation"); the sheet is never edited. */
typedef enum merit_moderation_kind {
    MERIT_MODERATION_DISCUSSION = 0,
    MERIT_MODERATION_CONSENSUS,
    MERIT_MODERATION_OVERRIDE,
} merit_moderation_kind;
/* "discussion", "consensus", "override" */
const char *merit_moderation_kind_name(merit_moderation_kind kind);

typedef struct merit_moderation_change {
    size_t review;    /* index into call->reviews */
    size_t criterion; /* index into the rubric's criteria */
    int32_t from, to; /* steps, as merit_review.steps */
    char *by;         /* who made it, as written */
    char *at;         /* UTC, YYYY-MM-DDThh:mm:ssZ: sorts as the time does */
    merit_moderation_kind kind;
    char *reason; /* NULL when none was given */
    merit_loc loc;
} merit_moderation_change;

/* The call's <moderation> rules. */
typedef struct merit_moderation_rules {
    bool reasons_required;
    char *until; /* UTC as merit_moderation_change.at; NULL: no limit */
    /* chair= as the changes' by= name the chair ("chair" when not given),
     * and chair-key=: files of the chair's changes are signed with it */
    char *chair;
    bool has_chair_key;
    unsigned char chair_key[32];
} merit_moderation_rules;

typedef struct merit_call {
    char *id;
    char *title;
    char currency[4];
    int64_t budget; /* cents available for awards */
    char *dir;      /* the call folder as given */
    merit_rubric *rubric;
    merit_funding_line funding_line; /* <funding-line>: the rule at the line */
    merit_reviewer *reviewers;
    size_t reviewer_count;
    merit_proposal *proposals;
    size_t proposal_count;
    merit_review *reviews;
    size_t review_count;
    merit_conflict *conflicts;
    size_t conflict_count;
    merit_file *files;
    size_t file_count;
    /* the panel's changes to scores, ordered by (review, criterion, at),
     * each applied to its review's steps */
    merit_moderation_change *changes;
    size_t change_count;
    merit_moderation_rules moderation;
    merit_rejected *rejected; /* empty unless loaded with keep-going */
    size_t rejected_count;
    merit_loc loc;
} merit_call;

/*
 * Loads a call folder (CALLDIR/call.xml, CALLDIR/proposals/ *.xml,
 * CALLDIR/reviews/ *.xml) or a call.xml path, and runs every check. On success
 * (0) *call_out is the call, owned by the caller. On failure *call_out is
 * NULL and the context holds every diagnostic of the run.
 */
int merit_call_load(merit_ctx *ctx, const char *path, merit_call **call_out);
void merit_call_free(merit_call *call);
/* How many of a proposal's scores the panel changed (each score once,
 * however many changes it had); O(log changes + its changes). */
size_t merit_call_moderated_count(const merit_call *call, size_t proposal);

/* The changes of one score (review index, criterion index), in time order:
 * the first's from is the sheet's, the last's to the score ranked. NULL
 * and *count 0 when the panel changed none; O(log changes). */
const merit_moderation_change *merit_call_score_changes(const merit_call *call, size_t review,
                                                        size_t criterion, size_t *count);

/* With keep-going, merit_call_load loads what is valid of a call whose
 * call.xml and rubric are valid, and lists every file, proposal, sheet,
 * review or conflict it left out in call->rejected (the diagnostics still
 * say why). Off by default: then any invalid input fails the load. */
void merit_ctx_set_keep_going(merit_ctx *ctx, bool keep_going);

/* Whether merit_call_load keeps the reviewers' comments: each score's
 * comment and each review's overall comment (merit_review.comments and
 * .comment). On by default. Off, they are not kept (NULL), which saves much
 * of a large call's memory; only reports that show them need them (the CSV
 * detail, JSON). Scores, confidences, places and no-score reasons are kept
 * either way, so a ranking and everything computed from it is the same. */
void merit_ctx_set_keep_comments(merit_ctx *ctx, bool keep);
/* The method the call will be ranked by when it overrides the rubric's
 * (merit_rank_options, the command line's --method): merit_call_load then
 * checks what that method needs rather than what the rubric's would. A
 * confidence is optional in a score sheet unless the method is
 * confidence-weighted: then every score needs one (its own, or its
 * review's), and each review that lacks it is an error. Off by default. */
void merit_ctx_set_method(merit_ctx *ctx, bool override, merit_method method);
const char *merit_rejected_kind_name(merit_rejected_kind kind);

/* Loads a rubric file on its own (schema and rubric checks). */
int merit_rubric_load_file(merit_ctx *ctx, const char *path, merit_rubric **rubric_out);
/* Loads a rubric shipped inside merit by name, e.g. "manufacturing-usa". */
int merit_rubric_load_shipped(merit_ctx *ctx, const char *name, merit_rubric **rubric_out);
void merit_rubric_free(merit_rubric *rubric);
/* Names of the shipped rubrics, NULL-terminated; borrowed, static. */
const char *const *merit_rubric_shipped_names(void);

/*
 * Checks one file on its own, whatever its kind (call, rubric, proposal or
 * proposal bundle, sheet or sheet bundle, told apart by the root element):
 * the schema and the checks that need no other file. Summary of what was
 * found goes to *kind_out ("rubric", "proposal", ...; static), *count_out
 * (records in the file). Returns 0 when clean.
 */
int merit_file_validate(merit_ctx *ctx, const char *path, const char **kind_out, size_t *count_out);

/* Names for enums, as written in the XML formats. Static strings. */
const char *merit_method_name(merit_method method);
int merit_method_from_name(const char *name, merit_method *method_out);
const char *merit_fact_name(merit_fact fact); /* "?" for MERIT_FACT_DECLARED */
const char *merit_section_name(merit_section section);
/* A known section by name: its merit_section, or -1 for a free section. */
int merit_section_known(const char *name);
const char *merit_op_name(merit_op op);
const char *merit_org_type_name(merit_org_type type);
const char *merit_chain_role_name(merit_chain_role role);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
