/* Readiness site enhancements: sortable tables and the evidence index's filters.
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

  // ------------------------------------------------------------ the evidence index's filters
  // The paged tables are the page without JavaScript. With it, the filter form shows; once a filter is set,
  // the compact index of every record (api/v1/evidence.json) is loaded, once, and the matching rows replace
  // the page's table. The filters live in the query string: reload, back and forward restore them.

  var FILTERS = ["gate", "entity", "owner", "kind", "result", "text"];  // not "q": Material opens its search with ?q=

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function linked(text, url, root) {
    if (url === null || url === undefined) return document.createTextNode(text);
    var a = element("a", text);
    a.href = root + url;
    return a;
  }

  function evidenceFilters(form) {
    var root = form.getAttribute("data-rd-root") || "";
    var source = root + form.getAttribute("data-rd-index");
    var step = parseInt(form.getAttribute("data-rd-shown"), 10) || 100;
    var status = document.querySelector(".rd-evidence-status");
    var found = document.querySelector(".rd-evidence-found");
    var pages = document.querySelector(".rd-evidence-pages");
    var entities = document.getElementById("rd-evidence-entities");
    var index = null, loading = null, failure = null, shown = step, typing = false;
    if (!status || !found || !pages) return;

    function load() {
      if (!loading) {
        loading = fetch(source)
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (doc) { index = prepare(doc); }, function (error) { failure = error; });
      }
      return loading;
    }

    function prepare(doc) {
      var urls = { gate: {}, entity: {}, owner: {} };
      doc.gates.forEach(function (g) { urls.gate[g.id] = g.url; });
      doc.entities.forEach(function (e) { urls.entity[e.ref] = e.url; });
      doc.owners.forEach(function (o) { urls.owner[o.id] = o.url; });
      doc.records.forEach(function (r) {
        r.words = [r.id, r.summary, r.kind, r.result || "", r.about.join(" "), r.gates.join(" "), r.owners.join(" ")]
          .join(" ").toLowerCase();
      });
      return { records: doc.records, urls: urls, entities: doc.entities.map(function (e) { return e.ref; }) };
    }

    // The Entity field's suggestions: the first few entities that contain what is typed (any case).
    var SUGGESTIONS = 30;

    function suggest() {
      if (!index || !entities) return;
      var typed = form.elements.entity.value.trim().toLowerCase();
      var refs = index.entities.filter(function (ref) { return ref.toLowerCase().indexOf(typed) >= 0; });
      entities.textContent = "";
      refs.slice(0, SUGGESTIONS).forEach(function (ref) {
        var option = element("option");
        option.value = ref;
        entities.appendChild(option);
      });
    }

    function state() {
      var out = {};
      FILTERS.forEach(function (name) {
        var value = (form.elements[name].value || "").trim();
        if (value) out[name] = value;
      });
      return out;
    }

    function query(current) {
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) { if (current[name]) params.set(name, current[name]); });
      var text = params.toString();
      return text ? "?" + text : "";
    }

    function restore() {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) { form.elements[name].value = params.get(name) || ""; });
      typing = false;
    }

    function matches(r, f) {
      if (f.gate && r.gates.indexOf(f.gate) < 0) return false;
      if (f.owner && r.owners.indexOf(f.owner) < 0) return false;
      if (f.kind && r.kind !== f.kind) return false;
      if (f.result && r.result !== f.result) return false;
      if (f.entity) {
        var wanted = f.entity.toLowerCase();
        var about = r.about.some(function (ref) {
          ref = ref.toLowerCase();
          return ref === wanted || ref.slice(ref.indexOf(":") + 1) === wanted;
        });
        if (!about) return false;
      }
      if (f.text) {
        var words = f.text.toLowerCase().split(/\s+/);
        for (var i = 0; i < words.length; i++) if (r.words.indexOf(words[i]) < 0) return false;
      }
      return true;
    }

    // The cells of a row by column: the columns are the page's own table's, in its order.
    var CELLS = {
      Observed: function (r) { return [document.createTextNode(r.observed)]; },
      Record: function (r) {
        var nodes = [linked(r.id, r.url, root)];
        if (r.superseded) nodes.push(document.createTextNode(" (superseded)"));
        return [nodes];
      },
      Summary: function (r) { return [document.createTextNode(r.summary)]; },
      Kind: function (r) { return [document.createTextNode(r.kind)]; },
      Result: function (r) { return [document.createTextNode(r.result || "")]; },
      About: function (r) { return r.about.map(function (ref) { return linked(ref, index.urls.entity[ref], root); }); },
      Gates: function (r) {
        return r.gates.map(function (id) {
          var nodes = [linked(id, index.urls.gate[id], root)];
          if (r.assess[id]) nodes.push(document.createTextNode(" (" + r.assess[id] + ")"));
          return nodes;
        });
      },
      Owners: function (r) { return r.owners.map(function (id) { return linked(id, index.urls.owner[id], root); }); }
    };

    function row(body, names, r) {
      var tr = body.insertRow();
      names.forEach(function (name) {
        var td = tr.insertCell();
        (CELLS[name] ? CELLS[name](r) : []).forEach(function (item, i) {
          if (i) td.appendChild(document.createTextNode(", "));
          [].concat(item).forEach(function (node) { td.appendChild(node); });
        });
      });
    }

    var original = pages.querySelector("table");
    var names = original && original.tHead
      ? Array.prototype.map.call(original.tHead.rows[0].cells, function (th) { return th.textContent.trim(); })
      : Object.keys(CELLS);

    // While filters are set, the page's own table is kept out of the document (the page stays as small as
    // it was), and put back when they are cleared.
    var parked = null;

    function park() {
      if (parked) return;
      parked = document.createDocumentFragment();
      while (pages.firstChild) parked.appendChild(pages.firstChild);
      pages.hidden = true;
    }

    function unpark() {
      if (!parked) return;
      pages.appendChild(parked);
      parked = null;
      pages.hidden = false;
    }

    function table(rows) {
      var out = element("table");
      var head = out.createTHead().insertRow();
      names.forEach(function (name) { head.appendChild(element("th", name)); });
      var body = out.createTBody();
      rows.forEach(function (r) { row(body, names, r); });
      var wrap = element("div");
      wrap.className = "md-typeset__scrollwrap";
      var inner = element("div");
      inner.className = "md-typeset__table";
      inner.appendChild(out);
      wrap.appendChild(inner);
      makeSortable(out);
      return wrap;
    }

    function render() {
      var current = state();
      found.textContent = "";
      if (!Object.keys(current).length) {
        found.hidden = true;
        status.hidden = true;
        status.textContent = "";
        unpark();
        return;
      }
      park();
      status.hidden = false;
      found.hidden = false;
      if (failure) {
        status.textContent = "The evidence index (" + source + ") could not be loaded: " + failure.message + ".";
        return;
      }
      if (!index) {
        status.textContent = "Loading the evidence index…";
        load().then(render);
        return;
      }
      var rows = index.records.filter(function (r) { return matches(r, current); });
      var count = rows.length === 1 ? "1 record matches" : rows.length + " records match";
      if (!rows.length) {
        status.textContent = "No record matches the filters.";
        return;
      }
      status.textContent = rows.length > shown
        ? count + "; the newest " + shown + " are shown."
        : count + ".";
      found.appendChild(table(rows.slice(0, shown)));
      if (rows.length > shown) {
        var more = element("button", "Show " + Math.min(step, rows.length - shown) + " more");
        more.type = "button";
        more.className = "rd-evidence-button";
        more.addEventListener("click", function () {
          shown += step;
          render();
          var next = found.querySelector("button");  // keep the keyboard where it was
          if (next) next.focus();
        });
        found.appendChild(more);
      }
    }

    function update(push) {
      shown = step;
      var next = window.location.pathname + query(state()) + window.location.hash;
      if (next !== window.location.pathname + window.location.search + window.location.hash) {
        if (push) window.history.pushState(null, "", next);
        else window.history.replaceState(null, "", next);
      }
      render();
    }

    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") update(true);
      else typing = false;
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "INPUT") return;
      if (event.target === form.elements.entity) suggest();
      update(!typing);  // one history entry for what is typed in one go
      typing = true;
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); typing = false; });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      FILTERS.forEach(function (name) { form.elements[name].value = ""; });
      typing = false;
      update(true);
    });
    form.elements.entity.addEventListener("focus", function () { load().then(suggest); });  // from the index
    window.addEventListener("popstate", function () { restore(); shown = step; render(); });

    restore();
    form.hidden = false;
    var canonical = query(state());
    if (canonical !== window.location.search) {
      window.history.replaceState(null, "", window.location.pathname + canonical + window.location.hash);
    }
    render();
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
    document.querySelectorAll(".rd-evidence-filter").forEach(evidenceFilters);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
