"""`python -m meteo ...`."""

import sys

from meteo.cli import main

sys.exit(main())
