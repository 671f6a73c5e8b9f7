"""`ledger checkpoint` and the checkpoint half of `ledger verify`.

Chain heads are read from the movements themselves (never from stock_total, which the database's owner
can patch), inside the caller's snapshot. Checkpoints are files signed with a key kept outside the
database: DOCKHAND_LEDGER_KEY, else a key generated once into instance/ledger_key.
"""
import json
import os
import secrets
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session

from webapp.db.snapshots import same_snapshot
from webapp.domain.checkpoint import ChainHead, compare_with_ledger, signature_problem, signed_checkpoint, signed_heads
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import DomainError
from webapp.services import projection
from webapp.services.chain_scan import ChainScan, scan_chains


class CheckpointStore:
    """The directory of signed checkpoints and the key that signs them."""

    def __init__(self, directory: Path, key: bytes | None) -> None:
        self.directory = directory
        self.key = key

    @classmethod
    def from_config(cls, config, *, create_key: bool) -> "CheckpointStore":
        return cls(Path(config["CHECKPOINT_DIR"]), ledger_key(config, create=create_key))

    def write(self, checkpoint: dict) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = checkpoint["created_at"].replace("-", "").replace(":", "")
        path = self.directory / f"checkpoint-{stamp}-{checkpoint['movements']}.json"
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(checkpoint, indent=1, sort_keys=True) + "\n")
        os.replace(partial, path)  # a reader never sees half a checkpoint
        return path

    def read_all(self) -> list[tuple[str, object]]:
        """(file name, its JSON or None when unreadable), oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("checkpoint-*.json")):
            try:
                found.append((path.name, json.loads(path.read_text())))
            except (OSError, ValueError):
                found.append((path.name, None))
        return found


def ledger_key(config, *, create: bool) -> bytes | None:
    if config.get("LEDGER_KEY"):
        return config["LEDGER_KEY"].encode()
    path = Path(config["LEDGER_KEY_FILE"])
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another checkpoint run made it a moment ago
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    if not path.exists():
        return None
    key = path.read_text().strip().encode()
    return key or None


def chain_heads(session: Session) -> tuple[list[ChainHead], int]:
    """Every chain's length and newest movement, and the number of movements, from the ledger rows."""
    return _heads(scan_chains(session))


def _heads(scan: ChainScan) -> tuple[list[ChainHead], int]:
    return [ChainHead(chain[0], chain[1], scan.lengths[chain], head[2], head[0], head[1])
            for chain, head in scan.heads.items()], scan.total


def take_checkpoint(session: Session, store: CheckpointStore) -> tuple[Path, dict]:
    """Sign the ledger as it is, after checking its hash chains: a broken ledger is never signed."""
    if store.key is None:
        raise DomainError("no_ledger_key", "no ledger key: set DOCKHAND_LEDGER_KEY")
    scan = scan_chains(session)  # one pass: the chains checked and their heads read
    if scan.problems:
        raise DomainError("ledger_broken", f"not signing a ledger whose hash chains are broken: {scan.problems[0]}")
    heads, total = _heads(scan)
    checkpoint = signed_checkpoint(heads, total, format_instant(utcnow()), store.key)
    return store.write(checkpoint), checkpoint


def verify_ledger(session: Session, store: CheckpointStore) -> tuple[list[str], int, int]:
    """`ledger verify`: the hash chains, the projection and every signed checkpoint, from one pass over the
    ledger. Returns the problems (first bad row first), the number of movements and of checkpoints checked."""
    signature_problems, trusted, checked = _trusted_checkpoints(store)
    with same_snapshot(session) as beside:
        if beside is None:
            scan = scan_chains(session, _wanted(trusted))
            projection_problems = projection.differences(session)
        else:  # the projection's grouped queries run on a second connection while Python hashes the chains
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-projection") as pool:
                compared = pool.submit(projection.differences, beside)
                scan = scan_chains(session, _wanted(trusted))
                projection_problems = compared.result()
    problems = scan.problems + projection_problems + signature_problems + _compared(trusted, scan)
    return problems, scan.total, checked


def checkpoint_problems(session: Session, store: CheckpointStore) -> tuple[list[str], int]:
    """What the ledger no longer agrees with in any checkpoint (a bad signature is named too), and how many
    checkpoints were checked."""
    problems, trusted, checked = _trusted_checkpoints(store)
    if trusted:
        problems += _compared(trusted, scan_chains(session, _wanted(trusted)))
    return problems, checked


def _trusted_checkpoints(store: CheckpointStore) -> tuple[list[str], list, int]:
    """(problems with the checkpoint files, the checkpoints whose signature holds, how many there are)."""
    found = store.read_all()
    if found and store.key is None:
        return [f"{len(found)} checkpoints cannot be checked: no ledger key (DOCKHAND_LEDGER_KEY or the key "
                "file) is available"], [], 0
    problems, trusted = [], []
    for name, checkpoint in found:
        wrong = "is unreadable" if checkpoint is None else signature_problem(checkpoint, store.key)
        if wrong:
            problems.append(f"checkpoint {name} {wrong}")
        else:
            trusted.append((name, checkpoint))
    return problems, trusted, len(found)


def _wanted(trusted: list) -> dict:
    wanted = defaultdict(set)
    for _, checkpoint in trusted:
        for head in signed_heads(checkpoint):
            wanted[head.chain].add(head.length)
    return wanted


def _compared(trusted: list, scan: ChainScan) -> list[str]:
    problems = []
    for name, checkpoint in trusted:
        problems += compare_with_ledger(name, checkpoint, scan.total, lambda chain, n: scan.positions.get((chain, n)))
    return problems
