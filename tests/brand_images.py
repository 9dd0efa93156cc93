"""Test images for the MSP's brand: real PNG/JPEG bytes made with Pillow."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(width: int = 240, height: int = 80, *, fmt: str = "PNG", colour=(31, 111, 235)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format=fmt)
    return out.getvalue()
