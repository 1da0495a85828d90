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

from svscore.xl import memo, udfs

with open("/data.json") as f:
    data = json.load(f)
answers = [getattr(udfs, name)(*args) for name, args in data["calls"]]
timings = {}
for label, name, variants, repeat, *fresh in data["timed"]:  # each call takes the next variant of the arguments
    f = getattr(udfs, name)
    f(*variants[-1])
    spent = 0.0
    for i in range(repeat):
        if fresh and fresh[0]:  # a table never seen: nothing remembered before the call
            for m in memo.MEMOS.values():
                m.clear()
        start = time.perf_counter()
        f(*variants[i % len(variants)])
        spent += time.perf_counter() - start
    timings[label] = spent / repeat
if "engine" in data:  # the engine's own scoring of the same matrix, its model and bids built beforehand
    from svscore.model.bids import Bid, Score
    from svscore.scoring import engine

    criteria, ids, scores, names, prices = data["engine"]["args"]
    tender, _ = udfs._tender(criteria, **data["engine"]["rules"])
    bids = [Bid(bidder_id=str(b + 1), bidder=names[0][b], price=prices[0][b],
                scores=tuple(Score(criterion=ids[r][0], value=scores[r][b]) for r in range(len(ids)))) for b in range(len(names[0]))]
    engine.score_tender(tender, bids)
    start = time.perf_counter()
    for _ in range(data["engine"]["repeat"]):
        engine.score_tender(tender, bids)
    timings["engine"] = (time.perf_counter() - start) / data["engine"]["repeat"]
installed = sorted({d.metadata["Name"].lower().replace("_", "-") for d in importlib.metadata.distributions()})
json.dumps({"installed": installed, "python": sys.version.split()[0], "platform": sys.platform, "answers": answers, "timings": timings,
            "loaded": sorted({m.split(".")[0] for m in sys.modules} & {"python_calamine", "openpyxl", "click", "jsonschema", "xlwings", "cryptography"})})
