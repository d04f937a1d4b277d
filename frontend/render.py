"""Showing document-derived text safely. Anything that came from a document (a passage, a
file name, a section heading, an answer that quotes or paraphrases one) is data: it must not
become markup in the employee's browser. A heading like ``# Gym ![g](http://host/p.png)
[Login to claim](http://host/phish)`` must show those characters, load no image and link
nowhere.

- Passages and answers are HTML-escaped and shown with ``st.html`` (no Markdown at all, so no
  auto-linking either). Answers get links back only where the target is the app itself or an
  allow-listed host (``CITEQA_UI_LINK_HOSTS``), never images.
- Labels that Streamlit renders as Markdown (expander titles, captions, messages) get every
  ASCII punctuation character backslash-escaped, which CommonMark allows for all of them. The
  GFM autolinker runs on the text after that, so "://", "www." and "@" also get an invisible
  word joiner that its patterns do not cross.
"""

from __future__ import annotations

import html
import os
import re
from urllib.parse import urlsplit

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK_TRIGGER = re.compile(r"(:)(?=//)|(www)(?=\.)|(@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def md_escape(text: str) -> str:
    """``text`` as literal characters inside a Streamlit Markdown label, on one line."""
    text = _AUTOLINK_TRIGGER.sub(lambda m: m.group(0) + WORD_JOINER, " ".join(str(text).split()))
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


def allowed_hosts() -> frozenset[str]:
    return frozenset(h.strip().lower() for h in os.environ.get("CITEQA_UI_LINK_HOSTS", "").split(",")
                     if h.strip())


def _link_allowed(target: str, hosts: frozenset[str]) -> bool:
    target = target.strip()
    if target.startswith("/") and not target.startswith("//"):
        return True  # a path of the app itself
    parts = urlsplit(target)
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in hosts


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")


def passage_html(text: str, span: list[int] | tuple[int, int] | None = None) -> str:
    """A passage verbatim: escaped, line breaks kept; the supporting ``span`` (character
    offsets, as the API returns them) highlighted."""
    if span and 0 <= span[0] < span[1] <= len(text):
        start, end = span
        body = (f"{html.escape(text[:start])}<mark class=\"citeqa-span\">"
                f"{html.escape(text[start:end])}</mark>{html.escape(text[end:])}")
    else:
        body = html.escape(text)
    return f'<div class="citeqa-passage" style="white-space: pre-wrap">{body}</div>'


_MARKER = re.compile(r"\[(\d{1,3})\]")


def citation_anchor(key: str, n: int) -> str:
    """The element id of citation ``n``'s card in answer ``key``."""
    return f"cite-{re.sub(r'[^A-Za-z0-9_-]', '', key)}-{n}"


def answer_html(text: str, hosts: frozenset[str] | None = None, key: str | None = None,
                cited: frozenset[int] = frozenset()) -> str:
    """An answer: escaped text; no images; a Markdown link becomes a link only to the app or an
    allow-listed host, otherwise just its text. Bare URLs stay text. With ``key``, each ``[n]``
    marker of a citation in ``cited`` links to that citation's card (``citation_anchor``)."""
    hosts = allowed_hosts() if hosts is None else hosts
    text = _MD_IMAGE.sub("", text)

    def plain(part: str) -> str:
        escaped = html.escape(part)
        if key is None:
            return escaped
        return _MARKER.sub(lambda m: (f'<a class="citeqa-ref" href="#{citation_anchor(key, int(m.group(1)))}">'
                                      f'{m.group(0)}</a>') if int(m.group(1)) in cited else m.group(0),
                           escaped)

    out, last = [], 0
    for m in _MD_LINK.finditer(text):
        out.append(plain(text[last:m.start()]))
        label, target = m.group(1), m.group(2)
        if _link_allowed(target, hosts):
            out.append(f'<a href="{html.escape(target, quote=True)}">{html.escape(label)}</a>')
        else:
            out.append(html.escape(label))
        last = m.end()
    out.append(plain(text[last:]))
    body = "".join(out).strip()
    return f'<div class="citeqa-answer" style="white-space: pre-wrap">{body}</div>'


def draft_html(text: str, label: str) -> str:
    """The model's words while they stream, before the API has checked them against the
    sources: marked as a draft under ``label``, muted, escaped, with no links at all (a link
    in an unchecked draft could be one a document planted). The checked answer replaces it."""
    body = html.escape(_MD_IMAGE.sub("", text)).strip()
    return (f'<div class="citeqa-draft" aria-busy="true" style="opacity: 0.6">'
            f'<div class="citeqa-draft-label" style="font-size: 0.8em; font-style: italic">'
            f'{html.escape(label)}</div>'
            f'<div style="white-space: pre-wrap">{body}</div></div>')
