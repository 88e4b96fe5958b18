// Progressive enhancement: GOV.UK Frontend components, started without inline script (CSP).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
  initAll();
}

// A body typed by name: suggest the register's bodies as the user types (the browser's own
// list, so keyboard and screen readers work as for any text input). Without JavaScript the
// server matches what was typed.
for (const input of document.querySelectorAll("input[data-body-suggestions]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || text === asked) return;
    timer = setTimeout(async () => {
      asked = text;
      const url = `${input.dataset.bodySuggestions}?q=${encodeURIComponent(text)}`;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const bodies = await response.json();
        list.replaceChildren(
          ...bodies.map((body) => {
            const option = document.createElement("option");
            option.value = body.name;
            option.label = body.code;
            return option;
          }),
        );
      } catch {
        // No suggestions: the field still works as a plain text input.
      }
    }, 200);
  });
}

// A table wider than its region: say so above it (the words come from the page, in its
// language) and tie the hint to the region, while it scrolls; checked again on resize.
const tableHint = document.body.dataset.tableScrollHint;
const wrappers = document.querySelectorAll(".app-table-wrapper");
let hintNumber = 0;
const updateTableHint = (wrapper) => {
  const scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
  wrapper.classList.toggle("app-table-wrapper--scrolls", scrolls);
  let hint = wrapper.previousElementSibling;
  if (!hint || !hint.classList.contains("app-table-hint")) {
    if (!scrolls || !tableHint) return;
    hint = document.createElement("p");
    hint.className = "app-table-hint";
    hint.id = `table-hint-${++hintNumber}`;
    hint.textContent = tableHint;
    wrapper.before(hint);
  }
  hint.hidden = !scrolls;
  const described = (wrapper.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== hint.id);
  if (scrolls) described.push(hint.id);
  if (described.length) wrapper.setAttribute("aria-describedby", described.join(" "));
  else wrapper.removeAttribute("aria-describedby");
};
if (wrappers.length) {
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => updateTableHint(entry.target.closest(".app-table-wrapper"))),
  );
  wrappers.forEach((wrapper) => {
    updateTableHint(wrapper);
    observer.observe(wrapper);
    if (wrapper.firstElementChild) observer.observe(wrapper.firstElementChild);
  });
}
