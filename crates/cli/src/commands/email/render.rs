//! The suggestions an email can carry (those with a usable link), rendered as the
//! email-safe HTML fragment or as the JSON feed.

use std::cell::RefCell;
use std::collections::HashSet;

use serde_json::{json, Value};

use super::tracking::with_tracking;
use super::urls::{resolve_url, BaseUrl};
use super::{html, Card, Suggestion};
use crate::report::{price_text, warn};

/// Cards per table row: three fit a 600-pixel email on a desktop and still read on a
/// phone.
const COLUMNS: usize = 3;

/// The image width in pixels (the `width` attribute Outlook needs).
const IMAGE_WIDTH: u32 = 160;

/// A suggestion ready for an email: its card and absolute URLs.
pub(super) struct EmailProduct<'a> {
    card: Card<'a>,
    rank: usize,
    /// The product page with the tracking parameters.
    link: String,
    /// The absolute image URL, when the card has a usable one.
    image: Option<String>,
}

/// Turns suggestions into the fragment and the feed.
pub(super) struct Renderer<'a> {
    base_url: Option<&'a BaseUrl>,
    campaign: &'a str,
    heading: &'a str,
    /// Products already warned about: a campaign would repeat the warning per order.
    left_out: RefCell<HashSet<String>>,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(base_url: Option<&'a BaseUrl>, campaign: &'a str, heading: &'a str) -> Self {
        Renderer {
            base_url,
            campaign,
            heading,
            left_out: RefCell::default(),
        }
    }

    /// The suggestions with a usable link; the others are left out with a warning, once
    /// per product (a card without a product URL, or with a script URL, cannot be
    /// mailed).
    pub(super) fn usable<'t>(&self, suggestions: Vec<Suggestion<'t>>) -> Vec<EmailProduct<'t>> {
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
    pub(super) fn html(&self, products: &[EmailProduct<'_>]) -> String {
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
    pub(super) fn feed(
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
