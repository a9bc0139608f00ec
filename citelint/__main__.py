from citelint.cli import main

main(prog_name="citelint")
