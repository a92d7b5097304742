from boulderlog.cli import main

raise SystemExit(main())
