// GS1 element strings (GS1-128, GS1 DataMatrix/QR, DataBar, HRI, bare GTINs) → scan fields.
// The server twin is webapp/domain/gs1.py; tests/gs1_vectors.json holds both to the same answers.

const GS = "\u001d"; // what scanners send for FNC1, the separator after a variable-length field
const GS1_SYMBOLOGIES = ["]C1", "]d2", "]Q3", "]e0"]; // GS1-128, GS1 DataMatrix, GS1 QR, DataBar
const GTIN_SYMBOLOGIES = ["]E0", "]E4"]; // EAN-13/UPC-A, EAN-8: a bare GTIN
const GTIN_LENGTHS = [8, 12, 13, 14];

// Every GS1 Application Identifier and its data field: N = digits, X = GS1 character set 82;
// "Nn" = exactly n characters; "N..n" = 1 to n and "Nm..n" = m to n characters, ended by GS unless
// it is the last field. Ranges are inclusive. Same table as biip's (the browser test checks that).
const AI_TABLE = `
N1     4321-4323 7252
N2     20 7241
N3     422 424 426
N4     3940-3943 8111
N6     11-13 15-17 3950-3955 4326 7006 8005
N6     3100-3105 3110-3115 3120-3125 3130-3135 3140-3145 3150-3155 3160-3165 3200-3205 3210-3215 3220-3225
N6     3230-3235 3240-3245 3250-3255 3260-3265 3270-3275 3280-3285 3290-3295 3300-3305 3310-3315 3320-3325
N6     3330-3335 3340-3345 3350-3355 3360-3365 3370-3375 3400-3405 3410-3415 3420-3425 3430-3435 3440-3445
N6     3450-3455 3460-3465 3470-3475 3480-3485 3490-3495 3500-3505 3510-3515 3520-3525 3530-3535 3540-3545
N6     3550-3555 3560-3565 3570-3575 3600-3605 3610-3615 3620-3625 3630-3635 3640-3645 3650-3655 3660-3665
N6     3670-3675 3680-3685 3690-3695
N8     7250
N10    4324-4325 7003
N12    7251
N13    410-417 7001
N14    01-03 8001
N15    8040-8041
N17    402
N18    00 8006 8017-8018 8026
N20    4309
N32    8042
N..4   7004
N..6   242
N..8   30 37
N..10  8019
N6..10 7011
N..12  8011
N6..12 7007
N8..12 8008
N..15  3900-3909 3920-3929
N4..15 423 425
N4..18 3910-3919 3930-3939
N18..20 8043
N13..25 255
X2     4307 4317
X3     7258
X4     7040
X..2   7010
X..3   427 7008
X..4   7041
X6..7  4330-4333
X..10  7009 7255
X..12  7005
X4..12 421
X..20  10 21-22 243 254 420 4318 7020-7022 710-717 7240 8002 8012
X..25  7242 8013-8014 8020
X..28  235
X..30  240-241 250-251 400-401 403 4308 4319 7002 7023 8004 8010 90
X3..30 7230-7239
X4..30 7030-7039
X13..30 253
X14..30 8003
X..34  8007
X..35  4300-4301 4310-4311 4320
X..40  7253-7254 7259
X..50  8009
X..70  4302-4306 4312-4316 7257 8110 8112 8200
X..90  7256 8030 91-99
`;

const AIS = new Map(); // "17" → {numeric: true, fixed: 6, min: 6, max: 6}
for (const line of AI_TABLE.trim().split("\n")) {
  const [format, ...tokens] = line.trim().split(/\s+/);
  const [, kind, min, max] = /^([NX])(?:(\d*)\.\.)?(\d+)$/.exec(format);
  const fixed = min === undefined ? Number(max) : null;
  const spec = { numeric: kind === "N", fixed, min: fixed ?? Number(min || 1), max: Number(max) };
  for (const token of tokens) {
    const [from, to = from] = token.split("-");
    for (let ai = Number(from); ai <= Number(to); ai++) AIS.set(String(ai).padStart(from.length, "0"), spec);
  }
}

const CHECK_DIGIT_AIS = new Set(["00", "01", "02", "03"]);
const DATE_AIS = new Set(["11", "12", "13", "15", "16", "17"]); // YYMMDD
const COUNT_AIS = new Set(["30", "37"]);
const FIELDS = {
  "00": "sscc", "01": "gtin", "02": "content_gtin", "10": "lot", "21": "serial",
  "11": "production_date", "15": "best_before", "17": "expiry", "30": "count", "37": "trade_item_count",
};

class Gs1Error extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const malformed = (message) => new Gs1Error("malformed", message);

/** The format of an AI's data field, or null when the AI does not exist. */
export function aiSpec(ai) {
  return AIS.get(ai) ?? null;
}

/**
 * Parse a scanned GS1 barcode. `now` (a Date or "YYYY-MM-DD") fixes the century of two-digit years.
 * Returns {ok: true, data} or {ok: false, error: {code, message}}; never throws for bad input.
 */
export function parseGs1(input, { now = new Date() } = {}) {
  const year = typeof now === "string" ? Number(now.slice(0, 4)) : now.getFullYear();
  const text = String(input).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ""); // wedge scanners end with Enter
  try {
    return { ok: true, data: parse(text, year) };
  } catch (error) {
    if (!(error instanceof Gs1Error)) throw error;
    return { ok: false, error: { code: error.code, message: error.message } };
  }
}

