# Run after antlr4 generates the lexer and parser:
#   cmake -DGEN_DIR=<dir> -P lazy_init.cmake
#
# The generated MoatLexer.cpp and MoatParser.cpp deserialize their ATNs in a
# static initializer, so every process paid for it at start (2.7 M of the 9 M
# instructions of `moat version`), although most never parse a policy (the
# bundled library ships as bytecode). This moves that initializer into the
# constructors, as a function-local static (built once, thread-safe, on the
# first lexer or parser). The generated code is only read through those
# constructors (engine/syntax). If the patterns below are not found (another
# antlr4 version), the files are left as generated: correct, only slower.
foreach(name MoatLexer MoatParser)
  set(file "${GEN_DIR}/${name}.cpp")
  file(READ "${file}" text)
  set(definition "${name}::Initializer ${name}::_init;")
  if(name STREQUAL "MoatLexer")
    set(ctor "${name}::${name}(CharStream *input) : Lexer(input) {")
  else()
    set(ctor "${name}::${name}(TokenStream *input) : Parser(input) {")
  endif()
  string(FIND "${text}" "${definition}" at_definition)
  string(FIND "${text}" "${ctor}" at_ctor)
  if(at_definition EQUAL -1 OR at_ctor EQUAL -1)
    message(STATUS "lazy_init.cmake: ${name}.cpp left as generated (patterns not found)")
  else()
    string(REPLACE "${definition}" "// (built on first use: see the constructor)" text "${text}")
    string(REPLACE "${ctor}" "${ctor}\n  static Initializer lazy_init;  // grammar/lazy_init.cmake" text "${text}")
    file(WRITE "${file}" "${text}")
  endif()
endforeach()
