// ecsdeck's own browser code: small, no inline handlers (the CSP forbids them).
(function () {
  "use strict";

  // Relative times: <time datetime="RFC3339"> shows "3 min ago", absolute on hover.
  function relative(ms) {
    var s = Math.round((Date.now() - ms) / 1000);
    var future = s < 0;
    s = Math.abs(s);
    var out;
    if (s < 45) out = s + "s";
    else if (s < 3600) out = Math.round(s / 60) + " min";
    else if (s < 86400) out = Math.round(s / 3600) + " h";
    else out = Math.round(s / 86400) + " d";
    return future ? "in " + out : out + " ago";
  }
  function updateTimes(root) {
    (root || document).querySelectorAll("time[datetime][data-relative]").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("datetime"));
      if (isNaN(ms)) return;
      if (!el.title) el.title = new Date(ms).toString();
      el.textContent = relative(ms);
    });
  }

  // Copy buttons: any element with data-copy="text".
  document.addEventListener("click", function (ev) {
    var copy = ev.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
        copy.classList.add("copied");
        setTimeout(function () { copy.classList.remove("copied"); }, 1500);
      });
    }
    var dismiss = ev.target.closest("[data-dismiss]");
    if (dismiss) {
      var toast = dismiss.closest(".toast");
      if (toast) toast.remove();
    }
  });

  // Toasts fade away on their own after a while.
  function expireToasts() {
    document.querySelectorAll(".toast:not([data-expiring])").forEach(function (t) {
      t.setAttribute("data-expiring", "1");
      setTimeout(function () { t.remove(); }, 12000);
    });
  }

  // Polling fragments (hx-trigger="every …") pause while the tab is hidden.
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    if (document.hidden && elt && elt.hasAttribute("data-poll")) ev.preventDefault();
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    updateTimes(ev.target);
    expireToasts();
  });
  document.addEventListener("DOMContentLoaded", function () {
    updateTimes(document);
    expireToasts();
  });
  setInterval(function () { updateTimes(document); }, 30000);
  // Log viewer: follow the live tail while the user is at the bottom; stop
  // following when they scroll up; Pause holds new lines until Resume.
  function setupLogView() {
    var view = document.querySelector("[data-log-view]");
    if (!view || view.dataset.ready) return;
    view.dataset.ready = "1";
    var lines = document.getElementById("log-lines");
    var status = document.querySelector("[data-log-status]");
    var pause = document.querySelector("[data-log-pause]");
    var bottom = document.querySelector("[data-log-bottom]");
    var follow = true, paused = false, held = [];
    function toBottom() { view.scrollTop = view.scrollHeight; }
    function showStatus() {
      if (!status) return;
      status.textContent = paused ? "paused" + (held.length ? " (" + held.length + " new)" : "") : "live";
      status.classList.toggle("paused", paused);
      if (pause) pause.textContent = paused ? "Resume" : "Pause";
    }
    toBottom();
    view.addEventListener("scroll", function () {
      follow = view.scrollHeight - view.scrollTop - view.clientHeight < 40;
    });
    document.body.addEventListener("htmx:sseBeforeMessage", function (ev) {
      if (!paused) return;
      ev.preventDefault();
      held.push(ev.detail.data);
      showStatus();
    });
    document.body.addEventListener("htmx:sseMessage", function () {
      var empty = lines.querySelector(".log-empty");
      if (empty) empty.remove();
      if (follow) toBottom();
    });
    if (pause) pause.addEventListener("click", function () {
      paused = !paused;
      if (!paused && held.length) {
        // Server-rendered, escaped line HTML held while paused.
        lines.insertAdjacentHTML("beforeend", held.join(""));
        held = [];
        if (follow) toBottom();
      }
      showStatus();
    });
    if (bottom) bottom.addEventListener("click", function () { follow = true; toBottom(); });
  }
  document.addEventListener("DOMContentLoaded", setupLogView);
})();

// CSRF: htmx sends the session's token (from <meta name="csrf-token">) as
// X-CSRF-Token on every request that may change state.
document.addEventListener("htmx:configRequest", function (ev) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var verb = (ev.detail && ev.detail.verb || "get").toLowerCase();
  if (meta && verb !== "get") ev.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
});
