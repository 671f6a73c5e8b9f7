// Sign-in page: posts to /api/v1/login with this device's id, remembers who signed in, opens the app.
import { serverFetch } from "./connection.js";
import { deviceId, endLeftoverSession, registerServiceWorker, signedIn } from "./session.js";

const form = document.getElementById("signin-form");
const errorText = document.getElementById("signin-error");
registerServiceWorker(); // so that this page, too, opens without a connection next time
endLeftoverSession();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorText.textContent = "";
  const body = {
    username: form.username.value.trim(),
    password: form.password.value,
    device_id: await deviceId(),
  };
  let response;
  try {
    response = await serverFetch("/api/v1/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    errorText.textContent = `No connection (${error.message}). Sign in needs the server once.`;
    return;
  }
  if (response.ok) {
    const data = await response.json();
    await signedIn(data.user, data.csrf_token, data.limits);
    location.assign("/");
    return;
  }
  const problem = await response.json().catch(() => ({}));
  errorText.textContent = response.status === 429
    ? "Too many tries. Wait a few minutes."
    : (problem.error && problem.error.message) || "Sign-in failed.";
});
