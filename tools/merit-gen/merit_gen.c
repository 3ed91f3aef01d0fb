/* merit-gen -o DIR [--proposals N] [--reviewers R] [--reviews-per-proposal K] [--seed S]
 *               [--layout bundles|files]
 *
 * Writes a synthetic call in merit's own formats, for benchmarks and tests:
 * a program of its own (docs/cli.md, "merit-gen"), outside the merit
 * command's thin layer, built on the library's output kit (merit/report.h).
 *
 * Determinism: every value is drawn from a splitmix64 stream keyed by (seed,
 * what, index): a proposal's numbers, its text, a reviewer's leniency, one
 * review's scores each have their own stream. Nothing depends on the order
 * things are written in or on the layout, so both layouts hold the same call,
 * and the same arguments give the same bytes on every machine and build
 * (integer arithmetic only: no rand(), no floating point, no locale).
 *
 * Output: every file is written through a merit_sink (merit/report.h) on a
 * stream with a 1 MiB buffer; the texts built from word lists and sentence
 * templates go through the kit's XML escapers (merit_sink_xml_text and
 * merit_sink_xml_attr), merit's own markup and numbers as they are.
 *
 * Files: everything is written into a hidden staging folder DIR/.gen-XXXXXX,
 * then proposals/, reviews/ and call.xml are renamed into DIR (call.xml
 * last). On any failure the staging folder is removed, and DIR too when gen
 * made it: no half-written file or half a call is left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merit/escape.h"
#include "merit/report.h"

/* Exit codes, as the merit command's (docs/cli.md). */
enum { EXIT_CLEAN = 0, EXIT_USAGE = 2, EXIT_IO = 3 };

/* prefix, then the formatted line escaped as a name (it quotes arguments
 * and paths as they were given), then a newline. */
static void print_escaped(FILE *out, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void print_escaped(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *raw = n >= 0 ? malloc((size_t)n + 1) : NULL;
    char *shown = NULL;
    if (raw != NULL) {
        vsnprintf(raw, (size_t)n + 1, fmt, ap);
        shown = merit_escape(raw, 0);
    }
    if (shown != NULL)
        fprintf(out, "%s%s\n", prefix, shown);
    else
        fputs("merit-gen: error: out of memory\n", stderr);
    free(raw);
    free(shown);
}

static void print_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void print_line(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_escaped(out, "", fmt, ap);
    va_end(ap);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_escaped(stderr, "merit-gen: error: ", fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

/* A whole non-negative number no larger than max. */
static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || *text < '0' || *text > '9')
        return false;
    unsigned long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v > (max - (unsigned long)(*p - '0')) / 10)
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    *out = v;
    return true;
}

#define MAX_PROPOSALS 999999UL
#define MAX_REVIEWERS 10000UL
#define BUF_CAP ((size_t)1 << 20) /* each file's stream buffer */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void help(FILE *out)
{
    fprintf(out,
            "usage: merit-gen -o DIR [options]\n\n"
            "Writes a realistic synthetic call in merit's formats into DIR, for benchmarks\n"
            "and tests: call.xml (id GEN-<seed>, rubric manufacturing-usa, a budget that\n"
            "funds about a quarter of the requests, the panel), the proposals and one score\n"
            "sheet per reviewer. Each proposal is reviewed by K distinct reviewers, taken in\n"
            "turn so that every reviewer has the same load (give or take one). The same\n"
            "options give the same bytes.\n\n"
            "options:\n"
            "  --proposals N              proposals, 1 to 999999 (default 100)\n"
            "  --reviewers R              reviewers on the panel, 1 to 10000 (default 20)\n"
            "  --reviews-per-proposal K   reviewers per proposal, 1 to R (default 3)\n"
            "  --seed S                   the generator's seed, 0 to 2^64-1 (default 1)\n"
            "  --layout L                 bundles (default): proposals/bundle.xml and\n"
            "                             reviews/bundle.xml; files: proposals/P000001.xml\n"
            "                             ... and one sheet per reviewer, reviews/r001.xml ...\n"
            "  -o DIR, --output DIR       the folder to write: new, or empty\n\n"
            "exit status: 0 written, 2 usage, 3 I/O error (DIR not empty, a write failed;\n"
            "nothing is left behind)\n");
}

/* --- random numbers: splitmix64 --------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t next64(rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

/* A uniform whole number in [0, n); n > 0 and small, so the modulo bias
 * (below 2^-40) does not matter. */
static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(next64(r) % n);
}

/* A uniform whole number in [lo, hi]. */
static int32_t range(rng *r, int32_t lo, int32_t hi)
{
    return lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
}

/* Skewed towards lo: the product of two uniform draws. */
static uint32_t skewed(rng *r, uint32_t lo, uint32_t hi)
{
    uint32_t span = hi - lo;
    uint64_t a = below(r, span + 1);
    uint64_t b = below(r, span + 1);
    return lo + (uint32_t)(span == 0 ? 0 : a * b / span);
}

#define PICK(r, list) ((list)[below((r), (uint32_t)COUNT(list))])

/* The streams: one per (what, index). */
enum stream_tag {
    S_CORE = 1, /* a proposal's numbers: months, money, quality */
    S_TEXT,     /* a proposal's team, texts, milestones, budget years */
    S_LENIENCY, /* a reviewer's leniency */
    S_PANEL,    /* a reviewer's name and affiliation */
    S_REVIEW,   /* one review: confidence, scores, comments */
    S_CONFLICT, /* the declared conflicts */
};

static rng stream(uint64_t seed, uint64_t tag, uint64_t index)
{
    uint64_t s = mix64(seed + tag * 0xd1b54a32d192ed03ULL);
    rng r = {mix64(s ^ (index * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL))};
    return r;
}

/* --- word lists ----------------------------------------------------------- */

/* Plain text only: nothing here needs XML escaping. */
typedef struct domain {
    const char *area, *area_lc;
    const char *process[3], *material[3], *product[3], *defect[2];
} domain;

static const domain domains[] = {
    {"Additive manufacturing",
     "additive manufacturing",
     {"laser powder bed fusion", "directed energy deposition", "binder jetting"},
     {"Ti-6Al-4V", "Inconel 718", "17-4PH stainless steel"},
     {"flight brackets", "turbine housings", "heat exchangers"},
     {"lack-of-fusion porosity", "distortion from residual stress"}},
    {"Advanced composites",
     "advanced composites",
     {"automated fibre placement", "resin transfer moulding", "thermoplastic stamping"},
     {"carbon fibre epoxy", "glass fibre polyamide", "carbon fibre PEEK"},
     {"wing ribs", "battery enclosures", "pressure vessels"},
     {"voids", "fibre wrinkling"}},
    {"Power electronics",
     "power electronics",
     {"silver sinter die attach", "transfer moulding", "copper clip bonding"},
     {"silicon carbide", "gallium nitride", "sintered silver"},
     {"traction inverter modules", "on-board chargers", "power modules"},
     {"solder fatigue", "die-attach voiding"}},
    {"Lightweight metals",
     "lightweight metals",
     {"high-pressure die casting", "friction stir welding", "hot stamping"},
     {"aluminium A356", "magnesium AZ91", "aluminium 6061"},
     {"structural castings", "battery trays", "door rings"},
     {"gas porosity", "hot tearing"}},
    {"Robotics and automation",
     "robotics and automation",
     {"robotic welding", "vision-guided assembly", "robotic sanding"},
     {"mild steel", "cast aluminium", "painted sheet metal"},
     {"truck frames", "wire harnesses", "aircraft panels"},
     {"fit-up gaps", "surface defects"}},
    {"Semiconductor packaging",
     "semiconductor packaging",
     {"hybrid bonding", "wafer-level underfill", "flip-chip assembly"},
     {"copper pillars", "organic substrates", "glass interposers"},
     {"chiplets", "optical engines", "RF front-end modules"},
     {"die warpage", "bond voids"}},
    {"Biomanufacturing",
     "biomanufacturing",
     {"perfusion bioreactor culture", "lyophilisation", "continuous chromatography"},
     {"CHO cell lines", "viral vectors", "monoclonal antibodies"},
     {"cell therapy doses", "vaccine lots", "biologic drug substance"},
     {"batch failures", "microbial contamination"}},
    {"Smart textiles",
     "smart textiles",
     {"circular knitting", "conductive yarn spinning", "ultrasonic seam bonding"},
     {"meta-aramid", "silver-coated nylon", "recycled polyester"},
     {"heated garments", "sensor shirts", "protective gloves"},
     {"wash degradation", "seam failures"}},
    {"Clean energy manufacturing",
     "clean energy manufacturing",
     {"roll-to-roll electrode coating", "electrolyser stack assembly", "thermal spray coating"},
     {"nickel-manganese-cobalt cathode", "iridium oxide", "yttria-stabilised zirconia"},
     {"battery cells", "electrolyser stacks", "fuel cell plates"},
     {"coating defects", "edge delamination"}},
    {"Digital manufacturing",
     "digital manufacturing",
     {"five-axis CNC machining", "in-line metrology", "digital twin scheduling"},
     {"hardened tool steel", "aluminium 7075", "titanium forgings"},
     {"gear housings", "hydraulic manifolds", "landing gear parts"},
     {"tool wear", "dimensional drift"}},
    {"Integrated photonics",
     "integrated photonics",
     {"wafer-scale laser dicing", "active fibre alignment", "precision glass moulding"},
     {"indium phosphide", "silicon nitride", "chalcogenide glass"},
     {"transceivers", "lidar optics", "photonic sensors"},
     {"coupling loss", "facet damage"}},
    {"Casting and forging",
     "casting and forging",
     {"closed-die forging", "investment casting", "green sand casting"},
     {"nickel superalloy", "ductile iron", "low-alloy steel"},
     {"crankshafts", "pump impellers", "valve bodies"},
     {"inclusions", "shrinkage porosity"}},
};

