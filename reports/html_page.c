/*
 * What every HTML page merit writes shares: the document's start (doctype,
 * a head with a strict Content-Security-Policy and the shared stylesheet,
 * the SVG patterns the charts fill with), its end, and an SVG bar chart.
 *
 * The pages are one self-contained file each: inline CSS and inline SVG,
 * no script, no external resource, so that they open offline and from a
 * mail attachment. They are also well-formed XML (every element closed,
 * every attribute quoted, only the five XML entities), so that libxml2's
 * XML parser reads them: the tests check their structure that way.
 *
 * Chart coordinates are computed in integer hundredths of a pixel from the
 * exact values (GMP), never through a float, so a page has the same bytes
 * on every machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The stylesheet every page shares. No '<' or '&' in it: it sits in an
 * XML-compatible <style>. Colours are from the Okabe-Ito palette
 * (colour-blind safe); every status is also told apart by a text label
 * and a border or fill pattern, so that it reads in greyscale. */
static const char shared_css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#111;background:#fff}\n"
    "h1{font-size:1.5em;margin:0 0 .5em}h2{font-size:1.2em;margin:1.5em 0 .5em}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
    "th,td{border:1px solid #bbb;padding:.15em .4em;vertical-align:top}\n"
    "thead th{background:#eee;text-align:left;position:sticky;top:0}\n"
    "tbody th{text-align:left;font-weight:normal}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}\n"
    "dl.meta dt{font-weight:bold}dl.meta dd{margin:0}\n"
    "code,.hash{font-family:ui-monospace,monospace;font-size:.9em}.hash{overflow-wrap:anywhere}\n"
    "tbody th code{white-space:nowrap}\n"
    "#ranking td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "#ranking td.t{text-align:left;white-space:normal}#ranking td.t:nth-child(3){min-width:16em}\n"
    "#ranking tr.funding-line>td{text-align:center;white-space:normal}\n"
    "td[title]{text-decoration:underline dotted}\n"
    ".st{display:inline-block;padding:0 .3em;border-radius:2px;font-size:.85em;"
    "white-space:nowrap}\n"
    ".st-funded{border:2px solid #0072b2;background:#d5e8f5;font-weight:bold}\n"
    ".st-reserve{border:2px dashed #b36b00;background:#fdf0d5}\n"
    ".st-below-threshold,.st-ineligible,.st-insufficient-reviews{border:1px dotted #555;"
    "color:#333}\n"
    "tr[data-status=funded]>td:first-child{border-left:4px solid #0072b2}\n"
    "tr[data-status=reserve]>td:first-child{border-left:4px dashed #b36b00}\n"
    "tr.funding-line>td{border-top:3px double #000;border-bottom:3px double #000;"
    "font-weight:bold;text-align:center;background:#fff}\n"
    ".note{color:#333;font-size:.9em}\n"
    ".hook{color:#555;font-style:italic}\n"
    "figure{margin:1em 0}figcaption{font-size:.9em;color:#333}\n"
    "svg.chart{max-width:100%;height:auto;font:11px system-ui,sans-serif}\n"
    "svg.defs{position:absolute;width:0;height:0;overflow:hidden}\n"
    ".axis{stroke:#000;stroke-width:1;fill:none}.grid{stroke:#ddd;stroke-width:1}\n"
    ".marker{stroke:#000;stroke-width:2;stroke-dasharray:6 3}\n"
    ".bar-funded{fill:#0072b2}.bar-reserve{fill:url(#merit-hatch)}\n"
    ".bar-plain{fill:#56b4e9;stroke:#034f7a;stroke-width:.5}\n"
    ".bar-other{fill:url(#merit-dots)}\n"
    ".axis-title{font-weight:bold}\n"
    ".criteria{display:flex;flex-wrap:wrap;gap:0 2em}.criteria>div{flex:0 1 420px}\n"
    "@media print{body{margin:0;font-size:10pt}thead th{position:static}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "figure,section.charts{break-inside:avoid}"
    ".st-funded,tr.funding-line>td{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "a{color:inherit;text-decoration:none}}\n";

