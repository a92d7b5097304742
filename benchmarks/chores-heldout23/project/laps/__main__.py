import sys

from laps.cli import main

sys.exit(main())