static const char *const metrics[] = {"scrap rate",          "yield loss",
                                      "cycle time",          "qualification time",
                                      "energy use per part", "rework hours per lot"};

static const char *const standards[] = {"ASTM F3572", "ISO/ASTM 52904", "AS9100",     "IPC-A-610",
                                        "ISO 13485",  "AQG 324",        "ASTM D3039", "SAE J2464",
                                        "ISO 10110",  "ASTM E1444"};

typedef struct place {
    const char *code, *name;
} place;

static const place states[] = {
    {"US-OH", "Ohio"},           {"US-PA", "Pennsylvania"}, {"US-MI", "Michigan"},
    {"US-IN", "Indiana"},        {"US-TN", "Tennessee"},    {"US-NC", "North Carolina"},
    {"US-SC", "South Carolina"}, {"US-GA", "Georgia"},      {"US-TX", "Texas"},
    {"US-AL", "Alabama"},        {"US-WI", "Wisconsin"},    {"US-MN", "Minnesota"},
    {"US-IL", "Illinois"},       {"US-NY", "New York"},     {"US-MA", "Massachusetts"},
    {"US-CT", "Connecticut"},    {"US-VA", "Virginia"},     {"US-KS", "Kansas"},
    {"US-WA", "Washington"},     {"US-CO", "Colorado"},     {"US-AZ", "Arizona"},
    {"US-CA", "California"},     {"US-OR", "Oregon"},       {"US-KY", "Kentucky"},
};

static const place countries[] = {
    {"DE", "Germany"}, {"CA", "Canada"}, {"GB", "United Kingdom"}, {"JP", "Japan"}};

static const char *const geo[] = {
    "Keystone",  "Great Lakes", "Ridgeline", "Cumberland", "Prairie",   "Blue Ridge", "Cascade",
    "Tidewater", "Ozark",       "Piedmont",  "Summit",     "Red River", "Mesa",       "Lakeshore",
    "Ironwood",  "Granite",     "Sierra",    "Allegheny",  "Northstar", "Heartland",  "Riverbend",
    "Pioneer",   "Frontier",    "Harbor",    "Copperline", "Silverton", "Bluegrass",  "Gulf Coast"};

static const char *const sme_words[] = {"Additive",  "Composites", "Precision", "Castings",
                                        "Robotics",  "Photonics",  "Materials", "Automation",
                                        "Machining", "Bioprocess", "Textiles",  "Power Systems",
                                        "Coatings",  "Metrology",  "Forge",     "Sensors"};

static const char *const sme_suffixes[] = {
    "LLC",   "Inc.",          "Technologies",    "Manufacturing Co.",
    "Works", "Solutions LLC", "Engineering Inc."};

static const char *const large_words[] = {
    "Aerospace Structures", "Motors",          "Industries",      "Energy Systems", "Semiconductor",
    "Medical Devices",      "Defense Systems", "Heavy Equipment", "Automotive"};

static const char *const large_suffixes[] = {"Corporation", "Inc.", "Company", "Group"};

static const char *const first_names[] = {
    "Helen",  "Marcus", "Priya",  "Thomas", "Angela",  "Wei",   "Carlos", "Fatima",
    "James",  "Olga",   "Kwame",  "Laura",  "Hiroshi", "Maria", "David",  "Aisha",
    "Robert", "Ingrid", "Samuel", "Mei",    "Daniel",  "Grace", "Ahmed",  "Rachel",
    "Victor", "Sofia",  "Peter",  "Nadia",  "George",  "Elena", "Rajesh", "Karen"};

static const char *const last_names[] = {
    "Kowalczyk", "Oyelaran", "Raghunathan", "Beaulieu", "Whitfield", "Zhang",    "Mendoza",
    "Haddad",    "Brennan",  "Petrova",     "Mensah",   "Lindqvist", "Tanaka",   "Gonzalez",
    "Okafor",    "Schmidt",  "Novak",       "Patel",    "Fischer",   "Castillo", "Nakamura",
    "Sullivan",  "Kim",      "Andersen",    "Moreau",   "Rossi",     "Chen",     "Johansson",
    "Adeyemi",   "Murphy",   "Ivanova",     "Hughes"};

static const char *const reviewer_roles[] = {"Professor of Mechanical Engineering",
                                             "Associate Professor of Materials Science",
                                             "Principal Research Engineer",
                                             "Director of Technology Services",
                                             "Chief Engineer, Manufacturing Technology",
                                             "Senior Manufacturing Engineer",
                                             "Program Manager",
                                             "Vice President of Operations",
                                             "Head of Process Development",
                                             "Research Fellow"};

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* Sentence templates. A slot is "{c}", c one of:
 *   P process  M material  X product  D defect  Q metric  R standard  A area
 *   L the lead organisation  O another organisation  s the lead's state
 *   g organisations  e SMEs in the team  n 2-40  N 100-900  p 1.0-15.0
 *   q 80-99  f 25-75  h 20-60 by 5  k $40,000-$900,000  T TRL 3-5  t TRL 6-7
 *   m a month of the project  y a year of the project  a 20-90, then b below it
 *   d the milestone's due month, "March 2028" */

static const char *const title_t[] = {
    "Closed-loop control of {D} in {P} of {M} {X}",
    "Reducing {Q} in {P} of {X} through in-process monitoring",
    "Qualified {P} of {M} {X} for small suppliers",
    "A production-ready {P} cell for {X}",
    "Data-driven qualification of {M} {X} made by {P}",
    "Cutting {D} in {X}: validated {P} for the supply base",
};

