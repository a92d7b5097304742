"""python -m allot."""

import sys

from allot.cli import main

sys.exit(main())
