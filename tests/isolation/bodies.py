"""Valid request bodies: page forms as the victim sees them, API bodies from the route's serializer.

Pages: the victim's owner (or portal user, for portal routes) opens every page; each `<form method=post>`
is parsed with html.parser and kept by the path it posts to. Its fields are filled the way a person
would submit it: hidden values and choices kept (so selects carry the victim's ids), text the victim
wrote replaced by harness text (an attacker never learns it, and a body never carries a sentinel).

API: the request serializer drf-spectacular resolves for the operation (the viewset's
`get_serializer_class`, or the `request=` of `extend_schema`) gives every writable field; a foreign key
carries the victim row of its model. A field type the harness cannot fill is reported.
"""

from __future__ import annotations

import itertools
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from tests.brand_images import image_bytes

from .world import PNG, SENTINEL_RE, World

_counter = itertools.count(1)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                          "enctype": a.get("enctype", ""), "fields": []}
            return
        if self._form is None:
            return
        if tag == "input":
            self._form["fields"].append({"tag": "input", **a})
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form["fields"].append({"tag": "button", **a})
        elif tag == "select":
            self._select = {"tag": "select", "options": [], **a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a)
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", "text": "", **a}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str, page_path: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    out = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        form["path"] = urlsplit(form["action"]).path or page_path
        out.append(form)
    return out


def harness_text(kind: str = "text") -> str:
    n = next(_counter)
    if kind == "email":
        return f"harness-{n}@attacker.test"
    if kind == "url":
        return f"https://attacker.test/{n}"
    return f"Is harness text {n} in place?"  # valid as a standard's yes/no question too


class Upload:
    """A file field's value; each request gets a fresh file object (a posted one is read to its end)."""

    def __init__(self, name: str, content: bytes, content_type: str):
        self.name, self.content, self.content_type = name, content, content_type

    def file(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.content, content_type=self.content_type)

    def __str__(self) -> str:
        return f"<file {self.name}>"


def _upload(field: dict) -> Upload:
    accept = field.get("accept", "")
    if "csv" in accept or "text" in accept:
        return Upload("harness.csv", b"name\nHarness asset\n", "text/csv")
    if "image" in accept:  # an image people see (the MSP's logo): big enough to be accepted
        return Upload("harness.png", image_bytes(64, 32), "image/png")
    return Upload("harness.png", PNG, "image/png")


def materialize(body: dict) -> dict:
    return {k: (v.file() if isinstance(v, Upload) else v) for k, v in body.items()}


def form_body(form: dict) -> dict:
    """The body a person submitting `form` unchanged (but with their own words) would send."""
    body: dict = {}

    def put(name, value):
        if name in body:
            if not isinstance(body[name], list):
                body[name] = [body[name]]
            body[name].append(value)
        else:
            body[name] = value

    submitted = False
    boxes = [f for f in form["fields"] if f.get("type", "").lower() == "checkbox" and f.get("name")]
    # A form of check boxes none of which is ticked asks the person to pick: they pick the first.
    pick_first = bool(boxes) and not any("checked" in f for f in boxes)
    for field in form["fields"]:
        name = field.get("name")
        if not name or "disabled" in field:
            continue
        tag, kind = field["tag"], field.get("type", "text").lower()
        if tag == "button" or kind == "submit":
            if not submitted:
                put(name, field.get("value", ""))
                submitted = True
            continue
        if tag == "select":
            options = [o for o in field["options"] if "disabled" not in o]
            chosen = [o for o in options if "selected" in o]
            if not [o for o in chosen if o.get("value")] and "required" in field:
                chosen = []  # a required choice left blank: the person picks the first one
            chosen = chosen or [o for o in options if o.get("value")][:1]
            for option in chosen if "multiple" in field else chosen[:1]:
                put(name, option.get("value", ""))
            continue
        if tag == "textarea":
            text = field["text"].strip()
            put(name, harness_text() if SENTINEL_RE.search(text) or ("required" in field and not text) else text)
            continue
        if kind in {"checkbox", "radio"}:
            if "checked" in field or (pick_first and field is boxes[0]):
                put(name, field.get("value", "on"))
            elif kind == "radio" and not any(f.get("name") == name and "checked" in f for f in form["fields"]):
                if name not in body:
                    put(name, field.get("value", "on"))
            continue
        if kind == "file":
            put(name, _upload(field))
            continue
        value = field.get("value", "")
        if SENTINEL_RE.search(value):
            value = harness_text("email" if kind == "email" else "url" if kind == "url" else "text")
        elif not value and "required" in field:
            value = {"email": harness_text("email"), "url": harness_text("url"), "number": "1",
                     "date": "2027-01-01"}.get(kind, harness_text())
        put(name, value)
    return body


