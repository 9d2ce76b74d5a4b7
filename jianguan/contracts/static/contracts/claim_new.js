/* New payment claim: filter the BoQ lines, count the filled ones, and on submit pack the
   filled rows into one field (thousands of inputs would pass the server's field limit). */
(function () {
  "use strict";
  var box = document.getElementById("boq-search"), only = document.getElementById("only-filled");
  var form = document.getElementById("claim-form"), table = document.getElementById("boq-lines");
  if (!box || !only || !form || !table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-id]"));
  function apply() {
    var q = (box.value || "").trim().toLowerCase(), filled = 0;
    rows.forEach(function (tr) {
      var input = tr.querySelector("input[name^='q_']"), has = input && input.value.trim() !== "";
      if (has) filled++;
      var show = (!q || tr.dataset.k.toLowerCase().indexOf(q) >= 0) && (!only.checked || has);
      tr.style.display = show ? "" : "none";
    });
    document.getElementById("filled-count").textContent = filled;
  }
  box.addEventListener("input", apply); only.addEventListener("change", apply);
  table.addEventListener("change", apply);
  var inputs = form.querySelectorAll("input[name^='q_'], input[name^='n_']");
  form.addEventListener("submit", function () {
    var packed = [];
    rows.forEach(function (tr) {
      var q = tr.querySelector("input[name^='q_']").value.trim(), n = tr.querySelector("input[name^='n_']").value.trim();
      if (q || n) packed.push({id: tr.dataset.id, q: q, n: n});
    });
    document.getElementById("lines-json").value = JSON.stringify(packed);
    Array.prototype.forEach.call(inputs, function (i) { i.disabled = true; });
  });
  window.addEventListener("pageshow", function () { Array.prototype.forEach.call(inputs, function (i) { i.disabled = false; }); });
})();
