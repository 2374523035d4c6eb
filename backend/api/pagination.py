from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate(
        self, queryset, request, view, *, values: tuple[str, ...] = (), count: int | None = None
    ) -> list:
        """A page of ``queryset``.

        ``values``: the page is read as values of these fields (a dict per row) while the
        count runs on ``queryset`` itself: the related columns among them join tables the page
        needs and the count must not pay for (every join is counted over every row).
        ``count``: the number of rows when the caller knows it (from a tally); else counted."""
        self.django_paginator_class = _paginator(values, count)
        return self.paginate_queryset(queryset, request, view) or []


def _paginator(values: tuple[str, ...], known: int | None) -> type[Paginator]:
    class ListPaginator(Paginator):
        @cached_property
        def count(self) -> int:
            return super().count if known is None else known

        def _get_page(self, object_list, *args, **kwargs):
            rows = object_list.values(*values) if values else object_list
            return super()._get_page(rows, *args, **kwargs)  # type: ignore[misc]

    return ListPaginator


def paginate(view, queryset, request, **options) -> list:
    """``PageNumberPagination.paginate`` with the view's paginator (``options``: ``values``,
    ``count``)."""
    paginator = view.paginator
    assert isinstance(paginator, PageNumberPagination), paginator
    return paginator.paginate(queryset, request, view, **options)
