/* Shared Leaflet set-up for the one map and the create page's mini-map.
   Base map: the tiles of MAP_TILE_URL when configured (天地图), else the schematic district
   layer (projects/daxing.geojson: towns, roads, rivers, airport - a static file of this site,
   so the map works offline); with tiles the schematic layer stays available as an overlay.
   Town names are permanent tooltips in a pane below the markers, and a greedy collision pass
   (declutter) moves or hides any name that would cover a marker or an earlier name. */
(function () {
  "use strict";
  var STYLE = {
    district: {color: "#8592a3", weight: 1.5, fillColor: "#fbfcfd", fillOpacity: 1},
    town: {color: "#b7c0cc", weight: 1, dashArray: "4 3", fillColor: "#eef4e8", fillOpacity: 0.9},
    subdistrict: {color: "#c9b99a", weight: 1, dashArray: "2 3", fillColor: "#fbf1de", fillOpacity: 0.9},
    water: {color: "#74b5e8", weight: 1, fillColor: "#a9d4f5", fillOpacity: 0.9},
    river: {color: "#5aa6e0", weight: 2},
    expressway: {color: "#a3acb8", weight: 3},
    road: {color: "#c3cad3", weight: 2}
  };
  // Subdistricts are a few km across: their names only fit once zoomed in.
  var MIN_ZOOM = {town: 0, airport: 10, subdistrict: 12};
  // Where a name may go if its own place is taken: centred, then above or below, clear of a
  // 14 px pin, then clear of a cluster circle (30-44 px).
  var SHIFTS = [0, -20, 20, -32, 32];

  function styleFor(feature) {
    var p = feature.properties;
    var s = L.extend({}, STYLE[p.kind] || STYLE.road);
    if (p.name === "永定河") { s.weight = 4; }
    s.className = "jg-base-" + p.kind;
    return s;
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function grow(r, px) {
    return {left: r.left - px, top: r.top - px, right: r.right + px, bottom: r.bottom + px};
  }

  function create(el, config) {
    var map = L.map(el, {maxZoom: config.max_zoom || 18, minZoom: 5, zoomControl: true,
                         preferCanvas: false, attributionControl: true, tapTolerance: 20});
    map.attributionControl.setPrefix(false);
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
    // Base layer above the tiles and below drawn query shapes; names above both, below markers.
    map.createPane("jgBase").style.zIndex = 250;
    map.createPane("jgTowns").style.zIndex = 450;

    var tiles = null;
    if (config.tiles && config.tiles.length) {
      tiles = L.layerGroup(config.tiles.map(function (url) {
        return L.tileLayer(url, {maxZoom: config.max_zoom || 18, subdomains: config.subdomains || "abc",
                                 attribution: config.attribution || ""});
      })).addTo(map);
    } else {
      el.classList.add("jg-plain");
    }
    var schematic = L.layerGroup();
    var names = L.layerGroup();
    var labels = [];  // {tooltip, kind}, in the order the collision pass places them
    if (!tiles) { schematic.addTo(map); names.addTo(map); }

    function addLabel(name, latlng, kind) {
      var tip = L.tooltip({permanent: true, direction: "center", interactive: false, pane: "jgTowns",
                           className: "jg-town-label jg-town-label-" + kind})
        .setLatLng(latlng).setContent(name);
      names.addLayer(tip);
      labels.push({tooltip: tip, kind: kind});
    }

    function drawSchematic(data) {
      L.geoJSON(data, {
        pane: "jgBase", interactive: false, attribution: config.basemap_attribution || "",
        filter: function (f) { return f.properties.kind !== "airport"; },
        style: function (f) {
          var s = styleFor(f);
          // Over tiles the overlay is lines and a faint tint: the tiles stay readable.
          if (tiles && s.fillOpacity) { s.fillOpacity = f.properties.kind === "district" ? 0 : 0.2; }
          return s;
        }
      }).addTo(schematic);
      var order = {town: 0, airport: 1, subdistrict: 2};
      data.features.filter(function (f) { return f.properties.kind in order; })
        .sort(function (a, b) { return order[a.properties.kind] - order[b.properties.kind]; })
        .forEach(function (f) {
          var p = f.properties;
          if (p.kind === "airport") {
            var c = f.geometry.coordinates;
            L.marker([c[1], c[0]], {pane: "jgTowns", interactive: false, keyboard: false,
              icon: L.divIcon({className: "jg-airport", html: "✈", iconSize: [22, 22], iconAnchor: [11, 11]})
            }).addTo(schematic);
            addLabel("大兴机场", [c[1], c[0]], "airport");
          } else {
            addLabel(p.name, [p.label[1], p.label[0]], p.kind);
          }
        });
      el.dataset.basemap = "schematic";
      schedule();
    }
    function drawTownsOnly() {
      // The schematic file did not load: fall back to the town seats from the database.
      (config.towns || []).forEach(function (t) { addLabel(t.name, [t.lat, t.lon], "town"); });
      schedule();
    }
    if (config.basemap_url) {
      fetch(config.basemap_url, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(drawSchematic)
        .catch(drawTownsOnly);
    } else {
      drawTownsOnly();
    }
    var overlays = {"示意底图（乡镇、道路、河流）": schematic, "乡镇街道名称": names};
    L.control.layers(tiles ? {"在线底图": tiles} : null, overlays, {position: "topright"}).addTo(map);

    var bounds = null;
    if (config.boundary) {
      var layer = L.geoJSON(config.boundary, {interactive: false,
        style: {color: "#5b6b82", weight: 2, dashArray: "6 4", fillOpacity: 0}}).addTo(map);
      bounds = layer.getBounds();
    }
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, {padding: [10, 10]});
    } else if (config.district_bounds) {
      map.fitBounds(config.district_bounds, {padding: [4, 4]});
    } else {
      map.setView(config.centre || [39.726, 116.341], 11);
    }

    // --- names that do not cover markers ------------------------------------------------
    function declutter() {
      var zoom = map.getZoom();
      var blocked = [];
      // A marker faded out by a cluster animation is about to come back: it blocks too.
      // Controls (zoom, layers, legend, scale) cover the map too; a name half off the map is cut.
      el.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon, .jg-airport, .leaflet-control").forEach(function (m) {
        blocked.push(grow(m.getBoundingClientRect(), 2));
      });
      var frame = el.getBoundingClientRect();
      function inside(r) {
        return r.left >= frame.left && r.right <= frame.right && r.top >= frame.top && r.bottom <= frame.bottom;
      }
      var shown = 0;
      labels.forEach(function (item) {
        var tip = item.tooltip;
        var e = tip.getElement();
        if (!e || !map.hasLayer(tip)) { return; }
        e.classList.remove("jg-label-hidden");
        var placed = false;
        if (zoom >= MIN_ZOOM[item.kind]) {
          for (var i = 0; i < SHIFTS.length && !placed; i++) {
            e.style.marginTop = SHIFTS[i] + "px";
            var r = e.getBoundingClientRect();
            placed = inside(r) && !blocked.some(function (b) { return overlaps(r, b); });
            if (placed) { blocked.push(grow(r, 1)); }
          }
        }
        if (!placed) { e.style.marginTop = ""; e.classList.add("jg-label-hidden"); } else { shown++; }
      });
      el.dataset.labels = shown + "/" + labels.length;
    }
    var timers = [];
    // Markers and clusters settle a moment after zooms and loads (cluster animations take
    // about 250 ms and do not always announce their end): a pass soon, and one once settled.
    function schedule() {
      timers.forEach(clearTimeout);
      timers = [setTimeout(declutter, 60), setTimeout(declutter, 400)];
    }
    map.on("zoomend moveend resize overlayadd layeradd", schedule);
    return {map: map, boundaryBounds: bounds, declutter: schedule};
  }
  window.JGMap = {create: create};
})();
