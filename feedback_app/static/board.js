/* Voicebox board: small improvements over pages that already work without JavaScript.
   1. While a title is typed, similar ideas appear under it.
   2. Votes are sent without reloading the page. */
(function () {
  "use strict";

  var title = document.getElementById("title");
  var box = document.getElementById("similar");
  if (title && box) {
    var list = box.querySelector("ul");
    var timer = null;
    var lastAsked = "";
    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = title.value.trim();
        if (text.length < 3 || text === lastAsked) { if (text.length < 3) box.hidden = true; return; }
        lastAsked = text;
        fetch("/ideas/similar?title=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (ideas) {
            list.replaceChildren();
            ideas.forEach(function (idea) {
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = idea.url;
              link.textContent = idea.title;
              item.appendChild(link);
              list.appendChild(item);
            });
            box.hidden = ideas.length === 0;
          })
          .catch(function () { box.hidden = true; });
      }, 250);
    });
  }

  /* Show a vote button as pressed or not, and make its next press undo or cast the vote. */
  function press(button, on, castValue) {
    if (!button) return;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.setAttribute("aria-label", button.dataset[on ? "labelOn" : "labelOff"]);
    button.value = on ? "0" : castValue;
  }

  /* The page's own post, as if the script were not there. form.submit() sends no button, so
     the pressed button's value rides along in a hidden field. */
  function postPlainly(form, button) {
    var pressed = document.createElement("input");
    pressed.type = "hidden";
    pressed.name = button.name;
    pressed.value = button.value;
    form.appendChild(pressed);
    form.submit();
  }

  document.querySelectorAll("form[data-vote]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch) return;
      event.preventDefault();
      // Sent urlencoded, as the plain form is: the app refuses multipart bodies.
      var data = new URLSearchParams(new FormData(form, button));
      fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
        .then(function (r) {
          var type = r.headers.get("Content-Type") || "";
          // Not signed in (401) or not JSON: let the plain form post take the person onwards.
          if (r.status === 401 || type.indexOf("application/json") === -1) throw new Error("form");
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        })
        .then(function (result) {
          if (!result.ok) { alert(result.body.error); return; }
          var value = result.body.value;
          form.querySelector("[data-score]").textContent = result.body.score.toLocaleString();
          press(form.querySelector(".vote-up"), value === 1, "1");
          press(form.querySelector(".vote-down"), value === -1, "-1");
        })
        .catch(function () { postPlainly(form, button); });
    });
  });
})();
