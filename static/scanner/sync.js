// Sends the queue to the server, exactly once per capture whatever the network does.
//
// A run: ask /api/v1/session (who is signed in, a fresh CSRF token), then post this recruiter's
// waiting captures in batches of 100. Each answer settles its item: created, merged or
// already_synced leave the queue; a permanent error marks it rejected, with the reason, for
// the recruiter to see. Network errors, 429 and 5xx retry later with backoff (2 s doubling to
// 60 s, with jitter); 401 stops and asks to sign in again. A refused batch as a whole (400, 422)
// is retried once with a fresh CSRF token, then item by item so one bad capture cannot hold
// back the others. Captures carry client ids and the server keeps receipts, so sending one
// twice (two tabs, a lost answer) records it once; a Web Lock still keeps tabs from racing.
import * as store from "./store.js";
import { withoutRefused } from "./text.js";

const BATCH = 100;
const FIRST_DELAY_MS = 2000;
const MAX_DELAY_MS = 60000;
const SESSION_TIMEOUT_MS = 10000;
const POST_TIMEOUT_MS = 30000;
const CONFIRMED = new Set(["created", "merged", "already_synced"]);

class Transient extends Error {}
class Unauthorised extends Error {}

async function request(url, options, timeout) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", ...(options.headers || {}) },
      ...options,
      signal: abort.signal,
    });
    let body = null;
    try {
      body = await response.json();
    } catch {
      // A proxy's error page or an empty answer: the status says enough.
    }
    return { status: response.status, body };
  } catch {
    throw new Transient("network");
  } finally {
    clearTimeout(timer);
  }
}

export class Sync {
  /**
   * @param config the scanner's config block
   * @param hooks {onState({phase, failures}), onExpired(boolean), onSettled(results)}
   */
  constructor(config, hooks) {
    this.config = config;
    this.hooks = hooks;
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.again = false;
  }

  /** Start a run now, or right after the current one. */
  async run() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    clearTimeout(this.timer);
    try {
      do {
        this.again = false;
        if (navigator.locks) {
          await navigator.locks.request("netcompanion-sync", () => this.once());
        } else {
          await this.once();
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  /** Forget the backoff: the network just came back. */
  reset() {
    this.failures = 0;
  }

  retryLater() {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.failures);
    this.failures += 1;
    clearTimeout(this.timer);
    // Jitter spreads a hall full of phones that lost the same Wi-Fi at the same moment.
    this.timer = setTimeout(() => this.run(), delay * (0.5 + Math.random() / 2));
    this.hooks.onState({ phase: "retrying", failures: this.failures });
  }

  async once() {
    const me = this.config.user.id;
    const waiting = (await store.queued()).filter((e) => e.state === "waiting" && e.recruiter_id === me);
    if (!waiting.length) {
      this.failures = 0;
      this.hooks.onState({ phase: "idle" });
      return;
    }
    if (navigator.onLine === false) {
      this.hooks.onState({ phase: "offline" }); // the "online" event starts the next run
      return;
    }
    this.hooks.onState({ phase: "syncing" });
    try {
      let csrf = await this.session();
      for (let start = 0; start < waiting.length; start += BATCH) {
        csrf = await this.send(waiting.slice(start, start + BATCH), csrf);
      }
      this.failures = 0;
      this.hooks.onState({ phase: "idle" });
    } catch (error) {
      if (error instanceof Unauthorised) {
        this.hooks.onExpired(true);
        this.hooks.onState({ phase: "expired" });
      } else if (error instanceof Transient) {
        this.retryLater();
      } else {
        throw error;
      }
    }
  }

  async session() {
    const { status, body } = await request(this.config.urls.session, { method: "GET" }, SESSION_TIMEOUT_MS);
    if (status === 401 || status === 403) throw new Unauthorised();
    if (status !== 200 || !body) throw new Transient(`session ${status}`);
    // Someone else signed in on this browser: their session must not send this recruiter's captures.
    if (body.user?.id !== this.config.user.id) throw new Unauthorised();
    this.hooks.onExpired(false);
    return body.csrf_token;
  }

  post(url, payload, csrf) {
    return request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(withoutRefused(payload)),
      },
      POST_TIMEOUT_MS,
    );
  }

  /** Send one batch; returns the CSRF token to use next. */
  async send(entries, csrf) {
    await store.countAttempt(entries.map((e) => e.client_id));
    const payload = { captures: entries.map((e) => e.item) };
    let answer = await this.post(this.config.urls.batch, payload, csrf);
    if (answer.status === 400) {
      // Most likely the CSRF token expired with the session's form lifetime: once more, fresh.
      csrf = await this.session();
      answer = await this.post(this.config.urls.batch, payload, csrf);
    }
    if (answer.status === 401) throw new Unauthorised();
    if (answer.status === 200 && Array.isArray(answer.body?.results)) {
      await this.settle(entries, answer.body.results);
    } else if ([400, 413, 422].includes(answer.status)) {
      await this.oneByOne(entries, csrf);
    } else {
      throw new Transient(`batch ${answer.status}`);
    }
    return csrf;
  }

  async oneByOne(entries, csrf) {
    for (const entry of entries) {
      const { status, body } = await this.post(this.config.urls.captures, entry.item, csrf);
      if (status === 401) throw new Unauthorised();
      if ((status === 200 || status === 201) && body) {
        await this.settle([entry], [{ client_id: entry.client_id, ...body }]);
      } else if (status === 422 || status === 400) {
        const error = body?.error || { code: "invalid", message: "" };
        await this.settle([entry], [{ client_id: entry.client_id, status: "error", error }]);
      } else {
        throw new Transient(`capture ${status}`);
      }
    }
  }

  async settle(entries, results) {
    const sent = new Map(entries.map((e) => [e.client_id, e]));
    const confirmed = [];
    const rejected = [];
    const recent = [];
    for (const result of results) {
      const entry = sent.get(result.client_id);
      if (!entry) continue;
      if (CONFIRMED.has(result.status)) {
        confirmed.push(entry.client_id);
        const capture = result.capture;
        if (capture?.attendee) {
          recent.push({
            key: store.recentKey(entry.organization_id, entry.event_id, capture.attendee),
            capture_id: capture.id,
            name: capture.name,
            company: capture.company,
            rating: capture.rating,
            availability: capture.availability,
            tags: capture.tags,
          });
        }
      } else if (result.status === "error") {
        rejected.push({ client_id: entry.client_id, error: result.error });
      }
      // An answer we do not know leaves the item waiting: it is sent again next time.
    }
    await store.settle({ confirmed, rejected, recent });
    this.hooks.onSettled({ confirmed, rejected });
  }
}
