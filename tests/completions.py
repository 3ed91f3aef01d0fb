#!/usr/bin/env python3
"""The shell completions (completions/) against the binary, so that the
static lists in them cannot drift from what merit takes:

- bash: completions/merit.bash is loaded in bash and _merit called as bash
  would: `merit ` offers the commands of `merit --help`, `merit CMD -` the
  options `merit CMD --help` defines, and `--format `, `--method `,
  `--limit `, `merit schema `, `merit init --rubric ` the values the help
  texts list
  (also after `--format=`);
- zsh and fish: the options each command's block names are those `--help`
  defines, and the same values appear; `zsh -n` and `fish -n` check the
  syntax when those shells are installed (skipped with a message if not:
  Debian's zsh and fish are some 18 MB each, more than a syntax check is
  worth to this project).
- every option `merit CMD --help` gives a value is taken as --opt=VALUE
  (cli/args.c's table of value options kept to the help texts).

usage: completions.py MERIT SRCDIR
"""
import os
import re
import shutil
import subprocess
import sys

# As in man_pages.py: offered with every command (-q and --color are listed
# in each command's --help; -h and --help print it). `merit help` and
# `merit version` are commands without options of their own, checked apart
# from the others. Per command, the options are compared without these (bash
# offers them with every command's own; zsh's $global array and fish's
# unconditional lines hold them once), so that the comparison holds whether
# or not a command's --help lists them.
GLOBAL = {"-h", "--help", "-q", "--quiet", "--color"}
EXTRA_COMMANDS = {"help", "version"}

OPTION = re.compile(r"(?<![\w-])(--?(?!opt\b)[A-Za-z][A-Za-z0-9-]*)")

merit, src = sys.argv[1], os.path.abspath(sys.argv[2])
comp = os.path.join(src, "completions")
failures = []


def fail(msg):
    failures.append(msg)


def helptext(*args):
    return subprocess.run([merit, *args, "--help"], capture_output=True, text=True).stdout


def defined_options(text):
    """The options a help text defines: those in its usage lines and in the
    option column of its option lines (an indented line that starts with a
    dash, up to two spaces), not those it names in passing (import's help
    mentions `merit rank --format csv --detail`)."""
    found = set()
    in_usage = False
    for line in text.splitlines():
        if line.startswith("usage:"):
            in_usage = True
        elif in_usage and line.startswith("       merit"):
            pass
        else:
            in_usage = False
        if in_usage:
            found |= set(OPTION.findall(line))
            continue
        m = re.match(r"^ {2,}(-.*?)(?: {2,}|$)", line)
        if m:
            found |= set(OPTION.findall(m.group(1)))
    return found


top = helptext()
commands = []
in_list = False
for line in top.splitlines():
    if line == "commands:":
        in_list = True
    elif in_list and line.startswith("  ") and line.split()[0] not in EXTRA_COMMANDS:
        commands.append(line.split()[0])
    elif in_list:
        break
want_opts = {c: defined_options(helptext(c)) for c in commands}

# the values, as the help texts spell them
rank_help = helptext("rank")
formats = {"rank": set(re.findall(r"^ {19}(\S+)", rank_help, re.M))}
for cmd, pattern in (("summary", r"--format F\s+(.*?)\n  -"), ("panel", r"--format F\s+(.*?)\n  -"),
                     ("stats", r"--format F\s+(.*?)\n  -")):
    m = re.search(pattern, helptext(cmd), re.S)
    text = re.sub(r"\([^)]*\)", "", m.group(1)) if m else ""
    formats[cmd] = {w for w in re.findall(r"[a-z][a-z-]+", text)
                    if w not in ("the", "default", "or", "a", "self-contained", "page")}
m = re.search(r"mean, median(?:, [a-z][a-z-]*)*", re.sub(r"\s+", " ", rank_help))
methods = set(re.findall(r"[a-z][a-z-]*", m.group(0))) if m else set()
m = re.search(r"--limit N=V +lower or raise a limit: (.*?)\n\n", rank_help, re.S)
limits = set(re.findall(r"([a-z][a-z-]*)\s+\(", m.group(1))) if m else set()
schema_names = set(re.search(r"^names: (.*)$", helptext("schema"), re.M).group(1).split())
init_help = helptext("init").replace("\n", " ")
rubrics = set(re.search(r"by name \(([^)]*)\)", init_help).group(1).replace(",", " ").split())
rubric_files = {f[:-4] for f in os.listdir(os.path.join(src, "rubrics")) if f.endswith(".xml")}
if rubrics != rubric_files:
    fail(f"merit init --help names rubrics {sorted(rubrics)}, rubrics/ has {sorted(rubric_files)}")
