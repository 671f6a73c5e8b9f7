// What a receive task still expects, on the device: the server's numbers (from the task) plus the scans this
// device made that the server may not have yet (task.local). Receipts of an item fill its lines in line order,
// the last taking any excess — the server's own rule (webapp/domain/inbound.py fill_in_order).

export function fillInOrder(rooms, qty) {
  return rooms.map((room, n) => {
    const take = n === rooms.length - 1 ? qty : Math.min(Math.max(0, room), qty);
    qty -= take;
    return take;
  });
}

// → {lines: [{...line, open, over}], unexpected: Map(sku → {name, qty})}
export function progress(task) {
  const local = new Map();
  const names = new Map();
  for (const entry of task.local || []) {
    if (entry.kind !== "receive") continue;
    local.set(entry.item, (local.get(entry.item) || 0) + entry.qty);
    names.set(entry.item, entry.name);
  }
  const lines = (task.lines || []).map((line) => ({ ...line, here: 0, over: 0 }));
  const unexpected = new Map();
  for (const [sku, qty] of local) {
    const mine = lines.filter((line) => line.item === sku);
    if (!mine.length) {
      unexpected.set(sku, { name: names.get(sku) || sku, qty });
      continue;
    }
    fillInOrder(mine.map((line) => line.open), qty).forEach((take, i) => {
      mine[i].here += take;
      mine[i].over = Math.max(0, take - mine[i].open);
    });
  }
  for (const line of lines) line.left = Math.max(0, line.open - line.here);
  return { lines, unexpected };
}

// What an item still expects in all (its lines together): over-receipt is anything beyond it.
export function openFor(task, sku) {
  return progress(task).lines.filter((line) => line.item === sku).reduce((sum, line) => sum + line.left, 0);
}

export function onTask(task, sku) {
  return (task.lines || []).some((line) => line.item === sku);
}

// Base units this device received of an item on this task (what putaway from the dock may move).
export function receivedHere(task, sku) {
  return (task.local || []).filter((e) => e.kind === "receive" && e.item === sku).reduce((sum, e) => sum + e.qty, 0);
}
