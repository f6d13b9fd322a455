/* gapmap's browser map: one areas layer per geography level, restyled for each indicator without reloading.
 *
 * gapmapBase(map, base) draws a level's areas once (grey until styled), fitted to the frame, and the layers every
 * indicator shares: team points (clustered only where they would overlap), the optional background tiles and the
 * layer control. base = {geojson, teams: [{lat, lon, exact, popup, tip}], teams_layer, tiles: {url, attribution,
 * name} or null; for a hex map also crs: "simple" (the map is made with L.CRS.Simple, see gapmap_component.js)
 * and outlines: the regions or nations drawn over the hexagons}.
 * gapmapApply(map, style) colours them for one indicator: fills, hatching for suppressed areas, tooltips, the
 * legend (in its own column beside the map, never over it), the source line and the areas to focus on (style.focus:
 * outlined, fitted once without animation, their popup, style.popup, placed clear of them). On a hex map an area
 * whose style says so (style.areas[code][4]) gets a ring inside its hexagon: a known team serves it.
 * gapmapClear(map) undoes gapmapApply, so the next indicator starts clean. Every text arrives escaped.
 */
(function () {
  if (window.gapmapInit) return;

  // Tooltips stay inside the map: Leaflet places a tooltip beside the pointer ('auto' picks the side towards the
  // map's centre); near an edge a wide tooltip could still be cut off by the frame, so it is moved back inside.
  var place = L.Tooltip.prototype._setPosition;
  L.Tooltip.prototype._setPosition = function (pos) {
    place.call(this, pos);
    var map = this._map, el = this._container;
    if (!map || !el) return;
    var box = el.getBoundingClientRect(), frame = map.getContainer().getBoundingClientRect(), m = 4;
    var dx = Math.max(0, frame.left + m - box.left) - Math.max(0, box.right - (frame.right - m));
    var dy = Math.max(0, frame.top + m - box.top) - Math.max(0, box.bottom - (frame.bottom - m));
    if (dx || dy) L.DomUtil.setPosition(el, L.DomUtil.getPosition(el).add([dx, dy]));
  };

  // Room at the foot for the source line, so it never covers an area when the map opens.
  var FIT = {paddingTopLeft: [6, 6], paddingBottomRight: [6, 22]};
  // The area found: fitted with a margin, never closer than zoom 10 (a small town would fill the frame).
  var FOCUS_ZOOM = 10, FOCUS_PAD = 20;
  var TIP = 20, GAP = 10;  // px: a popup's tip (leaflet.css), and the gap between a popup beside an area and the area
  var BASE = {fillColor: "#eeeeee", fillOpacity: 1, color: "#404040", weight: 0.8, opacity: 1};

  // A hex map is a plain plane (one unit a hexagon's radius): the area found is zoomed to at most this.
  var HEX_FOCUS_ZOOM = 4.5;  // a hexagon about 39 px across, its neighbours in view around it
  var RING = 0.77;  // a ring's corners lie this share of the way from the hexagon's centre to its corners

  window.gapmapBase = function (map, base) {
    var hex = base.crs === "simple";
    var layer = window.gapmapInit(map, base.geojson, hex ? {focusZoom: HEX_FOCUS_ZOOM, hex: true} : {});
    if (base.outlines) {  // white under black, over the hexagons; never in the way of the pointer
      var lines = typeof base.outlines === "string" ? JSON.parse(base.outlines) : base.outlines;
      var line = function (colour, weight) {
        return L.geoJSON(lines, {interactive: false, style: {color: colour, weight: weight, opacity: 1, fill: false}});
      };
      map.gapmap.outlines = L.featureGroup([line("#ffffff", 3.5), line("#111111", 1.6)]).addTo(map);
    }
    var overlays = {};
    if (base.tiles) {
      overlays[base.tiles.name] = L.tileLayer(base.tiles.url, {attribution: base.tiles.attribution, maxZoom: 19})
        .addTo(map);
    }
    if (base.teams && base.teams.length) {
      var cluster = L.markerClusterGroup({
        maxClusterRadius: 20,  // px: only points that would overlap are grouped
        disableClusteringAtZoom: 9,
        showCoverageOnHover: false,
        spiderfyOnMaxZoom: true,
        iconCreateFunction: function (c) {  // small, so a cluster does not hide the areas beneath it
          return L.divIcon({html: "<span>" + c.getChildCount() + "</span>",
            className: "marker-cluster gapmap-cluster", iconSize: L.point(20, 20)});
        },
      });
      base.teams.forEach(function (t) {
        var m = L.circleMarker([t.lat, t.lon], {radius: 4, color: "#b2182b", weight: 1.5,
          dashArray: t.exact ? null : "2,1.5", fillColor: t.exact ? "#b2182b" : "#ffffff", fillOpacity: 1,
          className: "gapmap-team"});
        m.bindPopup(t.popup, {maxWidth: 320, autoPanPadding: [24, 24]});
        m.bindTooltip(t.tip, {direction: "auto"});
        cluster.addLayer(m);
      });
      overlays[base.teams_layer] = cluster.addTo(map);
      map.gapmap.teams = cluster;
    }
    // Collapsed to a button in the corner, so it never sits over an area when the map opens.
    if (Object.keys(overlays).length) L.control.layers(null, overlays, {collapsed: true}).addTo(map);
    return layer;
  };

  window.gapmapInit = function (map, geojson, options) {
    var byCode = {};
    var layer = L.geoJSON(geojson, {
      style: function () { return L.extend({className: "gapmap-area"}, BASE); },
      onEachFeature: function (f, l) {
        byCode[f.properties.area_code] = l;
        l.on("mouseover", function () { l.setStyle({weight: 2.5, color: "#000000"}); });
        l.on("mouseout", function () { l.setStyle({weight: BASE.weight, color: BASE.color}); });
      },
    }).addTo(map);
    var g = map.gapmap = {areas: layer, byCode: byCode, options: options, focus: null, popup: null, outline: null,
      moved: false, rings: null};
    window.gapmapMap = map;  // for tests and scripts: the map and its areas layer
    if (map.attributionControl) {
      map.attributionControl.setPrefix('<a href="https://leafletjs.com" target="_blank" rel="noopener">Leaflet</a>');
    }
    // The frame may get its size only after the map is made (Streamlit sets a component's height later), so the
    // areas are fitted again whenever the size changes, until the user moves the map themselves.
    var container = map.getContainer();
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (ev) {
      container.addEventListener(ev, function () { g.moved = true; }, {passive: true});
    });
    map.on("resize", function () { if (!g.moved) fit(map); });
    fit(map);
    return layer;
  };

  // Every fit is immediate (animate: false): an animated zoom still running when the next fit comes (the area
  // found, the frame's real size) finished afterwards and put the old view back, and the popup's auto-pan moved the
  // map off the area. So: one immediate fit, again whenever the frame's size changes, and the popup placed in room
  // the fit leaves beside the area.
  function fit(map) {
    var g = map.gapmap, size = map.getSize();
    if (!size.x || !size.y) return;  // not laid out yet: the resize that follows fits it
    var bounds = focusBounds(g);
    if (!bounds) {
      map.fitBounds(g.areas.getBounds(), L.extend({animate: false}, FIT));
      return;
    }
    var place = g.popup && g.popup.isOpen() ? popupPlace(map, bounds, g.popup) : null;
    map.fitBounds(bounds, L.extend({maxZoom: g.options.focusZoom || FOCUS_ZOOM, animate: false},
      place ? place.fit : {padding: [FOCUS_PAD, FOCUS_PAD]}));
    if (place) {
      g.popup.options.offset = place.offset;
      var el = g.popup.getElement();
      if (place.side === "beside") L.DomUtil.addClass(el, "gapmap-popup-beside");
      else L.DomUtil.removeClass(el, "gapmap-popup-beside");
      g.popup.setLatLng(place.at);  // and drawn there in the new view
    }
  }

  // The areas found, outlined black on white so the line shows on the darkest and the palest fill alike.
  function outline(layers) {
    var features = layers.map(function (l) { return l.feature; });
    var line = function (colour, weight) {
      return L.geoJSON(features, {interactive: false, style: {color: colour, weight: weight, opacity: 1, fill: false}});
    };
    return L.featureGroup([line("#ffffff", 5), line("#000000", 2.5)]);
  }

  function focusBounds(g) {
    if (!g.focus || !g.focus.length) return null;
    var bounds = L.latLngBounds([]);
    g.focus.forEach(function (l) { bounds.extend(l.getBounds()); });
    return bounds;
  }

  // Where the found area's popup goes: above the area's top edge, or beside its right edge, whichever lets the area
  // be drawn larger. The fit leaves that room, so the popup never covers the area. (Leaflet draws a popup centred
  // over its point, its box TIP px above it; the offset moves it from there.)
  function popupPlace(map, bounds, popup) {
    var el = popup.getElement(), w = el.offsetWidth, h = el.offsetHeight, p = FOCUS_PAD;
    var foot = FIT.paddingBottomRight[1];  // the source line
    var above = {
      side: "above", at: L.latLng(bounds.getNorth(), bounds.getCenter().lng), offset: L.point(0, 0),
      fit: {paddingTopLeft: [p, p + h + TIP], paddingBottomRight: [p, p + foot]},
    };
    var beside = {
      side: "beside", at: L.latLng(bounds.getCenter().lat, bounds.getEast()), offset: L.point(GAP + w / 2, TIP + h / 2),
      fit: {paddingTopLeft: [p, p], paddingBottomRight: [p + w + GAP, p + foot]},
    };
    var zoom = function (o) {
      var pad = L.point(o.fit.paddingTopLeft).add(o.fit.paddingBottomRight);
      return Math.min(map.getBoundsZoom(bounds, false, pad), map.gapmap.options.focusZoom || FOCUS_ZOOM);
    };
    return zoom(beside) > zoom(above) ? beside : above;
  }

  // A ring inside a hexagon: its corners moved towards its centre (non-interactive, so hovering still finds
  // the hexagon underneath).
  function ring(l) {
    var c = l.getBounds().getCenter(), pts = l.getLatLngs()[0];
    return L.polygon(pts.map(function (p) {
      return [c.lat + RING * (p.lat - c.lat), c.lng + RING * (p.lng - c.lng)];
    }), {interactive: false, fill: false, color: "#b2182b", weight: 2, opacity: 1, className: "gapmap-ring"});
  }

  window.gapmapApply = function (map, d) {
    var g = map.gapmap;
    window.gapmapClear(map);
    g.style = d;
    var rings = [];
    g.areas.eachLayer(function (l) {
      var s = d.areas[l.feature.properties.area_code];
      if (!s) return;
      l.setStyle({fillColor: s[0], fillOpacity: s[1] ? 1 : 0.85});
      if (s[1] && l.getElement()) L.DomUtil.addClass(l.getElement(), "gapmap-suppressed");
      else if (s[3] && l.getElement()) L.DomUtil.addClass(l.getElement(), "gapmap-nodata");
      l.bindTooltip(s[2], {sticky: true, direction: "auto", className: "gapmap-tip", opacity: 0.96});
      if (s[4] && g.options.hex) rings.push(ring(l));
    });
    if (rings.length) g.rings = L.featureGroup(rings).addTo(map);
    if (g.outlines) g.outlines.bringToFront();
    var legend = document.querySelector(".gapmap-legend");
    if (legend) {
      legend.innerHTML = d.legend;
      moreCue(legend);
    }
    if (d.attribution) map.attributionControl.addAttribution(d.attribution);
    var focus = (d.focus || []).map(function (c) { return g.byCode[c]; }).filter(Boolean);
    var before = (g.focus || []).length;
    g.focus = focus;
    if (focus.length) g.outline = outline(focus).addTo(map);
    if (focus.length && d.popup) {  // opened before the fit, which measures it and leaves it room
      g.popup = L.popup({maxWidth: 260, autoPan: false, className: "gapmap-popup"})
        .setLatLng(focusBounds(g).getCenter()).setContent(d.popup.html).openOn(map);
    }
    if (focus.length || before) {  // zoom to the area found, or back out to every area once it is cleared
      g.moved = false;
      fit(map);
    }
  };

  // A legend taller than its column says so at its foot ("More below"), until it has been scrolled to the end:
  // the sources at its end would otherwise be cut mid-line with no sign that the column scrolls.
  function moreCue(legend) {
    var cue = document.createElement("div");
    cue.className = "more";
    cue.textContent = "More below \u25BC (scroll)";
    legend.appendChild(cue);
    function update() {
      var hidden = legend.scrollHeight - legend.clientHeight - legend.scrollTop > cue.offsetHeight + 2;
      cue.style.display = hidden ? "" : "none";
    }
    legend.onscroll = update;
    cue.style.display = "none";
    update();
    if (!legend.gapmapCue) window.addEventListener("resize", function () { legend.gapmapCue(); });
    legend.gapmapCue = update;
  }

  window.gapmapClear = function (map) {
    var g = map.gapmap, d = g.style;
    if (!d) return;
    g.areas.eachLayer(function (l) {
      l.unbindTooltip();
      l.setStyle(BASE);
      if (l.getElement()) {
        L.DomUtil.removeClass(l.getElement(), "gapmap-suppressed");
        L.DomUtil.removeClass(l.getElement(), "gapmap-nodata");
      }
    });
    if (d.attribution) map.attributionControl.removeAttribution(d.attribution);
    if (g.popup) map.closePopup(g.popup);
    if (g.outline) g.outline.remove();
    if (g.rings) g.rings.remove();
    g.popup = g.outline = g.rings = null;
    var legend = document.querySelector(".gapmap-legend");
    if (legend) legend.innerHTML = "";
    g.style = null;
  };
})();
