/* Live charts and readable figures in Jupyter outputs (datastory.jupyter inlines this file).
 *
 * datastoryJupyter.chart(id, runtime): draw the chart <figure id=id> with the site's own
 *   chart script. `runtime` lists the script URLs to load once per page (the Jupyter server's
 *   datastory route); an empty list means the output carried the runtime inline. Until it is
 *   drawn, and if it cannot be, the figure shows its static SVG.
 * datastoryJupyter.claims(map): show each {claim}`id` of the rendered Markdown as its figure,
 *   linked to its source, now and whenever a cell is rendered again.
 * datastoryJupyter.phrases(map): show each {glue:text}`key` as the phrase the kernel computed
 *   (comparisons.say), in the same way. */
(function () {
  "use strict";
  if (window.datastoryJupyter) { return; }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  var loading = null;
  function runtimeReady(runtime) {
    if (window.datastoryCharts) { return Promise.resolve(); }
    if (!runtime.length) { return Promise.reject(new Error("this output has no chart runtime")); }
    if (!loading) {
      loading = runtime.reduce(function (chain, src) {
        return chain.then(function () { return loadScript(src); });
      }, Promise.resolve());
    }
    return loading;
  }

  /* The site's chart script reads dark mode from <html data-theme>; JupyterLab marks its theme on
     <body data-jp-theme-light>. Mirror it, and the charts redraw when the user switches theme. */
  function followLabTheme() {
    var body = document.body;
    if (!body || !body.hasAttribute("data-jp-theme-light")) { return; }
    var mirror = function () {
      var theme = body.getAttribute("data-jp-theme-light") === "false" ? "dark" : "light";
      if (document.documentElement.getAttribute("data-theme") !== theme) {
        document.documentElement.setAttribute("data-theme", theme);
      }
    };
    mirror();
    new MutationObserver(mirror).observe(body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  }
  followLabTheme();

  function chart(id, runtime) {
    var figure = document.getElementById(id);
    if (!figure) { return Promise.resolve(); }
    return runtimeReady(runtime).then(function () {
      if (!figure._dsView) { return window.datastoryCharts.draw(figure); }
    }).catch(function (error) {
      figure.setAttribute("data-rendered", "static");
      var note = document.createElement("p");
      note.className = "ds-chart__note";
      note.textContent = "Static image: the live chart did not load (" + error.message + "). " +
        "Start JupyterLab with `make lab`, or run `import os; os.environ['DATASTORY_JUPYTER'] = 'inline'` " +
        "before the charts.";
      figure.appendChild(note);
    });
  }

  var ledger = {}, glued = {};
  /* JupyterLab and Notebook render {role}`id` as the text "{role}" followed by <code>id</code>. */
  function roleTargets(root, role, table, replace) {
    var codes = root.querySelectorAll(".jp-RenderedMarkdown code, .rendered_html code");
    var marker = "{" + role + "}";
    Array.prototype.forEach.call(codes, function (code) {
      var before = code.previousSibling;
      var entry = table[code.textContent.trim()];
      if (entry === undefined || !before || before.nodeType !== 3 ||
          before.nodeValue.slice(-marker.length) !== marker) { return; }
      before.nodeValue = before.nodeValue.slice(0, -marker.length);
      replace(code, entry);
    });
  }

  function claimLink(code, claim) {
    var link = document.createElement("a");
    link.className = "claim claim-" + claim.status;
    link.href = claim.url;
    link.title = claim.hover;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = claim.text;
    code.parentNode.replaceChild(link, code);
    if (claim.marker) {  /* certainty travels with the number: "(estimate)" */
      var note = document.createElement("abbr");
      note.className = "claim-qualifier";
      note.title = claim.meaning;
      note.textContent = "(" + claim.marker + ")";
      link.parentNode.insertBefore(note, link.nextSibling);
      link.parentNode.insertBefore(document.createTextNode("\u00a0"), note);
    }
  }

  function phraseText(code, phrase) {
    var span = document.createElement("span");
    span.className = "ds-glued";
    span.textContent = phrase;
    code.parentNode.replaceChild(span, code);
  }

  function resolveAll() {
    roleTargets(document, "claim", ledger, claimLink);
    roleTargets(document, "glue:text", glued, phraseText);
  }

  var watching = false;
  function watch() {
    resolveAll();
    if (!watching) {
      watching = true;
      new MutationObserver(resolveAll).observe(document.body, { childList: true, subtree: true });
    }
  }

  function claims(map) {
    Object.keys(map).forEach(function (id) { ledger[id] = map[id]; });
    watch();
  }

  function phrases(map) {
    Object.keys(map).forEach(function (key) { glued[key] = map[key]; });
    watch();
  }

  window.datastoryJupyter = { chart: chart, claims: claims, phrases: phrases };
})();