# --- API bodies ---------------------------------------------------------------------------------------

# UUID fields that are not relations but name a row: (serializer class, field) -> model label.
UUID_FIELDS = {
    ("AnswerChangeSerializer", "id"): "alignment.Answer",
}


# Fields whose valid value depends on the others or on the clock: (serializer class, field) -> value.
FIELD_VALUES = {
    # An action item has one owner: the staff member the body names, so no contact as well.
    ("ActionItemSerializer", "owner_contact"): None,
    # A touch is logged once it has happened.
    ("TouchSerializer", "at"): "2020-01-01T09:00:00Z",
    ("EscalationSerializer", "occurred_on"): "2026-05-04",  # an escalation is logged once it has happened
}


class BodyError(Exception):
    pass


def serializer_body(serializer, world: World, *, owner: str = ""):
    if isinstance(serializer, serializers.ListSerializer):
        return [serializer_body(serializer.child, world, owner=owner)]
    if isinstance(serializer, type):
        serializer = serializer()
    body = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if (type(serializer).__name__, name) in FIELD_VALUES:
            body[name] = FIELD_VALUES[(type(serializer).__name__, name)]
            continue
        if not field.required and getattr(field, "allow_null", False) and not isinstance(field, RelatedField):
            body[name] = None  # an optional value left out, as most callers do (it may depend on others)
            continue
        if not field.required and isinstance(field, serializers.ListField):
            body[name] = []  # an optional filter list left empty (ids lists are relations, filled below)
            continue
        body[name] = field_value(field, world, where=(type(serializer).__name__, name))
    return body


def _related_value(field, world: World):
    model = getattr(field, "scoped_model", None)
    queryset = getattr(field, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    if model is None:
        raise BodyError(f"{type(field).__name__} without a model")
    label = model._meta.label
    if label == "msp.User":
        return world.victim.users["vcio"].pk
    if label not in world.objects:
        raise BodyError(f"no victim row of {label}")
    return str(world.objects[label].pk)


def field_value(field, world: World, *, where):
    if where in FIELD_VALUES:
        return FIELD_VALUES[where]
    if isinstance(field, ManyRelatedField):
        return [_related_value(field.child_relation, world)]
    if isinstance(field, RelatedField):
        return _related_value(field, world)
    if isinstance(field, serializers.BaseSerializer):
        return serializer_body(field, world)
    if isinstance(field, serializers.MultipleChoiceField):
        return [next(iter(field.choices))]
    if isinstance(field, serializers.ChoiceField):
        return next(iter(field.choices))
    if isinstance(field, serializers.BooleanField):
        return True
    if isinstance(field, serializers.EmailField):
        return harness_text("email")
    if isinstance(field, serializers.URLField):
        return harness_text("url")
    if isinstance(field, serializers.UUIDField):
        label = UUID_FIELDS.get(where)
        if label is None:
            raise BodyError("a UUID field naming no known model; add it to UUID_FIELDS in bodies.py")
        return str(world.objects[label].pk)
    if isinstance(field, serializers.CharField):
        text = harness_text()
        return text[: field.max_length] if field.max_length else text
    if isinstance(field, serializers.DecimalField):
        return f"{10:.{field.decimal_places or 0}f}"
    if isinstance(field, serializers.IntegerField):
        return max(1, field.min_value or 1)
    if isinstance(field, serializers.FloatField):
        return 1.0
    if isinstance(field, serializers.DateTimeField):
        return "2027-01-01T09:00:00Z"
    if isinstance(field, serializers.DateField):
        return "2027-01-01"
    if isinstance(field, serializers.ListField):
        return [field_value(field.child, world, where=where)]
    if isinstance(field, serializers.DictField | serializers.JSONField):
        return {}
    raise BodyError(f"a {type(field).__name__} the harness cannot fill; teach tests/isolation/bodies.py")
