//! `alsobought email`: suggestions for a post-purchase email — the products bought
//! with what the customer just ordered — as an email-safe HTML fragment or a JSON
//! feed, for one order or for every order of an orders file (a whole campaign).
//!
//! Email clients are the hostile end of HTML: no stylesheets (Gmail drops `<style>`
//! in many cases), no relative URLs (there is no page to resolve them against), tables
//! for layout (Outlook renders with Word). So the fragment is a `role=presentation`
//! table with inline styles only, every link and image URL absolute, every link tagged
//! `utm_source=alsobought&utm_medium=email` so the store's analytics can credit it,
//! and every text escaped. The suggestions come from the same `Recommender` as
//! `alsobought recommend`, so an email shows what the widget would.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use alsobought_core::{
    check_url, html, url_scheme, Card, Fallback, RecommendOptions, Suggestion, Table, UrlRefusal,
};
use anyhow::{bail, Context};
use clap::{ArgGroup, Args, ValueEnum};
use serde_json::{json, Value};

use super::orders_args::OrdersArgs;
use super::recommend::{FallbackArg, Recommender};
use super::table_file::open_table;
use crate::report::{count_of, price_text, warn, UsageError};

/// Cards per table row: three fit a 600-pixel email on a desktop and still read on a
/// phone.
const COLUMNS: usize = 3;

/// The image width in pixels (the `width` attribute Outlook needs).
const IMAGE_WIDTH: u32 = 160;

/// `alsobought email`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Suggestions for post-purchase emails: an email-safe HTML fragment or a JSON feed",
    after_help = EMAIL_AFTER_HELP,
    group(ArgGroup::new("input").required(true).args(["order", "orders"])),
    // clap would list --orders as required: it is, but only in batch mode.
    override_usage = "alsobought email --table <FILE.table> (--order <ID>... | --orders <FILE>) [OPTIONS]"
)]
pub struct EmailArgs {
    /// Table FILE written by `alsobought build`.
    #[arg(long, value_name = "FILE.table")]
    table: PathBuf,

    /// One order: the product IDs it contains, comma-separated or repeated; the
    /// fragment (or feed) goes to standard output.
    #[arg(
        long = "order",
        value_name = "ID",
        value_delimiter = ',',
        conflicts_with = "orders"
    )]
    order: Vec<String>,

    /// Batch mode: every order of an orders file (read like `build --orders`, with the
    /// same column and filter flags), one JSON line per order on standard output, or
    /// one file per order in --out-dir.
    #[command(flatten)]
    orders: Option<OrdersArgs>,

    /// Suggest at most N products per order.
    #[arg(long, value_name = "N", default_value_t = 3)]
    max: usize,

    /// Resolve the table's relative product and image URLs against URL (the store's
    /// address, e.g. https://shop.example/); required when the table has relative URLs
    /// [default: none].
    #[arg(long, value_name = "URL", value_parser = BaseUrl::parse)]
    base_url: Option<BaseUrl>,

    /// Write FORMAT: `html` (the fragment) or `json` (the suggestions as a feed).
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = EmailFormat::Html)]
    format: EmailFormat,

    /// Batch mode: write ORDER_ID.html (or .json) per order into DIR, created if missing
    /// [default: JSON lines on standard output].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// The fragment's heading.
    #[arg(long, value_name = "TEXT", default_value = "You may also like")]
    heading: String,

    /// The utm_campaign added to every link, next to utm_source=alsobought and
    /// utm_medium=email.
    #[arg(long, value_name = "NAME", default_value = "post_purchase")]
    utm_campaign: String,

    /// Never suggest these product IDs, comma-separated or repeated [default: none].
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    exclude: Vec<String>,

    /// What fills the slots the neighbours leave empty.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = FallbackArg::Bestsellers)]
    fallback: FallbackArg,
}

const EMAIL_AFTER_HELP: &str = "\
Examples:
  alsobought email --table store.table --order SKU-1,SKU-7 --base-url https://shop.example/
  alsobought email --table store.table --order SKU-1 --format json
  alsobought email --table store.table --orders last_week.csv --out-dir emails/";

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmailFormat {
    /// An HTML fragment to paste into an email template.
    Html,
    /// The suggestions as JSON, for an email service's own template.
    Json,
}

