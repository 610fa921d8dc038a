#include "check/checker.h"

#include <algorithm>
#include <functional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace moat {

const std::vector<std::string>& rule_severities() {
  static const std::vector<std::string> v = {"critical", "high", "medium", "low", "info"};
  return v;
}
const std::vector<std::string>& rule_categories() {
  static const std::vector<std::string> v = {"injection", "authentication", "privilege", "monitoring",
                                             "secrets",   "exhaustion",     "flow",      "obsolete"};
  return v;
}

bool param_type_from_name(std::string_view name, Type* out) {
  static constexpr std::pair<const char*, Type> kTypes[] = {
      {"any", Type::kAny}, {"bool", Type::kBool}, {"int", Type::kInt}, {"float", Type::kFloat},
      {"number", Type::kNumber}, {"string", Type::kString}, {"list", Type::kList}, {"map", Type::kMap}};
  for (auto& [n, t] : kTypes)
    if (name == n) { *out = t; return true; }
  return false;
}

namespace {

// What the checker knows statically about an expression.
struct Info {
  Info() = default;
  Info(Type t, const SchemaNode* s = nullptr, std::string n = {}) : type(t), schema(s), schema_name(std::move(n)) {}
  Type type = Type::kAny;
  const SchemaNode* schema = nullptr;
  std::string schema_name;  // for messages: "aws.lambda.function"
};

bool is_numeric(Type t) { return t == Type::kInt || t == Type::kFloat || t == Type::kNumber; }
bool known(Type t) { return t != Type::kAny; }
// Whether a value statically of type `have` can be passed where `want` is expected.
bool compatible(Type want, Type have) {
  if (!known(want) || !known(have)) return true;
  if (want == have) return true;
  if (want == Type::kNumber || want == Type::kFloat) return is_numeric(have);
  if (have == Type::kNumber) return is_numeric(want);
  return false;
}

struct PackageSyms {
  absl::flat_hash_map<std::string, ParamDecl*> params;
  absl::flat_hash_map<std::string, ConstDecl*> consts;
  absl::flat_hash_map<std::string, FnDecl*> fns;
  absl::flat_hash_map<std::string, Module*> owner;  // name -> module that declares it
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& [k, v] : params) out.push_back(k);
    for (auto& [k, v] : consts) out.push_back(k);
    for (auto& [k, v] : fns) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
  }
};

class Checker {
 public:
  Checker(const BuiltinRegistry& b, const Schema* s, Diagnostics& d) : builtins_(b), schema_(s), diags_(d) {}

  void run(std::vector<std::unique_ptr<Module>>& modules, CheckedProgram* out);

 private:
  struct Local {
    std::string name;
    int32_t slot;
    Info info;
  };
  using Node = const void*;  // FnDecl* or ConstDecl*, for the dependency graph

  void declare(Module& m);
  void check_imports(Module& m);
  void check_rule(Module& m, RuleDecl& r);
  void check_meta(RuleDecl& r);
  Info infer(Expr& e);
  Info infer_call(Expr& e);
  Info infer_field(Expr& e, Info base, std::string_view field, SourceRange at);
  void expect_bool(const Info& i, SourceRange r, std::string_view what);
  int32_t bind(const std::string& name, SourceRange r, Info info);
  int32_t reserve_iteration(int32_t hidden);
  void bind_loop_vars(Expr& e, const Info& coll, SourceRange coll_range);
  const PackageSyms* package_of_alias(std::string_view alias) const;
  std::vector<std::string> visible_names() const;
  void begin_body(Node owner) {
    scope_.clear();
    next_slot_ = max_slot_ = 0;
    owner_ = owner;
  }

  const BuiltinRegistry& builtins_;
  const Schema* schema_;
  Diagnostics& diags_;
  absl::flat_hash_map<std::string, PackageSyms> packages_;
  Module* module_ = nullptr;
  std::vector<Local> scope_;
  int32_t next_slot_ = 0, max_slot_ = 0;
  Node owner_ = nullptr;
  absl::flat_hash_map<Node, std::vector<std::pair<Node, SourceRange>>> deps_;
  absl::flat_hash_map<Node, std::string> node_names_;
  std::vector<ParamDecl*> params_;
};

