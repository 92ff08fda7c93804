// Package e2e holds Portico's browser suite: real pages in headless
// Chromium (Debian's /usr/bin/chromium, or PORTICO_TEST_CHROMIUM), against a
// portal served on 127.0.0.1 over a fresh database. It checks what only a
// browser shows: htmx enhancement, CSRF headers sent by JavaScript, the
// Content-Security-Policy and the pages' scripts. Without Chromium the suite
// is skipped with a message, except in CI (CI set), where it fails.
package e2e
