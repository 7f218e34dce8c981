/* The publishing page while a publish is under way: look again every few seconds, so the
   result shows once it ends. Without JavaScript the "See whether it finished" link does it. */
(function () {
  "use strict";
  var busy = document.querySelector("[data-publishing]");
  if (!busy) { return; }
  window.setTimeout(function () { window.location.reload(); }, 3000);
})();
