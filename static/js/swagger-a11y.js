// The API docs (Swagger UI renders them after the page loads): the servers picker it draws has
// no label of its own, so it gets the one the page carries (translated), as soon as it appears.
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  if (!root) return;
  const label = root.dataset.serversLabel || "Servers";
  const name = () => {
    const select = root.querySelector("#servers select, select#servers");
    if (select && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", label);
  };
  new MutationObserver(name).observe(root, { childList: true, subtree: true });
  name();
})();
