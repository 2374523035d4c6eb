"""Rule sets are tested against the questionnaire and rule set of tests/data, like scoring."""

from tests.scoring.conftest import _fresh_compiled_cache, ruleset, version

__all__ = ["_fresh_compiled_cache", "ruleset", "version"]
