// The recruiter's scanner: camera in, a capture sheet out, saved on the phone first and synced
// when the network allows. Sentences come from the page (#scanner-messages), never from here.
import { openCamera, decodeLoop } from "./camera.js";
import * as badgeCodes from "./badgecodes.js";
import { classify, normaliseBadgeCode } from "./codes.js";
import { emailLooksValid } from "./email.js";
import { correction, refusedItem } from "./refused.js";
import * as store from "./store.js";
import { Sync } from "./sync.js";

const REPEAT_MS = 2000; // the same code seen again within this is the same scan
const LOOKUP_TIMEOUT_MS = 1500;
const MESSAGE_MS = 4000;
const TOAST_MS = 1800;

const root = document.querySelector("[data-scanner]");
const config = JSON.parse(document.getElementById("scanner-config").textContent);
const text = JSON.parse(document.getElementById("scanner-messages").textContent);
const $ = (selector, scope = root) => scope.querySelector(selector);

const ui = {
  count: $("[data-sync-count]"),
  syncState: $("[data-sync-state]"),
  syncNow: $("[data-sync-now]"),
  expired: $("[data-session-expired]"),
  video: $("[data-video]"),
  cameraState: $("[data-camera-state]"),
  message: $("[data-scan-message]"),
  rejected: $("[data-rejected]"),
  rejectedList: $("[data-rejected-list]"),
  waiting: $("[data-waiting]"),
  waitingList: $("[data-waiting-list]"),
  sheet: $("[data-sheet]"),
  form: $("[data-capture-form]"),
  name: $("[data-sheet-name]"),
  company: $("[data-sheet-company]"),
  flag: $("[data-sheet-flag]"),
  existing: $("[data-existing]"),
  codeFields: $("[data-code-fields]"),
  codeInput: $("#scan-badge-code"),
  codeError: $("[data-code-error]"),
  codeCheck: $("[data-code-check]"),
  emailInput: $("#scan-email"),
  emailError: $("[data-email-error]"),
  contactFields: $("[data-contact-fields]"),
  nameInput: $("#scan-name"),
  nameError: $("[data-name-error]"),
  tags: $("[data-tags]"),
  freeTag: $("[data-free-tag]"),
  earlier: $("[data-earlier]"),
  earlierList: $("[data-earlier-list]"),
  save: $("[data-save]"),
  toast: $("[data-toast]"),
  followUp: $("[data-follow-up]"),
  followUpOn: $("[data-follow-up-on]"),
  followUpPick: $("[data-follow-up-pick]"),
  followUpName: $("[data-follow-up-name]"),
  followUpLists: $("[data-follow-up-lists]"),
};

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
const plural = new Intl.PluralRules(document.documentElement.lang || "en");
const timeFormat = (() => {
  const options = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang, { ...options, timeZone: config.event.timezone });
  } catch {
    return new Intl.DateTimeFormat(document.documentElement.lang, options);
  }
})();
const formatTime = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : timeFormat.format(date);
};

// Feedback ------------------------------------------------------------------------------------

let audio = null;
function unlockAudio() {
  // Browsers let a page make sound only after a tap; the first tap anywhere prepares it.
  if (audio || !("AudioContext" in window)) return;
  try {
    audio = new AudioContext();
  } catch {
    audio = null;
  }
}
document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });
document.addEventListener("keydown", unlockAudio, { once: true, capture: true });

function beep() {
  if (!audio) return;
  try {
    if (audio.state === "suspended") audio.resume();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 1800;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.09);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.1);
  } catch {
    // No sound is not worth an error: the screen and the vibration already said it.
  }
}

let messageTimer = null;
function showMessage(message) {
  ui.message.textContent = message;
  ui.message.hidden = false;
  clearTimeout(messageTimer);
  messageTimer = setTimeout(() => {
    ui.message.hidden = true;
  }, MESSAGE_MS);
}

let toastTimer = null;
function toast(message) {
  ui.toast.textContent = message;
  ui.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    ui.toast.hidden = true;
  }, TOAST_MS);
}

// Queue display -------------------------------------------------------------------------------

function labelOf(entry) {
  const { name, company, code } = entry.label || {};
  if (name) return company ? `${name} · ${company}` : name;
  if (code) return fill(text.badge_code, { code });
  return text.new_contact;
}

