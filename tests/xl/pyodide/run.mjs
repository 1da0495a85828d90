// Starts Pyodide under node, copies wheels into its file system, installs micropip from its wheel,
// and runs a Python script there; prints what the script returns.
// node run.mjs PYODIDE_FOLDER WHEEL_FOLDER SVSCORE_WHEEL SCRIPT.py DATA.json
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

// An error is printed as its message alone: node would otherwise print a line of Pyodide's minified source.
process.on("uncaughtException", (e) => { process.stderr.write(String(e && e.message ? e.message : e) + "\n"); process.exit(1); });
process.on("unhandledRejection", (e) => { process.stderr.write(String(e && e.message ? e.message : e) + "\n"); process.exit(1); });

const [pyodideDir, wheelDir, svscoreWheel, script, data] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "node_modules/pyodide/pyodide.mjs")).href);
const pyodide = await loadPyodide();
pyodide.FS.mkdirTree("/wheels");
for (const file of [...readdirSync(wheelDir).filter((f) => f.endsWith(".whl")).map((f) => join(wheelDir, f)), svscoreWheel]) {
  pyodide.FS.writeFile("/wheels/" + basename(file), new Uint8Array(readFileSync(file)));
}
pyodide.FS.writeFile("/data.json", readFileSync(data, "utf8"));
const micropip = readdirSync(wheelDir).find((f) => f.startsWith("micropip-"));
pyodide.unpackArchive(new Uint8Array(readFileSync(join(wheelDir, micropip))), "wheel");
const answer = await pyodide.runPythonAsync(readFileSync(script, "utf8"));
// micropip prints what it loads: the answer follows a line of its own.
process.stdout.write("\n@@svscore-answer@@\n" + answer);
