from svscore.cli.main import main

main()
