// The Moat policy language.
//
// A file is one package: `package`, then imports, then declarations
// (params, constants, functions, rules). A rule is a block of metadata
// (`key: value`) followed by clauses read top to bottom like a query:
// `select`/`for` bind, `let` names, `where` filters, `report` emits a finding.
//
// Expression precedence, loosest first: let / if-then-else, or, and, not,
// in / not in, comparisons, + -, * / %, ??, unary -, postfix (. [] calls).
// String interpolation (`"${expr}"`) is parsed by the AST builder, which
// re-enters this grammar at `standaloneExpr` for each `${...}`.
grammar Moat;

file
    : packageDecl importDecl* decl* EOF
    ;

packageDecl : 'package' qualifiedName ;
importDecl  : 'import' qualifiedName ('as' alias=ID)? ;

decl
    : paramDecl
    | constDecl
    | fnDecl
    | ruleDecl
    ;

// param max_timeout: int = 300 "Largest acceptable timeout, in seconds"
paramDecl : 'param' name=ID ':' typeName ('=' expr)? doc=stringLit? ;
typeName  : ID | 'any' ;
// let ADMIN_ACTIONS = ["*", "iam:*"]
constDecl : 'let' name=ID '=' expr ;
// fn is_wildcard(action) = action == "*" or ends_with(action, ":*")
fnDecl    : 'fn' name=ID '(' (ID (',' ID)*)? ')' '=' expr ;

ruleDecl  : 'rule' id=stringLit '{' metaEntry* clause* reportClause '}' ;
metaEntry : key=ID ':' expr ;

clause
    : 'select' var=ID (',' var2=ID)? ':' typeRef ('|' typeRef)*   # selectClause
    | 'for' var=ID (',' var2=ID)? 'in' expr           # forClause
    | 'let' var=ID '=' expr                           # letClause
    | 'where' expr                                    # whereClause
    ;
typeRef : typePath | stringLit ;
// A resource type's later parts may be keywords (`aws.events.rule`).
typePath : ID ('.' fieldName)* ;

reportClause : 'report' message=expr ('at' at=expr)? ('subject' subject=expr)? ;

standaloneExpr : expr EOF ;

expr
    : primary                                                  # primaryExpr
    | expr '.' fieldName                                       # fieldExpr
    | expr '[' expr ']'                                        # indexExpr
    | '-' expr                                                 # negExpr
    | expr '??' expr                                           # coalesceExpr
    | expr op=('*' | '/' | '%') expr                           # mulExpr
    | expr op=('+' | '-') expr                                 # addExpr
    | expr op=('<' | '<=' | '>' | '>=' | '==' | '!=') expr     # cmpExpr
    | expr neg='not'? 'in' expr                                # inExpr
    | 'not' expr                                               # notExpr
    | expr 'and' expr                                          # andExpr
    | expr 'or' expr                                           # orExpr
    | 'if' expr 'then' expr 'else' expr                        # condExpr
    | 'let' ID '=' expr ';' expr                               # letExpr
    ;

primary
    : INT                                                      # intLit
    | FLOAT                                                    # floatLit
    | stringLit                                                # strLit
    | 'true'                                                   # trueLit
    | 'false'                                                  # falseLit
    | 'null'                                                   # nullLit
    | q=('any' | 'all' | 'none' | 'count') '(' var=ID (',' var2=ID)? 'in' expr (':' expr)? ')'  # quantExpr
    | '[' expr compFor compClause* ']'                         # listCompExpr
    | '{' expr ':' expr compFor compClause* '}'                # mapCompExpr
    | '[' (expr (',' expr)* ','?)? ']'                         # listLit
    | '{' (mapEntry (',' mapEntry)* ','?)? '}'                 # mapLit
    | qualifiedName '(' (expr (',' expr)*)? ')'                # callExpr
    | ID                                                       # nameExpr
    | '(' expr ')'                                             # parenExpr
    ;

// Clauses after the first `for` nest left to right, as in Python:
// `[a for s in xs for a in s.actions if a != "*"]`; a `let` names a value
// for the clauses and the element after it.
compFor : 'for' var=ID (',' var2=ID)? 'in' expr ;
compClause
    : compFor                                                  # compForClause
    | 'if' expr                                                # compIfClause
    | 'let' var=ID '=' expr                                    # compLetClause
    ;

// Keys may be keywords too (`{where: 1}`), like field names after a dot.
mapEntry : (fieldName | stringLit) ':' expr ;

stringLit : STRING | SQ_STRING | RAW_STRING | TEXT_BLOCK ;

qualifiedName : ID ('.' ID)* ;

// Keywords that are also common field names in documents stay usable
// after a dot (`r.count`, `f.select`), as map-literal keys and inside
// dotted resource types.
fieldName
    : ID | 'package' | 'import' | 'as' | 'param' | 'let' | 'fn' | 'rule' | 'select'
    | 'for' | 'in' | 'where' | 'report' | 'at' | 'subject' | 'if' | 'then' | 'else'
    | 'and' | 'or' | 'not' | 'true' | 'false' | 'null' | 'any' | 'all' | 'none' | 'count'
    ;

FLOAT      : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT        : DIGITS ;
fragment DIGITS   : [0-9] ('_'? [0-9])* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;

TEXT_BLOCK : '"""' .*? '"""' ;
RAW_STRING : 'r"' ~["\r\n]* '"' ;
// A `${...}` inside a string may hold strings in either quote (with their
// own interpolations) and braces: the lexer follows them, so
// `"${join(xs, ", ")}"` is one token. A `$` or `{` that opens nothing reads
// as plain text; the AST builder splits the interpolations out.
STRING     : DQ_BODY ;
// Single quotes read the same.
SQ_STRING  : SQ_BODY ;
fragment DQ_BODY     : '"' (ESC | INTERP | ~["\\\r\n])* '"' ;
fragment SQ_BODY     : '\'' (ESC | INTERP | ~['\\\r\n])* '\'' ;
fragment INTERP      : '${' INTERP_PART* '}' ;
fragment INTERP_PART : ESC | DQ_BODY | SQ_BODY | '{' INTERP_PART* '}' | ~["'{}\\\r\n] ;
fragment ESC : '\\' . ;

ID         : [a-zA-Z_] [a-zA-Z_0-9]* ;

COMMENT    : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS         : [ \t\r\n]+ -> channel(HIDDEN) ;
// Anything else is one bad character, reported by the parser with its
// position instead of a lexer message.
BAD_CHAR   : . ;
