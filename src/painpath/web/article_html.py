"""An article's Markdown as HTML: headings with anchors (the search links to sections),
footnotes that link both ways, and each footnote's citations turned into links to the
article's own list of sources. Raw HTML in the Markdown is not allowed through."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from painpath.core.articles import CITE, FOOTNOTE_DEF, Article, slug


def _heading_ids(md: MarkdownIt) -> None:
    def add_ids(state: Any) -> None:
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type == "heading_open" and token.tag in ("h2", "h3"):
                token.attrSet("id", slug(tokens[i + 1].content))

    md.core.ruler.push("heading_ids", add_ids)


MARKDOWN = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
_heading_ids(MARKDOWN)


def _citations(body: str, references: dict[str, Any]) -> str:
    """'[^n]: @key1 @key2 note' -> '[^n]: [Author 2015](#ref-key1); [...](#ref-key2). note'"""

    def footnote(match: re.Match) -> str:
        label, rest = match.group(1), match.group(2).strip()
        links = []
        while m := CITE.match(rest):
            key = m.group(1)
            ref = references.get(key)
            name = ref.short() if ref is not None else key
            links.append(f"[{name}](#ref-{key})")
            rest = rest[m.end() :]
        cited = "; ".join(links)
        joined = f"{cited}. {rest}" if cited and rest else cited or rest
        return f"[^{label}]: {joined}"

    return FOOTNOTE_DEF.sub(footnote, body)


def article_html(article: Article, references: dict[str, Any]) -> Markup:
    html = MARKDOWN.render(_citations(article.body, references))
    html = html.replace(
        'class="footnote-backref">↩︎</a>',
        'class="footnote-backref" aria-label="Back to the text">↩</a>',
    )
    html = html.replace('<hr class="footnotes-sep" />', "")
    html = html.replace(
        '<section class="footnotes">',
        '<section class="footnotes" aria-labelledby="notes-heading">'
        '<h2 id="notes-heading">Notes</h2>',
    )
    # markdown-it escaped every text and attribute; no raw HTML was allowed in.
    return Markup(html)  # noqa: S704
