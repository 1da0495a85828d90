# ruff: noqa: F704, E402  (run by Pyodide's runPythonAsync, where top-level await is allowed)
# Runs inside Pyodide (top-level await): installs svscore's wheel with micropip, as xlwings Lite does
# from requirements.txt, then calls each function as Office.js sends its arguments.
import importlib.metadata
import json
import os
import sys
import time

import micropip

# pydantic and its own dependencies first, from the wheels given (Pyodide's package site is out of
# reach here); then svscore with its dependencies resolved by micropip from its wheel's metadata.
wheels = sorted("emfs:/wheels/" + f for f in os.listdir("/wheels") if f.endswith(".whl") and not f.startswith(("micropip-", "svscore-")))
await micropip.install(wheels, deps=False)
svscore_wheel = next(f for f in os.listdir("/wheels") if f.startswith("svscore-"))
await micropip.install("emfs:/wheels/" + svscore_wheel)

from svscore.xl import udfs

with open("/data.json") as f:
    data = json.load(f)
answers = [getattr(udfs, name)(*args) for name, args in data["calls"]]
timings = {}
for name, args, repeat in data["timed"]:
    f = getattr(udfs, name)
    f(*args)
    start = time.perf_counter()
    for _ in range(repeat):
        f(*args)
    timings[name] = (time.perf_counter() - start) / repeat
installed = sorted({d.metadata["Name"].lower().replace("_", "-") for d in importlib.metadata.distributions()})
json.dumps({"installed": installed, "python": sys.version.split()[0], "platform": sys.platform, "answers": answers, "timings": timings,
            "loaded": sorted({m.split(".")[0] for m in sys.modules} & {"python_calamine", "openpyxl", "click", "jsonschema", "xlwings", "cryptography"})})
