// Wegweiser case UI: small progressive enhancements. Every page works without this file.
"use strict";

(function () {
  // The queue keeps itself current: the table body is fetched again every few seconds.
  // While keyboard focus is inside the table nothing is replaced, so nobody loses their place.
  function liveQueue(table) {
    var source = table.getAttribute("data-live-source");
    var interval = parseInt(table.getAttribute("data-live-interval"), 10) || 15000;
    var status = document.querySelector("[data-live-status]");
    var count = document.getElementById("queue-count");
    function refresh() {
      if (document.hidden) return;
      var body = table.querySelector("[data-live-target]");
      if (body && body.contains(document.activeElement)) return;
      fetch(source, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); throw new Error("logged out"); }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          var parsed = new DOMParser().parseFromString("<table>" + html + "</table>", "text/html");
          var fresh = parsed.querySelector("[data-live-target]");
          var current = table.querySelector("[data-live-target]");
          if (!fresh || !current) return;
          if (fresh.innerHTML !== current.innerHTML) {
            current.replaceWith(document.importNode(fresh, true));
            var total = fresh.getAttribute("data-total");
            if (count && total !== null) {
              count.innerHTML = "";
              var strong = document.createElement("strong");
              strong.textContent = total;
              count.appendChild(strong);
              count.appendChild(document.createTextNode(total === "1" ? " Fall" : " Fälle"));
            }
          }
          if (status) status.textContent = "Aktualisiert um " + new Date().toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" }) + " Uhr.";
        })
        .catch(function () {
          if (status) status.textContent = "Automatische Aktualisierung gerade nicht möglich.";
        });
    }
    window.setInterval(refresh, interval);
    document.addEventListener("visibilitychange", refresh);
  }

  function init() {
    var table = document.querySelector("[data-live-source]");
    if (table && window.fetch && window.DOMParser) liveQueue(table);

    var printButton = document.querySelector("[data-print]");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }

    Array.prototype.forEach.call(document.querySelectorAll("[data-set-today]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("data-set-today"));
        if (input) { input.value = button.getAttribute("data-today"); input.focus(); }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