static const char *const problem_t[] = {
    "{L} and the small suppliers it works with make {X} from {M} by {P}, and today {p}% of "
    "parts are scrapped for {D} found only at final inspection.",
    "Qualifying a new part number takes {n} months and about {k}, because every build must be "
    "checked with destructive coupons and CT scans.",
    "Prime contractors will not accept in-process data in place of inspection, because no "
    "supplier can show that a process signal predicts {D} with the confidence their material "
    "review boards require.",
    "Large manufacturers have built this capability in-house for their own lines; the {N} small "
    "and medium-sized firms in the {A} supply base cannot, and lose work to overseas competitors "
    "with lower labour cost.",
    "The {Q} of a typical {P} cell has not improved in {n} years, while demand for {X} in the "
    "United States is forecast to grow by {p}% a year.",
    "The gap is not the underlying science, which is well studied, but a validated, "
    "production-ready method that a quality engineer will sign off.",
    "Our survey of {n} member companies found that {q}% name {D} in {M} as their first barrier "
    "to adopting {P} for {X}.",
    "Each failed lot costs a mid-sized supplier about {k} in material, machine time and "
    "late-delivery penalties.",
    "The institute roadmap lists {Q} in {A} as a priority topic, with a target of a {f}% "
    "reduction by the end of the decade.",
};

static const char *const work_packages_t[] = {
    "We start from the {P} process that {O} has demonstrated at TRL {T} on production "
    "equipment, which already resolves {D} in test coupons.",
    "Work package 1 ({O}) builds a calibration library of {N} specimens in {n} lots of {M}, "
    "each inspected so that every defect above {n} microns is traced back to its process "
    "parameters.",
    "Work package 2 ({O}) trains a statistical model on in-process sensor data and implements "
    "closed-loop control that adjusts process settings within plus or minus {n}% when the "
    "predicted risk of {D} exceeds a threshold.",
    "Work package 3 ({L}) validates the method on {n} production runs of {X}, half with "
    "control on and half with control off, measured by independent inspection.",
};

static const char *const approach_t[] = {
    "The design of experiments varies {n} factors at three levels, and every run is repeated "
    "on two machines to separate machine effects from material effects.",
    "We will follow {R} so that the evidence package maps onto existing qualification "
    "procedures.",
    "The main technical risk is that the model does not transfer across lots of {M}; the "
    "fallback is lot-specific calibration with {n} witness specimens per lot, which still saves "
    "most of the inspection cost.",
    "A second risk, access to production equipment, is covered by {L} dedicating one {P} cell "
    "to the project for {n} months.",
    "Control software runs on an edge computer through the machine's open interface, so no "
    "change to the equipment firmware is needed.",
    "By month {m} the team holds a go/no-go review against the first milestone, and continues "
    "to pilot production only if its target is met.",
    "The project raises the process from TRL {T} to TRL {t} and MRL {t} in a "
    "production-relevant environment.",
    "Data from every run is stored with its full process history in a shared repository that "
    "member companies can query.",
};

static const char *const management_t[] = {
    "{L} leads the project; its principal investigator commits {h}% of their time and reports "
    "to the institute's programme manager every quarter.",
    "Each work package has a named lead organisation and a monthly technical call; decisions "
    "that change scope go to a steering group of all {g} partners.",
    "Go/no-go gates at months {m} and {m} decide whether the project continues.",
    "Background intellectual property stays with its owners; project results are available to "
    "institute members under the standard membership agreement.",
    "A three-person industrial advisory board chaired by {O} signs off the validation plan "
    "before the first production trial.",
    "Risks are tracked in a register reviewed at each quarterly meeting, with an owner and a "
    "mitigation for each of the top {n} risks.",
};

static const char *const diffusion_t[] = {
    "The calibration data set ({N} specimens with full process histories) will be released to "
    "institute members in month {m}.",
    "We will run {n} hands-on workshops for {N} engineers from member companies at the "
    "institute's demonstration facility.",
    "The team will submit its validation results to the committee responsible for {R} as input "
    "to the revision now in draft.",
    "{O} has committed to accept the evidence package from any of its {n} suppliers that adopts "
    "the method.",
    "Training material for technicians will be published with the institute's community "
    "college partners in {y}.",
    "Software developed in the project will be licensed to members on published terms, with a "
    "free licence for firms under 50 employees.",
};

static const char *const sme_t[] = {
    "The production kit costs under {k} per machine, within reach of a small shop.",
    "With the {s} Manufacturing Extension Partnership centre we will offer {n} one-day "
    "readiness assessments to small suppliers outside the team.",
    "{L} will host {n} open days for regional suppliers in the second project year.",
    "Small firms in the supply chain of {X} are the first users of the results, because they "
    "carry most of the cost of {D} today.",
};

static const char *const metric_t[] = {
    "Rate of {D} below {p}% over {N} production parts of {X}",
    "Reduction of {Q} by {f}% against the baseline on {n} qualification builds",
    "Model predicts {D} with at least {q}% recall on {N} held-out specimens",
    "Cycle time per part cut from {a} to {b} minutes in a {n}-hour production trial",
    "First-pass yield above {q}% over {N} consecutive parts of {X}",
    "Qualification time for a new part reduced from {a} months to {b} months",
    "Energy use per part reduced by {f}% measured over {n} production shifts",
};

static const char *const description_t[] = {
    "{O} measures the result on parts chosen before the trial by the end user's quality "
    "engineer; the review is held in {d}.",
    "Go/no-go decision point: the project continues to pilot production only if the target is "
    "met by {d}.",
    "Results are verified by an independent laboratory and reported to the institute's "
    "technical advisory committee.",
    "Measurement follows {R}; the raw data are shared with institute members within {n} weeks "
    "of the test.",
    "{O} runs the trial on its own production line, with {n} operators trained by the project "
    "team.",
};

/* Reviews: the manufacturing-usa rubric's criteria, in its order. */
#define CRITERIA 7
static const char *const criterion_ids[CRITERIA] = {
    "problem", "approach", "milestones", "management", "cost", "sme", "diffusion"};
static const char *const criterion_subjects[CRITERIA] = {"The problem statement",
                                                         "The technical approach",
                                                         "The milestone plan",
                                                         "The management plan",
                                                         "The budget",
                                                         "The SME involvement",
                                                         "The diffusion plan"};

static const char *const high_p[] = {
    " is specific and well quantified.", " is convincing, and the baseline figures are credible.",
    " is among the strongest in my batch.", " is clear and tied to the roadmap."};
static const char *const mid_p[] = {" is reasonable but thin on detail.",
                                    " is plausible; some figures need a source.",
                                    " is adequate, with gaps a competent team could close.",
                                    " is sound in outline but generic in places."};
static const char *const low_p[] = {" is vague and rests on untested assumptions.",
                                    " does not convince me; the key risks are not addressed.",
                                    " is weak: no quantified baseline is given.",
                                    " lacks the detail needed to judge feasibility."};

static const char *const overall_high[] = {
    "A strong proposal from a capable team; I would fund it.",
    "The end user's commitment to adopt the results is the best feature of this proposal.",
    "I am less expert in this area, but the plan follows the standard and looks realistic.",
};
static const char *const overall_mid[] = {
    "A useful project with a committed end user, held back by a thin validation plan.",
    "A solid, well-organised proposal; the schedule for the first gate looks tight.",
    "Good value for the federal money if the cost share is confirmed in writing.",
};
static const char *const overall_low[] = {
    "The problem deserves funding, but the technical approach is not ready.",
    "The team should test its key assumption on samples and resubmit.",
    "Too many of the milestones are activities rather than results.",
};

static const char *const conflict_reasons[] = {
    "Co-author of the lead principal investigator in the last three years.",
    "Former employee of the lead organisation.",
    "Holds a consulting contract with a partner organisation.",
    "Collaborates with the lead applicant on a current grant.",
};

/* --- output through the kit ------------------------------------------------ */

/* A file being written: a sink (merit/report.h) on a stream with a large
 * buffer. The sink keeps the first error; nothing more is written after
 * it, and file_close reports it. */
typedef struct writer {
    merit_sink sink;
    FILE *f;
    char *buf;      /* the stream's buffer, BUF_CAP bytes */
    uint64_t bytes; /* written in all files */
} writer;

/* merit's own bytes: markup, ids, numbers. */
static void w_put(writer *w, const char *s, size_t n)
{
    merit_sink_write(&w->sink, s, n);
}