function listItem(entry, detail) {
  const li = document.createElement("li");
  li.className = "list-item";
  const main = document.createElement("div");
  main.className = "list-main";
  const strong = document.createElement("strong");
  strong.textContent = labelOf(entry);
  const small = document.createElement("span");
  small.className = "muted scan-detail";
  small.textContent = detail;
  main.append(strong, document.createElement("br"), small);
  li.append(main);
  return li;
}

/** The header: what waits, what needs the recruiter, or that everything is synced. */
function showCount(waitingCount, refusedCount, othersCount) {
  const count = (n, one, other) => fill(plural.select(n) === "one" ? one : other, { n });
  const parts = [];
  if (waitingCount || !refusedCount) parts.push(count(waitingCount, text.waiting_one, text.waiting_other));
  if (refusedCount) parts.push(count(refusedCount, text.attention_one, text.attention_other));
  const clear = waitingCount + refusedCount + othersCount === 0;
  ui.count.dataset.count = String(waitingCount);
  ui.count.dataset.attention = String(refusedCount);
  ui.count.textContent = clear ? text.synced : parts.join(" · ");
  ui.count.classList.toggle("scan-count-zero", waitingCount === 0);
  ui.count.classList.toggle("scan-count-attention", refusedCount > 0);
}

async function refreshQueue() {
  const entries = await store.queued();
  const me = config.user.id;
  const mine = entries.filter((e) => e.state === "waiting" && e.recruiter_id === me);
  const others = entries.filter((e) => e.state === "waiting" && e.recruiter_id !== me);
  const rejected = entries.filter((e) => e.state === "rejected" && e.recruiter_id === me);

  showCount(mine.length, rejected.length, others.length);

  ui.waitingList.replaceChildren(
    ...mine.map((e) => listItem(e, fill(text.queued_at, { time: formatTime(e.item.captured_at) }))),
    ...others.map((e) => listItem(e, fill(text.waiting_for, { name: e.recruiter_name }))),
  );
  ui.waiting.hidden = mine.length + others.length === 0;

  ui.rejectedList.replaceChildren(
    ...rejected.map((entry) =>
      refusedItem(entry, {
        listItem,
        config,
        text,
        onCorrect: openCorrection,
        onDismiss: async () => {
          await store.dismiss(entry.client_id);
          refreshQueue();
        },
      }),
    ),
  );
  ui.rejected.hidden = rejected.length === 0;
}

// Sync ----------------------------------------------------------------------------------------

const sync = new Sync(config, {
  onState({ phase }) {
    ui.syncState.textContent = { offline: text.offline, retrying: text.retrying, syncing: text.syncing }[phase] || "";
    root.dataset.syncPhase = phase;
  },
  onExpired(expired) {
    ui.expired.hidden = !expired;
  },
  onSettled() {
    refreshQueue();
  },
});

function syncSoon() {
  sync.run().catch(() => sync.retryLater());
}

ui.syncNow.addEventListener("click", () => {
  sync.reset();
  syncSoon();
});
window.addEventListener("online", () => {
  sync.reset();
  syncSoon();
});
window.addEventListener("offline", () => sync.hooks.onState({ phase: "offline" }));
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) syncSoon();
});
store.onQueueChange(() => refreshQueue());

// Follow-up -----------------------------------------------------------------------------------
//
// "Queue for follow-up" beside Save: the capture's contact joins the chosen list when it syncs.
// What was chosen at the last Save (the list, on or off) is remembered per event and recruiter on
// this phone, so the next person needs Save alone. A page kept from before follow-up lists
// existed has no such control: then none of this does anything.

const followUpKey = `netcompanion:follow-up:${config.event.id}:${config.user.id}`;
const followUpLists = new Map((config.lists || []).map((list) => [list.id, list.name]));

function followUpRadios() {
  return [...(ui.followUpLists?.querySelectorAll("input[type=radio]") || [])];
}

function rememberedFollowUp() {
  try {
    const saved = JSON.parse(localStorage.getItem(followUpKey) || "null");
    // A list archived since is no longer offered: start again from off.
    if (saved && followUpLists.has(saved.list)) return { list: saved.list, on: saved.on === true };
  } catch {
    // Storage blocked or unreadable: nothing remembered.
  }
  return null;
}

