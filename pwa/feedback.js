// What the person hears, feels and sees after a scan: Web Audio tones, vibration, a full-screen
// flash with large text. `success` is only for scans already committed to the outbox.
import { withCodes } from "./codes.js";

let audio = null;

function audioContext() {
  const AudioContextClass = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!AudioContextClass) return null;
  if (!audio) audio = new AudioContextClass();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio;
}

// Browsers only start audio after a gesture. The context is made at boot (slow, and a scanner's
// burst of keys must not wait for it) and only resumed, which is cheap, on the first key or touch.
export function unlockAudioOnFirstGesture() {
  try { audioContext(); } catch { /* no audio on this device */ }
  const unlock = () => {
    if (audio?.state === "suspended") audio.resume().catch(() => {});
    if (audio?.state === "running") {
      window.removeEventListener("keydown", unlock, true);
      window.removeEventListener("pointerdown", unlock, true);
    }
  };
  window.addEventListener("keydown", unlock, true);
  window.addEventListener("pointerdown", unlock, true);
}

function tone(frequencyHz, startS, durationS, type, volume) {
  const ctx = audioContext();
  if (!ctx) return;
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  const at = ctx.currentTime + startS;
  oscillator.type = type;
  oscillator.frequency.value = frequencyHz;
  gain.gain.setValueAtTime(volume, at);
  gain.gain.exponentialRampToValueAtTime(0.001, at + durationS); // no click at the end
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + durationS + 0.02);
}

function sound(play) {
  try { play(); } catch { /* audio is a nicety: a scan never fails because of it */ }
}

function vibrate(pattern) {
  try { navigator.vibrate?.(pattern); } catch { /* not on this device */ }
}

let flashTimer = null;
let flashCount = 0;

function flash(kind, text, detail) {
  const overlay = document.getElementById("flash");
  if (!overlay) return;
  flashCount += 1;
  overlay.className = `flash ${kind}`;
  overlay.dataset.kind = kind;
  overlay.dataset.count = String(flashCount);
  overlay.replaceChildren();
  const big = document.createElement("p");
  big.className = "flash-text";
  big.replaceChildren(...withCodes(String(text)));
  overlay.append(big);
  if (detail) {
    const small = document.createElement("p");
    small.className = "flash-detail";
    small.replaceChildren(...withCodes(String(detail)));
    overlay.append(small);
  }
  overlay.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { overlay.hidden = true; }, kind === "ok" ? 400 : 900);
}

// A scan is safely stored (the outbox transaction committed): high double beep, green.
export function success(text, detail) {
  sound(() => { tone(1760, 0, 0.07, "square", 0.2); tone(1760, 0.11, 0.07, "square", 0.2); });
  vibrate(60);
  flash("ok", text, detail);
}

// Refused: long low buzz, red. Nothing was queued.
export function failure(text, detail) {
  sound(() => tone(140, 0, 0.6, "sawtooth", 0.3));
  vibrate([200, 100, 200]);
  flash("bad", text, detail);
}

// A step of a longer scan sequence was accepted (a FROM location, an item): one soft tick, no green.
export function step() {
  sound(() => tone(880, 0, 0.04, "sine", 0.12));
}

// Allowed, but someone should know (a partial order leaving): two falling tones, amber.
export function warning(text, detail) {
  sound(() => { tone(660, 0, 0.12, "triangle", 0.25); tone(440, 0.15, 0.18, "triangle", 0.25); });
  vibrate([120, 80, 120]);
  flash("warn", text, detail);
}

// Runs `then` once the flash on screen (a scan's green) has had its time: news that arrives just after it
// (a flag from the server about that very scan) must not swallow the green.
export function afterFlash(then) {
  const overlay = document.getElementById("flash");
  if (!overlay || overlay.hidden) return then();
  setTimeout(() => afterFlash(then), 150);
}
