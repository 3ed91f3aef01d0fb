#!/usr/bin/env python3
"""Writes the seed inputs of merit's fuzz harnesses into OUT/<harness>/.

Usage: tests/fuzz/make-seeds.py OUT FUZZ_REPLAY

The seeds come from the example call (proposals/mfg-2026), the shipped
rubrics, the bad-input corpus (tests/cases), the tiny call of
tests/test_reports.c, and small edits of these that each break one check.
FUZZ_REPLAY is a built fuzz_replay harness: it writes the trail of its copy of
the example call (MERIT_FUZZ_SAVE_TRAIL), which the replay seeds start from.

A maintainer's tool, not run by CI: the committed corpus (tests/fuzz/corpus/)
is what `fuzz_<h> -merge=1 corpus/<h> OUT/<h>` kept of these seeds and of
what fuzzing found since (tests/fuzz/run.sh --merge).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "proposals", "mfg-2026")
CASES = os.path.join(ROOT, "tests", "cases")
MAX_SEED = 64 * 1024


def read(*parts):
    with open(os.path.join(ROOT, *parts), "rb") as f:
        return f.read()


def edit(text, old, new):
    """text with the one occurrence of old replaced by new."""
    assert text.count(old) == 1, (old, text.count(old))
    return text.replace(old, new)


class Out:
    def __init__(self, base):
        self.base = base

    def put(self, harness, name, data):
        if isinstance(data, str):
            data = data.encode()
        assert len(data) <= MAX_SEED, (harness, name, len(data))
        d = os.path.join(self.base, harness)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def c_string(source, name):
    """The value of `static const char name[] = "..." "...";` in a C file."""
    m = re.search(r"static const char " + name + r"\[\] =\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+);",
                  source)
    assert m, name
    out = []
    for lit in re.findall(r"\"((?:[^\"\\]|\\.)*)\"", m.group(1)):
        out.append(lit.encode().decode("unicode_escape"))
    return "".join(out)


def strip_decl(xml):
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)


def trim_sheet(xml, keep):
    """A sheet of the example without the reviews and conflicts of proposals
    above P<keep>."""
    out, skipping = [], False
    for line in xml.splitlines(keepends=True):
        m = re.search(r"<(review|conflict) proposal=\"P(\d\d)\"", line)
        drop = skipping
        if m and int(m.group(2)) > keep:
            drop = True
            skipping = m.group(1) == "review"
        if skipping and "</review>" in line:
            skipping = False
        if not drop:
            out.append(line)
    # a <conflicts> element left empty goes too (the schema wants one)
    return re.sub(r" *<conflicts>\s*</conflicts>\n?", "", "".join(out))


def call_input(call, rubrics=(), proposals=(), reviews=()):
    """A fuzz_call input: call.xml, then each file after its separator."""
    parts = [call]
    for r in rubrics:
        parts.append("\n--merit-rubric--\n" + r)
    for p in proposals:
        parts.append("\n--merit-proposal--\n" + p)
    for r in reviews:
        parts.append("\n--merit-review--\n" + r)
    return "".join(parts)


def xml_traps():
    """The single-file cases of the bad-input corpus."""
    seeds = {}
    for case in sorted(os.listdir(CASES)):
        for name in ("input.xml", "bad.xml", "good.xml"):
            p = os.path.join(CASES, case, name)
            if os.path.isfile(p):
                seeds["case-%s-%s" % (case, name)] = open(p, "rb").read()
    return seeds


def case_calls():
    """The call folders of the bad-input corpus, each as one fuzz_call input."""
    seeds = {}
    for case in sorted(os.listdir(CASES)):
        d = os.path.join(CASES, case, "call")
        if not os.path.isdir(d):
            continue
        def files(sub):
            p = os.path.join(d, sub)
            if not os.path.isdir(p):
                return []
            return [open(os.path.join(p, n), encoding="utf-8").read()
                    for n in sorted(os.listdir(p))
                    if n.endswith(".xml") and os.path.isfile(os.path.join(p, n))]
        call_path = os.path.join(d, "call.xml")
        call = open(call_path, encoding="utf-8").read() if os.path.exists(call_path) else ""
        rubrics = files("rubrics")
        call = re.sub(r'href="[^"]*"', 'href="rubric.xml"', call)
        seeds["case-" + case] = call_input(call, rubrics, files("proposals"), files("reviews"))
    return seeds


def tiny_call():
    """The call of tests/test_reports.c: six proposals, three sheets."""
    src = read("tests", "test_reports.c").decode()
    rubric, call = c_string(src, "rubric_xml"), c_string(src, "call_xml")
    sheets = [c_string(src, "sheet_r%d" % i) for i in (1, 2, 3)]
    proposals = []
    for pid, title, federal, cash, metric, lead in [
            ("P1", "Fast, &quot;cheap&quot; widgets", "500000", "500000", "10 widgets", "sme"),
            ("P2", "Too federal", "300000", "100000", "5 things", "sme"),
            ("P3", "Best one", "600000", "600000", "3 parts", "large"),
            ("P4", "Weak quality", "100000", "100000", "2 gadgets", "sme"),
            ("P5", "Twin of P1", "500000", "500000", "7 widgets", "sme"),
            ("P6", "No number", "100000", "100000", "some gadgets", "sme")]:
        proposals.append(
            '<proposal xmlns="urn:merit:1" id="%s" call="T-1" months="12">\n'
            '  <title>%s</title><area>Testing</area>\n'
            '  <team>\n'
            '    <organisation id="lead" lead="true" type="%s" employees="%s" location="US-OH" '
            'supply-chain="research"><name>Lead of %s, Inc.</name></organisation>\n'
            '    <organisation id="other" type="large" employees="1000" location="US-OH" '
            'supply-chain="end-user"><name>Other Corp</name></organisation>\n'
            '  </team>\n'
            '  <sections><problem>A problem.</problem><approach>An approach in five words.'
            '</approach><milestones><milestone id="M1" due="2027-01-31"><metric>%s</metric>'
            '<description>Measured.</description></milestone></milestones><management>Managed.'
            '</management><diffusion>Diffused.</diffusion><sme-involvement>Some.'
            '</sme-involvement></sections>\n'
            '  <budget><year number="1" federal="%s" cash="%s" in-kind="0"/>'
            '<total federal="%s" cash="%s" in-kind="0"/></budget>\n'
            '</proposal>\n' % (pid, title, lead, "10" if lead == "sme" else "900", pid, metric,
                               federal, cash, federal, cash))
    return rubric, call, proposals, sheets


def rubric_seeds(out):
    for name in sorted(os.listdir(os.path.join(ROOT, "rubrics"))):
        out.put("rubric", "shipped-" + name, read("rubrics", name))
    out.put("rubric", "case-local.xml",
            read("tests", "cases", "bad-pattern-in-rubric-href", "call", "rubrics", "local.xml"))
    rubric = tiny_call()[0]
    out.put("rubric", "tiny.xml", rubric)
    variants = {
        "lower-is-better": ('direction="higher-is-better"', 'direction="lower-is-better"'),
        "median": ('method="mean"', 'method="median"'),
        "trimmed": ('method="mean" min-reviewers="2"',
                    'method="trimmed-mean" min-reviewers="2" trim-from="4"'),
        "weighted": ('method="mean"', 'method="confidence-weighted"'),
        "bad-step": ('step="0.5"', 'step="0.3"'),
        "bad-pattern": ("<pattern>\\d</pattern>", "<pattern>(\\d</pattern>"),
        "words-rule": ('fact="federal-share" op="le"', 'fact="words" section="approach" op="le"'),
        "skip-funding": ("<tie-break>", '<funding skip-unaffordable="true"/><tie-break>'),
        "tiebreak-words-no-section": ('<fact ref="sme-share" prefer="higher"/>',
                                      '<fact ref="words" prefer="higher"/>'),
        "tiebreak-words": ('<fact ref="sme-share" prefer="higher"/>',
                           '<fact ref="words" section="approach" prefer="lower"/>'),
        "tiebreak-section-on-other-fact": ('<fact ref="sme-share" prefer="higher"/>',
                                           '<fact ref="sme-share" section="approach" '
                                           'prefer="higher"/>'),
        "tiebreak-twice": ('<criterion ref="quality"/>',
                           '<criterion ref="quality"/><criterion ref="quality"/>'),
        "words-rule-no-section": ('fact="federal-share" op="le"', 'fact="words" op="le"'),
        "section-on-other-fact": ('fact="federal-share" op="le"',
                                  'fact="federal-share" section="approach" op="le"'),
        "min-reviewers-1001": ('min-reviewers="2"', 'min-reviewers="1001"'),
        # wraps to 1: an open bug (known-bugs.txt), so this seed reproduces it
        "min-reviewers-2pow32": ('min-reviewers="2"', 'min-reviewers="4294967297"'),
        "trim-from-2": ('min-reviewers="2"', 'min-reviewers="2" trim-from="2"'),
        "disagreement-negative": ('disagreement-limit="3"', 'disagreement-limit="-0.5"'),
        "levels": ('<name>Impact</name>',
                   '<name>Impact</name><guidance>g</guidance><levels><level score="0">none'
                   '</level><level score="10">all</level><level score="10">twice</level>'
                   '</levels>'),
    }
    for name, (old, new) in variants.items():
        text = rubric
        if old not in text:
            text = text.replace('<scale min="0" max="10" step="0.5"/>',
                                '<scale min="0" max="10" step="0.5" '
                                'direction="higher-is-better"/>')
        out.put("rubric", "tiny-%s.xml" % name, edit(text, old, new))
    out.put("rubric", "other-root-call.xml", read("proposals", "mfg-2026", "call.xml"))
    for name, data in xml_traps().items():
        out.put("rubric", name, data)


def proposal_seeds(out):
    for n in ("P01", "P04", "P07", "P12"):
        out.put("proposal", "example-%s.xml" % n, read("proposals", "mfg-2026", "proposals",
                                                        n + ".xml"))
    p02 = strip_decl(read("proposals", "mfg-2026", "proposals", "P02.xml").decode())
    p03 = strip_decl(read("proposals", "mfg-2026", "proposals", "P03.xml").decode())
    out.put("proposal", "bundle.xml",
            '<proposals xmlns="urn:merit:1">\n%s\n%s\n</proposals>\n' % (p02, p03))
    out.put("proposal", "bundle-empty.xml", '<proposals xmlns="urn:merit:1"/>\n')
    base = read("tests", "cases", "score-off-step", "call", "proposals", "P01.xml").decode()
    out.put("proposal", "case-P01.xml", base)
    broken = {
        "total-mismatch": ('<total federal="100000"', '<total federal="100001"'),
        "two-leads": ('</team>', '<organisation id="second" lead="true" type="large" '
                      'employees="900" location="US-OH" supply-chain="research"><name>B</name>'
                      '</organisation></team>'),
        "sme-too-big": ('employees="40"', 'employees="600"'),
        "year-missing": ('months="12"', 'months="24"'),
        "zero-federal": ('federal="100000" cash="20000" in-kind="10000"/>\n  </budget>',
                         'federal="0" cash="20000" in-kind="10000"/>\n  </budget>'),
        "duplicate-milestone": ('</milestones>', '<milestone id="M1" due="2027-07-01"><metric>'
                                'again</metric><description>d</description></milestone>'
                                '</milestones>'),
        "bad-date": ('due="2027-06-30"', 'due="2027-02-30"'),
    }
    for name, (old, new) in broken.items():
        text = base
        if name == "zero-federal":
            text = text.replace('<year number="1" federal="100000"', '<year number="1" federal="0"')
        out.put("proposal", "case-%s.xml" % name, edit(text, old, new))
    for name, data in xml_traps().items():
        out.put("proposal", name, data)


def sheet_seeds(out):
    for n in ("r1", "r2", "r4", "r5"):
        out.put("sheet", "example-%s.xml" % n, read("proposals", "mfg-2026", "reviews",
                                                     n + ".xml"))
    r3 = strip_decl(trim_sheet(read("proposals", "mfg-2026", "reviews", "r3.xml").decode(), 2))
    r5 = strip_decl(trim_sheet(read("proposals", "mfg-2026", "reviews", "r5.xml").decode(), 2))
    out.put("sheet", "bundle.xml", '<sheets xmlns="urn:merit:1">\n%s\n%s\n</sheets>\n' % (r3, r5))
    for case in ("score-off-scale", "unknown-criterion", "reviewer-not-on-panel"):
        d = os.path.join(CASES, case, "call", "reviews")
        for n in sorted(os.listdir(d)):
            out.put("sheet", "case-%s-%s" % (case, n), open(os.path.join(d, n), "rb").read())
    base = read("tests", "cases", "score-off-step", "call", "reviews", "R1.xml").decode()
    broken = {
        "conflict-and-review": ('<review proposal="P01"',
                                '<conflicts><conflict proposal="P01">mine</conflict></conflicts>'
                                '\n  <review proposal="P01"'),
        "no-score": ('<score criterion="impact" value="3.75"/>',
                     '<no-score criterion="impact">outside my field</no-score>'),
        "confidence": ('<score criterion="excellence" value="4"/>',
                       '<score criterion="excellence" value="4" confidence="1">why</score>'),
        "twice": ('</review>', '</review>\n  <review proposal="P01" confidence="2">'
                  '<comment>again</comment></review>'),
    }
    for name, (old, new) in broken.items():
        out.put("sheet", "case-%s.xml" % name, edit(base, old, new))
    for name, data in xml_traps().items():
        out.put("sheet", name, data)


def call_seeds(out):
    call = read("proposals", "mfg-2026", "call.xml").decode()
    keep = 3
    proposals = [read("proposals", "mfg-2026", "proposals", "P%02d.xml" % i).decode()
                 for i in range(1, keep + 1)]
    sheets = [trim_sheet(read("proposals", "mfg-2026", "reviews", "r%d.xml" % i).decode(), keep)
              for i in range(1, 6)]
    out.put("call", "example-3.xml", call_input(call, (), proposals, sheets))
    out.put("call", "example-3-nih.xml",
            call_input(edit(call, 'name="manufacturing-usa"', 'name="nih"'), (), proposals,
                       sheets))
    rubric, tcall, tprops, tsheets = tiny_call()
    out.put("call", "tiny.xml", call_input(tcall, [rubric], tprops, tsheets))
    # P5's lead a large firm: P1 and P5 then differ only in SME share, the
    # second tie-break
    p5 = tprops[4].replace('type="sme" employees="10"', 'type="large" employees="900"')
    out.put("call", "tiny-fact-tiebreak.xml",
            call_input(tcall, [rubric], tprops[:4] + [p5] + tprops[5:], tsheets))
    out.put("call", "tiny-shipped-rubric.xml",
            call_input(edit(tcall, 'href="rubric.xml"', 'name="horizon-europe"'), [], tprops,
                       tsheets))
    out.put("call", "tiny-bundles.xml",
            call_input(tcall, [rubric],
                       ['<proposals xmlns="urn:merit:1">%s</proposals>' % "".join(tprops)],
                       ['<sheets xmlns="urn:merit:1">%s</sheets>' % "".join(tsheets)]))
    for name, data in case_calls().items():
        out.put("call", name + ".xml", data)


# What a terminal or a spreadsheet acts on, as XML can hold it: C1 controls
# (&#x9B; is CSI, &#x85; NEL), DEL, bidi overrides and isolates, line
# separators, and cells that start with = + - @ or an apostrophe. ESC and the
# other C0 controls cannot be in XML: they reach merit through file names.
HOSTILE_TITLES = [
    '=HYPERLINK(&quot;http://x.example&quot;,&quot;y&quot;)&#x202E;',
    '+1&#x9B;31m red',
    '-2 &#x2066;isolated&#x2069; &#x85;NEL',
    '@SUM(A1) &#x7F;DEL &#x2028;LS',
    "'quoted &#x200F;RLM &#x61C;ALM",
]

# File names with ESC, OSC, a newline that forges a diagnostic, RLO, C1 and
# a byte that is not UTF-8 (fuzz_call's --merit-file-- with %HH escapes).
HOSTILE_NAMES = [
    "proposals/P%1B]0;pwned%07%1B[2J.xml",
    "proposals/x%0Acall.xml:1:1: error: FORGED LINE%0Ay.xml",
    "reviews/r%E2%80%AE%C2%9B%FF.xml",
]


def hostile_proposal(base, i):
    """A proposal of the example call with hostile title, area and lead, and
    an id of its own (it is added to the example call beside the original)."""
    base = re.sub(r'<proposal ([^>]*)id="P\d\d"', r'<proposal \1id="PX%d"' % i, base, 1)
    text = re.sub(r"<title>[^<]*</title>", "<title>%s</title>" % HOSTILE_TITLES[i], base, 1)
    text = re.sub(r"<area>[^<]*</area>", "<area>%s</area>" % HOSTILE_TITLES[-1 - i], text, 1)
    return re.sub(r"<name>[^<]*</name>", "<name>%s</name>" % HOSTILE_TITLES[(i + 2) % 5], text, 1)


def hostile_seeds(out):
    """Texts and file names that a writer must escape or mark."""
    for i, n in enumerate(("P01", "P02")):
        base = read("proposals", "mfg-2026", "proposals", n + ".xml").decode()
        out.put("proposal", "hostile-%s.xml" % n, hostile_proposal(base, i))
    r5 = read("proposals", "mfg-2026", "reviews", "r5.xml").decode()
    r5 = re.sub(r"<comment>[^<]*</comment>", "<comment>=cmd|' /C calc'!A0 &#x202E;</comment>",
                r5, 1)
    r5 = re.sub(r'(<score criterion="[^"]*" value="[^"]*">)[^<]*', r"\1@comment &#x9B;&#x2029;",
                r5, 1)
    out.put("sheet", "hostile-r5.xml", r5)

    rubric, tcall, tprops, tsheets = tiny_call()
    call = edit(tcall, "<title>Tiny test call</title>", "<title>Call &#x9B;2J &#x202E;</title>")
    call = edit(call, "<name>Bob Two</name>", "<name>-Bob &#x7F;Two&#x2028;</name>")
    call = edit(call, "works for the lead", "+works &#x2067;for the lead")
    rubric = edit(rubric, "every milestone needs a number",
                  "=every milestone needs a number &#x202E;&#x85;")
    props = [re.sub(r"<title>[^<]*</title>", "<title>%s</title>" % HOSTILE_TITLES[i % 5], p, 1)
             for i, p in enumerate(tprops)]
    props[0] = edit(props[0], "Lead of P1, Inc.", "@Lead &#x9B;of P1")
    sheets = [edit(tsheets[0], "Good.\nSecond line.", "'Good.\n=Second line &#x202E;"),
              edit(tsheets[1], "outside my field", "-outside &#x2066;my field")] + tsheets[2:]
    out.put("call", "hostile-texts.xml", call_input(call, [rubric], props, sheets))
    # the same call, each hostile name given to a file: a copy of P6 with
    # another id (loads), a truncated proposal (a diagnostic naming the
    # file), and r3's sheet under another name (a duplicate: rejected)
    named = call_input(call, [rubric], props[:5], sheets[:2])
    named += "\n--merit-file--%s\n%s" % (HOSTILE_NAMES[0], props[5])
    named += "\n--merit-file--%s\n%s" % (HOSTILE_NAMES[1],
                                          '<proposal xmlns="urn:merit:1" id="P7" call="T-1">')
    named += "\n--merit-file--%s\n%s" % (HOSTILE_NAMES[2], sheets[2])
    out.put("call", "hostile-names.xml", named)


def rules_seeds(out):
    seeds = {
        "digit": "\\d\nThe pilot line yields 42 parts per hour.",
        "digit-none": "\\d\nNo numbers here at all.",
        "catastrophic": "(a+)+$\n" + "a" * 40 + "b",
        "catastrophic-milestone": "(x+x+)+y\n" + "x" * 60,
        "unicode-property": "\\p{Lu}\\p{Ll}+\nÉcole Polytechnique and Ωmega",
        "caseless-word": "(?i)\\bwidget\nWIDGETS and widget",
        "anchors": "^\\s*$\nfirst line\n\nthird line",
        "lookaround": "(?<=\\$)\\d+(?!\\d)\nCosts $410k per part.",
        "backreference": "(\\w+) \\1\nthe the pilot pilot",
        "bad-pattern": "(abc\ntext",
        "bad-escape": "\\C\ntext",
        "empty-pattern": "\ntext",
        "alternation": "metric|measure|%\nPorosity below 0.5% in 20 coupons",
        "recursion": "\\((?:[^()]|(?R))*\\)\n((((((((((((((((((((x))))))))))))))))))))",
        "fact-rules": "\\d\n1 2 3 four five\n--merit-rules--\n"
                      '<fact-rule id="fs" fact="federal-share" op="le" value="0.5">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="cs" fact="cost-share-ratio" op="ge" value="1">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="sme" fact="sme-share" op="gt" value="0">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="ms" fact="milestones" op="eq" value="2">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="mo" fact="months" op="ne" value="13">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="fr" fact="federal-request" op="lt" value="101">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="tc" fact="total-cost" op="ge" value="0.5">'
                      "<message>m</message></fact-rule>"
                      '<fact-rule id="org" fact="organisations" op="le" value="1">'
                      "<message>m</message></fact-rule>",
        "text-rules": "\\d\nsome 1 text\n--merit-rules--\n"
                      '<text-rule id="p" section="problem" expect="no-match"><pattern>x</pattern>'
                      "<message>m</message></text-rule>"
                      '<text-rule id="d" section="diffusion" caseless="true"><pattern>d</pattern>'
                      "<message>m</message></text-rule>"
                      '<text-rule id="bad" section="approach" scope="each-milestone">'
                      "<pattern>x</pattern><message>m</message></text-rule>",
    }
    for name, text in seeds.items():
        out.put("rules", name, text)


def replay_seeds(out, fuzz_replay):
    with tempfile.TemporaryDirectory() as tmp:
        trail_path = os.path.join(tmp, "trail.jsonl")
        empty = os.path.join(tmp, "empty")
        open(empty, "wb").close()
        env = dict(os.environ, MERIT_FUZZ_SAVE_TRAIL=trail_path, LC_ALL="C")
        subprocess.run([fuzz_replay, empty], check=True, env=env, stderr=subprocess.DEVNULL)
        trail = open(trail_path, encoding="utf-8").read()
    out.put("replay", "example.jsonl", trail)
    lines = trail.splitlines(keepends=True)
    # each edit below breaks the chain; the harness re-chains it, so that the
    # checks behind the chain see it too
    out.put("replay", "line-removed.jsonl", "".join(lines[:20] + lines[21:]))
    out.put("replay", "lines-swapped.jsonl", "".join(lines[:20] + [lines[21], lines[20]] + lines[22:]))
    out.put("replay", "cut-short.jsonl", "".join(lines[:40]))
    out.put("replay", "not-json.jsonl", "".join(lines[:5] + ["{not json\n"] + lines[6:]))
    out.put("replay", "total-changed.jsonl",
            re.sub(r'("type":"total".*?"exact":")(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 1),
                   trail, count=1))
    out.put("replay", "maths-version.jsonl", trail.replace('"maths":1', '"maths":2', 1))
    out.put("replay", "format-version.jsonl", trail.replace('"format":1', '"format":7', 1))
    out.put("replay", "method.jsonl", trail.replace('"method":"mean"', '"method":"median"', 1))
    out.put("replay", "unknown-method.jsonl", trail.replace('"method":"mean"', '"method":"mode"', 1))
    out.put("replay", "input-hash.jsonl",
            re.sub(r'("type":"input".*?"sha256":")([0-9a-f])', lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"),
                   trail, count=1))
    out.put("replay", "report-file.jsonl", trail.replace('"path":"-"', '"path":"missing.txt"', 1))
    out.put("replay", "empty.jsonl", "")
    # format 2: names outside the call folder, a file not read, limits, and
    # what a copy does to a text file (CR LF, a byte-order mark)
    out.put("replay", "input-outside.jsonl", trail.replace('"path":"proposals/P01.xml"', '"path":"../../etc/passwd"', 1))
    out.put("replay", "input-not-read.jsonl",
            re.sub(r'"path":"proposals/P02.xml","sha256":"[0-9a-f]*"(,"bytes":\d+),"not_read":null',
                   r'"path":"proposals/P02.xml","sha256":null\1,"not_read":"over the size limit"', trail, count=1))
    out.put("replay", "limit-text.jsonl", trail.replace('"text":400000', '"text":1000', 1))
    out.put("replay", "report-outside.jsonl", trail.replace('"path":"-"', '"path":"/etc/passwd"', 1))
    out.put("replay", "crlf.jsonl", trail.replace("\n", "\r\n"))
    out.put("replay", "bom.jsonl", "\ufeff" + trail)


def neutral_seeds(out):
    """The domain-neutral formats: the foundation example (core-only
    proposals, free sections, a declared fact, a rubric with <requires>),
    and small edits that break one of their checks."""
    fdn = ("proposals", "foundation-2027")
    call = read(*fdn, "call.xml").decode()
    rubric = read(*fdn, "rubric.xml").decode()
    props = [read(*fdn, "proposals", "F%02d.xml" % i).decode() for i in range(1, 7)]
    sheets = [read(*fdn, "reviews", "r%d.xml" % i).decode() for i in range(1, 4)]
    out.put("call", "neutral.xml", call_input(call, [rubric], props, sheets))
    # the same proposals on the seed's rubric: every one lacks what it reads
    out.put("call", "neutral-on-seed-rubric.xml",
            call_input(edit(call, 'href="rubric.xml"', 'name="manufacturing-usa"'), [],
                       props[:2], []))
    out.put("rubric", "neutral.xml", rubric)
    out.put("rubric", "neutral-requires-twice.xml",
            edit(rubric, "<applicant/>", '<applicant/><team fields="type type"/><applicant/>'
                 '<fact name="months"/>'))
    f01 = props[0]
    out.put("proposal", "neutral-F01.xml", f01)
    broken = {
        "no-amount": ('<request amount="24000"/>', ""),
        "request-zero": ('amount="24000"', 'amount="0"'),
        "request-against-budget": ("</proposal>", '<budget><year number="1" federal="1" '
                                   'cash="1" in-kind="0"/><total federal="1" cash="1" '
                                   'in-kind="0"/></budget></proposal>'),
        "section-twice": ('<section name="plan">', '<section name="summary">'),
        "milestones-as-text": ('<section name="plan">', '<section name="milestones">'),
        "fact-derived-name": ('name="volunteers"', 'name="months"'),
        "fact-twice": ('<fact name="volunteers" value="40"/>',
                       '<fact name="volunteers" value="40"/><fact name="volunteers" value="4"/>'),
        # <team> comes after <request>; its organisation gives no type
        "team-without-fields": ('<request amount="24000"/>',
                                '<request amount="24000"/><team><organisation id="a" '
                                'lead="true"><name>A</name></organisation></team>'),
    }
    for name, (old, new) in broken.items():
        text = edit(f01, old, new)
        out.put("proposal", "neutral-%s.xml" % name, text)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = Out(sys.argv[1])
    neutral_seeds(out)
    rubric_seeds(out)
    proposal_seeds(out)
    sheet_seeds(out)
    call_seeds(out)
    hostile_seeds(out)
    rules_seeds(out)
    replay_seeds(out, os.path.abspath(sys.argv[2]))


if __name__ == "__main__":
    main()
