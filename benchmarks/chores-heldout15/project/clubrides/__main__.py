import sys

from clubrides.cli import main

sys.exit(main())
