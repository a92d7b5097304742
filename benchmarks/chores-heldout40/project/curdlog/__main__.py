from curdlog.cli import main

raise SystemExit(main())
