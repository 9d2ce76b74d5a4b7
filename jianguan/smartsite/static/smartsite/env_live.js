/* The live environment map: each site a dot coloured by its latest readings. */
(function () {
  "use strict";
  var el = document.getElementById("env-map");
  var cfgEl = document.getElementById("env-map-config");
  if (!el || !cfgEl || !window.L) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var COLOURS = {red: "#d63939", yellow: "#f59f00", green: "#2fb344", grey: "#9aa0ac"};
  var base = JGMap.create(el, cfg);
  var map = base.map;
  var bounds = L.latLngBounds([]);
  cfg.sites.forEach(function (s) {
    var link = document.createElement("a");
    link.href = s.url;
    link.textContent = s.name + "（" + s.label + (s.alerts ? "，告警 " + s.alerts + " 条" : "") + "）";
    L.circleMarker([s.lat, s.lon], {radius: s.level === "red" ? 10 : 7, color: "#fff", weight: 2,
      fillColor: COLOURS[s.level] || COLOURS.grey, fillOpacity: 0.95})
      .bindPopup(link).bindTooltip(s.name).addTo(map);
    bounds.extend([s.lat, s.lon]);
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.3), {maxZoom: 14}); }
  else if (cfg.district_bounds) { map.fitBounds(cfg.district_bounds); }
  else { map.setView(cfg.centre, 11); }
})();
