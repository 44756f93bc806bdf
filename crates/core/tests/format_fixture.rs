//! The frozen example of `docs/format.md` § 15: every version-1 reader must read
//! it, and the writer must reproduce it byte for byte. A change that breaks
//! this test changes the format: bump the version (see § 14 Compatibility).

use alsobought_core::{write_table, ProductRecord, Table, TableInput};

const EXAMPLE: &[u8] = include_bytes!("fixtures/example.table");

fn example_input() -> TableInput {
    let mut mug = ProductRecord::with_id("A");
    mug.title = "Mug".into();
    mug.price_hundredths = Some(1299);
    mug.currency = Some("EUR".into());
    let mut tea = ProductRecord::with_id("B");
    tea.title = "Tea".into();
    tea.rating_tenths = Some(45);
    TableInput {
        products: vec![mug, tea],
        neighbours: vec![vec![(1, 0.8)], vec![(0, 0.2)]],
        best_sellers: vec![(0, 10.0), (1, 5.0)],
        order_count: 3,
        max_neighbours: 1,
        ..Default::default()
    }
}

#[test]
fn the_writer_reproduces_the_documented_example() {
    assert_eq!(write_table(&example_input()).unwrap(), EXAMPLE);
}

#[test]
fn the_documented_example_reads_as_described() {
    let table = Table::open(EXAMPLE).unwrap();
    table.verify().unwrap();
    let header = table.header();
    assert_eq!(
        (
            header.best_sellers_offset,
            header.leaf_offset,
            header.bundles_offset,
            header.file_length
        ),
        (132, 190, 210, 318)
    );
    let bundle = table.bundle("B").unwrap().unwrap();
    let tea = bundle.product().unwrap();
    assert_eq!(
        (tea.number, tea.title, tea.rating_tenths, tea.currency),
        (1, "Tea", Some(45), None)
    );
    let neighbours: Vec<_> = bundle.neighbours().collect();
    assert_eq!(neighbours.len(), 1);
    let (mug, quantized) = neighbours[0];
    assert_eq!(
        (mug.id, mug.title, mug.price_hundredths, mug.currency),
        ("A", "Mug", Some(1299), Some("EUR"))
    );
    assert_eq!(quantized, 1);
    assert!((header.quantization().dequantize(quantized) - 0.2).abs() < 1e-6);
    let prefix = table.prefix().unwrap();
    let best: Vec<_> = prefix
        .best_sellers()
        .neighbours()
        .map(|(card, q)| (card.id, q))
        .collect();
    assert_eq!(best, [("A", 255), ("B", 1)]);
}
