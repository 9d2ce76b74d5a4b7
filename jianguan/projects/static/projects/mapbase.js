/* Shared Leaflet set-up: basemap from MAP_TILE_URL (or a plain background), the district
   boundary and the town labels. Nothing is loaded from the internet unless configured. */
(function () {
  "use strict";
  function create(el, config) {
    var map = L.map(el, {maxZoom: config.max_zoom || 18, minZoom: 5, zoomControl: true,
                         preferCanvas: false, attributionControl: true});
    map.attributionControl.setPrefix(false);
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
    if (config.tiles && config.tiles.length) {
      config.tiles.forEach(function (url) {
        L.tileLayer(url, {maxZoom: config.max_zoom || 18, subdomains: config.subdomains || "abc",
                          attribution: config.attribution || ""}).addTo(map);
      });
    } else {
      el.classList.add("jg-plain");
    }
    var bounds = null;
    if (config.boundary) {
      var layer = L.geoJSON(config.boundary, {interactive: false,
        style: {color: "#5b6b82", weight: 2, dashArray: "6 4", fillColor: "#ffffff", fillOpacity: 0.55}}).addTo(map);
      bounds = layer.getBounds();
    }
    // Town labels sit under the project markers (own pane below the marker pane).
    map.createPane("jgTowns").style.zIndex = 450;
    var towns = L.layerGroup().addTo(map);
    (config.towns || []).forEach(function (t) {
      L.circleMarker([t.lat, t.lon], {radius: 2, color: "#718096", weight: 1, fillOpacity: 0.8,
                                      interactive: false, pane: "jgTowns"})
        .bindTooltip(t.name, {permanent: true, direction: "right", className: "jg-town-label",
                              offset: [3, 0], pane: "jgTowns"})
        .addTo(towns);
    });
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, {padding: [10, 10]});
    } else {
      map.setView(config.centre || [39.726, 116.341], 11);
    }
    return {map: map, boundaryBounds: bounds};
  }
  window.JGMap = {create: create};
})();
