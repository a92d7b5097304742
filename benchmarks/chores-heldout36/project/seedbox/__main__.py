from seedbox.cli import main

raise SystemExit(main())
