/* The reader's controls: the dark-mode switch, filters on data tables, and the way back from a
 * claim's row on the data page to the sentence that cited it. No HTML strings: elements are
 * built with the DOM and text goes in as text. */
(function () {
  "use strict";
  var KEY = "datastory-theme";
  var root = document.documentElement;
  var system = window.matchMedia("(prefers-color-scheme: dark)");

  function setupModeSwitch() {
    var button = document.querySelector(".ds-mode");
    if (!button) { return; }
    var label = button.querySelector(".ds-mode__label");
    function show() {
      var dark = root.getAttribute("data-theme") === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      label.textContent = "Dark mode";
    }
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      try {
        /* Choosing what the system already shows means "follow the system" again. */
        if ((next === "dark") === system.matches) { window.localStorage.removeItem(KEY); }
        else { window.localStorage.setItem(KEY, next); }
      } catch (e) { /* storage blocked: the switch still works for this page */ }
      root.setAttribute("data-theme", next);
    });
    new MutationObserver(show).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
    show();
    button.hidden = false;
  }

  /* Rows a long table shows until the reader asks for all, filters, or follows a link to a row. */
  var FIRST_ROWS = 5;

  /* Each cell names its column, so a phone can show a row as a labelled list (CSS reads data-label). */
  function labelCells(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var names = Array.prototype.map.call(heads, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies[0] ? table.tBodies[0].rows : [], function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (names[i]) { cell.setAttribute("data-label", names[i]); }
      });
    });
  }

  function setupFilters() {
    var tables = document.querySelectorAll("table.ds-filterable");
    Array.prototype.forEach.call(tables, function (table, index) {
      var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
      labelCells(table);
      var expanded = rows.length <= FIRST_ROWS + 2;
      var more = document.createElement("button");
      more.type = "button";
      more.className = "ds-table-more";
      var box = document.createElement("div");
      box.className = "ds-filter";
      var label = document.createElement("label");
      var id = "ds-filter-" + (index + 1);
      label.setAttribute("for", id);
      var name = /(?:^|\s)ds-rows-(\w+)/.exec(table.className);
      label.textContent = "Filter " + (name ? name[1] : "rows");
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.setAttribute("autocomplete", "off");
      var count = document.createElement("span");
      count.className = "ds-filter__count";
      count.setAttribute("aria-live", "polite");
      function update() {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var target = decodeURIComponent(window.location.hash.slice(1));
        var shown = 0;
        Array.prototype.forEach.call(rows, function (row, i) {
          var text = row.textContent.toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          var first = expanded || words.length > 0 || i < FIRST_ROWS || (target && row.id === target);
          row.hidden = !(match && first);
          if (!row.hidden) { shown += 1; }
        });
        count.textContent = shown + " of " + rows.length + " shown";
        more.hidden = expanded || words.length > 0;
        more.textContent = "Show all " + rows.length + " rows";
      }
      more.addEventListener("click", function () { expanded = true; update(); });
      table.addEventListener("ds:reveal", update);
      var holder = table.closest(".ds-table-wrap") || table;
      var shared = document.getElementById(table.getAttribute("data-filter-by") || "");
      if (shared) {  /* one filter, written in the page, for several tables */
        input = shared;
        input.addEventListener("input", update);
        input.closest(".ds-filter").hidden = false;
        holder.parentNode.insertBefore(more, holder.nextSibling);
        update();
        return;
      }
      input.addEventListener("input", update);
      box.appendChild(label);
      box.appendChild(input);
      box.appendChild(count);
      holder.parentNode.insertBefore(box, holder);
      holder.parentNode.insertBefore(more, holder.nextSibling);
      update();
    });
  }

  /* A claim link lands on its row (highlighted by :target); offer the way back to the sentence. */
  function setupBackLink() {
    var from = document.referrer;
    function place() {
      var old = document.querySelector(".ds-back");
      if (old) { old.parentNode.removeChild(old); }
      var hash = window.location.hash;
      if (!hash || hash.length < 2) { return; }
      var row = document.getElementById(decodeURIComponent(hash.slice(1)));
      if (row && row.matches("tr")) {  /* a link to a row beyond the first few: show it, and keep it in view */
        if (row.hidden) { row.closest("table").dispatchEvent(new CustomEvent("ds:reveal")); }
        var box = row.getBoundingClientRect();
        if (box.top < 0 || box.bottom > window.innerHeight) { row.scrollIntoView(); }
      }
      if (!row || !row.matches("tr") || !from) { return; }
      var origin = window.location.origin;
      if (from.indexOf(origin + "/") !== 0 || from.split("#")[0] === window.location.href.split("#")[0]) { return; }
      var link = document.createElement("a");
      link.className = "ds-back";
      link.href = from;
      link.textContent = "\u21a9 Back to the story";
      link.addEventListener("click", function (event) {
        if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
      });
      row.cells[0].appendChild(link);
    }
    window.addEventListener("hashchange", place);
    place();
  }

  /* A citation written where no site address was configured names the page the reader is on. */
  function setupCitationAddress() {
    Array.prototype.forEach.call(document.querySelectorAll(".ds-cite-here"), function (slot) {
      if (!/^https?:$/.test(window.location.protocol)) { return; }
      /* the figure as cited: its permalink in the latest edition's frozen copy, resolved from this page */
      slot.textContent = new URL(slot.getAttribute("data-path") || "", window.location.href).href.split("#")[0];
      slot.hidden = false;
    });
  }

  function start() {
    setupModeSwitch();
    setupFilters();
    setupBackLink();
    setupCitationAddress();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
