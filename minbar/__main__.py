from minbar.cli import main

main()
