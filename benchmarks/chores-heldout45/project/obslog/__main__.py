from obslog.cli import main

raise SystemExit(main())
