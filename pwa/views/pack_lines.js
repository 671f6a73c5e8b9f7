// Per SKU on the order: what was ordered, picked, and packed (the server's count plus this device's
// scans it has not had yet). Two lines of one SKU pack as one.
export function packLines(order) {
  const lines = new Map();
  for (const line of order.lines || []) {
    const entry = lines.get(line.item) || { item: line.item, qty: 0, picked: 0, packed: 0, follow: 0 };
    entry.qty += line.qty - (line.to_follow || 0); // backordered after a short: packed later, listed on the slip
    entry.follow += line.to_follow || 0;
    entry.picked += line.picked || 0;
    entry.packed += line.packed || 0;
    lines.set(line.item, entry);
  }
  for (const local of order.local || []) {
    const entry = lines.get(local.item);
    if (entry) entry.packed += local.qty;
  }
  return [...lines.values()];
}

export function allPacked(order) {
  const lines = packLines(order);
  return lines.length > 0 && lines.every((line) => line.packed >= line.qty);
}
