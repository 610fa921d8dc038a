// The bytecode verifier: checks that every chunk of a program is well
// formed before anything runs it, so the VM's dispatch loop can trust its
// operands (no bounds checks on the hot path).
#pragma once

#include <string>
#include <vector>

#include "bytecode/program.h"

namespace moat {

// Empty when the program is well formed; otherwise one message per problem,
// naming the chunk and the instruction.
std::vector<std::string> verify_program(const Program& program);

}  // namespace moat