static void w_str(writer *w, const char *s)
{
    merit_sink_puts(&w->sink, s);
}

/* Text content (names, titles, sentences, comments): XML-escaped. */
static void w_text(writer *w, const char *s)
{
    merit_sink_xml_text(&w->sink, s);
}

/* n bytes of text content that do not end in a NUL (a piece of a sentence
 * template), escaped in pieces: the escaping is byte by byte. */
static void w_text_n(writer *w, const char *s, size_t n)
{
    char piece[256];
    while (n > 0) {
        size_t k = n < sizeof(piece) - 1 ? n : sizeof(piece) - 1;
        memcpy(piece, s, k);
        piece[k] = '\0';
        merit_sink_xml_text(&w->sink, piece);
        s += k;
        n -= k;
    }
}

/* An attribute value from a word list: XML-escaped for an attribute. */
static void w_attr(writer *w, const char *s)
{
    merit_sink_xml_attr(&w->sink, s);
}

#define W_LIT(w, lit) w_put((w), "" lit, sizeof(lit) - 1)

static void w_uint(writer *w, uint64_t v)
{
    char t[24];
    size_t i = sizeof(t);
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    w_put(w, t + i, sizeof(t) - i);
}

static void w_uint0(writer *w, uint64_t v, unsigned width)
{
    char t[24];
    size_t i = sizeof(t);
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 || sizeof(t) - i < width);
    w_put(w, t + i, sizeof(t) - i);
}

/* Thousands of dollars as "$410,000" or "$1,250,000". */
static void w_dollars_k(writer *w, uint32_t k)
{
    W_LIT(w, "$");
    if (k >= 1000) {
        w_uint(w, k / 1000);
        W_LIT(w, ",");
        w_uint0(w, k % 1000, 3);
    } else {
        w_uint(w, k);
    }
    W_LIT(w, ",000");
}

/* A score in half points as "7" or "7.5". */
static void w_half(writer *w, int32_t halves)
{
    w_uint(w, (uint64_t)(halves / 2));
    if (halves % 2 != 0)
        W_LIT(w, ".5");
}

/* --- the generated call --------------------------------------------------- */

/* What the call, the ranking and the reviews need of a proposal. */
typedef struct pcore {
    uint32_t federal_k; /* thousands of dollars */
    uint32_t share_k;   /* cash + in-kind, thousands of dollars */
    uint8_t months;
    uint8_t cash_pct; /* of the cost share */
    int8_t quality;   /* half points, 7 to 18 */
    int8_t offset[CRITERIA];
} pcore;

typedef struct declared {
    uint32_t reviewer, proposal;
    uint8_t reason;
} declared;

typedef struct gen {
    uint64_t seed;
    uint32_t n, r, k; /* proposals, reviewers, reviews per proposal */
    bool files;
    char call_id[32];
    unsigned rid_width;
    pcore *cores;
    int8_t *leniency;    /* per reviewer, half points */
    uint32_t *assigned;  /* proposals of each reviewer, ascending */
    size_t *first;       /* r + 1 offsets into assigned */
    declared *conflicts; /* by reviewer, then proposal */
    size_t conflict_count;
    size_t *conflict_first; /* r + 1 offsets into conflicts */
    writer w;
    const char *dir; /* as given */
    char *stage;     /* DIR/.gen-XXXXXX */
    char *path;      /* scratch for file paths */
    size_t path_size;
} gen;

static pcore make_core(uint64_t seed, uint32_t i)
{
    rng r = stream(seed, S_CORE, i);
    pcore c;
    c.months = (uint8_t)range(&r, 12, 36);
    c.federal_k = skewed(&r, 200, 3000);
    bool breaks = below(&r, 1000) < 30; /* about 3%: federal share above one half */
    uint32_t ratio = breaks ? (uint32_t)range(&r, 500, 950) : skewed(&r, 1000, 1800);
    c.share_k = (uint32_t)(((uint64_t)c.federal_k * ratio + 999) / 1000);
    if (!breaks && c.share_k < c.federal_k)
        c.share_k = c.federal_k;
    if (breaks && c.share_k >= c.federal_k)
        c.share_k = c.federal_k - 1;
    c.cash_pct = (uint8_t)range(&r, 30, 80);
    c.quality = (int8_t)range(&r, 7, 18);
    for (int k = 0; k < CRITERIA; k++)
        c.offset[k] = (int8_t)range(&r, -2, 2);
    return c;
}

/* The K reviewers of proposal p are (p*K + j) mod R, j < K: distinct since
 * K <= R, and every reviewer gets N*K/R reviews, give or take one. */
static uint32_t reviewer_of(const gen *g, uint32_t p, uint32_t j)
{
    return (uint32_t)(((uint64_t)p * g->k + j) % g->r);
}

static int compare_declared(const void *a, const void *b)
{
    const declared *x = a, *y = b;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    return (x->proposal > y->proposal) - (x->proposal < y->proposal);
}

static bool plan(gen *g)
{
    g->cores = malloc(sizeof(*g->cores) * g->n);
    g->leniency = malloc(g->r);
    g->first = calloc((size_t)g->r + 1, sizeof(*g->first));
    g->assigned = malloc(sizeof(*g->assigned) * (size_t)g->n * g->k);
    g->conflict_first = calloc((size_t)g->r + 1, sizeof(*g->conflict_first));
    /* a few conflicts, each on a proposal of its own and a reviewer who is
     * not assigned to it (possible only when some reviewer is not) */
    g->conflict_count = g->r > g->k ? g->n / 250 + 1 : 0;
    if (g->conflict_count > g->n)
        g->conflict_count = g->n;
    g->conflicts = malloc(sizeof(*g->conflicts) * (g->conflict_count + 1));
    if (g->cores == NULL || g->leniency == NULL || g->first == NULL || g->assigned == NULL ||
        g->conflict_first == NULL || g->conflicts == NULL)
        return false;
    for (uint32_t i = 0; i < g->n; i++)
        g->cores[i] = make_core(g->seed, i);
    for (uint32_t r = 0; r < g->r; r++) {
        rng s = stream(g->seed, S_LENIENCY, r);
        g->leniency[r] = (int8_t)(range(&s, 0, 8) - 4) / 2; /* -2..2, mostly -1..1 */
    }
    for (uint32_t p = 0; p < g->n; p++)
        for (uint32_t j = 0; j < g->k; j++)
            g->first[reviewer_of(g, p, j) + 1]++;
    for (uint32_t r = 0; r < g->r; r++)
        g->first[r + 1] += g->first[r];
    size_t *fill = malloc(sizeof(*fill) * g->r);
    if (fill == NULL)
        return false;
    memcpy(fill, g->first, sizeof(*fill) * g->r);
    for (uint32_t p = 0; p < g->n; p++)
        for (uint32_t j = 0; j < g->k; j++)
            g->assigned[fill[reviewer_of(g, p, j)]++] = p;
    free(fill);
    rng c = stream(g->seed, S_CONFLICT, 0);
    size_t stride = g->conflict_count > 0 ? g->n / g->conflict_count : 0;
    for (size_t i = 0; i < g->conflict_count; i++) {
        uint32_t p = (uint32_t)(i * stride + below(&c, (uint32_t)stride));
        uint32_t t = below(&c, g->r - g->k); /* past the K assigned ones */
        declared d = {(uint32_t)(((uint64_t)p * g->k + g->k + t) % g->r), p,
                      (uint8_t)below(&c, (uint32_t)COUNT(conflict_reasons))};
        g->conflicts[i] = d;
    }
    qsort(g->conflicts, g->conflict_count, sizeof(*g->conflicts), compare_declared);
    for (size_t i = 0; i < g->conflict_count; i++)
        g->conflict_first[g->conflicts[i].reviewer + 1]++;
    for (uint32_t r = 0; r < g->r; r++)
        g->conflict_first[r + 1] += g->conflict_first[r];
    return true;
}

