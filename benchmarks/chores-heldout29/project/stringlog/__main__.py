import sys

from stringlog.cli import main

sys.exit(main())
