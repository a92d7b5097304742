import sys

from moorlog.cli import main

sys.exit(main())
