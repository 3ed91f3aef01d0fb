#!/usr/bin/env python3
"""Lists the functions and variables that merit's public headers declare.

Reads the output of the C preprocessor run over a file that includes every
public header (`cc -E`, line markers kept) on stdin, and prints, one a line,
sorted, every name with external linkage declared by a line that came from a
file under HEADER_DIR (the first argument): functions (not `static inline`
ones, which are never exported) and `extern` variables. Types, enumerators
and macros are not symbols and are left out.

Preprocessed text is plain C: comments are gone and macros expanded, so a
declaration is a top-level statement up to `;` (or a function body's `}`).
"""
import os
import re
import sys

header_dir = os.path.realpath(sys.argv[1]) + "/"

# keep only the text that came from the public headers
marker = re.compile(r'^# (\d+) "([^"]*)"')
ours = False
kept = []
for line in sys.stdin:
    m = marker.match(line)
    if m:
        ours = os.path.realpath(m.group(2)).startswith(header_dir)
        continue
    if line.startswith("#"):
        continue  # #pragma and the like
    if ours:
        kept.append(line)
text = " ".join(kept)
text = re.sub(r'"(\\.|[^"\\])*"', '""', text)  # string literals
text = re.sub(r"'(\\.|[^'\\])*'", "''", text)

# drop attributes, whose parentheses would look like a parameter list
def drop_attributes(s):
    out = []
    i = 0
    while True:
        j = s.find("__attribute__", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        out.append(s[i:j])
        k = s.index("(", j)
        depth = 0
        while True:
            if s[k] == "(":
                depth += 1
            elif s[k] == ")":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        i = k + 1


text = drop_attributes(text)
text = re.sub(r'extern\s*""\s*\{', " ", text)  # C++ guards, if compiled so

# split into top-level statements: braces of a struct, enum or function body
# are kept with their statement; a function body ends its statement
statements = []
current = []
depth = 0
for ch in text:
    current.append(ch)
    if ch == "{":
        depth += 1
    elif ch == "}":
        depth -= 1
        if depth == 0:
            s = "".join(current)
            head = s[: s.index("{")]
            if ")" in head and not head.lstrip().startswith(("typedef", "struct", "enum", "union")):
                statements.append(s)  # a function definition (static inline)
                current = []
    elif ch == ";" and depth == 0:
        statements.append("".join(current))
        current = []

ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
names = set()
for s in statements:
    s = re.sub(r"\{.*\}", " ", s, flags=re.S).strip()  # bodies and members
    words = ident.findall(s)
    if not words or words[0] in ("typedef", "static"):
        continue
    if s.startswith(("struct", "enum", "union")) and "(" not in s and words[0] != "extern":
        if len(words) <= 2:
            continue  # a struct definition or forward declaration
    paren = s.find("(")
    if paren >= 0:
        # a function: the name right before its parameter list (or before
        # `(*` for a variable that is a function pointer)
        m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", s[:paren])
        if m is None:
            m = re.match(r"\(\s*\*\s*([A-Za-z_][A-Za-z0-9_]*)", s[paren:])
        if m is not None:
            names.add(m.group(1))
        continue
    if words[0] == "extern":
        # a variable: the last name before any array brackets or initialiser
        decl = re.split(r"[\[=]", s)[0]
        names.add(ident.findall(decl)[-1])

for name in sorted(names):
    print(name)
