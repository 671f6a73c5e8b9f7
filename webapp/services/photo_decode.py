"""Decoding every barcode in a label photo on the server, e.g. a pallet label at receiving.

Two decoders, because neither reads everything: zbar (pyzbar) for the linear codes it reads well, and
ZXing-C++ (zxing-cpp) for those and for the 2D codes zbar cannot read (GS1 DataMatrix on cases and
pharma). Each code is reported once, with the decoders that found it.
"""
import io

import zxingcpp
from PIL import Image, UnidentifiedImageError
from pyzbar.pyzbar import decode as zbar_decode

from webapp.domain.errors import DomainError
from webapp.domain.gs1 import Gs1Error, parse_gs1

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is as big as a phone makes; more is a decompression bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses larger ones itself, before decoding a pixel

# zbar's names for what zxing-cpp calls by the format's name; both end up as one of these.
_ZBAR_TYPES = {"CODE128": "Code128", "EAN13": "EAN-13", "EAN8": "EAN-8", "UPCA": "UPC-A", "UPCE": "UPC-E",
               "I25": "ITF", "CODE39": "Code39", "QRCODE": "QRCode", "DATABAR": "DataBar"}
_ZXING_TYPES = {"EAN13": "EAN-13", "EAN8": "EAN-8", "UPCA": "UPC-A", "UPCE": "UPC-E"}


def decode_photo(data: bytes) -> list[dict]:
    grey = _open(data)
    found: dict[tuple[str, str], dict] = {}
    for decoder, kind, text, symbology in [*_by_zxing(grey), *_by_zbar(grey)]:
        entry = found.setdefault((kind, text), {"type": kind, "data": text, "decoders": []})
        if decoder not in entry["decoders"]:
            entry["decoders"].append(decoder)
        if "gs1" not in entry:
            gs1 = _gs1(symbology, text)
            if gs1 is not None:
                entry["gs1"] = gs1
    return list(found.values())


def _open(data: bytes) -> Image.Image:
    """The photo in grey; its size is checked from the header, before any pixel is decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise DomainError("image_too_large", f"the photo is over {MAX_PIXELS} pixels", limit_pixels=MAX_PIXELS)
            return image.convert("L")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError("invalid_image", "the upload is not a PNG or JPEG photo") from None
    except Image.DecompressionBombError:
        raise DomainError("image_too_large", f"the photo is over {MAX_PIXELS} pixels", limit_pixels=MAX_PIXELS) from None


def _by_zxing(grey: Image.Image):
    for result in zxingcpp.read_barcodes(grey, text_mode=zxingcpp.TextMode.Plain):
        name = result.format.name
        yield "zxing-cpp", _ZXING_TYPES.get(name.upper(), name), result.text, result.symbology_identifier


def _by_zbar(grey: Image.Image):
    for symbol in zbar_decode(grey):
        text = symbol.data.decode("utf-8", errors="replace")
        # zbar gives no symbology identifier; a Code 128 that parses as GS1 is GS1-128 to a receiver anyway.
        yield "zbar", _ZBAR_TYPES.get(symbol.type, symbol.type), text, None


def _gs1(symbology: str | None, text: str) -> dict | None:
    try:
        return parse_gs1((symbology or "") + text if symbology and symbology[:2] in ("]d", "]C", "]e", "]Q") else text)
    except Gs1Error:
        return None
