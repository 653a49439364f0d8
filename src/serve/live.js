// carnet serve: live reload. Added to every HTML page while serving, never to a build.
// After each rebuild the server says so; this page asks whether its own content changed and
// reloads only then, keeping its scroll position. A CSS-only change swaps the stylesheet in
// place. Problems found by the rebuild show in an overlay until a rebuild fixes them.
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me.getAttribute("data-base") || "/";
  var hash = me.getAttribute("data-hash");
  var key = "carnet-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var restore = function () { window.scrollTo(0, +saved); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage unavailable: reload at the top */ }

  function overlay(problems) {
    var old = document.getElementById("carnet-overlay");
    if (old) old.remove();
    if (!problems || !problems.length) return;
    var box = document.createElement("div");
    box.id = "carnet-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;max-height:50vh;overflow:auto;" +
      "padding:1rem 1.25rem;background:#2b0d0b;color:#ffe3df;border:2px solid #ff8f86;border-radius:8px;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 8px 24px rgba(0,0,0,.4)";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Dismiss");
    close.style.cssText = "float:right;font:inherit;font-size:20px;background:none;color:inherit;border:0;cursor:pointer";
    close.onclick = function () { box.remove(); };
    box.appendChild(close);
    problems.forEach(function (p) {
      var line = document.createElement("div");
      line.className = "carnet-problem";
      line.textContent = (p.file ? p.file + (p.line ? ":" + p.line : "") + ": " : "") + p.severity + ": " + p.message;
      box.appendChild(line);
    });
    document.body.appendChild(box);
  }

  function swapCss(changes) {
    Array.prototype.forEach.call(document.querySelectorAll("link[rel=stylesheet]"), function (link) {
      var href = link.getAttribute("href");
      Object.keys(changes).forEach(function (from) {
        if (href.slice(-from.length) === from) link.setAttribute("href", href.slice(0, -from.length) + changes[from]);
      });
    });
  }

  // Events are handled one after the other: a CSS swap must have taken its new hash before
  // the next rebuild's check, or that check would see a change and reload.
  var handled = Promise.resolve();

  function handle(event) {
    overlay(event.problems);
    if (event.css) swapCss(event.css);
    return fetch(base + "__carnet/hash?path=" + encodeURIComponent(location.pathname), { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (current) {
        if (!current || current === hash) return;
        if (event.cssOnly) { hash = current; return; }
        try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
        location.reload();
      })
      .catch(function () { /* the server is restarting: the next event tells */ });
  }

  function connect() {
    var source = new EventSource(base + "__carnet/events");
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      handled = handled.then(function () { return handle(event); });
    };
    source.onerror = function () {
      // The server restarts or went away: EventSource retries by itself.
    };
  }
  connect();
})();
