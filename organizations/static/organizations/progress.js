/* Haltung back office: poll a task's progress and reload the page when it has finished.
   Without JavaScript the page offers a refresh link instead. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-progress-url]");
    if (!holder || !window.fetch || holder.getAttribute("data-progress-done") === "true") { return; }
    var url = holder.getAttribute("data-progress-url");
    var bar = holder.querySelector("[role=progressbar]");
    var fill = holder.querySelector(".progress-bar");
    var text = holder.querySelector("[data-progress-text]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var percent = Math.max(0, Math.min(100, data.progress || 0));
          bar.setAttribute("aria-valuenow", String(percent));
          fill.style.width = percent + "%";
          text.textContent = percent + " %";
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
