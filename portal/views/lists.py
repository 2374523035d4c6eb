"""What every list page shares: sorting by a column (``?sort=due``, ``?sort=-due``) with the
header links that toggle it, and the "due in n days / n days overdue" words of a due date.
Searching and filtering stay with each list's selector, so the API and the page agree."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    order: Sequence[str] = ()  # the fields it sorts by; empty: not sortable


def sorted_rows(
    request: HttpRequest, rows: QuerySet, columns: Sequence[Column], default: str
) -> tuple[QuerySet, list[dict]]:
    """``rows`` ordered by ``?sort=`` (a sortable column's key, ``-`` for descending; anything
    else falls back to ``default``), with the id as the last key so pages never overlap; and
    the header cells: label, link toggling the order, and ``aria-sort``."""
    by_key: Mapping[str, Column] = {c.key: c for c in columns if c.order}
    wanted = request.GET.get("sort") or default
    key = wanted.lstrip("-")
    if key not in by_key:
        wanted, key = default, default.lstrip("-")
    descending = wanted.startswith("-")
    sign = "-" if descending else ""
    rows = rows.order_by(*(sign + f for f in by_key[key].order), sign + "pk")
    pairs = [(k, v) for k, vs in request.GET.lists() if k not in ("page", "sort") for v in vs]
    header = []
    for column in columns:
        cell: dict = {"label": column.label, "url": None, "sort": None}
        if column.order:
            ascending_next = column.key != key or descending
            target = column.key if ascending_next else f"-{column.key}"
            cell["url"] = "?" + urlencode([*pairs, ("sort", target)])
            if column.key == key:
                cell["sort"] = "descending" if descending else "ascending"
        header.append(cell)
    return rows, header


def due_words(due: datetime.date | None, today: datetime.date) -> str:
    """ "due in 3 days", "due today", "2 days overdue"; empty without a date."""
    if due is None:
        return ""
    days = (due - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("due in %(n)s day", "due in %(n)s days", days) % {"n": days}
    return ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}


def back_to_list(request: HttpRequest, url_name: str) -> str:
    """The list page a bulk form was posted from, with its filters and sort: ``back`` holds
    that page's query string, never a URL."""
    query = request.POST.get("back", "")
    return reverse(url_name) + (f"?{query}" if query and "//" not in query else "")
