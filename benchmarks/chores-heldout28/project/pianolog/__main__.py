import sys

from pianolog.cli import main

sys.exit(main())
