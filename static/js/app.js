// Progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is picked.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const button = select.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    select.addEventListener("change", () => select.form.submit());
  }

  // A new event starts in the organizer's own time zone, not UTC, unless they pick another.
  for (const select of document.querySelectorAll("[data-browser-timezone] select")) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const untouched = select.value === "UTC" && !select.closest(".field-invalid");
    if (untouched && [...select.options].some((option) => option.value === zone)) {
      select.value = zone;
    }
  }

  // Destructive buttons ask first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // An attendee's own badge page stays on the phone for the door, where the network may fail.
  const badgePage = document.querySelector("[data-badge-page]");
  if (badgePage && "serviceWorker" in navigator) {
    const note = badgePage.querySelector("[data-offline-note]");
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "badge-cached" && note) note.hidden = false;
    });
    navigator.serviceWorker
      .register(badgePage.dataset.serviceWorker, { scope: "/me/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const assets = [...document.querySelectorAll("link[rel=stylesheet], link[rel=icon]")]
          .map((link) => link.href)
          .concat([...document.querySelectorAll("script[src], img[src]")].map((el) => el.src));
        const urls = [...new Set([location.href, ...assets])]; // the cache refuses duplicates
        registration.active.postMessage({ type: "cache-badge", urls });
      })
      .catch(() => {}); // private browsing or no support: the page still works online
  }

  // A background job's page follows its progress, then reloads to show the result.
  const job = document.querySelector("[data-job]");
  if (job && ["queued", "running"].includes(job.dataset.jobStatus)) {
    const bar = job.querySelector("progress");
    const count = job.querySelector("[data-job-count]");
    const poll = () =>
      fetch(job.dataset.job, { headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((state) => {
          if (!["queued", "running"].includes(state.status)) return location.reload();
          bar.value = state.percent;
          count.textContent = `${state.done} / ${state.total}`;
          setTimeout(poll, 700);
        })
        .catch(() => setTimeout(poll, 3000));
    setTimeout(poll, 300);
  }

  // Close the account menu when tapping elsewhere.
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll("details.usermenu[open]")) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    }
  });
});
