// git-agentq: everything happens in the driver (cmd/driver.cpp) and the command table.
#include "cmd/command.h"

int main(int argc, char** argv) { return agentq::cli::run_main(argc, argv); }
