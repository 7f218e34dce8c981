/*
 * Voicebox wall of love: the featured testimonials of a Voicebox site, shown on another site.
 *
 *   <div data-voicebox-wall></div>
 *   <script src="https://SITE/wall.js" defer></script>
 *
 * It reads testimonials.json from the site it was loaded from (next to this file) and fills
 * every element marked data-voicebox-wall. Safe on a host page with a strict policy: no eval,
 * no HTML parsing of the data (text goes in through textContent only), no style attributes in
 * markup (styles are set through the CSSOM, which a style-src policy does not block). The host
 * can restyle it by the vb-wall__* class names (with !important). If the request fails, the
 * element stays empty and the host page carries on.
 *
 * Published by generator/render.py (_wall_script), which writes the site's words in below.
 */
(function () {
  "use strict";
  var WORDS = /*WORDS*/{};
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var root = new URL(".", script.src);
  var STYLE = {
    list: {"list-style": "none", margin: "0", padding: "0", display: "grid", gap: "1rem",
           "grid-template-columns": "repeat(auto-fill, minmax(16rem, 1fr))"},
    item: {border: "1px solid rgba(0, 0, 0, .15)", "border-radius": ".5rem", padding: "1rem",
           margin: "0", "min-width": "0", "overflow-wrap": "anywhere"},
    quote: {margin: "0 0 .5rem", "font-size": "1.05rem", "line-height": "1.5"},
    stars: {margin: "0 0 .25rem", color: "#b26a00", "letter-spacing": ".1em"},
    credit: {margin: "0", "font-weight": "bold"},
    disclosure: {margin: ".25rem 0 0", "font-size": ".8rem", opacity: ".8"},
    date: {margin: ".25rem 0 0", "font-size": ".8rem", opacity: ".8"},
    more: {margin: "1rem 0 0"}
  };

  function el(tag, part, text) {
    var node = document.createElement(tag);
    var style = STYLE[part] || {};
    node.className = "vb-wall__" + part;
    Object.keys(style).forEach(function (name) {
      node.style.setProperty(name, style[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function chosen(items) {
    var featured = items.filter(function (t) { return t.featured; });
    return featured.length ? featured.slice(0, WORDS.size) : items.slice(0, 3);
  }

  function day(iso) {
    var parts = iso.split("-").map(Number);
    var when = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    try {
      return new Intl.DateTimeFormat(WORDS.lang, {dateStyle: "long", timeZone: "UTC"})
        .format(when);
    } catch (e) {
      return iso;
    }
  }

  function card(t) {
    var item = el("li", "item");
    var quote = el("blockquote", "quote");
    var rating = Math.max(1, Math.min(5, Number(t.rating) || 1));
    var stars = el("p", "stars",
                   "\u2605".repeat(rating) + "\u2606".repeat(5 - rating));
    var credit = t.credit || {};
    var who = [credit.name || WORDS.anonymous, credit.role, credit.company]
      .filter(Boolean).join(", ");
    var time = el("time", "time", day(String(t.date)));
    var date = el("p", "date");
    quote.appendChild(el("p", "text", "\u201c" + String(t.quote) + "\u201d"));
    stars.setAttribute("role", "img");
    stars.setAttribute("aria-label", WORDS.stars[rating - 1]);
    time.setAttribute("datetime", String(t.date));
    date.appendChild(time);
    item.appendChild(quote);
    item.appendChild(stars);
    item.appendChild(el("p", "credit", who));
    if (t.disclosure) {
      item.appendChild(el("p", "disclosure", String(t.disclosure)));
    }
    item.appendChild(date);
    return item;
  }

  function show(box, items) {
    var list = el("ul", "list");
    var more = el("p", "more");
    var link = el("a", "link", WORDS.more);
    list.setAttribute("aria-label", WORDS.title);
    items.forEach(function (t) { list.appendChild(card(t)); });
    link.href = new URL("testimonials/", root).href;
    more.appendChild(link);
    box.textContent = "";
    box.appendChild(list);
    box.appendChild(more);
  }

  function start() {
    var boxes = document.querySelectorAll("[data-voicebox-wall]");
    if (!boxes.length) {
      return;
    }
    fetch(new URL("testimonials.json", root).href, {credentials: "omit"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("Voicebox wall: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var items = chosen(data.testimonials || []);
        Array.prototype.forEach.call(boxes, function (box) { show(box, items); });
      })
      .catch(function () {
        /* No wall: the host page carries on as it was. */
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
