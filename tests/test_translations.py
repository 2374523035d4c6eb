"""The Simplified Chinese interface catalogue: complete, compiled, and used by the portal."""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext

from audits.models import Audit
from scoring.models import Severity

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sdirf]|%[sdirf]")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (or msgstr[N]) and flags."""
    entries: list[dict] = []
    entry: dict | None = None
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = int(match.group(1))
                entry["msgstr"][field] = value
            elif keyword == "msgstr":
                field = 0
                entry["msgstr"][0] = value
            else:
                field = keyword
                entry[keyword] = value
    return entries


@pytest.fixture(scope="module")
def entries():
    parsed = parse_po(PO)
    header = [e for e in parsed if e["msgid"] == ""]
    assert len(header) == 1
    assert "Plural-Forms: nplurals=1; plural=0;" in header[0]["msgstr"][0]
    return [e for e in parsed if e["msgid"] != ""]


def test_catalogue_has_no_untranslated_or_fuzzy_entry(entries):
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(entries):
    wrong = []
    for e in entries:
        source = set(PLACEHOLDER.findall(e["msgid"])) | set(
            PLACEHOLDER.findall(e.get("msgid_plural", ""))
        )
        for text in e["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != source:
                wrong.append((e["msgid"], text))
    assert wrong == []


def test_compiled_catalogue_matches_the_po(entries):
    with MO.open("rb") as fh:
        compiled = gettext_module.GNUTranslations(fh)._catalog
    stale = []
    for e in entries:
        if "msgid_plural" in e:
            if compiled.get((e["msgid"], 0)) != e["msgstr"][0]:
                stale.append(e["msgid"])
        elif compiled.get(e["msgid"]) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], "the .mo is older than the .po: run compilemessages"


def test_gettext_uses_the_chinese_catalogue():
    with translation.override("zh-hans"):
        assert gettext("Log in") == "登录"
        assert gettext("Corrective actions") == "纠正措施"
        assert gettext("Risk register") == "风险登记册"
        assert Audit.Status.ACCEPTED.label == "已通过"
        assert Audit.Status.RETURNED.label == "已退回"
        assert Severity.OBSERVATION.label == "观察项"
        assert ngettext("%(n)s supplier", "%(n)s suppliers", 3) % {"n": 3} == "3 家供应商"
    with translation.override("en"):
        assert gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_login_page_in_chinese(client):
    body = client.get("/login/?lang=zh-Hans").content.decode()
    assert '<html lang="zh-Hans">' in body
    for text in ("登录 Fairlink", "邮箱", "密码", "忘记密码？", "跳到正文"):
        assert text in body
    assert "Log in to Fairlink" not in body


@pytest.mark.django_db
def test_login_page_in_english_by_default(client):
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to Fairlink" in body
    assert "登录" not in body


@pytest.mark.django_db
def test_password_reset_page_in_chinese(client):
    body = client.get("/password/reset/?lang=zh-Hans").content.decode()
    assert "重置密码" in body
    assert "发送链接" in body


def test_invitation_mail_in_chinese():
    class Org:
        name = "华南纺织有限公司"

    with translation.override("zh-hans"):
        subject = render_to_string("accounts/email/invite_subject.txt", {"organization": Org()})
    assert subject.strip() == "您已受邀加入 Fairlink 上的 华南纺织有限公司"


# A space between two Chinese characters is a line break of the source leaking into the text
# (a folded YAML block, a wrapped template line): Chinese sentences have no spaces.
SPACE_IN_CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef] +[\u3400-\u9fff]")


def _chinese_texts(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh-Hans" and isinstance(value, str):
                yield f"{where}/{key}", value
            else:
                yield from _chinese_texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _chinese_texts(value, f"{where}[{i}]")


def test_no_space_inside_chinese_sentences_of_the_catalogue(entries):
    spaced = [t for e in entries for t in e["msgstr"].values() if SPACE_IN_CHINESE.search(t)]
    assert spaced == []


def test_no_space_inside_chinese_sentences_of_the_library():
    import yaml

    base = Path(settings.BASE_DIR)
    files = [*base.glob("questionnaires/library/*.yaml"), *base.glob("rulesets/library/*.yaml")]
    assert len(files) >= 4
    spaced = [
        (path.name, where, text[:40])
        for path in files
        for where, text in _chinese_texts(yaml.safe_load(path.read_text(encoding="utf-8")))
        if SPACE_IN_CHINESE.search(text)
    ]
    assert spaced == []


def test_no_space_inside_chinese_sentences_of_the_templates():
    base = Path(settings.BASE_DIR)
    spaced = [
        str(path.relative_to(base))
        for path in base.glob("*/templates/**/*.*")
        if ".venv" not in path.parts and SPACE_IN_CHINESE.search(path.read_text(encoding="utf-8"))
    ]
    assert spaced == []


@pytest.mark.django_db
def test_django_password_messages_in_chinese():
    """Django's own password messages read in Chinese too, including the minimum length that
    Django's bundled catalogue misses."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from accounts.models import User

    user = User(email="wang.fang@example.com")
    with translation.override("zh-hans"):
        messages = []
        for password in ("abc", "12345678901", "wang.fang@example"):
            with pytest.raises(ValidationError) as raised:
                validate_password(password, user)
            messages += raised.value.messages
    assert "密码太短，至少需要 8 个字符。" in messages
    assert [m for m in messages if re.search("[A-Za-z]{3,}", m.replace("邮箱", ""))] == []


@pytest.mark.django_db
def test_state_messages_name_statuses_in_the_readers_words(world, api):
    """A 409 never shows a status code inside a Chinese sentence ("当前状态：submitted")."""
    from audits.models import Audit
    from tests.factories import make_version
    from tests.portal.buyer_helpers import issued_audit

    version = make_version()
    audit = issued_audit(world, version=version)
    sent = issued_audit(world, version=version, supplier=world.s2)
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.SUBMITTED)
    client = api(world.s1_admin)
    for response in (
        client.patch(
            f"/api/v1/audits/{audit.pk}/answers/?lang=zh-Hans",
            {"answers": [{"question": "MGT_01", "value": "yes"}]},
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-Hans",
        ),
        api(world.a_officer).post(
            f"/api/v1/audits/{sent.pk}/accept/?lang=zh-Hans",
            {},
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-Hans",
        ),
    ):
        detail = response.json()["detail"]
        assert response.status_code == 409, detail
        assert not re.search(r"[a-z_]{4,}", detail), detail
