/* Readiness site enhancements: sortable tables and column filters.
   Vendored, no dependencies, no inline handlers: everything is attached here. */
(function () {
  "use strict";

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function makeSortable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body || body.rows.length < 2) return;
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      th.classList.add("rd-sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellText(a, index), y = cellText(b, index);
          var nx = parseFloat(x), ny = parseFloat(y);
          var result = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y)
            ? nx - ny : x.localeCompare(y, undefined, { numeric: true });
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function nextTable(element) {
    var node = element.nextElementSibling;
    while (node && !node.querySelector("table") && node.tagName !== "TABLE") node = node.nextElementSibling;
    if (!node) return null;
    return node.tagName === "TABLE" ? node : node.querySelector("table");
  }

  function makeFilters(box) {
    var table = nextTable(box);
    if (!table || !table.tHead) return;
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    var wanted = (box.getAttribute("data-columns") || "").split(",");
    var selects = [];
    wanted.forEach(function (name) {
      var index = headers.indexOf(name.trim());
      if (index < 0) return;
      var values = {};
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        cellText(row, index).split(",").forEach(function (v) { v = v.trim(); if (v) values[v] = true; });
      });
      var label = document.createElement("label");
      label.textContent = name.trim();
      var select = document.createElement("select");
      select.setAttribute("aria-label", "Filter by " + name.trim());
      var all = document.createElement("option");
      all.value = ""; all.textContent = "all";
      select.appendChild(all);
      Object.keys(values).sort().forEach(function (v) {
        var option = document.createElement("option");
        option.value = v; option.textContent = v;
        select.appendChild(option);
      });
      label.appendChild(select);
      box.appendChild(label);
      selects.push({ index: index, select: select });
    });
    function apply() {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var show = selects.every(function (f) {
          var want = f.select.value;
          if (!want) return true;
          return cellText(row, f.index).split(",").map(function (v) { return v.trim(); }).indexOf(want) >= 0;
        });
        row.hidden = !show;
      });
    }
    selects.forEach(function (f) { f.select.addEventListener("change", apply); });
  }

  function nameSearchDialog() {
    // Material's search overlay is a dialog without a name (axe-core: aria-dialog-name).
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search the site");
    });
  }

  function absoluteSnippets() {
    // Embed snippets hold paths from the site root: put this site's address in front.
    document.querySelectorAll(".rd-snippets[data-rd-root]").forEach(function (box) {
      var root = new URL(box.getAttribute("data-rd-root"), window.location.href).href;
      box.querySelectorAll("code").forEach(function (code) {
        var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        var node;
        while ((node = walker.nextNode())) {
          node.nodeValue = node.nodeValue
            .replace(/(\]\()(badges\/)/g, "$1" + root + "$2")
            .replace(/(src=")(embed\/)/g, "$1" + root + "$2")
            .replace(/^(api\/)/, root + "$1");
        }
      });
    });
  }

  function init() {
    nameSearchDialog();
    absoluteSnippets();
    document.querySelectorAll(".md-typeset table").forEach(makeSortable);
    document.querySelectorAll(".rd-filter").forEach(makeFilters);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
