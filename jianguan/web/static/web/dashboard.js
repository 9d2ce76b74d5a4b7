/* Dashboard: organisations per kind as a bar chart, from the json_script "org-chart-data". */
(function () {
  "use strict";
  var source = document.getElementById("org-chart-data"), el = document.getElementById("org-chart");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 110, right: 20, top: 10, bottom: 20},
    tooltip: {trigger: "axis"},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", data: data.labels, inverse: true},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#206bc4"}, label: {show: true, position: "right"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
