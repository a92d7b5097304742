from fleetlog.cli import main

raise SystemExit(main())
