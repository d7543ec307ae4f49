// The interactive API page (/api/): Swagger UI from web/static/swagger-ui, no inline script.
// Configured for accessibility: no deep links (a link inside each operation's button was a
// nested interactive control), and after rendering the server list gets a name and the
// viewer's own <main> becomes a named region inside the page's main landmark.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  const fix = () => {
    const servers = root.querySelector("select#servers");
    if (servers && !servers.hasAttribute("aria-label")) {
      servers.setAttribute("aria-label", root.dataset.serversLabel || "Server");
    }
    root.querySelectorAll("main").forEach((inner) => {
      const region = document.createElement("div");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", root.dataset.operationsLabel || "Operations");
      inner.setAttribute("role", "presentation");
      inner.removeAttribute("tabindex");
      if (!inner.parentElement.matches("[role=region]")) {
        inner.parentElement.insertBefore(region, inner);
        region.appendChild(inner);
      }
    });
  };
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: false,
    tryItOutEnabled: false,
    persistAuthorization: false,
    validatorUrl: null, // never ask an outside validator
    onComplete: fix,
  });
  new MutationObserver(fix).observe(root, { childList: true, subtree: true });
});
