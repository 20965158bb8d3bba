// The resident survey's "keep my answers on this device": an optional copy of the
// answers so far in this browser's localStorage, so a resident can close the page
// and finish later. Nothing is sent anywhere until the resident presses a button,
// and the copy is deleted once the answers are submitted (the thank-you page) or
// the box is unticked. Without this script the survey works the same, page by page.
(function () {
  "use strict";

  var PREFIX = "engage-survey-";
  var SKIP = { csrf_token: true, _action: true };

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: the option is not offered
    }
  }

  var store = storage();
  if (!store) return;

  // The thank-you page: the answers are stored on the server, so forget every copy.
  if (document.querySelector("[data-survey-sent]")) {
    Object.keys(store).forEach(function (name) {
      if (name.indexOf(PREFIX) === 0) store.removeItem(name);
    });
    return;
  }

  var form = document.querySelector("[data-survey-form]");
  if (!form) return;
  var name = form.dataset.surveyStore;
  var box = form.querySelector("[data-survey-save-box]");
  var group = form.querySelector("[data-survey-save]");
  if (!box || !group) return;

  function read() {
    try {
      var saved = JSON.parse(store.getItem(name) || "null");
      return saved && Array.isArray(saved.fields) ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function save() {
    if (!box.checked) return;
    var fields = [];
    new FormData(form).forEach(function (value, key) {
      if (!SKIP[key] && typeof value === "string") fields.push([key, value]);
    });
    var record = { saved: new Date().toISOString(), page: form.dataset.surveyPage, fields: fields };
    try {
      store.setItem(name, JSON.stringify(record));
    } catch (error) {
      box.checked = false; // the browser's storage is full: say nothing is kept
    }
  }

  group.hidden = false;
  var saved = read();
  box.checked = saved !== null;
  box.addEventListener("change", function () {
    if (box.checked) save();
    else store.removeItem(name);
  });
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  form.addEventListener("submit", save);
  // Keep what has come from the server (the answers so far) as soon as a page opens;
  // not on the first page opened afresh, which would replace the copy with nothing.
  if (form.dataset.surveyFresh === undefined) save();

  // The first page, opened afresh, offers to go back to where the saved answers stop.
  var resume = document.querySelector("[data-survey-resume]");
  if (!resume || !saved || form.dataset.surveyFresh === undefined) return;
  var when = new Date(saved.saved);
  var date = isNaN(when) ? "" : when.toLocaleDateString(document.documentElement.lang, {
    day: "numeric", month: "long", year: "numeric"
  });
  resume.querySelector("[data-survey-resume-text]").textContent =
    resume.dataset.text.replace("{date}", date);
  resume.hidden = false;

  resume.querySelector("[data-survey-resume-continue]").addEventListener("click", function () {
    // The saved answers replace this page's empty ones; the server opens the page they stop at.
    Array.prototype.slice.call(form.elements).forEach(function (el) {
      if (el.name && el.name.indexOf("q-") === 0) el.disabled = true;
    });
    ["_key", "_page"].forEach(function (field) {
      if (form.elements[field]) form.elements[field].disabled = true;
    });
    saved.fields.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "_action";
    action.value = saved.page === "check" ? "check" : "goto:" + saved.page;
    form.appendChild(action);
    form.submit();
  });

  resume.querySelector("[data-survey-resume-forget]").addEventListener("click", function () {
    store.removeItem(name);
    box.checked = false;
    resume.hidden = true;
    form.querySelector("h1").focus();
  });
})();
