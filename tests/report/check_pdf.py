#!/usr/bin/env python3
"""Structure check of a PDF report with poppler-utils and qpdf (Debian packages, see packaging/bootstrap.sh).

usage: check_pdf.py REPORT.pdf SCAN.json a4|letter
Fails unless: qpdf --check passes; the page size is the one asked for; there is a title page plus
at least one page per package; every font is embedded; the text (pdftotext) holds every package
and finding title; the outline has a Summary entry and one entry per package.
"""
import json
import re
import subprocess
import sys
import unicodedata

SIZES = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def visible(text):
    """What reports show for package text: bidi controls spelled out (engine/report/html_escape.h)."""
    return BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main():
    pdf, scan_path, size = sys.argv[1], sys.argv[2], sys.argv[3]
    scan = json.load(open(scan_path, encoding="utf-8"))
    errors = []
    run("qpdf", "--check", pdf)
    info = run("pdfinfo", pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    want = SIZES[size]
    if abs(w - want[0]) > 2 or abs(h - want[1]) > 2:
        errors.append(f"page size {w} x {h}, expected {size} {want}")
    if pages < 1 + len(scan["packages"]):
        errors.append(f"{pages} pages: fewer than a title page plus one per package")
    fonts = run("pdffonts", pdf).splitlines()[2:]
    if not fonts:
        errors.append("no fonts")
    for line in fonts:
        # columns: name type encoding emb sub uni object ID
        cols = line.split()
        if len(cols) >= 7 and cols[-5] != "yes":
            errors.append(f"font not embedded: {line}")
    # NFKC undoes the typographic ligatures (ﬁ, ﬂ) the text shaper puts in.
    text = " ".join(unicodedata.normalize("NFKC", run("pdftotext", "-layout", pdf, "-")).split())
    # Lines wrap inside table cells, so compare on words joined by single spaces, hyphen-free.
    flat = text.replace("- ", "-")
    for p in scan["packages"]:
        key = f"{p['name']}@{p['version']}"
        if key not in flat:
            errors.append(f"package {key} missing from the text")
        for f in p["findings"]:
            words = visible(f["title"]).split()
            # A title may wrap across lines in a table cell: look for its first and last five words.
            for part in (" ".join(words[:5]), " ".join(words[-5:])):
                if part not in flat:
                    errors.append(f"finding {f['rule_id']} of {key}: {part!r} missing from the text")
        changes = p.get("changes")
        if changes:
            if f"Changes since {changes['from_version']}" not in flat:
                errors.append(f"changes section of {key} missing from the text")
            for line in changes["lines"]:
                # Keys may wrap anywhere in a cell: their first word is enough to place them.
                first = visible(line["text"]).split()[0]
                if first not in flat:
                    errors.append(f"{line['change']} line of {key}: {first!r} missing from the text")
    outline = json.loads(run("qpdf", "--json", "--json-key=outlines", pdf)).get("outlines", [])
    titles = []

    def walk(items):
        for item in items:
            titles.append(item.get("title", ""))
            walk(item.get("kids", []))
    walk(outline)
    if "Summary" not in titles:
        errors.append(f"outline lacks Summary: {titles}")
    for p in scan["packages"]:
        if not any(t.startswith(f"{p['name']}@{p['version']}") for t in titles):
            errors.append(f"outline lacks {p['name']}@{p['version']}: {titles}")
    for e in errors:
        print("check_pdf:", e)
    print(f"check_pdf: {pages} pages, {len(fonts)} fonts, {len(titles)} bookmarks, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
