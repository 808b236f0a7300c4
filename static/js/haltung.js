/* Haltung: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // After a vignette decision the server redirects to #latest: move keyboard and screen-reader focus there.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.location.hash === "#latest") {
      var latest = document.getElementById("latest");
      if (latest) { latest.focus(); }
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
