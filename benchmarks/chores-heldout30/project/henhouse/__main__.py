from henhouse.cli import main

raise SystemExit(main())
