// The console's keyboard shortcuts on the case queue: j/k move the
// selection between rows, Enter opens the selected case, e escalates it,
// d focuses the dismiss reason with the case ticked. Everything they do is
// also a plain link, checkbox or button: the pages work without this file.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  if (rows.length === 0) { return; }
  var at = -1;

  function select(i) {
    if (at >= 0) { rows[at].classList.remove("selected"); rows[at].removeAttribute("aria-selected"); }
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add("selected");
    rows[at].setAttribute("aria-selected", "true");
    var link = rows[at].querySelector("a");
    if (link) { link.focus(); }
  }

  function tick() {
    if (at < 0) { return false; }
    var box = rows[at].querySelector("input[type=checkbox]");
    if (box) { box.checked = true; }
    return !!box;
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
      if (t.type !== "checkbox") { return; }
    }
    if (ev.key === "j") { select(at + 1); ev.preventDefault(); }
    else if (ev.key === "k") { select(at < 0 ? 0 : at - 1); ev.preventDefault(); }
    else if (ev.key === "Enter" && at >= 0 && t && t.tagName !== "A" && t.tagName !== "BUTTON") {
      var link = rows[at].querySelector("a");
      if (link) { window.location.href = link.href; ev.preventDefault(); }
    }
    else if (ev.key === "e" && tick()) {
      var esc = document.getElementById("bulk-escalate");
      if (esc) { esc.click(); ev.preventDefault(); }
    }
    else if (ev.key === "d") {
      tick();
      var reason = document.getElementById("bulk-reason");
      if (reason) { reason.focus(); ev.preventDefault(); }
    }
  });
})();
