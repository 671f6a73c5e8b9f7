"""The floor's network between the browsers and the live server, which a test can break the way a floor does.

A TCP relay on its own port in front of the real server: the browsers only know the relay. `cut()` is a
server that cannot be reached (every connection, open or new, is reset at once); `silence()` is a server that
accepts connections and never answers (Wi-Fi up, server hung); `restore()` brings it back. Nothing here touches
the browser's own idea of being offline (`navigator.onLine`): the app has to find out from what it gets back.
"""

import socket
import struct
import threading

UP, DOWN, SILENT = "up", "down", "silent"


class FloorNetwork:
    def __init__(self, server_port: int, host: str = "127.0.0.1"):
        self.server = (host, server_port)
        self.listener = socket.create_server((host, 0))
        self.port = self.listener.getsockname()[1]
        self.mode = UP
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept_loop, name="floor-network", daemon=True).start()

    # ---- what a test does --------------------------------------------------------------

    def cut(self) -> None:
        self._set(DOWN)

    def silence(self) -> None:
        self._set(SILENT)

    def restore(self) -> None:
        self._set(UP)

    def close(self) -> None:
        self._closed = True
        self._set(DOWN)
        self.listener.close()

    # ---- the relay -----------------------------------------------------------------------

    def _set(self, mode: str) -> None:
        with self._lock:
            self.mode = mode
            doomed, self._open = self._open, set()
        for sock in doomed:  # a connection opened before the change must not carry on as if nothing happened
            _reset(sock)

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                mode = self.mode
                if mode != DOWN:
                    self._open.add(client)
            if mode == DOWN:
                _reset(client)
            elif mode == UP:
                threading.Thread(target=self._relay, args=(client,), daemon=True).start()
            # SILENT: keep it open and never answer, until the mode changes

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.server, timeout=10)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        with self._lock:
            if client not in self._open:  # cut meanwhile
                _reset(upstream)
                return
            self._open.add(upstream)
        back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
        back.start()
        _pump(client, upstream)
        back.join(timeout=30)
        with self._lock:
            self._open.discard(client)
            self._open.discard(upstream)
        client.close()
        upstream.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _reset(sock: socket.socket) -> None:
    """Close with RST, as a host that went away does, so the browser fails the request at once."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
