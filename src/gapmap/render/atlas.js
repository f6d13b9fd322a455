// gapmap atlas: search-as-you-type on the index page. The page works without it (every area is listed);
// text from the index is set with textContent, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var data = window.GAPMAP_SEARCH;
  if (!box || !data) return;
  box.hidden = false;
  var input = document.getElementById("q");
  var status = document.getElementById("q-status");
  var list = document.getElementById("q-results");
  function norm(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/&/g, " and ")
      .replace(/[^0-9a-z]+/g, " ").trim();
  }
  var keyed = data.areas.map(function (a) { return { a: a, k: norm(a.n), c: a.c.toLowerCase() }; });
  function item(href, text) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    li.appendChild(link);
    return li;
  }
  function outward(text) {
    var t = text.toUpperCase().replace(/[^0-9A-Z ]/g, "").trim();
    if (!t) return "";
    if (t.indexOf(" ") > 0) return t.split(" ")[0];
    return t.length > 4 ? t.slice(0, t.length - 3) : t;
  }
  function search() {
    var raw = input.value;
    var q = norm(raw);
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    var shown = 0;
    var district = data.districts[outward(raw)];
    if (district) {
      list.appendChild(item("area/la/" + district.c + ".html",
        "Postcode district " + outward(raw) + ": its centre lies in " + district.n + " (local authority)"));
      shown++;
    }
    var hits = keyed.filter(function (e) { return e.k.indexOf(q) >= 0 || e.c.indexOf(q) === 0; });
    hits.sort(function (x, y) { return (x.k.indexOf(q) === 0 ? 0 : 1) - (y.k.indexOf(q) === 0 ? 0 : 1) || x.k.localeCompare(y.k); });
    hits.slice(0, 20).forEach(function (e) { list.appendChild(item(e.a.u, e.a.n + " (" + e.a.l + ", " + e.a.c + ")")); shown++; });
    var total = hits.length + (district ? 1 : 0);
    status.textContent = total === 0 ? "No area or postcode district matches." :
      total === 1 ? "1 match." : total + " matches" + (total > shown ? ", the first " + shown + " shown." : ".");
  }
  input.addEventListener("input", search);
  search();
})();
