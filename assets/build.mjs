// Compile the stylesheet and copy GOV.UK Frontend's script and icons into engage/static.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules/govuk-frontend/dist/govuk");
const out = join(root, "engage/static");

for (const dir of ["css", "js", "assets/images"]) {
  mkdirSync(join(out, dir), { recursive: true });
}

const result = sass.compile(join(root, "assets/engage.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "css/engage.css"), result.css);
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "js/govuk-frontend.min.js"));
for (const script of ["js-enabled.js", "init.mjs"]) {
  copyFileSync(join(root, "assets", script), join(out, "js", script));
}
// kiosk.js is the queue and the page logic in one file, to save a request on the tablet.
writeFileSync(
  join(out, "js/kiosk.js"),
  ["kiosk-queue.js", "kiosk.js"].map((name) => readFileSync(join(root, "assets", name), "utf8")).join("\n"),
);
copyFileSync(join(root, "assets/kiosk-sw.js"), join(out, "js/kiosk-sw.js"));
copyFileSync(join(root, "assets/ballot.js"), join(out, "js/ballot.js"));
copyFileSync(join(root, "assets/enter.js"), join(out, "js/enter.js"));
copyFileSync(join(root, "assets/survey.js"), join(out, "js/survey.js"));
for (const image of ["favicon.ico", "favicon.svg"]) {
  copyFileSync(join(govuk, "assets/images", image), join(out, "assets/images", image));
}
console.log(`built engage/static/css/engage.css (${result.css.length} bytes)`);
