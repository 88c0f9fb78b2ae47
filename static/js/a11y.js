/* Keyboard and small-screen help for every page (templates/base.html). Without JavaScript the
   pages work as they are: the navigation is simply shown in full. */
(function () {
  "use strict";

  /* The navigation collapses behind a "Menu" button on narrow screens (static/css/app.css):
     a disclosure button (aria-expanded), Escape closes it and gives the focus back. */
  function setUpMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    var bar = toggle.closest(".topbar");
    bar.classList.add("nav-collapsible");
    toggle.hidden = false;
    function show(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      bar.classList.toggle("nav-open", open);
    }
    toggle.addEventListener("click", function () {
      show(toggle.getAttribute("aria-expanded") !== "true");
    });
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        show(false);
        toggle.focus();
      }
    });
  }

  /* An htmx swap that replaces the focused control (a form's button swapped with its region)
     would drop the keyboard user's focus to the top of the page. The focus moves instead to what
     the swap says: its status message, else the first heading of the new content. */
  function keepFocus(event) {
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var region = event.target;  /* the new content (htmx fires afterSettle on it) */
    if (!(region instanceof Element) || !document.contains(region)) return;
    var landing = region.querySelector("[role=status], [role=alert], h1, h2, h3");
    if (!landing) return;
    if (!landing.hasAttribute("tabindex")) landing.setAttribute("tabindex", "-1");
    landing.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMenu);
  } else {
    setUpMenu();
  }
  document.addEventListener("htmx:afterSettle", keepFocus);
})();
