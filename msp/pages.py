"""Helpers every app's pages share. Part of the core, so a domain app never reaches into the wiring
(msp.views) for them."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass(frozen=True)
class Pager:
    """One page of a list with the links to its neighbours; several lists on one page each keep their own
    query parameter (the others' stay in the links)."""

    page: Page
    previous_url: str
    next_url: str
    label: str
    noun: str


def paginate(request, items, *, per_page: int, param: str = "page", label: str = "Pages", noun: str = "items",
             anchor: str = "") -> Pager:
    """Page `param` of `items` (a bad or missing number gives the first page, past the end the last)."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def link(number: int | None) -> str:
        if number is None:
            return ""
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{'#' + anchor if anchor else ''}"

    return Pager(page=page, label=label, noun=noun,
                 previous_url=link(page.previous_page_number() if page.has_previous() else None),
                 next_url=link(page.next_page_number() if page.has_next() else None))
