/* A site's last 24 hours: particulate matter and noise per device, with the limits as lines;
   refreshed every minute. */
(function () {
  "use strict";
  var pmEl = document.getElementById("chart-pm");
  var noiseEl = document.getElementById("chart-noise");
  if (!pmEl || !noiseEl || !window.echarts) { return; }
  var pm = echarts.init(pmEl);
  var noise = echarts.init(noiseEl);
  function limitLine(value, label) {
    return value == null ? undefined : {symbol: "none", silent: true, lineStyle: {color: "#d63939", type: "dashed"},
      label: {formatter: label + " " + value}, data: [{yAxis: value}]};
  }
  function options(lines, limits, unit) {
    return {
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", bottom: 0},
      grid: {left: 48, right: 24, top: 24, bottom: 48},
      xAxis: {type: "time"},
      yAxis: {type: "value", name: unit},
      series: lines.map(function (l, i) {
        return {name: l.name, type: "line", showSymbol: false, data: l.data,
                markLine: i === 0 ? limits : undefined};
      })
    };
  }
  function load() {
    fetch(pmEl.dataset.seriesUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      var pmLines = [], noiseLines = [];
      d.devices.forEach(function (dev) {
        pmLines.push({name: dev.name + " PM10", data: dev.pm10});
        pmLines.push({name: dev.name + " PM2.5", data: dev.pm25});
        noiseLines.push({name: dev.name, data: dev.noise});
      });
      pm.setOption(options(pmLines, limitLine(d.limits.pm10, "PM10 限值"), "μg/m³"), true);
      var noiseLimits = limitLine(d.limits.noise_day, "昼间限值");
      if (noiseLimits && d.limits.noise_night != null) { noiseLimits.data.push({yAxis: d.limits.noise_night}); }
      noise.setOption(options(noiseLines, noiseLimits, "dB(A)"), true);
    });
  }
  load();
  setInterval(load, 60000);
  window.addEventListener("resize", function () { pm.resize(); noise.resize(); });
})();