function rememberFollowUp(choice) {
  try {
    localStorage.setItem(followUpKey, JSON.stringify(choice));
  } catch {
    // Private mode or a full disk: the next sheet starts from off, the capture is saved anyway.
  }
}

function chooseList(listId) {
  const radio = followUpRadios().find((input) => input.value === listId) || followUpRadios()[0];
  if (!radio) return;
  radio.checked = true;
  ui.followUpName.textContent = radio.labels[0]?.textContent ?? "";
}

function showListChooser(open) {
  if (!ui.followUpLists) return;
  ui.followUpLists.hidden = !open;
  ui.followUpPick.setAttribute("aria-expanded", String(open));
}

/** Put the control back to the last Save's choice (after the form's reset). */
function resetFollowUp() {
  if (!ui.followUpOn) return;
  const remembered = rememberedFollowUp();
  chooseList(remembered?.list);
  ui.followUpOn.checked = Boolean(remembered?.on);
  showListChooser(false);
}

/** The list this capture is queued for, or null; and what to remember for the next one. */
function followUpChoice() {
  if (!ui.followUpOn) return { list: null, remember: null };
  const list = followUpRadios().find((input) => input.checked)?.value ?? null;
  const on = ui.followUpOn.checked && followUpLists.has(list);
  return { list: on ? list : null, remember: list ? { list, on } : null };
}

if (ui.followUpOn) {
  // A tap on a list picks it and closes the chooser; arrow keys move through the lists without
  // closing it, Enter closes it. Picking a list means queueing for it.
  let tapped = false;
  const pick = (listId, close) => {
    chooseList(listId);
    ui.followUpOn.checked = true;
    if (!close) return;
    showListChooser(false);
    ui.followUpPick.focus();
  };
  ui.followUpPick.addEventListener("click", () => showListChooser(ui.followUpLists.hidden));
  ui.followUpLists.addEventListener("pointerdown", () => {
    tapped = true;
  });
  ui.followUpLists.addEventListener("keydown", (event) => {
    tapped = false;
    if (event.key !== "Enter") return;
    event.preventDefault(); // not a Save
    pick(event.target.value, true);
  });
  ui.followUp.addEventListener("keydown", (event) => {
    // Escape closes the open chooser, not the whole sheet with what was typed in it.
    if (event.key !== "Escape" || ui.followUpLists.hidden) return;
    event.preventDefault();
    showListChooser(false);
    ui.followUpPick.focus();
  });
  ui.followUpLists.addEventListener("change", (event) => pick(event.target.value, tapped));
  ui.followUpLists.addEventListener("click", (event) => {
    // The list already chosen, tapped again: no change event, but still an answer.
    const input = event.target.closest?.("label")?.control;
    if (tapped && input?.checked) pick(input.value, true);
  });
}

// The capture sheet ---------------------------------------------------------------------------

/** What the open sheet is about: {mode, badge?, code?, card?, recentKey?, capturedAt}. */
let current = null;
let touched = false;
const lastRadio = {};

function resetSheet() {
  ui.form.reset();
  touched = false;
  for (const key of Object.keys(lastRadio)) delete lastRadio[key];
  for (const chip of ui.tags.querySelectorAll("[data-free]")) chip.remove();
  for (const el of [ui.flag, ui.existing, ui.earlier, ui.codeError, ui.nameError]) el.hidden = true;
  resetChecks();
  ui.earlierList.replaceChildren();
  ui.codeFields.hidden = true;
  ui.contactFields.hidden = true;
  ui.codeInput.removeAttribute("aria-invalid");
  ui.nameInput.removeAttribute("aria-invalid");
  ui.save.disabled = false;
  resetFollowUp();
}

