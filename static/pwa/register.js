// On every page for signed-in members: install the app's service worker (scope /), and ask
// before signing out while captures still wait on this phone. The attendee badge pages under
// /me/ keep their own worker (static/js/app.js); the narrower scope wins there.

if ("serviceWorker" in navigator && !location.pathname.startsWith("/me/")) {
  navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // A scanner opened before the worker was running is kept now, not only on the next visit.
      if (/^\/events\/[^/]+\/scan$/.test(location.pathname)) {
        registration.active?.postMessage({ type: "keep-page", url: location.pathname });
      }
      watchForDeploys(registration);
    })
    .catch(() => {
      // Private browsing or no support: every page still works online.
    });
}

// How often an open page asks whether a new version was deployed: a scanner stays open all day.
const DEPLOY_CHECK_MS = 60 * 1000;

/**
 * Look for a new deploy while the page is open, so its worker is installed before the next
 * navigation, which then loads the new version (static/pwa/sw.js). The browser looks only after a
 * navigation, so without this the first reload after a deploy still showed the old version.
 */
function watchForDeploys(registration) {
  const check = () => {
    if (document.visibilityState === "visible" && navigator.onLine !== false) {
      registration.update().catch(() => {}); // offline or the server is busy: the next check
    }
  };
  document.addEventListener("visibilitychange", check); // back from the pocket
  window.addEventListener("online", check); // the hall's Wi-Fi is back
  setInterval(check, DEPLOY_CHECK_MS);
}

async function waitingCount(userId) {
  if (!("indexedDB" in window)) return 0;
  // Opening the database would create it: skip when this browser never had a scanner.
  if (indexedDB.databases) {
    const names = (await indexedDB.databases()).map((db) => db.name);
    if (!names.includes("netcompanion")) return 0;
  }
  const { countWaiting } = await import("../scanner/store.js");
  return countWaiting(userId); // a colleague's captures on this phone are not this member's worry
}

for (const form of document.querySelectorAll('form[action$="/logout"]')) {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.checked) return;
    event.preventDefault();
    let count = 0;
    try {
      count = await waitingCount(form.dataset.user);
    } catch {
      count = 0; // cannot tell: do not stand in the way
    }
    if (count > 0) {
      const one = new Intl.PluralRules(document.documentElement.lang || "en").select(count) === "one";
      const template = (one ? form.dataset.unsyncedOne : form.dataset.unsyncedOther) || "";
      if (!window.confirm(template.replace("{n}", String(count)))) return;
    }
    // The kept scanner pages carry this member's name: the next person on this phone must not see them.
    // (The cache name is the one static/pwa/sw.js keeps pages in.)
    try {
      await window.caches?.delete("netcompanion-app-pages-v1");
    } catch {
      // No cache storage (private browsing): nothing was kept.
    }
    form.dataset.checked = "true";
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
}
