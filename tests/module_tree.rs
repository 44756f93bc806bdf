//! The workspace's modules form a tree: within every module, its child modules depend on
//! one another without cycles (docs/architecture.md). A cycle is how a house starts to
//! need a map: `components` calling `measurement`, which takes `components`' types back,
//! cannot be read, tested or left out one at a time.
//!
//! The check reads every crate's sources with `syn` and, for each path a module names
//! (`use` trees, types, calls; test code left out), finds the two sibling modules the
//! reference crosses between: code in `a::x` naming `crate::b::y` is an edge `a → b`
//! among the crate root's children. A child naming its parent's own items, or a parent
//! naming its children, is no edge: that is the tree itself. Each cycle is reported with
//! a file and line for every edge, so the fix starts from evidence.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

/// A module's path inside its crate, from the crate root (empty for the root).
type ModulePath = Vec<String>;

/// One reference between modules, with where it is.
#[derive(Clone, Debug)]
struct Reference {
    from: ModulePath,
    to: Vec<String>,
    at: String,
}

/// Every module of one crate, and every path its code names.
struct CrateSources {
    name: String,
    modules: BTreeSet<ModulePath>,
    references: Vec<Reference>,
}

/// Reads the crate whose root file is `root` (`src/lib.rs` or `src/main.rs`).
fn read_crate(name: &str, root: &Path) -> CrateSources {
    let mut sources = CrateSources {
        name: name.to_owned(),
        modules: BTreeSet::new(),
        references: Vec::new(),
    };
    read_module_file(root, Vec::new(), &mut sources);
    sources
}

fn read_module_file(file: &Path, module: ModulePath, sources: &mut CrateSources) {
    let text = fs::read_to_string(file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    let syntax = syn::parse_file(&text)
        .unwrap_or_else(|error| panic!("cannot parse {}: {error}", file.display()));
    // `a.rs` and `a/mod.rs` keep their children in `a/`; `lib.rs`, `main.rs` and
    // `mod.rs` in their own folder.
    let file_name = file
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    let children_dir = if matches!(file_name, "lib" | "main" | "mod") {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    };
    let mut visitor = ModuleVisitor {
        file: file.to_path_buf(),
        children_dir,
        module,
        sources,
    };
    visitor.visit_items(&syntax.items);
}

struct ModuleVisitor<'a> {
    file: PathBuf,
    children_dir: PathBuf,
    module: ModulePath,
    sources: &'a mut CrateSources,
}

impl ModuleVisitor<'_> {
    fn visit_items(&mut self, items: &[syn::Item]) {
        self.sources.modules.insert(self.module.clone());
        for item in items {
            if !is_test_only(item_attributes(item)) {
                self.visit_item(item);
            }
        }
    }

    fn record(&mut self, segments: Vec<String>, span: proc_macro2::Span) {
        let to = match segments.first().map(String::as_str) {
            Some("crate") => segments[1..].to_vec(),
            Some("self") => [self.module.clone(), segments[1..].to_vec()].concat(),
            Some("super") => {
                let mut base = self.module.clone();
                let mut rest = &segments[..];
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
                [base, rest.to_vec()].concat()
            }
            // A bare path is relative to this module (a child or an item of it) or names
            // another crate or a prelude item: only a child module concerns the tree.
            Some(_) => [self.module.clone(), segments].concat(),
            None => return,
        };
        let line = span.start().line;
        self.sources.references.push(Reference {
            from: self.module.clone(),
            to,
            at: format!("{}:{line}", self.file.display()),
        });
    }
}

impl<'ast> Visit<'ast> for ModuleVisitor<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let mut child = self.module.clone();
        child.push(item.ident.to_string());
        match &item.content {
            Some((_, items)) => {
                let mut inline = ModuleVisitor {
                    file: self.file.clone(),
                    children_dir: self.children_dir.join(item.ident.to_string()),
                    module: child,
                    sources: self.sources,
                };
                inline.visit_items(items);
            }
            None => {
                let name = item.ident.to_string();
                let flat = self.children_dir.join(format!("{name}.rs"));
                let file = if flat.exists() {
                    flat
                } else {
                    self.children_dir.join(&name).join("mod.rs")
                };
                read_module_file(&file, child, self.sources);
            }
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        flatten_use_tree(&item.tree, Vec::new(), &mut paths);
        for path in paths {
            self.record(path, item.span());
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        self.record(segments, path.span());
        syn::visit::visit_path(self, path);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_impl_item_fn(self, item);
        }
    }
}

fn flatten_use_tree(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(path) => {
            let mut prefix = prefix;
            prefix.push(path.ident.to_string());
            flatten_use_tree(&path.tree, prefix, out);
        }
        syn::UseTree::Name(name) => out.push([prefix, vec![name.ident.to_string()]].concat()),
        syn::UseTree::Rename(rename) => out.push([prefix, vec![rename.ident.to_string()]].concat()),
        syn::UseTree::Glob(_) => out.push(prefix),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                flatten_use_tree(tree, prefix.clone(), out);
            }
        }
    }
}

fn item_attributes(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Use(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Enum(item) => &item.attrs,
        syn::Item::Const(item) => &item.attrs,
        syn::Item::Static(item) => &item.attrs,
        syn::Item::Trait(item) => &item.attrs,
        syn::Item::Type(item) => &item.attrs,
        syn::Item::Macro(item) => &item.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]` and `#[test]`: test code may reach anywhere it needs.
fn is_test_only(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        let path = attribute.path();
        path.is_ident("test")
            || (path.is_ident("cfg")
                && attribute
                    .parse_args::<syn::Ident>()
                    .is_ok_and(|ident| ident == "test"))
    })
}

