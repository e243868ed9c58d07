"""Answer cards: the few questions painpath answers itself (do I need a scan, is this
serious ...), shown above the search results with a link to the full article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from painpath.search.language import ReadQuery, words


@dataclass(frozen=True)
class Answer:
    """A short answer painpath itself gives, with the article that explains it."""

    id: str
    title: str
    text: str
    article: str | None
    sources: tuple[str, ...]


class AnswerCard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    asks: tuple[str, ...] = Field(min_length=1)
    about: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # not shown when the question says one of these
    text: str = Field(min_length=40)
    article: str
    sources: tuple[str, ...] = Field(min_length=1)
    # Also shown when the question names something the vocabulary links to this card's
    # article (e.g. "can't pee" -> the warning-signs article -> the warning-signs card).
    by_vocabulary: bool = False
    # Warning signs: when this card shows, reassuring cards do not.
    urgent: bool = False


class AnswerCardsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cards: tuple[AnswerCard, ...]


def _contains(tokens: list[str], phrase: str) -> bool:
    want = words(phrase)
    n = len(want)
    return any(tokens[i : i + n] == want for i in range(len(tokens) - n + 1))


class AnswerCards:
    def __init__(self, catalog: Any) -> None:
        self.cards = catalog.answer_cards.cards

    def for_query(self, read: ReadQuery) -> list[Answer]:
        tokens = words(read.text)
        linked = {e.entry.article for e in read.expansions if e.entry.article}
        shown = []
        for card in self.cards:
            asked = any(_contains(tokens, p) for p in card.asks)
            topical = not card.about or any(_contains(tokens, p) for p in card.about)
            linked_here = card.by_vocabulary and card.article in linked
            excluded = any(_contains(tokens, p) for p in card.unless)
            if ((asked and topical) or linked_here) and not excluded:
                shown.append(card)
        if any(card.urgent for card in shown):
            shown = [card for card in shown if card.urgent]
        return [Answer(c.id, c.title, c.text, c.article, c.sources) for c in shown]
