"""One fan-out per server process: events reach every socket this process holds.

On PostgreSQL one thread per process holds one connection that LISTENs on `dockhand_events`; each NOTIFY
carries an event's seq, the thread reads a burst of them in one query and writes them to the subscribed sockets
itself (outbox.py: never waiting for a slow one; the sockets' own threads sleep until they must act). After the
connection drops it reconnects and reads back what was written while it was away (no polling in between).
On SQLite (one machine, the embedded mode) a commit hands its events to this process's fan-out directly.
"""
import json
import logging
import os
import socket
import threading
import time
from collections import deque
from datetime import timedelta

import psycopg

from webapp.domain.clock import utcnow
from webapp.services import events
from webapp.web.live.outbox import Outbox, text_frame

log = logging.getLogger(__name__)
RECONNECT_DELAY_S = 1.0
BURST_S = 0.002  # NOTIFYs this close together are one burst
REMEMBERED_SEQS = 50_000  # delivered seqs kept to drop repeats after a reconnect's read-back


class RecentSeqs:
    """The last `size` seqs seen, to drop repeats (a read-back overlaps what was delivered live) in bounded memory."""

    def __init__(self, size: int = REMEMBERED_SEQS) -> None:
        self._order: deque = deque(maxlen=size)
        self._seen: set[int] = set()

    def first_time(self, seq: int) -> bool:
        if seq in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(seq)
        self._seen.add(seq)
        return True


class Subscriber:
    """One socket's subscription: what it wants, and the outbox its events are written to."""

    def __init__(self, topics: set[str], warehouse_id: int | None, outbox: Outbox) -> None:
        self.topics, self.warehouse_id, self.outbox = frozenset(topics), warehouse_id, outbox
        self.key = (self.topics, warehouse_id)  # sockets that want the same get the same bytes


def wanted(message: dict, topics: frozenset, warehouse_id: int | None) -> bool:
    return message["topic"] in topics and (warehouse_id is None or message["warehouse_id"] in (None, warehouse_id))


def encoded(message: dict) -> bytes:
    return text_frame(json.dumps(message).encode())


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[tuple, set[Subscriber]] = {}  # by what they want
        self._pid: int | None = None
        self._recent = RecentSeqs()
        self.listening = threading.Event()

    @property
    def worker(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    def start(self, database) -> None:
        """Once per process (gunicorn forks workers: each starts its own on its first socket)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._groups, self._recent = {}, RecentSeqs()
            self.listening = threading.Event()
        if database.is_sqlite:
            events.on_commit_in_process(self.dispatch)
            self.listening.set()
            return
        threading.Thread(target=self._listen, args=(database,), name="dockhand-live-listener", daemon=True).start()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._groups.setdefault(subscriber.key, set()).add(subscriber)

    def unsubscribe(self, subscriber: Subscriber | None) -> None:
        with self._lock:
            group = self._groups.get(subscriber.key) if subscriber is not None else None
            if group is not None:
                group.discard(subscriber)
                if not group:
                    del self._groups[subscriber.key]

    def subscribed_sockets(self) -> int:
        with self._lock:
            return sum(len(group) for group in self._groups.values())

    def dispatch(self, messages: list[dict]) -> None:
        """Hand a burst of events to every subscribed socket of this process, without waiting for any of them:
        each event is encoded once, each group of sockets that want the same is filtered once, and each socket
        gets its share of the burst in one write."""
        with self._lock:
            fresh = [m for m in messages if self._recent.first_time(m["seq"])]
            groups = [(key, list(group)) for key, group in self._groups.items()]
        if not fresh:
            return
        frames = [(message, message["seq"], encoded(message)) for message in fresh]
        for key, subscribers in groups:
            share = [(seq, frame) for message, seq, frame in frames if wanted(message, *key)]
            if not share:
                continue
            burst = share[0][1] if len(share) == 1 else b"".join(frame for _, frame in share)
            for subscriber in subscribers:
                subscriber.outbox.offer(burst, share)

    def _listen(self, database) -> None:
        dsn = database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        away_since = None
        while True:
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {events.CHANNEL}")
                    if away_since is not None:  # read back what committed while we were not listening
                        self._read_back(database, away_since)
                        away_since = None
                    self.listening.set()
                    while True:
                        self._deliver(conn, next_burst(conn))
            except Exception:  # noqa: BLE001 - the listener must outlive a database restart
                log.exception("live listener lost its connection; reconnecting")
                self.listening.clear()
                if away_since is None:
                    away_since = utcnow()
                time.sleep(RECONNECT_DELAY_S)

    def _deliver(self, conn: psycopg.Connection, seqs: list[int]) -> None:
        # Read on the LISTEN connection itself: one round trip, no pool checkout or transaction around it (under
        # load each round trip waits again for the GIL behind the worker's busy request threads).
        rows = conn.execute(events.EVENTS_BY_SEQ_SQL, [seqs]).fetchall()
        self.dispatch([events.message(*row) for row in rows])

    def _read_back(self, database, away_since) -> None:
        with database.read_snapshot() as session:
            messages = events.events_from_time(
                session, away_since - timedelta(seconds=events.RESEND_BEFORE_SINCE_S))
        self.dispatch(messages)


def next_burst(conn: psycopg.Connection) -> list[int]:
    """The seqs of the next NOTIFYs: waits for one, then takes those that come with it (read in one query)."""
    seqs = [int(n.payload) for n in conn.notifies(stop_after=1)]
    seqs += [int(n.payload) for n in conn.notifies(timeout=BURST_S)]
    return seqs


HUB = Hub()
