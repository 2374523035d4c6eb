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

// Buyer pages: form errors (400) and state conflicts (409) come back as HTML fragments that
// explain the problem, so htmx swaps them in like a success instead of dropping them.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if ((status === 400 || status === 409) && evt.detail.elt.closest("[data-swap-errors]")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();

// Supplier answer page: ticking "Not applicable" disables the question's value inputs, so the
// answer form sends N/A alone. Listening in the capture phase runs this before htmx (which
// listens on the form) collects the values. Without JavaScript both are sent and the server
// explains the conflict.
(function () {
  "use strict";
  function syncNa(box) {
    if (!box.form) { return; }
    var inputs = box.form.querySelectorAll("[name=value]");
    Array.prototype.forEach.call(inputs, function (el) { el.disabled = box.checked; });
  }
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("input[data-na]")) { syncNa(evt.target); }
  }, true);
  document.addEventListener("htmx:load", function (evt) {
    Array.prototype.forEach.call(evt.detail.elt.querySelectorAll("input[data-na]"), syncNa);
  });
})();

// Forms marked data-confirm ask before they are sent (removing a member, say).
(function () {
  "use strict";
  document.addEventListener("submit", function (evt) {
    var message = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { evt.preventDefault(); }
  });
})();

// Text answers: a live count against the limit (the server refuses a longer text with a 400;
// no maxlength attribute, which would cut a paste without a word).
(function () {
  "use strict";
  function update(area) {
    var counter = document.querySelector("[data-counter-for='" + area.id + "']");
    if (!counter) { return; }
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var n = area.value.length;
    counter.textContent = counter.textContent.replace(/^\d+/, String(n));
    counter.classList.toggle("over", n > limit);
  }
  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches("textarea[data-limit]")) { update(evt.target); }
  });
})();

// Evidence uploads start when the file is chosen (hx-trigger="change" on the form). A file over
// the size limit is refused here, before it travels: the capture-phase listener runs before
// htmx's and stops the event, and the message comes from the input's data-too-large.
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
    var form = input.form;
    var error = form && form.querySelector("[data-upload-error]");
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    if (error) { error.hidden = true; error.textContent = ""; }
    input.removeAttribute("aria-invalid");
    if (file && file.size > limit) {
      evt.stopPropagation();
      evt.preventDefault();
      input.value = "";
      input.setAttribute("aria-invalid", "true");
      if (error) { error.textContent = input.getAttribute("data-too-large"); error.hidden = false; }
    }
  }, true);
})();

// Answer saves: a save that fails without an answer from the application (network down,
// server error) says so next to the question instead of looking saved; the answer stays in
// the form.
(function () {
  "use strict";
  function failed(evt) {
    var form = evt.detail.elt && evt.detail.elt.closest && evt.detail.elt.closest("form.answer-form");
    var status = form && form.querySelector(".saved[data-save-failed]");
    var code = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (!status || code === 400 || code === 409) { return; }
    status.textContent = status.getAttribute("data-save-failed");
    status.classList.add("failed");
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
})();

// A header checkbox marked data-select-all="name" ticks or clears every checkbox of that name
// in its form (the rows of the page shown).
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var box = evt.target;
    var name = box.getAttribute && box.getAttribute("data-select-all");
    if (!name || !box.form) { return; }
    var boxes = box.form.querySelectorAll("input[type=checkbox][name='" + name + "']");
    Array.prototype.forEach.call(boxes, function (el) { el.checked = box.checked; });
  });
})();
