"""Photos taken on a device (damaged goods): what the server accepts, checked on the bytes themselves."""
import re
import uuid

from webapp.domain.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # a phone's JPEG of a damaged case is well under this
IMAGE_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


class PhotoRefused(DomainError):
    pass


class UnsupportedPhoto(PhotoRefused):
    status = 415


UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_photo_id(text: str) -> str:
    """The id the device gave the photo: a UUID (8-4-4-4-12 hex digits), in its canonical lower-case form."""
    if not isinstance(text, str) or not UUID_TEXT.fullmatch(text):
        raise PhotoRefused("invalid_field", "a photo's id is a UUID (36 characters)", field="photo")
    return str(uuid.UUID(text))


def check_image(content_type: str, data: bytes) -> str:
    """The photo's type when the header and the bytes agree on JPEG or PNG; else 415 (a type we do not take)
    or 400 (bytes that are not the image they claim to be)."""
    if content_type not in IMAGE_TYPES:
        raise UnsupportedPhoto("unsupported_media_type", "send the photo as image/jpeg or image/png")
    if not data:
        raise PhotoRefused("missing_field", "the photo is empty", field="photo")
    if not data.startswith(IMAGE_TYPES[content_type]):
        raise PhotoRefused("invalid_image", f"the body is not a {content_type.split('/')[1].upper()} image")
    return content_type
