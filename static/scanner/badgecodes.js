// A typed badge code, checked while typing: who is it printed for? Online the server answers
// (name and company only, 404 for an unknown code); offline the phone answers from the badges it
// scanned or looked up before, and otherwise can only say the code is well formed.
//
// Codes known on this phone live in the "recent" store under "code|<organization>|<event>|<code>",
// beside the people it captured: the same company-scoped storage, no schema change.
import { normaliseBadgeCode } from "./codes.js";
import * as store from "./store.js";

// Longer than a scan's lookup: hall Wi-Fi is slow, and a verdict before Save is worth the wait.
const LOOKUP_TIMEOUT_MS = 4000;

function codeKey(organizationId, eventId, code) {
  return `code|${organizationId}|${eventId}|${code}`;
}

/** Remember who a code is printed for, e.g. after a scan or a lookup. */
export async function remember(organizationId, eventId, { code, name, company }) {
  const normal = normaliseBadgeCode(code || "");
  if (!normal || !name) return;
  const db = await store.database();
  await db.put("recent", { key: codeKey(organizationId, eventId, normal), code: normal, name, company: company || "" });
}

async function known(organizationId, eventId, code) {
  const db = await store.database();
  return db.get("recent", codeKey(organizationId, eventId, code));
}

async function ask(url, code) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), LOOKUP_TIMEOUT_MS);
  try {
    const response = await fetch(url + encodeURIComponent(code), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: abort.signal,
    });
    if (response.status === 404) return { status: "unknown" };
    if (!response.ok) return null; // signed out, rate-limited, a proxy's page: no verdict
    const body = await response.json();
    return body?.badge?.name ? { status: "found", name: body.badge.name, company: body.badge.company || "" } : null;
  } catch {
    return null; // slow or offline
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What is known of a typed code: {status: "empty"|"partial"|"malformed"} as typed;
 * {status: "found", code, name, company}; {status: "unknown", code}: the server knows no such
 * badge; {status: "unchecked", code}: well formed, but nobody could say whose it is right now.
 */
export async function check(typed, { organizationId, eventId, url }) {
  const compact = typed.toUpperCase().replace(/[\s\-_.]+/g, "");
  if (!compact) return { status: "empty" };
  const code = normaliseBadgeCode(compact);
  if (!code) {
    const possible = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{1,7}$/.test(compact);
    return { status: possible ? "partial" : "malformed" };
  }
  const local = await known(organizationId, eventId, code).catch(() => null);
  if (local) return { status: "found", code, name: local.name, company: local.company };
  if (navigator.onLine === false) return { status: "unchecked", code };
  const answer = await ask(url, code);
  if (!answer) return { status: "unchecked", code };
  if (answer.status === "found") {
    await remember(organizationId, eventId, { code, ...answer }).catch(() => {});
  }
  return { ...answer, code };
}
