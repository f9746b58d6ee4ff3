// Captures the server refused for good: shown with everything that was typed, to be corrected
// and sent again (the same client id, so it is still recorded once), or dismissed after asking.
// Nothing here drops a capture on its own.
import { readCard, readToken } from "./codes.js";

/** Errors about the badge itself: the recruiter corrects it to the code printed under the QR. */
const BADGE_FAULTS = new Set(["invalid_token", "revoked", "wrong_event"]);

function line(className, content) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = content;
  return p;
}

/** "Label: value" lines for what the capture holds, in the sheet's order. */
export function describe(item, config, text) {
  const lines = [];
  const label = (key, value) => value && lines.push(`${text[key]}: ${value}`);
  if (item.badge_code) label("field_code", item.badge_code.replace(/^(.{4})(.{4})$/, "$1-$2"));
  if (item.contact) {
    for (const key of ["email", "company", "title", "phone"]) label(`field_${key}`, item.contact[key]);
  }
  const rating = (config.ratings || []).find((r) => r.value === item.rating);
  label("field_rating", rating?.label);
  label("field_tags", (item.tags || []).join(", "));
  const availability = (config.availability || []).find((a) => a.value === item.availability);
  label("field_availability", availability?.label);
  for (const [id, answer] of Object.entries(item.answers || {})) {
    const prompt = (config.questions || []).find((q) => q.id === id)?.prompt;
    if (prompt) lines.push(`${prompt} ${Array.isArray(answer) ? answer.join(", ") : answer}`);
  }
  return lines;
}

/** The refused entry's list item: the reason, what was typed, the note, Correct and Dismiss. */
export function refusedItem(entry, { listItem, config, text, onCorrect, onDismiss }) {
  const li = listItem(entry, entry.error?.message || text.rejected_default);
  const fields = Object.values(entry.error?.fields || {});
  if (fields.length) li.querySelector(".scan-detail").textContent += ` ${fields.join(" ")}`;
  const main = li.querySelector(".list-main");
  li.dataset.clientId = entry.client_id;
  for (const shown of describe(entry.item, config, text)) main.append(line("scan-typed", shown));
  if (entry.item.note) main.append(line("scan-note", entry.item.note)); // what would be lost

  const correct = document.createElement("button");
  correct.type = "button";
  correct.className = "button button-primary button-small";
  correct.textContent = text.correct;
  correct.addEventListener("click", () => onCorrect(entry));
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "button button-danger button-small";
  dismiss.textContent = text.dismiss;
  dismiss.addEventListener("click", () => {
    if (window.confirm(text.dismiss_confirm)) onDismiss(entry);
  });
  const actions = document.createElement("div");
  actions.className = "list-actions";
  actions.append(correct, dismiss);
  li.append(actions);
  return li;
}

function vcardContact(card) {
  const lines = card.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const field = (key) => {
    const found = lines.find((l) => new RegExp(`^(item\\d+\\.)?${key}[;:]`, "i").test(l));
    return found ? found.slice(found.indexOf(":") + 1).trim() : "";
  };
  const { name, company } = readCard(card);
  return { name, company, email: field("EMAIL"), phone: field("TEL"), title: field("TITLE") };
}

/**
 * How to open a refused capture for correcting: {mode: "code", code} for a typed code or a
 * badge that cannot be used (replaced, damaged, of another event); {mode: "walkin", contact}
 * for details typed by hand or read from a card; {mode: "badge", token} for a sound badge
 * refused for another reason (an answer to a question removed since, say).
 */
export function correction(entry) {
  const { item } = entry;
  if (item.badge_code) return { mode: "code", code: item.badge_code };
  if (item.contact) return { mode: "walkin", contact: item.contact };
  if (item.vcard) return { mode: "walkin", contact: vcardContact(item.vcard) };
  if (BADGE_FAULTS.has(entry.error?.code)) return { mode: "code", code: "" };
  const token = item.badge.replace(/\/+$/, "").split("/").pop();
  try {
    const claims = readToken(token);
    return { mode: "badge", badge: { token: item.badge, attendee: claims.subject, name: claims.name, company: claims.detail } };
  } catch {
    return { mode: "code", code: "" }; // a damaged token: only the printed code can help
  }
}