/* --- files ---------------------------------------------------------------- */

static const char *stage_path(gen *g, const char *rel)
{
    snprintf(g->path, g->path_size, "%s/%s", g->stage, rel);
    return g->path;
}

static void report_io(const gen *g, const char *rel, const char *what, int e)
{
    print_line(stderr, "%s/%s: error: %s: %s", g->dir, rel, what, strerror(e));
}

static bool file_open(gen *g, const char *rel)
{
    writer *w = &g->w;
    w->f = fopen(stage_path(g, rel), "wxe"); /* O_EXCL, O_CLOEXEC */
    if (w->f == NULL) {
        report_io(g, rel, "cannot create", errno);
        return false;
    }
    setvbuf(w->f, w->buf, _IOFBF, BUF_CAP);
    merit_sink_init(&w->sink, w->f, false);
    return true;
}

static bool file_close(gen *g, const char *rel)
{
    writer *w = &g->w;
    /* a failed write leaves errno as it set it: nothing is written after */
    w->bytes += w->sink.size;
    int finished = merit_sink_finish(&w->sink, NULL); /* writes what it held */
    int e = finished == 0 ? 0 : finished == MERIT_ENOMEM ? ENOMEM : errno != 0 ? errno : EIO;
    if (fflush(w->f) != 0 && e == 0)
        e = errno;
    if (fclose(w->f) != 0 && e == 0)
        e = errno;
    w->f = NULL;
    if (e != 0) {
        report_io(g, rel, "cannot write", e);
        return false;
    }
    return true;
}

/* Removes a folder gen made and everything in it (regular files and
 * folders only: gen makes nothing else). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        size_t len = strlen(path);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t size = len + strlen(e->d_name) + 2;
            char *child = malloc(size);
            if (child == NULL)
                continue;
            snprintf(child, size, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child);
            else
                unlink(child);
            free(child);
        }
        closedir(d);
    }
    rmdir(path);
}

/* --- text ----------------------------------------------------------------- */

#define MAX_ORGS 6

typedef struct ptext {
    const domain *d;
    const char *process, *material, *product, *defect, *metric, *standard, *state;
    char org_names[MAX_ORGS][96];
    uint32_t org_count, sme_count;
    uint32_t months, years;
    uint32_t due_year, due_month; /* for {d} */
    uint32_t last_a;              /* for {b} */
} ptext;

static void expand(writer *w, rng *r, ptext *t, const char *tmpl)
{
    const char *p = tmpl;
    for (;;) {
        const char *brace = strchr(p, '{');
        if (brace == NULL) {
            w_text(w, p);
            return;
        }
        w_text_n(w, p, (size_t)(brace - p));
        switch (brace[1]) {
        case 'P':
            w_text(w, t->process);
            break;
        case 'M':
            w_text(w, t->material);
            break;
        case 'X':
            w_text(w, t->product);
            break;
        case 'D':
            w_text(w, t->defect);
            break;
        case 'Q':
            w_text(w, t->metric);
            break;
        case 'R':
            w_text(w, t->standard);
            break;
        case 'A':
            w_text(w, t->d->area_lc);
            break;
        case 'L':
            w_text(w, t->org_names[0]);
            break;
        case 'O':
            w_text(w, t->org_names[1 + below(r, t->org_count - 1)]);
            break;
        case 's':
            w_text(w, t->state);
            break;
        case 'g':
            w_uint(w, t->org_count);
            break;
        case 'e':
            w_uint(w, t->sme_count);
            break;
        case 'n':
            w_uint(w, (uint64_t)range(r, 2, 40));
            break;
        case 'N':
            w_uint(w, (uint64_t)range(r, 100, 900));
            break;
        case 'p': {
            uint32_t v = (uint32_t)range(r, 10, 150);
            w_uint(w, v / 10);
            W_LIT(w, ".");
            w_uint(w, v % 10);
            break;
        }
        case 'q':
            w_uint(w, (uint64_t)range(r, 80, 99));
            break;
        case 'f':
            w_uint(w, (uint64_t)range(r, 25, 75));
            break;
        case 'h':
            w_uint(w, (uint64_t)range(r, 4, 12) * 5);
            break;
        case 'k':
            w_dollars_k(w, skewed(r, 40, 900));
            break;
        case 'T':
            w_uint(w, (uint64_t)range(r, 3, 5));
            break;
        case 't':
            w_uint(w, (uint64_t)range(r, 6, 7));
            break;
        case 'm':
            w_uint(w, (uint64_t)range(r, 3, (int32_t)t->months));
            break;
        case 'y':
            w_uint(w, 2027 + below(r, t->years));
            break;
        case 'a':
            t->last_a = (uint32_t)range(r, 20, 90);
            w_uint(w, t->last_a);
            break;
        case 'b':
            w_uint(w, (uint64_t)range(r, (int32_t)t->last_a / 4, (int32_t)t->last_a * 3 / 4));
            break;
        case 'd':
            w_text(w, month_names[t->due_month - 1]);
            W_LIT(w, " ");
            w_uint(w, t->due_year);
            break;
        default: /* a typo in a template: keep the text as it is */
            w_text_n(w, brace, 3);
            break;
        }
        p = brace + 3;
    }
}

/* `count` of the `n` templates, each at most once, in their list order (so
 * that work package 1 comes before work package 2), joined by spaces. */
static void sentences(writer *w, rng *r, ptext *t, const char *const *list, uint32_t n,
                      uint32_t count)
{
    uint32_t idx[16];
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    for (uint32_t i = 0; i < count; i++) { /* a partial Fisher-Yates shuffle */
        uint32_t j = i + below(r, n - i);
        uint32_t x = idx[i];
        idx[i] = idx[j];
        idx[j] = x;
    }
    for (uint32_t i = 1; i < count; i++) /* sort the chosen ones */
        for (uint32_t j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
            uint32_t x = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = x;
        }
    for (uint32_t i = 0; i < count; i++) {
        if (i > 0)
            W_LIT(w, " ");
        expand(w, r, t, list[idx[i]]);
    }
}

#define SENTENCES(w, r, t, list, lo, hi)                                                           \
    sentences((w), (r), (t), (list), (uint32_t)COUNT(list), (uint32_t)range((r), (lo), (hi)))

/* The order in which C evaluates a call's arguments or an operator's operands
 * is unspecified (gcc and clang differ), so no expression here draws twice:
 * every draw is a statement of its own, and the bytes do not depend on the
 * compiler. */
static void name_org(char *out, size_t size, rng *r, int type, const place *where)
{
    const char *a, *b, *c;
    switch (type) {
    case 1: /* sme */
        a = PICK(r, geo);
        b = PICK(r, sme_words);
        c = PICK(r, sme_suffixes);
        snprintf(out, size, "%s %s %s", a, b, c);
        break;
    case 2: /* academic */
        switch (below(r, 3)) {
        case 0:
            snprintf(out, size, "University of %s", where->name);
            break;
        case 1:
            snprintf(out, size, "%s State University", where->name);
            break;
        default:
            snprintf(out, size, "%s Institute of Technology", PICK(r, geo));
            break;
        }
        break;
    case 3: /* government */
        snprintf(out, size, "%s National Laboratory", PICK(r, geo));
        break;
    case 4: /* nonprofit */
        if (below(r, 2) == 0)
            snprintf(out, size, "%s Manufacturing Extension Partnership", where->name);
        else
            snprintf(out, size, "%s Research Institute", PICK(r, geo));
        break;
    default: /* large */
        a = PICK(r, geo);
        b = PICK(r, large_words);
        c = PICK(r, large_suffixes);
        snprintf(out, size, "%s %s %s", a, b, c);
        break;
    }
}

static const char *const type_names[] = {"large", "sme", "academic", "government", "nonprofit"};

/* The id of organisation i: the first word of its name, lower case, and a
 * number, e.g. "keystone-1". */
