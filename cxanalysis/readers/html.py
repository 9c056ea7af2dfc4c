"""HTML message bodies to plain text (emails, Zendesk and Intercom comments), with inscriptis."""

from __future__ import annotations

import html as _html
import re

_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains HTML tags."""
    return bool(_TAG.search(text or ""))


def html_to_text(markup: str | None) -> str:
    """Render HTML as plain text: block elements become line breaks, entities are decoded.

    >>> html_to_text("<p>Hello&nbsp;Ann,</p><p>your <b>order</b> shipped.</p>")
    'Hello Ann,\\n\\nyour order shipped.'
    """
    if not markup:
        return ""
    if not looks_like_html(markup):
        return _html.unescape(markup).strip()
    from inscriptis import get_text

    text = get_text(markup).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
