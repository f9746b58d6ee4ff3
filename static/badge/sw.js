// Keeps an attendee's own badge page on the phone, so it opens at the door without a network.
// Served as /me/sw.js: its scope is /me/, the badge pages only. The QR image it shows lives
// under /b/ and is cached here too, because the page asks for it.
"use strict";

const CACHE = "netcompanion-my-badge-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  // The page sends the URLs it needs offline: itself, its QR image, the stylesheet and script.
  if (event.data && event.data.type === "cache-badge") {
    event.waitUntil(
      caches
        .open(CACHE)
        .then((cache) => cache.addAll(event.data.urls))
        .then(() => event.source.postMessage({ type: "badge-cached" })),
    );
  }
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  // Network first, so a changed badge shows at once; the copy answers when the network fails.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request).then((hit) => hit || Response.error())),
  );
});
