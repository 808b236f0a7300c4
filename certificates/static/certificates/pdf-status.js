/* The certificate page while its PDF is being prepared: ask the server for the PDF's state and show the part
   of the page that belongs to it (the download button, or what to do after a failure). Without JavaScript
   the page shows the state it was rendered with, and a reload shows the current one. */
(function () {
  "use strict";
  var WAITING = ["pending", "delayed"];
  var LONGEST = 15 * 60 * 1000; // stop asking after 15 minutes; the page still says what to do

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-pdf-status-url]");
    if (!holder || !window.fetch || WAITING.indexOf(holder.getAttribute("data-pdf-state")) === -1) { return; }
    var url = holder.getAttribute("data-pdf-status-url");
    var delay = 1000;
    var waited = 0;

    function show(state) {
      holder.setAttribute("data-pdf-state", state);
      Array.prototype.forEach.call(holder.querySelectorAll("[data-pdf-when]"), function (part) {
        part.hidden = part.getAttribute("data-pdf-when") !== state;
      });
    }

    function later() {
      if (waited > LONGEST) { return; }
      window.setTimeout(ask, delay);
      waited += delay;
      delay = Math.min(delay * 1.5, 15000);
    }

    function ask() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (data.state !== holder.getAttribute("data-pdf-state")) { show(data.state); }
          if (WAITING.indexOf(data.state) !== -1) { later(); }
        })
        .catch(later);
    }

    later();
  });
})();
