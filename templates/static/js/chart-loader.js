// Interactive charts on request. The SVG, its description and its table are the chart; a reader who wants
// values on hover asks for them, and only then is the chart library (about 900 KB) loaded, from this site.
(function () {
  "use strict";
  var bundle = document.currentScript.getAttribute("data-bundle");
  var buttons = [];
  function load() {
    buttons.forEach(function (button) { button.disabled = true; button.textContent = "Loading the interactive charts…"; });
    var script = document.createElement("script");
    script.src = bundle;
    script.addEventListener("load", function () { buttons.forEach(function (button) { button.remove(); }); });
    document.head.appendChild(script);
  }
  document.querySelectorAll("figure.chart[data-spec]").forEach(function (figure) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-explore";
    button.textContent = "Make the charts interactive (values on hover)";
    button.addEventListener("click", load, { once: true });
    figure.querySelector(".chart-view").after(button);
    buttons.push(button);
  });
  // A link to one month's figure (#figure-…) lands in a monthly chart's table, folded in a <details>: unfold it
  function reveal() {
    var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var folded = target ? target.closest("details") : null;
    if (folded && !folded.open) { folded.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
