from waterlog.cli import main

raise SystemExit(main())
