//! Product images: small SVG files drawn from the product's category, type and variant,
//! so every card in the demo has a distinct, tidy picture without shipping photos.
//!
//! The picture is a tinted gradient background, a shape chosen by the product type in
//! the category's colour (shifted per variant), two soft decorative circles placed by
//! the variant, and the title's initials. Width, height and viewBox are set so the
//! browser reserves the right space before the file arrives.

use alsobought_core::html::escape;

use super::catalog::Product;

/// Width and height of every product image, in CSS pixels.
pub const IMAGE_SIZE: u32 = 400;

/// The SVG document for `product`.
pub fn product_image(product: &Product) -> String {
    let hue =
        (i32::from(product.category().hue) + variant_hue_shift(product.variant)).rem_euclid(360);
    let saturation = 42 + (product.type_index * 7 % 20) as i32;
    let lightness = 36 + (product.variant * 5 % 12) as i32;
    let background_from = format!("hsl({hue}, 45%, 94%)");
    let background_to = format!("hsl({}, 50%, 84%)", (hue + 25) % 360);
    let shape_colour = format!("hsl({hue}, {saturation}%, {lightness}%)");
    let accent = format!("hsl({}, 60%, 60%)", (hue + 180) % 360);
    let (dot_x, dot_y) = [(322, 78), (78, 86), (318, 318), (84, 314)][product.variant % 4];
    let (ring_x, ring_y) = [(80, 320), (320, 320), (90, 80), (316, 84)][product.variant % 4];
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img" aria-labelledby="title">"#,
            "\n<title id=\"title\">{title}</title>\n",
            r##"<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{from}"/><stop offset="1" stop-color="{to}"/></linearGradient></defs>"##,
            "\n",
            r##"<rect width="{size}" height="{size}" fill="url(#bg)"/>"##,
            "\n",
            r#"<circle cx="{dot_x}" cy="{dot_y}" r="34" fill="{accent}" opacity="0.35"/>"#,
            "\n",
            r#"<circle cx="{ring_x}" cy="{ring_y}" r="46" fill="none" stroke="{shape}" stroke-width="10" opacity="0.25"/>"#,
            "\n<g fill=\"{shape}\">{outline}</g>\n",
            r##"<text x="200" y="200" dy="0.35em" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="88" font-weight="700" letter-spacing="4" fill="#ffffff">{initials}</text>"##,
            "\n</svg>\n"
        ),
        size = IMAGE_SIZE,
        title = escape(&product.title),
        from = background_from,
        to = background_to,
        accent = accent,
        shape = shape_colour,
        dot_x = dot_x,
        dot_y = dot_y,
        ring_x = ring_x,
        ring_y = ring_y,
        outline = shape(product.type_index),
        initials = escape(&initials(&product.title)),
    )
}

/// Variants of one type get neighbouring hues, so they look related but distinct.
fn variant_hue_shift(variant: usize) -> i32 {
    [0, 22, -18, 40, -34, 12, -8, 30][variant % 8]
}

/// One of six centred shapes, about 240 px across.
fn shape(type_index: usize) -> &'static str {
    match type_index % 6 {
        0 => r#"<circle cx="200" cy="200" r="124"/>"#,
        1 => r#"<rect x="84" y="84" width="232" height="232" rx="40"/>"#,
        2 => r#"<polygon points="200,70 312,135 312,265 200,330 88,265 88,135"/>"#,
        3 => {
            r#"<rect x="110" y="110" width="180" height="180" rx="30" transform="rotate(45 200 200)"/>"#
        }
        4 => r#"<path d="M84 324 V204 A116 116 0 0 1 316 204 V324 Z"/>"#,
        _ => r#"<rect x="70" y="118" width="260" height="164" rx="82"/>"#,
    }
}

/// Up to two initials from the title's words that start with a letter:
/// `Ceramic Pour-Over Coffee Dripper` → `CP`.
pub fn initials(title: &str) -> String {
    title
        .split_whitespace()
        .filter_map(|word| word.chars().next().filter(|c| c.is_alphabetic()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_skip_numbers_and_symbols() {
        assert_eq!(initials("Ceramic Pour-Over Coffee Dripper"), "CP");
        assert_eq!(initials("1000-Piece Jigsaw Puzzle"), "JP");
        assert_eq!(initials("Fig & Cedar Scented Candle"), "FC");
        assert_eq!(initials("Café Espresso Cups"), "CE");
    }
}
