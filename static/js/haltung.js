/* Haltung: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // After a vignette decision the server redirects to #latest, after saving a reflection to its status, and
  // resuming to the open question or reflection: move keyboard and screen-reader focus there (into a form's
  // first field), so the new part or the confirmation is read out.
  document.addEventListener("DOMContentLoaded", function () {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (!target) { return; }
    if (target.tagName === "FORM") { target = target.querySelector("textarea, select, input:not([type=hidden])"); }
    if (target && (target.hasAttribute("tabindex") || /^(TEXTAREA|SELECT|INPUT)$/.test(target.tagName))) {
      target.focus();
    }
  });

  // Active time on a step: while the page is visible and was used in the last two minutes, tell the
  // server every 30 seconds. The server caps each gap, so a forgotten tab never counts.
  var holder = document.querySelector("[data-heartbeat]");
  if (!holder || !window.fetch) { return; }
  var url = holder.getAttribute("data-heartbeat");
  var csrf = document.body.getAttribute("data-csrf");
  var lastActivity = Date.now();
  ["keydown", "mousemove", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  window.setInterval(function () {
    if (document.visibilityState !== "visible" || Date.now() - lastActivity > 120000) { return; }
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
  }, 30000);
})();
