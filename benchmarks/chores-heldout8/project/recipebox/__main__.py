from recipebox.cli import main

raise SystemExit(main())
