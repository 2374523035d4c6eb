"""The one progress rule every page and list uses: of the questions visible to the supplier,
how many are done. A question is done when it has an answer (or is marked not applicable) and,
when its evidence is required, a file, exactly as submission checks it
(``audits.services.audits.missing_for_submit``); so a page never shows "53 of 53" while
submission still refuses a missing file."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from audits.answers import has_answer
from questionnaires.models import Question
from scoring.engine import AnswerValue


def question_done(answer: AnswerValue | None, *, needs_file: bool, has_file: bool) -> bool:
    """Answered (or not applicable), with its file when the question requires one."""
    if answer is None or not has_answer(answer.value, answer.not_applicable):
        return False
    return not needs_file or answer.not_applicable or has_file


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done == self.total


def progress_of(
    codes: Collection[str],
    *,
    questions: Mapping[str, Question],
    answers: Mapping[str, AnswerValue],
    with_files: Collection[str],
) -> Progress:
    """Progress over ``codes`` (the visible questions, or a section's visible questions);
    ``with_files``: the codes of the questions that have at least one evidence file."""
    done = sum(
        1
        for code in codes
        if question_done(
            answers.get(code),
            needs_file=questions[code].evidence == Question.Evidence.REQUIRED,
            has_file=code in with_files,
        )
    )
    return Progress(done=done, total=len(codes))


def files_missing(
    codes: Collection[str],
    *,
    questions: Mapping[str, Question],
    answers: Mapping[str, AnswerValue],
    with_files: Collection[str],
) -> int:
    """How many of ``codes`` still need their required evidence file (a question marked not
    applicable needs none)."""
    return sum(
        1
        for code in codes
        if questions[code].evidence == Question.Evidence.REQUIRED
        and code not in with_files
        and not (code in answers and answers[code].not_applicable)
    )
