"""Photos taken on a device (damaged goods): what the server accepts, checked on the bytes themselves."""
import uuid

from webapp.domain.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # a phone's JPEG of a damaged case is well under this
IMAGE_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


class PhotoRefused(DomainError):
    pass


class UnsupportedPhoto(PhotoRefused):
    status = 415


def canonical_photo_id(text: str) -> str:
    """The id the device gave the photo: a UUID, in its canonical lower-case form."""
    try:
        return str(uuid.UUID(text)) if isinstance(text, str) and len(text) == 36 else _bad(text)
    except ValueError:
        return _bad(text)


def _bad(text) -> str:
    raise PhotoRefused("invalid_field", "a photo's id is a UUID (36 characters)", field="photo")


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
