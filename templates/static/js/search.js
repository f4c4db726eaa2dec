// Site search. Without JavaScript the header links to the councils A-Z list; with it, the search form appears,
// and the search page asks Pagefind's index (files of this site only) and lists what it finds, as text.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = new URL("../../", script.src); // this file is static/js/search.js under the site's root
  document.querySelectorAll(".site-search").forEach(function (box) {
    box.querySelector("form").hidden = false;
    box.querySelector(".search-fallback").hidden = true;
  });
  var out = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!out || !status) return;
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  document.querySelectorAll("input[name=q]").forEach(function (input) { input.value = query; });
  if (!query) return;
  status.textContent = "Searching…";

  function plain(html) { // Pagefind's excerpts are HTML: keep their text only, never their markup
    return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
  }

  function show(found) {
    status.textContent = found.length ? found.length + " result" + (found.length === 1 ? "" : "s") +
      " for “" + query + "”" : "Nothing found for “" + query + "”. Try the councils A to Z list.";
    found.forEach(function (page) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = page.url;
      link.textContent = (page.meta && page.meta.title) || page.url;
      var excerpt = document.createElement("p");
      excerpt.className = "note";
      excerpt.textContent = plain(page.excerpt || "");
      item.append(link, excerpt);
      out.append(item);
    });
  }

  import(new URL("pagefind/pagefind.js", root).href)
    .then(function (pagefind) {
      // exact words over stems ("Poole" before "pooled"), and a short page's few mentions not over a council's name
      var ranking = { termSimilarity: 4.0, pageLength: 0.25 };
      return pagefind.options({ baseUrl: root.pathname, ranking: ranking }).then(function () {
        return pagefind.search(query);
      });
    })
    .then(function (search) {
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    })
    .then(show)
    .catch(function () {
      status.textContent = "Search could not run here (it needs the site to be served over HTTP). " +
        "The councils A to Z list has every council.";
    });
})();
