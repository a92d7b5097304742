from leaven.cli import main

raise SystemExit(main())
