// What a scanned code is: a badge (read for display, offline too), a booth poster, a contact
// card, or something else. Nothing here checks a signature: the server does, when it syncs.
// The badge token format is documented in netcompanion/badge/token.py. Tokens and typed codes
// follow the server's spelling rule (netcompanion/tokens.py): a token is read only when encoding
// its bytes again gives back its very text, so the phone remembers each badge under one name.

const BADGE = 0x11; // format 1, kind 1
const POSTER = 0x12; // format 1, kind 2
const ID_BYTES = 12;
const MAC_BYTES = 12;
const TOKEN = /^[A-Za-z0-9_-]{20,400}$/;
/** Badge codes never use 0/O, 1/I/L or U: they are read off a badge by eye. */
const CODE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{8}$/;
/** What people put between the groups of a code: the same set as the server's. */
const SEPARATORS =
  /[ \t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\-_.\u00b7\u2010-\u2015\u2212]+/g;

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function readVarint(bytes, at) {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (at.pos >= bytes.length) throw new Error("truncated");
    const byte = bytes[at.pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return value;
  }
  throw new Error("varint too long");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Read a badge or poster token; throws on anything malformed. */
export function readToken(token) {
  if (!TOKEN.test(token)) throw new Error("not a token");
  const bytes = fromBase64Url(token);
  if (toBase64Url(bytes) !== token) throw new Error("another spelling");
  if (bytes.length < 2 + 2 * ID_BYTES + 3 + MAC_BYTES) throw new Error("too short");
  const kind = bytes[0];
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  const at = { pos: 2 };
  const event = toBase64Url(body.subarray(at.pos, at.pos + ID_BYTES));
  const subject = toBase64Url(body.subarray(at.pos + ID_BYTES, at.pos + 2 * ID_BYTES));
  at.pos += 2 * ID_BYTES;
  const version = readVarint(body, at);
  const texts = [];
  for (let i = 0; i < 2; i++) {
    const length = readVarint(body, at);
    if (at.pos + length > body.length) throw new Error("truncated text");
    texts.push(utf8.decode(body.subarray(at.pos, at.pos + length)));
    at.pos += length;
  }
  if (at.pos !== body.length) throw new Error("trailing bytes");
  return { kind, event, subject, version, name: texts[0], detail: texts[1] };
}

function unescapeCard(value) {
  return value.replace(/\\([,;:\\])/g, "$1").replace(/\\n/gi, " ").trim();
}

/** The display name and company in a vCard or MECARD: for the screen only, never sent. */
export function readCard(text) {
  if (/^MECARD:/i.test(text)) {
    const fields = {};
    for (const part of text.slice(7).split(/(?<!\\);/)) {
      const colon = part.indexOf(":");
      if (colon > 0) fields[part.slice(0, colon).toUpperCase()] ??= part.slice(colon + 1);
    }
    const [family = "", given = ""] = (fields.N || "").split(/(?<!\\),/).map(unescapeCard);
    return { name: [given, family].filter(Boolean).join(" "), company: unescapeCard(fields.ORG || "") };
  }
  const lines = text.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const field = (key) => {
    const line = lines.find((l) => new RegExp(`^(item\\d+\\.)?${key}[;:]`, "i").test(l));
    return line ? line.slice(line.indexOf(":") + 1) : "";
  };
  let name = unescapeCard(field("FN"));
  if (!name) {
    const [family = "", given = "", middle = ""] = field("N").split(/(?<!\\);/).map(unescapeCard);
    name = [given, middle, family].filter(Boolean).join(" ");
  }
  return { name, company: unescapeCard(field("ORG").split(/(?<!\\);/)[0] || "") };
}

/**
 * Classify scanned text. Returns one of
 * {kind: "badge", token, event, attendee, name, company}, {kind: "other-event", ...badge},
 * {kind: "poster"}, {kind: "card", text, name, company}, {kind: "damaged"}, {kind: "unknown"}.
 */
export function classify(text, eventId) {
  const trimmed = text.trim();
  if (/^(BEGIN:VCARD|MECARD:)/i.test(trimmed)) {
    return { kind: "card", text: trimmed, ...readCard(trimmed) };
  }
  let url;
  try {
    url = new URL(trimmed);
  } catch {
    return { kind: "unknown" };
  }
  if (!["http:", "https:"].includes(url.protocol)) return { kind: "unknown" };
  const match = /^\/([bj])\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return { kind: "unknown" };
  if (match[1] === "j") return { kind: "poster" };
  let token, claims;
  try {
    token = decodeURIComponent(match[2]); // the path as the server reads it
    claims = readToken(token);
  } catch {
    return { kind: "damaged" };
  }
  if (claims.kind === POSTER) return { kind: "poster" };
  if (claims.kind !== BADGE) return { kind: "damaged" };
  const badge = {
    kind: "badge",
    token,
    event: claims.event,
    attendee: claims.subject,
    name: claims.name,
    company: claims.detail,
  };
  return claims.event === eventId ? badge : { ...badge, kind: "other-event" };
}

/** The badge code as printed, whatever case, spaces or dashes were typed; null if it cannot be one. */
export function normaliseBadgeCode(typed) {
  if (typed.length > 32) return null;
  const folded = typed.normalize("NFKC").replace(SEPARATORS, "");
  if (!/^[\x00-\x7f]*$/.test(folded)) return null;
  const code = folded.toUpperCase();
  return CODE.test(code) ? code : null;
}
