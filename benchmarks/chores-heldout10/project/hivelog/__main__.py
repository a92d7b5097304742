from hivelog.cli import main

raise SystemExit(main())
