"""Settings read from the database (an admin's value) with the app's config as the fallback, and their changes,
each recorded with who, when, the old and the new value."""
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import User
from webapp.db.setting_tables import Setting, SettingChange
from webapp.db.upsert import dialect_insert
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.settings import RULES, check_setting, merged


def current(session: Session, config: dict) -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in session.scalars(select(Setting))}
    return {key: stored[key] if key in stored else rule.default(config) for key, rule in RULES.items()}


def value(session: Session, key: str, config: dict) -> Any:
    row = session.get(Setting, key)
    return json.loads(row.value) if row is not None else RULES[key].default(config)


def change(session: Session, changes: dict[str, Any], user_id: int, config: dict) -> dict[str, Any]:
    """Apply the changes (each checked first: a bad one changes nothing); a value that stays the same is no change."""
    checked = {key: check_setting(key, new) for key, new in changes.items()}
    now = utcnow()
    for key in sorted(checked):  # one lock order for admins saving at once
        # The row first (racing first changes insert it once), then locked, so the recorded old value is exact.
        default = json.dumps(RULES[key].default(config))
        session.execute(dialect_insert(session, Setting.__table__)
                        .values(key=key, value=default, updated_by_id=None, updated_at=now).on_conflict_do_nothing())
        row = session.execute(select(Setting).where(Setting.key == key).with_for_update()).scalar_one()
        old = json.loads(row.value)
        new = check_setting(key, merged(key, old, checked[key]))
        if new == old:
            continue
        row.value, row.updated_by_id, row.updated_at = json.dumps(new), user_id, now
        session.add(SettingChange(key=key, old_value=json.dumps(old), new_value=json.dumps(new),
                                  changed_by_id=user_id, changed_at=now))
    session.flush()
    return current(session, config)


def history(session: Session, before: int, limit: int) -> dict:
    """Newest first; the cursor is the id below which the next page starts."""
    query = (select(SettingChange, User.username).outerjoin(User, User.id == SettingChange.changed_by_id)
             .order_by(SettingChange.id.desc()).limit(limit + 1))
    if before:
        query = query.where(SettingChange.id < before)
    rows = session.execute(query).all()
    page = rows[:limit]
    items = [{"id": c.id, "key": c.key, "old": json.loads(c.old_value) if c.old_value is not None else None,
              "new": json.loads(c.new_value), "changed_by": username, "changed_at": format_instant(c.changed_at)}
             for c, username in page]
    return {"items": items, "next_cursor": str(page[-1][0].id) if len(rows) > limit else None}
