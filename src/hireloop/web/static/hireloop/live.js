/* Live interview mode and the scorecard: a timer over the agenda, picking questions, and a draft
   that saves itself. Every change is kept in localStorage first, then posted (debounced) to the
   autosave endpoint, so notes survive a reload or a lost connection. No libraries. */
(function () {
  "use strict";

  var stateEl = document.getElementById("draft-state");
  if (!stateEl) return;
  var state = JSON.parse(stateEl.textContent);
  var form = document.querySelector("form[data-autosave]");
  var statusEl = document.querySelector("[data-save-status]");

  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });

  function readStore(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeStore(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or disabled */ }
  }

  /* Timer ------------------------------------------------------------------------------- */

  var timerKey = state.key + ":timer";
  var clock = document.querySelector("[data-timer-clock]");
  if (clock) {
    var toggle = document.querySelector("[data-timer-toggle]");
    var segments = Array.prototype.slice.call(document.querySelectorAll("[data-segment]"));
    var segmentLabel = document.querySelector("[data-timer-segment]");
    var announce = document.querySelector("[data-timer-announce]");
    var timer = readStore(timerKey) || { elapsed: 0, since: null };
    var lastSegment = null;

    var elapsed = function () { return timer.elapsed + (timer.since ? Date.now() - timer.since : 0); };
    var two = function (n) { return (n < 10 ? "0" : "") + n; };

    var renderTimer = function () {
      var ms = elapsed();
      var seconds = Math.floor(ms / 1000);
      clock.textContent = two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
      var minutes = ms / 60000;
      var current = null;
      segments.forEach(function (li) {
        var start = +li.dataset.start;
        var end = start + +li.dataset.minutes;
        var isCurrent = (timer.since || ms > 0) && minutes >= start && minutes < end;
        li.classList.toggle("is-current", !!isCurrent);
        li.classList.toggle("is-done", minutes >= end);
        if (isCurrent) { li.setAttribute("aria-current", "step"); current = li; } else { li.removeAttribute("aria-current"); }
      });
      var last = segments[segments.length - 1];
      var over = last && minutes >= +last.dataset.start + +last.dataset.minutes;
      clock.parentNode.classList.toggle("is-over", !!over);
      var text = "Not started";
      if (current) {
        var left = Math.ceil(+current.dataset.start + +current.dataset.minutes - minutes);
        text = current.querySelector(".live-segment-name").textContent + " \u00b7 " + left + " min left";
      } else if (over) {
        text = "Over time";
      }
      segmentLabel.textContent = text + (!timer.since && ms > 0 ? " (paused)" : "");
      var name = current ? current.querySelector(".live-segment-name").textContent : over ? "Over time" : null;
      if (name !== lastSegment) {
        if (lastSegment !== null && name) announce.textContent = "Now: " + name;
        lastSegment = name;
      }
      toggle.textContent = timer.since ? "Pause" : ms > 0 ? "Resume" : "Start timer";
      toggle.setAttribute("aria-pressed", timer.since ? "true" : "false");
    };

    toggle.addEventListener("click", function () {
      if (timer.since) { timer.elapsed = elapsed(); timer.since = null; } else { timer.since = Date.now(); }
      writeStore(timerKey, timer);
      renderTimer();
    });
    document.querySelector("[data-timer-reset]").addEventListener("click", function () {
      timer = { elapsed: 0, since: null };
      writeStore(timerKey, timer);
      renderTimer();
    });
    renderTimer();
    setInterval(renderTimer, 1000);
  }

  if (!form) {
    // A submitted (or cancelled) scorecard: nothing left to keep on this device.
    try { localStorage.removeItem(state.key); } catch (e) { /* ignore */ }
    return;
  }

  /* Questions asked --------------------------------------------------------------------- */

  var list = form.querySelector("[data-asked-list]");
  var template = document.getElementById("asked-template");
  var emptyNote = form.querySelector("[data-asked-empty]");
  var countNote = form.querySelector("[data-asked-count]");

  function field(item, name) { return item.querySelector('[data-name="' + name + '"]'); }

  function renumber() {
    var items = list.querySelectorAll("[data-asked]");
    items.forEach(function (item, n) {
      item.querySelectorAll("[data-name]").forEach(function (el) {
        el.name = "q-" + n + "-" + el.dataset.name;
      });
    });
    emptyNote.hidden = items.length > 0;
    countNote.textContent = items.length + " question" + (items.length === 1 ? "" : "s");
    syncBank();
  }

  function syncBank() {
    var taken = {};
    list.querySelectorAll("[data-asked]").forEach(function (item) {
      var id = field(item, "question_id").value;
      if (id) taken[id] = field(item, "skipped").checked ? "Skipped" : "Asked";
    });
    document.querySelectorAll("[data-bank]").forEach(function (bank) {
      var mark = taken[bank.dataset.questionId] || "";
      bank.classList.toggle("is-taken", !!mark);
      bank.querySelector("[data-bank-state]").textContent = mark;
      bank.querySelectorAll("[data-ask], [data-skip]").forEach(function (b) { b.disabled = !!mark; });
    });
  }

  function addAsked(q) {
    var item = template.content.firstElementChild.cloneNode(true);
    field(item, "question_id").value = q.question_id || "";
    field(item, "prompt").value = q.prompt;
    item.querySelector("[data-prompt-text]").textContent = q.prompt;
    item.querySelector("[data-prompt-label]").textContent = "on \u201c" + q.prompt.slice(0, 90) + "\u201d";
    field(item, "notes").value = q.notes || "";
    item.querySelectorAll('[data-name="score"]').forEach(function (r) {
      r.checked = r.value === (q.score ? String(q.score) : "");
    });
    field(item, "skipped").checked = !!q.skipped;
    item.classList.toggle("is-skipped", !!q.skipped);
    item.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    list.appendChild(item);
    return item;
  }

  function pick(bank, skipped) {
    var item = addAsked({ question_id: bank.dataset.questionId, prompt: bank.dataset.prompt, skipped: skipped });
    renumber();
    changed();
    if (!skipped) field(item, "notes").focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-ask], [data-skip], [data-remove], [data-add-own]");
    if (!button) return;
    if (button.matches("[data-remove]")) {
      var item = button.closest("[data-asked]");
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber();
      changed();
      (next ? next.querySelector("textarea") : form.querySelector("[data-own-question]")).focus();
    } else if (button.matches("[data-add-own]")) {
      addOwn();
    } else {
      pick(button.closest("[data-bank]"), button.matches("[data-skip]"));
    }
  });

  var own = form.querySelector("[data-own-question]");
  function addOwn() {
    var prompt = own.value.trim();
    if (!prompt) { own.focus(); return; }
    var item = addAsked({ prompt: prompt });
    own.value = "";
    renumber();
    changed();
    field(item, "notes").focus();
  }
  own.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); addOwn(); }
  });

  /* The draft: read from and written to the form ----------------------------------------- */

  function collect() {
    var d = { ratings: {}, signals: {}, red_flags: [], notes: "", recommendation: "", questions: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.closest("[data-asked]") || el.closest("template")) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var m;
      if ((m = el.name.match(/^rating-(.+)$/))) {
        d.ratings[m[1]] = +el.value;
      } else if ((m = el.name.match(/^(strong|weak)-(.+)$/))) {
        d.signals[m[2]] = d.signals[m[2]] || { strong: [], weak: [] };
        d.signals[m[2]][m[1]].push(el.value);
      } else if (el.name === "red_flags") {
        d.red_flags.push(el.value);
      } else if (el.name === "notes" || el.name === "recommendation") {
        d[el.name] = el.value;
      }
    });
    list.querySelectorAll("[data-asked]").forEach(function (item) {
      var score = item.querySelector('[data-name="score"]:checked');
      d.questions.push({
        question_id: +field(item, "question_id").value || null,
        prompt: field(item, "prompt").value,
        notes: field(item, "notes").value,
        score: score && score.value ? +score.value : null,
        skipped: field(item, "skipped").checked
      });
    });
    return d;
  }

  function apply(d) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.closest("[data-asked]") || el.closest("template")) return;
      var m;
      if ((m = el.name.match(/^rating-(.+)$/))) {
        el.checked = String((d.ratings || {})[m[1]]) === el.value;
      } else if ((m = el.name.match(/^(strong|weak)-(.+)$/))) {
        el.checked = (((d.signals || {})[m[2]] || {})[m[1]] || []).indexOf(el.value) !== -1;
      } else if (el.name === "red_flags") {
        el.checked = (d.red_flags || []).indexOf(el.value) !== -1;
      } else if (el.name === "notes") {
        el.value = d.notes || "";
      } else if (el.name === "recommendation") {
        el.checked = d.recommendation === el.value;
      }
    });
    list.textContent = "";
    (d.questions || []).forEach(addAsked);
    renumber();
  }

  /* Saving: localStorage at once, the server after a pause in typing --------------------- */

  var base = state.saved_at; // the server's version the local draft builds on
  var debounce = null;
  var inFlight = false;
  var again = false;

  function show(text, kind) {
    statusEl.textContent = text;
    statusEl.classList.toggle("is-problem", kind === "problem");
    statusEl.classList.toggle("is-saved", kind === "saved");
  }
  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : form.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  function changed() {
    writeStore(state.key, { data: collect(), changed_at: Date.now(), saved: false, base: base });
    show("Saving\u2026");
    clearTimeout(debounce);
    debounce = setTimeout(save, 800);
  }

  function save(keepalive) {
    var draft = readStore(state.key);
    if (!draft || draft.saved) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    fetch(state.url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify(draft.data)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.redirected) {
          show("Signed out: sign in again in another tab - your notes are kept on this device", "problem");
        } else if (response.ok && body && body.saved_at) {
          base = body.saved_at;
          var now = readStore(state.key);
          if (now) {
            now.base = base;
            if (now.changed_at === draft.changed_at) now.saved = true;
            writeStore(state.key, now);
          }
          show("Saved " + timeOf(body.saved_at), "saved");
        } else {
          var message = body && body.error ? body.error.message : "Not saved (error " + response.status + ")";
          show(message + " - kept on this device", "problem");
        }
      });
    }).catch(function () {
      show("Offline - kept on this device", "problem");
    }).then(function () {
      inFlight = false;
      if (again) { again = false; save(); }
    });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-own-question]")) changed();
  });
  form.addEventListener("change", function (event) {
    var item = event.target.closest("[data-asked]");
    if (item) item.classList.toggle("is-skipped", field(item, "skipped").checked);
    syncBank();
  });
  form.addEventListener("submit", function () { clearTimeout(debounce); });
  window.addEventListener("online", function () { save(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { clearTimeout(debounce); save(true); }
  });
  setInterval(function () {
    var draft = readStore(state.key);
    if (draft && !draft.saved) save();
  }, 15000);

  // On load: a newer draft on this device than the server's wins, and is sent again.
  var stored = readStore(state.key);
  if (stored && !stored.saved && stored.data &&
      (stored.base === state.saved_at || !state.saved_at || stored.changed_at > Date.parse(state.saved_at))) {
    apply(stored.data);
    show("Restored unsaved notes from this device - saving\u2026");
    save();
  } else {
    if (stored) { try { localStorage.removeItem(state.key); } catch (e) { /* ignore */ } }
    renumber();
  }
})();
