"""Filtering plumbing used by every API view.

``VisibleToUserFilter``: only what the caller may see. Each tenant model's QuerySet implements
``visible_to(user)`` in its own app (that is where an app decides visibility, once); this
backend applies it to every list and detail lookup.

``FilterSet``: the base of the API's filter sets. A number filter on an integer column (an id)
accepts only whole numbers the database can hold, so ``?audit=99999999999999999999`` or
``?supplier=1e1000000`` is a 400 naming the parameter instead of an OverflowError (SQLite) or
a long integer conversion.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend as BaseDjangoFilterBackend
from rest_framework.filters import BaseFilterBackend

NUMBER_FORM_FIELDS = (forms.DecimalField, forms.IntegerField, forms.FloatField)


class VisibleToUserFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not hasattr(queryset, "visible_to"):
            raise ImproperlyConfigured(
                f"{queryset.model.__name__} has no visible_to(); every API queryset needs one."
            )
        return queryset.visible_to(request.user)


# Query parameters of a list that do not filter its rows.
NOT_FILTERS = frozenset({"page", "page_size", "lang", "ordering", "format"})


def tallied_filters(params, state: str = "status") -> dict[str, Any] | None:
    """A list's query ``params`` (already validated by its filter set) as the arguments of
    ``TallyQuerySet.count_for``: ``states`` from the parameter ``state`` (the list's name of
    the tallied state) and ``supplier`` (the last value, as a number filter reads it). None
    when another parameter filters the list: a tally cannot count it."""
    filters = {key: params.getlist(key) for key in params if key not in NOT_FILTERS}
    if not set(filters) <= {state, "supplier"} or any("" in v for v in filters.values()):
        return None
    tallied: dict[str, Any] = {}
    if state in filters:
        tallied["states"] = filters[state]
    if "supplier" in filters:
        tallied["supplier"] = int(Decimal(filters["supplier"][-1]))
    return tallied


def validate_whole_number(value) -> None:
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value()  # cheap even for 1e1000000, unlike int()
    else:
        whole = not isinstance(value, float) or value.is_integer()
    if not whole:
        raise ValidationError(_("Enter a whole number."), code="not_whole_number")


def _integer_column(model: type[models.Model], field_name: str) -> models.Field | None:
    """The integer model field a filter's ``field_name`` points at (following relations)."""
    field: models.Field | models.ForeignObjectRel | None = None
    for part in field_name.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    if field is not None and field.is_relation:
        field = getattr(field, "target_field", None)
    return field if isinstance(field, models.IntegerField) else None


class FilterSet(django_filters.FilterSet):
    """A django-filter FilterSet whose number filters on integer columns are range-checked."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, filter_ in self.filters.items():
                field = form.fields.get(name)
                if not isinstance(field, NUMBER_FORM_FIELDS) or isinstance(field, BaseCSVField):
                    continue
                # FilterSet._meta is set by django-filter's metaclass; the stubs omit it.
                model = self._meta.model  # type: ignore[attr-defined]
                column = _integer_column(model, filter_.field_name or name)
                if column is not None:
                    field.validators = [*field.validators, *column.validators]
                    field.validators.append(validate_whole_number)
        return super().form  # the form built and cached above


class DjangoFilterBackend(BaseDjangoFilterBackend):
    """django-filter's backend building ``filterset_fields`` filter sets on ``FilterSet``."""

    filterset_base = FilterSet