/// Runs `alsobought email`.
pub fn run(args: &EmailArgs, quiet: bool) -> anyhow::Result<()> {
    // clap's `requires` does not see into the optional --orders group: checked here.
    if args.out_dir.is_some() && args.orders.is_none() {
        return Err(UsageError(
            "--out-dir writes one file per order of --orders FILE; for --order, redirect standard output instead"
                .to_owned(),
        )
        .into());
    }
    let table = open_table(&args.table)?;
    let table_name = args.table.display().to_string();
    if args.base_url.is_none() {
        refuse_relative_urls(&table, &table_name)?;
    }
    let options = RecommendOptions {
        max_suggestions: args.max,
        exclude: args.exclude.clone(),
        fallback: match args.fallback {
            FallbackArg::Bestsellers => Fallback::BestSellers,
            FallbackArg::None => Fallback::None,
        },
        ..RecommendOptions::default()
    };
    let recommender = Recommender::new(&table, options)
        .with_context(|| format!("cannot read table {table_name}"))?;
    let renderer = Renderer {
        base_url: args.base_url.as_ref(),
        campaign: &args.utm_campaign,
        heading: &args.heading,
        left_out: RefCell::default(),
    };
    match &args.orders {
        Some(orders) => run_batch(args, orders, &recommender, &renderer, quiet),
        None => {
            let (context, unknown) = recommender.context(&args.order)?;
            for id in &unknown {
                warn(format_args!(
                    "product {id:?} is not in table {table_name}: it adds no suggestions"
                ));
            }
            let ids: Vec<&str> = args.order.iter().map(String::as_str).collect();
            let suggestions = renderer.usable(recommender.suggest(&ids, &context));
            if suggestions.is_empty() {
                warn("no suggestions for this order: the output is empty");
            }
            let stdout = io::stdout();
            let mut out = stdout.lock();
            match args.format {
                EmailFormat::Html => out.write_all(renderer.html(&suggestions).as_bytes())?,
                EmailFormat::Json => {
                    let feed = renderer.feed(None, &args.order, &suggestions);
                    serde_json::to_writer_pretty(&mut out, &feed)?;
                    writeln!(out)?;
                }
            }
            out.flush().context("cannot write to standard output")?;
            Ok(())
        }
    }
}

fn run_batch(
    args: &EmailArgs,
    orders_args: &OrdersArgs,
    recommender: &Recommender<'_>,
    renderer: &Renderer<'_>,
    quiet: bool,
) -> anyhow::Result<()> {
    let history = orders_args.read(quiet)?;
    let orders = &history.orders;
    if let Some(directory) = &args.out_dir {
        fs::create_dir_all(directory)
            .with_context(|| format!("cannot create --out-dir {}", directory.display()))?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut empty, mut unknown_ids) = (0u64, 0u64);
    for (order_id, basket) in orders.order_ids().iter().zip(orders.baskets()) {
        let ids: Vec<String> = basket
            .iter()
            .map(|&product| orders.product_ids()[product as usize].clone())
            .collect();
        let (context, unknown) = recommender.context(&ids)?;
        unknown_ids += unknown.len() as u64;
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let suggestions = renderer.usable(recommender.suggest(&id_refs, &context));
        empty += u64::from(suggestions.is_empty());
        let feed = renderer.feed(Some(order_id), &ids, &suggestions);
        match (&args.out_dir, args.format) {
            (Some(directory), EmailFormat::Html) => {
                write_file(directory, order_id, "html", renderer.html(&suggestions))?
            }
            (Some(directory), EmailFormat::Json) => write_file(
                directory,
                order_id,
                "json",
                serde_json::to_string_pretty(&feed)? + "\n",
            )?,
            (None, format) => {
                let line = match format {
                    EmailFormat::Json => feed,
                    EmailFormat::Html => json!({
                        "order_id": order_id,
                        "order": ids,
                        "html": renderer.html(&suggestions),
                    }),
                };
                serde_json::to_writer(&mut out, &line)
                    .context("cannot write to standard output")?;
                out.write_all(b"\n")
                    .context("cannot write to standard output")?;
            }
        }
    }
    out.flush().context("cannot write to standard output")?;
    if empty > 0 {
        warn(format_args!(
            "{} of {} got no suggestion (empty output)",
            count_of(empty, "order", "orders"),
            count_of(orders.order_count() as u64, "order", "orders"),
        ));
    }
    if unknown_ids > 0 && !quiet {
        warn(format_args!(
            "{} of the orders {} not in table {}",
            count_of(unknown_ids, "product id", "product ids"),
            if unknown_ids == 1 { "is" } else { "are" },
            args.table.display()
        ));
    }
    Ok(())
}

