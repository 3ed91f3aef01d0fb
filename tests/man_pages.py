#!/usr/bin/env python3
"""The man pages (docs/man/*.1.scd, built into build/man/*.1) against the
binary, so that the two cannot drift:

- every command of `merit --help` has a page merit-CMD.1.scd, and every
  page a command; the page's NAME line is the start of the command's line
  in `merit --help`;
- every option spelled in `merit CMD --help` appears in merit-CMD's page
  (`merit --help` in merit(1));
- every option spelled in a page's OPTIONS section appears in that
  `--help`, but for GLOBAL below;
- every built page renders with groff -man -ww without a warning.

usage: man_pages.py MERIT SRCDIR MANDIR
"""
import os
import re
import shutil
import subprocess
import sys

# The global options every page documents (merit(1), and the last entry of
# each command's OPTIONS) although a command's `--help` need not spell them
# all: some name only -q in their footer, keygen and sign no --color, none
# -V; -h/--help is what prints the help.
GLOBAL = {"-h", "--help", "-q", "--quiet", "--color", "-V", "--version"}

# An option: a dash or two, a letter, then letters, digits and dashes, not
# inside a word ("trimmed-mean", "1-5" and "P+H" are not options).
# '--opt' is the help footer's placeholder ("--opt=VALUE"), not an option.
OPTION = re.compile(r"(?<![\w-])(--?(?!opt\b)[A-Za-z][A-Za-z0-9-]*)")

merit, src, mandir = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def fail(msg):
    failures.append(msg)


def run_help(*args):
    p = subprocess.run([merit, *args, "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"'merit {' '.join(args)} --help' exited {p.returncode}")
    return p.stdout


def options(text):
    return set(OPTION.findall(text))


def section(text, name):
    """The body of '# NAME' in an scd page, up to the next heading."""
    m = re.search(r"^# " + re.escape(name) + r"\n(.*?)(?=^# |\Z)", text, re.S | re.M)
    return m.group(1) if m else None


top = run_help()
commands = {}
in_list = False
for line in top.splitlines():
    if line == "commands:":
        in_list = True
    elif in_list and line.startswith("  "):
        name, summary = line.split(None, 1)
        if name not in ("help", "version"):  # described in merit(1)
            commands[name] = summary.strip()
    elif in_list:
        break
if len(commands) < 10:
    fail(f"found only {len(commands)} commands in 'merit --help'")

mansrc = os.path.join(src, "docs", "man")
pages = {f[: -len(".1.scd")] for f in os.listdir(mansrc) if f.endswith(".1.scd")}
expected = {"merit"} | {f"merit-{c}" for c in commands}
for p in sorted(expected - pages):
    fail(f"no man page docs/man/{p}.1.scd")
for p in sorted(pages - expected):
    fail(f"docs/man/{p}.1.scd: no such command in 'merit --help'")

checked = 0
for page in sorted(expected & pages):
    cmd = page[len("merit-"):] if page != "merit" else None
    helptext = run_help(cmd) if cmd else top
    with open(os.path.join(mansrc, page + ".1.scd"), encoding="utf-8") as f:
        scd = f.read()
    where = f"docs/man/{page}.1.scd"
    shown = f"merit {cmd} --help" if cmd else "merit --help"
    for opt in sorted(options(helptext) - options(scd)):
        fail(f"{where}: '{opt}' of '{shown}' is not in the page")
    opts = section(scd, "OPTIONS")
    if opts is None:
        fail(f"{where}: no OPTIONS section")
    else:
        for opt in sorted(options(opts) - options(helptext) - GLOBAL):
            fail(f"{where}: OPTIONS names '{opt}', which '{shown}' does not")
    if cmd:
        name = section(scd, "NAME")
        m = re.match(r"\s*" + re.escape(page) + r" - (.*?)\s*$", name or "", re.S)
        if not m or not commands[cmd].startswith(m.group(1)):
            fail(f"{where}: NAME is not the start of '{commands[cmd]}' (merit --help)")
    checked += 1

# Rendering: every built page, without a warning (-ww: all of them).
groff = shutil.which("groff")
built = sorted(f for f in os.listdir(mandir) if f.endswith(".1"))
if {f[:-2] for f in built} != pages:
    fail(f"{mandir} holds {len(built)} pages, docs/man {len(pages)} sources")
if groff is None:
    print("skipped the rendering: no groff (apt-get install groff-base)", file=sys.stderr)
else:
    for f in built:
        p = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", os.path.join(mandir, f)],
                           capture_output=True, text=True)
        if p.returncode != 0 or p.stderr:
            fail(f"{f}: groff -man -ww: {p.stderr.strip() or 'exit ' + str(p.returncode)}")

for msg in failures:
    print(msg, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"{checked} pages match their --help; {len(built)} render without warnings")
sys.exit(0)
