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
})();
