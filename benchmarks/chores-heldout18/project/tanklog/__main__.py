import sys

from tanklog.cli import main

sys.exit(main())
