/* help: one line per command, sorted by name. */
#include "shell.h"

static int cmd_help(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return shell_error("help takes no arguments");
	shell_print_help(hv_shell());
	return 0;
}

SHELL_CMD(help, "help", "", "list the commands", cmd_help);
