/* Saved responses: choosing one fills the status and the response at once. Without
   JavaScript the "Use this response" button asks the server to do the same. */
(function () {
  "use strict";
  document.querySelectorAll("form.status-form").forEach(function (form) {
    var picker = form.querySelector("select[name$='reply']");
    var response = form.querySelector("textarea[name$='response']");
    var status = form.querySelector("select[name$='status']");
    if (!picker || !response) { return; }
    var use = form.querySelector("input[name$='use_reply']");
    if (use) { use.hidden = true; }
    picker.addEventListener("change", function () {
      var chosen = picker.selectedOptions[0];
      if (!chosen || !chosen.dataset.body) { return; }
      response.value = chosen.dataset.body;
      if (status && chosen.dataset.status) { status.value = chosen.dataset.status; }
      response.focus();
    });
  });
})();
