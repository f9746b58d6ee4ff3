// The scanner's storage on the phone (IndexedDB "netcompanion"), written before any "Saved".
//
// queue   key client_id: one upload waiting for the server, or one it refused for good.
//         {client_id, item, state: "waiting"|"rejected", error, attempts, queued_at,
//          recruiter_id, recruiter_name, organization_id, event_id, label: {name, company, code}}
//         item is the upload as sent; item.follow_up (a list's public id) when the recruiter
//         queued the person for follow-up, so the choice syncs with the capture, offline too.
//         Deleted only once the server has confirmed it (created, merged or already synced).
// recent  key "<organization>|<event>|<attendee>": the people this device knows it captured
//         at an event (waiting or synced), so a second scan opens the capture instead of a blank
//         form, offline too. Keyed by company so a colleague's device login never sees them.
import { openDB } from "../vendor/idb/build/index.js";

const NAME = "netcompanion";
const VERSION = 1;
const CHANNEL = "netcompanion-queue";

let opening = null;

export function database() {
  opening ??= openDB(NAME, VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const queue = db.createObjectStore("queue", { keyPath: "client_id" });
        queue.createIndex("recruiter", "recruiter_id");
        db.createObjectStore("recent", { keyPath: "key" });
      }
    },
    blocking(currentVersion, blockedVersion) {
      // A newer page wants to upgrade the schema: step aside, reopen on next use.
      opening?.then((db) => db.close());
      opening = null;
      // No new version: the database is being deleted, and what it held with it.
      if (blockedVersion === null) lost();
    },
    terminated() {
      // The browser closed it, as when the site's data is cleared under an open page.
      opening = null;
      lost();
    },
  }).catch((error) => {
    opening = null; // a failed open is tried afresh next time, not remembered
    throw error;
  });
  return opening;
}

const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;
// A BroadcastChannel does not echo to its sender: this page's own news goes through here.
const here = new EventTarget();

/** Tell this page its queue changed under it, once a database (a fresh one) opens again. */
async function lost() {
  // An open while the browser is still deleting the old one fails: try again shortly.
  for (let wait = 100; wait <= 3200; wait *= 2) {
    try {
      await database();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  here.dispatchEvent(new Event("changed"));
}

/** Call ``listener`` when another tab changed the queue, or its storage was cleared. */
export function onQueueChange(listener) {
  channel?.addEventListener("message", listener);
  here.addEventListener("changed", listener);
}

function changed() {
  channel?.postMessage("changed");
}

export function recentKey(organizationId, eventId, attendeeId) {
  return `${organizationId}|${eventId}|${attendeeId}`;
}

/** Queue an upload and remember the person, in one transaction: both or neither. */
export async function enqueue(entry, recent) {
  const db = await database();
  const tx = db.transaction(["queue", "recent"], "readwrite");
  tx.objectStore("queue").put(entry);
  if (recent) tx.objectStore("recent").put(recent);
  await tx.done;
  changed();
}

export async function queued() {
  const db = await database();
  const entries = await db.getAll("queue");
  return entries.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}

export async function countWaiting(recruiterId) {
  const entries = await queued();
  return entries.filter((e) => e.state === "waiting" && (!recruiterId || e.recruiter_id === recruiterId))
    .length;
}

/** Apply the server's answers: confirmed ones leave the queue, refused ones stay, marked. */
export async function settle({ confirmed = [], rejected = [], recent = [] }) {
  const db = await database();
  const tx = db.transaction(["queue", "recent"], "readwrite");
  const queue = tx.objectStore("queue");
  for (const clientId of confirmed) queue.delete(clientId);
  for (const { client_id: clientId, error } of rejected) {
    const entry = await queue.get(clientId);
    if (entry) queue.put({ ...entry, state: "rejected", error });
  }
  const store = tx.objectStore("recent");
  const done = new Set(confirmed);
  for (const update of recent) {
    const current = (await store.get(update.key)) || {};
    // The server has these notes now: no longer "not synced yet".
    const notes = (current.notes || []).map((note) => (done.has(note.client_id) ? { ...note, pending: false } : note));
    store.put({ ...current, ...update, notes });
  }
  await tx.done;
  changed();
}

export async function countAttempt(clientIds) {
  const db = await database();
  const tx = db.transaction("queue", "readwrite");
  for (const id of clientIds) {
    const entry = await tx.store.get(id);
    if (entry) tx.store.put({ ...entry, attempts: (entry.attempts || 0) + 1 });
  }
  await tx.done;
}

export async function dismiss(clientId) {
  const db = await database();
  await db.delete("queue", clientId);
  changed();
}

export async function recentGet(key) {
  const db = await database();
  return db.get("recent", key);
}

export async function recentPut(record) {
  const db = await database();
  await db.put("recent", record);
}
