// Live reload for `sitegen serve` only: the server adds this script to pages as it sends them, never to build/.
// It listens for build events; a good build reloads the page, a bad one shows what is wrong over the last good page.
(function () {
  "use strict";
  var seen = null;
  var OVERLAY = "sitegen-overlay";

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;  // text only: a value from the data can never become markup
    if (className) el.className = className;
    return el;
  }

  function where(p) {
    return p.file ? p.file + (p.line ? ":" + p.line : "") : "(no file)";
  }

  function item(p) {
    var li = document.createElement("li");
    li.appendChild(text("code", where(p), "sitegen-overlay-where"));
    var parts = [];
    if (p.field) parts.push("field " + p.field);
    if (p.value !== null && p.value !== undefined) parts.push("value '" + p.value + "'");
    li.appendChild(text("span", (parts.length ? " " + parts.join(", ") + ": " : " ") + p.message));
    if (p.hint) li.appendChild(text("p", "Hint: " + p.hint, "sitegen-overlay-hint"));
    return li;
  }

  function show(state) {
    hide();
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", OVERLAY + "-title");
    var count = state.problems.length;
    box.appendChild(text("h2", count ? "The site did not rebuild: " + count + (count === 1 ? " problem" : " problems")
      : "The site did not rebuild", "")).id = OVERLAY + "-title";
    if (state.message) box.appendChild(text("p", state.message));
    var list = document.createElement("ol");
    state.problems.forEach(function (p) { list.appendChild(item(p)); });
    if (count) box.appendChild(list);
    box.appendChild(text("p", "This is the last good build. Fix the file: the page reloads by itself."));
    var close = text("button", "Hide");
    close.type = "button";
    close.addEventListener("click", hide);
    box.appendChild(close);
    document.body.appendChild(box);
  }

  function hide() {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
  }

  // which page this is: an edit of the data makes the open pages first
  var events = new EventSource("/__sitegen/events?page=" + encodeURIComponent(location.pathname));
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    var build = state.run + ":" + state.version;
    if (seen === null) seen = build;
    if (state.problems.length || state.message) {
      show(state);
    } else if (build !== seen) {
      location.reload();
    } else {
      hide();
    }
  };
})();
