// Camera ground calibration: a click on the snapshot writes that point's pixel coordinates
// (in the photo's own pixels, whatever size it is shown at) into the next row without them.
(function () {
  "use strict";
  document.querySelectorAll("form[data-calibrate]").forEach(function (form) {
    var img = form.querySelector("img.calibrate-snapshot");
    if (!img) return;
    img.addEventListener("click", function (event) {
      var box = img.getBoundingClientRect();
      var w = Number(img.dataset.width) || img.naturalWidth;
      var h = Number(img.dataset.height) || img.naturalHeight;
      var x = Math.round(((event.clientX - box.left) / box.width) * w);
      var y = Math.round(((event.clientY - box.top) / box.height) * h);
      var rows = form.querySelectorAll("tr[data-row]");
      for (var i = 0; i < rows.length; i++) {
        var px = rows[i].querySelector('input[data-key="x"]');
        var py = rows[i].querySelector('input[data-key="y"]');
        if (px.value === "" && py.value === "") {
          px.value = x;
          py.value = y;
          var lon = rows[i].querySelector('input[data-key="lon"]');
          if (lon) lon.focus();
          return;
        }
      }
    });
  });
})();
