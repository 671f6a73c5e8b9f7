"""People and their API tokens (admin; a person may list and revoke their own tokens)."""
from typing import Annotated

from flask import jsonify
from flask_login import current_user
from pydantic import Field

from webapp.domain.roles import ADMIN, EVERYONE, ROLES
from webapp.extensions import db
from webapp.services import people
from webapp.services.users import create_token, create_user
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import NO_NUL, Body, Choice, Identifier, OptionalText

Password = Annotated[str, Field(min_length=8, max_length=256, pattern=NO_NUL,
                                description="at least 8 characters; never trimmed")]
Roles = Annotated[list[Choice(ROLES)], Field(min_length=1, max_length=len(ROLES))]


class NewPerson(Body):
    username: Identifier(64)
    roles: Roles
    password: Password


class PersonChange(Body):
    roles: Roles | None = None
    password: Password | None = Field(default=None, description="a reset: ends every session and token of the person")
    active: bool | None = Field(default=None, description="false ends every session and token of the person")


class NewToken(Body):
    name: OptionalText(120) = ""


@api_endpoint(api, "/users", "GET", roles=(ADMIN,), summary="People, with their roles and whether they are active",
              parameters=PAGING_PARAMETERS, responses={"200": "a page of people"})
def list_users():
    after, limit = page_args()
    with db.unit_of_work() as s:
        page = people.list_people(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/users", "POST", roles=(ADMIN,), summary="Create a person with roles and a password",
              body=NewPerson, responses={"201": "the person", "409": "username_taken"})
def post_user(body: NewPerson):
    with db.unit_of_work() as s:
        result = people.person_json(create_user(s, body.username, body.password, list(body.roles)))
    return jsonify(result), 201


@api_endpoint(api, "/users/<username>", "PATCH", roles=(ADMIN,),
              summary="Change a person's roles, reset their password or (de)activate them; a reset or deactivation "
                      "ends their sessions and tokens at once",
              body=PersonChange, responses={"200": "the person", "404": "unknown_user",
                                            "409": "own_admin_access: not your own deactivation or admin role"})
def patch_user(username: str, body: PersonChange):
    change = people.PersonChange(roles=list(body.roles) if body.roles is not None else None,
                                 password=body.password, active=body.active)
    with db.unit_of_work() as s:
        result = people.person_json(people.change_person(s, username, change, current_user.id))
    return jsonify(result)


# No Idempotency-Key here: a replay would have to keep the token itself, and only its digest is ever stored.
@api_endpoint(api, "/users/<username>/tokens", "POST", roles=(ADMIN,),
              summary="Issue an API token for a person; the token is shown in this answer only",
              body=NewToken, responses={"201": "{id, token}", "404": "unknown_user"})
def post_token(username: str, body: NewToken):
    with db.unit_of_work() as s:
        token_id, token = create_token(s, username, body.name)
    return jsonify({"id": token_id, "name": body.name, "token": token}), 201


@api_endpoint(api, "/users/<username>/tokens", "GET", roles=EVERYONE,
              summary="A person's live API tokens: id, name, created, last used — never the token "
                      "(admin: anyone's; everyone else: their own)",
              responses={"200": "the tokens", "404": "unknown_user"})
def get_tokens(username: str):
    with db.unit_of_work() as s:
        tokens = people.list_tokens(s, username, current_user)
    return jsonify({"items": tokens, "next_cursor": None})


@api_endpoint(api, "/tokens/<int:token_id>", "DELETE", roles=EVERYONE,
              summary="Revoke an API token: its next use is a 401 (admin: anyone's; everyone else: their own)",
              responses={"204": "revoked", "404": "unknown_token"})
def delete_token(token_id: int):
    with db.unit_of_work() as s:
        people.revoke_token(s, token_id, current_user)
    return "", 204
