/* A project's site plan: the red line, danger zones, cameras and located images; clicking the
   plan while "划定危险区域" is open collects the zone's corners into the form's hidden field. */
(function () {
  "use strict";
  var el = document.getElementById("site-map");
  var cfgEl = document.getElementById("site-plan-config");
  if (!el || !cfgEl || !window.L) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var base = JGMap.create(el, cfg);
  var map = base.map;
  var bounds = L.latLngBounds([]);
  if (cfg.site) {
    var site = L.geoJSON(cfg.site, {style: {color: "#d63939", weight: 2, fillOpacity: 0.05}}).addTo(map);
    bounds.extend(site.getBounds());
  }
  cfg.zones.forEach(function (z) {
    L.geoJSON(z.polygon, {style: {color: "#f76707", weight: 2, fillOpacity: 0.25}})
      .bindTooltip(z.name + "（" + z.kind + "）").addTo(map);
  });
  cfg.cameras.forEach(function (c) {
    L.circleMarker([c.lat, c.lon], {radius: 6, color: "#1d273b", fillColor: "#fff", fillOpacity: 1})
      .bindTooltip("摄像机：" + c.name).addTo(map);
  });
  cfg.images.forEach(function (i) {
    var popup = document.createElement("a");
    popup.href = i.url; popup.target = "_blank"; popup.rel = "noopener";
    var img = document.createElement("img");
    img.src = i.thumb; img.alt = i.label; img.style.maxWidth = "200px";
    popup.appendChild(img);
    var cap = document.createElement("div"); cap.textContent = i.label; popup.appendChild(cap);
    L.circleMarker([i.lat, i.lon], {radius: 5, color: "#206bc4", fillOpacity: 0.8}).bindPopup(popup).addTo(map);
    bounds.extend([i.lat, i.lon]);
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), {maxZoom: 18}); }
  else { map.setView(cfg.centre, 16); }

  var drawBox = document.getElementById("zone-draw");
  var field = document.getElementById("id_polygon");
  var counter = document.getElementById("zone-points");
  var clear = document.getElementById("zone-clear");
  if (!drawBox || !field) { return; }
  var points = [];
  var shape = null;
  function redraw() {
    if (shape) { map.removeLayer(shape); shape = null; }
    if (points.length) {
      shape = L.polygon(points, {color: "#f76707", dashArray: "4 3", fillOpacity: 0.15}).addTo(map);
    }
    counter.textContent = "已选 " + points.length + " 个点";
    if (points.length >= 3) {
      var ring = points.map(function (p) { return [Number(p.lng.toFixed(7)), Number(p.lat.toFixed(7))]; });
      ring.push(ring[0]);
      field.value = JSON.stringify({type: "Polygon", coordinates: [ring]});
    } else {
      field.value = "";
    }
  }
  map.on("click", function (e) {
    if (!drawBox.open) { return; }
    points.push(e.latlng);
    redraw();
  });
  clear.addEventListener("click", function () { points = []; redraw(); });
})();