fn write_file(
    directory: &Path,
    order_id: &str,
    extension: &str,
    text: String,
) -> anyhow::Result<()> {
    let path = directory.join(format!("{}.{extension}", file_stem(order_id)));
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A file name for an order id: letters, digits, `-` and `_` as they are, every other
/// byte as `%XX`, so distinct ids never share a file (`#1001` → `%231001`) and no id
/// can climb out of the directory.
fn file_stem(order_id: &str) -> String {
    let mut stem = String::with_capacity(order_id.len());
    for byte in order_id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            stem.push(byte as char);
        } else {
            stem.push_str(&format!("%{byte:02X}"));
        }
    }
    if stem.is_empty() {
        stem.push_str("%00");
    }
    stem
}

/// Fails when, without --base-url, some card has a URL an email could not use.
fn refuse_relative_urls(table: &Table<Vec<u8>>, table_name: &str) -> anyhow::Result<()> {
    for bundle in table.bundles() {
        let bundle = bundle.with_context(|| format!("cannot read table {table_name}"))?;
        let Some(card) = bundle.product() else {
            continue;
        };
        for (field, url) in [("url", card.url), ("image", card.image)] {
            if !url.is_empty() && resolve_url(None, url) == Err(UrlProblem::Relative) {
                bail!(
                    "table {table_name} holds relative URLs (product {:?} has {field} {url:?}); \
                     emails need absolute ones: pass --base-url with the store's address, \
                     e.g. --base-url https://shop.example/",
                    card.id
                );
            }
        }
    }
    Ok(())
}

/// An absolute http(s) URL that relative ones are resolved against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    scheme: String,
    /// Host and port.
    authority: String,
    /// The path, starting with `/` (its query and fragment dropped).
    path: String,
}

impl BaseUrl {
    /// Parses `https://host[:port][/path]`.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let problem =
            || format!("{text:?} is not an absolute http(s) URL such as https://shop.example/");
        // The base is joined to catalog URLs, so it passes the same policy they do.
        let checked = check_url(text).map_err(|_| problem())?;
        let (scheme, rest) = checked.split_once("://").ok_or_else(problem)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(problem());
        }
        let end_of_authority = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end_of_authority];
        if authority.is_empty() || authority.contains(char::is_whitespace) {
            return Err(problem());
        }
        let after = &rest[end_of_authority..];
        let path = after.split(['?', '#']).next().unwrap_or_default();
        Ok(BaseUrl {
            scheme,
            authority: authority.to_owned(),
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
        })
    }

    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

/// Why a card's URL cannot go into an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    /// Relative, and no --base-url.
    Relative,
    /// Refused by the URL policy every link and image source passes (a scheme other
    /// than http(s), a control character): never put into a mail.
    Refused(UrlRefusal),
}

impl std::fmt::Display for UrlProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlProblem::Relative => formatter.write_str("is relative and there is no --base-url"),
            UrlProblem::Refused(refusal) => refusal.fmt(formatter),
        }
    }
}

/// The absolute URL of `reference` (RFC 3986 section 5.2 for the cases a catalog
/// has: absolute, scheme-relative, absolute-path, relative-path with dot segments,
/// query-only), once the URL policy the widget applies has let it through.
pub fn resolve_url(base: Option<&BaseUrl>, reference: &str) -> Result<String, UrlProblem> {
    let reference = check_url(reference).map_err(UrlProblem::Refused)?;
    if url_scheme(reference).is_some() {
        // The policy lets only http(s) schemes through: already absolute.
        return Ok(reference.to_owned());
    }
    let base = base.ok_or(UrlProblem::Relative)?;
    if let Some(rest) = reference.strip_prefix("//") {
        return Ok(format!("{}://{rest}", base.scheme));
    }
    if reference.starts_with('/') {
        let (path, tail) = split_path(reference);
        return Ok(format!(
            "{}{}{tail}",
            base.origin(),
            remove_dot_segments(path)
        ));
    }
    if reference.starts_with('?') || reference.starts_with('#') {
        return Ok(format!("{}{}{reference}", base.origin(), base.path));
    }
    let directory = &base.path[..=base.path.rfind('/').unwrap_or(0)];
    let (path, tail) = split_path(reference);
    Ok(format!(
        "{}{}{tail}",
        base.origin(),
        remove_dot_segments(&format!("{directory}{path}"))
    ))
}

/// A URL's path and the rest (`?query#fragment`).
fn split_path(reference: &str) -> (&str, &str) {
    let end = reference.find(['?', '#']).unwrap_or(reference.len());
    reference.split_at(end)
}

