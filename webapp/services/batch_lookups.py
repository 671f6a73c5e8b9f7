"""People, items and locations of one sync batch, looked up once: a batch scans the same few codes again and again."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import User
from webapp.services.catalogue import find_item, find_items, find_location, find_locations


class BatchLookups:
    """People, items and locations looked up once per batch: a batch scans the same few codes again and again."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._people: dict = {}
        self._items: dict = {}
        self._locations: dict = {}

    def prime(self, raw_movements: list) -> None:
        """The batch's item and location codes in a few queries; what they miss is looked up one by one."""
        def codes(*names):
            return {raw[name].strip() for raw in raw_movements if isinstance(raw, dict)
                    for name in names if _plain_code(raw.get(name))}
        self._items.update(find_items(self.session, codes("item")))
        self._locations.update(find_locations(self.session, codes("from", "to")))

    def person(self, username: str) -> User | None:
        if username not in self._people:
            self._people[username] = self.session.scalar(select(User).where(User.username == username))
        return self._people[username]

    def item(self, code: str):
        if code not in self._items:
            self._items[code] = find_item(self.session, code)
        return self._items[code]

    def skus(self) -> dict[int, str]:
        """item id → SKU of every item found (for the movements' live events)."""
        return {scanned.item.id: scanned.item.sku for scanned in self._items.values() if scanned is not None}

    def remember_location(self, code: str, location) -> None:
        self._locations[code] = location

    def location(self, code: str):
        if code not in self._locations:
            self._locations[code] = find_location(self.session, code)
        return self._locations[code]


def _plain_code(value) -> bool:
    """Text a lookup may send to the database as it is (what is not, parse_floor_movement refuses)."""
    if not isinstance(value, str) or not 0 < len(value) <= 200 or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True
