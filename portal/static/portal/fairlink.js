// Fairlink portal behaviour that htmx attributes do not cover. No inline scripts (CSP).
(function () {
  "use strict";
  // Show upload progress on forms with a <progress data-upload-progress> element.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest("form");
    var bar = form && form.querySelector("progress[data-upload-progress]");
    if (bar && evt.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    }
  });
  // Submit selects marked data-autosubmit (language and organization switchers).
  document.addEventListener("change", function (evt) {
    if (evt.target.matches("select[data-autosubmit]")) { evt.target.form.submit(); }
  });
  // Poll-driven pages stop polling when the server says the work is finished.
  document.addEventListener("htmx:afterSwap", function (evt) {
    var done = evt.detail.target.querySelector("[data-finished]");
    if (done) { evt.detail.target.removeAttribute("hx-trigger"); }
  });
})();
