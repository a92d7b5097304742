from walkies.cli import main

raise SystemExit(main())
