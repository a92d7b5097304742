from brushlog.cli import main

raise SystemExit(main())
