/* Charts: a static picture at first paint, the live Vega view when the reader needs it.
 *
 * Each figure.ds-chart arrives with its static SVG (drawn at build time, at its final size),
 * its controls and tool buttons as plain HTML, and its compiled Vega spec as JSON data (no inline
 * code). Vega itself (about 150 kB gzipped) is fetched only when a chart is about to scroll into
 * view; the live view is drawn at the width of the picture shown and replaces it without moving
 * anything. A live chart has data-state="live".
 *
 * With a mouse, a chart nearing the viewport goes live when the page is idle, so hover tooltips
 * are there when the pointer arrives. On a touch screen the picture already shows everything a
 * finger can see, so Vega is only downloaded as the chart nears; it runs when the reader first
 * touches the chart, its controls or its buttons (and a tap on a mark then shows that mark's
 * tooltip). A phone's processor is not kept busy at load by charts nobody has touched.
 *
 * Safe interaction: the page scrolls under the wheel and the finger (zoom needs a modifier key,
 * a pinch or the +/- buttons); a tap shows a mark's tooltip and a tap elsewhere hides it; the
 * chart's state (inputs, highlight, zoom) survives a light/dark switch and travels in Share links.
 * Tooltips are plain DOM text (never HTML), so text from the data cannot run as code. */
(function () {
  "use strict";

  var script = document.currentScript;
  var STATIC_BASE = script ? script.src.replace(/datastory-charts\.js(\?.*)?$/, "") : "";
  var VEGA_SRC = script ? script.getAttribute("data-vega") : "";
  var INTERPRETER_SRC = script ? script.getAttribute("data-interpreter") : "";
  var TEXT = "#333333", MUTED = "#595959";
  var DARK_TEXT = "#e6e6e6", DARK_MUTED = "#c4c4c4";
  var DARK = {
    title: { color: DARK_TEXT, subtitleColor: DARK_MUTED },
    axis: { labelColor: DARK_MUTED, titleColor: DARK_TEXT, gridColor: "#3a3a3a",
            domainColor: "#8c8c8c", tickColor: "#8c8c8c" },
    legend: { labelColor: DARK_MUTED, titleColor: DARK_TEXT, symbolFillColor: DARK_MUTED, symbolStrokeColor: DARK_MUTED },
    text: { fill: DARK_TEXT },
    style: { "guide-label": { fill: DARK_MUTED }, "guide-title": { fill: DARK_TEXT },
             "group-title": { fill: DARK_TEXT }, "group-subtitle": { fill: DARK_MUTED } }
  };

  function merged(base, extra) {
    var out = {};
    Object.keys(base || {}).forEach(function (k) { out[k] = base[k]; });
    Object.keys(extra).forEach(function (k) {
      var both = out[k] && typeof out[k] === "object" && typeof extra[k] === "object";
      out[k] = both ? merged(out[k], extra[k]) : extra[k];
    });
    return out;
  }

  /* Colours written into marks (value labels, annotations) follow the theme too. */
  function darkened(node) {
    if (Array.isArray(node)) { return node.map(darkened); }
    if (!node || typeof node !== "object") { return node; }
    var out = {};
    Object.keys(node).forEach(function (k) {
      var v = node[k];
      if (k === "value" && v === TEXT) { out[k] = DARK_TEXT; }
      else if (k === "value" && v === MUTED) { out[k] = DARK_MUTED; }
      else { out[k] = darkened(v); }
    });
    return out;
  }

  function isDark() {
    return document.documentElement.getAttribute("data-theme") === "dark";
  }

  /* ------------------------------------------------------------------ loading vega, once */
  var vegaReady = null;
  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = STATIC_BASE + src;
      el.async = false;
      el.onload = resolve;
      el.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(el);
    });
  }
  function loadVega() {
    if (!vegaReady) {
      vegaReady = window.vega ? Promise.resolve() :
        Promise.all([addScript(VEGA_SRC), addScript(INTERPRETER_SRC)]);
    }
    return vegaReady;
  }

  /* ------------------------------------------------------------------ tooltips */
  var tip = null, pinned = false;
  function tooltipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "ds-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    return tip;
  }
  function hideTooltip() {
    pinned = false;
    if (tip) { tip.classList.remove("ds-tooltip--visible"); }
  }
  function placeTooltip(value, x0, y0) {
    var el = tooltipElement();
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        var row = document.createElement("div");
        var k = document.createElement("span");
        k.className = "ds-tooltip__key";
        k.textContent = key;
        var v = document.createElement("span");
        v.className = "ds-tooltip__value";
        v.textContent = String(value[key]);
        row.appendChild(k); row.appendChild(v); el.appendChild(row);
      });
    } else {
      el.textContent = String(value);
    }
    el.classList.add("ds-tooltip--visible");
    var box = el.getBoundingClientRect();
    var x = x0 + 14, y = y0 + 14;
    if (x + box.width > window.innerWidth - 8) { x = Math.max(8, x0 - box.width - 14); }
    if (y + box.height > window.innerHeight - 8) { y = Math.max(8, y0 - box.height - 14); }
    el.style.left = x + "px";
    el.style.top = y + "px";
  }
  /* Vega's handler: pointer hover. A tapped (pinned) tooltip stays until the next tap. */
  function hoverTooltip(handler, event, item, value) {
    if (pinned) { return; }
    if (value == null || value === "") { hideTooltip(); return; }
    placeTooltip(value, event.clientX, event.clientY);
  }
  /* A click that began with a finger or pen: show the mark's tooltip until the next tap. */
  var lastPointer = "mouse";
  function tapTooltip(event, item) {
    if (!event || lastPointer === "mouse" || !item || item.tooltip == null) { return; }
    pinned = false;
    placeTooltip(item.tooltip, event.clientX, event.clientY);
    pinned = true;
  }
  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (pinned && lastPointer !== "mouse") { hideTooltip(); }
  }, true);
  window.addEventListener("scroll", function () { if (pinned) { hideTooltip(); } }, { passive: true });

  /* ------------------------------------------------------------------ one chart */
  /* The page's figures carry {spec, titles}; a Jupyter output (datastory.jupyter) the bare spec. */
  function payload(figure) {
    if (!figure._dsPayload) {
      var data = JSON.parse(figure.querySelector("script.ds-chart__spec").textContent);
      figure._dsPayload = data.spec ? data : { spec: data, sized: {} };
    }
    return figure._dsPayload;
  }

  /* The static picture this viewport shows: the phone's, drawn in the page, or the wide image. */
  function narrowMedia(figure) {
    var holder = figure.querySelector(".ds-chart__static");
    return holder ? window.matchMedia(holder.getAttribute("data-narrow-media")) : null;
  }
  function pageMedia(figure) {
    var holder = figure.querySelector(".ds-chart__static[data-page-media]");
    return holder ? window.matchMedia(holder.getAttribute("data-page-media")) : null;
  }
  function shownPicture(figure) {
    var media = narrowMedia(figure);
    if (!media) { return null; }
    if (media.matches) { return figure.querySelector(".ds-chart__narrow"); }
    var page = pageMedia(figure);
    var tier = page && page.matches ? ".ds-chart__wide--page" : ".ds-chart__wide:not(.ds-chart__wide--page)";
    return figure.querySelector(tier + (isDark() ? ".ds-chart__wide--dark img" : ".ds-chart__wide--light img"));
  }

  /* The width of the static picture shown: the live view is drawn at that width. A notebook
     output has no choice of pictures: the view is drawn at the output's width (the live view is
     built off the page, where the spec's container width would read as 0). */
  function pictureWidth(figure) {
    var picture = shownPicture(figure);
    if (!picture) {
      return Math.round(figure.querySelector(".ds-chart__view").getBoundingClientRect().width) || 640;
    }
    return Number(picture.getAttribute("width"));
  }

  function controlValue(input, initial) {
    if (input.type === "checkbox") { return input.checked; }
    if (input.type === "range" || typeof initial === "number") { return Number(input.value); }
    return input.value;
  }

  function controls(figure) {
    return Array.prototype.slice.call(figure.querySelectorAll(".ds-chart__controls [data-signal]"));
  }

  function specFor(figure, width) {
    var data = payload(figure);
    var spec = JSON.parse(JSON.stringify(data.spec));
    if (width) {
      spec.signals = (spec.signals || []).map(function (s) {
        return s.name === "width" ? { name: "width", value: width } : s;
      });
    }
    var sized = data.sized && data.sized[String(width)];
    if (sized) { Object.keys(sized).forEach(function (k) { spec[k] = sized[k]; }); }
    var initial = {};
    spec.signals.forEach(function (s) { initial[s.name] = s; });
    controls(figure).forEach(function (input) {
      var s = initial[input.getAttribute("data-signal")];
      if (s && (input.type !== "radio" || input.checked)) { s.value = controlValue(input, s.value); }
    });
    if (isDark()) {
      spec.config = merged(spec.config, DARK);
      spec.marks = darkened(spec.marks);
    }
    return spec;
  }

  function zoomGroup(figure) { return figure.querySelector(".ds-chart__zoom"); }
  function keyGroups(figure) { return Array.prototype.slice.call(figure.querySelectorAll(".ds-chart__keys")); }

  /* What the reader changed: input values, the highlighted group, the zoomed domain. */
  function getState(figure) {
    var state = {}, view = figure._dsView;
    controls(figure).forEach(function (input) {
      if (input.type !== "radio" || input.checked) {
        state[input.getAttribute("data-signal")] = controlValue(input, null);
      }
    });
    if (view) {
      keyGroups(figure).forEach(function (group) {
        var value = view.signal(group.getAttribute("data-signal"));
        if (value != null) { state[group.getAttribute("data-signal")] = value; }
      });
      var zoom = zoomGroup(figure);
      if (zoom) {
        var domain = view.signal(zoom.getAttribute("data-signal"));
        if (domain) { state[zoom.getAttribute("data-signal")] = domain.map(Number); }
      }
    }
    return state;
  }

  function syncControls(figure, state) {
    controls(figure).forEach(function (input) {
      var name = input.getAttribute("data-signal");
      if (!(name in state)) { return; }
      if (input.type === "radio") { input.checked = String(state[name]) === input.value; }
      else if (input.type === "checkbox") { input.checked = !!state[name]; }
      else { input.value = String(state[name]); }
      var out = input.parentNode.querySelector("output");
      if (out) { out.textContent = input.value; }
    });
    keyGroups(figure).forEach(function (group) {
      var value = state[group.getAttribute("data-signal")];
      Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
        b.setAttribute("aria-pressed", String(value != null && b.getAttribute("data-value") === String(value)));
      });
    });
  }

  function applyState(figure, state) {
    var view = figure._dsView;
    syncControls(figure, state);
    if (!view) { return Promise.resolve(); }
    Object.keys(state).forEach(function (name) {
      try { view.signal(name, state[name]); } catch (e) { /* a state from another version of the chart */ }
    });
    return view.runAsync();
  }

  /* A fresh task: parsing, building and drawing a chart are three short tasks, not one long one,
     so a tap or a scroll is never kept waiting behind a chart. */
  function nextTask(value) {
    return new Promise(function (resolve) { window.setTimeout(function () { resolve(value); }, 0); });
  }

  function draw(figure, state) {
    var holder = figure.querySelector(".ds-chart__view");
    var width = pictureWidth(figure);
    var live = document.createElement("div");
    live.className = "ds-chart__live";
    var view;
    return nextTask().then(function () {
      /* The AST interpreter instead of compiled expressions: no eval, so charts work under a
         Content-Security-Policy of script-src 'self'. */
      return nextTask(vega.parse(specFor(figure, width), null, { ast: true }));
    }).then(function (runtime) {
      view = new vega.View(runtime, {
        renderer: "svg", container: live, hover: true, expr: vegaInterpreter.expressionInterpreter
      });
      view.tooltip(hoverTooltip);
      view.addEventListener("click", tapTooltip);
      return nextTask();
    }).then(function () {
      return view.runAsync();
    }).then(function () {
      if (figure._dsView) { figure._dsView.finalize(); }
      figure._dsView = view;
      figure._dsWidth = width;
      return applyState(figure, state || {});
    }).then(function () {
      var picture = holder.querySelector(".ds-chart__static, .ds-chart__fallback");
      Array.prototype.forEach.call(holder.querySelectorAll(".ds-chart__live"), function (old) { old.remove(); });
      if (picture) { picture.hidden = true; }
      holder.appendChild(live);
      figure.setAttribute("data-state", "live");
      figure.setAttribute("data-rendered", "true");
      return figure;
    });
  }

  /* Live once: later calls wait for the same drawing. */
  function goLive(figure, state) {
    if (!figure._dsLive) {
      figure._dsLive = loadVega().then(function () { return draw(figure, state); }).then(replayTap)
        .catch(function (error) {
          figure.setAttribute("data-state", "error");
          throw error;
        });
    }
    return figure._dsLive;
  }

  /* A tap that made a chart live lands on the live view once it is there: the tooltip of the
     mark under the finger shows without a second tap. The point is kept relative to the chart,
     so a page that moved meanwhile still hits the same mark. */
  function rememberTap(figure, event) {
    if (figure.getAttribute("data-state") === "live" || lastPointer === "mouse") { return; }
    var box = figure.querySelector(".ds-chart__view").getBoundingClientRect();
    figure._dsTap = { x: event.clientX - box.left, y: event.clientY - box.top };
  }
  function replayTap(figure) {
    var tap = figure && figure._dsTap;
    if (!tap) { return; }
    figure._dsTap = null;
    var box = figure.querySelector(".ds-chart__view").getBoundingClientRect();
    var x = box.left + tap.x, y = box.top + tap.y;
    var target = document.elementFromPoint(x, y);
    if (target && target.closest(".ds-chart__live") && figure.contains(target)) {
      target.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: x, clientY: y, view: window }));
    }
  }

  function redraw(figure) {
    if (figure.getAttribute("data-state") !== "live") { return; }
    var state = getState(figure);
    figure._dsLive = draw(figure, state);
  }

  /* ------------------------------------------------------------------ tools */
  function zoomBy(figure, how) {
    var group = zoomGroup(figure);
    return goLive(figure).then(function () {
      var view = figure._dsView, name = group.getAttribute("data-signal");
      if (how === "reset") { return view.signal(name, null).runAsync(); }
      var domain = view.scale(group.getAttribute("data-scale")).domain().map(Number);
      var centre = (domain[0] + domain[1]) / 2, half = (domain[1] - domain[0]) / 2;
      half = how === "in" ? half / 2 : half * 2;
      return view.signal(name, [centre - half, centre + half]).runAsync();
    });
  }

  function pickKey(figure, group, button) {
    return goLive(figure).then(function () {
      var name = group.getAttribute("data-signal");
      var on = button.getAttribute("aria-pressed") !== "true";
      var state = {};
      state[name] = on ? button.getAttribute("data-value") : null;
      return applyState(figure, state);
    });
  }

  function shareUrl(figure) {
    var id = figure.getAttribute("data-chart");
    var url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("chart", id);
    var state = getState(figure);
    if (Object.keys(state).length) { url.searchParams.set("state", JSON.stringify(state)); }
    url.hash = "chart-" + id;
    return url.href;
  }

  function offer(figure, label, text, more) {
    var box = figure.querySelector(".ds-chart__offer");
    if (!more) { box.textContent = ""; }
    var name = document.createElement("label");
    name.textContent = label + " ";
    var field = document.createElement("input");
    field.type = "text";
    field.readOnly = true;
    field.value = text;
    field.className = "ds-chart__offer-field";
    name.appendChild(field);
    box.appendChild(name);
    box.hidden = false;
    if (more) { return; }
    field.focus();
    field.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        name.firstChild.textContent = label + " (copied) ";
      }, function () { /* the field is selected for copying by hand */ });
    }
  }

  function embedCode(figure, link, href) {
    var src = new URL(href || link.getAttribute("href"), window.location.href).href;
    var picture = figure.querySelector(".ds-chart__wide--light img");
    var height = Math.round(Number(picture ? picture.getAttribute("height") : 400) + 160);
    var title = figure.getAttribute("aria-label") || "";
    return '<iframe src="' + src + '" title="' + title.replace(/"/g, "&quot;") + '" width="100%" height="' +
      height + '" loading="lazy" frameborder="0"></iframe>';
  }

  function showTable(figure, link) {
    var table = figure.querySelector(".ds-chart__table");
    var view = figure.querySelector(".ds-chart__view");
    var opening = table.hidden;
    if (opening && !table.firstChild) { table.appendChild(buildTable(figure)); }
    table.hidden = !opening;
    view.hidden = opening;
    link.textContent = opening ? "Chart" : "Table";
    link.setAttribute("aria-expanded", String(opening));
  }

  function buildTable(figure) {
    var data = (payload(figure).spec.data || []).filter(function (d) { return Array.isArray(d.values); })[0];
    var rows = data ? data.values : [];
    var columns = rows.length ? Object.keys(rows[0]) : [];
    var table = document.createElement("table");
    table.className = "ds-table";
    var caption = document.createElement("caption");
    caption.textContent = (figure.getAttribute("aria-label") || "") + ": the chart's data";
    table.appendChild(caption);
    var head = table.createTHead().insertRow();
    columns.forEach(function (c) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = c;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      columns.forEach(function (c) { tr.insertCell().textContent = row[c] == null ? "" : String(row[c]); });
    });
    return table;
  }

  function wire(figure) {
    figure.setAttribute("data-state", "static");
    var picture = shownPicture(figure);
    function shown() { figure.setAttribute("data-rendered", "true"); }
    /* a lazy picture further down has its box already (width and height); it draws as the reader nears it */
    if (!picture || picture.tagName !== "IMG" || picture.complete || picture.loading === "lazy") { shown(); }
    else { picture.addEventListener("load", shown); }

    controls(figure).forEach(function (input) {
      input.addEventListener("input", function () {
        var out = input.parentNode.querySelector("output");
        if (out) { out.textContent = input.value; }
        var state = {};
        state[input.getAttribute("data-signal")] = controlValue(input, null);
        goLive(figure).then(function () { return applyState(figure, state); });
      });
    });
    var zoom = zoomGroup(figure);
    if (zoom) {
      zoom.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-zoom]");
        if (button) { zoomBy(figure, button.getAttribute("data-zoom")); }
      });
    }
    keyGroups(figure).forEach(function (group) {
      group.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-value]");
        if (button) { pickKey(figure, group, button); }
      });
    });
    figure.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-action]");
      if (!link) { return; }
      var action = link.getAttribute("data-action");
      event.preventDefault();
      if (action === "table") { showTable(figure, link); }
      else if (action === "share") { offer(figure, "Link to this chart as it is now:", shareUrl(figure)); }
      else if (action === "embed") {
        offer(figure, "Embed code, live (follows corrections):", embedCode(figure, link));
        if (link.getAttribute("data-pinned")) {
          offer(figure, "Embed code, as of the edition of " + link.getAttribute("data-edition") + ":",
                embedCode(figure, link, link.getAttribute("data-pinned")), true);
        }
      }
    });
    /* First touch (or focus) makes the chart live at once. */
    var view = figure.querySelector(".ds-chart__view");
    ["pointerdown", "focusin"].forEach(function (type) {
      view.addEventListener(type, function () { goLive(figure); }, { passive: true });
    });
    view.addEventListener("click", function (event) { rememberTap(figure, event); });
  }

  /* ------------------------------------------------------------------ page */
  /* A mouse (or trackpad) hovers: charts go live as they near. A touch screen cannot hover. */
  var HOVERS = window.matchMedia("(hover: hover)").matches;
  /* Vega's file, fetched at low priority into the cache so a first touch only has to run it. */
  var prefetched = false;
  function prefetchVega() {
    if (prefetched || window.vega) { return; }
    prefetched = true;
    [VEGA_SRC, INTERPRETER_SRC].forEach(function (src) {
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.href = STATIC_BASE + src;
      document.head.appendChild(link);
    });
  }
  var queue = [];
  function afterLoad(fn) {
    if (document.readyState === "complete") { fn(); } else { window.addEventListener("load", fn); }
  }
  var idle = window.requestIdleCallback ? function (fn) { window.requestIdleCallback(fn, { timeout: 1500 }); }
    : function (fn) { window.setTimeout(fn, 50); };
  /* Charts nearing the viewport go live one per idle moment, after the page has loaded. */
  function pump() {
    var figure = queue.shift();
    if (!figure) { return; }
    goLive(figure).then(function () { idle(pump); }, function () { idle(pump); });
  }
  function enqueue(figure) {
    if (figure._dsQueued) { return; }
    figure._dsQueued = true;
    queue.push(figure);
    if (queue.length === 1) { afterLoad(function () { idle(pump); }); }
  }

  function restoreFromUrl(figures) {
    var params = new URLSearchParams(window.location.search);
    var id = params.get("chart");
    if (!id) { return; }
    var figure = figures.filter(function (f) { return f.getAttribute("data-chart") === id; })[0];
    if (!figure) { return; }
    var state = {};
    try { state = JSON.parse(params.get("state") || "{}"); } catch (e) { state = {}; }
    syncControls(figure, state);
    goLive(figure, state);
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.ds-chart"));
    figures.forEach(wire);
    restoreFromUrl(figures);
    if ("IntersectionObserver" in window) {
      var near = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) { return; }
          near.unobserve(entry.target);
          if (HOVERS) { enqueue(entry.target); } else { afterLoad(prefetchVega); }
        });
      }, { rootMargin: "200px 0px" });
      figures.forEach(function (f) { near.observe(f); });
    } else if (HOVERS) {
      figures.forEach(enqueue);
    }
    new MutationObserver(function () { figures.forEach(redraw); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    var widths = [figures.map(narrowMedia).filter(Boolean)[0], figures.map(pageMedia).filter(Boolean)[0]];
    widths.filter(Boolean).forEach(function (media) {
      media.addEventListener("change", function () {
        figures.forEach(function (f) { if (f._dsView && pictureWidth(f) !== f._dsWidth) { redraw(f); } });
      });
    });
  }

  /* Jupyter outputs arrive after the page has loaded: datastory.jupyter draws each one with this. */
  window.datastoryCharts = { draw: goLive };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
