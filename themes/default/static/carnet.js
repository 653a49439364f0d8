// carnet default theme: the mobile menu and lazy expansion of the sidebar tree.
// Everything works without this script; it only adds conveniences.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "./";
  var WORDS = {
    fr: {
      copy: "Copier", copied: "Copié", search: "Rechercher", search_placeholder: "Rechercher (/)",
      search_close: "Fermer la recherche", search_count: "{n} résultat(s)", search_none: "Aucun résultat",
      search_error: "La recherche n’a pas pu être chargée", theme_auto: "Thème : automatique",
      theme_light: "Thème : clair", theme_dark: "Thème : sombre", copy_markdown: "Copier en Markdown",
      copied_markdown: "Markdown de la page copié",
      copy_markdown_failed: "Copie impossible : ouvrez la version Markdown"
    },
    en: {
      copy: "Copy", copied: "Copied", search: "Search", search_placeholder: "Search (/)",
      search_close: "Close search", search_count: "{n} result(s)", search_none: "No results",
      search_error: "Search could not be loaded", theme_auto: "Theme: automatic",
      theme_light: "Theme: light", theme_dark: "Theme: dark", copy_markdown: "Copy as Markdown",
      copied_markdown: "The page's Markdown is copied",
      copy_markdown_failed: "Could not copy: open the Markdown version"
    }
  };
  var words = WORDS[(document.documentElement.lang || "").split("-")[0].toLowerCase()] || WORDS.en;
  function element(tag, attributes) {
    var el = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { el.setAttribute(name, attributes[name]); });
    return el;
  }
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

  // Each page carries a bounded part of the tree (src/render/sidebar.rs); the whole tree is one
  // shared file, fetched the first time a reader opens a closed entry or a "more" entry. An
  // entry's place in that tree is counted, not written: its rank in its list, a "more" entry
  // moving the count to its data-to.
  var tree = null;
  function loadTree() {
    if (!tree) {
      tree = fetch(root + sidebar.getAttribute("data-nav")).then(function (r) {
        if (!r.ok) throw new Error("nav.json: " + r.status);
        return r.json();
      });
      tree.catch(function () { tree = null; });
    }
    return tree;
  }
  function rank(li) {
    var i = 0;
    for (var el = li.parentNode.firstElementChild; el && el !== li; el = el.nextElementSibling) {
      i = el.classList.contains("nav-more") ? +el.getAttribute("data-to") : i + 1;
    }
    return i;
  }
  // The index path of an entry of the sidebar's tree, [] for the roots' list itself.
  function pathOf(li) {
    var path = [];
    for (var el = li; el && el.tagName === "LI"; el = el.parentNode.parentNode) path.unshift(rank(el));
    return path;
  }
  function childrenAt(roots, path) {
    var list = roots;
    for (var i = 0; i < path.length; i++) {
      var node = list[path[i]];
      list = node && node.c ? node.c : [];
    }
    return list;
  }
  function hrefFor(url) {
    return /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url) ? url : root + url;
  }
  function buildItem(child) {
    var li = document.createElement("li");
    var label;
    if (typeof child.u === "string") {
      label = document.createElement("a");
      label.href = hrefFor(child.u);
      if (hrefFor(child.u) === child.u) label.rel = "external";
    } else {
      label = document.createElement("span");
      label.className = child.c && !child.g ? "nav-text" : "nav-group-title";
      if (child.g) li.className = "nav-group";
    }
    label.textContent = child.l;
    li.appendChild(label);
    if (child.c && child.c.length) {
      li.classList.add("nav-branch");
      addToggle(li);
    }
    return li;
  }
  function buildList(children) {
    var ul = document.createElement("ul");
    children.forEach(function (child) { ul.appendChild(buildItem(child)); });
    return ul;
  }
  function addToggle(li) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "nav-toggle";
    var label = li.firstElementChild ? li.firstElementChild.textContent : "";
    button.setAttribute("aria-label", label);
    var list = li.querySelector(":scope > ul");
    button.setAttribute("aria-expanded", list ? "true" : "false");
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
      var path = pathOf(li);
      loadTree().then(function (roots) {
        li.appendChild(buildList(childrenAt(roots, path)));
        button.setAttribute("aria-expanded", "true");
      }).catch(function () {
        var link = li.querySelector(":scope > a");
        if (link) window.location.href = link.href;
      });
    });
  }
  // A "more" entry becomes the entries it stands for; its link (to the section's listing) is
  // what readers without this script follow.
  function expandMore(more) {
    var link = more.querySelector("a");
    link.addEventListener("click", function (e) {
      var from = rank(more), to = +more.getAttribute("data-to");
      var list = more.parentNode;
      var path = list.parentNode.tagName === "LI" ? pathOf(list.parentNode) : [];
      e.preventDefault();
      loadTree().then(function (roots) {
        var children = childrenAt(roots, path).slice(from, to);
        var first = null;
        children.forEach(function (child) {
          var item = buildItem(child);
          list.insertBefore(item, more);
          first = first || item;
        });
        more.remove();
        var target = first && first.querySelector("a, button");
        if (target) target.focus();
      }).catch(function () { window.location.href = link.href; });
    });
  }
  if (sidebar) {
    Array.prototype.forEach.call(sidebar.querySelectorAll("li.nav-branch"), addToggle);
    Array.prototype.forEach.call(sidebar.querySelectorAll("li.nav-more"), expandMore);
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
  var copyLabel = words.copy;
  var copiedLabel = words.copied;
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

  // Videos: a play button over the link card; the player (YouTube, Vimeo, Loom) is loaded only
  // when the reader clicks, so the host hears nothing of readers who do not.
  Array.prototype.forEach.call(document.querySelectorAll(".embed-player[data-player]"), function (figure) {
    var card = figure.querySelector(".embed-card");
    if (!card) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed-play";
    var host = card.querySelector(".embed-host");
    button.textContent = figure.getAttribute("data-play") + (host ? " (" + host.textContent + ")" : "");
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = figure.getAttribute("data-player");
      var caption = figure.querySelector("figcaption");
      frame.title = (caption && caption.textContent.trim()) || button.textContent;
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      frame.className = "embed-frame";
      figure.replaceChild(frame, card);
      button.remove();
      frame.focus();
    });
    figure.insertBefore(button, card.nextSibling);
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
    copyMarkdown.textContent = words.copy_markdown;
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
      copied.then(function () { say(words.copied_markdown); },
                  function () { say(words.copy_markdown_failed); });
    });
  }

  // The header's tools, made here because they need this script: search (a field on wide
  // screens, an icon button opening a full-width field on phones) and the theme toggle. Their
  // words are below rather than in every page (src/i18n.rs has the same; a test keeps both in
  // step), and so are the paths of the files search loads: each string naming a static file
  // after the theme's asset marker becomes that file's hashed path when the theme is loaded
  // (src/render/theme.rs).
  var html = document.documentElement;
  var tools = document.querySelector(".site-tools");
  var header = document.querySelector(".site-header");
  if (tools && header) {
    var searchButton = element("button", { type: "button", "class": "search-toggle icon-button", "aria-controls": "search-form", "aria-expanded": "false", "aria-label": words.search, title: words.search });
    var searchForm = element("form", { id: "search-form", "class": "search", role: "search", "data-script": root + "carnet-asset:search.js", "data-stemmer": root + "carnet-asset:vendor/snowball/stemmers.js", "data-count": words.search_count, "data-none": words.search_none, "data-error": words.search_error });
    var searchLabel = element("label", { "class": "visually-hidden", "for": "search-input" });
    searchLabel.textContent = words.search;
    var searchInput = element("input", { id: "search-input", type: "search", placeholder: words.search_placeholder, autocomplete: "off", spellcheck: "false", enterkeyhint: "search", "aria-controls": "search-results" });
    var searchClose = element("button", { type: "button", "class": "search-close icon-button", "aria-label": words.search_close, title: words.search_close });
    var results = element("div", { id: "search-results", "class": "search-results", hidden: "" });
    results.appendChild(element("p", { "class": "search-summary" }));
    results.appendChild(element("ol", {}));
    [searchLabel, searchInput, searchClose, results, element("p", { id: "search-status", "class": "visually-hidden", role: "status" })].forEach(function (child) { searchForm.appendChild(child); });
    var toggle = element("button", { type: "button", "class": "theme-toggle icon-button" });
    tools.appendChild(searchButton);
    tools.appendChild(searchForm);
    tools.appendChild(toggle);

    // Search: its script and index load the first time a reader goes to it (focus, `/` or
    // Ctrl-K), so pages stay light.
    var searchLoaded = false;
    var loadSearch = function () {
      if (searchLoaded) return;
      searchLoaded = true;
      var script = document.createElement("script");
      script.src = searchForm.getAttribute("data-script");
      document.head.appendChild(script);
    };
    var openSearch = function () {
      header.classList.add("is-searching");
      searchButton.setAttribute("aria-expanded", "true");
      searchInput.focus();
    };
    var closeSearch = function () {
      if (!header.classList.contains("is-searching")) return;
      header.classList.remove("is-searching");
      searchButton.setAttribute("aria-expanded", "false");
      if (getComputedStyle(searchButton).display !== "none") searchButton.focus();
    };
    searchInput.addEventListener("focus", loadSearch);
    searchButton.addEventListener("click", openSearch);
    searchClose.addEventListener("click", function () {
      results.hidden = true;
      closeSearch();
    });
    searchForm.addEventListener("keydown", function (e) {
      // search.js closes its results on a first Escape; a second one closes the field.
      if (e.key === "Escape" && results.hidden) closeSearch();
    });
    document.addEventListener("keydown", function (e) {
      var target = e.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if ((e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) ||
          (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        openSearch();
        searchInput.select();
      }
    });

    // Theme: automatic (the system's choice), light or dark, remembered across pages. The
    // choice is applied by an inline script in <head> before the first paint, so no page
    // flashes.
    var order = ["auto", "light", "dark"];
    var current = html.getAttribute("data-theme") || "auto";
    var show = function () {
      var name = words["theme_" + current];
      toggle.setAttribute("aria-label", name);
      toggle.setAttribute("title", name);
      toggle.setAttribute("data-state", current);
    };
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
