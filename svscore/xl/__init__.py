"""Excel custom functions (xlwings) over the svscore engine."""
