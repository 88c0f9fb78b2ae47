#!/usr/bin/env bash
# The interpreter `make setup` builds the virtual environment on: Debian's python3 when the
# machine has one of 3.11 or newer — Debian builds it with profile-guided and link-time
# optimisation, as the production image's python:3.11-slim is built — else the first python3
# on the PATH (a pyenv build without those optimisations runs the pages about a fifth slower:
# docs/benchmarks.md). PYTHON=... on make's command line still chooses.
set -euo pipefail
debian=/usr/bin/python3
if [ -x "$debian" ] && "$debian" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "$debian"
else
  command -v python3
fi