static void w_org_id(writer *w, const char *name, uint32_t i)
{
    char id[24];
    size_t n = 0;
    for (const char *c = name; *c != '\0' && *c != ' ' && n < 16; c++)
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z'))
            id[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    w_put(w, id, n);
    W_LIT(w, "-");
    w_uint(w, i + 1);
}

static void w_proposal_id(writer *w, uint32_t p)
{
    W_LIT(w, "P");
    w_uint0(w, (uint64_t)p + 1, 6);
}

static void w_reviewer_id(gen *g, uint32_t r)
{
    writer *w = &g->w;
    W_LIT(w, "r");
    w_uint0(w, (uint64_t)r + 1, g->rid_width);
}

/* Splits total (thousands) into `years` parts with weights, the last one
 * shorter when the months do not fill it; whole thousands, exact sum. */
static void split(rng *r, uint32_t total_k, uint32_t months, uint32_t years, uint32_t *out)
{
    uint32_t weight[4], sum = 0;
    for (uint32_t y = 0; y < years; y++) {
        weight[y] = (uint32_t)range(r, 80, 120);
        if (y == years - 1 && months % 12 != 0)
            weight[y] = weight[y] * (months % 12) / 12 + 1;
        sum += weight[y];
    }
    uint32_t left = total_k;
    for (uint32_t y = 0; y + 1 < years; y++) {
        out[y] = (uint32_t)((uint64_t)total_k * weight[y] / sum);
        left -= out[y];
    }
    out[years - 1] = left;
}

static void w_money_attrs(writer *w, uint32_t federal_k, uint32_t cash_k, uint32_t kind_k)
{
    W_LIT(w, " federal=\"");
    w_uint(w, (uint64_t)federal_k * 1000);
    W_LIT(w, "\" cash=\"");
    w_uint(w, (uint64_t)cash_k * 1000);
    W_LIT(w, "\" in-kind=\"");
    w_uint(w, (uint64_t)kind_k * 1000);
    W_LIT(w, "\"/>\n");
}

static void write_proposal(gen *g, uint32_t p, bool with_ns)
{
    writer *w = &g->w;
    const pcore *c = &g->cores[p];
    rng r = stream(g->seed, S_TEXT, p);
    ptext t;
    t.d = &domains[below(&r, (uint32_t)COUNT(domains))];
    t.process = t.d->process[below(&r, 3)];
    t.material = t.d->material[below(&r, 3)];
    t.product = t.d->product[below(&r, 3)];
    t.defect = t.d->defect[below(&r, 2)];
    t.metric = PICK(&r, metrics);
    t.standard = PICK(&r, standards);
    t.months = c->months;
    t.years = (c->months + 11) / 12;
    t.last_a = 40;

    /* the team: the lead first */
    int types[MAX_ORGS];
    uint32_t employees[MAX_ORGS];
    const place *where[MAX_ORGS];
    t.org_count = (uint32_t)range(&r, 2, MAX_ORGS);
    t.sme_count = 0;
    for (uint32_t i = 0; i < t.org_count; i++) {
        uint32_t u = below(&r, 100);
        int type;
        if (i == 0)
            type = u < 55 ? 1 : u < 85 ? 0 : 2;
        else
            type = u < 40 ? 1 : u < 60 ? 0 : u < 82 ? 2 : u < 90 ? 3 : 4;
        types[i] = type;
        where[i] =
            (type <= 1 && i > 0 && below(&r, 100) < 4) ? &PICK(&r, countries) : &PICK(&r, states);
        switch (type) {
        case 1:
            employees[i] = skewed(&r, 5, 499);
            t.sme_count++;
            break;
        case 2:
            employees[i] = (uint32_t)range(&r, 800, 30000);
            break;
        case 3:
            employees[i] = (uint32_t)range(&r, 300, 6000);
            break;
        case 4:
            employees[i] = (uint32_t)range(&r, 8, 400);
            break;
        default:
            employees[i] = skewed(&r, 500, 60000);
            break;
        }
        name_org(t.org_names[i], sizeof(t.org_names[i]), &r, type, where[i]);
    }
    t.state = where[0]->name;

    if (with_ns)
        W_LIT(w, "<proposal xmlns=\"urn:merit:1\" id=\"");
    else
        W_LIT(w, "<proposal id=\"");
    w_proposal_id(w, p);
    W_LIT(w, "\" call=\"");
    w_str(w, g->call_id);
    W_LIT(w, "\" months=\"");
    w_uint(w, c->months);
    W_LIT(w, "\">\n  <title>");
    expand(w, &r, &t, PICK(&r, title_t));
    W_LIT(w, "</title>\n  <area>");
    w_text(w, t.d->area);
    W_LIT(w, "</area>\n  <team>\n");
    static const char *const chain_sme[] = {"material-supplier", "component-supplier",
                                            "equipment-maker", "system-integrator"};
    static const char *const chain_large[] = {"end-user", "end-user", "end-user",
                                              "system-integrator", "material-supplier"};
    for (uint32_t i = 0; i < t.org_count; i++) {
        W_LIT(w, "    <organisation id=\"");
        w_org_id(w, t.org_names[i], i);
        if (i == 0)
            W_LIT(w, "\" lead=\"true");
        W_LIT(w, "\" type=\"");
        w_str(w, type_names[types[i]]);
        W_LIT(w, "\" employees=\"");
        w_uint(w, employees[i]);
        W_LIT(w, "\" location=\"");
        w_attr(w, where[i]->code);
        W_LIT(w, "\" supply-chain=\"");
        w_attr(w, types[i] == 1   ? PICK(&r, chain_sme)
                  : types[i] == 0 ? PICK(&r, chain_large)
                                  : "research");
        W_LIT(w, "\">\n      <name>");
        w_text(w, t.org_names[i]);
        W_LIT(w, "</name>\n    </organisation>\n");
    }
    W_LIT(w, "  </team>\n  <sections>\n    <problem>");
    SENTENCES(w, &r, &t, problem_t, 4, 7);
    W_LIT(w, "</problem>\n    <approach>");
    for (size_t i = 0; i < COUNT(work_packages_t); i++) {
        expand(w, &r, &t, work_packages_t[i]);
        W_LIT(w, " ");
    }
    SENTENCES(w, &r, &t, approach_t, 3, 7);
    W_LIT(w, "</approach>\n    <milestones>\n");
    uint32_t ms = (uint32_t)range(&r, 2, 5);
    for (uint32_t i = 0; i < ms; i++) {
        uint32_t month = c->months * (i + 1) / ms; /* 1-based, ascending */
        t.due_year = 2027 + (month - 1) / 12;
        t.due_month = (month - 1) % 12 + 1;
        static const uint8_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        uint32_t day = days[t.due_month - 1];
        if (t.due_month == 2 && t.due_year % 4 == 0 &&
            (t.due_year % 100 != 0 || t.due_year % 400 == 0))
            day = 29;
        W_LIT(w, "      <milestone id=\"M");
        w_uint(w, i + 1);
        W_LIT(w, "\" due=\"");
        w_uint(w, t.due_year);
        W_LIT(w, "-");
        w_uint0(w, t.due_month, 2);
        W_LIT(w, "-");
        w_uint(w, day);
        W_LIT(w, "\">\n        <metric>");
        expand(w, &r, &t, PICK(&r, metric_t));
        W_LIT(w, "</metric>\n        <description>");
        SENTENCES(w, &r, &t, description_t, 1, 3);
        W_LIT(w, "</description>\n      </milestone>\n");
    }
    W_LIT(w, "    </milestones>\n    <management>");
    SENTENCES(w, &r, &t, management_t, 3, 5);
    W_LIT(w, "</management>\n    <diffusion>");
    SENTENCES(w, &r, &t, diffusion_t, 3, 5);
    W_LIT(w, "</diffusion>\n    <sme-involvement>");
    if (t.sme_count == 0)
        W_LIT(w, "No partner is a small or medium-sized manufacturer; small firms take part "
                 "through the outreach below. ");
    else if (t.sme_count == 1)
        expand(w, &r, &t,
               "One of the {g} partners is a small manufacturer, and it holds {f}% "
               "of the federal budget. ");
    else
        expand(w, &r, &t,
               "{e} of the {g} partners are small or medium-sized manufacturers, "
               "and they hold {f}% of the federal budget. ");
    SENTENCES(w, &r, &t, sme_t, 2, 4);
    W_LIT(w, "</sme-involvement>\n  </sections>\n  <budget>\n");
    uint32_t cash_k = (uint32_t)((uint64_t)c->share_k * c->cash_pct / 100);
    uint32_t kind_k = c->share_k - cash_k;
    uint32_t fy[4], cy[4], ky[4];
    split(&r, c->federal_k, t.months, t.years, fy);
    split(&r, cash_k, t.months, t.years, cy);
    split(&r, kind_k, t.months, t.years, ky);
    for (uint32_t y = 0; y < t.years; y++) {
        W_LIT(w, "    <year number=\"");
        w_uint(w, y + 1);
        W_LIT(w, "\"");
        w_money_attrs(w, fy[y], cy[y], ky[y]);
    }
    W_LIT(w, "    <total");
    w_money_attrs(w, c->federal_k, cash_k, kind_k);
    W_LIT(w, "  </budget>\n</proposal>\n");
}

static void write_review(gen *g, uint32_t reviewer, uint32_t p)
{
    writer *w = &g->w;
    const pcore *c = &g->cores[p];
    uint32_t j = (uint32_t)((reviewer + g->r - (uint32_t)(((uint64_t)p * g->k) % g->r)) % g->r);
    rng r = stream(g->seed, S_REVIEW, (uint64_t)p * g->k + j);
    static const uint8_t confidence_of[] = {1, 2, 2, 3, 3, 3, 3, 3, 3, 3,
                                            4, 4, 4, 4, 4, 4, 5, 5, 5, 5};
    uint32_t confidence = PICK(&r, confidence_of);
    int no_score = below(&r, 200) == 0 ? (below(&r, 2) == 0 ? 4 : 5) : -1; /* cost or sme */
    W_LIT(w, "  <review proposal=\"");
    w_proposal_id(w, p);
    W_LIT(w, "\" confidence=\"");
    w_uint(w, confidence);
    W_LIT(w, "\">\n");
    int32_t sum = 0;
    for (int k = 0; k < CRITERIA; k++) {
        int32_t noise = range(&r, -2, 2); /* two draws, two statements: see name_org */
        noise += range(&r, -1, 1);
        int32_t v = c->quality + c->offset[k] + g->leniency[reviewer] + noise;
        v = v < 0 ? 0 : v > 20 ? 20 : v;
        sum += v;
        if (k == no_score) {
            W_LIT(w, "    <no-score criterion=\"");
            w_str(w, criterion_ids[k]);
            W_LIT(w, "\">Outside my expertise.</no-score>\n");
            continue;
        }
        W_LIT(w, "    <score criterion=\"");
        w_str(w, criterion_ids[k]);
        W_LIT(w, "\" value=\"");
        w_half(w, v);
        if (below(&r, 40) == 0) {
            W_LIT(w, "\" confidence=\"");
            w_uint(w, (uint64_t)range(&r, 1, 5));
        }
        W_LIT(w, "\">");
        w_text(w, criterion_subjects[k]);
        w_text(w, v >= 15 ? PICK(&r, high_p) : v >= 10 ? PICK(&r, mid_p) : PICK(&r, low_p));
        W_LIT(w, "</score>\n");
    }
    W_LIT(w, "    <comment>");
    if (sum >= 15 * CRITERIA) {
        W_LIT(w, "One of the stronger proposals I reviewed. ");
        w_text(w, PICK(&r, overall_high));
    } else if (sum >= 11 * CRITERIA) {
        W_LIT(w, "A fundable proposal with some weaknesses. ");
        w_text(w, PICK(&r, overall_mid));
    } else {
        W_LIT(w, "Not ready for funding in its present form. ");
        w_text(w, PICK(&r, overall_low));
    }
    W_LIT(w, "</comment>\n  </review>\n");
}

static void write_sheet(gen *g, uint32_t reviewer, bool with_ns)
{
    writer *w = &g->w;
    if (with_ns)
        W_LIT(w, "<sheet xmlns=\"urn:merit:1\" reviewer=\"");
    else
        W_LIT(w, "<sheet reviewer=\"");
    w_reviewer_id(g, reviewer);
    W_LIT(w, "\" call=\"");
    w_str(w, g->call_id);
    W_LIT(w, "\">\n");
    size_t c0 = g->conflict_first[reviewer], c1 = g->conflict_first[reviewer + 1];
    if (c1 > c0) {
        W_LIT(w, "  <conflicts>\n");
        for (size_t i = c0; i < c1; i++) {
            W_LIT(w, "    <conflict proposal=\"");
            w_proposal_id(w, g->conflicts[i].proposal);
            W_LIT(w, "\">");
            w_text(w, conflict_reasons[g->conflicts[i].reason]);
            W_LIT(w, "</conflict>\n");
        }
        W_LIT(w, "  </conflicts>\n");
    }
    for (size_t i = g->first[reviewer]; i < g->first[reviewer + 1]; i++)
        write_review(g, reviewer, g->assigned[i]);
    W_LIT(w, "</sheet>\n");
}

static const char xml_decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

static bool write_call(gen *g)
{
    writer *w = &g->w;
    if (!file_open(g, "call.xml"))
        return false;
    uint64_t requested_k = 0;
    for (uint32_t i = 0; i < g->n; i++)
        requested_k += g->cores[i].federal_k;
    w_str(w, xml_decl);
    W_LIT(w, "<!-- A synthetic call written by merit-gen: ");
    w_uint(w, g->n);
    W_LIT(w, " proposals, ");
    w_uint(w, g->r);
    W_LIT(w, " reviewers, ");
    w_uint(w, g->k);
    W_LIT(w, " reviews per proposal, seed ");
    w_uint(w, g->seed);
    W_LIT(w, ". -->\n<call xmlns=\"urn:merit:1\" id=\"");
    w_str(w, g->call_id);
    W_LIT(w, "\" currency=\"USD\">\n  <title>Synthetic Manufacturing USA project call (seed ");
    w_uint(w, g->seed);
    W_LIT(w, ")</title>\n  <budget available=\"");
    w_uint(w, requested_k / 4 * 1000); /* about a quarter of the requests */
    W_LIT(w, "\"/>\n  <rubric name=\"manufacturing-usa\"/>\n  <panel>\n");
    for (uint32_t i = 0; i < g->r; i++) {
        rng r = stream(g->seed, S_PANEL, i);
        W_LIT(w, "    <reviewer id=\"");
        w_reviewer_id(g, i);
        W_LIT(w, "\">\n      <name>");
        if (below(&r, 2) == 0)
            W_LIT(w, "Dr. ");
        w_text(w, PICK(&r, first_names));
        W_LIT(w, " ");
        w_text(w, PICK(&r, last_names));
        W_LIT(w, "</name>\n      <affiliation>");
        w_text(w, PICK(&r, reviewer_roles));
        W_LIT(w, ", ");
        char inst[96];
        static const int kinds[] = {2, 2, 2, 3, 4, 0};
        int kind = PICK(&r, kinds);
        const place *state = &PICK(&r, states);
        name_org(inst, sizeof(inst), &r, kind, state);
        w_text(w, inst);
        W_LIT(w, "</affiliation>\n    </reviewer>\n");
    }
    W_LIT(w, "  </panel>\n</call>\n");
    return file_close(g, "call.xml");
}

static bool write_proposals(gen *g)
{
    if (mkdir(stage_path(g, "proposals"), 0777) != 0) {
        report_io(g, "proposals", "cannot create folder", errno);
        return false;
    }
    if (!g->files) {
        const char *rel = "proposals/bundle.xml";
        if (!file_open(g, rel))
            return false;
        w_str(&g->w, xml_decl);
        W_LIT(&g->w, "<proposals xmlns=\"urn:merit:1\">\n");
        for (uint32_t p = 0; p < g->n && merit_sink_ok(&g->w.sink); p++)
            write_proposal(g, p, false);
        W_LIT(&g->w, "</proposals>\n");
        return file_close(g, rel);
    }
    char rel[32];
    for (uint32_t p = 0; p < g->n; p++) {
        snprintf(rel, sizeof(rel), "proposals/P%06lu.xml", (unsigned long)p + 1);
        if (!file_open(g, rel))
            return false;
        w_str(&g->w, xml_decl);
        write_proposal(g, p, true);
        if (!file_close(g, rel))
            return false;
    }
    return true;
}

static bool write_reviews(gen *g)
{
    if (mkdir(stage_path(g, "reviews"), 0777) != 0) {
        report_io(g, "reviews", "cannot create folder", errno);
        return false;
    }
    if (!g->files) {
        const char *rel = "reviews/bundle.xml";
        if (!file_open(g, rel))
            return false;
        w_str(&g->w, xml_decl);
        W_LIT(&g->w, "<sheets xmlns=\"urn:merit:1\">\n");
        for (uint32_t r = 0; r < g->r && merit_sink_ok(&g->w.sink); r++)
            write_sheet(g, r, false);
        W_LIT(&g->w, "</sheets>\n");
        return file_close(g, rel);
    }
    char rel[32];
    for (uint32_t r = 0; r < g->r; r++) {
        snprintf(rel, sizeof(rel), "reviews/r%0*lu.xml", (int)g->rid_width, (unsigned long)r + 1);
        if (!file_open(g, rel))
            return false;
        w_str(&g->w, xml_decl);
        write_sheet(g, r, true);
        if (!file_close(g, rel))
            return false;
    }
    return true;
}

/* --- the command ---------------------------------------------------------- */

/* 0: DIR is fine (*created says whether gen made it); else an exit code. */
static int prepare_dir(const char *dir, bool *created)
{
    *created = false;
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT) {
            print_line(stderr, "%s: error: cannot use as the output folder: %s", dir,
                       strerror(errno));
            return EXIT_IO;
        }
        if (mkdir(dir, 0777) != 0) {
            print_line(stderr, "%s: error: cannot create folder: %s", dir, strerror(errno));
            return EXIT_IO;
        }
        *created = true;
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        print_line(stderr, "%s: error: exists and is not a folder", dir);
        return EXIT_IO;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        print_line(stderr, "%s: error: cannot read folder: %s", dir, strerror(errno));
        return EXIT_IO;
    }
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty) {
        print_line(stderr,
                   "%s: error: folder is not empty; merit-gen writes only into a new or "
                   "empty folder",
                   dir);
        return EXIT_IO;
    }
    return 0;
}

