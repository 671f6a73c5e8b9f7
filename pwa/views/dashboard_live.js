// The dashboard's WebSocket (GET /api/v1/live): subscribe from the seq the dashboard was read at, hand each
// event on once, and after a drop reconnect with `since` = the last seq seen (the server resends what was
// missed, and a few seconds before it: seqs already seen are dropped here). A "session_ended" error means the
// person was signed out or deactivated: no reconnect.
const TOPICS = ["movements", "exceptions", "orders", "counts", "alerts", "stock"];
const MAX_SEEN = 5000;

export function openLive({ warehouse, since, onEvent, onState }) {
  let socket = null;
  let lastSeq = since || 0;
  let delayMs = 500;
  let stopped = false;
  let timer = null;
  const seen = new Set();
  const seenOrder = [];

  function firstTime(seq) {
    if (seen.has(seq)) return false;
    seen.add(seq);
    seenOrder.push(seq);
    if (seenOrder.length > MAX_SEEN) seen.delete(seenOrder.shift());
    return true;
  }

  function connect() {
    if (stopped) return;
    onState("connecting");
    socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/live`);
    socket.addEventListener("message", (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.type === "hello") {
        socket.send(JSON.stringify({ type: "subscribe", topics: TOPICS, since: lastSeq, ...(warehouse ? { warehouse } : {}) }));
      } else if (data.type === "subscribed") {
        delayMs = 500;
        onState("live");
      } else if (data.type === "event") {
        if (!firstTime(data.seq)) return;
        lastSeq = Math.max(lastSeq, data.seq);
        onEvent(data);
      } else if (data.type === "error" && data.error?.code === "session_ended") {
        stopped = true;
        onState("ended");
      }
    });
    socket.addEventListener("close", () => {
      socket = null;
      if (stopped) return;
      onState("reconnecting");
      timer = setTimeout(connect, delayMs);
      delayMs = Math.min(delayMs * 2, 10000);
    });
  }

  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
    get lastSeq() { return lastSeq; },
  };
}
