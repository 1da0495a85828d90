#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Python 3.11:
# svscore itself with its test extras, LibreOffice (Debian's libreoffice-calc-nogui) and Gnumeric
# (its ssconvert; without recommends it needs no desktop), the two programs the tests use to
# recalculate the generated Excel templates' formulas.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "Installing LibreOffice (libreoffice-calc-nogui) from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null
fi

# Writer converts the assessment summaries (.docx) to PDF in the tests, as an officer's Word would print them.
if ! dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 && ! dpkg -s libreoffice-writer >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "Installing LibreOffice Writer (libreoffice-writer-nogui) from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-writer-nogui >/dev/null
fi

if ! command -v ssconvert >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "Installing Gnumeric (gnumeric, without recommends) from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends gnumeric >/dev/null
fi

# Carlito has Calibri's metrics (the templates' font): LibreOffice then lays out and prints the
# workbooks as Excel does, and the printed-size tests and the README pictures are true to Excel.
if ! fc-list 2>/dev/null | grep -qi carlito; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "Installing the Carlito font (fonts-crosextra-carlito) from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends fonts-crosextra-carlito >/dev/null
fi

# pdftotext and pdfinfo (poppler-utils) measure the PDFs LibreOffice prints: page counts, text sizes, margins.
if ! command -v pdftotext >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "Installing poppler-utils (pdftotext, pdfinfo) from Debian's packages..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
fi

python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# The Pyodide test (tests/xl/test_pyodide.py): the npm pyodide package of each version tested and
# pydantic's wasm wheels from the package index, cached outside the checkout. Without node the test is skipped.
if command -v node >/dev/null 2>&1; then
  python tests/xl/pyodide/setup_pyodide.py
fi