static int generate(gen *g)
{
    bool created;
    int code = prepare_dir(g->dir, &created);
    if (code != 0)
        return code;
    size_t dlen = strlen(g->dir);
    g->stage = malloc(dlen + 16);
    g->path_size = dlen + 64;
    g->path = malloc(g->path_size);
    char *final_path = malloc(g->path_size);
    g->w.buf = malloc(BUF_CAP);
    if (g->stage == NULL || g->path == NULL || final_path == NULL || g->w.buf == NULL || !plan(g)) {
        fputs("merit-gen: error: out of memory\n", stderr);
        free(final_path);
        if (created)
            rmdir(g->dir);
        return EXIT_IO;
    }
    snprintf(g->stage, dlen + 16, "%s/.gen-XXXXXX", g->dir);
    if (mkdtemp(g->stage) == NULL) {
        print_line(stderr, "%s: error: cannot create a folder in it: %s", g->dir, strerror(errno));
        free(final_path);
        if (created)
            rmdir(g->dir);
        return EXIT_IO;
    }
    bool ok = write_call(g) && write_proposals(g) && write_reviews(g);
    /* move the finished call into place, call.xml last */
    static const char *const parts[] = {"proposals", "reviews", "call.xml"};
    size_t moved = 0;
    for (; ok && moved < COUNT(parts); moved++) {
        snprintf(final_path, g->path_size, "%s/%s", g->dir, parts[moved]);
        if (rename(stage_path(g, parts[moved]), final_path) != 0) {
            report_io(g, parts[moved], "cannot move into place", errno);
            ok = false;
            break;
        }
    }
    if (ok) {
        rmdir(g->stage);
    } else {
        remove_tree(g->stage);
        for (size_t i = 0; i < moved; i++) {
            snprintf(final_path, g->path_size, "%s/%s", g->dir, parts[i]);
            remove_tree(final_path);
        }
        if (created)
            rmdir(g->dir);
    }
    free(final_path);
    if (!ok)
        return EXIT_IO;
    print_line(stdout,
               "%s: call %s: %lu proposals, %lu reviewers, %lu reviews, %zu declared "
               "conflicts, %s layout, %llu bytes",
               g->dir, g->call_id, (unsigned long)g->n, (unsigned long)g->r,
               (unsigned long)g->n * g->k, g->conflict_count, g->files ? "files" : "bundles",
               (unsigned long long)g->w.bytes);
    return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
    unsigned long n = 100, r = 20, k = 3, seed = 1;
    bool files = false;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "--proposals") == 0) {
            if (!parse_uint(value, MAX_PROPOSALS, &n) || n == 0)
                return usage_error("--proposals takes a whole number from 1 to %lu", MAX_PROPOSALS);
            i++;
        } else if (strcmp(a, "--reviewers") == 0) {
            if (!parse_uint(value, MAX_REVIEWERS, &r) || r == 0)
                return usage_error("--reviewers takes a whole number from 1 to %lu", MAX_REVIEWERS);
            i++;
        } else if (strcmp(a, "--reviews-per-proposal") == 0) {
            if (!parse_uint(value, MAX_REVIEWERS, &k) || k == 0)
                return usage_error("--reviews-per-proposal takes a whole number from "
                                   "1 to the number of reviewers");
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_uint(value, (unsigned long)UINT64_MAX, &seed))
                return usage_error("--seed takes a whole number from 0 to "
                                   "18446744073709551615");
            i++;
        } else if (strcmp(a, "--layout") == 0) {
            if (value != NULL && strcmp(value, "bundles") == 0)
                files = false;
            else if (value != NULL && strcmp(value, "files") == 0)
                files = true;
            else
                return usage_error("--layout takes bundles or files");
            i++;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return usage_error("%s needs a folder name", a);
            dir = value;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            return usage_error("unexpected argument '%s' (the folder goes after -o)", a);
        }
    }
    if (dir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (k > r)
        return usage_error("--reviews-per-proposal %lu needs at least %lu reviewers, "
                           "not %lu",
                           k, k, r);

    /* "out/" names the folder "out": keep messages and paths tidy */
    size_t dlen = strlen(dir);
    char *dirname = malloc(dlen + 1);
    if (dirname == NULL) {
        fputs("merit-gen: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    memcpy(dirname, dir, dlen + 1);
    while (dlen > 1 && dirname[dlen - 1] == '/')
        dirname[--dlen] = '\0';

    gen g = {0};
    g.seed = seed;
    g.n = (uint32_t)n;
    g.r = (uint32_t)r;
    g.k = (uint32_t)k;
    g.files = files;
    g.dir = dirname;
    snprintf(g.call_id, sizeof(g.call_id), "GEN-%llu", (unsigned long long)seed);
    g.rid_width = r >= 10000 ? 5 : r >= 1000 ? 4 : 3;
    int code = generate(&g);
    free(g.cores);
    free(g.leniency);
    free(g.assigned);
    free(g.first);
    free(g.conflicts);
    free(g.conflict_first);
    free(g.w.buf);
    free(g.stage);
    free(g.path);
    free(dirname);
    return code;
}
