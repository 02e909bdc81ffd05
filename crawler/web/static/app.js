// District Account Scout web app: optional improvements; every page works without this file.
(function () {
  "use strict";
  // Search progress: poll the job's JSON into the ARIA live region; show the results when done.
  var box = document.querySelector("[data-poll]");
  if (box) {
    var live = document.getElementById("progress-text");
    var manual = document.getElementById("check-progress");
    if (manual) { manual.hidden = true; }
    var poll = function () {
      fetch(box.getAttribute("data-poll"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (live && live.textContent !== job.message) { live.textContent = job.message; }
          if (job.done) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
        })
        .catch(function () { if (manual) { manual.hidden = false; } });
    };
    window.setTimeout(poll, 1500);
  }
  // Keyboard triage on the queue: j / k move between cases, Enter opens the focused one.
  var rows = Array.prototype.slice.call(document.querySelectorAll("a[data-case]"));
  var typing = function (el) { return el && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName); };
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) { return; }
    if (rows.length && (ev.key === "j" || ev.key === "k")) {
      var i = rows.indexOf(document.activeElement);
      i = ev.key === "j" ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
      rows[i].focus();
      ev.preventDefault();
      return;
    }
    // On a case page, a key per decision selects it in the form and moves focus to its note.
    var select = document.getElementById("decision");
    if (select) {
      var keys = { n: "notified", r: "registered", d: "deactivated", p: "reported", x: "not-district", a: "affiliated", o: "reopen" };
      if (keys[ev.key]) {
        select.value = keys[ev.key];
        var note = document.getElementById("note");
        (note || select).focus();
        ev.preventDefault();
      }
    }
  });
}());
