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
  // Ask before destructive actions marked with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
