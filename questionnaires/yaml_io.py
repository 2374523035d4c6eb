"""YAML import and export of questionnaire documents (DESIGN section 5)."""

from __future__ import annotations

import yaml

from .documents import DocumentError, Locator, Problem, parse_document


def read_yaml(content: bytes | str, *, locator: Locator | None = None) -> dict:
    """Parse YAML text into a canonical document; ``DocumentError`` lists every problem."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError([Problem("file", "not UTF-8 text")]) from None
    try:
        raw = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        reason = getattr(exc, "problem", None) or str(exc)
        raise DocumentError([Problem(where, f"invalid YAML: {reason}")]) from None
    return parse_document(raw, locator=locator)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    # Multi-line texts as blocks; SafeDumper already quotes "yes" / "no" and other YAML 1.1
    # booleans, so choice values survive the round trip.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write_yaml(doc: dict) -> str:
    """A canonical document as YAML; empty optional parts are left out for readability."""
    out = dict(doc)
    if not out.get("description"):
        out.pop("description", None)
    sections = []
    for section in doc["sections"]:
        questions = []
        for q in section["questions"]:
            item = {k: v for k, v in q.items() if not _empty_optional(k, v)}
            questions.append(item)
        sections.append({**section, "questions": questions})
    out["sections"] = sections
    return yaml.dump(out, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _empty_optional(key: str, value: object) -> bool:
    if key in ("help", "unit", "refs") and not value:
        return True
    if key in ("visible_if",) and not value:
        return True
    return key in ("min", "max", "max_length") and value is None
