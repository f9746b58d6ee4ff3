// An email typed on "Add by hand", checked on the phone before Save with the server's rules
// (python email_validator without a deliverability check) as far as a pattern can follow them:
// a typo found now is fixed in front of the person, not after sync has refused the capture.

/** Names the server refuses after the @: special-use and reserved (RFC 6761 and others). */
const SPECIAL_USE = new Set(["arpa", "invalid", "local", "localhost", "onion", "test"]);
// Before the @: ASCII atext, or any other character but spaces, controls and invisible ones.
const LOCAL = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]|[^\x00-\x7F\p{Cc}\p{Cf}\p{Z}\p{Cs}\p{Co}\p{Cn}])+$/u;
const LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;

/** True when the server would accept the address; an empty one is fine (it is optional). */
export function emailLooksValid(typed) {
  const email = typed.trim();
  if (!email) return true;
  if (email.length > 254) return false;
  const at = email.lastIndexOf("@");
  if (at <= 0) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (!LOCAL.test(local)) return false;
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  const labels = domain.split(".");
  if (labels.length < 2 || domain.length > 253) return false;
  if (!labels.every((label) => label.length <= 63 && LABEL.test(label))) return false;
  const top = labels[labels.length - 1];
  if (/^\d+$/.test(top)) return false; // an IP address or a typo, never a top-level domain
  return !SPECIAL_USE.has(top);
}
