/* A subject's daily credit score over a year, from the json_script "credit-chart-data";
   clicking a day shows the score's breakdown on that day. */
(function () {
  "use strict";
  var source = document.getElementById("credit-chart-data"), el = document.getElementById("credit-chart");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  if (!data.days.length) { return; }
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 50, right: 20, top: 20, bottom: 30},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: data.days},
    yAxis: {type: "value", scale: true},
    series: [{type: "line", data: data.scores, showSymbol: false, areaStyle: {opacity: 0.08}, itemStyle: {color: "#206bc4"}}]
  });
  chart.on("click", function (p) { window.location.search = "?on=" + encodeURIComponent(p.name); });
  window.addEventListener("resize", function () { chart.resize(); });
})();