for what, got in (("formats of rank", formats["rank"]), ("methods", methods), ("limits", limits),
                  ("schema names", schema_names)):
    if len(got) < 2:
        fail(f"could not read the {what} from the help texts: {sorted(got)}")

# --- bash -------------------------------------------------------------------
bash_script = os.path.join(comp, "merit.bash")


def bash_complete(*words):
    """What _merit offers for the words of a command line, the last being
    the word under the cursor."""
    line = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    prog = (f"source '{bash_script}'; COMP_WORDS=(merit {line}); "
            f"COMP_CWORD={len(words)}; _merit; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True,
                       text=True, cwd="/")
    if p.returncode != 0 or p.stderr:
        fail(f"bash: 'merit {' '.join(words)}<TAB>': {p.stderr.strip()}")
    return {w for w in p.stdout.splitlines() if w}


def expect(words, got, want):
    if got != want:
        fail(f"bash: 'merit {' '.join(words)}<TAB>' offers {sorted(got)}, "
             f"expected {sorted(want)} (missing {sorted(want - got)}, "
             f"extra {sorted(got - want)})")


expect([""], bash_complete(""), set(commands) | EXTRA_COMMANDS)
expect(["-"], bash_complete("-"), GLOBAL | {"-V", "--version"})
got = bash_complete("ra")
if got != {"rank"}:
    fail(f"bash: 'merit ra<TAB>' offers {sorted(got)}, expected rank")
for c in commands:
    expect([c, "-"], bash_complete(c, "-"), want_opts[c] | GLOBAL)
for c, vals in formats.items():
    expect([c, "--format", ""], bash_complete(c, "--format", ""), vals)
expect(["rank", "--format=j"], bash_complete("rank", "--format=j"), {"json"})
expect(["rank", "--method", ""], bash_complete("rank", "--method", ""), methods)
expect(["schema", ""], bash_complete("schema", ""), schema_names)
expect(["rank", "c", "--limit", ""], {w.rstrip("=") for w in bash_complete("rank", "c", "--limit", "")},
       limits)
got = bash_complete("init", "x", "--rubric", "")
if not rubrics <= got:
    fail(f"bash: 'merit init x --rubric <TAB>' offers {sorted(got)}, not all of {sorted(rubrics)}")
expect(["import", ""], bash_complete("import", ""), {"scores", "proposals"})
expect(["help", "ran"], bash_complete("help", "ran"), {"rank"})

# --- zsh --------------------------------------------------------------------
with open(os.path.join(comp, "_merit"), encoding="utf-8") as f:
    zsh = f.read()
zsh_commands = set(re.findall(r"^    '([a-z]+):", zsh, re.M))
if zsh_commands != set(commands) | EXTRA_COMMANDS:
    fail(f"zsh: commands {sorted(zsh_commands)}, expected {sorted(set(commands) | EXTRA_COMMANDS)}")
blocks = dict(re.findall(r"^    \(([a-z]+)\)\n(.*?)^      ;;", zsh, re.M | re.S))
limit_spec = re.search(r"^  limit=\(\n(.*?)^  \)", zsh, re.M | re.S).group(1)
for c in commands:
    block = blocks.get(c)
    if block is None:
        fail(f"zsh: no case for '{c}'")
        continue
    if "$limit" in block:
        block += limit_spec
    got = set()
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("'"):  # a spec: the options come before its [ or :
            got |= set(OPTION.findall(re.split(r"[\[:]", line, maxsplit=1)[0]))
    if got - GLOBAL != want_opts[c] - GLOBAL:
        fail(f"zsh: '{c}' completes {sorted(got)}, help defines {sorted(want_opts[c])}")
    fm = re.search(r"--format=\[[^]]*\]:[a-z]+:\(([^)]*)\)", block)
    if c in formats and (fm is None or set(fm.group(1).split()) != formats[c]):
        fail(f"zsh: '{c}' --format values are not {sorted(formats[c])}")
    mm = re.search(r"--method=\[[^]]*\]:[a-z]+:\(([^)]*)\)", block)
    if mm is not None and set(mm.group(1).split()) != methods:
        fail(f"zsh: '{c}' --method values are not {sorted(methods)}")

zm = re.search(r"--limit=\[[^]]*\]:limit:\(([^)]*)\)", limit_spec)
if zm is None or {w.rstrip("=") for w in zm.group(1).split()} != limits:
    fail(f"zsh: the --limit names are not {sorted(limits)}")
