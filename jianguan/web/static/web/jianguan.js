/* Behaviour every page shares, bound from data- attributes: the Content-Security-Policy
   allows no inline script and no on* handler attributes.
   - <select data-autosubmit> submits its form when changed (the organisation switcher);
   - <button data-print> opens the print dialog;
   - <form data-confirm="..."> asks the question before it is sent (signing, publishing). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-confirm]") &&
        !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
