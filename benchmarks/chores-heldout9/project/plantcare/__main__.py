from plantcare.cli import main

raise SystemExit(main())
