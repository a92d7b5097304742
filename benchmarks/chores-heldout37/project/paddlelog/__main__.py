from paddlelog.cli import main

raise SystemExit(main())
