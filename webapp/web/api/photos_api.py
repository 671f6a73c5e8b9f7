"""Photos from the floor (a damaged receipt's photo): uploaded by the device's outbox under the id it gave the
photo when it was taken, read by the supervisor."""
from flask import Response, jsonify, request
from flask_login import current_user

from webapp.domain.photos import MAX_PHOTO_BYTES, UUID_TEXT, canonical_photo_id, check_image
from webapp.domain.roles import ADMIN, RECEIVER, SUPERVISOR
from webapp.extensions import db
from webapp.services import photos
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

IMAGE = {"type": "string", "format": "binary", "minLength": 1, "maxLength": MAX_PHOTO_BYTES}
PHOTO_ID = [{"name": "photo_id", "in": "path", "required": True, "description": "the UUID the device gave the photo",
             "schema": {"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36,
                        "pattern": f"^{UUID_TEXT.pattern}$"}}]
PHOTO_BODY = {"required": True, "content": {"image/jpeg": {"schema": IMAGE}, "image/png": {"schema": IMAGE}}}


def _body() -> bytes:
    """The raw body, refused (413) past the limit with or without a Content-Length, before it is all read."""
    too_large = ApiError(413, "photo_too_large", f"a photo is at most {MAX_PHOTO_BYTES} bytes", limit_bytes=MAX_PHOTO_BYTES)
    if request.content_length is not None and request.content_length > MAX_PHOTO_BYTES:
        raise too_large
    request.max_content_length = MAX_PHOTO_BYTES + 1  # one byte over is enough to know
    data = request.get_data(cache=True)
    if len(data) > MAX_PHOTO_BYTES:
        raise too_large
    return data


@api_endpoint(api, "/photos/<photo_id>", "PUT", roles=(RECEIVER, SUPERVISOR, ADMIN),
              summary="Upload a photo taken on a device under its id (JPEG or PNG, at most 5 MiB); the same bytes "
                      "again → 200, other bytes → 409",
              parameters=PHOTO_ID,
              responses={"201": "stored", "200": "the same photo again", "409": "idempotency_conflict",
                         "413": "photo_too_large", "415": "unsupported_media_type"},
              **{"requestBody": PHOTO_BODY, "x-limits": {"max_body_bytes": MAX_PHOTO_BYTES}})
def put_photo(photo_id: str):
    key = canonical_photo_id(photo_id)
    content_type = check_image(request.mimetype, _body())
    with db.unit_of_work() as s:
        photo, created = photos.store_photo(s, key, content_type, request.get_data(cache=True), current_user.id)
        result = photos.photo_json(photo)
    return jsonify(result), 201 if created else 200


@api_endpoint(api, "/photos/<photo_id>", "GET", roles=(SUPERVISOR, ADMIN), summary="A photo taken on the floor", parameters=PHOTO_ID,
              responses={"200": "the image (image/jpeg or image/png)", "404": "unknown_photo"})
def get_photo(photo_id: str):
    key = canonical_photo_id(photo_id)
    with db.unit_of_work() as s:
        photo = photos.get_photo(s, key)
        data, content_type = photo.data, photo.content_type
    return Response(data, mimetype=content_type, headers={"Cache-Control": "private, max-age=86400",
                                                          "X-Content-Type-Options": "nosniff"})
