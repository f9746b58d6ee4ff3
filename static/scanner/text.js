// The server refuses text holding characters no person types (NUL and the other C0 controls
// but tab and line breaks, DEL, lone surrogates: see netcompanion/text_input.py). A phone only
// gets them from a paste, where they are invisible, so the recruiter could not correct them:
// they are removed before a capture is sent, and everything visible is kept.
const REFUSED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** ``value`` (a string, or JSON of them) without the characters the server refuses. */
export function withoutRefused(value) {
  if (typeof value === "string") return value.replace(REFUSED, "");
  if (Array.isArray(value)) return value.map(withoutRefused);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutRefused(k), withoutRefused(v)]));
  }
  return value;
}