/// The sibling graphs: for each module, edges between its children, each edge with the
/// place of one reference that makes it.
fn sibling_edges(
    sources: &CrateSources,
) -> BTreeMap<ModulePath, BTreeMap<(String, String), String>> {
    let mut graphs: BTreeMap<ModulePath, BTreeMap<(String, String), String>> = BTreeMap::new();
    for reference in &sources.references {
        // The longest module the path names (the rest are items of it).
        let Some(target) = (0..=reference.to.len())
            .rev()
            .map(|length| reference.to[..length].to_vec())
            .find(|prefix| sources.modules.contains(prefix))
        else {
            continue;
        };
        let from = &reference.from;
        let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == target.len() {
            continue; // one is the other's ancestor: the tree itself
        }
        graphs
            .entry(from[..common].to_vec())
            .or_default()
            .entry((from[common].clone(), target[common].clone()))
            .or_insert_with(|| reference.at.clone());
    }
    graphs
}

/// One cycle per strongly connected group of siblings, as `a → b → … → a` with the
/// place of each edge.
fn cycles(edges: &BTreeMap<(String, String), String>) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    let mut reported: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    let mut found = Vec::new();
    for &start in next.keys() {
        // Breadth-first from `start` back to `start`: the shortest cycle through it.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing = None;
        while let Some(node) = queue.pop_front() {
            for &child in next.get(node).into_iter().flatten() {
                if child == start {
                    closing = Some(node);
                    break;
                }
                if !came_from.contains_key(child) {
                    came_from.insert(child, node);
                    queue.push_back(child);
                }
            }
            if closing.is_some() {
                break;
            }
        }
        let Some(mut node) = closing else { continue };
        let mut path = vec![start];
        while node != start {
            path.push(node);
            node = came_from[node];
        }
        path[1..].reverse();
        let members: BTreeSet<&str> = path.iter().copied().collect();
        if !reported.insert(members) {
            continue;
        }
        path.push(start);
        let steps: Vec<String> = path
            .windows(2)
            .map(|pair| {
                let at = &edges[&(pair[0].to_owned(), pair[1].to_owned())];
                format!("    {} → {}  ({at})", pair[0], pair[1])
            })
            .collect();
        found.push(steps.join("\n"));
    }
    found
}

fn workspace_crates() -> Vec<CrateSources> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crates = vec![read_crate("alsobought-widget", &root.join("src/lib.rs"))];
    let mut members: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .expect("crates/ exists")
        .map(|entry| entry.expect("readable crates/").path())
        .collect();
    members.sort();
    for member in members {
        let name = member.file_name().unwrap().to_string_lossy().into_owned();
        for root_file in ["src/lib.rs", "src/main.rs"] {
            let file = member.join(root_file);
            if file.exists() {
                crates.push(read_crate(&format!("{name} ({root_file})"), &file));
            }
        }
    }
    crates
}

#[test]
fn sibling_modules_depend_on_each_other_without_cycles() {
    let mut problems = Vec::new();
    for sources in workspace_crates() {
        for (parent, edges) in sibling_edges(&sources) {
            for cycle in cycles(&edges) {
                let parent = if parent.is_empty() {
                    "the crate root".to_owned()
                } else {
                    format!("`{}`", parent.join("::"))
                };
                problems.push(format!(
                    "{}: the children of {parent} form a cycle:\n{cycle}",
                    sources.name
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "modules import each other in circles; move the shared part into a module both \
         depend on, or turn one direction into data handed over:\n\n{}",
        problems.join("\n\n")
    );
}

#[test]
fn the_check_sees_every_crate_and_their_modules() {
    // A reader that found nothing would pass the check above for the wrong reason.
    let crates = workspace_crates();
    assert!(crates.len() >= 6, "{} crate roots read", crates.len());
    for sources in &crates {
        assert!(
            sources.references.len() > 20,
            "{}: {} references",
            sources.name,
            sources.references.len()
        );
    }
    let modules: usize = crates.iter().map(|sources| sources.modules.len()).sum();
    assert!(modules > 100, "{modules} modules in the workspace");
    let widget = &crates[0];
    let edges = sibling_edges(widget);
    let root_edges = &edges[&Vec::new()];
    assert!(
        root_edges.keys().any(|(from, _)| from == "mount"),
        "the widget's mount names its siblings: {root_edges:?}"
    );
}

#[test]
fn a_cycle_is_found_and_shown_with_its_places() {
    let edges = BTreeMap::from([
        (("a".to_owned(), "b".to_owned()), "a.rs:1".to_owned()),
        (("b".to_owned(), "c".to_owned()), "b.rs:2".to_owned()),
        (("c".to_owned(), "a".to_owned()), "c.rs:3".to_owned()),
        (("c".to_owned(), "d".to_owned()), "c.rs:4".to_owned()),
    ]);
    let found = cycles(&edges);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a → b  (a.rs:1)") && found[0].contains("c → a  (c.rs:3)"));
    let tree = BTreeMap::from([(("a".to_owned(), "b".to_owned()), "a.rs:1".to_owned())]);
    assert!(cycles(&tree).is_empty());
}
