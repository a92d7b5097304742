from saillog.cli import main

raise SystemExit(main())
