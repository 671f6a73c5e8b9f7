"""The devices list an admin or supervisor reads: status, last sync, last device sequence, who last signed in,
and how many scans still waited on the device after its last sync."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import Device, DeviceSignin, User
from webapp.domain.clock import format_instant, utcnow


def device_json(device: Device, last_signin: tuple[str, object] | None = None) -> dict:
    return {"id": device.id, "name": device.name, "status": device.status,
            "first_seen_at": format_instant(device.first_seen_at),
            # a device's row is written by its syncs (and by sign-ins on it, which register it)
            "last_seen_at": format_instant(device.last_seen_at),
            "last_device_seq": device.last_device_seq,
            # as the device said at its last sync: a hint (the device may have scanned more since)
            "queued_scans": device.queued_scans,
            "queued_reported_at": format_instant(device.queued_reported_at),
            "last_signin": {"username": last_signin[0], "at": format_instant(last_signin[1])} if last_signin else None}


def list_devices(session: Session, offset: int, limit: int) -> dict:
    """Most recently seen first; the cursor is how many devices earlier pages held."""
    devices = session.scalars(select(Device).order_by(Device.last_seen_at.desc(), Device.id)
                              .offset(offset).limit(limit + 1)).all()
    page = devices[:limit]
    signins = last_signins(session, [d.id for d in page])
    return {"items": [device_json(d, signins.get(d.id)) for d in page],
            "next_cursor": str(offset + limit) if len(devices) > limit else None}


def last_signins(session: Session, device_ids: list[str]) -> dict[str, tuple[str, object]]:
    """device id → (who signed in on it last, when)."""
    latest: dict[str, tuple[str, object]] = {}
    if device_ids:
        rows = session.execute(select(DeviceSignin.device_id, User.username, DeviceSignin.last_at)
                               .join(User, User.id == DeviceSignin.user_id)
                               .where(DeviceSignin.device_id.in_(device_ids))
                               .order_by(DeviceSignin.last_at)).all()
        for device_id, username, at in rows:  # ascending: the latest sign-in per device wins
            latest[device_id] = (username, at)
    return latest


def note_queue(session: Session, device_id: str, queued: int, answered: int) -> None:
    """After a sync (the device row already locked by it): what still waits on the device is what it held
    when sending, less this batch, which has every movement answered (applied, duplicate or rejected)."""
    device = session.get(Device, device_id)
    device.queued_scans = max(0, queued - answered)
    device.queued_reported_at = utcnow()