zsh_global = re.search(r"^  global=\(\n(.*?)^  \)", zsh, re.M | re.S).group(1)
got = set(OPTION.findall(re.sub(r"\[[^]]*\]", "", zsh_global)))
if got != GLOBAL:
    fail(f"zsh: global options {sorted(got)}, expected {sorted(GLOBAL)}")

# --- fish -------------------------------------------------------------------
with open(os.path.join(comp, "merit.fish"), encoding="utf-8") as f:
    fish = f.read()
fish_cmds = set(re.search(r"^set -l commands (.*)$", fish, re.M).group(1).split())
if fish_cmds != set(commands) | EXTRA_COMMANDS:
    fail(f"fish: commands {sorted(fish_cmds)}, expected {sorted(set(commands) | EXTRA_COMMANDS)}")
offered = set(re.findall(r"not __fish_seen_subcommand_from \$commands\" -a ([a-z]+)", fish))
if offered != fish_cmds:
    fail(f"fish: offers the commands {sorted(offered)}, its list has {sorted(fish_cmds)}")
fish_opts = {c: set() for c in commands}
for line in fish.splitlines():
    m = re.match(r'complete -c merit -n "__fish_seen_subcommand_from ([a-z ]+)"(.*)', line)
    if not m:
        continue
    opts = {"--" + o for o in re.findall(r" -l (\S+)", m.group(2))}
    opts |= {"-" + o for o in re.findall(r" -s (\S+)", m.group(2))}
    for c in m.group(1).split():
        if c in fish_opts:
            fish_opts[c] |= opts
        elif c not in EXTRA_COMMANDS | {"scores", "proposals"} or opts:
            fail(f"fish: condition names '{c}', no command")
    fm = re.search(r"-l format -x -a '([^']*)'", line)
    if fm:
        for c in m.group(1).split():
            if set(fm.group(1).split()) != formats.get(c):
                fail(f"fish: '{c}' --format values are not {sorted(formats.get(c, []))}")
for c in commands:
    if fish_opts[c] - GLOBAL != want_opts[c] - GLOBAL:
        fail(f"fish: '{c}' completes {sorted(fish_opts[c])}, help defines {sorted(want_opts[c])}")
got = set()
for line in fish.splitlines():
    if line.startswith("complete -c merit -s") or line.startswith("complete -c merit -l"):
        got |= {"--" + o for o in re.findall(r" -l (\S+)", line)}
        got |= {"-" + o for o in re.findall(r" -s (\S+)", line)}
if got != GLOBAL:
    fail(f"fish: global options {sorted(got)}, expected {sorted(GLOBAL)}")
lm = re.search(r"^set -l limits (.*)$", fish, re.M)
if {w.rstrip("=") for w in lm.group(1).split()} != limits:
    fail(f"fish: the --limit names are not {sorted(limits)}")
fm = re.search(r"^set -l methods (.*)$", fish, re.M)
if set(fm.group(1).split()) != methods:
    fail(f"fish: methods are not {sorted(methods)}")

# --- --opt=VALUE for every option the help gives a value ----------------------
# cli/args.c splits --opt=VALUE by a table of its own of the options that
# take a value: an option added to a command's help but not to that table
# would be refused as unknown when written --opt=VALUE. Each is run with no
# other argument, in an empty folder: the command may refuse the line, but
# never the option.
import tempfile

with tempfile.TemporaryDirectory() as empty:
    for c in commands:
        for line in helptext(c).splitlines():
            m = re.match(r"^ {2,}(-.*?)(?: {2,}|$)", line)
            if not m:
                continue
            for opt, _ in re.findall(r"(--[a-z][a-z-]*) ([A-Z][A-Z0-9_.=-]*)", m.group(1)):
                p = subprocess.run([merit, c, opt + "=x"], capture_output=True, text=True,
                                   cwd=empty, stdin=subprocess.DEVNULL)
                if "unknown option" in p.stderr or "takes no value" in p.stderr:
                    fail(f"'merit {c} {opt}=x': {p.stderr.strip().splitlines()[0]} "
                         f"(cli/args.c's table lacks {opt})")

# --- syntax, where the shell is installed ------------------------------------
for shell, path in (("zsh", "_merit"), ("fish", "merit.fish")):
    exe = shutil.which(shell)
    if exe is None:
        print(f"skipped '{shell} -n completions/{path}': no {shell} installed", file=sys.stderr)
        continue
    p = subprocess.run([exe, "-n", os.path.join(comp, path)], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        fail(f"{shell} -n completions/{path}: {p.stderr.strip()}")

for msg in failures:
    print(msg, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"bash, zsh and fish complete the {len(commands)} commands and their options of --help")
