/* Hazard candidates per site and day (stacked bars), from the page's json_script data. */
(function () {
  "use strict";
  var el = document.getElementById("hazard-chart");
  var data = document.getElementById("hazard-stats");
  if (!el || !data || !window.echarts) { return; }
  var stats = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {type: "scroll", bottom: 0},
    grid: {left: 40, right: 16, top: 16, bottom: 48},
    xAxis: {type: "category", data: stats.days.map(function (d) { return d.slice(5); })},
    yAxis: {type: "value", minInterval: 1, name: "条"},
    series: stats.sites.map(function (s) {
      return {name: s.name, type: "bar", stack: "sites", data: s.counts};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
