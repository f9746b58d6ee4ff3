// Remembers, on this phone, whose badge page this is: a booth's page can then offer
// "Share my card" instead of a form to type. The key is the attendee's own private link
// secret; it stays in this origin's storage, which only our own scripts can read.
const KEY = "netcompanion:me";

const page = document.querySelector("[data-me-key]");
if (page) {
  const me = {
    key: page.dataset.meKey,
    event: page.dataset.meEvent,
    name: page.dataset.meName,
    company: page.dataset.meCompany,
  };
  try {
    localStorage.setItem(KEY, JSON.stringify(me));
  } catch {
    // Private browsing or full storage: booths show their form, which works just as well.
  }
}