function parse(text, year) {
  let body = text;
  let symbology = null;
  if (body.startsWith("]")) {
    symbology = body.slice(0, 3);
    body = body.slice(3);
    if (GTIN_SYMBOLOGIES.includes(symbology)) return bareGtin(body);
    if (!GS1_SYMBOLOGIES.includes(symbology)) throw malformed(`${symbology} is not a GS1 symbology`);
  }
  if (!body) throw malformed("no data");
  // Without a symbology identifier, 8/12/13/14 digits are an EAN/UPC/ITF-14 GTIN, not element strings.
  if (!symbology && /^\d+$/.test(body) && GTIN_LENGTHS.includes(body.length)) return bareGtin(body);
  const elements = body.startsWith("(") ? splitHri(body) : splitRaw(body);
  if (!elements.length) throw malformed("no element strings");
  return interpret(elements, year);
}

function bareGtin(digits) {
  if (!/^\d+$/.test(digits) || !GTIN_LENGTHS.includes(digits.length)) throw malformed("not a GTIN");
  if (!hasValidCheckDigit(digits)) {
    throw new Gs1Error("invalid_check_digit", `GTIN ${digits} has a wrong check digit`);
  }
  return { gtin: digits.padStart(14, "0") };
}

// "(01)05012345678900(10)L2311": the AIs are given, so each value must fit its AI exactly.
function splitHri(body) {
  const hri = body.replace(/[ \t\r\n]+/g, ""); // printed HRI is often spaced; set 82 has no spaces
  const elements = [];
  let matched = "";
  for (const [whole, ai, value] of hri.matchAll(/\((\d+)\)([^(]*)/g)) {
    const spec = AIS.get(ai);
    if (!spec) throw new Gs1Error("unknown_ai", `unknown AI (${ai})`);
    checkValue(ai, spec, value);
    elements.push([ai, value]);
    matched += whole;
  }
  if (matched !== hri) throw malformed("not a sequence of (AI)value");
  return elements;
}

// Element strings as scanned: predefined-length fields run on, variable ones end at GS or the end.
function splitRaw(body) {
  const elements = [];
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === GS) { pos += 1; continue; } // also a leading FNC1 sent as GS
    if (!/^\d\d/.test(body.slice(pos, pos + 2))) throw malformed(`expected an AI at position ${pos}`);
    const ai = [2, 3, 4].map((n) => body.slice(pos, pos + n)).find((candidate) => AIS.has(candidate));
    if (!ai) throw new Gs1Error("unknown_ai", `unknown AI at position ${pos}: ${body.slice(pos, pos + 4)}`);
    const spec = AIS.get(ai);
    const start = pos + ai.length;
    let end = spec.fixed !== null ? start + spec.fixed : body.indexOf(GS, start);
    if (end === -1) end = body.length;
    checkValue(ai, spec, body.slice(start, end));
    elements.push([ai, body.slice(start, end)]);
    pos = end;
  }
  return elements;
}

// Length and characters only: the inner structure of composite fields (8008's hour, 421's country
// code) is left to the server, whose biip checks it; the common AIs behave identically on both.
function checkValue(ai, spec, value) {
  const fits = value.length >= spec.min && value.length <= spec.max;
  const chars = spec.numeric ? /^\d*$/ : /^[!"%-?A-Z_a-z]*$/; // GS1 character set 82
  if (!fits || !chars.test(value)) throw malformed(`AI (${ai}) does not fit its format: "${value}"`);
}

function interpret(elements, year) {
  const data = {};
  const ais = {};
  for (const [ai, value] of elements) {
    if (ai in ais && ais[ai] !== value) throw malformed(`AI (${ai}) appears twice with different values`);
    ais[ai] = value;
    if (CHECK_DIGIT_AIS.has(ai) && !hasValidCheckDigit(value)) {
      throw new Gs1Error("invalid_check_digit", `AI (${ai}) ${value} has a wrong check digit`);
    }
    let parsed = value;
    if (DATE_AIS.has(ai)) parsed = isoDate(ai, value, year);
    if (COUNT_AIS.has(ai)) parsed = Number(value);
    if (FIELDS[ai]) data[FIELDS[ai]] = parsed;
  }
  data.ais = ais;
  return data;
}

// GS1 General Specifications 7.12: a two-digit year lies within -49..+50 years of the current year;
// day 00 means the last day of the month.
function isoDate(ai, yymmdd, currentYear) {
  const [yy, mm, dd] = [0, 2, 4].map((i) => Number(yymmdd.slice(i, i + 2)));
  const century = currentYear - (currentYear % 100);
  const difference = yy - (currentYear % 100);
  const year = yy + (difference >= 51 ? century - 100 : difference <= -50 ? century + 100 : century);
  const lastDay = mm >= 1 && mm <= 12 ? new Date(Date.UTC(year, mm, 0)).getUTCDate() : 0;
  if (!lastDay || dd > lastDay) throw new Gs1Error("invalid_date", `AI (${ai}) ${yymmdd} is not a date`);
  const pad = (n) => String(n).padStart(2, "0");
  return `${year}-${pad(mm)}-${pad(dd || lastDay)}`;
}

function hasValidCheckDigit(digits) {
  let total = 0;
  // Weights 3, 1, 3, ... from the digit left of the check digit.
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    total += Number(digits[i]) * weight;
  }
  return (10 - (total % 10)) % 10 === Number(digits[digits.length - 1]);
}