function addFreeTag(value) {
  const tag = value.replace(/\s+/g, " ").trim();
  if (!tag) return null;
  const existing = [...ui.tags.querySelectorAll("input")].find((i) => i.value.toLowerCase() === tag.toLowerCase());
  if (existing) {
    existing.checked = true;
    return existing;
  }
  const id = `scan-tag-free-${ui.tags.querySelectorAll("[data-free]").length + 1}`;
  const input = document.createElement("input");
  Object.assign(input, { type: "checkbox", className: "chip-input", name: "tags", id, value: tag, checked: true });
  input.dataset.free = "";
  const label = document.createElement("label");
  label.className = "chip";
  label.htmlFor = id;
  label.dataset.free = "";
  label.textContent = tag;
  ui.tags.append(input, label);
  return input;
}

function setRadio(name, value) {
  for (const input of ui.form.querySelectorAll(`input[name="${CSS.escape(name)}"]`)) {
    input.checked = value != null && input.value === value;
  }
  lastRadio[name] = value ?? null;
}

/** Show what is known of the person already: rating, tags, availability, answers, notes. */
function prefill(known) {
  if (!touched) {
    if (known.rating !== undefined) setRadio("rating", known.rating);
    if (known.availability) setRadio("availability", known.availability);
    for (const tag of known.tags || []) addFreeTag(tag);
    for (const [questionId, answer] of Object.entries(known.answers || {})) {
      const holder = ui.form.querySelector(`[data-question="${CSS.escape(questionId)}"]`);
      if (!holder) continue;
      if (holder.dataset.kind === "text") holder.value = answer;
      for (const input of holder.querySelectorAll("input")) {
        input.checked = Array.isArray(answer) ? answer.includes(input.value) : input.value === answer;
        if (input.type === "radio" && input.checked) lastRadio[input.name] = input.value;
      }
    }
  }
  if (known.notes) showNotes(known.notes);
}

function showNotes(notes) {
  ui.earlierList.replaceChildren(
    ...notes.map((note) => {
      const li = document.createElement("li");
      li.className = "earlier-note";
      const meta = document.createElement("span");
      meta.className = "muted";
      const who = note.author?.name || text.unknown_author;
      meta.textContent = `${who} · ${formatTime(note.written_at)}${note.pending ? ` · ${text.not_synced_yet}` : ""}`;
      const body = document.createElement("p");
      body.textContent = note.body;
      li.append(meta, body);
      return li;
    }),
  );
  ui.earlier.hidden = notes.length === 0;
}

function markExisting() {
  ui.existing.textContent = text.existing;
  ui.existing.hidden = false;
}

function openSheet(state, { name, company }) {
  resetSheet();
  // One client id per sheet: whatever reaches the server twice from it is recorded once.
  current = { ...state, clientId: crypto.randomUUID(), capturedAt: new Date().toISOString() };
  ui.name.textContent = name;
  ui.company.textContent = company || "";
  ui.company.hidden = !company;
  scanning?.pause();
  if (!ui.sheet.open) ui.sheet.showModal();
  ui.name.focus(); // screen readers start with who it is; no keyboard pops up
  ui.sheet.scrollTop = 0;
  ui.form.querySelector(".sheet-body").scrollTop = 0;
}

function closeSheet() {
  current = null;
  if (ui.sheet.open) ui.sheet.close();
}

// A double tap on Save (or Close) saves once, but its second tap lands on whatever the closed
// sheet uncovered: a link to a contact, another button. That second tap of a double tap, in the
// moment after the sheet closed, goes nowhere. (A tap on its own, or Enter, is never held back.)
const DOUBLE_TAP_MS = 500;
let sheetClosedAt = -Infinity;
document.addEventListener(
  "click",
  (event) => {
    if (event.detail > 1 && performance.now() - sheetClosedAt < DOUBLE_TAP_MS) {
      event.preventDefault();
      event.stopPropagation();
    }
  },
  true,
);

ui.sheet.addEventListener("close", () => {
  current = null;
  sheetClosedAt = performance.now();
  ignoreRepeats(); // the badge that was just handled may still be in front of the camera
  scanning?.resume();
});

$("[data-close]").addEventListener("click", closeSheet);

ui.form.addEventListener("input", (event) => {
  // Choosing a follow-up list is not news about the person: what the server knows still shows.
  if (ui.followUp?.contains(event.target)) return;
  touched = true;
});
ui.form.addEventListener("click", (event) => {
  // A second tap on the chosen rating (or single choice) clears it.
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "radio" || !("toggleOff" in input.dataset)) return;
  if (lastRadio[input.name] === input.value) {
    input.checked = false;
    lastRadio[input.name] = null;
  } else {
    lastRadio[input.name] = input.value;
  }
  touched = true;
});

