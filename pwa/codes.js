// Codes a person reads off a label (WH1-D-09-01, TOTE-01, SO-1001, an 18-digit SSCC) are never broken
// over two lines: "WH1-D-09-/01" reads as another bin. Text is split into plain runs and nowrap spans.
export const CODE = /\b(?=[A-Z0-9-]*[0-9])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[0-9]{8,}\b/g;

// "Go to WH1-D-09-01 and scan it" → ["Go to ", <span class="code">WH1-D-09-01</span>, " and scan it"]
export function withCodes(text) {
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(CODE)) {
    if (match.index > at) parts.push(text.slice(at, match.index));
    const span = document.createElement("span");
    span.className = "code";
    span.textContent = match[0];
    parts.push(span);
    at = match.index + match[0].length;
  }
  if (at === 0) return [text];
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
