// Portico progressive enhancements. Every page works without this file: it only adds the CSRF header to htmx requests,
// lets success messages fade away on their own, shows copy buttons (a new API key) and unfolds the docs operation a link
// points to.
(function () {
  "use strict";

  var FLASH_DELAY_MS = 6000;
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

  // A success or info flash fades away after FLASH_DELAY_MS, and stays while the pointer or keyboard focus is on it; an
  // error flash (data-flash-sticky, set by the layout) stays until it is dismissed, so that nobody loses a message for
  // reading slowly (WCAG 2.2.1). Every flash's [data-dismiss] button, hidden until this file runs, closes it at once.
  function enhanceFlash(flash) {
    if (flash.hasAttribute("data-flash-enhanced")) {
      return;
    }
    flash.setAttribute("data-flash-enhanced", "");
    flash.querySelectorAll("[data-dismiss]").forEach(function (button) {
      button.hidden = false;
    });
    var timer = 0;
    var sticky = flash.hasAttribute("data-flash-sticky");
    function start() {
      window.clearTimeout(timer);
      if (sticky) {
        return;
      }
      timer = window.setTimeout(function () {
        removeFlash(flash);
      }, FLASH_DELAY_MS);
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

  // A <button data-copy="ID" hidden> copies the value of the input #ID to the clipboard and says so in the element
  // [data-copy-status="ID"]. Without this file the button stays hidden and the input can be selected and copied by hand.
  function enhanceCopy(root) {
    if (!root || typeof root.querySelectorAll !== "function") {
      return;
    }
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.hasAttribute("data-copy-enhanced")) {
        return;
      }
      button.setAttribute("data-copy-enhanced", "");
      button.hidden = false;
      var id = button.getAttribute("data-copy");
      button.addEventListener("click", function () {
        var input = document.getElementById(id);
        var status = document.querySelector('[data-copy-status="' + id + '"]');
        if (!input) {
          return;
        }
        function done(ok) {
          if (status) {
            status.textContent = ok ? "Copied to the clipboard." : "Select the key and copy it.";
          }
        }
        function fallback() {
          input.select();
          try {
            done(document.execCommand("copy"));
          } catch (e) {
            done(false);
          }
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(input.value).then(function () {
            done(true);
          }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  // A link to one operation of the docs (#op-…) unfolds it. Without this file the link still scrolls to the operation,
  // whose summary opens it.
  function openLinkedOperation() {
    var id = "";
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (e) {
      return;
    }
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  window.addEventListener("hashchange", openLinkedOperation);

  // A form answered with errors (422) marks its fields aria-invalid: the focus goes to the first, whose message assistive
  // technology reads with it (aria-describedby). Otherwise the focus stays on the page's body after a boosted
  // submission, and nothing says the form came back.
  function focusFirstInvalid(root) {
    if (!root || typeof root.querySelector !== "function") {
      return;
    }
    var field = root.querySelector('[aria-invalid="true"]');
    if (field && typeof field.focus === "function") {
      field.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceFlashes(document);
      enhanceCopy(document);
      openLinkedOperation();
      focusFirstInvalid(document);
    });
  } else {
    enhanceFlashes(document);
    enhanceCopy(document);
    openLinkedOperation();
    focusFirstInvalid(document);
  }

  // After a form's answer is swapped in; not after other swaps (search as you type keeps the focus in its box).
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var elt = detail.requestConfig && detail.requestConfig.elt;
    if (elt instanceof Element && elt.tagName === "FORM") {
      focusFirstInvalid(detail.target || document);
    }
  });

  // Content swapped in by htmx (boosted navigation, fragments) may carry new flashes and copy buttons.
  document.addEventListener("htmx:load", function (event) {
    enhanceFlashes(event.target);
    enhanceCopy(event.target);
  });
})();
