import sys

from filmlog.cli import main

sys.exit(main())
