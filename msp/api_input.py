"""API input that can never cause a 500: bounded JSON bodies and strictly checked query filters.

Kept apart from msp.api because REST framework loads these classes from settings while its own views
module is being imported; this module therefore imports none of REST framework's views.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import django_filters
from django.conf import settings
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, parsers

# --- input that can never cause a 500 ---------------------------------------------------------------
# Query filters, ordering, page sizes and JSON bodies are checked before any of them reaches a query:
# a bad value is a 400 naming the parameter and what it takes, never ignored and never a server error.

# Days a date filter accepts: wide enough for any plan, narrow enough that quarter arithmetic and time
# zones stay inside the calendar.
FILTER_DATE_MIN = dt.date(1900, 1, 1)
FILTER_DATE_MAX = dt.date(2999, 12, 31)
FILTER_NUMBER_MAX = 2**63 - 1  # ids and years: a whole number the database's bigint holds
_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")
_BOOLEANS = {"true", "false"}
SEARCH_MAX_CHARS = 200


def _filter_problem(flt, raw: str) -> str | None:
    """Why one raw value of a filter is refused, or None. Form validation has already run."""
    if raw.strip() == "":
        return "is empty; leave the parameter out or give it a value."
    if isinstance(flt, django_filters.BooleanFilter) and raw not in _BOOLEANS:
        return f"must be `true` or `false`, not `{raw[:40]}`."
    if isinstance(flt, django_filters.NumberFilter) and (
            not _WHOLE_NUMBER.fullmatch(raw) or int(raw) > FILTER_NUMBER_MAX):
        return f"must be a whole number from 0 to {FILTER_NUMBER_MAX}, not `{raw[:40]}`."
    return None


def _date_problem(value) -> str | None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not FILTER_DATE_MIN <= day <= FILTER_DATE_MAX:
        return f"must be a day from {FILTER_DATE_MIN.isoformat()} to {FILTER_DATE_MAX.isoformat()}."
    return None


def _choice_hint(flt) -> str:
    field = flt.field
    values = [str(v) for v, _ in getattr(field, "choices", []) if v != ""]
    return f" Use one of: {', '.join(values)}." if values else ""


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, with every given filter value checked: 400 naming the parameter, never ignored.

    On top of the form's own checks (a UUID, a day, one of the choices): an empty value is refused, a
    boolean is `true` or `false`, a number is a whole number a bigint holds, and a day lies between
    FILTER_DATE_MIN and FILTER_DATE_MAX.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors: dict[str, list[str]] = {}
        for name, flt in filterset.filters.items():
            if name not in request.query_params:
                continue
            values = request.query_params.getlist(name)
            if len(values) > 1 and not getattr(flt.field.widget, "allow_multiple_selected", False):
                errors[name] = [f"`{name}` is given {len(values)} times; give it once."]
                continue
            for raw in values:
                problem = _filter_problem(flt, raw)
                if problem:
                    errors.setdefault(name, []).append(f"`{name}` {problem}")
        if not errors and not filterset.is_valid():
            for name, messages in filterset.errors.items():
                flt = filterset.filters.get(name)
                hint = _choice_hint(flt) if isinstance(
                    flt, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter) else ""
                errors[name] = [f"{message}{hint}" for message in messages]
        if not errors:
            for name, value in filterset.form.cleaned_data.items():
                problem = _date_problem(value) if name in request.query_params else None
                if problem:
                    errors[name] = [f"`{name}` {problem}"]
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs


class StrictSearchFilter(filters.SearchFilter):
    """`?search=` of at most SEARCH_MAX_CHARS characters and no NUL character (else a 400 naming it)."""

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if len(raw) > SEARCH_MAX_CHARS:
            raise exceptions.ValidationError({self.search_param: [
                f"`{self.search_param}` is {len(raw):,} characters long; at most {SEARCH_MAX_CHARS} are searched."]})
        if "\x00" in raw:
            raise exceptions.ValidationError({self.search_param: [
                f"`{self.search_param}` may not contain a NUL character."]})
        return super().get_search_terms(request)


class StrictOrderingFilter(filters.OrderingFilter):
    """`?ordering=` names fields the endpoint sorts by (a leading `-` for descending); others are a 400."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is not None:
            fields = [param.strip() for param in params.split(",")]
            allowed = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
            wrong = [f for f in fields if f.lstrip("-") not in allowed]
            if wrong:
                raise exceptions.ValidationError({self.ordering_param: [
                    f"`{self.ordering_param}` cannot sort by {', '.join(f'`{w[:40]}`' for w in wrong)}. "
                    f"Use one of: {', '.join(allowed)} (a leading `-` sorts descending)."]})
        return super().get_ordering(request, queryset, view)


class BoundedJSONParser(parsers.JSONParser):
    """JSON bodies of at most API_MAX_JSON_BYTES and nested at most API_MAX_JSON_DEPTH deep (else 400).

    The depth is measured before decoding, so a body nested thousands deep never reaches the recursive
    decoder; the size is read with a cap, so a huge body is not held in memory.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_JSON_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise exceptions.ParseError(f"The JSON body is larger than {limit // 1024} KB; send less at a time.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"The JSON body is not valid {encoding} text.") from exc
        depth = json_depth(text)
        if depth > settings.API_MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                f"The JSON body is nested {depth} levels deep; at most {settings.API_MAX_JSON_DEPTH} are accepted.")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