$("[data-add-tag]").addEventListener("click", () => {
  if (addFreeTag(ui.freeTag.value)) ui.freeTag.value = "";
  touched = true;
  ui.freeTag.focus();
});
ui.freeTag.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    if (addFreeTag(ui.freeTag.value)) ui.freeTag.value = "";
    touched = true;
  }
});

async function openBadge(badge) {
  navigator.vibrate?.(60);
  beep();
  performance.mark("scan:decoded");
  const recentKey = store.recentKey(config.organization.id, config.event.id, badge.attendee);
  openSheet({ mode: "badge", badge, recentKey }, badge);
  performance.mark("scan:sheet");
  const opened = current;

  const local = await store.recentGet(recentKey).catch(() => null);
  if (current !== opened) return;
  if (local) {
    markExisting();
    prefill(local);
  }
  if (navigator.onLine === false) return;
  const answer = await lookup(badge.token);
  if (current !== opened || !answer) return;
  if (answer.error) {
    ui.flag.textContent = answer.error.message;
    ui.flag.hidden = false;
    ui.save.disabled = true; // the server would refuse it: better said now than after syncing
    return;
  }
  const { attendee, capture } = answer;
  if (attendee?.badge_code) {
    badgeCodes.remember(config.organization.id, config.event.id, { code: attendee.badge_code, ...attendee }).catch(() => {});
  }
  if (attendee?.name) ui.name.textContent = attendee.name;
  if (attendee?.company) {
    ui.company.textContent = attendee.company;
    ui.company.hidden = false;
  }
  if (capture) {
    // Notes saved here but not yet on the server, unless the server has just received them.
    const same = (a, b) => a.body === b.body && Date.parse(a.written_at) === Date.parse(b.written_at);
    const pending = (local?.notes || []).filter(
      (note) => note.pending && !capture.notes.some((known) => same(known, note)),
    );
    const notes = [...capture.notes, ...pending];
    markExisting();
    prefill({ ...capture, notes });
    store
      .recentPut({
        ...(local || {}),
        key: recentKey,
        capture_id: capture.id,
        name: capture.name,
        company: capture.company,
        rating: capture.rating,
        availability: capture.availability,
        tags: capture.tags,
        answers: capture.answers,
        notes,
      })
      .catch(() => {});
  } else if (attendee?.availability && !touched && !local?.availability) {
    setRadio("availability", attendee.availability);
  }
}

async function lookup(token) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), LOOKUP_TIMEOUT_MS);
  try {
    const response = await fetch(config.urls.badge_lookup + encodeURIComponent(token), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: abort.signal,
    });
    const body = await response.json().catch(() => null);
    if (response.status === 401) {
      ui.expired.hidden = false;
      return null;
    }
    if (response.ok) return body;
    if ([404, 422].includes(response.status) && body?.error?.code && body.error.code !== "not_found") {
      return { error: body.error };
    }
    return null;
  } catch {
    return null; // slow or offline: the sheet works without it
  } finally {
    clearTimeout(timer);
  }
}

function openCode() {
  openSheet({ mode: "code" }, { name: text.type_code, company: text.name_after_sync });
  ui.codeFields.hidden = false;
  ui.codeInput.focus();
}

// Typed codes and emails, checked before Save ----------------------------------------------------

/** The latest check of the typed code: {typed, result: Promise of badgeCodes.check's answer}. */
let codeCheck = null;

function resetChecks() {
  codeCheck = null;
  ui.codeCheck.hidden = true;
  ui.codeCheck.textContent = "";
  delete ui.codeCheck.dataset.status;
  ui.emailError.hidden = true;
  ui.emailInput.removeAttribute("aria-invalid");
}

