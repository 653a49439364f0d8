//! `.gitbook/vars.yaml`: a space's variables, as pages refer to them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::paths::SiteRoot;

/// `.gitbook/vars.yaml`: the space's variables, shown where pages write
/// `<code class="expression">space.vars.NAME</code>`. Values that are not text are skipped.
/// A file that leads outside the site, or nested past the YAML limit, gives no variables.
pub fn load_vars(content_dir: &Path, root: &SiteRoot) -> BTreeMap<String, String> {
    let Ok(bytes) = root.read(&content_dir.join(".gitbook/vars.yaml")) else {
        return BTreeMap::new();
    };
    let text = crate::text::decode_source(&bytes).text;
    if crate::limits::yaml_too_deep(&text).is_some() {
        return BTreeMap::new();
    }
    let Ok(serde_yaml::Value::Mapping(vars)) = serde_yaml::from_str(&text) else {
        return BTreeMap::new();
    };
    vars.into_iter()
        .filter_map(|(name, value)| {
            let value = match value {
                serde_yaml::Value::String(s) => s,
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((name.as_str()?.to_string(), value))
        })
        .collect()
}
