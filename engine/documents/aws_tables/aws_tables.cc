#include "documents/aws_tables/aws_tables.h"

#include <algorithm>
#include <iterator>

namespace moat::aws_tables {

namespace {

// Both tables are generated sorted by name.
constexpr ManagedPolicy kManaged[] = {
#include "documents/aws_tables/managed_policies.inc"
};

constexpr PolicyTemplate kTemplates[] = {
#include "documents/aws_tables/policy_templates.inc"
};

template <class T, size_t N>
const T* by_name(const T (&table)[N], std::string_view name) {
  auto it = std::lower_bound(std::begin(table), std::end(table), name,
                             [](const T& e, std::string_view n) { return e.name < n; });
  return it != std::end(table) && it->name == name ? &*it : nullptr;
}

}  // namespace

const ManagedPolicy* find_managed_policy(std::string_view name_or_arn) {
  if (!name_or_arn.starts_with("arn:")) return by_name(kManaged, name_or_arn);
  // arn:<partition>:iam::aws:policy/<path/>name: the name is unique, the path must agree.
  size_t policy = name_or_arn.find(":iam::aws:policy/");
  if (policy == std::string_view::npos) return nullptr;
  std::string_view path = name_or_arn.substr(policy);
  const ManagedPolicy* p = by_name(kManaged, path.substr(path.rfind('/') + 1));
  if (p == nullptr || !p->arn.ends_with(path)) return nullptr;
  return p;
}

const PolicyTemplate* find_policy_template(std::string_view name) { return by_name(kTemplates, name); }

}  // namespace moat::aws_tables
