from kilnlog.cli import main

raise SystemExit(main())
