// Progressive enhancement of the final-test page: autosave, a quiet accessible timer, submit at time-out.
// Without this script the page still works: Save, page buttons and Submit are plain form posts.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var messages = JSON.parse((document.getElementById("quiz-messages") || {}).textContent || "{}");
  var statusBox = form.querySelector("[data-autosave-status]");
  var submitButton = form.querySelector("[data-submit]");
  var saveUrl = form.dataset.autosaveUrl;
  var pending = null;
  var inFlight = false;
  var dirty = false;
  var submitting = false;
  var timer = null;

  function say(text) { if (statusBox) statusBox.textContent = text; }

  function formBody() {
    var data = new FormData(form);
    data.delete("go");
    return data;
  }

  function save() {
    pending = null;
    if (inFlight || submitting) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    say(messages.saving || "");
    fetch(saveUrl, {
      method: "POST",
      body: formBody(),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (payload) { return { ok: response.ok, payload: payload }; });
    }).then(function (answer) {
      inFlight = false;
      if (answer.ok) {
        var time = new Date(answer.payload.saved_at).toLocaleTimeString(document.documentElement.lang);
        say((messages.saved || "").replace("{time}", time));
        if (timer && answer.payload.remaining !== null) timer.reset(answer.payload.remaining);
        if (dirty) schedule(200);
      } else if (answer.payload.result_url && (answer.payload.code === "time_up" || answer.payload.code === "submitted")) {
        window.location.assign(answer.payload.result_url);
      } else {
        say((messages.failed || "").replace("{error}", answer.payload.error || ""));
      }
    }).catch(function () {
      // Offline or the server did not answer: keep the answers in the page and try again.
      inFlight = false;
      say(messages.offline || "");
      schedule(5000);
    });
  }

  function schedule(delay) {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () { dirty = true; schedule(600); });
  window.addEventListener("online", function () { if (dirty) schedule(100); });
  form.addEventListener("submit", function () { submitting = true; });

  // Timer ---------------------------------------------------------------------------------------------
  var box = document.querySelector("[data-quiz-timer]");
  if (box) {
    var display = box.querySelector("[data-timer-display]");
    var clock = box.querySelector("[data-timer-clock]");
    var toggle = box.querySelector("[data-timer-toggle]");
    var announcer = box.querySelector("[data-timer-announcer]");
    var announcements = JSON.parse((document.getElementById("quiz-timer-announcements") || {}).textContent || "{}");
    var announced = {};
    var endsAt = 0;
    var storageKey = "haltung-quiz-timer-hidden";

    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var format = function (seconds) {
      var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
      return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    };
    var setHidden = function (hidden) {
      // Hidden for everyone (some find a running clock stressful); the threshold announcements still come.
      display.hidden = hidden;
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.textContent = hidden ? messages.show : messages.hide;
      try { window.localStorage.setItem(storageKey, hidden ? "1" : "0"); } catch (e) { /* private mode */ }
    };
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
      clock.textContent = format(left);
      Object.keys(announcements).forEach(function (key) {
        var threshold = parseInt(key, 10);
        if (left <= threshold && !announced[key]) {
          announced[key] = true;
          announcer.textContent = announcements[key];
        }
      });
      if (left === 0 && !submitting && submitButton) {
        submitting = true;
        if (form.requestSubmit) form.requestSubmit(submitButton); else submitButton.click();
      }
    };
    timer = {
      reset: function (seconds) {
        endsAt = performance.now() + seconds * 1000;
        // Extra time granted meanwhile: thresholds above the new remaining time are announced again.
        Object.keys(announced).forEach(function (key) { if (parseInt(key, 10) < seconds) delete announced[key]; });
        tick();
      }
    };
    var initial = parseInt(box.dataset.remaining, 10);
    Object.keys(announcements).forEach(function (key) { if (parseInt(key, 10) >= initial && key !== "0") announced[key] = true; });
    toggle.hidden = false;
    toggle.addEventListener("click", function () { setHidden(toggle.getAttribute("aria-pressed") !== "true"); });
    var stored = null;
    try { stored = window.localStorage.getItem(storageKey); } catch (e) { stored = null; }
    setHidden(stored === "1");
    timer.reset(initial);
    window.setInterval(tick, 1000);
  }
})();
