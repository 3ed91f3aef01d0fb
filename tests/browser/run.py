#!/usr/bin/env python3
"""The browser tests of merit's HTML output (tests/browser/CMakeLists.txt).

    run.py report  --merit BIN --out DIR CALL HOSTILE_CALL
        merit rank CALL --format html (and HOSTILE_CALL's) in chromium
    run.py summary --merit BIN --out DIR CALL HOSTILE_CALL
        merit summary CALL -o DIR --format html, every page in chromium
    run.py fixtures --merit BIN --out DIR CALL HOSTILE_CALL
        the hand-written stand-ins fixture-report.html and
        fixture-hostile.html, with the same checks as the real report
    run.py selftest --merit BIN --out DIR CALL HOSTILE_CALL
        copies of the fixtures with one thing wrong each (MUTATIONS): each
        must fail with the check that looks for it

What every page must do: no console error, no uncaught exception, no log
error, no network request (driver.py), no script element, no element that
runs or loads anything, a Content-Security-Policy meta tag, a visible body.
The report's ranked rows must come in the order of `merit rank --format
json`, with the statuses it gives, and the funding line right after the last
funded row. Input text that carries markup (tests/data/hostile-titles) must
show as text. Screenshots go to DIR (in the build folder).

Exit status 0 pass, 1 fail, 77 skipped (no chromium, or a merit without the
command: the reason is printed).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driver  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Every page: what a self-contained report without script must hold.
PAGE_CHECKS = [
    ("no-script", "document.querySelectorAll('script').length === 0 || "
     "'script elements: ' + document.querySelectorAll('script').length"),
    ("no-active-elements", """(() => {
        const bad = [...document.querySelectorAll(
            'iframe, frame, object, embed, img, link, base, form, meta[http-equiv="refresh" i]')]
          .map(e => e.outerHTML.slice(0, 80));
        for (const e of document.querySelectorAll('*'))
          for (const a of e.attributes)
            if (/^on/i.test(a.name)) bad.push(e.tagName + ' ' + a.name);
        return bad.length === 0 || bad; })()"""),
    ("csp-meta", "!!document.querySelector("
     "'meta[http-equiv=\"Content-Security-Policy\" i]') || "
     "'no <meta http-equiv=\"Content-Security-Policy\">'"),
    ("body-visible", "getComputedStyle(document.body).display !== 'none' && "
     "document.body.getBoundingClientRect().height > 0 || 'the body is hidden'"),
]

# The hostile call: what must show as text.
HOSTILE_TITLE = "<script>alert(1)</script>"
# ... and in the applicant summary of P000001, reviewer r001's comment.
HOSTILE_COMMENT = ('<script src="https://example.invalid/x.js"></script>'
                   '<link rel=stylesheet href="https://example.invalid/x.css">')


def js(value):
    return json.dumps(value)


def text_check(name, needle, where="document.body"):
    return (name, "%s.textContent.includes(%s) || 'not shown as text: ' + %s"
            % (where, js(needle), js(needle)))


def report_checks(ranking):
    """The ranking table against the JSON report's ranking: the rows in
    order (only the ranked proposals, or every proposal in the JSON's order),
    each with its status, and the funding line after the last funded row."""
    ranked = [r["id"] for r in ranking if r["rank"] is not None]
    every = [r["id"] for r in ranking]
    status = {r["id"]: r["status"] for r in ranking}
    funded = [r["id"] for r in ranking if r["status"] == "funded"]
    rows = "[...document.querySelectorAll('#ranking tr[data-id]')]"
    return [
        ("ranking-table", "!!document.getElementById('ranking') || 'no #ranking'"),
        ("rows-in-rank-order", """(() => {
            const got = %s.map(r => r.dataset.id);
            const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
            return same(got, %s) || same(got, %s) ||
              {got: got, expected: %s, or_every_proposal: %s}; })()"""
         % (rows, js(ranked), js(every), js(ranked), js(every))),
        ("statuses", """(() => {
            const want = %s;
            const bad = %s.filter(r => r.dataset.status !== want[r.dataset.id])
              .map(r => r.dataset.id + ': data-status ' + r.dataset.status +
                   ', the JSON report says ' + want[r.dataset.id]);
            return bad.length === 0 || bad; })()""" % (js(status), rows)),
        ("funding-line", """(() => {
            const t = document.getElementById('ranking');
            const lines = t.querySelectorAll('tr.funding-line');
            if (lines.length !== 1) return lines.length + ' tr.funding-line rows, expected 1';
            const all = [...t.querySelectorAll('tr')];
            const at = all.indexOf(lines[0]);
            const ids = rs => rs.filter(r => r.dataset.id).map(r => r.dataset.id);
            const before = ids(all.slice(0, at)), after = ids(all.slice(at + 1));
            const funded = %s;
            const same = before.length === funded.length && before.every((x, i) => x === funded[i]);
            return same || {rows_before_the_line: before, funded: funded,
                            first_row_after: after[0] || null}; })()""" % js(funded)),
    ]


def hostile_checks(call_title):
    return [text_check("hostile-title-as-text", HOSTILE_TITLE),
            text_check("hostile-call-title-as-text", call_title,
                       "document.documentElement")]


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, **kw)


def merit_json(merit, call):
    p = run([merit, "rank", call, "--format", "json"])
    if p.returncode != 0:
        sys.exit("run.py: error: merit rank %s --format json: exit %d: %s"
                 % (call, p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def call_title(call):
    ns = "{urn:merit:1}"
    return ET.parse(os.path.join(call, "call.xml")).getroot().findtext(ns + "title")


def panel(call):
    """The reviewers' names and ids of a call (call.xml's panel)."""
    ns = "{urn:merit:1}"
    root = ET.parse(os.path.join(call, "call.xml")).getroot()
    return [(r.get("id"), r.findtext(ns + "name"))
            for r in root.iter(ns + "reviewer")]


def need_chromium():
    if driver.find_chromium() is None:
        driver.skip("chromium not found: the browser tests need Debian's "
                    "chromium (scripts/install-deps.sh installs it; "
                    "MERIT_CHROMIUM names another)")


def check(pages, out, timeout):
    try:
        failures, _ = driver.run_pages(pages, out, timeout)
    except driver.Failure as e:
        print("run.py: error: %s" % e, file=sys.stderr)
        return 1
    for f in failures:
        print("run.py: error: " + f, file=sys.stderr)
    if not failures:
        print("all %d pages passed; screenshots in %s" % (len(pages), out))
    return 1 if failures else 0


def name_of(call):
    return os.path.basename(os.path.normpath(call))


def cmd_fixtures(a):
    need_chromium()
    pages = []
    for fixture, call, extra in (
            ("fixture-report.html", a.call, []),
            ("fixture-hostile.html", a.hostile, hostile_checks(call_title(a.hostile)))):
        ranking = merit_json(a.merit, call)["ranking"]
        pages.append((os.path.join(HERE, fixture),
                      PAGE_CHECKS + report_checks(ranking) + extra,
                      fixture.replace(".html", ".png")))
    return check(pages, a.out, a.timeout)


def cmd_report(a):
    need_chromium()
    os.makedirs(a.out, exist_ok=True)
    pages = []
    for call, extra in ((a.call, []),
                        (a.hostile, hostile_checks(call_title(a.hostile)))):
        html = os.path.join(a.out, name_of(call) + ".html")
        p = run([a.merit, "rank", call, "--format", "html", "-o", html])
        err = p.stderr.decode(errors="replace")
        if p.returncode == 2 and "--format" in err and "html" not in err:
            driver.skip("this merit has no 'rank --format html' yet "
                        "(reports/html.c, issue 12): " + err.strip())
        if p.returncode != 0:
            print("run.py: error: merit rank %s --format html: exit %d: %s"
                  % (call, p.returncode, err), file=sys.stderr)
            return 1
        ranking = merit_json(a.merit, call)["ranking"]
        pages.append((html, PAGE_CHECKS + report_checks(ranking) + extra,
                      name_of(call) + ".png"))
    return check(pages, a.out, a.timeout)


def summary_checks(call, ranking, filename, hostile):
    """The checks of one applicant summary, filename (ID.html or any name
    that holds the proposal's id) of call."""
    titles = {r["id"]: r["title"] for r in ranking}
    # Reviewers are anonymised: no name and no id of the panel appears.
    checks = PAGE_CHECKS + [("reviewers-anonymised", """(() => {
        const text = document.documentElement.textContent;
        const found = %s.filter(([id, name]) =>
          (name && text.includes(name)) ||
          new RegExp('(^|[^A-Za-z0-9_-])' + id + '($|[^A-Za-z0-9_-])').test(text));
        return found.length === 0 || {reviewers_named: found}; })()"""
                             % js(panel(call)))]
    # The proposal a page is about: the id its file name holds.
    stem = os.path.splitext(filename)[0]
    own = [i for i in titles if re.search(
        r"(^|[^A-Za-z0-9])%s([^A-Za-z0-9]|$)" % re.escape(i), stem)]
    if len(own) != 1:
        print("note: %s names no single proposal id; only the page checks "
              "apply" % filename)
        return checks
    pid = own[0]
    checks.append(text_check("own-title", titles[pid]))
    if hostile and pid == "P000001":
        checks.append(text_check("hostile-comment-as-text", HOSTILE_COMMENT))
    # Nothing from another proposal: no other title (unless it is part of
    # this one's).
    others = sorted({t for i, t in titles.items()
                     if i != pid and t not in titles[pid]})
    checks.append(("no-other-proposal", """(() => {
        const text = document.documentElement.textContent;
        const leaked = %s.filter(t => text.includes(t));
        return leaked.length === 0 || {other_titles_shown: leaked}; })()"""
                   % js(others)))
    return checks


def cmd_summary(a):
    need_chromium()
    os.makedirs(a.out, exist_ok=True)
    pages = []
    for call in (a.call, a.hostile):
        folder = os.path.join(a.out, name_of(call))
        if os.path.isdir(folder):
            for f in os.listdir(folder):
                os.unlink(os.path.join(folder, f))
            os.rmdir(folder)
        p = run([a.merit, "summary", call, "-o", folder, "--format", "html"])
        err = p.stderr.decode(errors="replace")
        if p.returncode == 2 and ("unknown command" in err or
                                  ("--format" in err and "html" not in err)):
            driver.skip("this merit has no 'summary --format html' yet "
                        "(issue 12): " + err.strip())
        if p.returncode != 0:
            print("run.py: error: merit summary %s: exit %d: %s"
                  % (call, p.returncode, err), file=sys.stderr)
            return 1
        ranking = merit_json(a.merit, call)["ranking"]
        files = sorted(f for f in os.listdir(folder) if f.endswith(".html"))
        if len(files) != len(ranking):
            print("run.py: error: merit summary %s wrote %d HTML files for %d "
                  "proposals" % (call, len(files), len(ranking)), file=sys.stderr)
            return 1
        for f in files:
            pages.append((os.path.join(folder, f),
                          summary_checks(call, ranking, f, call == a.hostile),
                          os.path.join(name_of(call), f[:-5] + ".png")))
    return check(pages, a.out, a.timeout)


# The checks catch what they must: each of these copies of a fixture, with
# one thing wrong, must fail with the check named (and the driver's own
# failures where the page runs or loads something).
MUTATIONS = [
    ("two-rows-swapped", "fixture-report.html", "rows-in-rank-order",
     [('data-id="P02"', 'data-id="TMP"'), ('data-id="P04"', 'data-id="P02"'),
      ('data-id="TMP"', 'data-id="P04"')]),
    ("funding-line-one-row-late", "fixture-report.html", "funding-line",
     [(r're:(<tr class="funding-line">.*?</tr>\n)(<tr data-id="P10".*?</tr>\n)',
       r'\2\1')]),
    ("two-funding-lines", "fixture-report.html", "funding-line",
     [('<tr data-id="P12"', '<tr class="funding-line"><td>x</td></tr><tr data-id="P12"')]),
    ("reserve-shown-funded", "fixture-report.html", "statuses",
     [('data-id="P10" data-status="reserve"', 'data-id="P10" data-status="funded"')]),
    ("no-csp", "fixture-report.html", "csp-meta",
     [('http-equiv="Content-Security-Policy"', 'name="x"')]),
    ("title-unescaped", "fixture-hostile.html", "hostile-title-as-text",
     [("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>")]),
    ("style-unescaped", "fixture-hostile.html", "body-visible",
     [("<h1>&lt;style&gt;body{display:none}&lt;/style&gt;",
       "<h1><style>body{display:none}</style>")]),
    ("img-unescaped", "fixture-hostile.html", "no-active-elements",
     [("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;",
       '"><img src=x onerror=alert(2)>')]),
]


def cmd_selftest(a):
    need_chromium()
    os.makedirs(a.out, exist_ok=True)
    checks = {}
    for fixture, call, extra in (
            ("fixture-report.html", a.call, []),
            ("fixture-hostile.html", a.hostile, hostile_checks(call_title(a.hostile)))):
        ranking = merit_json(a.merit, call)["ranking"]
        checks[fixture] = PAGE_CHECKS + report_checks(ranking) + extra
    pages = []
    for name, fixture, _, edits in MUTATIONS:
        with open(os.path.join(HERE, fixture)) as f:
            text = f.read()
        for old, new in edits:
            # An edit is a literal replacement, or a regular expression
            # when it starts with "re:".
            pattern = old[3:] if old.startswith("re:") else re.escape(old)
            text, n = re.subn(pattern, new, text, count=1, flags=re.S)
            if n != 1:
                sys.exit("run.py: error: mutation %s: '%s' not in %s"
                         % (name, old, fixture))
        path = os.path.join(a.out, name + ".html")
        with open(path, "w") as f:
            f.write(text)
        pages.append((path, checks[fixture], None))
    try:
        failures, _ = driver.run_pages(pages, a.out, a.timeout, verbose=False)
    except driver.Failure as e:
        print("run.py: error: %s" % e, file=sys.stderr)
        return 1
    status = 0
    for (name, _, want, _), (path, _, _) in zip(MUTATIONS, pages):
        caught = [f for f in failures
                  if f.startswith(path + ": check %s failed" % want)]
        if caught:
            print("caught as expected: " + caught[0][:200])
        else:
            print("run.py: error: %s: check %s did not fail" % (path, want),
                  file=sys.stderr)
            status = 1
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["report", "summary", "fixtures", "selftest"])
    ap.add_argument("call", help="the example call (proposals/mfg-2026)")
    ap.add_argument("hostile", help="the hostile call (tests/data/hostile-titles)")
    ap.add_argument("--merit", required=True, help="the merit binary")
    ap.add_argument("--out", required=True, help="output folder (build folder)")
    ap.add_argument("--timeout", type=float, default=180,
                    help="seconds for the browser run (default 180)")
    a = ap.parse_args()
    return {"report": cmd_report, "summary": cmd_summary,
            "fixtures": cmd_fixtures, "selftest": cmd_selftest}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
