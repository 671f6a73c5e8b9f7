"""What a live socket writes, and who may block on it.

The fan-out (one thread per server process) hands each socket a burst of ready-made WebSocket frames and must
never wait for one client: it writes with MSG_DONTWAIT, and what the kernel does not take at once waits here
for the socket's own thread, which writes it (blocking only itself). A socket whose client stops reading
stops costing memory at `limit_bytes` waiting: it is marked behind, the frames not begun are dropped, and its
own thread closes it with a reason (the client reconnects with `since` and is sent what it missed).

The Outbox stands in for the socket inside simple_websocket too (pongs, close frames), so every byte goes out
through one lock and frames from different threads never interleave; and a socket closed here is never written
again (its file descriptor may already belong to another connection).
"""
import select
import socket
import threading
import time
from collections import deque

TEXT = 0x81  # FIN + text opcode: each event is one whole text frame (server frames are not masked)


def text_frame(payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        return bytes((TEXT, size)) + payload
    if size < 1 << 16:
        return bytes((TEXT, 126)) + size.to_bytes(2, "big") + payload
    return bytes((TEXT, 127)) + size.to_bytes(8, "big") + payload


class Outbox:
    def __init__(self, sock: socket.socket, wake: threading.Event, limit_bytes: int) -> None:
        self.sock = sock
        self.wake = wake  # set when the socket's own thread must act: write what waits here, or close
        self.limit_bytes = limit_bytes
        self._lock = threading.Lock()
        self._pending: deque = deque()  # bytes or memoryviews, in order; the head may be partly written
        self._pending_bytes = 0
        self._head_begun = False
        self._held: list | None = None  # during a resume's read-back: (seq, frame) of live events, sent after it
        self._held_bytes = 0
        self.behind = False
        self.closed = False

    # --- the fan-out's side: never blocks ------------------------------------------------------------------

    def offer(self, burst: bytes, frames: list[tuple[int, bytes]]) -> None:
        """`burst` is `frames` joined: one write for them all when nothing is waiting."""
        with self._lock:
            if self.closed or self.behind:
                return
            if self._held is not None:
                self._held.extend(frames)
                self._held_bytes += len(burst)
                if self._held_bytes > self.limit_bytes:
                    self._fall_behind()
                return
            if not self._pending:
                try:
                    sent = self.sock.send(burst, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    sent = 0
                except OSError:
                    self.closed = True
                    sent = len(burst)
                if sent == len(burst):
                    return
                self._head_begun = sent > 0
                burst = memoryview(burst)[sent:]
            self._pending.append(burst)
            self._pending_bytes += len(burst)
            if self._pending_bytes > self.limit_bytes:
                self._fall_behind()
        self.wake.set()

    def _fall_behind(self) -> None:
        # A frame already begun must be finished, or the client could not read the close frame after it.
        kept = [self._pending[0]] if self._pending and self._head_begun else []
        self._pending = deque(kept)
        self._pending_bytes = sum(len(chunk) for chunk in kept)
        self._held, self._held_bytes = None, 0
        self.behind = True
        self.wake.set()

    # --- a resume: live events wait until what was missed has been sent ------------------------------------

    def hold(self) -> None:
        with self._lock:
            self._held, self._held_bytes = [], 0

    def release(self, already_sent: set[int], timeout_s: float) -> None:
        with self._lock:
            held, self._held, self._held_bytes = self._held or [], None, 0
            if not self.behind:
                self._queue(b"".join(frame for seq, frame in held if seq not in already_sent))
        self.flush(timeout_s)

    # --- the socket's own thread (and simple_websocket's) -------------------------------------------------

    def send(self, data: bytes, timeout_s: float = 10.0) -> int:
        """A blocking write in order after whatever waits (control frames go out even when behind)."""
        with self._lock:
            if self.closed:
                raise BrokenPipeError("the live socket is closed")
            self._queue(data)
        self.flush(timeout_s)
        return len(data)

    sendall = send

    def flush(self, timeout_s: float) -> None:
        """Write what waits; wait for the client (outside the lock) when the kernel will not take more."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._lock:
                while self._pending and not self.closed:
                    head = self._pending[0]
                    try:
                        sent = self.sock.send(head, socket.MSG_DONTWAIT)
                    except BlockingIOError:
                        break
                    except OSError:
                        self.closed = True
                        raise
                    self._pending_bytes -= sent
                    if sent == len(head):
                        self._pending.popleft()
                        self._head_begun = False
                    else:
                        self._pending[0] = memoryview(head)[sent:]
                        self._head_begun = True
                if not self._pending or self.closed:
                    return
                fd = self.sock.fileno()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the live client has not read for too long")
            poller = select.poll()
            poller.register(fd, select.POLLOUT)
            poller.poll(min(left, 1.0) * 1000)

    def _queue(self, data: bytes) -> None:
        if data:
            self._pending.append(data)
            self._pending_bytes += len(data)

    def shut(self) -> None:
        """Nothing more is written here (the server closes the connection next)."""
        with self._lock:
            self.closed = True
            self._pending.clear()
            self._pending_bytes = 0

    # --- what simple_websocket's reader thread needs of a socket -------------------------------------------

    def recv(self, size: int) -> bytes:
        return self.sock.recv(size)

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self.sock.close()