/// Resolves `.` and `..` segments of an absolute path (`/a/b/../c` → `/a/c`).
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (index, segment) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    segments.pop();
                }
                if last {
                    // `/a/b/..` is the directory `/a/`.
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// `url` with utm_source=alsobought, utm_medium=email and utm_campaign added to its
/// query (replacing any utm_source/medium/campaign already there), before its fragment.
pub fn with_tracking(url: &str, campaign: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let (path, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let mut parameters: Vec<String> = query
        .split('&')
        .filter(|parameter| {
            let key = parameter.split('=').next().unwrap_or_default();
            !parameter.is_empty() && !matches!(key, "utm_source" | "utm_medium" | "utm_campaign")
        })
        .map(str::to_owned)
        .collect();
    parameters.push("utm_source=alsobought".to_owned());
    parameters.push("utm_medium=email".to_owned());
    if !campaign.is_empty() {
        parameters.push(format!("utm_campaign={}", percent_encode(campaign)));
    }
    let mut tracked = format!("{path}?{}", parameters.join("&"));
    if let Some(fragment) = fragment {
        tracked.push('#');
        tracked.push_str(fragment);
    }
    tracked
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// A suggestion ready for an email: its card and absolute URLs.
struct EmailProduct<'a> {
    card: Card<'a>,
    rank: usize,
    /// The product page with the tracking parameters.
    link: String,
    /// The absolute image URL, when the card has a usable one.
    image: Option<String>,
}

/// Turns suggestions into the fragment and the feed.
struct Renderer<'a> {
    base_url: Option<&'a BaseUrl>,
    campaign: &'a str,
    heading: &'a str,
    /// Products already warned about: a campaign would repeat the warning per order.
    left_out: RefCell<HashSet<String>>,
}

impl Renderer<'_> {
    /// The suggestions with a usable link; the others are left out with a warning, once
    /// per product (a card without a product URL, or with a script URL, cannot be
    /// mailed).
    fn usable<'t>(&self, suggestions: Vec<Suggestion<'t>>) -> Vec<EmailProduct<'t>> {
        let mut products = Vec::with_capacity(suggestions.len());
        for suggestion in suggestions {
            let card = suggestion.card;
            let link = if card.url.trim().is_empty() {
                Err("is empty (give the catalog a url column)".to_owned())
            } else {
                resolve_url(self.base_url, card.url).map_err(|problem| problem.to_string())
            };
            let link = match link {
                Ok(link) => link,
                Err(reason) => {
                    if self.left_out.borrow_mut().insert(card.id.to_owned()) {
                        warn(format_args!(
                            "product {:?} is left out: its url {:?} {reason}",
                            card.id, card.url
                        ));
                    }
                    continue;
                }
            };
            let image = match card.image.trim() {
                "" => None,
                image => resolve_url(self.base_url, image).ok(),
            };
            products.push(EmailProduct {
                card,
                rank: products.len() + 1,
                link: with_tracking(&link, self.campaign),
                image,
            });
        }
        products
    }

    /// The email-safe fragment; empty when there is nothing to suggest, so a template
    /// can test for it.
    fn html(&self, products: &[EmailProduct<'_>]) -> String {
        if products.is_empty() {
            return String::new();
        }
        let columns = products.len().min(COLUMNS);
        let width = 100 / columns;
        let mut html = String::new();
        html.push_str(
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
             style=\"width:100%;max-width:600px;border-collapse:collapse;font-family:Arial,Helvetica,sans-serif;color:#202124;\">\n",
        );
        html.push_str(&format!(
            "<tr><td colspan=\"{columns}\" style=\"padding:16px 8px 8px 8px;font-size:18px;font-weight:bold;line-height:24px;\">{}</td></tr>\n",
            html::escape(self.heading)
        ));
        for row in products.chunks(COLUMNS) {
            html.push_str("<tr>\n");
            for product in row {
                html.push_str(&self.cell(product, width));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
        html
    }

    fn cell(&self, product: &EmailProduct<'_>, width: usize) -> String {
        let card = &product.card;
        let link = html::escape(&product.link);
        let title = html::escape(card.title);
        let mut cell = format!(
            "<td width=\"{width}%\" valign=\"top\" align=\"center\" style=\"width:{width}%;padding:8px;vertical-align:top;text-align:center;\">\n"
        );
        if let Some(image) = &product.image {
            cell.push_str(&format!(
                "<a href=\"{link}\" style=\"text-decoration:none;\"><img src=\"{}\" alt=\"{title}\" width=\"{IMAGE_WIDTH}\" \
                 style=\"display:block;margin:0 auto;width:100%;max-width:{IMAGE_WIDTH}px;height:auto;border:0;outline:none;\"></a>\n",
                html::escape(image)
            ));
        }
        cell.push_str(&format!(
            "<p style=\"margin:8px 0 4px 0;font-size:14px;line-height:18px;\"><a href=\"{link}\" style=\"color:#202124;text-decoration:none;\">{title}</a></p>\n"
        ));
        if card.price_hundredths.is_some() {
            cell.push_str(&format!(
                "<p style=\"margin:0;font-size:14px;line-height:18px;font-weight:bold;\">{}</p>\n",
                html::escape(&price_text(card.price_hundredths, card.currency))
            ));
        }
        cell.push_str("</td>\n");
        cell
    }

    /// The same suggestions as data.
    fn feed(
        &self,
        order_id: Option<&str>,
        order: &[String],
        products: &[EmailProduct<'_>],
    ) -> Value {
        let suggestions: Vec<Value> = products
            .iter()
            .map(|product| {
                let card = &product.card;
                json!({
                    "rank": product.rank,
                    "id": card.id,
                    "title": card.title,
                    "url": product.link,
                    "image": product.image,
                    "price": card.price_hundredths.map(|hundredths| f64::from(hundredths) / 100.0),
                    "currency": card.currency,
                    "category": (!card.category.is_empty()).then_some(card.category),
                })
            })
            .collect();
        let mut feed = json!({ "order": order, "suggestions": suggestions });
        if let Some(order_id) = order_id {
            feed["order_id"] = json!(order_id);
        }
        feed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> BaseUrl {
        BaseUrl::parse(text).unwrap()
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let shop = base("https://shop.example/store/products/index.html?x=1");
        let cases = [
            ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
            ("HTTP://shop.example/p", "HTTP://shop.example/p"),
            ("//cdn.example/a.jpg", "https://cdn.example/a.jpg"),
            ("/p/a?ref=1#top", "https://shop.example/p/a?ref=1#top"),
            ("a.html", "https://shop.example/store/products/a.html"),
            ("../img/a.jpg", "https://shop.example/store/img/a.jpg"),
            ("./a/./b/../c", "https://shop.example/store/products/a/c"),
            ("/a/b/..", "https://shop.example/a/"),
            ("../../../../x", "https://shop.example/x"),
            (
                "?page=2",
                "https://shop.example/store/products/index.html?page=2",
            ),
        ];
        for (reference, expected) in cases {
            assert_eq!(
                resolve_url(Some(&shop), reference).unwrap(),
                expected,
                "{reference}"
            );
        }
        assert_eq!(resolve_url(None, "/p/a"), Err(UrlProblem::Relative));
        assert_eq!(
            resolve_url(Some(&shop), "javascript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        assert_eq!(
            resolve_url(None, " data:text/html,x"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        // Browsers delete the tab and strip the leading control: both are javascript:.
        assert_eq!(
            resolve_url(Some(&shop), "java\tscript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::ControlCharacter))
        );
        assert_eq!(
            resolve_url(Some(&shop), "\u{1}javascript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        assert_eq!(base("http://shop.example").path, "/");
        for bad in ["shop.example", "ftp://x/", "https:///path", "https://"] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tracking_goes_into_the_query_before_the_fragment() {
        let track = |url| with_tracking(url, "post purchase");
        let suffix = "utm_source=alsobought&utm_medium=email&utm_campaign=post%20purchase";
        assert_eq!(
            track("https://s.example/p"),
            format!("https://s.example/p?{suffix}")
        );
        assert_eq!(
            track("https://s.example/p?color=red"),
            format!("https://s.example/p?color=red&{suffix}")
        );
        assert_eq!(
            track("https://s.example/p?#reviews"),
            format!("https://s.example/p?{suffix}#reviews")
        );
        assert_eq!(
            track("https://s.example/p?utm_source=old&size=m&utm_medium=x#a?b"),
            format!("https://s.example/p?size=m&{suffix}#a?b")
        );
        assert_eq!(
            with_tracking("https://s.example/p", ""),
            "https://s.example/p?utm_source=alsobought&utm_medium=email"
        );
    }

    #[test]
    fn file_stems_are_safe_and_distinct() {
        assert_eq!(file_stem("1001"), "1001");
        assert_eq!(file_stem("#1001"), "%231001");
        assert_eq!(file_stem("../etc/passwd"), "%2E%2E%2Fetc%2Fpasswd");
        assert_eq!(file_stem(""), "%00");
        assert_ne!(file_stem("a b"), file_stem("a_b"));
    }
}
