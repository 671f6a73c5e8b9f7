"""Test helpers for browser-style sessions: sign in on a device (cookie + CSRF token) and sync through it."""


def sign_in_on(client, username: str, device_id: str | None = None, password: str = "correct-horse", **environ):
    """Sign in the way the PWA does; → the CSRF token for later writes through this client's cookie."""
    body = {"username": username, "password": password}
    if device_id is not None:
        body["device_id"] = device_id
    response = client.post("/api/v1/login", json=body, environ_base=environ)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def sign_out(client, csrf: str) -> None:
    assert client.post("/api/v1/logout", headers={"X-CSRF-Token": csrf}).status_code == 204


def session_sync(client, csrf: str, movements: list[dict], device_id: str):
    return client.post("/api/v1/sync", json={"device_id": device_id, "movements": movements},
                       headers={"X-CSRF-Token": csrf})
