"""``manage.py check --deploy`` refuses the development secret key."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def _fairlink_errors() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("fairlink")]


def test_deploy_check_fails_with_the_development_secret_key(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match=r"fairlink\.E001"):
        call_command("check", "--deploy")


def test_deploy_check_accepts_a_real_secret_key(settings):
    settings.SECRET_KEY = "q8#Jx2!vT9mZ@r4Lp0&wN7sYc1^eK6hUg3%aB5oD*iF8tR2lM"
    assert _fairlink_errors() == []


def test_plain_check_does_not_block_development(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    assert [m.id for m in run_checks() if m.id.startswith("fairlink")] == []
