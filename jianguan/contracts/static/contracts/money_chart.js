/* Contract money as small horizontal bar charts: every .jg-money-chart[data-values] on the
   page (values "price|current|approved|paid|retention", unformatted). Safe to load more than
   once (the partial that draws a chart includes this file): each chart is drawn once. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var names = ["签约合同价", "现合同价", "累计审定", "累计支付", "已扣质保金"];
  var colors = ["#98a2b3", "#206bc4", "#0ca678", "#2fb344", "#f59f00"];
  var fmt = function (n) { return n.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}); };
  /* Labels in 元 like the figures beside the chart (a page never mixes 元 and 万元, issue 16);
     whole yuan so a label fits, the tooltip gives the cents. */
  var whole = function (n) { return n.toLocaleString("zh-CN", {maximumFractionDigits: 0}); };
  Array.prototype.forEach.call(document.querySelectorAll(".jg-money-chart[data-values]"), function (el) {
    if (el.dataset.drawn) { return; }
    el.dataset.drawn = "1";
    var values = el.dataset.values.split("|").map(function (v) { var n = parseFloat(v); return isFinite(n) ? n : 0; });
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: {left: 80, right: 140, top: 5, bottom: 5},
      tooltip: {trigger: "item", formatter: function (p) { return p.name + "：" + fmt(p.value) + " 元"; }},
      xAxis: {type: "value", show: false},
      yAxis: {type: "category", data: names, inverse: true, axisTick: {show: false}},
      series: [{type: "bar", barWidth: 16, data: values.map(function (v, i) { return {value: v, itemStyle: {color: colors[i]}}; }),
        label: {show: true, position: "right", formatter: function (p) { return whole(p.value) + " 元"; }}}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
