#!/usr/bin/env python3
"""Structure check of an HTML report with a real HTML parser (html.parser, standard library).

usage: check_html.py REPORT.html SCAN.json
Fails when the document does not parse into a balanced tree, when a finding of the scan is
missing from the text, or when anything could load or run: script elements, event-handler
attributes, non-anchor src/href, CSS url(), or an http(s)/protocol-relative reference.
"""
import json
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG shapes written as <rect .../> are self-closing in foreign content.
SELF_CLOSING_OK = {"rect", "line", "circle", "path", "polygon", "polyline", "ellipse"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []
        self.elements = {}

    def handle_starttag(self, tag, attrs):
        self.elements[tag] = self.elements.get(tag, 0) + 1
        self._check_attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements[tag] = self.elements.get(tag, 0) + 1
        self._check_attrs(tag, attrs)
        if tag not in VOID and tag not in SELF_CLOSING_OK:
            self.errors.append(f"unexpected self-closing <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}> at {self.getpos()}")
            return
        self.stack.pop()

    def handle_data(self, data):
        # Package data may contain URLs as text (escaped, never links); style sheets must not.
        if self.stack and self.stack[-1] == "style" and re.search(r"://|url\(|@import", data, re.IGNORECASE):
            self.errors.append("a URL, url() or @import in a style sheet")
        self.text.append(data)

    def _check_attrs(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.errors.append(f"event handler attribute {name} on <{tag}>")
            if name in ("src", "href", "action", "formaction", "xlink:href", "poster", "srcset") and not value.startswith("#"):
                self.errors.append(f"<{tag} {name}=\"{value}\"> refers outside the document")
            if "url(" in value.replace(" ", "").lower():
                self.errors.append(f"url() in an attribute of <{tag}>")
            if "://" in value or value.startswith("//"):
                self.errors.append(f"a URL in <{tag} {name}>")


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def visible(text):
    """What the report shows for package text: bidi controls spelled out (escapeHtml)."""
    return " ".join(BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text).split())


def main():
    html_path, scan_path = sys.argv[1], sys.argv[2]
    source = open(html_path, encoding="utf-8").read()
    scan = json.load(open(scan_path, encoding="utf-8"))
    checker = Checker()
    checker.feed(source)
    checker.close()
    errors = list(checker.errors)
    if checker.stack:
        errors.append(f"unclosed elements at the end: {checker.stack}")
    for banned in ("script", "iframe", "object", "embed", "link", "base", "form", "img"):
        if checker.elements.get(banned):
            errors.append(f"{checker.elements[banned]} <{banned}> element(s)")
    text = " ".join(" ".join(checker.text).split())
    for package in scan["packages"]:
        key = visible(f"{package['name']}@{package['version']}")
        if key not in text:
            errors.append(f"package {key} missing")
        for finding in package["findings"]:
            if visible(finding["title"]) not in text:
                errors.append(f"finding {finding['rule_id']} of {key} missing: {finding['title']!r}")
        # "Changes since <previous version>": every diff line and changed file, as text (escaped).
        changes = package.get("changes")
        if changes:
            if f"Changes since {visible(changes['from_version'])}" not in text:
                errors.append(f"changes section of {key} missing")
            for line in changes["lines"]:
                if visible(line["text"]) not in text:
                    errors.append(f"{line['change']} line of {key} missing: {line['text']!r}")
            for files in changes.get("files", {}).values():
                for path in files:
                    if visible(path) not in text:
                        errors.append(f"changed file {path!r} of {key} missing")
    for e in errors:
        print("check_html:", e)
    print(f"check_html: {len(checker.elements)} element kinds, {sum(checker.elements.values())} elements, "
          f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
