import sys

from fuelbook.cli import main

sys.exit(main())
