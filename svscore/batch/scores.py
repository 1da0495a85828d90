"""Evaluators' scores for a batch: from score sheet workbooks, or from an evaluation workbook.

Scores are matched to returned bids by bidder id (company number), or by name when the id is
blank. A score without a justification is not used: justifications are required, because they
become the explanations in each bidder's assessment summary.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from svscore.batch.container import package_refused, read_capped
from svscore.batch.spec import Limits
from svscore.errors import Problem, Severity, file_label
from svscore.excel.cells import RESAVE_OWN, UnreadableWorkbook, load_values, unreadable
from svscore.excel.read_score_sheets import ScoreSheetScores, SheetScore, read_score_sheets
from svscore.model.bids import Bid, Score
from svscore.model.identity import bidder_key, same_name
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Tender


@dataclass
class ScoreBook:
    """Scores by bidder key, with the problems met while reading them."""

    scores: dict[str, list[Score | SheetScore]] = field(default_factory=dict)
    """bidder key -> its scores: from score sheets as plain tuples, each made a :class:`Score` only
    for a bid that uses it (:meth:`for_bid`); from an evaluation workbook, the models it gives."""
    names: dict[str, str] = field(default_factory=dict)
    """bidder key -> name as the evaluators wrote it."""
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    recorded: dict[str, Bid] = field(default_factory=dict)
    """bidder key -> the bid as the evaluation workbook records it (price, SME/VCSE, name, commitments)."""
    released: bool = False
    """The scores were let go (:meth:`let_go_of_scores`): the book can no longer give a bid's scores."""

    def record(self, bid: Bid, lot: str) -> None:
        self.recorded[f"{lot}|{bidder_key(bid.bidder_id) or bidder_key(bid.bidder)}"] = bid

    def recorded_for(self, bidder_id: str, bidder: str, lot: str) -> Bid | None:
        return next((self.recorded[k] for k in self._keys(bidder_id, bidder, lot) if k in self.recorded), None)

    def add(self, ids: tuple[str, str], score: Score | SheetScore, lot: str) -> None:
        key = f"{lot}|{bidder_key(ids[0]) or bidder_key(ids[1])}"
        self._held().setdefault(key, []).append(score)
        self.names[key] = ids[1] or ids[0]

    def _keys(self, bidder_id: str, bidder: str, lot: str) -> list[str]:
        return [f"{lot}|{k}" for k in (bidder_key(bidder_id), bidder_key(bidder)) if k]

    def let_go_of_scores(self) -> None:
        """Let go of the scores once every bid has been made with its own (a batch does not hold them
        while its competition is scored). Asked about scores after, the book says so (an empty answer
        would read as "no scores were given")."""
        self.scores.clear()
        self.released = True

    def _held(self) -> dict[str, list[Score | SheetScore]]:
        if self.released:
            raise RuntimeError("the score book's scores were let go once every bid was made: ask about them before")
        return self.scores

    def for_bid(self, bidder_id: str, bidder: str, lot: str) -> list[Score]:
        self._held()
        for key in self._keys(bidder_id, bidder, lot):
            if key in self.scores:
                return [s.model() if isinstance(s, SheetScore) else s for s in self.scores[key]]
        return []

    def name_disagrees(self, bidder_id: str, bidder: str, lot: str) -> str | None:
        """The name the evaluators gave the scores matched to this bid by its company number, when
        it is not the bid's name (beyond case, punctuation and legal suffixes); else None."""
        held = self._held()
        key = f"{lot}|{bidder_key(bidder_id)}" if bidder_id else None
        if key is None or key not in held:
            return None
        theirs = self.names[key]
        return None if same_name(theirs, bidder) or bidder_key(theirs) == bidder_key(bidder_id) else theirs

    def matched_keys(self, bids: list[tuple[str, str, str]]) -> set[str]:
        held = self._held()
        return {k for b in bids for k in self._keys(*b) if k in held}


def score_sheet_files(folder: Path) -> list[Path]:
    """The workbooks in a scores folder that are read as score sheets (not hidden, not lock files)."""
    return [path for path in sorted(folder.iterdir())
            if not path.name.startswith((".", "~$")) and path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file()]


