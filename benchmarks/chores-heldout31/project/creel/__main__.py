from creel.cli import main

raise SystemExit(main())
