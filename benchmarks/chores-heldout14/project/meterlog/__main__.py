import sys

from meterlog.cli import main

sys.exit(main())
