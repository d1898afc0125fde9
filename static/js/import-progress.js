/*
 * Live progress of a Microsoft Learn import (progressive enhancement).
 *
 * Without JavaScript the run page refreshes itself (a <noscript> meta refresh). With it, this
 * script polls the run's JSON status and moves the bar in place; when the run ends it loads
 * the page once more, which then shows the server-rendered summary.
 */
(function () {
  "use strict";

  var section = document.getElementById("import-progress");
  if (!section || section.dataset.finished === "true" || !window.fetch) {
    return;
  }
  var url = section.dataset.statusUrl;
  var bar = section.querySelector('[role="progressbar"]');
  var fill = bar.querySelector(".progress-bar");
  var statusText = section.querySelector('[data-role="status"]');
  var phaseText = section.querySelector('[data-role="phase"]');
  var countText = section.querySelector('[data-role="count"]');
  var delay = 700;
  var failures = 0;

  function show(data) {
    var percent = Math.max(0, Math.min(100, data.percent | 0));
    bar.setAttribute("aria-valuenow", String(percent));
    fill.style.width = percent + "%";
    fill.textContent = percent + " %";
    statusText.textContent = data.status_label;
    phaseText.textContent = data.phase || "waiting";
    countText.textContent = data.total ? "(" + data.processed + " of " + data.total + " items)" : "";
    if (data.finished) {
      fill.classList.remove("progress-bar-striped", "progress-bar-animated");
      fill.classList.add(data.status === "failed" ? "bg-danger" : "bg-success");
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          // Let the 100 % be seen, then show the summary the server renders.
          window.setTimeout(function () { window.location.reload(); }, 600);
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        failures += 1;
        // The server may be restarting: back off, and fall back to reloading the page.
        if (failures > 5) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay * Math.pow(2, failures));
        }
      });
  }

  window.setTimeout(poll, delay);
})();
