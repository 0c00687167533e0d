"""What the Store gives back: an :class:`Answer` to a question, a :class:`Result` of a write.

Every query returns an ``Answer``: a one-line ``headline``, the ``columns`` a
table shows (in order; csv and json carry every field), and ``records``, plain
dicts that stream from the database (iterate them once)::

    answer = store.events(place="Derna")
    print(answer.headline)
    for record in answer:          # or answer.all() for a list
        print(record["date"], record["type"])

Every write returns a ``Result`` with the same protocol: ``counts()`` (numbers
for scripts), ``summary()`` (one line for people; several for a batch),
``warnings()`` and ``record()`` (what ``--format json`` prints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tracker.errors import TrackerError


@dataclass
class Answer:
    """A query's answer: a headline, the columns a table shows, and the records (streamed)."""

    headline: str
    columns: list[str]
    records: Iterator[dict]
    answer: str = ""  # the one-word verdict of a question that has one (who-held: held, contested, stale...)
    fields: list[str] = field(default_factory=list)  # every key of a record, in order (csv's header when none came)
    noun: str = ""  # what the records are ("events"), for "0 events" when none came
    notes: list[str] = field(default_factory=list)  # what a reader should know of the answer (stderr at the CLI)
    count: Callable[[], int] | None = None  # how many records will come, when that can be asked first (a progress bar)

    def __post_init__(self) -> None:
        self.records = iter(self.records)

    def __iter__(self) -> Iterator[dict]:
        return self.records

    def all(self) -> list[dict]:
        """Every record, as a list (reads the stream to its end)."""
        return list(self.records)

    def one(self) -> dict:
        """The one record of an answer that has exactly one (a profile)."""
        found = self.all()
        if len(found) != 1:
            raise TrackerError(f"expected one record, got {len(found)}")
        return found[0]


def answer(headline: str, records: Iterable[dict], columns: Iterable[str] = (), verdict: str = "",
           fields: Iterable[str] = (), noun: str = "", notes: Iterable[str] = ()) -> Answer:
    return Answer(headline, list(columns), iter(records), verdict, list(fields), noun, list(notes))


class Result:
    """What a write did. Subclasses give ``counts()`` and ``summary()``; warnings and the record follow."""

    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    def summary(self) -> str:
        raise NotImplementedError

    def warnings(self) -> list[str]:
        return []

    def record(self) -> dict:
        return {"summary": self.summary(), **self.counts()}


@dataclass
class Results(Result):
    """Several results of one write (a load of several files): their counts summed, one summary line each."""

    items: list[Result] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for item in self.items:
            for k, v in item.counts().items():
                total[k] = total.get(k, 0) + v
        return total

    def summary(self) -> str:
        return "\n".join(item.summary() for item in self.items)

    def warnings(self) -> list[str]:
        return [w for item in self.items for w in item.warnings()]

    def record(self) -> dict:
        return {**self.counts(), "items": [item.record() for item in self.items]}

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Result:
        return self.items[i]


@dataclass
class Message(Result):
    """A write whose outcome is one line and a few numbers (a merge, an export)."""

    text: str
    numbers: dict[str, int] = field(default_factory=dict)
    details: dict | None = None

    def counts(self) -> dict[str, int]:
        return dict(self.numbers)

    def summary(self) -> str:
        return self.text

    def record(self) -> dict:
        return {"summary": self.text, **self.numbers, **(self.details or {})}


__all__ = ["Answer", "Result", "Results", "Message", "answer"]
