from runlog.cli import main

raise SystemExit(main())