function showCodeCheck(found) {
  const shown = {
    found: () => fill(found.company ? text.code_found : text.code_found_name, found),
    unknown: () => text.code_unknown,
    malformed: () => text.code_invalid,
    unchecked: () => text.code_unchecked,
    checking: () => text.code_checking,
  }[found.status];
  ui.codeCheck.dataset.status = found.status;
  ui.codeCheck.textContent = shown ? shown() : "";
  ui.codeCheck.hidden = !shown;
  const wrong = found.status === "unknown" || found.status === "malformed";
  ui.codeCheck.classList.toggle("error", wrong);
  if (wrong) ui.codeInput.setAttribute("aria-invalid", "true");
  else ui.codeInput.removeAttribute("aria-invalid");
  if (found.status === "found") {
    ui.name.textContent = found.name;
    ui.company.textContent = found.company;
    ui.company.hidden = !found.company;
  } else {
    ui.name.textContent = text.type_code;
    ui.company.textContent = text.name_after_sync;
    ui.company.hidden = false;
  }
}

/** Check the code as typed; the answer shows only if the code is still what was typed. */
function checkTypedCode() {
  const typed = ui.codeInput.value;
  if (codeCheck?.typed === typed) return codeCheck.result;
  ui.codeError.hidden = true;
  const result = badgeCodes.check(typed, {
    organizationId: config.organization.id,
    eventId: config.event.id,
    url: config.urls.badge_code_lookup,
  });
  const check = { typed, result };
  codeCheck = check;
  showCodeCheck({ status: normaliseBadgeCode(typed) ? "checking" : "partial" });
  result.then((found) => {
    if (codeCheck === check && current) showCodeCheck(found);
  });
  return result;
}

ui.codeInput.addEventListener("input", () => checkTypedCode());

/** Say whether the typed email would be refused; on Save, take the recruiter back to it. */
function checkEmail({ focus = true } = {}) {
  const valid = emailLooksValid(ui.emailInput.value);
  ui.emailError.textContent = valid ? "" : text.email_invalid;
  ui.emailError.hidden = valid;
  if (valid) ui.emailInput.removeAttribute("aria-invalid");
  else ui.emailInput.setAttribute("aria-invalid", "true");
  if (!valid && focus) ui.emailInput.focus();
  return valid;
}

// Leaving the field with a typo says so at once, without pulling the focus back to it.
ui.emailInput.addEventListener("change", () => checkEmail({ focus: false }));

// Correcting a refused capture ---------------------------------------------------------------------

/** Open the sheet on a refused capture, with everything it holds, to correct and send again. */
function openCorrection(entry) {
  const how = correction(entry);
  const editing = { editing: entry };
  if (how.mode === "code") {
    openSheet({ mode: "code", ...editing }, { name: text.type_code, company: text.name_after_sync });
    ui.codeFields.hidden = false;
    ui.codeInput.value = how.code;
  } else if (how.mode === "walkin") {
    openSheet({ mode: "walkin", ...editing }, { name: how.contact.name || text.new_contact });
    ui.contactFields.hidden = false;
    for (const key of ["name", "email", "company", "title", "phone"]) {
      ui.form.elements[key].value = how.contact[key] || "";
    }
  } else {
    const recentKey = store.recentKey(config.organization.id, config.event.id, how.badge.attendee);
    openSheet({ mode: "badge", badge: how.badge, recentKey, ...editing }, how.badge);
  }
  const { item } = entry;
  prefill({ rating: item.rating, availability: item.availability, tags: item.tags, answers: item.answers });
  ui.form.elements.note.value = item.note || "";
  if (ui.followUpOn) {
    if (item.follow_up) chooseList(item.follow_up);
    ui.followUpOn.checked = Boolean(item.follow_up && followUpLists.has(item.follow_up));
  }
  ui.flag.textContent = entry.error?.message || text.rejected_default;
  ui.flag.hidden = false;
  if (how.mode === "code") {
    checkTypedCode();
    ui.codeInput.focus();
  } else if (how.mode === "walkin") {
    if (how.contact.email) checkEmail({ focus: false });
  }
}

/** A corrected capture keeps its client id (so it is recorded once), its time and its place. */
function keepIdentity(item, entry, editing) {
  item.client_id = editing.client_id;
  item.captured_at = editing.item.captured_at;
  entry.client_id = editing.client_id;
  entry.queued_at = editing.queued_at;
}

function openWalkIn() {
  openSheet({ mode: "walkin" }, { name: text.new_contact });
  ui.contactFields.hidden = false;
  ui.nameInput.focus();
}

