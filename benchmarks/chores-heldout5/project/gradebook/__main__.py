from gradebook.cli import main

raise SystemExit(main())
