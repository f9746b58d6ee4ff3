// The recruiter's app on the phone: keeps the scanner and its files, so scanning works in a hall
// whose Wi-Fi has given up. Served as /sw.js (scope /) by netcompanion/pwa.py, which fills in
// VERSION (a hash of the precached files) and PRECACHE (their URLs).
//
// - Static files: precached at install, then stale-while-revalidate.
// - Scanner pages (/events/<id>/scan): network first with a 3 s timeout, else the copy kept
//   from the last visit; /scan (the installed app's start page) falls back to the latest one.
// - Other pages: network, else the /offline page.
// - /api/ and anything but GET: never touched, never cached.
// A scanner opened before this worker ran is kept when the page asks ("keep-page", from
// static/pwa/register.js); signing out deletes the kept pages, as they carry the member's name.
// A new deploy takes over at the next navigation: the open page checks for it in the background
// (static/pwa/register.js), its worker installs and waits, and the next navigation hands over:
// the new worker, once active, loads that page again, so it arrives whole from the new version.
// Until then an open page keeps the files it started with; a navigation never waits on the
// network for this.
// The attendee badge pages under /me/ have their own worker; the narrower scope wins there.
"use strict";

const VERSION = "__NETCOMPANION_VERSION__";
const PRECACHE = ["__NETCOMPANION_PRECACHE__"];
const PREFIX = "netcompanion-app-";
const STATIC_CACHE = `${PREFIX}static-${VERSION}`;
// Pages outlive a new version of the files: a scanner saved yesterday must still open today.
const PAGES_CACHE = `${PREFIX}pages-v1`;
const OFFLINE_URL = "/offline";
const LATEST_SCANNER = "/scan";
const SCANNER_PATH = /^\/events\/[^/]+\/scan$/;
const NETWORK_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
      // The offline page is fetched without cookies: it must not keep anyone's name or token.
      const offline = await fetch(new Request(OFFLINE_URL, { credentials: "omit", cache: "reload" }));
      if (offline.ok) await cache.put(OFFLINE_URL, offline);
      // The first worker starts at once; a later one waits for the next navigation (below).
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = [STATIC_CACHE, PAGES_CACHE];
      for (const name of await caches.keys()) {
        // Other workers' caches (the badge page's) share the origin: leave them alone.
        if (name.startsWith(PREFIX) && !keep.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })().then(loadHandOverPage),
  );
});

/** The page the last worker answered with an empty page when it handed over to this one. */
let handOverPage = null;

/**
 * Load the hand-over page again, now through this worker. Not awaited by the activation: the
 * navigation's own request waits for this worker to be active.
 */
function loadHandOverPage() {
  if (!handOverPage) return;
  const id = handOverPage;
  handOverPage = null;
  self.clients
    .get(id)
    .then((client) => client?.navigate(client.url))
    .catch(() => {}); // the page was closed meanwhile, or went elsewhere: nothing to load
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    if (SCANNER_PATH.test(url.pathname)) {
      event.respondWith(handOverOr(event, () => scannerPage(event, url)));
    } else if (url.pathname === LATEST_SCANNER) {
      event.respondWith(handOverOr(event, () => startPage(request)));
    } else if (!url.pathname.startsWith("/me/")) {
      event.respondWith(handOverOr(event, () => page(request)));
    }
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(event, request));
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether this worker has handed over to the next one: it does so once, and never loops. */
let handedOver = false;

/**
 * Answer a navigation with ``answer()``, unless a new deploy's worker is installed and waiting.
 *
 * Then this worker hands over: it answers with an empty page and tells the new worker which page
 * that is; the new one activates once this worker is idle (a worker is not replaced mid-event)
 * and loads the page again, through itself. Only when this navigation is the sole open page:
 * activating swaps the worker under every page, and another tab's running code must not start
 * fetching the new version's files. The empty page asks again by itself after a while, in case
 * the new worker never takes over; this worker then answers it as usual.
 */
async function handOverOr(event, answer) {
  const next = self.registration.waiting;
  if (handedOver || next?.state !== "installed" || !event.resultingClientId) return answer();
  const pages = await self.clients.matchAll({ type: "window" });
  if (pages.length > 1) return answer();
  handedOver = true;
  next.postMessage({ type: "skip-waiting", page: event.resultingClientId });
  // Nothing in it to fetch: any request to this worker would hold the new one back.
  const body = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">';
  return new Response(body, {
    headers: { "Content-Type": "text/html; charset=utf-8", Refresh: "3", "Cache-Control": "no-store" },
  });
}

async function offlinePage() {
  return (await caches.match(OFFLINE_URL)) || Response.error();
}

async function scannerPage(event, url) {
  const key = url.origin + url.pathname; // one copy per event, whatever the query string
  const network = fetch(event.request);
  // Keep the fresh copy even when it arrives after the timeout answered with the old one.
  event.waitUntil(
    network
      .then(async (response) => {
        // A redirect to the sign-in page or an error page is not the scanner: do not keep it.
        if (!response.ok || response.redirected) return;
        // Both copies are taken now, before the page starts reading the body.
        const [copy, latest] = [response.clone(), response.clone()];
        const cache = await caches.open(PAGES_CACHE);
        await cache.put(key, copy);
        await cache.put(url.origin + LATEST_SCANNER, latest);
      })
      .catch(() => {}),
  );
  try {
    return await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch {
    const cached = await caches.match(key, { cacheName: PAGES_CACHE });
    if (cached) return cached;
    try {
      return await network; // nothing kept: waiting longer is all we can do
    } catch {
      return offlinePage();
    }
  }
}

async function startPage(request) {
  try {
    return await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
  } catch {
    const cached = await caches.match(LATEST_SCANNER, { cacheName: PAGES_CACHE });
    return cached || offlinePage();
  }
}

async function page(request) {
  try {
    return await fetch(request);
  } catch {
    return offlinePage();
  }
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => {}));
    return cached;
  }
  return network.catch(() => Response.error());
}

self.addEventListener("message", (event) => {
  // The worker it replaces hands over, at a navigation.
  if (event.data?.type === "skip-waiting" && event.source instanceof ServiceWorker) {
    handOverPage = typeof event.data.page === "string" ? event.data.page : null;
    event.waitUntil(self.skipWaiting());
    return;
  }
  // The page asks to keep the scanner it shows (it opened before this worker controlled it).
  if (event.data?.type !== "keep-page") return;
  const url = new URL(event.data.url, self.location.origin);
  if (url.origin !== self.location.origin || !SCANNER_PATH.test(url.pathname)) return;
  event.waitUntil(
    fetch(url.pathname, { credentials: "same-origin", redirect: "manual" })
      .then(async (response) => {
        if (!response.ok) return;
        const latest = response.clone();
        const cache = await caches.open(PAGES_CACHE);
        await cache.put(url.origin + url.pathname, response);
        await cache.put(url.origin + LATEST_SCANNER, latest);
        event.source?.postMessage({ type: "page-kept", url: url.pathname });
      })
      .catch(() => {}),
  );
});
