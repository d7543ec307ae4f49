// Progressive enhancement only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary so screen-reader and keyboard users hear it first.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  // Compact navigation: on narrow screens the menu and account links fold behind a button.
  const toggle = document.querySelector(".menu-toggle");
  const header = document.querySelector(".site-header");
  if (toggle && header) {
    header.classList.add("js-nav");
    toggle.hidden = false;
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => {
      const open = header.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // Long checkbox lists: a filter field hides the options that do not match (chosen ones stay).
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    const list = document.getElementById(input.dataset.filter);
    if (!list) return;
    input.closest(".checklist-filter").hidden = false;
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      list.querySelectorAll("li").forEach((item) => {
        const box = item.querySelector("input");
        const match = !wanted || item.textContent.toLowerCase().includes(wanted);
        item.hidden = !(match || (box && box.checked));
      });
    });
    // Enter in the filter must not submit the whole form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  });
  // Copy buttons (the new API token): the button appears only where it can work.
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      let copied = false;
      try {
        await navigator.clipboard.writeText(source.value);
        copied = true;
      } catch (error) {
        source.select();
        copied = document.execCommand && document.execCommand("copy");
      }
      if (status) status.textContent = copied ? status.dataset.copied : status.dataset.failed;
    });
  });
  // Ask before destructive actions marked with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
