// Builds Portico's front-end assets into static/ (which is committed and embedded by static/embed.go).
//
//   node assets/build.mjs          one build (npm run build)
//   node assets/build.mjs --watch  rebuild on change (npm run watch)
//
// The output depends only on the sources and the pinned packages, so running it twice gives identical bytes; CI runs
// `npm ci && npm run build` and fails if that leaves a git diff.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const assets = path.join(root, "assets");
const out = path.join(root, "static");
const modules = path.join(root, "node_modules");

// Files taken from packages as they are: [source under node_modules, destination under static].
const vendored = [
  ["htmx.org/dist/htmx.min.js", "vendor/htmx.min.js"],
  ["@scalar/api-reference/dist/browser/standalone.js", "vendor/scalar/standalone.js"],
];

// Hand-written sources copied as they are: [source under assets, destination under static].
const copied = [
  ["js/app.js", "js/app.js"],
  ["js/api-docs.js", "js/api-docs.js"],
  ["favicon.svg", "favicon.svg"],
];

const watch = process.argv.includes("--watch");

function copy(from, to) {
  const dest = path.join(out, to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  let data = fs.readFileSync(from);
  if (to.endsWith(".js")) {
    data = stripSourceMapComment(data);
  }
  fs.writeFileSync(dest, data);
}

// Source maps are not shipped, so drop the trailing comment that would make browsers ask for one (a 404 per page).
function stripSourceMapComment(data) {
  const text = data.toString("utf8");
  const stripped = text.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, "\n");
  return stripped === text ? data : Buffer.from(stripped, "utf8");
}

function copyAll() {
  for (const [from, to] of vendored) {
    copy(path.join(modules, from), to);
  }
  for (const [from, to] of copied) {
    copy(path.join(assets, from), to);
  }
}

// Generated folders are emptied first so that nothing stale (a renamed file, an old vendor file) survives a build.
// static/embed.go is never touched.
function clean() {
  for (const dir of ["css", "js", "vendor"]) {
    fs.rmSync(path.join(out, dir), { recursive: true, force: true });
  }
}

function tailwindCLI() {
  const pkgFile = path.join(modules, "@tailwindcss", "cli", "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  return path.join(path.dirname(pkgFile), pkg.bin.tailwindcss);
}

function tailwind(extra) {
  const args = [
    tailwindCLI(),
    "--input",
    path.join("assets", "css", "app.css"),
    "--output",
    path.join("static", "css", "app.css"),
    "--minify",
    ...extra,
  ];
  return spawn(process.execPath, args, { cwd: root, stdio: "inherit" });
}

function build() {
  clean();
  copyAll();
  fs.mkdirSync(path.join(out, "css"), { recursive: true });
  const child = tailwind([]);
  child.on("exit", (code, signal) => {
    if (code !== 0) {
      console.error(`tailwindcss failed (${signal ?? `exit code ${code}`})`);
      process.exit(1);
    }
  });
}

function watchMode() {
  clean();
  copyAll();
  fs.mkdirSync(path.join(out, "css"), { recursive: true });
  // --watch=always keeps Tailwind running even when stdin is not a terminal.
  const child = tailwind(["--watch=always"]);
  let pending = null;
  const recopy = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      try {
        copyAll();
        console.log(`copied js and favicon (${new Date().toLocaleTimeString()})`);
      } catch (err) {
        console.error(`copy failed: ${err.message}`);
      }
    }, 50);
  };
  const watchers = [
    fs.watch(path.join(assets, "js"), recopy),
    fs.watch(path.join(assets, "favicon.svg"), recopy),
  ];
  const stop = () => {
    for (const w of watchers) {
      w.close();
    }
    child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => {
    for (const w of watchers) {
      w.close();
    }
    process.exit(code ?? 0);
  });
}

if (watch) {
  watchMode();
} else {
  build();
}
