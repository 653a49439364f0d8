// carnet default theme: the mobile menu and lazy expansion of the sidebar tree.
// Everything works without this script; it only adds conveniences.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "./";
  var sidebar = document.getElementById("sidebar");
  var menu = document.querySelector(".menu-toggle");

  if (menu && sidebar) {
    menu.addEventListener("click", function () {
      var open = sidebar.classList.toggle("is-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && sidebar.classList.contains("is-open")) {
        sidebar.classList.remove("is-open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }

  // Each page carries only its own branch of the tree; the whole tree is one shared file,
  // fetched the first time a reader opens a collapsed entry.
  var tree = null;
  function loadTree() {
    if (!tree) {
      tree = fetch(sidebar.getAttribute("data-nav")).then(function (r) {
        if (!r.ok) throw new Error("nav.json: " + r.status);
        return r.json();
      });
    }
    return tree;
  }
  function nodeAt(roots, path) {
    var node = null, list = roots;
    path.split(".").forEach(function (i) { node = list[+i]; list = node ? node.c || [] : []; });
    return node;
  }
  function hrefFor(url) {
    return /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url) ? url : root + url;
  }
  function buildList(children, path) {
    var ul = document.createElement("ul");
    children.forEach(function (child, i) {
      var li = document.createElement("li");
      var childPath = path + "." + i;
      li.className = child.u ? "nav-page" : "nav-text";
      var label;
      if (child.u) {
        label = document.createElement("a");
        label.href = hrefFor(child.u);
      } else {
        label = document.createElement("span");
        label.className = "nav-text";
      }
      label.textContent = child.l;
      li.appendChild(label);
      if (child.c && child.c.length) {
        li.setAttribute("data-path", childPath);
        li.setAttribute("data-expanded", "false");
        addToggle(li);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function addToggle(li) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nav-toggle";
    var label = li.firstElementChild ? li.firstElementChild.textContent : "";
    button.setAttribute("aria-label", label);
    var expanded = li.getAttribute("data-expanded") === "true";
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    li.insertBefore(button, li.firstChild);
    button.addEventListener("click", function () {
      var list = li.querySelector(":scope > ul");
      if (button.getAttribute("aria-expanded") === "true") {
        if (list) list.hidden = true;
        button.setAttribute("aria-expanded", "false");
        return;
      }
      if (list) {
        list.hidden = false;
        button.setAttribute("aria-expanded", "true");
        return;
      }
      loadTree().then(function (roots) {
        var node = nodeAt(roots, li.getAttribute("data-path"));
        if (node && node.c) li.appendChild(buildList(node.c, li.getAttribute("data-path")));
        button.setAttribute("aria-expanded", "true");
      }).catch(function () {
        var link = li.querySelector(":scope > a");
        if (link) window.location.href = link.href;
      });
    });
  }
  if (sidebar) {
    Array.prototype.forEach.call(sidebar.querySelectorAll("li[data-path]"), function (li) {
      if (!li.classList.contains("nav-group")) addToggle(li);
    });
    var current = sidebar.querySelector("[aria-current=page]");
    if (current && current.scrollIntoView && sidebar.scrollHeight > sidebar.clientHeight) {
      current.scrollIntoView({ block: "center" });
    }
  }

  // Tabs: every panel is a titled section (readable without this script); here they become an
  // ARIA tab list. Arrow keys, Home and End move between tabs; the chosen title is remembered
  // and applied to every tab group that has it; a #link to something inside a panel opens it.
  var STORE = "carnet-tab";
  var groups = [];
  function remembered() {
    try { return window.localStorage.getItem(STORE); } catch (e) { return null; }
  }
  function remember(title) {
    try { window.localStorage.setItem(STORE, title); } catch (e) { /* private mode */ }
  }
  function enhanceTabs(container, n) {
    var panels = Array.prototype.filter.call(container.children, function (el) { return el.classList.contains("tab-panel"); });
    if (!panels.length) return;
    var list = document.createElement("div");
    list.className = "tab-list";
    list.setAttribute("role", "tablist");
    var buttons = panels.map(function (panel, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.id = "tab-" + n + "-" + i;
      if (!panel.id) panel.id = button.id + "-panel";
      button.setAttribute("role", "tab");
      button.setAttribute("aria-controls", panel.id);
      button.textContent = panel.getAttribute("data-title") || "";
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", button.id);
      panel.tabIndex = 0;
      list.appendChild(button);
      return button;
    });
    function select(index, focus) {
      buttons.forEach(function (button, i) {
        var on = i === index;
        button.setAttribute("aria-selected", on ? "true" : "false");
        button.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) buttons[index].focus();
    }
    buttons.forEach(function (button, i) {
      button.addEventListener("click", function () {
        select(i, false);
        remember(button.textContent);
        groups.forEach(function (g) { if (g !== group) g.selectTitle(button.textContent); });
      });
      button.addEventListener("keydown", function (e) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
        if (next === undefined) return;
        e.preventDefault();
        select((next + buttons.length) % buttons.length, true);
      });
    });
    var group = {
      selectTitle: function (title) {
        var i = buttons.findIndex(function (b) { return b.textContent === title; });
        if (i >= 0) select(i, false);
      },
      reveal: function (element) {
        var i = panels.findIndex(function (p) { return p.contains(element); });
        if (i >= 0) select(i, false);
      }
    };
    container.insertBefore(list, container.firstChild);
    container.classList.add("is-enhanced");
    var stored = remembered();
    var initial = buttons.findIndex(function (b) { return b.textContent === stored; });
    select(initial >= 0 ? initial : 0, false);
    groups.push(group);
  }
  Array.prototype.forEach.call(document.querySelectorAll(".tabs"), enhanceTabs);
  function revealHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    groups.forEach(function (g) { g.reveal(target); });
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", revealHash);
  if (window.location.hash) revealHash();

  // Copy buttons on code blocks and prompts; the text stays selectable without them.
  var copyLabel = document.documentElement.getAttribute("data-copy") || "Copy";
  var copiedLabel = document.documentElement.getAttribute("data-copied") || "Copied";
  Array.prototype.forEach.call(document.querySelectorAll(".content pre:not(.mermaid), .prompt-body"), function (block) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel;
    button.addEventListener("click", function () {
      var source = block.querySelector("code") || block;
      navigator.clipboard.writeText(source.innerText).then(function () {
        button.textContent = copiedLabel;
        setTimeout(function () { button.textContent = copyLabel; }, 1500);
      });
    });
    if (block.tagName === "PRE") {
      block.insertBefore(button, block.firstChild);
    } else {
      block.parentNode.insertBefore(button, block);
    }
  });

  // Copy as Markdown: the page's `.md` (published beside it) goes to the clipboard, and a
  // status line says so, visibly and to screen readers. Without this script, or without the
  // Clipboard API, the link to the `.md` is there. The text is fetched inside the click: a
  // ClipboardItem holding the fetch keeps the click's permission (Safari asks for that).
  var actions = document.querySelector(".page-actions");
  var markdownLink = actions && actions.querySelector(".markdown-link");
  if (markdownLink && navigator.clipboard && window.fetch) {
    var copyMarkdown = document.createElement("button");
    copyMarkdown.type = "button";
    copyMarkdown.className = "copy-markdown";
    copyMarkdown.textContent = actions.getAttribute("data-copy");
    var copyStatus = document.createElement("span");
    copyStatus.className = "copy-markdown-status";
    copyStatus.setAttribute("role", "status");
    actions.insertBefore(copyMarkdown, markdownLink);
    actions.appendChild(copyStatus);
    var statusTimer = null;
    var say = function (text) {
      copyStatus.textContent = text;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(function () { copyStatus.textContent = ""; }, 6000);
    };
    copyMarkdown.addEventListener("click", function () {
      var text = fetch(markdownLink.href).then(function (r) {
        if (!r.ok) throw new Error(markdownLink.href + ": " + r.status);
        return r.text();
      });
      var copied;
      if (window.ClipboardItem && navigator.clipboard.write) {
        copied = navigator.clipboard.write([new ClipboardItem({
          "text/plain": text.then(function (t) { return new Blob([t], { type: "text/plain" }); })
        })]);
      } else {
        copied = text.then(function (t) { return navigator.clipboard.writeText(t); });
      }
      copied.then(function () { say(actions.getAttribute("data-copied")); },
                  function () { say(actions.getAttribute("data-failed")); });
    });
  }

  // Search: the field is in every page's header; its script and index load the first time a
  // reader goes to it (focus, `/` or Ctrl-K), so pages stay light.
  var searchForm = document.querySelector(".search");
  var searchInput = document.getElementById("search-input");
  if (searchForm && searchInput) {
    var searchLoaded = false;
    var loadSearch = function () {
      if (searchLoaded) return;
      searchLoaded = true;
      var script = document.createElement("script");
      script.src = searchForm.getAttribute("data-script");
      document.head.appendChild(script);
    };
    searchInput.addEventListener("focus", loadSearch);
    document.addEventListener("keydown", function (e) {
      var target = e.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if ((e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) ||
          (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        searchInput.focus();
        searchInput.select();
      }
    });
  }

  // Theme: automatic (the system's choice), light or dark, remembered across pages. The choice
  // is applied by an inline script in <head> before the first paint, so no page flashes.
  var html = document.documentElement;
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var order = ["auto", "light", "dark"];
    var current = html.getAttribute("data-theme") || "auto";
    var show = function () { toggle.textContent = toggle.getAttribute("data-" + current) || current; };
    show();
    toggle.addEventListener("click", function () {
      current = order[(order.indexOf(current) + 1) % order.length];
      if (current === "auto") html.removeAttribute("data-theme"); else html.setAttribute("data-theme", current);
      try {
        if (current === "auto") window.localStorage.removeItem("carnet-theme"); else window.localStorage.setItem("carnet-theme", current);
      } catch (e) { /* private mode: the choice lasts for this page */ }
      show();
    });
  }
})();
