"""Photos uploaded by devices under their own ids: stored once; the same bytes again are a no-op."""
import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.inbound_tables import Photo
from webapp.domain.errors import Conflict, NotFound


def store_photo(session: Session, photo_id: str, content_type: str, data: bytes, user_id: int | None) -> tuple[Photo, bool]:
    """(the photo, created?). The same id with the same bytes → the original; with other bytes → 409."""
    digest = hashlib.sha256(data).hexdigest()
    existing = session.get(Photo, photo_id)
    if existing is None:
        photo = Photo(id=photo_id, content_type=content_type, sha256=digest, size=len(data), data=data,
                      uploaded_by_id=user_id)
        try:
            with session.begin_nested():
                session.add(photo)
                session.flush()
            return photo, True
        except IntegrityError:  # the same id uploaded by a racing request: the primary key decided
            existing = session.scalar(select(Photo).where(Photo.id == photo_id))
    if existing.sha256 != digest:
        raise Conflict("idempotency_conflict", f"photo {photo_id} was uploaded with other bytes")
    return existing, False


def get_photo(session: Session, photo_id: str) -> Photo:
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound("unknown_photo", f"no photo {photo_id}")
    return photo


def photo_json(photo: Photo) -> dict:
    return {"id": photo.id, "content_type": photo.content_type, "size": photo.size, "sha256": photo.sha256}
