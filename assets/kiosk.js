// Kiosk mode on a shared tablet. Without this script the survey is one plain
// form; with it, one section at a time, live skip logic, an idle reset, and
// uploads that fall back to the offline queue (kiosk-queue.js).
//
// Nothing about a respondent is kept anywhere but in this page's memory and
// form, and both are wiped before the next person: no URL, no web storage.
(function () {
  "use strict";

  var body = document.body;
  var config = body.dataset;
  var queue = window.EngageKioskQueue;
  var token = config.kioskToken;

  // Leave for the start screen without leaving a history entry to come back to.
  function goToStart(form) {
    if (form) form.reset();
    window.location.replace(config.kioskStart);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  // ---- Every kiosk page: the service worker and the queue ----

  if ("serviceWorker" in navigator && config.kioskSw) {
    navigator.serviceWorker.register(config.kioskSw).catch(function () {});
  }
  if (queue) queue.start();

  // ---- The start screen: the staff strip ----

  function startScreen() {
    var strip = document.querySelector("[data-kiosk-staff]");
    if (!strip || !queue) return;
    var count = strip.querySelector("[data-kiosk-queue-count]");
    var attention = strip.querySelector("[data-kiosk-attention]");
    var save = strip.querySelector("[data-kiosk-export]");
    strip.hidden = false;

    function refresh() {
      queue.forEvent(token).then(function (entries) {
        var n = entries.length;
        var stuck = entries.filter(function (entry) { return entry.attention; }).length;
        // The server sends the message in each plural category of the page's language.
        var forms = JSON.parse(count.dataset.forms);
        var category = new Intl.PluralRules(document.documentElement.lang).select(n);
        count.textContent = fill(forms[category] || forms.other, { count: n });
        attention.hidden = stuck === 0;
        attention.textContent = fill(attention.dataset.text, { count: stuck });
        save.hidden = n === 0;
      }, function () {});
    }

    save.addEventListener("click", function () { queue.exportFile(token); });
    queue.onChange(refresh);
    refresh();
  }

  // ---- The thank-you page (reached without the in-page flow) ----

  function thanksScreen() {
    setTimeout(goToStart, Number(config.kioskReturn) * 1000);
  }

  // ---- The survey ----

  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function survey() {
    var form = document.querySelector("[data-kiosk-form]");
    var respondent = document.querySelector("[data-kiosk-respondent]");
    var thanks = document.querySelector("[data-kiosk-thanks]");
    var sections = Array.prototype.slice.call(form.querySelectorAll("[data-kiosk-section]"));
    var questions = Array.prototype.slice.call(form.querySelectorAll(".kiosk-question"));
    var progress = form.querySelector("[data-kiosk-progress]");
    var back = form.querySelector("[data-kiosk-back]");
    var next = form.querySelector("[data-kiosk-next]");
    var submit = form.querySelector("[data-kiosk-submit]");
    var problem = form.querySelector("[data-kiosk-problem]");
    var errorBox = respondent.querySelector("[data-kiosk-errors]");
    var baseTitle = document.title.replace(errorBox.dataset.prefix + " ", "");
    var byCode = {};
    questions.forEach(function (q) { byCode[q.dataset.code] = q; });

    // The respondent's state lives only here; reset() wipes it.
    var state = { key: randomKey(), current: 0, busy: false, finished: false };
    form.elements._key.value = state.key;

    function fields(q) {
      return Array.prototype.slice.call(q.querySelectorAll("input, select, textarea"));
    }

    function values(q) {
      var out = [];
      fields(q).forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.checked) out.push(el.value);
        } else if (el.value.trim() !== "") {
          out.push(el.value);
        }
      });
      return out;
    }

    function clear(q) {
      fields(q).forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = false;
        else el.value = "";
      });
    }

    // Skip logic, as the server applies it: a question with a condition is shown
    // only if its controlling question is shown and answered with one of the options.
    function applyConditions() {
      var shown = {};
      questions.forEach(function (q) {
        var visible = true;
        var controller = q.dataset.condition;
        if (controller) {
          var wanted = (q.dataset.conditionOptions || "").split(" ");
          visible = controller in shown && shown[controller].some(function (v) {
            return wanted.indexOf(v) !== -1;
          });
        }
        if (!visible && !q.hidden) clear(q);
        q.hidden = !visible;
        if (visible) shown[q.dataset.code] = values(q);
      });
    }

    function visibleQuestions(section) {
      return Array.prototype.slice.call(section.querySelectorAll(".kiosk-question"))
        .filter(function (q) { return !q.hidden; });
    }

    // Sections whose questions are all hidden by skip logic are passed over.
    function activeSections() {
      return sections.filter(function (s) { return visibleQuestions(s).length > 0; });
    }

    function show(index, moveFocus) {
      var active = activeSections();
      index = Math.max(0, Math.min(index, active.length - 1));
      state.current = index;
      sections.forEach(function (s) { s.hidden = s !== active[index]; });
      progress.textContent = fill(progress.dataset.text, { number: index + 1, total: active.length });
      back.hidden = index === 0;
      next.hidden = index === active.length - 1;
      submit.hidden = !next.hidden;
      if (moveFocus) {
        window.scrollTo(0, 0);
        active[index].querySelector(".kiosk-section__title").focus();
      }
    }

    function currentSection() {
      return activeSections()[state.current];
    }

    // The same rules the server applies, from the data attributes beside each question.
    function check(q) {
      var d = q.dataset;
      var vals = values(q);
      if (vals.length === 0) return d.required || null;
      if (d.type === "number") {
        var text = vals[0].replace(/[,\s]/g, "");
        var n = Number(text);
        if (!/^[+-]?\d{1,12}$/.test(text) || (d.min !== "" && n < Number(d.min)) ||
            (d.max !== "" && n > Number(d.max))) {
          return d.numberMessage;
        }
      }
      if (d.maxLength && vals.join("\n").trim().length > Number(d.maxLength)) return d.lengthMessage;
      if (d.maxChoices && vals.length > Number(d.maxChoices)) return d.choicesMessage;
      return null;
    }

    function clearErrors() {
      errorBox.innerHTML = "";
      document.title = baseTitle;
      Array.prototype.forEach.call(form.querySelectorAll(".govuk-error-message"), function (p) {
        var group = p.closest(".govuk-form-group");
        var described = group.querySelector("[aria-describedby]");
        if (described) {
          var ids = described.getAttribute("aria-describedby").split(" ").filter(function (id) {
            return id && id !== p.id;
          });
          if (ids.length) described.setAttribute("aria-describedby", ids.join(" "));
          else described.removeAttribute("aria-describedby");
        }
        p.remove();
      });
      Array.prototype.forEach.call(form.querySelectorAll(".govuk-form-group--error"), function (g) {
        g.classList.remove("govuk-form-group--error");
      });
      Array.prototype.forEach.call(form.querySelectorAll(
        ".govuk-input--error, .govuk-textarea--error, .govuk-select--error"
      ), function (el) {
        el.className = el.className.replace(/govuk-(input|textarea|select)--error/g, "");
      });
    }

    // A GOV.UK error message on the question, linked from its field or fieldset.
    function markField(q, message) {
      var group = q.querySelector(".govuk-form-group");
      var first = fields(q)[0];
      var p = document.createElement("p");
      p.className = "govuk-error-message";
      p.id = first.name + "-error";
      var hidden = document.createElement("span");
      hidden.className = "govuk-visually-hidden";
      hidden.textContent = errorBox.dataset.prefix + " ";
      p.appendChild(hidden);
      p.appendChild(document.createTextNode(message));
      var before = group.querySelector(
        ".govuk-radios, .govuk-checkboxes, .govuk-input, .govuk-select, .govuk-textarea"
      );
      before.parentNode.insertBefore(p, before);
      group.classList.add("govuk-form-group--error");
      var described = group.querySelector("fieldset") || first;
      var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(p.id);
      described.setAttribute("aria-describedby", ids.join(" "));
      if (first.classList.contains("govuk-input")) first.classList.add("govuk-input--error");
      if (first.classList.contains("govuk-textarea")) first.classList.add("govuk-textarea--error");
      if (first.classList.contains("govuk-select")) first.classList.add("govuk-select--error");
    }

    // errors: {code: message}. Shows the summary and messages, and opens the first section with one.
    function showErrors(errors) {
      clearErrors();
      var codes = questions.map(function (q) { return q.dataset.code; })
        .filter(function (code) { return code in errors && !byCode[code].hidden; });
      if (!codes.length) return;
      var summary = document.createElement("div");
      summary.className = "govuk-error-summary";
      summary.tabIndex = -1;
      var alert = document.createElement("div");
      alert.setAttribute("role", "alert");
      var title = document.createElement("h2");
      title.className = "govuk-error-summary__title";
      title.textContent = errorBox.dataset.title;
      var list = document.createElement("ul");
      list.className = "govuk-list govuk-error-summary__list";
      codes.forEach(function (code) {
        markField(byCode[code], errors[code]);
        var link = document.createElement("a");
        link.href = "#" + fields(byCode[code])[0].id;
        link.textContent = errors[code];
        var item = document.createElement("li");
        item.appendChild(link);
        list.appendChild(item);
      });
      var listBody = document.createElement("div");
      listBody.className = "govuk-error-summary__body";
      listBody.appendChild(list);
      alert.appendChild(title);
      alert.appendChild(listBody);
      summary.appendChild(alert);
      errorBox.appendChild(summary);
      document.title = errorBox.dataset.prefix + " " + baseTitle;
      openSectionOf(byCode[codes[0]], false);
      window.scrollTo(0, 0);
      summary.focus();
    }

    function openSectionOf(element, moveFocus) {
      var section = element.closest("[data-kiosk-section]");
      var index = activeSections().indexOf(section);
      if (index !== -1) show(index, moveFocus);
    }

    function checkSection(section) {
      var errors = {};
      visibleQuestions(section).forEach(function (q) {
        var message = check(q);
        if (message) errors[q.dataset.code] = message;
      });
      if (Object.keys(errors).length) {
        showErrors(errors);
        return false;
      }
      clearErrors();
      return true;
    }

    function answers() {
      var out = {};
      questions.forEach(function (q) {
        if (q.hidden) return;
        var vals = values(q);
        if (vals.length) out[q.dataset.code] = vals;
      });
      return out;
    }

    // The resident always sees thanks once the answers are safe: on the server, or queued here.
    function finish(queued) {
      state.finished = true;
      form.reset();
      clearErrors();
      state.key = null;
      respondent.hidden = true;
      idle.stop();
      thanks.hidden = false;
      thanks.querySelector("[data-kiosk-queued]").hidden = !queued;
      var heading = thanks.querySelector("h1");
      heading.tabIndex = -1;
      heading.focus();
      setTimeout(function () { goToStart(form); }, Number(config.kioskReturn) * 1000);
    }

    function queueAndFinish(payload) {
      return queue.enqueue(token, payload).then(function () { finish(true); }, function () {
        problem.hidden = false;
        state.busy = false;
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (state.busy || state.finished || !checkSection(currentSection())) return;
      state.busy = true;
      problem.hidden = true;
      var payload = {
        key: state.key,
        version: Number(form.elements._version.value),
        lang: form.elements._lang.value,
        answers: answers(),
        // The tablet's time of finishing: queued answers are dated with it.
        answered_at: new Date().toISOString()
      };
      queue.send(token, payload).then(function (result) {
        if (result.status === 201 || result.status === 200) return finish(false);
        if (result.status === 422 && result.body.errors) {
          state.busy = false;
          return showErrors(result.body.errors);
        }
        // A 5xx, an expired link or a refusal: keep the answers safe on the tablet.
        return queueAndFinish(payload);
      }, function () { return queueAndFinish(payload); });
    });

    next.addEventListener("click", function () {
      if (checkSection(currentSection())) show(state.current + 1, true);
    });
    back.addEventListener("click", function () {
      clearErrors();
      show(state.current - 1, true);
    });
    form.addEventListener("change", function () {
      applyConditions();
      show(state.current, false);
    });

    // Links in any error summary open the section holding the field first.
    respondent.addEventListener("click", function (event) {
      var link = event.target.closest(".govuk-error-summary a");
      if (!link) return;
      var target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      openSectionOf(target, false);
      target.focus();
    });

    var idle = idleTimer(Number(config.kioskIdle), function () { goToStart(form); });

    body.classList.add("kiosk-js");
    progress.hidden = false;
    next.hidden = false;
    back.hidden = false;
    applyConditions();
    var firstError = form.querySelector(".govuk-form-group--error");
    if (firstError) openSectionOf(firstError, false);
    else show(0, false);
    idle.start();
  }

  // After `seconds` without a touch or key, ask "Are you still there?" for 20 s, then reset.
  function idleTimer(seconds, onTimeout) {
    var dialog = document.querySelector("[data-kiosk-idle-dialog]");
    var countdown = dialog.querySelector("[data-kiosk-countdown]");
    var live = dialog.querySelector("[data-kiosk-countdown-live]");
    var yes = dialog.querySelector("[data-kiosk-continue]");
    var COUNTDOWN = 20;
    var timer = null;
    var ticker = null;
    var stopped = false;

    function arm() {
      clearTimeout(timer);
      if (!stopped) timer = setTimeout(ask, seconds * 1000);
    }

    function activity() {
      if (!dialog.open) arm();
    }

    function ask() {
      var left = COUNTDOWN;
      countdown.textContent = fill(countdown.dataset.text, { seconds: left });
      live.textContent = fill(live.dataset.text, { seconds: left });
      dialog.showModal();
      yes.focus();
      ticker = setInterval(function () {
        left -= 1;
        countdown.textContent = fill(countdown.dataset.text, { seconds: left });
        // Announce every 5 seconds, not every second, so a screen reader can keep up.
        if (left % 5 === 0) live.textContent = fill(live.dataset.text, { seconds: left });
        if (left <= 0) {
          clearInterval(ticker);
          onTimeout();
        }
      }, 1000);
    }

    function resume() {
      clearInterval(ticker);
      if (dialog.open) dialog.close();
      arm();
    }

    yes.addEventListener("click", resume);
    // Escape closes a modal dialog: take it as "Yes, continue".
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      resume();
    });
    ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach(function (type) {
      window.addEventListener(type, activity, { passive: true, capture: true });
    });

    return {
      start: arm,
      stop: function () {
        stopped = true;
        clearTimeout(timer);
        clearInterval(ticker);
      }
    };
  }

  // "Start again now" replaces this page in the history rather than adding to it.
  Array.prototype.forEach.call(document.querySelectorAll("[data-kiosk-restart]"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      goToStart(document.querySelector("[data-kiosk-form]"));
    });
  });

  var page = config.kioskPage;
  if (page === "start") startScreen();
  else if (page === "thanks") thanksScreen();
  else if (page === "survey") survey();

  // A page restored from the back-forward cache may hold someone else's answers: start afresh.
  if (page !== "start") {
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) goToStart(document.querySelector("[data-kiosk-form]"));
    });
  }
})();
