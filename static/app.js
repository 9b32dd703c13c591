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
  // Tail lines are inserted by their time (data-ts), so a late line of
  // another task lands in place instead of at the bottom. A permalink's
  // line (#here) is scrolled to instead of the bottom.
  function insertLines(lines, html) {
    var tpl = document.createElement("template");
    // Server-rendered, escaped line HTML.
    tpl.innerHTML = html;
    Array.prototype.slice.call(tpl.content.children).forEach(function (line) {
      var ts = Number(line.getAttribute("data-ts"));
      var at = lines.lastElementChild;
      if (line.hasAttribute("data-ts")) {
        while (at && at.hasAttribute("data-ts") && Number(at.getAttribute("data-ts")) > ts) {
          at = at.previousElementSibling;
        }
      }
      if (at) at.after(line); else lines.prepend(line);
    });
  }
  // JSON lines expand in place: the pretty form is built from the line's
  // own text when asked, never shipped with the page.
  function toggleJson(msg) {
    var next = msg.nextElementSibling;
    if (next && next.classList.contains("log-json")) {
      next.remove();
      msg.setAttribute("aria-expanded", "false");
      return;
    }
    var pretty;
    try { pretty = JSON.stringify(JSON.parse(msg.textContent), null, 2); } catch (e) { return; }
    var pre = document.createElement("pre");
    pre.className = "log-json";
    pre.textContent = pretty;
    msg.after(pre);
    msg.setAttribute("aria-expanded", "true");
  }
  // Expandable JSON lines take keyboard focus too.
  function markJson(lines) {
    lines.querySelectorAll(".log-msg[data-json]:not([tabindex])").forEach(function (m) {
      m.tabIndex = 0;
      m.setAttribute("role", "button");
      m.setAttribute("aria-expanded", "false");
      m.title = "JSON: click to expand";
    });
  }
  function setupLogView() {
    var view = document.querySelector("[data-log-view]");
    if (!view || view.dataset.ready) return;
    view.dataset.ready = "1";
    var lines = document.getElementById("log-lines");
    var status = document.querySelector("[data-log-status]");
    var pause = document.querySelector("[data-log-pause]");
    var bottom = document.querySelector("[data-log-bottom]");
    var here = document.getElementById("here");
    var follow = !here, paused = false, held = [];
    function toBottom() { view.scrollTop = view.scrollHeight; }
    function showStatus() {
      if (!status) return;
      status.textContent = paused ? "paused" + (held.length ? " (" + held.length + " new)" : "") : "live";
      status.classList.toggle("paused", paused);
      if (pause) pause.textContent = paused ? "Resume" : "Pause";
    }
    markJson(lines);
    if (here) here.scrollIntoView({ block: "center" }); else toBottom();
    view.addEventListener("scroll", function () {
      follow = view.scrollHeight - view.scrollTop - view.clientHeight < 40;
    });
    view.addEventListener("click", function (ev) {
      var msg = ev.target.closest(".log-msg[data-json]");
      if (msg && !window.getSelection().toString()) toggleJson(msg);
    });
    // The gutter shows the time of day; the full time shows on hover.
    view.addEventListener("mouseover", function (ev) {
      var a = ev.target.closest(".log-line > a");
      if (a && !a.title) {
        a.title = new Date(Number(a.parentNode.getAttribute("data-ts"))).toISOString() + " · link to this moment";
      }
    });
    view.addEventListener("keydown", function (ev) {
      var msg = ev.target.closest(".log-msg[data-json]");
      if (msg && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); toggleJson(msg); }
    });
    document.body.addEventListener("htmx:sseBeforeMessage", function (ev) {
      ev.preventDefault();
      if (paused) {
        held.push(ev.detail.data);
        showStatus();
        return;
      }
      var empty = lines.querySelector(".log-empty");
      if (empty) empty.remove();
      insertLines(lines, ev.detail.data);
      markJson(lines);
      if (follow) toBottom();
    });
    if (pause) pause.addEventListener("click", function () {
      paused = !paused;
      if (!paused && held.length) {
        insertLines(lines, held.join(""));
        markJson(lines);
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
