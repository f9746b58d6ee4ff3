// The offline page lists the scanner pages the service worker kept, by event name.
const PAGES_CACHE = "netcompanion-app-pages-v1"; // as in static/pwa/sw.js
const SCANNER_PATH = /^\/events\/[^/]+\/scan$/;

async function keptScanners() {
  if (!window.caches || !(await caches.has(PAGES_CACHE))) return [];
  const cache = await caches.open(PAGES_CACHE);
  const found = [];
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (!SCANNER_PATH.test(url.pathname)) continue;
    const html = await (await cache.match(request)).text();
    const page = new DOMParser().parseFromString(html, "text/html");
    let name = url.pathname;
    try {
      name = JSON.parse(page.getElementById("scanner-config").textContent).event.name;
    } catch {
      // An older copy without the config block: show its address.
    }
    found.push({ href: url.pathname, name });
  }
  return found;
}

document.addEventListener("DOMContentLoaded", async () => {
  const root = document.querySelector("[data-offline-page]");
  if (!root) return;
  const retry = root.querySelector("[data-offline-retry]");
  retry.addEventListener("click", (event) => {
    event.preventDefault();
    location.reload();
  });
  const scanners = await keptScanners().catch(() => []);
  if (!scanners.length) return;
  root.querySelector("[data-offline-scanner-list]").replaceChildren(
    ...scanners.map(({ href, name }) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = href;
      a.textContent = name;
      li.append(a);
      return li;
    }),
  );
  root.querySelector("[data-offline-scanners]").hidden = false;
  root.querySelector("[data-offline-none]").hidden = true;
});
