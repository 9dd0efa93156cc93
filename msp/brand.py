"""The MSP's brand on what its clients see: its logo and accent colour.

One place decides what a logo may be and which accent colours can be read, and hands every output the same
brand: the portal (a per-MSP stylesheet and the logo behind an authorised route), the emails (the logo as an
inline image), the PDFs (the logo as a data: URI, the only URL the PDF renderer fetches) and the PowerPoint
deck (the logo's PNG bytes).

A logo is checked by its content, never its name: Pillow must recognise it as PNG or JPEG, its size and
pixel dimensions are bounded before it is decoded, and it is re-encoded as a fresh PNG (no metadata, no
trailing bytes, no animation), shrunk to fit LOGO_BOX. The PNG is stored in the MSP's row, not under any
public URL.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # refused before decoding, so a small file cannot expand into a huge image
LOGO_MIN_SIDE = 16
LOGO_BOX = (800, 400)  # the stored PNG fits in this box (the logo is shrunk, never enlarged)
LOGO_FORMATS = {"PNG", "JPEG"}

DEFAULT_ACCENT = "#0d6efd"  # the product's own blue, used while an MSP has chosen no accent
MIN_CONTRAST = 4.5  # WCAG AA for normal text: white text on the accent, and the accent as text on white
ACCENT_PATTERN = re.compile(r"^#[0-9a-f]{6}$")


# --- the accent colour ------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of `colour` (#rrggbb) against white, from 1 to 21."""
    return 1.05 / (_luminance(colour) + 0.05)


def accent_clean(value: str) -> str:
    """The accent as stored (#rrggbb in lower case, or "" for none); ValidationError naming the reason."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if len(value) == 6 and not value.startswith("#"):
        value = "#" + value
    if not ACCENT_PATTERN.match(value):
        raise ValidationError({"accent_color": "Give the colour as # and six hex digits, for example #1f6feb."})
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        shown = math.floor(ratio * 100) / 100  # truncated: 4.499 must not read as the 4.5 it fails to reach
        raise ValidationError({"accent_color": (
            f"{value} is too light: its contrast with white is {shown:.2f}:1 and it needs at least "
            f"{MIN_CONTRAST}:1, because buttons show white text on it and pages and PDFs show it as text on "
            "white. Pick a darker shade.")})
    return value


def accent_validator(value: str) -> None:
    """Model-field validator: the same rule as accent_clean."""
    accent_clean(value)


def _shade(colour: str, factor: float) -> str:
    """A darker shade (factor < 1) for hover and active states."""
    return "#" + "".join(f"{round(int(colour[i:i + 2], 16) * factor):02x}" for i in (1, 3, 5))


# --- the logo -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanLogo:
    """A logo that passed the checks, re-encoded as PNG."""

    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def logo_clean(data: bytes) -> CleanLogo:
    """Check an uploaded logo by its content and re-encode it; ValidationError({"logo": reason}) otherwise."""
    if not data:
        raise ValidationError({"logo": "The file is empty."})
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": f"The logo is {len(data) / (1024 * 1024):.1f} MB; it may be at most 1 MB."})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            width, height = image.size
            if kind not in LOGO_FORMATS:
                raise ValidationError({"logo": "Upload the logo as a PNG or JPEG image "
                                               f"(this file is {kind or 'not an image we read'})."})
            if max(width, height) > LOGO_MAX_SIDE:
                raise ValidationError({"logo": f"The logo is {width} × {height} pixels; it may be at most "
                                               f"{LOGO_MAX_SIDE} pixels on each side."})
            if min(width, height) < LOGO_MIN_SIDE:
                raise ValidationError({"logo": f"The logo is {width} × {height} pixels; it needs at least "
                                               f"{LOGO_MIN_SIDE} pixels on each side to be legible."})
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise ValidationError({"logo": "This file is not a PNG or JPEG image we can read."}) from None
    image = image.convert("RGBA")
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return CleanLogo(png=out.getvalue(), width=image.width, height=image.height)


# --- the brand as each output needs it ----------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """What the client sees of the MSP: its name, logo and accent colour. `logo` holds the PNG bytes when
    they were asked for (documents, emails, the logo route); `has_logo` says whether there is one at all."""

    name: str
    accent: str
    logo: bytes | None
    logo_width: int | None
    logo_height: int | None
    logo_sha256: str
    has_logo: bool = False

    @property
    def accent_dark(self) -> str:
        return _shade(self.accent, 0.85)

    @property
    def accent_darker(self) -> str:
        return _shade(self.accent, 0.75)

    @property
    def accent_rgb(self) -> str:
        return _rgb(self.accent)

    @property
    def accent_dark_rgb(self) -> str:
        return _rgb(self.accent_dark)

    @property
    def logo_data_uri(self) -> str:
        """The logo as a data: URI for PDFs (the PDF renderer fetches nothing else); "" without a logo."""
        if not self.logo:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.logo).decode("ascii")

    @property
    def tag(self) -> str:
        """Changes whenever the brand does: a cache key for the logo and the stylesheet."""
        return hashlib.sha256(f"{self.accent}|{self.logo_sha256}".encode()).hexdigest()[:16]


def _rgb(colour: str) -> str:
    """"#rrggbb" as "r, g, b" (the form Bootstrap's *-rgb variables take)."""
    return ", ".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))


