"""For analysts: results as pandas frames, re-weighted tenders and what-if grids.

pandas is optional (``pip install "svscore[pandas]"``); everything else here needs only svscore.
"""