int32_t Checker::bind(const std::string& name, SourceRange r, Info info) {
  // Calls never resolve to locals, so `fn f(values) = values(values)` works,
  // but readers take `values` for the builtin: say so.
  if (!name.empty() && name[0] != '$' && builtins_.find(name) != nullptr)
    diags_.warning(r, "'" + name + "' shadows the builtin " + name + "(); calls to " + name +
                          "(...) still reach the builtin, but a different name avoids confusion");
  int32_t slot = next_slot_++;
  max_slot_ = std::max(max_slot_, next_slot_);
  scope_.push_back({name, slot, std::move(info)});
  return slot;
}

const PackageSyms* Checker::package_of_alias(std::string_view alias) const {
  for (const Import& i : module_->imports)
    if (i.alias == alias) {
      auto it = packages_.find(i.package);
      return it == packages_.end() ? nullptr : &it->second;
    }
  return nullptr;
}

std::vector<std::string> Checker::visible_names() const {
  std::vector<std::string> out;
  for (const Local& l : scope_)
    if (l.name[0] != '$') out.push_back(l.name);  // hidden slots are not names a user can write
  auto it = packages_.find(module_->package);
  if (it != packages_.end())
    for (auto& n : it->second.names()) out.push_back(n);
  out.push_back("input");
  return out;
}

void Checker::declare(Module& m) {
  PackageSyms& p = packages_[m.package];
  auto dup = [&](const std::string& name, SourceRange r) {
    if (p.owner.contains(name)) {
      diags_.error(r, "'" + name + "' is already declared in package " + m.package);
      return true;
    }
    p.owner[name] = &m;
    return false;
  };
  for (ParamDecl& d : m.params) {
    if (dup(d.name, d.range)) continue;
    p.params[d.name] = &d;
    d.global = static_cast<int32_t>(params_.size());
    params_.push_back(&d);
  }
  for (ConstDecl& d : m.consts) {
    if (dup(d.name, d.range)) continue;
    p.consts[d.name] = &d;
    node_names_[&d] = m.package + "." + d.name;
  }
  for (FnDecl& d : m.fns) {
    if (dup(d.name, d.range)) continue;
    if (builtins_.find(d.name) != nullptr || d.name == "edges_from" || d.name == "edges_to")
      diags_.warning(d.range, "function '" + d.name + "' hides the builtin of the same name in this package");
    p.fns[d.name] = &d;
    node_names_[&d] = m.package + "." + d.name;
  }
}

