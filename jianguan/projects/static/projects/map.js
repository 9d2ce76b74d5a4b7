/* One map (一张图): clustered project markers coloured by warning level, a legend, and two
   spatial queries (click-to-draw polygon; point + radius) answered by the server. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var el = document.getElementById("map");
  var base = JGMap.create(el, config);
  var map = base.map;
  var colours = {};
  config.levels.forEach(function (lv) { colours[lv.level] = lv.colour; });
  var byId = {};
  var stages = {};
  var detailUrl = "";

  // --- markers ---------------------------------------------------------------------------
  function pinIcon(level) {
    return L.divIcon({className: "jg-pin jg-pin-" + level, iconSize: [14, 14], iconAnchor: [7, 7], popupAnchor: [0, -6]});
  }
  var icons = [0, 1, 2, 3, 4].map(pinIcon);
  var cluster = L.markerClusterGroup({
    maxClusterRadius: 45, chunkedLoading: true, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 17,
    iconCreateFunction: function (c) {
      var worst = 0;
      c.getAllChildMarkers().forEach(function (m) { if (m.options.level > worst) { worst = m.options.level; } });
      var n = c.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 36 : 44;
      // the cluster takes the colour of the worst warning inside it
      return L.divIcon({
        html: '<div class="jg-cluster" style="width:' + size + "px;height:" + size + "px;background:" + colours[worst] + '">' + n + "</div>",
        className: "", iconSize: [size, size], iconAnchor: [size / 2, size / 2]});
    }
  });
  map.addLayer(cluster);
  // Clusters split and merge after the zoom has ended: place the town names again then.
  cluster.on("animationend spiderfied unspiderfied", base.declutter);

  // On a phone the filters and tools fold away above the map behind one button.
  var toolsToggle = document.getElementById("map-tools-toggle");
  if (toolsToggle) {
    toolsToggle.addEventListener("click", function () {
      var open = toolsToggle.getAttribute("aria-expanded") !== "true";
      toolsToggle.setAttribute("aria-expanded", String(open));
      document.querySelectorAll(".jg-map-tools").forEach(function (t) { t.classList.toggle("is-open", open); });
      map.invalidateSize();
    });
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function levelLabel(level) {
    var found = config.levels.filter(function (lv) { return lv.level === level; })[0];
    return found ? found.label : "";
  }
  function popup(row) {
    var url = detailUrl.replace("{id}", row[0]);
    return '<div class="small text-secondary jg-mono">' + esc(row[4]) + "</div>" +
      '<div class="fw-bold mb-1">' + esc(row[5]) + "</div>" +
      '<div class="mb-1">' + esc(stages[row[6]] || row[6]) + " · " +
      '<span style="color:' + colours[row[3]] + '">●</span> ' + esc(levelLabel(row[3])) + "</div>" +
      '<a href="' + url + '">查看项目 →</a>';
  }

  var legend = L.control({position: "bottomright"});
  var legendCounts = {};
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "jg-legend");
    div.id = "map-legend";
    var html = '<div class="fw-bold mb-1">预警等级</div>';
    config.levels.forEach(function (lv) {
      html += '<div data-level="' + lv.level + '"><span class="dot" style="background:' + lv.colour + '"></span>' +
        esc(lv.label) + ' <span class="text-secondary" data-legend-count="' + lv.level + '"></span></div>';
    });
    html += '<div class="text-secondary mt-1">聚合圈颜色为其中最高预警等级</div>';
    div.innerHTML = html;
    return div;
  };
  legend.addTo(map);

  var filterForm = document.getElementById("map-filter");
  function filterQuery() {
    var params = new URLSearchParams(new FormData(filterForm));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    return params.toString();
  }

  function load(fit) {
    var q = filterQuery();
    document.getElementById("map-count").textContent = "加载中…";
    fetch(config.points_url + (q ? "?" + q : ""), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        stages = data.stages; detailUrl = data.detail_url;
        cluster.clearLayers(); byId = {}; legendCounts = {0: 0, 1: 0, 2: 0, 3: 0, 4: 0};
        var markers = data.rows.map(function (row) {
          var m = L.marker([row[2], row[1]], {icon: icons[row[3]] || icons[0], level: row[3], title: row[4] + " " + row[5], keyboard: false});
          m.bindPopup(function () { return popup(row); });
          byId[row[0]] = m;
          legendCounts[row[3]] = (legendCounts[row[3]] || 0) + 1;
          return m;
        });
        cluster.addLayers(markers);
        Object.keys(legendCounts).forEach(function (lv) {
          var span = document.querySelector('[data-legend-count="' + lv + '"]');
          if (span) { span.textContent = legendCounts[lv]; }
        });
        document.getElementById("map-count").textContent = "共 " + data.rows.length + " 个项目";
        el.dataset.loaded = String(data.rows.length);
        if (fit && !base.boundaryBounds && markers.length) {
          map.fitBounds(L.featureGroup(markers).getBounds(), {padding: [30, 30], maxZoom: 14});
        }
        var wanted = parseInt((location.hash || "").slice(1), 10);
        if (fit && byId[wanted]) {
          cluster.zoomToShowLayer(byId[wanted], function () { byId[wanted].openPopup(); });
        }
      })
      .catch(function () { document.getElementById("map-count").textContent = "项目加载失败"; });
  }
  filterForm.addEventListener("change", function () {
    var q = filterQuery();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
    load(false);
  });
  filterForm.addEventListener("submit", function (e) { e.preventDefault(); });
  load(true);

  // --- spatial queries -------------------------------------------------------------------
  var drawn = L.layerGroup().addTo(map);
  var mode = null;
  var vertices = [];
  var preview = null;
  var hint = document.getElementById("map-hint");
  var doneBtn = document.getElementById("tool-polygon-done");
  var results = document.getElementById("query-results");
  var countBadge = document.getElementById("query-count");

  function setHint(text) {
    hint.textContent = text || "";
    hint.classList.toggle("d-none", !text);
  }
  function setMode(m) {
    mode = m;
    el.classList.toggle("is-drawing", !!m);
    doneBtn.classList.toggle("d-none", m !== "polygon");
    if (m) { map.doubleClickZoom.disable(); } else { map.doubleClickZoom.enable(); }
    document.getElementById("tool-polygon").classList.toggle("active", m === "polygon");
    document.getElementById("tool-near").classList.toggle("active", m === "near");
  }
  function clearAll() {
    drawn.clearLayers(); vertices = []; preview = null; setMode(null); setHint("");
    results.innerHTML = ""; countBadge.textContent = "—";
  }
  function showResults(data) {
    countBadge.textContent = data.count + " 个";
    if (!data.projects.length) {
      results.innerHTML = '<div class="list-group-item text-secondary">范围内没有项目</div>';
      return;
    }
    results.innerHTML = data.projects.map(function (p) {
      var dist = p.distance_m !== undefined ? '<span class="ms-auto text-secondary">' +
        (p.distance_m >= 1000 ? (p.distance_m / 1000).toFixed(2) + " 公里" : Math.round(p.distance_m) + " 米") + "</span>" : "";
      return '<a class="list-group-item list-group-item-action" href="' + p.url + '" data-id="' + p.id + '" data-code="' + esc(p.code) + '">' +
        '<div class="d-flex align-items-center gap-1"><span style="color:' + colours[p.warning_level] + '">●</span>' +
        '<span class="jg-mono small">' + esc(p.code) + "</span>" + dist + "</div>" +
        '<div class="small">' + esc(p.name) + '</div><div class="small text-secondary">' + esc(p.town) + " · " + esc(p.stage_label) + "</div></a>";
    }).join("") + (data.truncated ? '<div class="list-group-item small text-secondary">仅列出前 ' + data.projects.length + " 个</div>" : "");
  }
  function query(url) {
    var q = filterQuery();
    countBadge.textContent = "查询中…";
    fetch(url + (q ? "&" + q : ""), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) {
          countBadge.textContent = "—";
          results.innerHTML = '<div class="list-group-item text-danger">' + esc(res.body.message || "查询失败") + "</div>";
          return;
        }
        showResults(res.body);
      })
      .catch(function () { results.innerHTML = '<div class="list-group-item text-danger">查询失败</div>'; });
  }
  results.addEventListener("mouseover", function (e) {
    var a = e.target.closest("[data-id]");
    if (a && byId[a.dataset.id]) {
      var m = byId[a.dataset.id];
      var parent = cluster.getVisibleParent(m);
      if (parent === m) { m.openPopup(); }
    }
  });

  function finishPolygon() {
    if (vertices.length < 3) { setHint("多边形至少需要 3 个顶点"); return; }
    var ring = vertices.map(function (ll) { return [Number(ll.lng.toFixed(6)), Number(ll.lat.toFixed(6))]; });
    ring.push(ring[0]);
    drawn.clearLayers();
    L.polygon(vertices, {color: "#066fd1", weight: 2, fillOpacity: 0.12}).addTo(drawn);
    setMode(null); setHint("");
    query(config.within_url + "?polygon=" + encodeURIComponent(JSON.stringify({type: "Polygon", coordinates: [ring]})));
  }

  document.getElementById("tool-polygon").addEventListener("click", function () {
    drawn.clearLayers(); vertices = []; preview = null;
    setMode("polygon");
    setHint("逐点点击地图绘制查询范围，点击“完成”或双击结束。");
  });
  doneBtn.addEventListener("click", finishPolygon);
  document.getElementById("tool-near").addEventListener("click", function () {
    drawn.clearLayers(); vertices = [];
    setMode("near");
    setHint("点击地图选择中心点，查询半径内的项目。");
  });
  document.getElementById("tool-clear").addEventListener("click", clearAll);

  map.on("click", function (e) {
    if (mode === "polygon") {
      vertices.push(e.latlng);
      L.circleMarker(e.latlng, {radius: 4, color: "#066fd1", weight: 2, fillOpacity: 1}).addTo(drawn);
      if (preview) { preview.setLatLngs(vertices); } else { preview = L.polyline(vertices, {color: "#066fd1", dashArray: "4 4"}).addTo(drawn); }
      setHint("已添加 " + vertices.length + " 个顶点，" + (vertices.length >= 3 ? "点击“完成”或双击结束。" : "继续点击添加顶点。"));
    } else if (mode === "near") {
      var radius = parseFloat(document.getElementById("near-radius").value) || 1000;
      drawn.clearLayers();
      L.circle(e.latlng, {radius: radius, color: "#066fd1", weight: 2, fillOpacity: 0.1}).addTo(drawn);
      L.circleMarker(e.latlng, {radius: 4, color: "#066fd1", fillOpacity: 1}).addTo(drawn);
      setMode(null); setHint("");
      query(config.near_url + "?lon=" + e.latlng.lng.toFixed(6) + "&lat=" + e.latlng.lat.toFixed(6) + "&radius=" + radius);
    }
  });
  map.on("dblclick", function () {
    if (mode !== "polygon") { return; }
    // a double click also delivered two clicks at the same place: drop the duplicate
    while (vertices.length > 1 && vertices[vertices.length - 1].distanceTo(vertices[vertices.length - 2]) < 1) { vertices.pop(); }
    finishPolygon();
  });
  window.JGProjectMap = {map: map, cluster: cluster, byId: byId};
})();
