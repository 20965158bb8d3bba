// The ranked ballot with JavaScript. Without it, members give each option a
// number in a select; with it, they build an ordered list ("Your ranking") from
// the options ("Not ranked") with buttons or by dragging, and this script keeps
// the hidden selects in step, so the same form is posted and checked the same
// way. Every text comes from the page (in the member's language); changes are
// announced in a polite live region, and focus stays on the item that moved.

const form = document.querySelector("[data-ballot-form]");
if (form) enhance(form);

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));
}

function enhance(form) {
  const selectBox = form.querySelector("[data-ballot-selects]");
  const selects = Array.from(selectBox.querySelectorAll("select"));
  const fragment = form.querySelector("template[data-ballot-widget]").content.cloneNode(true);
  const itemTemplate = form.querySelector("template[data-ballot-item]").content;
  const widget = fragment.querySelector(".engage-ballot");
  const ranked = widget.querySelector("[data-ballot-ranked]");
  const unranked = widget.querySelector("[data-ballot-unranked]");
  const zones = Array.from(widget.querySelectorAll("[data-ballot-zone]"));
  const status = widget.querySelector("[data-ballot-status]");
  const places = JSON.parse(widget.dataset.places);
  const texts = widget.dataset;
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // ---- Building the lists from the selects ----

  const items = selects.map((select, position) => {
    const item = itemTemplate.firstElementChild.cloneNode(true);
    const title = select.dataset.ballotOption;
    item.ballotSelect = select;
    item.ballotTitle = title;
    item.ballotPosition = position;
    const name = document.createElement("bdi");
    const titleBox = item.querySelector("[data-ballot-title]");
    name.textContent = title;
    titleBox.append(name);
    titleBox.id = `${select.id}-title`;
    // Each button is named by its own words and the option's: "Move up Parks".
    item.querySelectorAll("button").forEach((button, index) => {
      button.id = `${select.id}-action-${index}`;
      button.setAttribute("aria-labelledby", `${button.id} ${titleBox.id}`);
    });
    const hint = document.getElementById(select.id + "-hint");
    if (hint) {
      const description = document.createElement("span");
      const words = document.createElement("bdi");
      description.className = "engage-ballot__description";
      words.textContent = hint.textContent.trim();
      description.append(words);
      item.querySelector("[data-ballot-title]").after(description);
    }
    return item;
  });

  // The ranks already chosen (a ballot sent back to be changed) give the first order.
  const rankOf = (item) => parseInt(item.ballotSelect.value, 10);
  items
    .filter((item) => rankOf(item) > 0)
    .sort((a, b) => rankOf(a) - rankOf(b) || a.ballotPosition - b.ballotPosition)
    .forEach((item) => ranked.append(item));
  items.filter((item) => !(rankOf(item) > 0)).forEach((item) => unranked.append(item));

  const hint = form.querySelector("[data-ballot-hint]");
  const jsHint = widget.parentNode.querySelector("[data-ballot-js-hint]");
  hint.textContent = jsHint.textContent;
  jsHint.remove();
  selectBox.hidden = true;
  selectBox.after(fragment);
  // An error summary pointed at a select, now hidden: point it at the ranking instead.
  ranked.id = "ballot-ranking";
  ranked.tabIndex = -1;
  for (const link of document.querySelectorAll(".govuk-error-summary a[href^='#rank-']")) {
    link.setAttribute("href", "#ballot-ranking");
  }
  sync();

  // ---- Keeping the page and the selects in step ----

  function rankedItems() {
    return Array.from(ranked.children);
  }

  function sync() {
    const order = rankedItems();
    order.forEach((item, index) => {
      item.ballotSelect.value = String(index + 1);
      item.querySelector("[data-ballot-place]").textContent = places[index];
      setEdge(item.querySelector("[data-ballot-up]"), index === 0);
      setEdge(item.querySelector("[data-ballot-down]"), index === order.length - 1);
    });
    Array.from(unranked.children)
      .sort((a, b) => a.ballotPosition - b.ballotPosition)
      .forEach((item) => {
        item.ballotSelect.value = "";
        item.querySelector("[data-ballot-place]").textContent = "";
        unranked.append(item);
      });
    for (const item of items) {
      const isRanked = item.parentNode === ranked;
      item.querySelector("[data-ballot-up]").hidden = !isRanked;
      item.querySelector("[data-ballot-down]").hidden = !isRanked;
      item.querySelector("[data-ballot-remove]").hidden = !isRanked;
      item.querySelector("[data-ballot-add]").hidden = isRanked;
      item.querySelector("[data-ballot-place]").hidden = !isRanked;
    }
    widget.querySelector("[data-ballot-empty]").hidden = ranked.children.length > 0;
    widget.querySelector("[data-ballot-all-ranked]").hidden = unranked.children.length > 0;
    widget.classList.toggle("engage-ballot--empty", ranked.children.length === 0);
  }

  // The first item's "Move up" stays focusable (focus must not vanish under the
  // keyboard) but says it does nothing, and explains why when pressed.
  function setEdge(button, atEdge) {
    if (atEdge) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }

  function announce(message) {
    // Empty first, so the same words twice in a row are still read out.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = message;
    }, 50);
  }

  function placeOf(item) {
    return places[rankedItems().indexOf(item)];
  }

  function settle(item, focusOn) {
    sync();
    if (focusOn) focusOn.focus();
    item.classList.remove("engage-ballot__item--moved");
    void item.offsetWidth; // restart the highlight
    item.classList.add("engage-ballot__item--moved");
    item.scrollIntoView({ block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  // ---- The buttons: the keyboard (and switch, and voice) way to rank ----

  widget.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const item = button.closest(".engage-ballot__item");
    const title = item.ballotTitle;
    if (button.matches("[data-ballot-up]")) {
      const before = item.previousElementSibling;
      if (!before) return announce(fill(texts.textFirst, { title }));
      ranked.insertBefore(item, before);
      settle(item, button);
      announce(fill(texts.textMoved, { title, place: placeOf(item) }));
    } else if (button.matches("[data-ballot-down]")) {
      const after = item.nextElementSibling;
      if (!after) return announce(fill(texts.textLast, { title }));
      ranked.insertBefore(after, item);
      settle(item, button);
      announce(fill(texts.textMoved, { title, place: placeOf(item) }));
    } else if (button.matches("[data-ballot-remove]")) {
      unranked.append(item);
      settle(item, item.querySelector("[data-ballot-add]"));
      announce(fill(texts.textRemoved, { title }));
    } else if (button.matches("[data-ballot-add]")) {
      ranked.append(item);
      settle(item, item.querySelector("[data-ballot-up]"));
      announce(fill(texts.textAdded, { title, place: placeOf(item) }));
    }
  });

  // ---- Dragging, with a mouse anywhere on an item, by the handle on a touch screen ----

  let drag = null;

  widget.addEventListener("pointerdown", (event) => {
    const item = event.target.closest(".engage-ballot__item");
    if (!item || event.button !== 0 || event.target.closest("button")) return;
    if (event.pointerType !== "mouse" && !event.target.closest("[data-ballot-handle]")) return;
    drag = {
      item,
      pointer: event.pointerId,
      startY: event.clientY,
      moving: false,
      from: item.parentNode,
      index: Array.from(item.parentNode.children).indexOf(item),
    };
    item.setPointerCapture(event.pointerId);
    event.preventDefault();
  });

  widget.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    if (!drag.moving) {
      if (Math.abs(event.clientY - drag.startY) < 6) return;
      drag.moving = true;
      drag.item.classList.add("engage-ballot__item--dragging");
      widget.classList.add("engage-ballot--dragging");
    }
    placeAt(drag.item, event.clientX, event.clientY);
    // Near the top or bottom of the window, scroll so a long list can be crossed.
    if (event.clientY < 48) window.scrollBy(0, -12);
    else if (event.clientY > window.innerHeight - 48) window.scrollBy(0, 12);
  });

  function placeAt(item, x, y) {
    const zone = zones
      .map((z) => [z, z.getBoundingClientRect()])
      .sort(([, a], [, b]) => distance(a, y) - distance(b, y))[0][0];
    const list = zone.querySelector("ol, ul");
    const others = Array.from(list.children).filter((other) => other !== item);
    const next = others.find((other) => {
      const box = other.getBoundingClientRect();
      return y < box.top + box.height / 2;
    });
    if (next) {
      if (item.nextElementSibling !== next) list.insertBefore(item, next);
    } else if (list.lastElementChild !== item) {
      list.append(item);
    }
  }

  function distance(box, y) {
    if (y < box.top) return box.top - y;
    if (y > box.bottom) return y - box.bottom;
    return 0;
  }

  function endDrag(event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    const { item, moving, from, index } = drag;
    drag = null;
    item.classList.remove("engage-ballot__item--dragging");
    widget.classList.remove("engage-ballot--dragging");
    if (!moving) return;
    const title = item.ballotTitle;
    const nowRanked = item.parentNode === ranked;
    const moved = item.parentNode !== from || Array.from(from.children).indexOf(item) !== index;
    settle(item, null);
    if (!moved || (!nowRanked && from === unranked)) return;
    if (!nowRanked) announce(fill(texts.textRemoved, { title }));
    else if (from === ranked) announce(fill(texts.textMoved, { title, place: placeOf(item) }));
    else announce(fill(texts.textAdded, { title, place: placeOf(item) }));
  }

  widget.addEventListener("pointerup", endDrag);
  widget.addEventListener("pointercancel", endDrag);
}
