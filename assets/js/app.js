// Portico progressive enhancements. Every page works without this file: it only adds the CSRF header to htmx requests,
// keeps a form from being sent twice while its answer is on the way, says when the portal cannot be reached,
// lets flash messages be dismissed and has screen readers announce them, moves the focus to a new page's message or
// heading after a boosted link or form, shows copy buttons (a new API key) and unfolds the docs operation a link points
// to.
(function () {
  "use strict";

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

  // A form htmx sends (a boosted form that changes something) has its buttons disabled until its answer, so that a
  // double click or a second Enter does not send it again: htmx queues a second submission and sends it after the first
  // answer (a second key or token made, a second team refused as existing). Forms that only read (GET) are left alone.
  function isSubmitControl(control) {
    return control instanceof HTMLButtonElement || (control instanceof HTMLInputElement && /^(submit|image)$/.test(control.type));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    var form = detail.elt;
    var verb = detail.requestConfig && detail.requestConfig.verb;
    if (!(form instanceof HTMLFormElement) || !verb || verb.toLowerCase() === "get") {
      return;
    }
    Array.prototype.forEach.call(form.elements, function (control) {
      if (isSubmitControl(control) && !control.disabled) {
        control.disabled = true;
        control.setAttribute("data-disabled-while-sent", "");
      }
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    Array.prototype.forEach.call(form.elements, function (control) {
      if (control.hasAttribute("data-disabled-while-sent")) {
        control.removeAttribute("data-disabled-while-sent");
        control.disabled = false;
      }
    });
  });

  // htmx keeps copies of the pages left by boosted links in the tab's sessionStorage, to show them again on Back. A page
  // seen without a session (the login page after a logout or an ended session) clears them: the session's pages, its
  // user's name and data, would stay in the tab for whoever uses it next.
  if (document.body && document.body.hasAttribute("data-no-session")) {
    try {
      sessionStorage.removeItem("htmx-history-cache");
    } catch (e) {
      // Storage disabled: htmx keeps nothing there either.
    }
  }

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

  // A flash stays until it is dismissed or the user moves to another page, so that nobody loses a message for reading
  // slowly (WCAG 2.2.1); its [data-dismiss] button, hidden until this file runs, closes it. When the flash held the
  // focus (it is given the focus after a boosted action: see focusNewPage), the focus moves on to the page's heading
  // rather than falling back to the top of the document.
  function enhanceFlash(flash) {
    if (flash.hasAttribute("data-flash-enhanced")) {
      return;
    }
    flash.setAttribute("data-flash-enhanced", "");
    flash.querySelectorAll("[data-dismiss]").forEach(function (button) {
      button.hidden = false;
    });
    flash.addEventListener("click", function (event) {
      var target = event.target;
      if (target instanceof Element && target.closest("[data-dismiss]")) {
        var hadFocus = flash.contains(document.activeElement);
        unannounce(flash);
        removeFlash(flash);
        if (hadFocus) {
          focusTarget(document.querySelector("#main h1, h1"));
        }
      }
    });
  }

  // A message present when a page loads is read in page order, not announced: a live region present at load says
  // nothing until it changes, and most screen readers do not announce a role=alert that was there at load either. The
  // layout ends with two empty live regions outside the page's content: #flash-announcer (role=status) for success and
  // info messages, #flash-alert-announcer (aria-live=assertive) for errors. A moment after a page loads they are given
  // its messages' text, a change screen readers announce. A fragment htmx swaps in has its success and info messages
  // announced the same way, not its errors: a role=alert inserted into the page is announced by itself, and copying it
  // would say it twice. After a boosted page swap the focus goes to the flash (focusNewPage), which reads it: the
  // announcers stay quiet then.
  var ANNOUNCE_DELAY_MS = 150;

  function flashText(flash) {
    var p = flash.querySelector("p");
    return (p || flash).textContent.replace(/\s+/g, " ").trim();
  }

  function announce(id, texts) {
    var announcer = document.getElementById(id);
    if (!announcer || texts.length === 0) {
      return;
    }
    // Emptied first, so that a message the same as the last one is a change too.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = texts.join(" ");
    }, ANNOUNCE_DELAY_MS);
  }

  // announceFlashes announces the messages in root: its errors too when withErrors (a page just loaded).
  function announceFlashes(root, withErrors) {
    if (!root || typeof root.querySelectorAll !== "function") {
      return;
    }
    var statuses = [];
    var errors = [];
    var flashes = Array.prototype.slice.call(root.querySelectorAll(".flash"));
    if (root instanceof Element && root.matches(".flash")) {
      flashes.unshift(root);
    }
    flashes.forEach(function (flash) {
      if (!flash.classList.contains("flash-error")) {
        statuses.push(flashText(flash));
      } else if (withErrors) {
        errors.push(flashText(flash));
      }
    });
    announce("flash-announcer", statuses);
    announce("flash-alert-announcer", errors);
  }

  // A dismissed message leaves no stale text in the announcers (a screen reader's virtual cursor reaches them at the
  // end of the page).
  function unannounce(flash) {
    ["flash-announcer", "flash-alert-announcer"].forEach(function (id) {
      var announcer = document.getElementById(id);
      if (announcer && announcer.textContent.indexOf(flashText(flash)) !== -1) {
        announcer.textContent = "";
      }
    });
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
            status.textContent = ok ? "Copied to the clipboard." : "Could not copy: select the text and copy it by hand.";
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
      announceFlashes(document, true);
      enhanceCopy(document);
      openLinkedOperation();
      focusFirstInvalid(document);
    });
  } else {
    enhanceFlashes(document);
    announceFlashes(document, true);
    enhanceCopy(document);
    openLinkedOperation();
    focusFirstInvalid(document);
  }

  // A boosted link or form swaps the whole body in place of a page load, and the focus would stay on the body: a screen
  // reader said nothing of the new page, and a keyboard user's next Tab started from the top. The focus goes, as it
  // would read a new page, to what the page says first: the message of the action just done (a flash), else the page's
  // heading. Both take the focus from script only (tabindex -1).
  function focusNewPage(root) {
    focusTarget(root.querySelector('[data-testid="flash"]') || root.querySelector("#main h1, h1"));
  }

  // focusTarget gives the focus to an element that is not focusable by itself (tabindex -1: from script only).
  function focusTarget(target) {
    if (target && typeof target.focus === "function") {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: true });
    }
  }

  // After a form's answer is swapped in; not after other swaps (search as you type keeps the focus in its box).
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var elt = detail.requestConfig && detail.requestConfig.elt;
    var target = detail.target || document;
    var wholePage = detail.boosted && target === document.body;
    if (detail.xhr && detail.xhr.getResponseHeader("HX-Retarget") === "#main") {
      // An error page in place of the page's content (a fragment's request refused): the focus goes to what it says,
      // as for a new page; the element that had it (a search box) is gone.
      focusNewPage(document.getElementById("main") || document);
      return;
    }
    if (elt instanceof Element && elt.tagName === "FORM") {
      focusFirstInvalid(target);
    }
    if (wholePage && !target.querySelector('[aria-invalid="true"]')) {
      focusNewPage(target);
    } else if (!wholePage) {
      // A fragment that brings a message (the focus stays where it was); its errors are role=alert, announced by
      // themselves.
      announceFlashes(target, false);
    }
  });

  // A search box that searches as the user types ([data-live-search]) sends a request after each pause; htmx sends the
  // next only when the one in flight is answered. An answer for a query the box no longer holds (the user typed on
  // while it was on its way) is not swapped in: its results, and the count its status region announces, would be for a
  // query typed past, said after the user went on. The answer to the box's query follows.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail || {};
    var elt = detail.requestConfig && detail.requestConfig.elt;
    if (!(elt instanceof HTMLInputElement) || !elt.hasAttribute("data-live-search") || !detail.xhr) {
      return;
    }
    var sent;
    try {
      sent = new URL(detail.xhr.responseURL).searchParams.get(elt.name);
    } catch (e) {
      return;
    }
    if (sent !== null && sent !== elt.value) {
      detail.shouldSwap = false;
    }
  });

  // A request that gets no answer (the portal or the network down, a timeout) left the page as it was, saying nothing:
  // a message says so at the top of the page's content, as the portal's own messages do (role=alert: announced), and
  // the link or the form can be tried again.
  function showUnreachable() {
    var main = document.getElementById("main");
    if (!main) {
      return;
    }
    var old = main.querySelector("[data-unreachable]");
    if (old) {
      old.remove();
    }
    var flash = document.createElement("div");
    flash.className = "flash flash-error";
    flash.setAttribute("role", "alert");
    flash.setAttribute("data-testid", "flash");
    flash.setAttribute("data-unreachable", "");
    var text = document.createElement("p");
    text.textContent = "The portal could not be reached. Check your connection and try again.";
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "flash-dismiss";
    dismiss.setAttribute("data-dismiss", "");
    dismiss.setAttribute("aria-label", "Dismiss this message");
    dismiss.hidden = true;
    dismiss.textContent = "\u00d7";
    flash.appendChild(text);
    flash.appendChild(dismiss);
    main.insertBefore(flash, main.firstChild);
    enhanceFlash(flash);
  }
  document.addEventListener("htmx:sendError", showUnreachable);
  document.addEventListener("htmx:timeout", showUnreachable);

  // Escape closes the menus that open over the page, <details> with a button (the phone's Menu, the version
  // switcher), and gives the focus back to the button that opened them, where it would otherwise be left on a link
  // of a closed menu. A menu whose button is hidden (the navigation shown inline on a wide screen) is left alone.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) {
      return;
    }
    var menus = document.querySelectorAll("details.nav-menu[open], details.dropdown[open]");
    for (var i = 0; i < menus.length; i++) {
      var menu = menus[i];
      var button = menu.querySelector(":scope > summary");
      if (!button || !button.getClientRects().length) {
        continue;
      }
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        button.focus();
      }
      event.preventDefault();
    }
  });

  // Content swapped in by htmx (boosted navigation, fragments) may carry new flashes and copy buttons.
  document.addEventListener("htmx:load", function (event) {
    enhanceFlashes(event.target);
    enhanceCopy(event.target);
  });
})();
