"""The admin's people desk over the API (issue 18, point 1): people, roles, deactivation, password resets, tokens.

Deactivating a person or resetting their password ends their cookie sessions and tokens on the very next
request; a revoked token is refused on its next use; tokens are listed without the token itself.
"""
from tests.conftest import bearer
from tests.integration.signin import sign_in_on


def _admin(make_user) -> dict:
    return bearer(make_user("ada", "admin"))


def test_an_admin_creates_a_person_who_can_then_sign_in_and_is_listed(client, app, make_user):
    admin = _admin(make_user)
    created = client.post("/api/v1/users", json={"username": "nina", "roles": ["picker", "counter"],
                                                 "password": "nina-secret-1"}, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["roles"] == ["counter", "picker"] and created.get_json()["active"] is True
    assert "password" not in created.get_data(as_text=True)
    sign_in_on(app.test_client(), "nina", "h-1", password="nina-secret-1")
    listed = client.get("/api/v1/users", headers=admin).get_json()
    assert [p["username"] for p in listed["items"]] == ["ada", "nina"] and listed["next_cursor"] is None
    again = client.post("/api/v1/users", json={"username": "nina", "roles": ["picker"], "password": "another-pw"},
                        headers=admin)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "username_taken"


def test_the_people_list_pages_through_everyone_once(client, make_user):
    admin = _admin(make_user)
    for n in range(5):
        make_user(f"p{n}", "picker")
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/users", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=admin).get_json()
        seen += [p["username"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["ada", "p0", "p1", "p2", "p3", "p4"]


def test_a_bad_role_or_a_short_password_is_a_400_naming_the_field_and_creates_nobody(client, make_user):
    admin = _admin(make_user)
    bad_role = client.post("/api/v1/users", json={"username": "x", "roles": ["boss"], "password": "long-enough"},
                           headers=admin)
    assert bad_role.status_code == 400 and bad_role.get_json()["error"]["field"] == "roles"
    short = client.post("/api/v1/users", json={"username": "x", "roles": ["picker"], "password": "short"},
                        headers=admin)
    assert short.status_code == 400 and short.get_json()["error"]["field"] == "password"
    assert [p["username"] for p in client.get("/api/v1/users", headers=admin).get_json()["items"]] == ["ada"]


def test_a_deactivated_persons_cookie_session_and_token_get_401_on_their_very_next_request(app, client, make_user):
    admin = _admin(make_user)
    token = make_user("asha", "picker")
    handheld = app.test_client()
    sign_in_on(handheld, "asha", "h-2")
    assert handheld.get("/api/v1/me").status_code == 200 and client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    off = client.patch("/api/v1/users/asha", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert handheld.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    # Reactivated, she signs in again; the old session and token stay dead.
    assert client.patch("/api/v1/users/asha", json={"active": True}, headers=admin).status_code == 200
    assert handheld.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    sign_in_on(app.test_client(), "asha", "h-2")


def test_a_password_reset_ends_the_old_session_and_token_and_the_new_password_works(app, client, make_user):
    admin = _admin(make_user)
    token = make_user("ravi", "receiver")
    handheld = app.test_client()
    sign_in_on(handheld, "ravi", "h-3")
    reset = client.patch("/api/v1/users/ravi", json={"password": "brand-new-pw"}, headers=admin)
    assert reset.status_code == 200
    assert handheld.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert app.test_client().post("/api/v1/login", json={"username": "ravi", "password": "correct-horse"}).status_code == 401
    sign_in_on(app.test_client(), "ravi", "h-3", password="brand-new-pw")


def test_changing_roles_takes_effect_on_the_next_request_without_ending_the_session(app, client, make_user):
    admin = _admin(make_user)
    token = make_user("sam", "picker")
    assert client.get("/api/v1/exceptions", headers=bearer(token)).status_code == 403
    changed = client.patch("/api/v1/users/sam", json={"roles": ["supervisor"]}, headers=admin)
    assert changed.get_json()["roles"] == ["supervisor"]
    assert client.get("/api/v1/exceptions", headers=bearer(token)).status_code == 200


def test_an_admin_cannot_lock_themselves_out(client, make_user):
    admin = _admin(make_user)
    for change in ({"active": False}, {"roles": ["supervisor"]}):
        refused = client.patch("/api/v1/users/ada", json=change, headers=admin)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "own_admin_access"
    [ada] = client.get("/api/v1/users", headers=admin).get_json()["items"]
    assert ada["roles"] == ["admin"] and ada["active"] is True
    assert client.patch("/api/v1/users/ada", json={"roles": ["admin", "supervisor"]}, headers=admin).status_code == 200


def test_an_unknown_person_is_a_404_and_only_an_admin_manages_people(client, make_user):
    admin = _admin(make_user)
    picker = bearer(make_user("pete", "picker"))
    assert client.patch("/api/v1/users/nobody", json={"active": False}, headers=admin).status_code == 404
    assert client.get("/api/v1/users", headers=picker).status_code == 403
    assert client.patch("/api/v1/users/pete", json={"roles": ["admin"]}, headers=picker).status_code == 403


def test_a_token_is_shown_once_listed_by_name_and_last_use_and_refused_after_it_is_revoked(client, make_user):
    admin = _admin(make_user)
    make_user("erp", "integration")
    issued = client.post("/api/v1/users/erp/tokens", json={"name": "nightly import"}, headers=admin)
    assert issued.status_code == 201
    token_id, token = issued.get_json()["id"], issued.get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["user"]["username"] == "erp"
    listed = client.get("/api/v1/users/erp/tokens", headers=bearer(token)).get_json()["items"]
    mine = [t for t in listed if t["id"] == token_id]
    assert mine and mine[0]["name"] == "nightly import" and mine[0]["last_used_at"] is not None
    assert token not in client.get("/api/v1/users/erp/tokens", headers=admin).get_data(as_text=True)
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=admin).status_code == 204
    refused = client.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthenticated"
    assert token_id not in [t["id"] for t in client.get("/api/v1/users/erp/tokens", headers=admin).get_json()["items"]]


def test_a_person_revokes_their_own_token_but_cannot_see_or_revoke_anyone_elses(client, make_user):
    admin = _admin(make_user)
    make_user("asha", "picker")
    make_user("ravi", "receiver")
    ashas = client.post("/api/v1/users/asha/tokens", json={"name": "tablet"}, headers=admin).get_json()
    ravis = client.post("/api/v1/users/ravi/tokens", json={}, headers=admin).get_json()
    asha = bearer(ashas["token"])
    assert client.get("/api/v1/users/ravi/tokens", headers=asha).status_code == 404
    assert client.delete(f"/api/v1/tokens/{ravis['id']}", headers=asha).status_code == 404
    assert client.get("/api/v1/me", headers=bearer(ravis["token"])).status_code == 200
    assert client.post("/api/v1/users/asha/tokens", json={}, headers=asha).status_code == 403
    assert client.delete(f"/api/v1/tokens/{ashas['id']}", headers=asha).status_code == 204
    assert client.get("/api/v1/me", headers=asha).status_code == 401
