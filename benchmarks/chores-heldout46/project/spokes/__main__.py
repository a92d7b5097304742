from spokes.cli import main

raise SystemExit(main())
