/* The checklist picker (apps/core/widgets.py): a filter box over a long list of checkboxes, and
   the line that names what is ticked. Without JavaScript the list works as it is (the filter
   stays hidden); ticked boxes hidden by the filter are still sent with the form. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
  }

  function setUp(picker) {
    if (picker.dataset.checklistReady) return;
    picker.dataset.checklistReady = "1";
    var row = picker.querySelector("[data-checklist-filter]");
    var filter = row.querySelector("input");
    var nomatch = picker.querySelector("[data-checklist-nomatch]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-checklist-option]"));
    var some = picker.querySelector("[data-checklist-some]");
    var names = picker.querySelector("[data-checklist-names]");
    var none = picker.querySelector("[data-checklist-none]");
    var lang = document.documentElement.lang || "en";
    var list = window.Intl && Intl.ListFormat ? new Intl.ListFormat(lang) : null;

    options.forEach(function (option) {
      option.dataset.text = fold(option.textContent.trim()) + " " + fold(option.dataset.code);
    });

    function apply() {
      var query = fold(filter.value.trim());
      var shown = 0;
      options.forEach(function (option) {
        var match = !query || option.dataset.text.indexOf(query) !== -1;
        option.hidden = !match;
        if (match) shown += 1;
      });
      nomatch.hidden = shown > 0;
    }

    function ticked() {
      var chosen = options
        .filter(function (option) { return option.querySelector("input").checked; })
        .map(function (option) { return option.textContent.trim(); });
      names.textContent = list ? list.format(chosen) : chosen.join(", ");
      some.hidden = chosen.length === 0;
      none.hidden = chosen.length > 0;
    }

    row.hidden = false;
    filter.addEventListener("input", apply);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // filtering, not sending the form
      if (event.key === "Escape" && filter.value) {
        filter.value = "";
        apply();
      }
    });
    picker.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") ticked();
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-checklist]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
