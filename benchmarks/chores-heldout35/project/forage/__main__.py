import sys

from forage.cli import main

sys.exit(main())