/* Patterns for the chart fills, once per page: a hatch (reserve) and dots
 * (anything else), each readable without colour. */
static const char shared_defs[] =
    "<svg class=\"defs\" xmlns=\"http://www.w3.org/2000/svg\" aria-hidden=\"true\" "
    "focusable=\"false\"><defs>"
    "<pattern id=\"merit-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f5c26b\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#5c3700\" stroke-width=\"3\"/></pattern>"
    "<pattern id=\"merit-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"5\" height=\"5\" fill=\"#eee\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.2\" "
    "fill=\"#555\"/></pattern>"
    "</defs></svg>\n";

void merit__html_begin(merit_sink *sink, const char *page_title, const char *lang)
{
    merit_sink_puts(sink, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
    merit_sink_html(sink, lang != NULL && lang[0] != '\0' ? lang : "en");
    merit_sink_puts(sink, "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                          "'none'; style-src 'unsafe-inline'; img-src data:\"/>\n"
                          "<meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\"/>\n<meta name=\"generator\" content=\"merit\"/>\n"
                          "<title>");
    merit_sink_html(sink, page_title != NULL ? page_title : "merit");
    merit_sink_puts(sink, "</title>\n<style>\n");
    merit_sink_puts(sink, shared_css);
    merit_sink_puts(sink, "</style>\n</head>\n<body>\n");
    merit_sink_puts(sink, shared_defs);
}

void merit__html_end(merit_sink *sink)
{
    merit_sink_puts(sink, "</body>\n</html>\n");
}

/* --- numbers in hundredths of a pixel --------------------------------------- */

/* Writes v hundredths as "12.34" ("12" when whole, "-0.5" style signs). */
static void put_hundredths(merit_sink *sink, long v)
{
    if (v < 0) {
        merit_sink_putc(sink, '-');
        v = -v;
    }
    if (v % 100 == 0)
        merit_sink_printf(sink, "%ld", v / 100);
    else if (v % 10 == 0)
        merit_sink_printf(sink, "%ld.%ld", v / 100, (v % 100) / 10);
    else
        merit_sink_printf(sink, "%ld.%02ld", v / 100, v % 100);
}

/* floor((v - lo) * span / (hi - lo)), clamped to [0, span]; 0 when hi <= lo. */
static long scale_to(mpq_srcptr v, mpq_srcptr lo, mpq_srcptr hi, long span)
{
    if (mpq_cmp(hi, lo) <= 0)
        return 0;
    mpq_t num, den;
    mpq_inits(num, den, NULL);
    mpq_sub(num, v, lo);
    mpq_sub(den, hi, lo);
    mpq_div(num, num, den);
    mpz_t scaled;
    mpz_init(scaled);
    mpz_mul_si(scaled, mpq_numref(num), span);
    mpz_fdiv_q(scaled, scaled, mpq_denref(num));
    long out;
    if (mpz_sgn(scaled) < 0)
        out = 0;
    else if (mpz_cmp_si(scaled, span) > 0)
        out = span;
    else
        out = mpz_get_si(scaled);
    mpz_clear(scaled);
    mpq_clears(num, den, NULL);
    return out;
}

/* A step between x-axis labels that keeps about `most` of them: 1, 2, 5,
 * 10, 20, 50, ... */
static size_t label_step(size_t count, size_t most)
{
    size_t step = 1;
    for (;;) {
        static const size_t mult[] = {1, 2, 5};
        for (size_t m = 0; m < 3; m++)
            if (count / (step * mult[m]) <= most)
                return step * mult[m];
        if (step > SIZE_MAX / 100)
            return SIZE_MAX;
        step *= 10;
    }
}

/* Chart geometry, in pixels of the viewBox. */
enum {
    CHART_W = 720,
    CHART_H = 300,
    PLOT_L = 64,
    PLOT_R = 16,
    PLOT_T = 28,
    PLOT_B = 52,
    PLOT_W = CHART_W - PLOT_L - PLOT_R,
    PLOT_H = CHART_H - PLOT_T - PLOT_B,
};

void merit__html_bar_chart(merit_sink *sink, const merit_html_chart *ch)
{
    const char *id = ch->id != NULL ? ch->id : "chart";
    const long base = (long)(PLOT_T + PLOT_H) * 100;
    merit_sink_puts(sink, "<figure id=\"");
    merit_sink_html(sink, id);
    merit_sink_printf(sink,
                      "\">\n<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                      "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                      "aria-labelledby=\"",
                      CHART_W, CHART_H, CHART_W, CHART_H);
    merit_sink_html(sink, id);
    merit_sink_puts(sink, "-t\"><title id=\"");
    merit_sink_html(sink, id);
    merit_sink_puts(sink, "-t\">");
    merit_sink_html(sink, ch->title != NULL ? ch->title : "");
    merit_sink_puts(sink, "</title>\n");

    /* grid lines and y ticks: five, from y_min to y_max */
    mpq_t tick, step;
    mpq_inits(tick, step, NULL);
    mpq_sub(step, ch->y_max, ch->y_min);
    mpq_set_ui(tick, 4, 1);
    mpq_div(step, step, tick);
    for (unsigned k = 0; k <= 4; k++) {
        mpq_set_ui(tick, k, 1);
        mpq_mul(tick, tick, step);
        mpq_add(tick, tick, ch->y_min);
        long y = base - scale_to(tick, ch->y_min, ch->y_max, (long)PLOT_H * 100);
        if (k > 0) {
            merit_sink_printf(sink, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"", PLOT_L,
                              PLOT_L + PLOT_W);
            put_hundredths(sink, y);
            merit_sink_puts(sink, "\" y2=\"");
            put_hundredths(sink, y);
            merit_sink_puts(sink, "\"/>");
        }
        merit_sink_printf(sink, "<text x=\"%d\" y=\"", PLOT_L - 6);
        put_hundredths(sink, y + 350);
        merit_sink_puts(sink, "\" text-anchor=\"end\">");
        merit_sink_take(sink, merit_decimal_string(tick, ch->places));
        merit_sink_puts(sink, "</text>\n");
    }
    mpq_clears(tick, step, NULL);

    /* the bars: one path per series, a sub-path per bar, so that a
     * 10,000-bar chart stays small */
    const long plot_w = (long)PLOT_W * 100;
    size_t n = ch->count;
    for (size_t s = 0; s < ch->series_count && n > 0; s++) {
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if ((ch->series != NULL ? ch->series[i] : 0) != s)
                continue;
            long x0 = (long)PLOT_L * 100 + (long)((uint64_t)i * (uint64_t)plot_w / n);
            long x1 = (long)PLOT_L * 100 + (long)((uint64_t)(i + 1) * (uint64_t)plot_w / n);
            long w = x1 - x0;
            long gap = w >= 400 ? w / 5 : 0;
            long h = scale_to(ch->values[i], ch->y_min, ch->y_max, (long)PLOT_H * 100);
            if (h == 0)
                continue;
            if (!any) {
                merit_sink_puts(sink, "<path class=\"bar-");
                merit_sink_html(sink, ch->series_class[s]);
                merit_sink_puts(sink, "\" d=\"");
                any = true;
            }
            merit_sink_putc(sink, 'M');
            put_hundredths(sink, x0 + gap / 2);
            merit_sink_putc(sink, ' ');
            put_hundredths(sink, base);
            merit_sink_puts(sink, "v-");
            put_hundredths(sink, h);
            merit_sink_putc(sink, 'h');
            put_hundredths(sink, w - gap);
            merit_sink_putc(sink, 'v');
            put_hundredths(sink, h);
            merit_sink_putc(sink, 'z');
        }
        if (any)
            merit_sink_puts(sink, "\"/>\n");
    }

    /* axes, x labels, axis titles */
    merit_sink_printf(sink,
                      "<path class=\"axis\" d=\"M%d %dV%dH%d\"/>\n"
                      "<text class=\"axis-title\" transform=\"rotate(-90)\" x=\"-%d\" y=\"14\" "
                      "text-anchor=\"middle\">",
                      PLOT_L, PLOT_T, PLOT_T + PLOT_H, PLOT_L + PLOT_W, PLOT_T + PLOT_H / 2);
    merit_sink_html(sink, ch->y_title != NULL ? ch->y_title : "");
    merit_sink_printf(sink,
                      "</text>\n<text class=\"axis-title\" x=\"%d\" y=\"%d\" "
                      "text-anchor=\"middle\">",
                      PLOT_L + PLOT_W / 2, CHART_H - 6);
    merit_sink_html(sink, ch->x_title != NULL ? ch->x_title : "");
    merit_sink_puts(sink, "</text>\n");
    size_t every = label_step(n, 12);
    for (size_t i = 0; i < n; i++) {
        bool labelled = ch->x_labels != NULL ? i % every == 0 : i == 0 || (i + 1) % every == 0;
        if (!labelled)
            continue;
        long x0 = (long)PLOT_L * 100 + (long)((uint64_t)i * (uint64_t)plot_w / n);
        long x1 = (long)PLOT_L * 100 + (long)((uint64_t)(i + 1) * (uint64_t)plot_w / n);
        merit_sink_puts(sink, "<text x=\"");
        put_hundredths(sink, (x0 + x1) / 2);
        merit_sink_printf(sink, "\" y=\"%d\" text-anchor=\"middle\">", PLOT_T + PLOT_H + 16);
        if (ch->x_labels != NULL)
            merit_sink_html(sink, ch->x_labels[i]);
        else
            merit_sink_printf(sink, "%zu", i + 1);
        merit_sink_puts(sink, "</text>");
    }
    merit_sink_putc(sink, '\n');

    /* the marker (the funding line) between two bars */
    if (ch->marker_label != NULL && ch->marker_after <= n && n > 0) {
        long x = (long)PLOT_L * 100 + (long)((uint64_t)ch->marker_after * (uint64_t)plot_w / n);
        merit_sink_puts(sink, "<line class=\"marker\" x1=\"");
        put_hundredths(sink, x);
        merit_sink_puts(sink, "\" x2=\"");
        put_hundredths(sink, x);
        merit_sink_printf(sink, "\" y1=\"%d\" y2=\"%d\"/><text x=\"", PLOT_T - 4, PLOT_T + PLOT_H);
        put_hundredths(sink, x + (ch->marker_after * 2 > n ? -400 : 400));
        merit_sink_printf(sink, "\" y=\"%d\" text-anchor=\"%s\">", PLOT_T + 8,
                          ch->marker_after * 2 > n ? "end" : "start");
        merit_sink_html(sink, ch->marker_label);
        merit_sink_puts(sink, "</text>\n");
    }

    /* the legend, top left above the plot: a swatch and a name per series */
    if (ch->series_names != NULL) {
        long x = PLOT_L;
        for (size_t s = 0; s < ch->series_count; s++) {
            merit_sink_printf(sink, "<rect class=\"bar-");
            merit_sink_html(sink, ch->series_class[s]);
            merit_sink_printf(sink,
                              "\" x=\"%ld\" y=\"6\" width=\"12\" height=\"12\"/><text x=\"%ld\" "
                              "y=\"16\">",
                              x, x + 16);
            merit_sink_html(sink, ch->series_names[s]);
            merit_sink_puts(sink, "</text>");
            x += 24 + 7 * (long)merit_report_width(ch->series_names[s]);
        }
        merit_sink_putc(sink, '\n');
    }
    merit_sink_puts(sink, "</svg>\n<figcaption>");
    merit_sink_html(sink, ch->caption != NULL ? ch->caption : "");
    merit_sink_puts(sink, "</figcaption>\n</figure>\n");
}
