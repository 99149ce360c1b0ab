/* Light or dark, decided before the first paint (loaded blocking in <head>, a few hundred bytes).
 * <html data-theme> is always resolved to "light" or "dark": the reader's stored choice, else
 * the system's. Charts and styles read that attribute. Without JavaScript the stylesheet
 * follows prefers-color-scheme by itself. */
(function () {
  "use strict";
  var KEY = "datastory-theme";
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function apply() {
    var choice = stored();
    var mode = choice === "dark" || choice === "light" ? choice : (system.matches ? "dark" : "light");
    if (document.documentElement.getAttribute("data-theme") !== mode) {
      document.documentElement.setAttribute("data-theme", mode);
    }
  }
  apply();
  system.addEventListener("change", apply);
  window.addEventListener("storage", apply);
})();
