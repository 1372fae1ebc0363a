/* List filters: a long choice list (bases, regions, quota units: select[data-searchable]) becomes
 * a searchable select (Tom Select, served from static/vendor). Progressive enhancement: without
 * this script, or before it runs, the plain <select> works as it is. Tom Select keeps the original
 * <select> (and its name) for the form, moves the <label> to its own input, and is driven by the
 * keyboard (type to search, arrows, Enter, Escape). */
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;
  var selects = document.querySelectorAll("select[data-searchable]");
  for (var i = 0; i < selects.length; i++) {
    var el = selects[i];
    new window.TomSelect(el, {
      allowEmptyOption: true,
      maxOptions: null,
      create: false,
      searchField: ["text"],
      placeholder: el.getAttribute("data-placeholder") || "输入名称搜索",
      render: {
        no_results: function () {
          return '<div class="no-results">没有匹配的选项</div>';
        },
      },
    });
    // Tom Select gives the <label> to its own combobox; the original <select>, kept (hidden, out
    // of the tab order) for the form, is hidden from assistive technology too, so that a screen
    // reader meets one field, not two.
    el.setAttribute("aria-hidden", "true");
  }
})();
