/*
 * After a failed submit, move the focus to the error summary, so that a keyboard or
 * screen-reader user lands on the list of what to fix (each item links to its field).
 */
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
})();
