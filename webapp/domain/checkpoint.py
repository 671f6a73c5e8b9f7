"""Ledger checkpoints: each hash chain's length and head at a moment, signed with HMAC-SHA256.

The hash chain alone cannot stop the database's owner: they can delete a chain's newest movements (or
rewrite a chain and recompute its hashes, which need no secret) and patch the projection to match. A
checkpoint signed with a key the database never holds pins every chain's prefix: a movement removed or
altered at or before a checkpoint no longer gives the signed head.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass

FORMAT = "dockhand-ledger-checkpoint/1"


@dataclass(frozen=True)
class ChainHead:
    item_id: int
    warehouse_id: int
    length: int  # movements in the chain
    head: str  # hash of its newest movement
    head_seq: int
    head_id: str

    @property
    def chain(self) -> tuple[int, int]:
        return self.item_id, self.warehouse_id


def _canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def key_id(key: bytes) -> str:
    """Names the key without revealing it, so a checkpoint signed with another key is told apart from an altered one."""
    return hashlib.sha256(b"dockhand-ledger-key-id:" + key).hexdigest()[:16]


def signed_checkpoint(heads: list[ChainHead], movements: int, created_at: str, key: bytes) -> dict:
    body = {
        "format": FORMAT,
        "created_at": created_at,
        "movements": movements,
        "chains": [{"item_id": h.item_id, "warehouse_id": h.warehouse_id, "length": h.length, "head": h.head,
                    "head_seq": h.head_seq, "head_id": h.head_id} for h in sorted(heads, key=lambda h: h.chain)],
        "key_id": key_id(key),
    }
    return {**body, "signature": hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()}


def signature_problem(checkpoint, key: bytes) -> str | None:
    """None when the checkpoint is as it was signed with this key; else what is wrong with it."""
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        return "is not a ledger checkpoint"
    body = {name: value for name, value in checkpoint.items() if name != "signature"}
    expected = hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()
    signature = checkpoint.get("signature")
    if isinstance(signature, str) and hmac.compare_digest(signature, expected):
        return None
    if checkpoint.get("key_id") != key_id(key):
        return "has a bad signature: it was signed with another key"
    return "has a bad signature: it was altered after it was signed"


def signed_heads(checkpoint: dict) -> list[ChainHead]:
    """The chain heads of a checkpoint whose signature was checked."""
    return [ChainHead(c["item_id"], c["warehouse_id"], c["length"], c["head"], c["head_seq"], c["head_id"])
            for c in checkpoint["chains"]]


def compare_with_ledger(name: str, checkpoint: dict, movements: int, position_hash) -> list[str]:
    """What the ledger no longer agrees with in one signed checkpoint.

    `position_hash(chain, n)` → (seq, id, hash) of the chain's n-th movement (1-based) in the ledger now,
    or None when the chain is shorter. Chains only ever grow at their end, so the signed head must still
    be at the same position.
    """
    problems = []
    for head in signed_heads(checkpoint):
        label = f"chain item={head.item_id} warehouse={head.warehouse_id}"
        found = position_hash(head.chain, head.length)
        if found is None:
            problems.append(f"movement seq={head.head_seq} id={head.head_id} is missing: checkpoint {name} signed "
                            f"it as movement {head.length} and head of {label}, which is now shorter")
        elif found[2] != head.head:
            problems.append(f"movement seq={found[0]} id={found[1]} differs from checkpoint {name}, which signed "
                            f"movement {head.length} of {label} as seq={head.head_seq} id={head.head_id}: a movement "
                            f"at or before it was altered or removed")
    if movements < checkpoint["movements"]:
        problems.append(f"the ledger has {movements} movements, fewer than the {checkpoint['movements']} "
                        f"checkpoint {name} signed: movements were removed")
    return problems
