"""The shape STYLE promises: functions a reader can hold, modules that fit in one read, and the
type checking settings (``check_untyped_defs`` everywhere, ``--strict`` for the engine).

No database: these read the source tree and mypy's own reading of ``pyproject.toml``."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from mypy.config_parser import parse_config_file
from mypy.options import Options

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

# Allowed exceptions, each with its reason. An entry that no longer exceeds the limit fails the
# test, so the list only shrinks.
LONG_MODULES: dict[str, str] = {
    "scoring/engine/questionnaire.py": "the engine's core: the questionnaire model and its "
    "compiled visibility, one closed set of frozen dataclasses",
    "scoring/engine/rules.py": "the engine's core: the rule-set model, its validation and "
    "compilation, one closed set of frozen dataclasses",
}
LONG_FUNCTIONS: dict[str, str] = {}


def _app_packages() -> list[str]:
    """The apps, as the import-linter contract lists them."""
    config = tomllib.loads(PYPROJECT.read_text())
    return config["tool"]["importlinter"]["root_packages"]


def _app_modules() -> list[Path]:
    modules = []
    for app in _app_packages():
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                modules.append(path)
    return modules


def _functions(path: Path) -> list[tuple[str, int]]:
    """``(qualified name, lines from the first decorator to the last line)`` of every function
    and method in ``path``, nested ones included."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                assert child.end_lineno is not None
                found.append((prefix + child.name, child.end_lineno - first + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(), filename=str(path)), "")
    return found


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_apps_are_found():
    modules = {_relative(p) for p in _app_modules()}
    assert "audits/models.py" in modules
    assert "scoring/engine/scorer.py" in modules
    assert not any("/migrations/" in m for m in modules)


def test_no_function_is_longer_than_60_lines():
    too_long = {}
    for path in _app_modules():
        for name, length in _functions(path):
            if length > MAX_FUNCTION_LINES:
                too_long[f"{_relative(path)}::{name}"] = length
    unexplained = {k: v for k, v in too_long.items() if k not in LONG_FUNCTIONS}
    assert unexplained == {}, "split these by step (STYLE, 'Small functions')"
    stale = sorted(set(LONG_FUNCTIONS) - set(too_long))
    assert stale == [], "no longer too long: remove them from LONG_FUNCTIONS"


def test_no_module_is_longer_than_400_lines():
    too_long = {}
    for path in _app_modules():
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            too_long[_relative(path)] = lines
    unexplained = {k: v for k, v in too_long.items() if k not in LONG_MODULES}
    assert unexplained == {}, "make these packages or move a cohesive part out (STYLE)"
    stale = sorted(set(LONG_MODULES) - set(too_long))
    assert stale == [], "no longer too long: remove them from LONG_MODULES"


def test_the_length_measure_counts_decorators_and_nested_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "@decorator\ndef outer():\n    def inner():\n        return 1\n    return inner\n\n"
        "class Thing:\n    def method(self):\n        pass\n"
    )
    assert _functions(source) == [("outer", 5), ("outer.inner", 2), ("Thing.method", 2)]


# -- type checking ---------------------------------------------------------------------------


def _mypy_options() -> Options:
    """The options as mypy itself reads them from pyproject.toml."""
    options = Options()
    out, err = io.StringIO(), io.StringIO()
    parse_config_file(options, lambda: None, str(PYPROJECT), out, err)
    assert err.getvalue() == "", err.getvalue()
    return options


def _strict_flags() -> list[str]:
    """The flags ``mypy --strict`` stands for, as this mypy's ``--help`` lists them."""
    text = subprocess.run(
        [sys.executable, "-m", "mypy", "--help"], capture_output=True, text=True, check=True
    ).stdout
    block = text.split("enables the following flags:", 1)[1]
    joined = ""
    for line in block.splitlines():
        if re.match(r"^  -", line):  # the next option
            break
        part = line.strip()
        joined += part if joined.endswith("-") or not joined else " " + part
    flags = [flag.strip() for flag in joined.split(",") if flag.strip()]
    assert "--disallow-untyped-defs" in flags, flags
    return flags


def test_every_app_module_checks_untyped_defs():
    options = _mypy_options()
    assert options.check_untyped_defs is True
    for path in _app_modules():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        assert options.clone_for_module(module).check_untyped_defs is True, module


@pytest.mark.parametrize("module", ["scoring.engine", "scoring.engine.rules"])
def test_the_engine_is_checked_as_with_strict(module):
    engine = _mypy_options().clone_for_module(module)
    for flag in _strict_flags():
        name = flag.removeprefix("--").replace("-", "_")
        if name.startswith("no_"):
            assert getattr(engine, name.removeprefix("no_")) is False, flag
        else:
            assert getattr(engine, name) is True, flag
    assert engine.ignore_errors is False
