// Progressive enhancement of the final-test page and its confirmation step: autosave, live counts and
// navigator, a quiet accessible timer, submit at time-out.
// Without this script the pages still work: Save, page buttons and Submit are plain form posts, and the
// server draws the counts and the navigator as saved.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var messages = JSON.parse((document.getElementById("quiz-messages") || {}).textContent || "{}");
  var state = JSON.parse((document.getElementById("quiz-state") || {}).textContent || "null");
  var statusBox = form.querySelector("[data-autosave-status]");
  var saveUrl = form.dataset.autosaveUrl;
  var pending = null;
  var inFlight = false;
  var dirty = false;
  var submitting = false;
  var timer = null;

  function say(text) { if (statusBox) statusBox.textContent = text; }

  // Live counts and navigator ------------------------------------------------------------------------
  // `state` holds every question of the attempt (those on other pages as last saved); the questions on
  // this page are read from the form. The counts are announced with the next save confirmation, and only
  // the parts that changed since the last announcement, so a screen reader hears each change once.
  var announced = null;

  function readForm() {
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question]"), function (fieldset) {
      state.questions[fieldset.dataset.question] = {
        answered: !!fieldset.querySelector("input[name^='item-']:checked"),
        flagged: !!fieldset.querySelector("input[name='flag']:checked")
      };
    });
  }

  function counts() {
    var unanswered = 0, flagged = 0;
    Object.keys(state.questions).forEach(function (number) {
      if (!state.questions[number].answered) unanswered += 1;
      if (state.questions[number].flagged) flagged += 1;
    });
    return { unanswered: state.unanswered[unanswered], flagged: state.flagged[flagged] };
  }

  function show(selector, visible, root) {
    var element = root.querySelector(selector);
    if (element) element.hidden = !visible;
  }

  function drawCounts() {
    var now = counts();
    var unansweredBox = form.querySelector("[data-count-unanswered]");
    var flaggedBox = form.querySelector("[data-count-flagged]");
    if (unansweredBox) unansweredBox.textContent = now.unanswered;
    if (flaggedBox) flaggedBox.textContent = now.flagged;
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav-numbers]"), function (entry) {
      var numbers = entry.dataset.navNumbers.split(" ");
      var answered = numbers.every(function (n) { return state.questions[n] && state.questions[n].answered; });
      var flagged = numbers.some(function (n) { return state.questions[n] && state.questions[n].flagged; });
      if (!entry.classList.contains("btn-primary")) {  // the current page keeps its own look
        entry.classList.toggle("btn-secondary", answered);
        entry.classList.toggle("btn-outline-secondary", !answered);
      }
      show("[data-nav-answered]", answered, entry);
      show("[data-nav-unanswered]", !answered, entry);
      show("[data-nav-flagged]", flagged, entry);
    });
  }

  function countNews() {
    var now = counts();
    var parts = [];
    if (!announced || announced.unanswered !== now.unanswered) parts.push(now.unanswered);
    if (announced && announced.flagged !== now.flagged) parts.push(now.flagged);
    announced = now;
    return parts.join(" ");
  }

  if (state) announced = counts();

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
        var news = state ? countNews() : "";
        say((messages.saved || "").replace("{time}", time) + (news ? " " + news : ""));
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

  if (saveUrl) {
    form.addEventListener("change", function () {
      if (state) { readForm(); drawCounts(); }
      dirty = true;
      schedule(600);
    });
    window.addEventListener("online", function () { if (dirty) schedule(100); });
  }
  form.addEventListener("submit", function () { submitting = true; });
  // Back from the confirmation step, the browser may restore this page as it was left: mid-submit.
  window.addEventListener("pageshow", function (event) { if (event.persisted) submitting = false; });

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
      if (left === 0 && !submitting && form.dataset.submitUrl) {
        // Straight to the final submit with the answers on the page, not to the confirmation step.
        submitting = true;
        form.setAttribute("action", form.dataset.submitUrl);
        form.submit();
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
