/* ecbase page behaviour without a framework. Loaded right after the menu, before the content.
 * 1. The main menu folds behind a button on narrow screens (aria-expanded, keyboard: a real
 *    <button>; Escape closes and returns focus). Without this script the menu simply stays open.
 * 2. Every table scrolls inside its own box: a table not already in a .table-wrap is wrapped in
 *    one; while it is wider than its box, the box is focusable and named after its table, so that
 *    keyboard users can scroll it.
 */
(function () {
  "use strict";
  var NARROW = "(max-width: 760px)";

  var nav = document.querySelector(".main-nav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (nav && toggle && window.matchMedia) {
    var query = window.matchMedia(NARROW);
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("nav-open", open);
    };
    toggle.hidden = false;
    nav.classList.add("nav-collapsible");
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && query.matches && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  function nameOf(table) {
    var caption = table.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    if (!text) {
      var section = table.closest("section");
      var heading = section && section.querySelector("h2, h3");
      text = heading ? heading.textContent.trim() : "";
    }
    return text || document.title.split(" · ")[0];
  }

  // Boxes this script made or completed: focusable and named only while their table is wider than
  // they are (a box that does not scroll needs no tab stop, and no name beside the page's own).
  var managed = [];

  function fit() {
    for (var i = 0; i < managed.length; i++) {
      var box = managed[i].box;
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", managed[i].name);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  function boxTables() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var box = table.parentElement;
      if (!box.classList.contains("table-wrap")) {
        box = document.createElement("div");
        box.className = "table-wrap";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      // A box written with its own name and tab stop (the list pages) keeps them.
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        managed.push({ box: box, name: nameOf(table) });
      }
    }
    fit();
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boxTables);
  } else {
    boxTables();
  }
})();
