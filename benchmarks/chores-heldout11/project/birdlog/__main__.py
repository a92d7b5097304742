import sys

from birdlog.cli import main

sys.exit(main())
