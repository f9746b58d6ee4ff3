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

  // Close the account menu when tapping elsewhere.
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll("details.usermenu[open]")) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    }
  });
});
