/* Leaflet's default marker images, at the addresses collectstatic gave them. The URLs come
   from this script tag's data- attributes (no inline script under the CSP):
   <script src=".../leaflet-icons.js" data-icon-url data-icon-retina-url data-shadow-url> */
(function () {
  "use strict";
  var tag = document.currentScript;
  if (!tag || !window.L) { return; }
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: tag.dataset.iconUrl,
    iconRetinaUrl: tag.dataset.iconRetinaUrl,
    shadowUrl: tag.dataset.shadowUrl
  });
})();
