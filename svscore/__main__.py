from svscore.cli.main import main

if __name__ == "__main__":  # not when a worker process started by spawn (Windows) imports this module
    main()
