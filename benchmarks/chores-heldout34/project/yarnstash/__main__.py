"""python -m yarnstash."""

import sys

from yarnstash.cli import main

sys.exit(main())
