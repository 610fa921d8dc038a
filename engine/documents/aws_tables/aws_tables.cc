#include "documents/aws_tables/aws_tables.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace moat::aws_tables {

namespace {

// Both tables are generated sorted by name.
constexpr ManagedPolicy kManaged[] = {
#include "documents/aws_tables/managed_policies.inc"
};

constexpr PolicyTemplate kTemplates[] = {
#include "documents/aws_tables/policy_templates.inc"
};

// Sorted by (source, destination).
constexpr ConnectorProfile kProfiles[] = {
#include "documents/aws_tables/connector_profiles.inc"
};

constexpr ConnectorResource kConnectorResources[] = {
#include "documents/aws_tables/connector_resources.inc"
};

template <class T, size_t N>
const T* by_name(const T (&table)[N], std::string_view name) {
  auto it = std::lower_bound(std::begin(table), std::end(table), name,
                             [](const T& e, std::string_view n) { return e.name < n; });
  return it != std::end(table) && it->name == name ? &*it : nullptr;
}

constexpr bool sorted_profiles() {
  for (size_t i = 1; i < std::size(kProfiles); ++i)
    if (std::pair(kProfiles[i - 1].source, kProfiles[i - 1].destination) >=
        std::pair(kProfiles[i].source, kProfiles[i].destination))
      return false;
  return true;
}
static_assert(sorted_profiles(), "connector_profiles.inc must be sorted by (source, destination)");

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

const ConnectorProfile* find_connector_profile(std::string_view source, std::string_view destination) {
  auto key = std::pair(source, destination);
  auto it = std::lower_bound(std::begin(kProfiles), std::end(kProfiles), key,
                             [](const ConnectorProfile& e, const auto& k) { return std::pair(e.source, e.destination) < k; });
  return it != std::end(kProfiles) && std::pair(it->source, it->destination) == key ? &*it : nullptr;
}

const ConnectorResource* find_connector_resource(std::string_view type) {
  for (const ConnectorResource& r : kConnectorResources)
    if (r.type == type) return &r;
  return nullptr;
}

}  // namespace moat::aws_tables
