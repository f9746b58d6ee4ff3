// A booth's page: when this phone holds the attendee's own badge page for the same event
// (see me.js), offer "Share my card", and send along what they chose in the form below.
const KEY = "netcompanion:me";

function remembered() {
  try {
    const me = JSON.parse(localStorage.getItem(KEY) || "null");
    return me && typeof me.key === "string" && me.key ? me : null;
  } catch {
    return null;
  }
}

const share = document.querySelector("[data-share]");
if (share) {
  const form = share.querySelector("[data-share-form]");
  const keyInput = form.querySelector("input[name='share-key']");
  const button = form.querySelector("[data-share-button]");
  const me = remembered();

  if (share.hasAttribute("data-forget-me")) {
    // The server did not accept the remembered badge here: stop offering it.
    try {
      localStorage.removeItem(KEY);
    } catch {
      // Nothing stored, nothing to forget.
    }
  } else if (me && me.event === share.dataset.event) {
    if (!keyInput.value) keyInput.value = me.key;
    if (share.hidden) {
      const who = [me.name, me.company].filter(Boolean).join(", ");
      button.textContent = share.dataset.label.replace("{who}", who);
      share.hidden = false;
    }
  }

  // Interests, availability and the message from the details form travel with the card.
  form.addEventListener("submit", () => {
    for (const old of form.querySelectorAll("[data-copied]")) old.remove();
    const details = document.querySelector("[data-booth-form]");
    if (!details) return;
    const copy = (name, value) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = `share-${name}`;
      input.value = value;
      input.dataset.copied = "";
      form.append(input);
    };
    for (const box of details.querySelectorAll("input[name='interests']:checked")) {
      copy("interests", box.value);
    }
    const radio = details.querySelector("input[name='availability']:checked");
    if (radio) copy("availability", radio.value);
    for (const name of ["other_interests", "message"]) {
      const field = details.elements.namedItem(name);
      if (field && field.value.trim()) copy(name, field.value);
    }
  });
}
