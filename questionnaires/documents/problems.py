"""Problems of a document, where they are, and the checker that collects them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a document: ``location`` (e.g. ``sections[1].questions[4] (EMP_05) field
    choices``) and the human ``message``."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DocumentError(ValueError):
    """An invalid questionnaire document; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid document")

    def as_validation_error(self) -> ValidationError:
        """The 400 answer: one entry per location with its messages, in document order."""
        errors: dict[str, list[str]] = {}
        for problem in self.problems:
            errors.setdefault(problem.location, []).append(problem.message)
        return ValidationError({k: [ValidationError(m) for m in v] for k, v in errors.items()})


class Locator:
    """Turns a position in the document into a location string (YAML paths by default).

    The XLSX reader subclasses it to name sheets and rows instead.
    """

    def top(self, field: str) -> str:
        return f"field {field}"

    def section(self, s: int, code: str | None, field: str) -> str:
        return f"sections[{s}]{_code(code)} field {field}"

    def question(self, s: int, q: int, code: str | None, field: str) -> str:
        return f"sections[{s}].questions[{q}]{_code(code)} field {field}"

    def choice(self, s: int, q: int, c: int, code: str | None, field: str) -> str:
        return f"sections[{s}].questions[{q}]{_code(code)} field choices[{c}].{field}"


def _code(code: str | None) -> str:
    return f" ({code})" if code else ""


class _Checker:
    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.problems: list[Problem] = []
        self.languages: list[str] = []

    def add(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def texts(self, raw: object, where, field: str, *, required: bool) -> dict[str, str]:
        """A per-language text: every declared language present and non-empty.

        ``where(field)`` builds the location. A plain string counts as the first language.
        """
        if raw is None or raw == "" or raw == {}:
            if required:
                self.add(where(field), "required")
            return {}
        if isinstance(raw, str):
            raw = {self.languages[0]: raw} if self.languages else {}
        if not isinstance(raw, Mapping):
            self.add(where(field), "expected a text per language, e.g. {en: ..., zh-Hans: ...}")
            return {}
        out: dict[str, str] = {}
        for lang, text in raw.items():
            if lang not in self.languages:
                self.add(
                    where(f"{field}[{lang}]"),
                    f"language '{lang}' is not declared in languages ({', '.join(self.languages)})",
                )
                continue
            if text is not None and not isinstance(text, str | int | float):
                self.add(where(f"{field}[{lang}]"), "expected a text")
                continue
            if text is not None and str(text).strip():
                out[lang] = str(text).strip()
        for lang in self.languages:
            if lang not in out:
                self.add(where(f"{field}[{lang}]"), f"missing translation for '{lang}'")
        return {lang: out[lang] for lang in self.languages if lang in out}

    def boolean(self, raw: object, where, field: str, default: bool = False) -> bool:
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        self.add(where(field), "expected true or false")
        return default

    def unknown_keys(self, item: Mapping, allowed, where) -> None:
        for key in item:
            if key not in allowed:
                self.add(where(str(key)), f"unknown key '{key}'")
