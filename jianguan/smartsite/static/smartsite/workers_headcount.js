/* The attendance page's two bar charts (by trade on the day, the last seven days), from the
   json_script "headcount-chart-data". */
(function () {
  "use strict";
  var source = document.getElementById("headcount-chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  function bars(id, names, values, color) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: {left: 40, right: 10, top: 10, bottom: 30},
      tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: names, axisLabel: {interval: 0}},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "bar", data: values, itemStyle: {color: color}, name: "人数"}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bars("trade-chart", data.trades, data.trade_counts, "#206bc4");
  bars("week-chart", data.week, data.week_counts, "#2fb344");
})();
