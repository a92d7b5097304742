from pourlog.cli import main

raise SystemExit(main())
