// Portico progressive enhancements. Every page works without this file: it only adds the CSRF header to htmx requests
// and lets flash messages fade away on their own.
(function () {
  "use strict";

  var FLASH_DELAY_MS = 6000;
  var FLASH_ERROR_DELAY_MS = 12000;
  var FLASH_FADE_MS = 300;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  // Send the same CSRF token the forms carry as a header on every htmx request. The meta tag is read each time so a
  // rotated token (after login, say) is picked up without a reload.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && event.detail && event.detail.headers) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function removeFlash(flash) {
    if (!flash.isConnected) {
      return;
    }
    if (reducedMotion) {
      flash.remove();
      return;
    }
    flash.classList.add("flash-leaving");
    window.setTimeout(function () {
      flash.remove();
    }, FLASH_FADE_MS);
  }

  // A flash stays while the pointer or keyboard focus is on it, and any [data-dismiss] button inside closes it at once.
  // Add data-flash-sticky to keep one on screen.
  function enhanceFlash(flash) {
    if (flash.hasAttribute("data-flash-enhanced") || flash.hasAttribute("data-flash-sticky")) {
      return;
    }
    flash.setAttribute("data-flash-enhanced", "");
    var delay = flash.classList.contains("flash-error") ? FLASH_ERROR_DELAY_MS : FLASH_DELAY_MS;
    var timer = 0;
    function start() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        removeFlash(flash);
      }, delay);
    }
    function stop() {
      window.clearTimeout(timer);
    }
    flash.addEventListener("mouseenter", stop);
    flash.addEventListener("mouseleave", start);
    flash.addEventListener("focusin", stop);
    flash.addEventListener("focusout", start);
    flash.addEventListener("click", function (event) {
      var target = event.target;
      if (target instanceof Element && target.closest("[data-dismiss]")) {
        stop();
        removeFlash(flash);
      }
    });
    start();
  }

  function enhanceFlashes(root) {
    if (!root || typeof root.querySelectorAll !== "function") {
      return;
    }
    if (root instanceof Element && root.matches(".flash")) {
      enhanceFlash(root);
    }
    root.querySelectorAll(".flash").forEach(enhanceFlash);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceFlashes(document);
    });
  } else {
    enhanceFlashes(document);
  }

  // Content swapped in by htmx (boosted navigation, fragments) may carry new flashes.
  document.addEventListener("htmx:load", function (event) {
    enhanceFlashes(event.target);
  });
})();
