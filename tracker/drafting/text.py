"""The text of a report file: plain text as it is, HTML with its tags stripped.

Offsets everywhere in a draft are character offsets into this text (for an
HTML file: into the text once tags are stripped and entities decoded).

A copy of a report often carries what is not the report: a blog's own comments
after an elided line ("..."), "Comments", "Popular posts from this blog". The
body ends at the first such line; nothing after it is drafted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from tracker.errors import TrackerError

# A line that ends the report's body in a copy: an elision on its own, or a page's furniture.
_BODY_END = re.compile(r"^[ \t]*(?:\.\.\.|…|\[\.\.\.\]|Comments|Popular posts from this blog|Share this:?|"
                       r"Related (?:posts|articles):?|Leave a (?:comment|reply))[ \t]*$", re.MULTILINE)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote"}
_SKIP_TAGS = {"script", "style", "head", "noscript", "nav", "footer", "aside", "form", "header"}


@dataclass(frozen=True)
class ReportText:
    """The text drafted from: the whole text, where its body ends, and its title and publisher lines."""

    text: str
    body_end: int
    title: str | None = None  # the first line, when it reads as a headline
    publisher: str | None = None  # a "Name:" line right after it

    @property
    def body(self) -> str:
        return self.text[:self.body_end]


_SKIP_ATTRS = re.compile(r"comment|sidebar|related|share|social|newsletter|advert|footer|nav|menu|cookie", re.I)
_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param", "track"}


class _Stripper(HTMLParser):
    """The page's text, without scripts, navigation, footers, sidebars and reader comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_tag: str | None = None  # the element being skipped, and how deep inside it we are
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        marks = " ".join(v or "" for k, v in attrs if k in ("id", "class", "role"))
        if tag not in _VOID and (tag in _SKIP_TAGS or (marks and _SKIP_ATTRS.search(marks))):
            self.skip_tag, self.skip_depth = tag, 1
            if tag == "footer" or (marks and re.search(r"comment", marks, re.I)):
                self.parts.append("\n\n...\n\n")  # the article ends here: what follows is the page's, or readers'
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.skip_tag is None:
            self.parts.append(data)


def strip_html(html: str) -> str:
    """The text of an HTML page: tags dropped, blocks as paragraphs, entities decoded, blank runs squeezed."""
    parser = _Stripper()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read_text(path: str | Path) -> str:
    """A report file's text (``.html``/``.htm``: stripped of tags)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise TrackerError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackerError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if p.suffix.lower() in (".html", ".htm") or text.lstrip().lower().startswith(("<!doctype html", "<html")):
        text = strip_html(text)
    return text.replace("\r\n", "\n")


def report_text(text: str) -> ReportText:
    """The text with its body's end, its headline and its publisher line found."""
    end = _BODY_END.search(text)
    body_end = end.start() if end else len(text)
    lines = text[:body_end].split("\n")
    title = publisher = None
    first = lines[0].strip() if lines else ""
    if first and not first.endswith((".", "!", "?", ":")) and len(first) <= 200:
        title = first
        rest = [line.strip() for line in lines[1:4] if line.strip()]
        named = re.fullmatch(r"(?:Publisher|Source|Published by):\s*(.{2,80})", rest[0]) if rest else None
        if named:
            publisher = named.group(1).strip()
        elif rest and re.fullmatch(r"[A-Z][\w&.' -]{1,60}:", rest[0]):
            publisher = rest[0].rstrip(":")
    return ReportText(text, body_end, title, publisher)
