#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Follows every link in ctwatch's documentation and fails on a dangling one.

  doc_links.py --source SRC
      every Markdown file of the source tree (git's files, or a walk without
      build directories): each relative link must name an existing file or
      directory, and a #fragment into a Markdown file one of its headings.
  doc_links.py --installed [--root ROOT] [--relative-only] FILE...
      the installed files (e.g. `dpkg -L collectd-ctwatch`, or a DESTDIR's
      files with --root DESTDIR): the same for the Markdown files, and in
      every text file (man pages gunzipped, conffiles, rules, dashboards)
      each absolute path into the package's directories (/usr/share/ctwatch/,
      /usr/share/doc/collectd-ctwatch/, file:// URLs included) must exist
      under ROOT. Paths with placeholders (<AlertName>, %s, *, $x) are
      checked up to the placeholder's directory. --relative-only skips
      those (an installation under another prefix still names /usr/share).
Prints one line per dangling link (file:line: target) and a summary.
Exit 0 all links resolve, 1 some dangle, 2 usage.
"""

import gzip
import os
import re
import subprocess
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
PKG_PATH = re.compile(r"(?:file://)?(/usr/share/(?:ctwatch|doc/collectd-ctwatch)(?:/[^\s\"'`()<>,;\]|]*)?)")
PLACEHOLDER = re.compile(r"[<%*${]")
SKIP_DIRS = {".git", "node_modules"}


def slug(text):
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"`|\*\*|\[|\]\([^)]*\)", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        found, seen, fence = set(), {}, False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("```"):
                    fence = not fence
                m = None if fence else HEADING.match(line)
                if m:
                    s = slug(m.group(2))
                    n = seen.get(s, 0)
                    seen[s] = n + 1
                    found.add(s if n == 0 else f"{s}-{n}")
        cache[path] = found
    return cache[path]


def read_text(path):
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                return f.read()
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None  # binary (ctwatch.so, the ctwatch command)


def check_markdown(path, text, root, problems):
    fence = False
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fence = not fence
        if fence:
            continue
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:, file:
                continue
            file_part, _, frag = target.partition("#")
            if not file_part:
                dest = path
            elif file_part.startswith("/"):
                dest = os.path.join(root, file_part.lstrip("/"))
            else:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if not os.path.exists(dest):
                problems.append(f"{path}:{n}: {target} (no such file: {dest})")
            elif frag and dest.endswith(".md") and os.path.isfile(dest) and frag not in anchors(dest):
                problems.append(f"{path}:{n}: {target} (no heading #{frag} in {dest})")


def check_package_paths(path, text, root, problems):
    for n, line in enumerate(text.splitlines(), 1):
        for p in PKG_PATH.findall(line):
            p = p.rstrip(".:")
            m = PLACEHOLDER.search(p)
            if m:
                p = p[: m.start()].rsplit("/", 1)[0] or "/"
            if not os.path.exists(os.path.join(root, p.lstrip("/"))):
                problems.append(f"{path}:{n}: {p} (not installed)")


def source_files(src):
    try:
        out = subprocess.run(["git", "-C", src, "ls-files", "--cached", "--others", "--exclude-standard"],
                             check=True, capture_output=True, text=True).stdout.split("\n")
        files = [os.path.join(src, f) for f in out if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(src):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith(("build", "obj-"))]
            files += [os.path.join(d, x) for x in names]
    return sorted(f for f in files if f.endswith(".md") and os.path.isfile(f))


def main(argv):
    problems, checked = [], 0
    if len(argv) == 3 and argv[1] == "--source":
        for f in source_files(argv[2]):
            text = read_text(f)
            if text is not None:
                check_markdown(f, text, "/", problems)
                checked += 1
    elif len(argv) >= 3 and argv[1] == "--installed":
        root, files, absolute = "/", argv[2:], True
        if files[0] == "--root" and len(files) >= 2:
            root, files = files[1], files[2:]
        if files and files[0] == "--relative-only":
            absolute, files = False, files[1:]
        for f in files:
            full = os.path.join(root, f.lstrip("/")) if root != "/" and not f.startswith(root) else f
            if not os.path.isfile(full):
                continue
            text = read_text(full)
            if text is None:
                continue
            if full.endswith(".md"):
                check_markdown(full, text, root, problems)
            if absolute:
                if "/man/" in full:
                    text = text.replace("\\-", "-")  # roff's escaped hyphen
                check_package_paths(full, text, root, problems)
            checked += 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(f"dangling: {p}")
    print(f"doc_links: {checked} files checked, {len(problems)} dangling links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
