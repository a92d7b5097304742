import sys

from qsolog.cli import main

sys.exit(main())
