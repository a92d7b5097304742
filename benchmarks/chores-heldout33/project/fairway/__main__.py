from fairway.cli import main

raise SystemExit(main())
