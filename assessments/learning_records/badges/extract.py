"""The credential out of an upload: a baked PNG or SVG, a JSON document, a compact JWS/JWT,
or the URL of a hosted assertion.

Baked images are read with openbadges-bakery (Open Badges 2.0: the PNG ``iTXt`` chunk
``openbadges``, the SVG ``openbadges:assertion`` element). Open Badges 3.0 bakes under other
names (PNG ``openbadgecredential``, SVG ``openbadges:credential``), which the bakery does not
read: those are found with the same parsers it uses (pypng's chunk reader, defusedxml).
"""

from __future__ import annotations

import io
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

import png
from defusedxml.minidom import parseString
from openbadges_bakery import png_bakery, svg_bakery

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class ExtractError(ValueError):
    """Nothing that looks like a badge in the upload: the message says what was expected."""


@dataclass(frozen=True)
class Extracted:
    """What the upload holds: a JSON document, a compact JWS, or a hosted assertion's URL
    (exactly one is set)."""

    document: dict[str, Any] | None = None
    jws: str | None = None
    url: str | None = None


OB3_KEYWORD = b"openbadgecredential"
MAX_TEXT = 2 * 1024 * 1024


def _itxt_text(rest: bytes) -> str:
    """The text of an iTXt chunk after its keyword: compression flag and method, language
    tag, NUL, translated keyword, NUL, then the text (zlib-compressed when flagged)."""
    compressed, body = rest[0], rest[2:]
    _language, _, body = body.partition(b"\x00")
    _translated, _, text = body.partition(b"\x00")
    if compressed:
        inflater = zlib.decompressobj()
        text = inflater.decompress(text, MAX_TEXT)
        if inflater.unconsumed_tail:
            raise ExtractError("The badge in this PNG image is too large.")
    return text.decode("utf-8")


def _png_text(data: bytes) -> str | None:
    try:
        baked = png_bakery.unbake(io.BytesIO(data))
        if baked:
            return str(baked)
        for chunk_type, content in png.Reader(bytes=data).chunks():
            if bytes(chunk_type) == b"iTXt" and content.startswith(OB3_KEYWORD + b"\x00"):
                return _itxt_text(bytes(content)[len(OB3_KEYWORD) + 1 :])
    except (png.Error, ValueError, IndexError, UnicodeDecodeError, zlib.error):
        raise ExtractError("This PNG image could not be read.") from None
    return None


def _svg_text(data: bytes) -> str | None:
    try:
        try:
            return str(svg_bakery.unbake(io.BytesIO(data)))
        except IndexError:  # no openbadges:assertion: look for a 3.0 credential
            pass
        doc = parseString(data)
        for node in doc.getElementsByTagName("openbadges:credential"):
            verify = node.getAttribute("verify")
            if verify:
                return str(verify)
            text = "".join(
                child.nodeValue or ""
                for child in node.childNodes
                if child.nodeType in (child.CDATA_SECTION_NODE, child.TEXT_NODE)
            )
            if text.strip():
                return text
    except Exception as error:  # defusedxml and expat raise many kinds on hostile SVG
        if isinstance(error, ExtractError):
            raise
        raise ExtractError("This SVG image could not be read.") from None
    return None


def credential_extract(data: bytes) -> Extracted:
    """The credential the upload holds (ExtractError when there is none)."""
    stripped = data.strip()
    if stripped.startswith(PNG_SIGNATURE):
        text = _png_text(stripped)
        if text is None:
            raise ExtractError("This PNG image carries no Open Badge.")
    elif stripped[:5].lower() in (b"<?xml", b"<svg ") or stripped[:4] == b"<svg":
        text = _svg_text(stripped)
        if text is None:
            raise ExtractError("This SVG image carries no Open Badge.")
    else:
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError:
            raise ExtractError(
                "Upload a baked badge image (PNG or SVG), its JSON, or paste its JWT."
            ) from None
    return _classify(text.strip())


def _classify(text: str) -> Extracted:
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            raise ExtractError("The badge's JSON could not be read.") from None
        if not isinstance(document, dict):
            raise ExtractError("The badge's JSON is not an object.")
        return Extracted(document=document)
    if JWS_RE.match(text):
        return Extracted(jws=text)
    if text.startswith(("https://", "http://")) and len(text) <= 2000 and " " not in text:
        return Extracted(url=text)
    raise ExtractError("Upload a baked badge image (PNG or SVG), its JSON, or paste its JWT.")