function openCard(card) {
  navigator.vibrate?.(60);
  beep();
  openSheet({ mode: "card", card }, { name: card.name || text.contact_card, company: card.company });
}

$("[data-open-code]").addEventListener("click", openCode);
$("[data-open-walkin]").addEventListener("click", openWalkIn);

function invalid(input, errorEl, message) {
  errorEl.textContent = message;
  errorEl.hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

function collect() {
  const data = new FormData(ui.form);
  const answers = {};
  for (const holder of ui.form.querySelectorAll("[data-question]")) {
    const id = holder.dataset.question;
    if (holder.dataset.kind === "text") {
      if (holder.value.trim()) answers[id] = holder.value.trim();
    } else {
      const chosen = [...holder.querySelectorAll("input:checked")].map((i) => i.value);
      if (chosen.length) answers[id] = holder.dataset.kind === "single" ? chosen[0] : chosen;
    }
  }
  return {
    rating: data.get("rating") || null,
    availability: data.get("availability") || null,
    tags: data.getAll("tags"),
    answers,
    note: (data.get("note") || "").trim(),
  };
}

ui.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const state = current;
  if (!state || state.saving || ui.save.disabled) return;
  // Before any await, for every sheet: a second tap or Enter arriving while this Save waits
  // (a double click, a key bounce) must not become a second capture.
  state.saving = true;
  ui.save.disabled = true;
  const saved = await save(state).catch(() => false);
  if (saved || current !== state) return;
  // Not saved (a field to correct, storage failing): the sheet can be saved again, unless the
  // server's refusal is showing.
  state.saving = false;
  ui.save.disabled = !ui.flag.hidden;
});

/** Queue the open sheet's capture on the phone; true once it is there. */
async function save(state) {
  const fields = collect();
  const item = {
    client_id: state.clientId,
    event: config.event.id,
    captured_at: state.capturedAt,
    recruiter: config.user.id,
    ...fields,
  };
  const followUp = followUpChoice();
  if (followUp.list) item.follow_up = followUp.list;
  let label;
  if (state.mode === "badge") {
    item.badge = state.badge.token;
    label = { name: state.badge.name, company: state.badge.company };
  } else if (state.mode === "code") {
    const code = normaliseBadgeCode(ui.codeInput.value);
    if (!code) return invalid(ui.codeInput, ui.codeError, text.code_invalid);
    ui.save.disabled = true; // a second tap while the code is checked must not save twice
    const found = await checkTypedCode();
    ui.save.disabled = false;
    if (current !== state) return;
    if (found.status === "unknown") return ui.codeInput.focus(); // the check beside it says why
    item.badge_code = code;
    label = found.status === "found" ? { code, name: found.name, company: found.company } : { code };
  } else if (state.mode === "card") {
    item.vcard = state.card.text;
    label = { name: state.card.name, company: state.card.company };
  } else {
    const contact = {};
    for (const key of ["name", "email", "company", "title", "phone"]) {
      contact[key] = ui.form.elements[key].value.trim();
    }
    if (!contact.name) return invalid(ui.nameInput, ui.nameError, text.name_required);
    if (!checkEmail()) return;
    item.contact = contact;
    label = { name: contact.name, company: contact.company };
  }

  const entry = {
    client_id: item.client_id,
    item,
    state: "waiting",
    error: null,
    attempts: 0,
    queued_at: new Date().toISOString(),
    recruiter_id: config.user.id,
    recruiter_name: config.user.name,
    organization_id: config.organization.id,
    event_id: config.event.id,
    label,
  };
  if (state.editing) keepIdentity(item, entry, state.editing);
  let recent = null;
  if (state.mode === "badge") {
    const known = (await store.recentGet(state.recentKey).catch(() => null)) || {};
    const note = fields.note && {
      client_id: item.client_id,
      author: config.user,
      body: fields.note,
      written_at: item.captured_at,
      pending: true,
    };
    recent = {
      ...known,
      key: state.recentKey,
      name: state.badge.name,
      company: state.badge.company,
      rating: fields.rating ?? known.rating ?? null,
      availability: fields.availability ?? known.availability ?? null,
      tags: [...new Set([...(known.tags || []), ...fields.tags])],
      answers: { ...(known.answers || {}), ...fields.answers },
      notes: note ? [...(known.notes || []), note] : known.notes || [],
    };
  }
  await store.enqueue(entry, recent); // on the phone before we say so
  performance.mark("scan:saved");
  if (followUp.remember) rememberFollowUp(followUp.remember);
  closeSheet();
  toast(followUp.list ? fill(text.saved_follow_up, { list: followUpLists.get(followUp.list) }) : text.saved);
  refreshQueue();
  if (navigator.onLine !== false) syncSoon();
  return true;
}