def brand_of(msp, *, with_logo: bool = True) -> Brand:
    """The brand of an MSP (its row); the product's blue when it chose no accent. Pages only link the logo,
    so they pass `with_logo=False` and the bytes are not read (the request's MSP row is loaded without them)."""
    has_logo = bool(msp.logo_sha256)
    logo = bytes(msp.logo_png) if with_logo and has_logo and msp.logo_png else None
    return Brand(name=msp.name, accent=msp.accent_color or DEFAULT_ACCENT, logo=logo,
                 logo_width=msp.logo_width if has_logo else None, logo_height=msp.logo_height if has_logo else None,
                 logo_sha256=msp.logo_sha256 if has_logo else "", has_logo=has_logo)


def brand_css(brand: Brand) -> str:
    """The portal's stylesheet for this brand: Bootstrap's primary colour becomes the accent.

    Only hex colours computed here reach the CSS, never text the MSP typed."""
    a, dark, darker = brand.accent, brand.accent_dark, brand.accent_darker
    return (
        ":root, [data-bs-theme=light] {\n"
        f"  --bs-primary: {a};\n  --bs-primary-rgb: {brand.accent_rgb};\n"
        # Links one shade darker than the accent: the accent reads at 4.5:1 on white, links sit on the
        # page's light grey too, where the darker shade keeps them readable.
        f"  --bs-link-color: {dark};\n  --bs-link-color-rgb: {brand.accent_dark_rgb};\n"
        f"  --bs-link-hover-color: {darker};\n  --brand-accent: {a};\n"
        "}\n"
        ".btn-primary {\n"
        f"  --bs-btn-bg: {a}; --bs-btn-border-color: {a};\n"
        f"  --bs-btn-hover-bg: {dark}; --bs-btn-hover-border-color: {dark};\n"
        f"  --bs-btn-active-bg: {darker}; --bs-btn-active-border-color: {darker};\n"
        f"  --bs-btn-disabled-bg: {a}; --bs-btn-disabled-border-color: {a};\n"
        "}\n"
        ".btn-outline-primary {\n"
        f"  --bs-btn-color: {a}; --bs-btn-border-color: {a};\n"
        f"  --bs-btn-hover-bg: {a}; --bs-btn-hover-border-color: {a};\n"
        f"  --bs-btn-active-bg: {dark}; --bs-btn-active-border-color: {dark};\n"
        "}\n"
        f".brand-bar {{ border-bottom: 4px solid {a} !important; }}\n"
    )


# --- serving ------------------------------------------------------------------------------------------------


def _cached(request, body: bytes, content_type: str, tag: str) -> HttpResponse:
    """A revalidated response: links carry ?v=<tag>, so a changed brand is fetched anew. Like every answer to a
    signed-in user it is `private, no-store` (msp.security); the ETag still spares the body on a repeat."""
    etag = f'"{tag}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def brand_logo_response(request, msp) -> HttpResponse:
    """The MSP's logo for its own signed-in people (the routes declare who); 404 when it has none."""
    brand = brand_of(msp)
    if not brand.logo:
        raise Http404("No logo.")
    return _cached(request, brand.logo, "image/png", brand.logo_sha256[:16])


def brand_css_response(request, msp) -> HttpResponse:
    """The per-MSP stylesheet that turns the portal's primary colour into the MSP's accent."""
    brand = brand_of(msp, with_logo=False)
    return _cached(request, brand_css(brand).encode(), "text/css; charset=utf-8", brand.tag)
