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
    text: str = Field(min_length=40)
    article: str
    sources: tuple[str, ...] = Field(min_length=1)


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
        out = []
        for card in self.cards:
            asked = any(_contains(tokens, p) for p in card.asks)
            topical = not card.about or any(_contains(tokens, p) for p in card.about)
            if asked and topical:
                out.append(Answer(card.id, card.title, card.text, card.article, card.sources))
        return out
