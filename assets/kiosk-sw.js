// The kiosk's service worker: keeps one event's pages (every language) and the
// assets they load, so a tablet on poor Wi-Fi still shows the survey. Served
// from /kiosk/<token>/sw.js, so its scope is that event's kiosk.
//
// Pages and assets are served from the cache at once and refreshed from the
// network in the background. Uploads (POST) are never touched: the page queues
// those itself when the network fails.
"use strict";

var CACHE = "engage-kiosk-v1 " + self.registration.scope;
var SCOPE_PATH = new URL(self.registration.scope).pathname;

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch(new URL("precache.json", self.registration.scope), { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (manifest) {
        return caches.open(CACHE).then(function (cache) {
          return cache.addAll(manifest.urls.map(function (url) {
            // Revalidated, not fetched whole: the page has just loaded most of them.
            return new Request(url, { cache: "no-cache", credentials: "omit" });
          }));
        });
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function kept(url) {
  if (url.origin !== self.location.origin) return false;
  if (url.pathname.indexOf("/static/") === 0) return true;
  if (url.pathname.indexOf(SCOPE_PATH) !== 0) return false;
  // The worker itself and its list are always fetched fresh by the browser.
  return !/\/(sw\.js|precache\.json|responses)$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !kept(new URL(request.url))) return;
  event.respondWith(
    caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (cached) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok && response.type === "basic") cache.put(request, response.clone());
          return response;
        });
        if (cached) {
          event.waitUntil(fresh.catch(function () {}));
          return cached;
        }
        return fresh;
      });
    })
  );
});
