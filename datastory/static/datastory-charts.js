/* Draws every chart on the page from its JSON spec (compiled to Vega at build time).
 * One static file, no inline code: specs travel as <script type="application/json"> data.
 * Tooltips are plain DOM text (never HTML), so text from the data cannot run as code. */
(function () {
  "use strict";

  var DARK = {
    title: { color: "#e6e6e6", subtitleColor: "#c4c4c4" },
    axis: { labelColor: "#c4c4c4", titleColor: "#e6e6e6", gridColor: "#3a3a3a",
            domainColor: "#8c8c8c", tickColor: "#8c8c8c" },
    legend: { labelColor: "#c4c4c4", titleColor: "#e6e6e6" },
    text: { fill: "#e6e6e6" },
    style: { "guide-label": { fill: "#c4c4c4" }, "guide-title": { fill: "#e6e6e6" },
             "group-title": { fill: "#e6e6e6" }, "group-subtitle": { fill: "#c4c4c4" } }
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

  function isDark() {
    return document.documentElement.getAttribute("data-theme") === "dark";
  }

  var tip = null;
  function tooltipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "ds-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    return tip;
  }

  function showTooltip(handler, event, item, value) {
    var el = tooltipElement();
    if (value == null || value === "") { el.classList.remove("ds-tooltip--visible"); return; }
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
    var x = event.clientX + 14, y = event.clientY + 14;
    var box = el.getBoundingClientRect();
    if (x + box.width > window.innerWidth - 8) { x = Math.max(8, event.clientX - box.width - 14); }
    if (y + box.height > window.innerHeight - 8) { y = Math.max(8, event.clientY - box.height - 14); }
    el.style.left = x + "px";
    el.style.top = y + "px";
  }

  /* Greedy word wrap: a title wider than the container would make Vega shrink the plot to fit. */
  function wrap(text, maxChars) {
    if (typeof text !== "string" || text.length <= maxChars) { return text; }
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > maxChars) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    lines.push(line);
    return lines;
  }

  function fitTitle(spec, width) {
    if (!spec.title || typeof spec.title !== "object") { return; }
    spec.title.text = wrap(spec.title.text, Math.max(16, Math.floor(width / 9.5)));
    spec.title.subtitle = wrap(spec.title.subtitle, Math.max(20, Math.floor(width / 7.2)));
  }

  function draw(figure) {
    var holder = figure.querySelector(".ds-chart__view");
    var spec = JSON.parse(figure.querySelector("script.ds-chart__spec").textContent);
    fitTitle(spec, holder.clientWidth);
    if (figure._dsView) { figure._dsView.finalize(); }
    holder.textContent = "";
    if (isDark()) { spec.config = merged(spec.config, DARK); }
    /* The AST interpreter instead of compiled expressions: no eval, so charts work under a
       Content-Security-Policy of script-src 'self'. */
    var view = new vega.View(vega.parse(spec, null, { ast: true }), {
      renderer: "svg", container: holder, hover: true, expr: vegaInterpreter.expressionInterpreter
    });
    view.tooltip(showTooltip);
    figure._dsView = view;
    return view.runAsync().then(function () {
      figure.setAttribute("data-rendered", "true");
    });
  }

  function drawAll() {
    var figures = document.querySelectorAll("figure.ds-chart");
    return Promise.all(Array.prototype.map.call(figures, function (figure) {
      return draw(figure).catch(function (error) {
        figure.setAttribute("data-rendered", "error");
        throw error;
      });
    }));
  }

  function start() {
    drawAll();
    new MutationObserver(function () { drawAll(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  /* Jupyter outputs arrive after the page has loaded: datastory.jupyter draws each one with this. */
  window.datastoryCharts = { draw: draw };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
