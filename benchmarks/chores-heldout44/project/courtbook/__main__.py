from courtbook.cli import main

raise SystemExit(main())
