from roastlog.cli import main

raise SystemExit(main())