void Checker::check_imports(Module& m) {
  std::set<std::string> aliases;
  for (const Import& i : m.imports) {
    if (!packages_.contains(i.package)) {
      std::vector<std::string> known_pkgs;
      for (auto& [k, v] : packages_) known_pkgs.push_back(k);
      std::string hint = closest_name(i.package, known_pkgs);
      diags_.error(i.range, "unknown package '" + i.package + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (!aliases.insert(i.alias).second) diags_.error(i.range, "import alias '" + i.alias + "' is used twice");
  }
}

void Checker::expect_bool(const Info& i, SourceRange r, std::string_view what) {
  if (known(i.type) && i.type != Type::kBool)
    diags_.error(r, std::string(what) + " must be a bool, but this is a " + std::string(type_name(i.type)));
}

Info Checker::infer_field(Expr& e, Info base, std::string_view field, SourceRange at) {
  if (known(base.type) && base.type != Type::kMap)
    diags_.error(at, "cannot read field '" + std::string(field) + "' of a " + std::string(type_name(base.type)));
  const SchemaNode* s = base.schema;
  if (s == nullptr) return {};
  auto it = s->fields.find(std::string(field));
  if (it != s->fields.end()) {
    Info out;
    out.type = it->second->type;
    out.schema = it->second;
    out.schema_name = base.schema_name + "." + std::string(field);
    return out;
  }
  if (s->values != nullptr) {
    Info out;
    out.type = s->values->type;
    out.schema = s->values;
    out.schema_name = base.schema_name + "[*]";
    return out;
  }
  if (s->closed) {
    std::string hint = closest_name(field, s->field_order);
    diags_.warning(at, "field '" + std::string(field) + "' is not defined for " + base.schema_name + " in the schema" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                           "; the rule would read a missing value");
  }
  (void)e;
  return {};
}

Info Checker::infer(Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull: return {Type::kNull};
    case ExprKind::kBool: return {Type::kBool};
    case ExprKind::kInt: return {Type::kInt};
    case ExprKind::kFloat: return {Type::kFloat};
    case ExprKind::kString: return {Type::kString};
    case ExprKind::kInterp:
      for (auto& k : e.kids) infer(*k);
      return {Type::kString};
    case ExprKind::kList:
      for (auto& k : e.kids) infer(*k);
      return {Type::kList};
    case ExprKind::kMap:
      for (auto& k : e.kids) infer(*k);
      return {Type::kMap};
    case ExprKind::kName: {
      for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
        if (it->name == e.text) {
          e.ref = RefKind::kLocal;
          e.slot = it->slot;
          return it->info;
        }
      PackageSyms& p = packages_[module_->package];
      if (auto it = p.params.find(e.text); it != p.params.end()) {
        e.ref = RefKind::kGlobal;
        e.slot = it->second->global;
        Type t = Type::kAny;
        param_type_from_name(it->second->type, &t);
        return {t};
      }
      if (auto it = p.consts.find(e.text); it != p.consts.end()) {
        e.ref = RefKind::kGlobal;
        deps_[owner_].push_back({it->second, e.range});
        e.slot = -1;  // resolved to a global index after ordering
        e.text = module_->package + "." + e.text;
        return {};
      }
      if (e.text == "input") {
        e.ref = RefKind::kInput;
        if (schema_ && schema_->document()) return {Type::kMap, schema_->document(), "the document"};
        return {Type::kMap};
      }
      if (package_of_alias(e.text) != nullptr) {
        diags_.error(e.range, "'" + e.text + "' is a package; use " + e.text + ".<name>");
        return {};
      }
      if (p.fns.contains(e.text) || builtins_.find(e.text)) {
        diags_.error(e.range, "'" + e.text + "' is a function; call it with (...)");
        return {};
      }
      std::string hint = closest_name(e.text, visible_names());
      diags_.error(e.range, "undefined name '" + e.text + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      return {};
    }
    case ExprKind::kField: {
      Expr& base = *e.kids[0];
      // `alias.name` refers to a parameter or constant of an imported package.
      if (base.kind == ExprKind::kName) {
        bool local = std::any_of(scope_.begin(), scope_.end(), [&](const Local& l) { return l.name == base.text; });
        if (!local) {
          if (const PackageSyms* p = package_of_alias(base.text)) {
            std::string name = e.text;
            e.kind = ExprKind::kName;
            e.kids.clear();
            if (auto it = p->params.find(name); it != p->params.end()) {
              e.ref = RefKind::kGlobal;
              e.slot = it->second->global;
              e.text = name;
              Type t = Type::kAny;
              param_type_from_name(it->second->type, &t);
              return {t};
            }
            if (auto it = p->consts.find(name); it != p->consts.end()) {
              e.ref = RefKind::kGlobal;
              deps_[owner_].push_back({it->second, e.range});
              e.text = node_names_[it->second];
              return {};
            }
            diags_.error(e.range, "package has no parameter or constant '" + name + "'");
            return {};
          }
        }
      }
      Info b = infer(base);
      return infer_field(e, b, e.text, e.range);
    }
    case ExprKind::kIndex: {
      Info b = infer(*e.kids[0]);
      Info k = infer(*e.kids[1]);
      if (b.type == Type::kList && known(k.type) && k.type != Type::kInt)
        diags_.error(e.kids[1]->range, "list index must be an int, got " + std::string(type_name(k.type)));
      // x["key"] reads a field; on a list the index error above says it all.
      if (e.kids[1]->kind == ExprKind::kString && b.type != Type::kList)
        return infer_field(e, b, e.kids[1]->text, e.kids[1]->range);
      if (b.schema && b.schema->items) return {b.schema->items->type, b.schema->items, b.schema_name + "[*]"};
      if (b.schema && b.schema->values) return {b.schema->values->type, b.schema->values, b.schema_name + "[*]"};
      return {};
    }
    case ExprKind::kCall: return infer_call(e);
    case ExprKind::kNeg: {
      Info i = infer(*e.kids[0]);
      if (known(i.type) && !is_numeric(i.type))
        diags_.error(e.range, "cannot negate a " + std::string(type_name(i.type)));
      return {is_numeric(i.type) ? i.type : Type::kAny};
    }
    case ExprKind::kNot: {
      expect_bool(infer(*e.kids[0]), e.kids[0]->range, "the operand of 'not'");
      return {Type::kBool};
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      const char* op = e.kind == ExprKind::kAnd ? "'and'" : "'or'";
      expect_bool(infer(*e.kids[0]), e.kids[0]->range, std::string("the left operand of ") + op);
      expect_bool(infer(*e.kids[1]), e.kids[1]->range, std::string("the right operand of ") + op);
      return {Type::kBool};
    }
    case ExprKind::kCoalesce: {
      Info a = infer(*e.kids[0]);
      Info b = infer(*e.kids[1]);
      if (known(a.type) && known(b.type) && !compatible(a.type, b.type) && !compatible(b.type, a.type))
        diags_.warning(e.range, "the default (" + std::string(type_name(b.type)) + ") has a different type than the value (" +
                                    std::string(type_name(a.type)) + ")");
      // When the value's type is not known, the result is the value or the
      // default: either type, so nothing is known (typing it as the
      // default's would reject `(input.x ?? 1) + "s"` with x a string).
      return (known(a.type) || a.schema != nullptr) ? a : Info{};
    }
    case ExprKind::kIn: {
      infer(*e.kids[0]);
      Info c = infer(*e.kids[1]);
      if (known(c.type) && c.type != Type::kList && c.type != Type::kMap && c.type != Type::kString)
        diags_.error(e.kids[1]->range, "'in' needs a list, map or string on the right, got " + std::string(type_name(c.type)));
      return {Type::kBool};
    }
    case ExprKind::kBinary: {
      Info a = infer(*e.kids[0]);
      Info b = infer(*e.kids[1]);
      static constexpr const char* kNames[] = {"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="};
      std::string op = kNames[static_cast<int>(e.op)];
      auto mismatch = [&]() {
        diags_.error(e.range, "operator " + op + " cannot combine " + std::string(type_name(a.type)) + " and " +
                                  std::string(type_name(b.type)));
      };
      switch (e.op) {
        case BinOp::kEq:
        case BinOp::kNe:
          if (known(a.type) && known(b.type) && a.type != Type::kNull && b.type != Type::kNull &&
              !compatible(a.type, b.type) && !compatible(b.type, a.type))
            diags_.warning(e.range, "comparing a " + std::string(type_name(a.type)) + " with a " +
                                        std::string(type_name(b.type)) + " is always " + (e.op == BinOp::kEq ? "false" : "true"));
          return {Type::kBool};
        case BinOp::kLt:
        case BinOp::kLe:
        case BinOp::kGt:
        case BinOp::kGe:
          if (known(a.type) && known(b.type) && !(is_numeric(a.type) && is_numeric(b.type)) &&
              !(a.type == Type::kString && b.type == Type::kString))
            mismatch();
          else if ((known(a.type) && !is_numeric(a.type) && a.type != Type::kString) ||
                   (known(b.type) && !is_numeric(b.type) && b.type != Type::kString))
            mismatch();
          return {Type::kBool};
        case BinOp::kAdd:
          if (known(a.type) && known(b.type)) {
            if (is_numeric(a.type) && is_numeric(b.type))
              return {a.type == Type::kInt && b.type == Type::kInt ? Type::kInt : Type::kNumber};
            if (a.type == b.type && (a.type == Type::kString || a.type == Type::kList || a.type == Type::kMap))
              return {a.type};
            mismatch();
          }
          return {};
        default:
          if ((known(a.type) && !is_numeric(a.type)) || (known(b.type) && !is_numeric(b.type))) mismatch();
          if (a.type == Type::kInt && b.type == Type::kInt) return {Type::kInt};
          return {Type::kNumber};
      }
    }
    case ExprKind::kCond: {
      expect_bool(infer(*e.kids[0]), e.kids[0]->range, "the condition of 'if'");
      Info a = infer(*e.kids[1]);
      Info b = infer(*e.kids[2]);
      return a.type == b.type ? a : Info{};
    }
    case ExprKind::kLet: {
      Info v = infer(*e.kids[0]);
      size_t mark = scope_.size();
      int32_t saved = next_slot_;
      e.var_slots = {bind(e.vars[0], e.var_ranges[0], v)};
      Info body = infer(*e.kids[1]);
      scope_.resize(mark);
      next_slot_ = saved;
      return body;
    }
    case ExprKind::kQuant: {
      Info coll = infer(*e.kids[0]);
      size_t mark = scope_.size();
      int32_t saved = next_slot_;
      // Hidden slots first: the collection and the position (ITER_*), then
      // the accumulator pair.
      e.slot = reserve_iteration(4);
      bind_loop_vars(e, coll, e.kids[0]->range);
      if (e.has_filter) expect_bool(infer(*e.kids[1]), e.kids[1]->range, "the condition of a quantifier");
      scope_.resize(mark);
      next_slot_ = saved;
      return {e.quant == Quant::kCount ? Type::kInt : Type::kBool};
    }
    case ExprKind::kListComp:
    case ExprKind::kMapComp: {
      // kids: the element (key and value for a map), the first collection,
      // then the later clauses in order; each sees the variables before it.
      size_t first = e.kind == ExprKind::kListComp ? 1 : 2;
      Info coll = infer(*e.kids[first]);
      size_t mark = scope_.size();
      int32_t saved = next_slot_;
      // Collection and position, then a spare slot and the first undefined
      // filter value (the slot the whole comprehension's result may take).
      e.slot = reserve_iteration(4);
      bind_loop_vars(e, coll, e.kids[first]->range);
      for (size_t i = first + 1; i < e.kids.size(); ++i) {
        Expr& c = *e.kids[i];
        switch (c.kind) {
          case ExprKind::kCompFor: {
            Info inner = infer(*c.kids[0]);
            c.slot = reserve_iteration(2);
            bind_loop_vars(c, inner, c.kids[0]->range);
            break;
          }
          case ExprKind::kCompIf:
            expect_bool(infer(*c.kids[0]), c.kids[0]->range, "the 'if' of a comprehension");
            break;
          case ExprKind::kCompLet: {
            Info v = infer(*c.kids[0]);
            c.var_slots.clear();
            if (!c.vars.empty()) c.var_slots.push_back(bind(c.vars[0], c.var_ranges[0], v));
            break;
          }
          default: break;
        }
      }
      Info result;
      if (e.kind == ExprKind::kListComp) {
        infer(*e.kids[0]);
        result = {Type::kList};
      } else {
        Info k = infer(*e.kids[0]);
        if (known(k.type) && k.type != Type::kString)
          diags_.error(e.kids[0]->range, "map keys must be strings, got " + std::string(type_name(k.type)));
        infer(*e.kids[1]);
        result = {Type::kMap};
      }
      scope_.resize(mark);
      next_slot_ = saved;
      return result;
    }
    case ExprKind::kCompFor:
    case ExprKind::kCompIf:
    case ExprKind::kCompLet:
      return {};  // handled with their comprehension
  }
  return {};
}

int32_t Checker::reserve_iteration(int32_t hidden) {
  int32_t base = next_slot_;
  next_slot_ += hidden;
  max_slot_ = std::max(max_slot_, next_slot_);
  return base;
}

// The variables of a quantifier or a comprehension `for` over `coll`: one
// (the element) or two (index or key, then the element).
void Checker::bind_loop_vars(Expr& e, const Info& coll, SourceRange coll_range) {
  if (known(coll.type) && coll.type != Type::kList && coll.type != Type::kMap)
    diags_.error(coll_range, "cannot iterate over a " + std::string(type_name(coll.type)));
  Info elem;
  if (coll.schema && coll.schema->items) elem = {coll.schema->items->type, coll.schema->items, coll.schema_name + "[*]"};
  if (coll.schema && coll.schema->values) elem = {coll.schema->values->type, coll.schema->values, coll.schema_name + "[*]"};
  e.var_slots.clear();
  if (e.vars.size() == 2) {
    e.var_slots.push_back(bind(e.vars[0], e.var_ranges[0], {}));
    e.var_slots.push_back(bind(e.vars[1], e.var_ranges[1], elem));
  } else if (!e.vars.empty()) {
    e.var_slots.push_back(bind(e.vars[0], e.var_ranges[0], elem));
  }
}

Info Checker::infer_call(Expr& e) {
  std::vector<Info> args;
  for (auto& k : e.kids) args.push_back(infer(*k));
  std::string name = e.text;
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    std::string alias = name.substr(0, dot), fn = name.substr(dot + 1);
    const PackageSyms* p = package_of_alias(alias);
    if (p == nullptr) {
      diags_.error(e.range, "unknown package alias '" + alias + "' (add 'import <package> as " + alias + "')");
      return {};
    }
    auto it = p->fns.find(fn);
    if (it == p->fns.end()) {
      std::vector<std::string> names;
      for (auto& [k, v] : p->fns) names.push_back(k);
      std::string hint = closest_name(fn, names);
      diags_.error(e.range, "package '" + alias + "' has no function '" + fn + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      return {};
    }
    FnDecl* f = it->second;
    if (f->params.size() != e.kids.size())
      diags_.error(e.range, fn + "() takes " + std::to_string(f->params.size()) + " argument(s), got " + std::to_string(e.kids.size()));
    e.ref = RefKind::kFunction;
    deps_[owner_].push_back({f, e.range});
    e.text = node_names_[f];
    return {};
  }
  PackageSyms& p = packages_[module_->package];
  if (auto it = p.fns.find(name); it != p.fns.end()) {
    FnDecl* f = it->second;
    if (f->params.size() != e.kids.size())
      diags_.error(e.range, name + "() takes " + std::to_string(f->params.size()) + " argument(s), got " + std::to_string(e.kids.size()));
    e.ref = RefKind::kFunction;
    deps_[owner_].push_back({f, e.range});
    e.text = node_names_[f];
    return {};
  }
  if (name == "edges_from" || name == "edges_to") {
    // Graph navigation: needs the document's edge index, so a special form
    // like resource(), not a builtin.
    if (e.kids.size() != 1 && e.kids.size() != 2) {
      diags_.error(e.range, name + "() takes 1 or 2 arguments (id, optional kind), got " + std::to_string(e.kids.size()));
    } else {
      static const char* kParams[] = {"id", "kind"};
      for (size_t i = 0; i < e.kids.size(); ++i)
        if (known(args[i].type) && args[i].type != Type::kString)
          diags_.error(e.kids[i]->range, name + "(): argument '" + kParams[i] + "' must be string, got " +
                                             std::string(type_name(args[i].type)));
    }
    e.ref = name == "edges_from" ? RefKind::kEdgesFrom : RefKind::kEdgesTo;
    return {Type::kList};
  }
  if (name == "resource" || name == "resources") {
    if (e.kids.size() != 1) diags_.error(e.range, name + "() takes 1 argument, got " + std::to_string(e.kids.size()));
    else if (known(args[0].type) && args[0].type != Type::kString)
      diags_.error(e.kids[0]->range, name + "() takes a string, got " + std::string(type_name(args[0].type)));
    if (name == "resources") {
      e.ref = RefKind::kResources;
      if (e.kids.size() == 1 && e.kids[0]->kind != ExprKind::kString)
        diags_.error(e.kids[0]->range, "resources() needs a literal type name so rules can be indexed");
      return {Type::kMap};  // id -> resource
    }
    e.ref = RefKind::kResource;
    return {};
  }
  const BuiltinDef* def = builtins_.find(name);
  if (def == nullptr) {
    std::vector<std::string> names;
    for (auto& d : builtins_.all()) names.emplace_back(d.name);
    for (auto& [k, v] : p.fns) names.push_back(k);
    std::string hint = closest_name(name, names);
    diags_.error(e.range, "unknown function '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return {};
  }
  e.ref = RefKind::kBuiltin;
  e.slot = static_cast<int32_t>(builtins_.index_of(def));
  size_t n = def->params.size();
  bool arity_ok = def->variadic ? e.kids.size() + 1 >= n : e.kids.size() == n;
  if (!arity_ok) {
    diags_.error(e.range, name + "() takes " + (def->variadic ? "at least " + std::to_string(n - 1) : std::to_string(n)) +
                              " argument(s), got " + std::to_string(e.kids.size()));
    return {def->result};
  }
  for (size_t i = 0; i < e.kids.size(); ++i) {
    const Param& p2 = def->params[std::min(i, n - 1)];
    if (!compatible(p2.type, args[i].type))
      diags_.error(e.kids[i]->range, name + "(): argument '" + std::string(p2.name) + "' must be " +
                                         std::string(type_name(p2.type)) + ", got " + std::string(type_name(args[i].type)));
  }
  return {def->result};
}

void Checker::check_meta(RuleDecl& r) {
  static const std::vector<std::string> kKeys = {"title",      "severity", "category", "description",
                                                 "remediation", "references", "tags",   "formats"};
  // The input formats a rule is written and tested for; docs/rules.md shows them.
  static const std::vector<std::string> kFormats = {"cloudformation", "sam", "serverless", "terraform", "event"};
  std::set<std::string> seen;
  auto literal = [&](MetaEntry& m, bool allow_name) -> std::string {
    Expr& v = *m.value;
    if (v.kind == ExprKind::kString) return v.text;
    if (allow_name && v.kind == ExprKind::kName) return v.text;
    diags_.error(v.range, "metadata '" + m.key + "' must be a " + (allow_name ? "name or string" : "string literal"));
    return "";
  };
  for (MetaEntry& m : r.meta) {
    if (std::find(kKeys.begin(), kKeys.end(), m.key) == kKeys.end()) {
      std::string hint = closest_name(m.key, kKeys);
      diags_.error(m.key_range, "unknown metadata '" + m.key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    if (!seen.insert(m.key).second) diags_.error(m.key_range, "metadata '" + m.key + "' is given twice");
    if (m.key == "severity" || m.key == "category") {
      const auto& allowed = m.key == "severity" ? rule_severities() : rule_categories();
      std::string v = literal(m, true);
      if (!v.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string list;
        for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        std::string hint = closest_name(v, allowed);
        diags_.error(m.value->range, "unknown " + m.key + " '" + v + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                         "; expected one of: " + list);
      }
    } else if (m.key == "references" || m.key == "tags" || m.key == "formats") {
      if (m.value->kind != ExprKind::kList) diags_.error(m.value->range, "metadata '" + m.key + "' must be a list of strings");
      else
        for (auto& k : m.value->kids) {
          if (k->kind != ExprKind::kString) diags_.error(k->range, "metadata '" + m.key + "' must be a list of strings");
          else if (m.key == "formats" && std::find(kFormats.begin(), kFormats.end(), k->text) == kFormats.end()) {
            std::string hint = closest_name(k->text, kFormats);
            diags_.error(k->range, "unknown format '" + k->text + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                       "; expected cloudformation, sam, serverless, terraform or event");
          }
        }
    } else {
      literal(m, false);
    }
  }
  for (const char* req : {"title", "severity", "category"})
    if (!seen.contains(req)) diags_.error(r.id_range, std::string("rule '") + r.id + "' has no '" + req + "'");
}

void Checker::check_rule(Module& m, RuleDecl& r) {
  (void)m;
  check_meta(r);
  begin_body(&r);
  for (Clause& c : r.clauses) {
    switch (c.kind) {
      case ClauseKind::kSelect: {
        Info info{Type::kMap};
        if (schema_ != nullptr) {
          for (size_t i = 0; i < c.types.size(); ++i)
            if (schema_->resource(c.types[i]) == nullptr) {
              std::string hint = closest_name(c.types[i], schema_->resource_types());
              diags_.warning(c.type_ranges[i], "resource type '" + c.types[i] + "' is not in the schema" +
                                                   (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                                   "; the rule would never run");
            }
          if (c.types.size() == 1 && schema_->resource(c.types[0]))
            info = {Type::kMap, schema_->resource(c.types[0]), c.types[0]};
        }
        c.iter_slot = next_slot_;
        next_slot_ += 2;
        max_slot_ = std::max(max_slot_, next_slot_);
        c.slot2 = bind(c.var2.empty() ? "$id" : c.var2, c.var2.empty() ? c.var_range : c.var2_range, {Type::kString});
        c.slot = bind(c.var, c.var_range, info);
        break;
      }
      case ClauseKind::kFor: {
        Info coll = infer(*c.expr);
        if (known(coll.type) && coll.type != Type::kList && coll.type != Type::kMap)
          diags_.error(c.expr->range, "cannot iterate over a " + std::string(type_name(coll.type)));
        c.iter_slot = next_slot_;
        next_slot_ += 2;
        max_slot_ = std::max(max_slot_, next_slot_);
        Info elem;
        if (coll.schema && coll.schema->items) elem = {coll.schema->items->type, coll.schema->items, coll.schema_name + "[*]"};
        if (coll.schema && coll.schema->values) elem = {coll.schema->values->type, coll.schema->values, coll.schema_name + "[*]"};
        if (!c.var2.empty()) {
          c.slot = bind(c.var, c.var_range, {});
          c.slot2 = bind(c.var2, c.var2_range, elem);
        } else {
          c.slot = bind(c.var, c.var_range, elem);
        }
        break;
      }
      case ClauseKind::kLet:
        c.slot = bind(c.var, c.var_range, infer(*c.expr));
        break;
      case ClauseKind::kWhere:
        expect_bool(infer(*c.expr), c.expr->range, "a 'where' condition");
        break;
    }
  }
  Info msg = infer(*r.report.message);
  if (known(msg.type) && msg.type != Type::kString) diags_.error(r.report.message->range, "the report message must be a string");
  if (r.report.at) infer(*r.report.at);
  if (r.report.subject) {
    Info s = infer(*r.report.subject);
    if (known(s.type) && s.type != Type::kString) diags_.error(r.report.subject->range, "the subject must be a string");
  }
  r.num_locals = max_slot_;
}

void Checker::run(std::vector<std::unique_ptr<Module>>& modules, CheckedProgram* out) {
  for (auto& m : modules) {
    out->modules.push_back(m.get());
    declare(*m);
  }
  for (auto& m : modules) {
    module_ = m.get();
    check_imports(*m);
    for (ParamDecl& p : m->params) {
      Type t;
      if (!param_type_from_name(p.type, &t)) {
        diags_.error(p.type_range, "unknown parameter type '" + p.type + "'; expected int, float, number, string, bool, list, map or any");
        continue;
      }
      if (p.default_value) {
        begin_body(nullptr);
        Info d = infer(*p.default_value);
        if (!compatible(t, d.type))
          diags_.error(p.default_value->range, "default of parameter '" + p.name + "' must be " + std::string(type_name(t)) +
                                                   ", got " + std::string(type_name(d.type)));
        // Defaults are evaluated once at compile time: keep them literal.
        std::function<bool(const Expr&)> literal = [&](const Expr& x) {
          switch (x.kind) {
            case ExprKind::kNull: case ExprKind::kBool: case ExprKind::kInt: case ExprKind::kFloat: case ExprKind::kString: return true;
            case ExprKind::kNeg: return x.kids[0]->kind == ExprKind::kInt || x.kids[0]->kind == ExprKind::kFloat;
            case ExprKind::kList: case ExprKind::kMap:
              return std::all_of(x.kids.begin(), x.kids.end(), [&](const ExprPtr& k) { return literal(*k); });
            default: return false;
          }
        };
        if (!literal(*p.default_value)) diags_.error(p.default_value->range, "a parameter default must be a literal value");
      }
    }
    for (ConstDecl& c : m->consts) {
      begin_body(&c);
      infer(*c.value);
      c.num_locals = max_slot_;
    }
    for (FnDecl& f : m->fns) {
      begin_body(&f);
      std::set<std::string> names;
      for (size_t i = 0; i < f.params.size(); ++i) {
        if (!names.insert(f.params[i]).second) diags_.error(f.param_ranges[i], "parameter '" + f.params[i] + "' is declared twice");
        bind(f.params[i], f.param_ranges[i], {});
      }
      infer(*f.body);
      f.num_locals = max_slot_;
    }
    std::set<std::string> ids;
    for (RuleDecl& r : m->rules) {
      check_rule(*m, r);
      out->rules.push_back({m.get(), &r});
    }
  }
  // Rule ids are unique across the whole program.
  absl::flat_hash_map<std::string, RuleDecl*> ids;
  for (auto& [m, r] : out->rules) {
    if (r->id.empty()) {
      diags_.error(r->id_range, "a rule needs an id");
      continue;
    }
    auto [it, fresh] = ids.emplace(r->id, r);
    if (!fresh) diags_.error(r->id_range, "rule id '" + r->id + "' is already used");
  }
  // Recursion and constant cycles: depth-first search over uses.
  enum Mark { kNone, kActive, kDone };
  absl::flat_hash_map<Node, Mark> marks;
  std::vector<Node> stack;
  std::vector<ConstDecl*> order;
  absl::flat_hash_set<Node> const_nodes;
  for (auto& m : modules)
    for (ConstDecl& c : m->consts) const_nodes.insert(&c);
  std::function<void(Node)> visit = [&](Node n) {
    marks[n] = kActive;
    stack.push_back(n);
    for (auto& [dep, range] : deps_[n]) {
      Mark mk = marks[dep];
      if (mk == kActive) {
        std::string path;
        auto it = std::find(stack.begin(), stack.end(), dep);
        for (; it != stack.end(); ++it) path += node_names_[*it] + " -> ";
        path += node_names_[dep];
        diags_.error(range, "recursion is not allowed (termination is guaranteed by construction): " + path);
      } else if (mk == kNone) {
        visit(dep);
      }
    }
    stack.pop_back();
    marks[n] = kDone;
    if (const_nodes.contains(n)) order.push_back(static_cast<ConstDecl*>(const_cast<void*>(n)));
  };
  for (auto& m : modules) {
    for (ConstDecl& c : m->consts)
      if (marks[&c] == kNone) visit(&c);
    for (FnDecl& f : m->fns)
      if (marks[&f] == kNone) visit(&f);
  }
  out->params = params_;
  int32_t g = static_cast<int32_t>(params_.size());
  for (ConstDecl* c : order) {
    c->global = g++;
    out->consts.push_back(c);
  }
  int32_t fi = 0;
  for (auto& m : modules)
    for (FnDecl& f : m->fns) {
      f.index = fi++;
      out->fns.push_back(&f);
    }
}

}  // namespace

void check_program(std::vector<std::unique_ptr<Module>>& modules, const BuiltinRegistry& builtins,
                   const Schema* schema, Diagnostics& diags, CheckedProgram* out) {
  Checker c(builtins, schema, diags);
  c.run(modules, out);
}

}  // namespace moat