// Scanning ------------------------------------------------------------------------------------

let scanning = null;
let lastCode = { text: "", until: 0 };

function ignoreRepeats() {
  lastCode.until = performance.now() + REPEAT_MS;
}

function onCodes(texts) {
  if (current) return;
  const now = performance.now();
  const fresh = texts.find((t) => t && !(t === lastCode.text && now < lastCode.until));
  if (!fresh) return;
  lastCode = { text: fresh, until: now + REPEAT_MS };
  root.dataset.handled = String(Number(root.dataset.handled || 0) + 1);
  const found = classify(fresh, config.event.id);
  switch (found.kind) {
    case "badge":
      openBadge(found);
      break;
    case "card":
      openCard(found);
      break;
    case "other-event":
      navigator.vibrate?.([40, 60, 40]);
      showMessage(`${text.other_event} (${found.name})`);
      break;
    case "poster":
      showMessage(text.poster);
      break;
    case "damaged":
      showMessage(text.damaged);
      break;
    default:
      showMessage(text.not_badge);
  }
}

async function startScanning() {
  let stream;
  try {
    stream = await openCamera(ui.video);
  } catch (error) {
    const reason = {
      NotAllowedError: text.camera_denied,
      SecurityError: text.camera_denied,
      NotFoundError: text.camera_missing,
      OverconstrainedError: text.camera_missing,
    }[error?.name];
    ui.cameraState.textContent = reason || text.camera_unavailable;
    root.dataset.camera = "unavailable";
    return;
  }
  let decoder;
  let grabFrame;
  try {
    const module = await import("./decoder.js");
    decoder = await module.createDecoder();
    grabFrame = module.grabFrame;
  } catch {
    ui.cameraState.textContent = text.scanner_unavailable;
    root.dataset.camera = "no-decoder";
    return;
  }
  ui.cameraState.textContent = text.camera_ready;
  root.dataset.camera = "on";
  root.dataset.decoder = decoder.name || "";
  scanning = decodeLoop(ui.video, decoder, onCodes, grabFrame);
  if (current) scanning.pause();
  stream.getVideoTracks()[0]?.addEventListener("ended", () => {
    scanning.stop();
    ui.cameraState.textContent = text.camera_unavailable;
    root.dataset.camera = "unavailable";
  });
}

// A badge opened with the phone's own camera app links here (#badge=<token>): capture it at once.
function openLinkedBadge() {
  const match = /^#badge=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) return;
  history.replaceState(null, "", location.pathname + location.search);
  onCodes([`${location.origin}/b/${match[1]}`]);
}

// Ask the browser not to evict the queue when the phone runs short of space. When it will not
// promise that, the recruiter hears it once on this phone, not at every reload.
const storageNoticeKey = "netcompanion:storage-notice";

async function keepStorage() {
  const storage = navigator.storage;
  if (!storage?.persist) return "unknown";
  if ((await storage.persisted()) || (await storage.persist())) return "persistent";
  try {
    if (localStorage.getItem(storageNoticeKey)) return "best-effort";
    localStorage.setItem(storageNoticeKey, new Date().toISOString());
  } catch {
    // Nowhere to remember it was said: better said at every visit than never.
  }
  $("[data-storage-notice]").hidden = false;
  return "best-effort";
}

$("[data-storage-notice-close]").addEventListener("click", () => {
  $("[data-storage-notice]").hidden = true;
});
keepStorage()
  .catch(() => "unknown")
  .then((kept) => {
    root.dataset.storage = kept;
  });
refreshQueue();
syncSoon();
openLinkedBadge();
startScanning();
root.dataset.ready = "true";
