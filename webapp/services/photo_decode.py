"""Decoding every barcode in a label photo on the server (pyzbar), e.g. a pallet label at receiving."""
import io

from webapp.domain.errors import DomainError

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is as big as a phone makes; more is a decompression bomb


def decode_photo(data: bytes) -> list[dict]:
    from PIL import Image, UnidentifiedImageError
    from pyzbar.pyzbar import decode

    from webapp.domain.gs1 import Gs1Error, parse_gs1

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise DomainError("image_too_large", f"the photo is over {MAX_PIXELS} pixels")
            grey = image.convert("L")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DomainError("invalid_image", "the upload is not a PNG or JPEG photo") from None
    codes = []
    for symbol in decode(grey):
        text = symbol.data.decode("utf-8", errors="replace")
        entry = {"type": symbol.type, "data": text}
        try:
            entry["gs1"] = parse_gs1(text)
        except Gs1Error:
            pass
        codes.append(entry)
    return codes
