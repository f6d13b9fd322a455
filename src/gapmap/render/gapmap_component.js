/* The map as a Streamlit component (no build step, no framework): Streamlit sends the base (a level's areas,
 * the teams) and the style (one indicator); the base is drawn only when it changes, the style is swapped in place.
 * Protocol: Streamlit components v1 (streamlit:componentReady, streamlit:render, streamlit:setFrameHeight).
 */
(function () {
  function send(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data || {}), "*");
  }
  var map = null, baseKey = null, styleKey = null, told = false;
  window.addEventListener("message", function (event) {
    var d = event.data;
    if (!d || d.type !== "streamlit:render") return;
    var a = d.args;
    send("streamlit:setFrameHeight", {height: a.height});
    try {
      if (a.base_key !== baseKey) {
        if (map) map.remove();  // another level, teams list or background: a new map in the same frame
        var base = a.base;
        // A hex map is drawn on a plain plane, so every hexagon is the same size on screen.
        map = base.crs === "simple"
          ? L.map("map_div", {crs: L.CRS.Simple, center: [0, 0], zoom: 3, zoomSnap: 0.25, maxZoom: 7, minZoom: 0})
          : L.map("map_div", {center: [55, -3.2], zoom: 5, zoomSnap: 0.25, maxZoom: 13, minZoom: 4});
        base.geojson = JSON.parse(base.geojson);
        gapmapBase(map, base);
        baseKey = a.base_key;
        styleKey = null;
      }
      if (a.style_key !== styleKey) {
        gapmapApply(map, JSON.parse(a.style));
        styleKey = a.style_key;
      }
    } finally {
      // Once per page the app is told the map is drawn, and then draws what it held back (the ranked chart,
      // tables): after the frame showing the map is painted (a timeout after the animation frame), so the map is
      // on screen while the rest keeps the browser busy; at the latest after a second, as a tab in the
      // background paints no frames; and even if drawing failed, so the rest of the page never waits on the map.
      if (!told) {
        told = true;
        var sent = false;
        var tell = function () {
          if (sent) return;
          sent = true;
          send("streamlit:setComponentValue", {value: true, dataType: "json"});
        };
        requestAnimationFrame(function () { setTimeout(tell, 50); });
        setTimeout(tell, 1000);
      }
    }
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