def read_score_folder(folder: Path, tender: Tender, measures: MeasuresTable | None, book: ScoreBook | None = None) -> ScoreBook:
    """Add the scores of every score sheet workbook in ``folder`` to ``book``, each for the lot it was
    made for (each workbook is read once, whatever the number of lots).

    Each workbook is read in a process of its own where fork is available
    (:func:`svscore.render.background.in_background`): its cells, every one a Python value, are
    parsed there, and only the scores and problems they give come back, so they never add to this
    process's memory. Elsewhere, or when such a process fails, it is read here: the scores and
    problems are the same either way, in the same order. A process killed by a signal (the reader
    crashed on the file, or memory ran out) is not followed by a second reading here, which the same
    file would crash: the workbook is reported as not read."""
    import pickle
    from collections import deque

    from svscore.render.background import in_background

    book = book or ScoreBook()
    if not folder.is_dir():
        book.problems.append(Problem(file_label(str(folder)), "the scores folder does not exist"))
        return book
    reading: deque[Callable[[], bytes]] = deque()
    for path in score_sheet_files(folder):
        if path not in book.files:
            book.files.append(path)
        reading.append(in_background(_read_pickled, (path, tender, measures), functools.partial(_crashed, path)))
        if len(reading) >= READING_AT_ONCE:
            _add_read(pickle.loads(reading.popleft()()), book)
    while reading:
        _add_read(pickle.loads(reading.popleft()()), book)
    book.problems = list(dict.fromkeys(book.problems))  # a problem met twice (say, an evaluator listed twice) said once
    return book


READING_AT_ONCE = 2
"""Score sheet workbooks read at once, each in its own process: one works while the scores of the
one before are added here."""


def _read_pickled(args: tuple[Path, Tender, MeasuresTable | None]) -> bytes:
    import pickle

    read = _read_one(*args)
    # Evaluators often give the same justification ("Meets the requirement") to many bids: each
    # such text is sent, and then held, once.
    texts: dict[str, str] = {}
    read.scores = [(ids, score._replace(justification=texts.setdefault(score.justification, score.justification)), lot)
                   for ids, score, lot in read.scores]
    return pickle.dumps(read, pickle.HIGHEST_PROTOCOL)


def _crashed(path: Path) -> bytes:
    """What a score sheets workbook gives whose reading process was killed (a crash in the reader,
    or the system out of memory): not read, and said so, rather than read again in the batch's own
    process, which the same file would take down."""
    import pickle

    read = ScoreSheetScores()
    read.problems.append(Problem(file_label(path.name), "not read: the process reading it stopped (the reader crashed on the "
                                                        f"file or ran out of memory); {RESAVE_OWN} and run the batch again"))
    return pickle.dumps(read, pickle.HIGHEST_PROTOCOL)


def _add_read(read: ScoreSheetScores, book: ScoreBook) -> None:
    for ids, score, lot in read.scores:
        book.add(ids, score, lot)
    book.problems += read.problems


def _read_one(path: Path, tender: Tender, measures: MeasuresTable | None) -> ScoreSheetScores:
    """The scores and problems of one score sheet workbook."""
    name = file_label(path.name)
    limits = Limits()
    read = ScoreSheetScores()
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, limits.max_file_bytes)  # never a whole file of many GB in memory
    except OSError as exc:
        read.problems.append(Problem(name, f"not read: it could not be opened ({exc.strerror})"))
        return read
    # Score sheets pass through many hands: the package checks the returned bids pass (size first) come first.
    why = package_refused(path, data, limits)
    if why is not None:
        read.problems.append(Problem(name, f"not read: {why}"))
        return read
    try:
        values = load_values(path, name, data)
    except UnreadableWorkbook:
        read.problems.append(Problem(name, f"not read: {unreadable(path)}"))
        return read
    read_score_sheets(values, tender, measures, read)
    return read


def unused_warning(book: ScoreBook, matched: set[str]) -> list[Problem]:
    """A warning for each bidder the evaluators scored who returned no workbook that could be scored."""
    return [Problem("scores", f"scores were given for {book.names[k]} (lot {k.split('|')[0]}), who returned no scorable workbook", Severity.WARNING)
            for k in sorted(set(book._held()) - matched)]

