// The workspace's keys: no mouse needed. Enter confirms and goes on; e edits; Ctrl+Enter
// saves; Esc stops editing; u undoes the edit; n/p next and previous; +/- zoom; arrows pan;
// l switches between Thai and English.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf"]').content;
  var lang = document.querySelector('meta[name="lang"]').content;
  var cell = document.getElementById("cell");
  function otherLanguage() {
    var url = new URL(window.location.href);
    url.searchParams.set("lang", lang === "en" ? "th" : "en");
    window.location.href = url.toString();
  }
  if (!cell) {
    document.addEventListener("keydown", function (e) {
      var start = document.getElementById("start");
      if (e.key === "Enter" && start && document.activeElement === document.body) { start.click(); }
      else if (e.key === "l" && !e.ctrlKey && !e.metaKey) { otherLanguage(); }
    });
    return;
  }
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var text = document.getElementById("text");
  var status = document.getElementById("status");
  var loaded = text.defaultValue;
  var history = [loaded];
  var zoom = 1, x = 0, y = 0;
  var crop = document.getElementById("crop");
  function go(key) { window.location.href = key ? "/cell/" + key + "?lang=" + lang : "/?lang=" + lang; }
  function place() { if (crop) { crop.style.transform = "translate(" + x + "px," + y + "px) scale(" + zoom + ")"; } }
  function editing() { return !text.readOnly; }
  function edit() { text.readOnly = false; text.focus(); text.setSelectionRange(text.value.length, text.value.length); }
  function stop() { text.readOnly = true; text.blur(); }
  function show(data) {
    var box = document.getElementById("normalized");
    box.textContent = "";
    if (data.period !== undefined) {
      var p = document.createElement("p"); p.className = "period";
      p.append(box.dataset.labelPeriod + ": ");
      var b = document.createElement("b"); b.id = "period";
      b.textContent = data.period ? data.period[0] + " – " + data.period[1] : "—";
      p.append(b); box.append(p);
    }
    var ul = document.createElement("ul");
    function item(s) { var li = document.createElement("li"); li.textContent = s; ul.append(li); }
    data.dates.forEach(function (d) { item(d.text + " → " + d.start + (d.end !== d.start ? " – " + d.end : "")); });
    data.percentages.forEach(function (d) { item(d.text + " → " + d.value + " %"); });
    data.counts.forEach(function (d) { item(d.text + " → " + d.value + " " + d.unit); });
    box.append(ul);
    var w = document.getElementById("warnings"); w.textContent = "";
    (data.warnings.length ? data.warnings : [labels.none]).forEach(function (m) {
      var li = document.createElement("li"); li.textContent = m; w.append(li);
    });
  }
  var pending = 0;
  function renormalize() {
    var ticket = ++pending;
    fetch("/api/normalize/" + cell.dataset.record + "/" + cell.dataset.cell + "?text=" + encodeURIComponent(text.value))
      .then(function (r) { return r.json(); })
      .then(function (data) { if (ticket === pending) { show(data); } });
  }
  text.addEventListener("input", function () { history.push(text.value); renormalize(); });
  function save() {
    status.textContent = "…";
    return fetch("/api/save", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ record_id: cell.dataset.record, cell: cell.dataset.cell, text: text.value, expected: loaded })
    }).then(function (r) {
      if (r.status === 409) {
        return r.json().then(function (d) { status.className = "conflict"; status.textContent = labels.conflict + d.text; return false; });
      }
      if (!r.ok) { status.className = "conflict"; status.textContent = "HTTP " + r.status; return false; }
      status.className = "saved"; status.textContent = labels.saved; return true;
    });
  }
  function saveAndNext() { save().then(function (ok) { if (ok) { go(cell.dataset.next); } }); }
  document.addEventListener("keydown", function (e) {
    if (editing()) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); stop(); saveAndNext(); }
      else if (e.key === "Escape") { e.preventDefault(); stop(); }
      return;
    }
    var handled = true;
    switch (e.key) {
      case "Enter": saveAndNext(); break;
      case "e": edit(); break;
      case "u":
        if (history.length > 1) { history.pop(); } text.value = history[history.length - 1]; renormalize(); break;
      case "n": case "j": go(cell.dataset.next); break;
      case "p": case "k": if (cell.dataset.previous) { go(cell.dataset.previous); } break;
      case "+": case "=": zoom = Math.min(zoom * 1.25, 8); place(); break;
      case "-": zoom = Math.max(zoom / 1.25, 0.25); place(); break;
      case "0": zoom = 1; x = 0; y = 0; place(); break;
      case "ArrowLeft": x += 60; place(); break;
      case "ArrowRight": x -= 60; place(); break;
      case "ArrowUp": y += 60; place(); break;
      case "ArrowDown": y -= 60; place(); break;
      case "Escape": go(""); break;
      case "l": otherLanguage(); break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); }
  });
})();
