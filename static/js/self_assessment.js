/* The self-assessment (issue 18): counts the skills changed since the page was drawn, in the
   sticky save bar and in each category's heading, and the required skills still to rate.
   No framework, no inline code (CSP): loaded with `defer` by me_assessment.html. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-self-assessment]");
  if (!form) {
    return;
  }
  var counter = document.getElementById("unsaved");
  var changed = new Set();

  function rowChanged(row) {
    var fields = row.querySelectorAll("input, textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) {
          return true;
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function refreshCategory(category) {
    var rows = category.querySelectorAll("fieldset.sk");
    var changedHere = 0;
    var toRate = 0;
    for (var i = 0; i < rows.length; i++) {
      if (changed.has(rows[i].id)) {
        changedHere += 1;
      }
      if (rows[i].hasAttribute("data-req") && !rows[i].querySelector("input[type=radio]:checked")) {
        toRate += 1;
      }
    }
    var changedCount = category.querySelector(":scope > summary [data-changed]");
    var toRateCount = category.querySelector(":scope > summary [data-to-rate]");
    if (changedCount) {
      changedCount.textContent = String(changedHere);
    }
    if (toRateCount) {
      toRateCount.textContent = String(toRate);
    }
  }

  function refresh(event) {
    var row = event.target.closest("fieldset.sk");
    if (!row) {
      return;
    }
    if (rowChanged(row)) {
      changed.add(row.id);
    } else {
      changed.delete(row.id);
    }
    var category = row.closest("[data-cat]");
    if (category) {
      refreshCategory(category);
    }
    var n = changed.size;
    counter.textContent = n === 0 ? "No unsaved changes"
      : n + " unsaved change" + (n === 1 ? "" : "s");
    counter.classList.toggle("fw-semibold", n > 0);
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
})();
