// carnet search: queries the static index under search/ (built by src/search/) in the browser.
// Loaded by carnet.js the first time the reader focuses the search field. Index files are
// classic scripts (not JSON) so that search also works in a site opened from disk (file://).
// Words become terms exactly as src/search/analyze.rs does it; keep both in step.
(function () {
  "use strict";
  var form = document.querySelector(".search");
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !panel || !status) return;
  var list = panel.querySelector("ol");
  var root = document.documentElement.getAttribute("data-root") || "./";
  var base = root + "search/";
  var MAX_RESULTS = 10;
  var FIRST_RESULTS = 3;
  var MAX_WORD = 40;
  var FOLDS = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i" };
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;

  // Script loading: each index file calls one of these with its data.
  var waiting = {};
  var loaded = {};
  function arrive(key, data) {
    loaded[key] = Promise.resolve(data);
    if (waiting[key]) { waiting[key].resolve(data); delete waiting[key]; }
  }
  window.carnetSearch = {
    meta: function (data) { arrive("meta", data); },
    shard: function (key, data, forms, tailed) { arrive("t:" + key, { t: data, f: [].concat(forms || []), x: tailed || [] }); },
    tail: function (key, data) { arrive("x:" + key, data); },
    page: function (id, data) { arrive("p:" + id, data); }
  };
  function load(src, key) {
    if (loaded[key]) return loaded[key];
    var promise = new Promise(function (resolve, reject) {
      waiting[key] = { resolve: resolve, reject: reject };
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onerror = function () {
        delete loaded[key];
        if (waiting[key]) { waiting[key].reject(new Error(src)); delete waiting[key]; }
      };
      document.head.appendChild(script);
    });
    loaded[key] = promise;
    return promise;
  }
  function loadPlain(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // One analyzer per language of the site (pages are stemmed in their space's language): a
  // query word stands for its terms in each. The stemmers are a fallback: each shard lists the
  // site's words with their terms in each language, so they are fetched only for a word no
  // page has.
  var meta = null, keys = null, analyzers = [], stemmed = false, shardData = {}, tails = {};
  var ready = load(base + "meta.js", "meta").then(function (m) {
    meta = m;
    keys = new Set(m.shards);
    analyzers = (m.analyzers || [{ stemmer: m.stemmer, stop: m.stop }]).map(function (a) {
      return { name: a.stemmer, stop: new Set(a.stop || []), stemmer: null };
    });
  });
  var stemmerLoading = null;
  function loadStemmer() {
    if (!stemmerLoading) {
      stemmerLoading = loadPlain(form.getAttribute("data-stemmer")).then(function () {
        analyzers.forEach(function (an) {
          if (an.name) an.stemmer = window.snowballFactory.newStemmer(an.name);
        });
        stemmed = true;
      });
    }
    return stemmerLoading;
  }

  function chars(s) { return Array.from(s); }
  function fold(lower) {
    return lower.normalize("NFD").replace(/\p{M}/gu, "").replace(/[œæßøđłı]/g, function (c) { return FOLDS[c]; });
  }
  // A word's terms under one stemming analyzer, once the stemmers are here (see analyze.rs).
  function stems(an, lower, folded) {
    var a = fold(an.stemmer.stem(lower)), b = an.stemmer.stem(folded);
    return a === b ? [a] : [a, b];
  }
  function words(text) {
    return (text.match(WORD) || []).filter(function (w) { return chars(w).length <= MAX_WORD; });
  }
  function shardFor(term) {
    var c = chars(term);
    for (var n = Math.min(c.length, 6); n > 0; n--) {
      var key = c.slice(0, n).join("");
      if (keys.has(key)) return key;
    }
    return null;
  }
  function shardFile(key) {
    var name = "";
    chars(key).forEach(function (c) { name += /^[A-Za-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16); });
    return base + "t/" + name + ".js?v=" + meta.version;
  }
  function loadShard(key) {
    return load(shardFile(key), "t:" + key).then(function (shard) { shardData[key] = shard; return shard; });
  }
  // The terms of a word in every language, from the shards already loaded (or the stemmers,
  // once loaded): [] for a stop word; null when its shard is loaded but the site does not have
  // the word and the stemmers are not here; undefined when its shard is not loaded. A word the
  // site has is in a language's forms, or has the folded word as its only term there, or has
  // no term there that the index knows (forms.rs).
  function knownTerms(word) {
    var lower = word.toLowerCase(), folded = fold(lower);
    if (chars(folded).length < 2) return [];
    var live = analyzers.filter(function (an) { return !an.stop.has(folded); });
    if (!live.length) return [];
    if (!live.some(function (an) { return an.name; })) return [folded];
    var key = shardFor(folded);
    if (!key) return [];
    var shard = shardData[key];
    if (!shard) return undefined;
    var forms = analyzers.map(function (an, i) { return shard.f[i] && shard.f[i][lower]; });
    var known = !!shard.t[folded] || forms.some(Boolean);
    if (!known && !stemmed) return null;
    var result = [];
    function add(term) { if (result.indexOf(term) < 0) result.push(term); }
    analyzers.forEach(function (an, i) {
      if (an.stop.has(folded)) return;
      if (!an.name) add(folded);
      else if (forms[i]) forms[i].forEach(add);
      else if (!known) stems(an, lower, folded).forEach(add);
      else if (shard.t[folded]) add(folded);
    });
    return result;
  }
  // The terms of a query word: from its shard, else from the stemmers.
  function termsOf(word) {
    var known = knownTerms(word);
    if (known) return Promise.resolve(known);
    var key = shardFor(fold(word.toLowerCase()));
    return (known === undefined ? loadShard(key) : Promise.resolve()).then(function () {
      var found = knownTerms(word);
      if (found) return found;
      return loadStemmer().then(function () { return knownTerms(word) || []; });
    });
  }

  // A query: each word with its terms and, for the word being typed, a prefix.
  function parse(query) {
    var found = words(query);
    var typing = found.length && !/[\s\p{P}]$/u.test(query);
    return Promise.all(found.map(function (w, i) {
      var prefix = null;
      if (typing && i === found.length - 1) {
        var p = fold(w.toLowerCase());
        if (chars(p).length >= 3) prefix = p;
      }
      return termsOf(w).then(function (ts) { return { word: w, terms: ts, prefix: prefix }; });
    })).then(function (parsed) {
      return parsed.filter(function (q) { return q.terms.length || q.prefix; });
    });
  }
  function shardsFor(parsed) {
    var need = new Set();
    parsed.forEach(function (q) {
      q.terms.forEach(function (t) { var k = shardFor(t); if (k) need.add(k); });
      if (q.prefix) {
        var k = shardFor(q.prefix);
        if (k) need.add(k);
        meta.shards.forEach(function (key) { if (key.indexOf(q.prefix) === 0) need.add(key); });
      }
    });
    return Array.from(need);
  }
  function postings(encoded, into, factor) {
    var page = 0;
    for (var i = 0; i < encoded.length; i += 2) {
      page += encoded[i];
      var score = encoded[i + 1] * factor;
      if (!(into.get(page) >= score)) into.set(page, score);
    }
  }
  // Page id → score for one query word, from the loaded shards (and the tails loaded).
  function scores(q, shards) {
    var found = new Map();
    function add(k, t, factor) {
      var data = shards[k];
      if (!data || !data.t[t]) return;
      postings(data.t[t], found, factor);
      var tail = tails[k];
      if (tail && tail[t]) postings(tail[t], found, factor);
    }
    q.terms.forEach(function (t) { var k = shardFor(t); if (k) add(k, t, 1); });
    if (q.prefix) {
      Object.keys(shards).forEach(function (k) {
        Object.keys(shards[k].t).forEach(function (t) {
          if (t.indexOf(q.prefix) === 0 && q.terms.indexOf(t) < 0) add(k, t, 0.6);
        });
      });
    }
    return found;
  }
  // Shards whose terms of this query have postings left in a tail file.
  function tailsWanted(parsed, shards) {
    var want = new Set();
    parsed.forEach(function (q) {
      q.terms.forEach(function (t) {
        var k = shardFor(t);
        if (k && shards[k] && shards[k].x.indexOf(t) >= 0 && !tails[k]) want.add(k);
      });
    });
    return Array.from(want);
  }
  // The best pages, and whether every word of the query is in at least MAX_RESULTS of them
  // (else the tails of its terms may hold better ones).
  function rank(parsed, shards) {
    var perWord = parsed.map(function (q) { return scores(q, shards); });
    var total = new Map();
    perWord[0].forEach(function (s, page) {
      var sum = s;
      for (var i = 1; i < perWord.length; i++) {
        var other = perWord[i].get(page);
        if (other === undefined) return;
        sum += other;
      }
      total.set(page, sum);
    });
    var enough = total.size >= MAX_RESULTS;
    if (!total.size && perWord.length > 1) {
      perWord.forEach(function (m) { m.forEach(function (s, page) { total.set(page, (total.get(page) || 0) + s); }); });
    }
    var ids = Array.from(total.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; })
      .slice(0, MAX_RESULTS).map(function (e) { return e[0]; });
    return { ids: ids, enough: enough };
  }

  // Does this word of the text match the query? Returns true for a term or prefix match.
  function matcher(parsed) {
    var exact = new Set(), prefixes = [];
    parsed.forEach(function (q) {
      q.terms.forEach(function (t) { exact.add(t); });
      if (q.prefix) prefixes.push(q.prefix);
    });
    return function (word) {
      var ts = knownTerms(word) || [];
      for (var i = 0; i < ts.length; i++) {
        if (exact.has(ts[i])) return true;
        for (var j = 0; j < prefixes.length; j++) if (ts[i].indexOf(prefixes[j]) === 0) return true;
      }
      if (prefixes.length) {
        var f = fold(word.toLowerCase());
        for (var k = 0; k < prefixes.length; k++) if (f.indexOf(prefixes[k]) === 0) return true;
      }
      return false;
    };
  }
  function countMatches(text, matches) {
    var n = 0;
    words(text).forEach(function (w) { if (matches(w)) n++; });
    return n;
  }
  // The section of a page that best matches, and an excerpt of it around the first match.
  function best(page, matches) {
    var chosen = page.s[0] || ["", "", ""], top = -1;
    page.s.forEach(function (s) {
      var score = countMatches(s[1], matches) * 3 + countMatches(s[2], matches);
      if (score > top) { top = score; chosen = s; }
    });
    return { anchor: chosen[0], heading: chosen[1], excerpt: excerpt(chosen[2], matches) };
  }
  function excerpt(text, matches) {
    WORD.lastIndex = 0;
    var m, first = -1;
    while ((m = WORD.exec(text))) { if (matches(m[0])) { first = m.index; break; } }
    var start = Math.max(0, (first < 0 ? 0 : first) - 60);
    var end = Math.min(text.length, start + 220);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp > 0 && sp < start + 20) start = sp + 1; }
    if (end < text.length) { var ep = text.lastIndexOf(" ", end); if (ep > start + 100) end = ep; }
    var piece = text.slice(start, end);
    var parts = [];
    var last = 0;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(piece))) {
      if (matches(m[0])) {
        parts.push([piece.slice(last, m.index), false], [m[0], true]);
        last = m.index + m[0].length;
      }
    }
    parts.push([piece.slice(last), false]);
    if (start > 0) parts.unshift(["… ", false]);
    if (end < text.length) parts.push([" …", false]);
    return parts;
  }

  function message(key, n) {
    return (form.getAttribute("data-" + key) || key).replace("{n}", n);
  }
  function show(results, query) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + r.url + (r.anchor ? "#" + encodeURIComponent(r.anchor) : "");
      var title = document.createElement("span");
      title.className = "search-title";
      title.textContent = r.title;
      a.appendChild(title);
      if (r.heading && r.heading !== r.title) {
        var section = document.createElement("span");
        section.className = "search-section";
        section.textContent = r.heading;
        a.appendChild(section);
      }
      var text = document.createElement("span");
      text.className = "search-excerpt";
      r.excerpt.forEach(function (part) {
        if (part[1]) {
          var mark = document.createElement("mark");
          mark.textContent = part[0];
          text.appendChild(mark);
        } else {
          text.appendChild(document.createTextNode(part[0]));
        }
      });
      a.appendChild(text);
      li.appendChild(a);
      list.appendChild(li);
    });
    var summary = results.length ? message("count", results.length) : message("none", 0);
    panel.setAttribute("data-query", query);
    panel.querySelector(".search-summary").textContent = summary;
    status.textContent = summary;
    open();
  }
  function open() { panel.hidden = false; }
  function close() { panel.hidden = true; }

  var generation = 0;
  function run() {
    var query = input.value;
    var mine = ++generation;
    if (!query.trim()) { close(); status.textContent = ""; return; }
    ready.then(function () { return parse(query); }).then(function (parsed) {
      if (!parsed.length) return { parsed: parsed, pages: [] };
      var needed = shardsFor(parsed);
      return Promise.all(needed.map(loadShard)).then(function (datas) {
        var shards = {};
        needed.forEach(function (k, i) { shards[k] = datas[i]; });
        var ranked = rank(parsed, shards);
        var more = ranked.enough ? [] : tailsWanted(parsed, shards);
        if (!more.length) return ranked.ids;
        return Promise.all(more.map(function (k) {
          return load(base + "x/" + shardFile(k).slice((base + "t/").length), "x:" + k)
            .then(function (tail) { tails[k] = tail; });
        })).then(function () { return rank(parsed, shards).ids; });
      }).then(function (ids) {
        // The first results show as soon as their pages are here; the rest follow.
        var first = ids.slice(0, FIRST_RESULTS), rest = ids.slice(FIRST_RESULTS);
        return loadPages(first).then(function (pages) {
          return { parsed: parsed, pages: pages, rest: rest };
        });
      });
    }).then(function (found) {
      if (mine !== generation) return;
      present(found.parsed, found.pages, query);
      if (!found.rest || !found.rest.length) return;
      return loadPages(found.rest).then(function (more) {
        if (mine === generation) present(found.parsed, found.pages.concat(more), query);
      });
    }).catch(function () {
      if (mine !== generation) return;
      list.textContent = "";
      panel.querySelector(".search-summary").textContent = message("error", 0);
      status.textContent = message("error", 0);
      open();
    });
  }
  function loadPages(ids) {
    return Promise.all(ids.map(function (id) { return load(base + "p/" + id + ".js?v=" + meta.version, "p:" + id); }));
  }
  function present(parsed, pages, query) {
    var matches = matcher(parsed);
    show(pages.map(function (page) {
      var b = best(page, matches);
      return { url: page.u, title: page.t, anchor: b.anchor, heading: b.heading, excerpt: b.excerpt };
    }), query);
    if (window.performance && performance.mark) performance.mark("carnet-search-results");
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 60);
  });
  input.addEventListener("focus", function () { if (input.value.trim() && list.children.length) open(); });
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  form.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "Escape") {
      if (!panel.hidden) { e.preventDefault(); close(); input.focus(); }
    } else if (e.key === "ArrowDown") {
      if (!all.length) return;
      e.preventDefault();
      open();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (e.key === "ArrowUp") {
      if (at < 0) return;
      e.preventDefault();
      if (at === 0) input.focus(); else all[at - 1].focus();
    } else if (e.key === "Enter" && document.activeElement === input) {
      e.preventDefault();
      if (all.length) all[0].click();
    }
  });
  form.addEventListener("focusout", function (e) {
    if (!form.contains(e.relatedTarget)) close();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  if (input.value.trim()) run();
})();
