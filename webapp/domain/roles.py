"""Who may do what: the roles, and which movement kinds each may record."""

PICKER, RECEIVER, COUNTER = "picker", "receiver", "counter"
SUPERVISOR, ADMIN, INTEGRATION = "supervisor", "admin", "integration"
ROLES = (PICKER, RECEIVER, COUNTER, SUPERVISOR, ADMIN, INTEGRATION)

FLOOR_KINDS = ("receive", "putaway", "transfer", "pick", "pack", "dispatch", "return", "count", "short")

KINDS_BY_ROLE: dict[str, frozenset[str]] = {
    PICKER: frozenset({"pick", "pack", "dispatch", "transfer", "short"}),
    RECEIVER: frozenset({"receive", "putaway", "transfer", "return"}),
    COUNTER: frozenset({"count", "transfer"}),
    SUPERVISOR: frozenset(FLOOR_KINDS),
    ADMIN: frozenset(FLOOR_KINDS),
    INTEGRATION: frozenset(),
}

# Reads of stock quantities: everyone but a caller whose only floor role is counter (blind counts).
STOCK_READERS = (PICKER, RECEIVER, SUPERVISOR, ADMIN, INTEGRATION)
ORDER_MANAGERS = (INTEGRATION, ADMIN, SUPERVISOR)
CATALOGUE_EDITORS = (ADMIN, INTEGRATION)
SUPERVISORS = (SUPERVISOR, ADMIN)
EVERYONE = ROLES


def may_record(roles: frozenset[str], kind: str) -> bool:
    return any(kind in KINDS_BY_ROLE.get(role, ()) for role in roles)


def validate_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise ValueError(f"roles must be some of {', '.join(ROLES)}; got {', '.join(roles) or 'none'}")
    return sorted(set(roles), key=ROLES.index)
