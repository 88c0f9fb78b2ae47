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
  var focusWasInSwap = false;
  function noteFocus(event) {
    /* Only a swap that takes the focused control away moves the focus: a region loading on its
       own (the notification bell, a poll) never takes it from where the reader is. */
    var active = document.activeElement;
    var target = event.detail && event.detail.target;
    focusWasInSwap = !!(active && active !== document.body && target && target.contains(active));
  }

  function keepFocus(event) {
    var active = document.activeElement;
    if (!focusWasInSwap) return;
    if (active && active !== document.body && document.contains(active)) return;
    var region = event.target;  /* the new content (htmx fires afterSettle on it) */
    if (!(region instanceof Element) || !document.contains(region)) return;
    /* The page's one message area (swapped out of band) is a live region: it is read out as it
       changes, and the focus stays with the content the action changed. */
    if (region.id === "messages") return;
    var landing = region.querySelector("[role=status], [role=alert], h1, h2, h3") || region;
    if (!landing.hasAttribute("tabindex")) landing.setAttribute("tabindex", "-1");
    landing.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMenu);
  } else {
    setUpMenu();
  }
  document.addEventListener("htmx:beforeSwap", noteFocus);
  document.addEventListener("htmx:afterSettle", keepFocus);
})();
