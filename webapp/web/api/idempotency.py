"""`Idempotency-Key` on creating POSTs: an endpoint opts in with `api_endpoint(..., idempotent=True)`.

With the header, the request runs in one transaction that first claims the key (per person), then runs
the view, then stores the view's answer beside what it created. A retry with the same key and the same
request gets that answer again (header `Idempotent-Replayed: true`) and creates nothing; with another
request → 409 `idempotency_conflict`. Errors are not stored: they created nothing, so a retry runs again.
"""
from functools import wraps
from typing import Callable

from flask import current_app, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp.domain.idempotency import KEY_MAX_LEN, KEY_PATTERN, check_key, judge_retry, request_fingerprint
from webapp.extensions import db
from webapp.services import idempotency

HEADER = "Idempotency-Key"
HEADER_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "Any unique string (a UUID) per creating request. The same key with the same body within "
                   "24 hours answers the original status and body and creates nothing; with another body → "
                   "409 idempotency_conflict. Keys are per person.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LEN, "pattern": KEY_PATTERN},
}


def idempotent(view: Callable) -> Callable:
    @wraps(view)
    def run_once(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        check_key(key)
        fingerprint = request_fingerprint(request.method, request.path, request.get_data(cache=True))
        person_id = current_user.id
        try:
            with db.request_transaction() as session:
                earlier = idempotency.claim(session, person_id, key, fingerprint)
                if earlier is None:
                    response = current_app.make_response(view(*args, **kwargs))
                    if 200 <= response.status_code < 300:
                        idempotency.record_answer(session, person_id, key, response.status_code,
                                                  response.get_data(as_text=True))
                    else:
                        idempotency.give_back(session, person_id, key)
                    return response
        except IntegrityError:
            # A racing request claimed this key first and has committed: the unique constraint decided.
            with db.unit_of_work() as session:
                earlier = idempotency.find(session, person_id, key)
            if earlier is None:
                raise
        judge_retry(earlier.fingerprint, fingerprint)
        replay = current_app.response_class(earlier.body, status=earlier.status_code, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        return replay

    return run_once
