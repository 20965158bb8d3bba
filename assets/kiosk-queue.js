// The kiosk's offline queue: responses that could not reach the server, kept in
// IndexedDB under their idempotency key until the server confirms it has them.
// This is the only thing the kiosk ever stores on the tablet.
//
// Loaded before kiosk.js; exposes window.EngageKioskQueue.
(function () {
  "use strict";

  var DB_NAME = "engage-kiosk";
  var STORE = "queue";
  var RETRY_MS = 30000;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs fn(store) in one transaction; resolves with the request's result once committed.
  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); });
  }

  function forEvent(token) {
    return all().then(function (entries) {
      return entries.filter(function (entry) { return entry.event_token === token; });
    });
  }

  function put(entry) {
    return withStore("readwrite", function (store) { return store.put(entry); });
  }

  function remove(key) {
    return withStore("readwrite", function (store) { return store.delete(key); });
  }

  // What the server and the export file see: never the queue's own bookkeeping.
  // answered_at is when the resident finished (entries queued by older kiosks have
  // only queued_at, the same moment); the server dates the response with it.
  function payloadOf(entry) {
    return {
      key: entry.key,
      version: entry.version,
      lang: entry.lang,
      answers: entry.answers,
      answered_at: entry.answered_at || entry.queued_at
    };
  }

  function uploadUrl(token) {
    return "/kiosk/" + encodeURIComponent(token) + "/responses";
  }

  // One upload. Resolves with the HTTP status; rejects when the network is unreachable.
  function send(token, payload) {
    return fetch(uploadUrl(token), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function enqueue(token, payload) {
    var entry = payloadOf(payload);
    entry.queued_at = new Date().toISOString();
    if (!entry.answered_at) entry.answered_at = entry.queued_at;
    entry.event_token = token;
    entry.attention = null;
    return put(entry);
  }

  var listeners = [];
  var flushing = null;

  function changed() {
    listeners.forEach(function (listener) { listener(); });
  }

  // Upload every entry that does not need staff. An entry leaves the queue only
  // after a 201 or 200; a refusal (4xx) marks it for staff and keeps it; a 5xx, a
  // "too many requests" (429, when many tablets come back online at once), a 408 or
  // no network stops this round, to be tried again later.
  function flush() {
    if (flushing) return flushing;
    flushing = all().then(function (entries) {
      var pending = entries.filter(function (entry) { return !entry.attention; });
      return pending.reduce(function (previous, entry) {
        return previous.then(function (go) {
          if (!go) return false;
          return send(entry.event_token, payloadOf(entry)).then(function (result) {
            if (result.status === 201 || result.status === 200) return remove(entry.key).then(yes);
            if (result.status === 429 || result.status === 408) return false;
            if (result.status >= 400 && result.status < 500) {
              entry.attention = "refused " + result.status;
              return put(entry).then(yes);
            }
            return false;
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }).catch(function () { return false; }).then(function () {
      flushing = null;
      changed();
    });
    return flushing;
  }

  function yes() { return true; }

  // Staff can save the waiting responses; an administrator imports the file.
  // The entries stay queued: the server's idempotency keys make both routes safe.
  function exportFile(token) {
    return forEvent(token).then(function (entries) {
      var file = {
        format: "engage-kiosk-queue",
        version: 1,
        event_token: token,
        exported_at: new Date().toISOString(),
        responses: entries.map(function (entry) {
          var response = payloadOf(entry);
          response.queued_at = entry.queued_at;
          return response;
        })
      };
      var blob = new Blob([JSON.stringify(file, null, 2)], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "engage-kiosk-queue-" + file.exported_at.slice(0, 19).replace(/:/g, "") + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    });
  }

  // Upload on every page load, whenever the connection returns, and every 30 s.
  function start() {
    if (!("indexedDB" in window)) return;
    window.addEventListener("online", flush);
    setInterval(function () {
      all().then(function (entries) {
        if (entries.some(function (entry) { return !entry.attention; })) flush();
      }, function () {});
    }, RETRY_MS);
    flush();
  }

  window.EngageKioskQueue = {
    enqueue: enqueue,
    send: send,
    flush: flush,
    forEvent: forEvent,
    exportFile: exportFile,
    onChange: function (listener) { listeners.push(listener); },
    start: start
  };
})();
