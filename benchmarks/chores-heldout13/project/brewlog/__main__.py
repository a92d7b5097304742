from brewlog.cli import main

raise SystemExit(main())
