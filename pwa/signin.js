// Sign-in page: posts to /api/v1/login with this device's id, then opens the app.
const form = document.getElementById("signin-form");
const errorText = document.getElementById("signin-error");

function deviceId() {
  let id = localStorage.getItem("dockhand.device_id");
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem("dockhand.device_id", id);
  }
  return id;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorText.textContent = "";
  const body = {
    username: form.username.value.trim(),
    password: form.password.value,
    device_id: deviceId(),
  };
  let response;
  try {
    response = await fetch("/api/v1/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    errorText.textContent = "No connection. Sign in needs the network once.";
    return;
  }
  if (response.ok) {
    const data = await response.json();
    sessionStorage.setItem("dockhand.csrf", data.csrf_token);
    localStorage.setItem("dockhand.user", JSON.stringify(data.user));
    location.assign("/");
    return;
  }
  const problem = await response.json().catch(() => ({}));
  errorText.textContent = response.status === 429
    ? "Too many tries. Wait a few minutes."
    : (problem.error && problem.error.message) || "Sign-in failed.";
});
