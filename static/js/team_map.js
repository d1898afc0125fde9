/* Team skill map and its editor: progressive enhancement only. Every page works without this
   file (filters and sorting are query parameters, the editor is a plain form). */
(function () {
  "use strict";

  var MOVES = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };

  /* Filters apply as soon as they change. */
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });

  /* Keyboard: one tab stop into the map, then arrow keys move from cell to cell (roving
     tabindex). In the editor, where arrows change a select's value, Ctrl + arrows move. */
  document.querySelectorAll("table[data-grid]").forEach(function (table) {
    var editor = table.dataset.grid === "editor";
    var body = table.tBodies[0];
    if (!body) { return; }
    if (!editor) {
      var cells = body.querySelectorAll("td.hm");
      cells.forEach(function (cell, index) { cell.tabIndex = index === 0 ? 0 : -1; });
      body.addEventListener("focusin", function (event) {
        var cell = event.target.closest("td.hm");
        if (!cell) { return; }
        body.querySelectorAll('td.hm[tabindex="0"]').forEach(function (other) {
          if (other !== cell) { other.tabIndex = -1; }
        });
        cell.tabIndex = 0;
      });
    }
    body.addEventListener("keydown", function (event) {
      var move = MOVES[event.key];
      if (!move || (editor && !(event.ctrlKey || event.metaKey))) { return; }
      var cell = event.target.closest("td");
      if (!cell) { return; }
      var rows = Array.prototype.slice.call(body.rows);
      var row = rows[rows.indexOf(cell.parentElement) + move[0]];
      var next = row && row.cells[cell.cellIndex + move[1]];
      if (!next || !next.classList.contains("hm")) { return; }
      var target = editor ? next.querySelector("select") : next;
      if (target) {
        event.preventDefault();
        target.focus();
      }
    });
  });

  /* Cell details: the server writes each cell's status in words into its tip and its values
     into data-d ("level|target|self level|self moment|manager level|manager moment|flags", then
     "|certification|its expiry" when the manager's level is a certification's,
     moments in Unix seconds, written once per cell rather than formatted per cell on the
     server); here the tip gets the whole sentence, dates in the server's time zone (data-tz). */
  document.querySelectorAll("table[data-grid]").forEach(function (table) {
    /* The day as the server writes it ("j M Y": 5 Sep 2026), in the server's time zone. */
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    var options = { day: "numeric", month: "numeric", year: "numeric" };
    var format;
    try {
      format = new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: table.dataset.tz }, options));
    } catch (error) {
      format = new Intl.DateTimeFormat("en-GB", options);
    }
    function day(seconds) {
      var parts = {};
      format.formatToParts(new Date(Number(seconds) * 1000)).forEach(function (part) {
        parts[part.type] = part.value;
      });
      return Number(parts.day) + " " + MONTHS[Number(parts.month) - 1] + " " + parts.year;
    }
    table.querySelectorAll("td.hm[data-d]").forEach(function (cell) {
      var tip = cell.querySelector(".hm-tip");
      if (!tip) { return; }
      var d = cell.dataset.d.split("|");
      var parts = [d[0] === "" ? "No rating" : "Level " + d[0]];
      if (d[1] !== "") { parts.push("target " + d[1]); }
      parts.push(tip.textContent);
      if (d[2] !== "") { parts.push("self " + d[2] + " on " + day(d[3])); }
      if (d[7]) {
        /* The manager's level is a certification's: "|name|expiry" follow the flags. */
        parts.push("manager " + d[4] + " by certification " + d[7] + ", earned " + day(d[5]) +
          (d[8] ? ", until " + day(d[8]) : ""));
      } else if (d[4] !== "") { parts.push("manager " + d[4] + " on " + day(d[5])); }
      var flags = d[6] || "";
      if (flags.indexOf("a") >= 0) { parts.push("awaiting manager review"); }
      if (flags.indexOf("c") >= 0) { parts.push("calibration flag: self and manager 2+ levels apart"); }
      if (flags.indexOf("g") >= 0) { parts.push("wants to grow"); }
      tip.textContent = parts.join(" · ");
    });
  });

  /* Cell details: CSS shows them under the cell; here they are placed against the window so
     the scrolling grid never cuts them off. */
  document.querySelectorAll(".hm-scroll").forEach(function (scroller) {
    var current = null;
    function place(cell) {
      var tip = cell && cell.querySelector(".hm-tip");
      if (!tip) { return; }
      var box = cell.getBoundingClientRect();
      tip.style.position = "fixed";
      tip.style.right = "auto";
      tip.style.bottom = "auto";
      var width = tip.offsetWidth, height = tip.offsetHeight;
      var left = Math.min(Math.max(8, box.left), window.innerWidth - width - 8);
      var top = box.bottom + 4;
      if (top + height > window.innerHeight - 8) { top = Math.max(8, box.top - height - 4); }
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }
    function show(event) {
      var cell = event.target.closest && event.target.closest("td.hm");
      if (cell) { current = cell; place(cell); }
    }
    scroller.addEventListener("mouseover", show);
    scroller.addEventListener("focusin", show);
    scroller.addEventListener("scroll", function () {
      var focused = document.activeElement && document.activeElement.closest &&
        document.activeElement.closest("td.hm");
      place(focused || current);
    }, { passive: true });
  });

  /* Editor: recolour a cell with the level chosen, mark and count the changes, and warn
     before leaving with unsaved changes. */
  var form = document.querySelector("form[data-grid-form]");
  if (!form) { return; }
  var counter = form.querySelector("[data-change-count]");
  var dirty = false;
  var CLASSES = ["hm-ok", "hm-g1", "hm-g2", "hm-na", "hm-opt"];

  function recolour(cell, value) {
    var target = cell.dataset.t;
    if (!target || value === "") { return; }
    var gap = Math.max(0, Number(target) - Number(value));
    CLASSES.forEach(function (name) { cell.classList.remove(name); });
    cell.classList.add(gap === 0 ? "hm-ok" : gap === 1 ? "hm-g1" : "hm-g2");
  }

  function count() {
    var changed = form.querySelectorAll("td.is-changed").length;
    if (counter) {
      counter.textContent = changed ? changed + " unsaved change" + (changed === 1 ? "" : "s") : "";
    }
    dirty = changed > 0;
  }

  form.addEventListener("change", function (event) {
    var select = event.target;
    if (select.tagName !== "SELECT") { return; }
    var cell = select.closest("td");
    cell.classList.toggle("is-changed", select.value !== select.dataset.seen);
    recolour(cell, select.value);
    count();
  });

  /* Conflicts after a save: a decision shows in the grid at once. "Keep theirs" puts the level
     the page now holds (theirs) back in the cell, which is then unchanged; "Use mine" puts the
     manager's level back. On submit the server decides the same way, with or without this. */
  form.querySelectorAll("tr[data-conflict]").forEach(function (row) {
    var select = form.querySelector('select[name="c-' + row.dataset.conflict + '"]');
    if (!select) { return; }
    var cell = select.closest("td");
    var loaded = { value: select.value, css: cell.className };
    var unchanged = loaded.css.replace(/(^|\s)is-changed(?=\s|$)/, " ").trim();
    var mine = row.dataset.mine !== undefined ? row.dataset.mine : select.value;

    function show(value) {
      select.value = value;
      if (select.value === select.dataset.seen) {
        cell.className = unchanged;
      } else if (select.value === loaded.value) {
        cell.className = loaded.css;  /* as the page showed it */
      } else {
        cell.classList.add("is-changed");
        recolour(cell, select.value);
      }
      count();
    }

    row.addEventListener("change", function (event) {
      var radio = event.target;
      if (radio.type !== "radio" || !radio.checked) { return; }
      show(radio.value === "theirs" ? select.dataset.seen : mine);
    });
    /* A level picked in the cell itself after a decision: the decision follows the cell. */
    select.addEventListener("change", function () {
      var theirs = select.value === select.dataset.seen;
      if (!theirs) { mine = select.value; }
      if (theirs) { cell.className = unchanged; }
      if (row.querySelector("input[type=radio]:checked")) {
        var follow = row.querySelector('input[type=radio][value="' + (theirs ? "theirs" : "mine") + '"]');
        if (follow) { follow.checked = true; }
      }
    });
  });

  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  count();
}());
