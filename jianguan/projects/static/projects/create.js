/* Create page: click the mini-map to fill longitude/latitude; typing them moves the marker. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var el = document.getElementById("minimap");
  var lon = document.getElementById("id_longitude");
  var lat = document.getElementById("id_latitude");
  var info = document.getElementById("minimap-coords");
  var polygonInput = document.getElementById("id_site_polygon");
  if (!el || !lon || !lat) { return; }
  var base = JGMap.create(el, config);
  var map = base.map;
  var marker = null;
  var site = null;

  function show(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    info.textContent = "经度 " + latlng.lng.toFixed(6) + "，纬度 " + latlng.lat.toFixed(6);
    if (pan) { map.panTo(latlng); }
  }
  function fromInputs(pan) {
    var x = parseFloat(lon.value), y = parseFloat(lat.value);
    if (isFinite(x) && isFinite(y)) { show(L.latLng(y, x), pan); }
  }
  function drawSite() {
    if (site) { map.removeLayer(site); site = null; }
    if (!polygonInput || !polygonInput.value.trim()) { return; }
    try {
      site = L.geoJSON(JSON.parse(polygonInput.value), {style: {color: "#d63939", weight: 2, fillOpacity: 0.15}}).addTo(map);
    } catch (e) { site = null; }
  }
  map.on("click", function (e) {
    lon.value = e.latlng.lng.toFixed(6);
    lat.value = e.latlng.lat.toFixed(6);
    show(e.latlng, false);
  });
  lon.addEventListener("change", function () { fromInputs(true); });
  lat.addEventListener("change", function () { fromInputs(true); });
  if (polygonInput) { polygonInput.addEventListener("change", drawSite); }
  fromInputs(true);
  drawSite();
})();
