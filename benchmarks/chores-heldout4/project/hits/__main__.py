import sys

from hits.cli import main

sys.exit(main())
