// Mounts the interactive OpenAPI reference (Scalar, served from /static/vendor/scalar/) on the docs page:
//
//   <div id="api-reference" data-spec-url="/apis/payments/versions/1.2.0/openapi.json"></div>
//   <script src="/static/js/api-docs.js" defer></script>
//
// Do not add a <script> tag for the Scalar bundle yourself: loaded on its own it mounts itself on #api-reference with its
// default configuration, which fetches fonts from Scalar's servers. This file loads it with everything that reaches
// outside this server switched off: no web fonts, no telemetry, no request proxy (requests made from "Test Request" go
// straight from the browser to the API's own servers, which the page's Content-Security-Policy names), no AI agent, no MCP, no developer toolbar, no link that hands the
// spec URL to Scalar's hosted client.
(function () {
  "use strict";

  var BUNDLE_PATH = "../vendor/scalar/standalone.js";
  var FALLBACK_BUNDLE_URL = "/static/vendor/scalar/standalone.js";

  var script = document.currentScript;
  var bundleURL = script && script.src ? new URL(BUNDLE_PATH, script.src).href : FALLBACK_BUNDLE_URL;

  var FONT_SANS =
    'ui-sans-serif, system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", Arial, sans-serif';
  var FONT_MONO = 'ui-monospace, SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", "Courier New", monospace';

  // Match Portico's look: system fonts, indigo accent, and room for the sticky 3.5rem top bar.
  var CUSTOM_CSS = [
    ":root, .light-mode {",
    "  --scalar-font: " + FONT_SANS + ";",
    "  --scalar-font-code: " + FONT_MONO + ";",
    "  --scalar-color-accent: #4f46e5;",
    "  --scalar-radius: 0.375rem;",
    "  --scalar-radius-lg: 0.5rem;",
    "  --scalar-custom-header-height: 3.5rem;",
    "}",
    // This link would send the spec URL to Scalar's hosted client; the in-page client ("Test Request") stays.
    ".open-api-client-button { display: none !important; }",
    // Scalar takes the outline off its Download buttons and marks their focus with a faint grey box only: they get
    // Portico's focus ring, as every other control of the page.
    ".download-button:focus-visible { outline: 2px solid #4f46e5 !important; outline-offset: 2px !important; }",
    // The links of the description's contact (email, URL) sit in a row that scrolls sideways, which cut Scalar's ring
    // drawn outside them: Portico's ring is drawn inside their box, whole.
    ".section-header-wrapper .custom-scroll a:focus-visible { outline: 2px solid #4f46e5 !important; outline-offset: -2px !important; }",
    // Scalar marks the focus of the buttons that choose the examples' client library with a 1 px line only, in a row
    // that clips what overflows it (overflow: hidden): they get Portico's ring, drawn inside their box so it shows whole.
    ".client-libraries-list .client-libraries:focus-visible { outline: 2px solid #4f46e5 !important; outline-offset: -2px !important; box-shadow: none !important; }",
  ].join("\n");

  // tryIt is false when the page says "Test Request" cannot reach the API (data-try-it="off": its description declares no
  // server the page's Content-Security-Policy lets it call); the button is then hidden rather than failing silently.
  function configuration(specURL, tryIt) {
    return {
      url: specURL,
      hideTestRequestButton: !tryIt,
      layout: "modern",
      theme: "default",
      customCss: CUSTOM_CSS,
      withDefaultFonts: false,
      telemetry: false,
      proxyUrl: "",
      persistAuth: false,
      darkMode: false,
      forceDarkModeState: "light",
      hideDarkModeToggle: true,
      showDeveloperTools: "never",
      agent: { disabled: true, hideAddApi: true },
      mcp: { disabled: true },
      defaultOpenAllTags: false,
      expandAllModelSections: false,
      expandAllResponses: false,
    };
  }

  function showError(mount, message) {
    var box = document.createElement("div");
    box.className = "alert alert-error";
    box.setAttribute("role", "alert");
    box.textContent = message;
    mount.replaceChildren(box);
  }

  // The bundle scans the page for #api-reference and [data-spec-url] as soon as it runs and mounts a default-configured
  // copy there, so both markers are taken off while it loads and put back afterwards.
  function loadBundle(mount, specURL) {
    return new Promise(function (resolve, reject) {
      if (window.Scalar && typeof window.Scalar.createApiReference === "function") {
        resolve(window.Scalar);
        return;
      }
      var id = mount.id;
      mount.removeAttribute("id");
      mount.removeAttribute("data-spec-url");
      function restore() {
        mount.id = id;
        mount.setAttribute("data-spec-url", specURL);
      }
      var tag = document.createElement("script");
      tag.src = bundleURL;
      tag.async = true;
      tag.onload = function () {
        restore();
        if (window.Scalar && typeof window.Scalar.createApiReference === "function") {
          resolve(window.Scalar);
        } else {
          reject(new Error("api reference bundle did not load"));
        }
      };
      tag.onerror = function () {
        restore();
        reject(new Error("api reference bundle did not load"));
      };
      document.head.appendChild(tag);
    });
  }

  function mount() {
    var el = document.getElementById("api-reference");
    if (!el || el.hasAttribute("data-mounted")) {
      return;
    }
    var specURL = (el.getAttribute("data-spec-url") || "").trim();
    if (!specURL) {
      showError(el, "No API description to show.");
      return;
    }
    el.setAttribute("data-mounted", "");
    el.setAttribute("aria-busy", "true");
    loadBundle(el, specURL)
      .then(function (scalar) {
        var target = document.createElement("div");
        el.replaceChildren(target);
        var instance = scalar.createApiReference(target, configuration(specURL, el.getAttribute("data-try-it") !== "off"));
        el.removeAttribute("aria-busy");
        // With hx-boost the page is swapped rather than unloaded: tear the reference down when it leaves the page.
        function cleanup(event) {
          if (event.target instanceof Node && event.target.contains(el)) {
            document.removeEventListener("htmx:beforeCleanupElement", cleanup);
            if (instance && typeof instance.destroy === "function") {
              instance.destroy();
            }
          }
        }
        document.addEventListener("htmx:beforeCleanupElement", cleanup);
      })
      .catch(function () {
        el.removeAttribute("aria-busy");
        el.removeAttribute("data-mounted");
        showError(el, "The interactive reference could not be loaded. The raw API description is still available.");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
