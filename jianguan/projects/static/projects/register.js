/* Register page: the two summary charts, redrawn after every htmx swap of #results. */
(function () {
  "use strict";
  var charts = [];

  function draw() {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var raw = document.getElementById("register-chart-data");
    if (!raw || typeof echarts === "undefined") { return; }
    var data = JSON.parse(raw.textContent);
    var stageEl = document.getElementById("stage-chart");
    var levelEl = document.getElementById("level-chart");
    if (stageEl) {
      var bar = echarts.init(stageEl);
      bar.setOption({
        animation: false,
        grid: {left: 36, right: 12, top: 12, bottom: 24},
        tooltip: {trigger: "axis"},
        xAxis: {type: "category", data: data.stages.labels, axisLabel: {interval: 0, fontSize: 11}},
        yAxis: {type: "value", minInterval: 1},
        series: [{type: "bar", data: data.stages.values, barMaxWidth: 28,
                  itemStyle: {color: "#066fd1", borderRadius: [3, 3, 0, 0]},
                  label: {show: true, position: "top", fontSize: 11}}]
      });
      charts.push(bar);
    }
    if (levelEl) {
      var pie = echarts.init(levelEl);
      pie.setOption({
        animation: false,
        tooltip: {trigger: "item", formatter: "{b}：{c} 个（{d}%）"},
        legend: {orient: "vertical", right: 0, top: "middle", itemWidth: 10, itemHeight: 10},
        series: [{type: "pie", radius: ["45%", "75%"], center: ["38%", "50%"],
                  label: {show: false}, data: data.levels}]
      });
      charts.push(pie);
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // Sorting by a column header keeps the sort when the filters change afterwards.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.jg-sort") : null;
    var input = document.getElementById("id_sort");
    if (link && input) { input.value = link.dataset.sort || ""; }
  });
})();
